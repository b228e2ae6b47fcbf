//! Documents with one thing missing or wrong, each refused (or warned about) for that thing.

use super::*;

#[test]
fn bindings() {
    let cert = ec_cert();
    let artifact = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact";
    let soap = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP";
    let doc = |services: &[(&str, &str)]| idp_entity("https://idp.example.com", services, &[&cert]);
    let p =
        inspect_idp_metadata(&doc(&[(artifact, "https://idp.example.com/a")]), NOW).unwrap_err();
    assert_eq!(p.code, "metadata_unsupported_binding");
    assert!(
        p.message
            .starts_with("The metadata only offers sign-in through HTTP-Artifact,"),
        "{}",
        p.message
    );
    let p = inspect_idp_metadata(
        &doc(&[
            (soap, "https://idp.example.com/s"),
            (artifact, "https://idp.example.com/a"),
        ]),
        NOW,
    )
    .unwrap_err();
    assert!(
        p.message.contains("through SOAP and HTTP-Artifact,"),
        "{}",
        p.message
    );
    let saml1 = "urn:mace:shibboleth:1.0:profiles:AuthnRequest";
    let simple_sign = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign";
    let p = inspect_idp_metadata(
        &doc(&[
            (saml1, "https://idp.example.com/1"),
            (simple_sign, "https://idp.example.com/2"),
        ]),
        NOW,
    )
    .unwrap_err();
    assert!(
        p.message
            .contains("through AuthnRequest and HTTP-POST-SimpleSign,"),
        "{}",
        p.message
    );
    assert_eq!(code(&doc(&[]), NOW), "metadata_no_sso_url");
    // HTTP-POST alone is enough; duplicates collapse; unusable bindings are skipped.
    let both = doc(&[
        (soap, "https://idp.example.com/s"),
        (POST, "https://idp.example.com/p"),
        (POST, "https://idp.example.com/p"),
    ]);
    let meta = inspect_idp_metadata(&both, NOW).unwrap();
    assert_eq!(
        meta.sso_services,
        [SsoService {
            binding: "post".into(),
            url: "https://idp.example.com/p".into()
        }]
    );
    assert_eq!(
        code(&doc(&[(REDIRECT, "/relative/sso")]), NOW),
        "metadata_sso_url_invalid"
    );
    let http = inspect_idp_metadata(
        &doc(&[
            (REDIRECT, "http://idp.example.com/sso"),
            (POST, "http://idp.example.com/sso"),
        ]),
        NOW,
    )
    .unwrap();
    assert_eq!(warning_codes(&http), ["metadata_sso_url_not_https"]);
}

#[test]
fn certificates_in_the_document() {
    let (good, other) = (
        ec_cert(),
        generated_cert(&rcgen::PKCS_ED25519, (2025, 1, 1), (2031, 1, 1)),
    );
    let doc = |certs: &[&str]| {
        idp_entity(
            "https://idp.example.com",
            &[(REDIRECT, "https://idp.example.com/sso")],
            certs,
        )
    };
    let meta = inspect_idp_metadata(&doc(&[&good, &other, &good]), NOW).unwrap();
    let keys: Vec<&str> = meta
        .signing_certificates
        .iter()
        .map(|c| c.key_algorithm.as_str())
        .collect();
    assert_eq!(keys, ["EC", "Ed25519"]);
    // A damaged one among readable ones is left out, with a warning; alone, it is refused.
    let meta = inspect_idp_metadata(&doc(&[&good, "bm90IGEgY2VydA=="]), NOW).unwrap();
    assert_eq!(meta.signing_certificates.len(), 1);
    assert_eq!(warning_codes(&meta), ["certificate_unreadable"]);
    assert!(meta.warnings[0]
        .message
        .starts_with("Signing certificate 2 in the metadata is damaged"));
    assert_eq!(
        code(&doc(&["bm90IGEgY2VydA=="]), NOW),
        "certificate_invalid"
    );
    assert_eq!(code(&doc(&[]), NOW), "metadata_no_certificate");
    let key = "-----BEGIN PRIVATE KEY-----MIIE-----END PRIVATE KEY-----";
    assert_eq!(code(&doc(&[&good, key]), NOW), "certificate_is_private_key");
    // Line-wrapped base64, as most IdPs write it.
    let wrapped: String = good
        .as_bytes()
        .chunks(64)
        .map(|l| format!("\n        {}", std::str::from_utf8(l).unwrap()))
        .collect();
    let meta = inspect_idp_metadata(&doc(&[&format!("{wrapped}\n    ")]), NOW).unwrap();
    assert_eq!(
        meta.signing_certificates[0].pem,
        parse_certificate(&good, NOW).unwrap().pem
    );
    // Expiring within 30 days, and a rollover certificate not valid yet.
    let soon = generated_cert(&rcgen::PKCS_ECDSA_P384_SHA384, (2025, 1, 1), (2026, 12, 10));
    let next = generated_cert(&rcgen::PKCS_ECDSA_P256_SHA256, (2026, 12, 1), (2029, 12, 1));
    let meta = inspect_idp_metadata(&doc(&[&soon, &next]), NOW).unwrap();
    assert_eq!(
        warning_codes(&meta),
        [
            "certificate_expiring_soon",
            "certificate_some_not_yet_valid"
        ]
    );
    assert!(
        meta.warnings[0].message.contains("in 17 days"),
        "{}",
        meta.warnings[0].message
    );
    assert_eq!(
        (
            meta.signing_certificates[0].key_bits,
            meta.signing_certificates[1].key_bits
        ),
        (384, 256)
    );
}

#[test]
fn edited_okta_metadata() {
    let Some(xml) = fixture("okta-idp-metadata.xml") else {
        return;
    };
    let cut = |from: &str, to: &str| {
        let (a, b) = (xml.find(from).unwrap(), xml.find(to).unwrap() + to.len());
        (xml[..a].to_owned(), xml[b..].to_owned())
    };
    let (head, tail) = cut("<md:KeyDescriptor", "</md:KeyDescriptor>");
    assert_eq!(
        code(&format!("{head}{tail}"), NOW),
        "metadata_no_certificate"
    );
    assert_eq!(
        code(&xml.replace(r#"use="signing""#, r#"use="encryption""#), NOW),
        "metadata_no_certificate"
    );
    let id = "EntityDescriptor entityID=\"http://www.okta.com/exkdoocxa1VmjpXmX697\"";
    assert_eq!(
        code(&xml.replace(id, "EntityDescriptor"), NOW),
        "metadata_no_entity_id"
    );
    assert_eq!(
        code(&xml.replace(id, "EntityDescriptor entityID=\" \""), NOW),
        "metadata_no_entity_id"
    );
    let soap = xml
        .replace("bindings:HTTP-POST", "bindings:SOAP")
        .replace("bindings:HTTP-Redirect", "bindings:SOAP");
    let p = inspect_idp_metadata(&soap, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_unsupported_binding");
    assert!(p.message.contains("through SOAP, which"), "{}", p.message);
    let redirect_only = xml.replacen("bindings:HTTP-POST", "bindings:SOAP", 1);
    let meta = inspect_idp_metadata(&redirect_only, NOW).unwrap();
    assert!(meta.sso_post_url().is_none() && meta.sso_redirect_url().is_some());
    assert_eq!(
        code(
            &xml.replace("md:IDPSSODescriptor", "md:RoleDescriptor"),
            NOW
        ),
        "metadata_no_idp_descriptor"
    );
}

/// The two boxyhq files put a comment before `<?xml …?>` and use an un-namespaced
/// `EntityDescriptor`; each fix in turn reveals the next problem.
#[test]
fn boxyhq_edge_files() {
    for (file, code_when_fixed) in [
        ("edge-metadata-no-entityid.xml", "metadata_no_entity_id"),
        ("edge-metadata-no-sso-service.xml", "metadata_no_sso_url"),
    ] {
        let Some(xml) = fixture(file) else { return };
        let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
        assert_eq!(p.code, "metadata_not_xml");
        assert!(
            p.message.contains("<?xml …?> line must come first"),
            "{}",
            p.message
        );
        let no_comment = &xml[xml.find("<?xml").unwrap()..];
        let p = inspect_idp_metadata(no_comment, NOW).unwrap_err();
        assert_eq!(p.code, "metadata_wrong_document");
        assert!(
            p.message
                .contains("<EntityDescriptor> element is in no namespace"),
            "{}",
            p.message
        );
        let namespaced = no_comment.replace("xmlns:md=", "xmlns=");
        assert_eq!(code(&namespaced, 1_700_000_000), code_when_fixed, "{file}");
    }
}

#[test]
fn signed_metadata_is_read_and_its_signature_certificate_ignored() {
    let Some(xml) = fixture("adfs-federationmetadata-php-saml.xml") else {
        return;
    };
    assert!(xml.contains("<ds:Signature") || xml.contains("<Signature"));
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(meta.signing_certificates.len(), 1);
    assert!(
        meta.signing_certificates[0]
            .subject
            .contains("ADFS Signing"),
        "{:?}",
        meta.signing_certificates[0]
    );
}
