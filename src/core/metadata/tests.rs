//! Tests of the metadata module, against hand-made documents and the real-world corpus.
use super::*;

const NOW: i64 = 1_795_392_000; // 2026-11-23, the day the corpus was gathered
const DAY: i64 = 86_400;
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/saml");

/// The corpus file's text, or `None` (with a note) when the corpus is not checked out.
fn fixture(name: &str) -> Option<String> {
    if !std::path::Path::new(FIXTURES).is_dir() {
        eprintln!("skipping: SAML fixture folder {FIXTURES} is absent");
        return None;
    }
    Some(std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect(name))
}

fn code(xml: &str, now: i64) -> String {
    match inspect_idp_metadata(xml, now) {
        Ok(m) => panic!("expected a problem, got {m:?}"),
        Err(p) => p.code,
    }
}

/// Every metadata document in the corpus: entity ID (when its structure is readable) and
/// outcome on the corpus date.
#[rustfmt::skip]
const CORPUS: &[(&str, Option<&str>, &str)] = &[
    ("adfs-federationmetadata-php-saml.xml", Some("http://idp.adfs.example.com/adfs/services/trust"), "certificate_expired"),
    ("adfs-v2-federationmetadata.xml", Some("http://fs.msidlab7.com/adfs/services/trust"), "certificate_expired"),
    ("adfs-v3-federationmetadata.xml", Some("http://fs.msidlab2.com/adfs/services/trust"), "certificate_expired"),
    ("adfs-v4-federationmetadata.xml", Some("http://fs.msidlab11.com/adfs/services/trust"), "certificate_expired"),
    ("auth0-idp-metadata.xml", Some("urn:dev-tyj7qyzz.auth0.com"), "ok"),
    ("edge-metadata-cert-mismatch.xml", Some("http://www.okta.com/exkdoocxa1VmjpXmX697"), "ok"),
    ("edge-metadata-different-sign-encrypt-cert.xml", Some("https://app.onelogin.com/saml/metadata/383123"), "certificate_expired"),
    ("edge-metadata-ecdsa-cert.xml", Some("https://fujifish.github.io/samling/samling.html"), "ok"),
    ("edge-metadata-expired-validuntil.xml", None, "metadata_is_sp"),
    ("edge-metadata-idp-descriptor-ruby-2.xml", Some("https://hello.example.com/access/saml/idp.xml"), "ok"),
    ("edge-metadata-malformed-xml.xml", None, "metadata_not_xml"),
    ("edge-metadata-multi-certs.xml", Some("https://idp.examle.com/saml/metadata"), "certificate_expired"),
    ("edge-metadata-multi-signing-certs.xml", Some("https://idp.examle.com/saml/metadata"), "certificate_expired"),
    ("edge-metadata-no-entityid.xml", None, "metadata_not_xml"),
    ("edge-metadata-no-idp-descriptor.xml", None, "metadata_is_sp"),
    ("edge-metadata-no-sso-service.xml", None, "metadata_not_xml"),
    ("edge-metadata-same-sign-encrypt-cert.xml", Some("https://app.onelogin.com/saml/metadata/383123"), "certificate_expired"),
    ("edge-metadata-signed.xml", None, "metadata_is_sp"),
    ("edge-metadata-sp-descriptor-only.xml", None, "metadata_is_sp"),
    ("edge-microsoftonline-sp-federationmetadata.xml", None, "metadata_is_sp"),
    ("entities-idp-multiple-descriptors.xml", None, "metadata_aggregate"),
    ("entities-metadata-python3-saml.xml", None, "metadata_aggregate"),
    ("entities-nested-samael.xml", Some("https://sso.example.org/idp"), "ok"),
    ("entities-swamid-1.0-federation-large.xml", None, "metadata_aggregate"),
    ("entities-swamid-test-federation.xml", None, "metadata_aggregate"),
    ("entities-testshib-providers.xml", Some("https://idp.testshib.org/idp/shibboleth"), "ok"),
    ("entra-id-idp-metadata.xml", Some("https://sts.windows.net/a9054a0f-2011-4e31-b3ac-fd8c354146ec/"), "certificate_expired"),
    ("google-workspace-idp-metadata-validuntil-2026-06-22.xml", Some("https://accounts.google.com/o/saml2"), "certificate_expired"),
    ("google-workspace-idp-metadata.xml", Some("https://accounts.google.com/o/saml2?idpid=C029op2ga"), "ok"),
    ("jumpcloud-idp-metadata.xml", Some("IdP Entity ID"), "ok"),
    ("keycloak-idp-metadata.xml", Some("http://localhost:8085/realms/master"), "ok"),
    ("okta-idp-metadata-crewjam.xml", Some("http://www.okta.com/exkppsa1qwuFV4D7z0h7"), "ok"),
    ("okta-idp-metadata.xml", Some("http://www.okta.com/exkdoocxa1VmjpXmX697"), "ok"),
    ("onelogin-idp-metadata-503983.xml", Some("https://app.onelogin.com/saml/metadata/503983"), "certificate_expired"),
    ("onelogin-idp-metadata.xml", Some("https://app.onelogin.com/saml/metadata/645460"), "certificate_expired"),
    ("pingone-idp-metadata.xml", Some("https://auth.pingone.com/3030059e-440b-4ad0-9217-44326f1757f6"), "certificate_expired"),
    ("secureworks-idp-metadata-rsakeyvalue.xml", Some("https://idp.secureworks.com/SAML2"), "certificate_expired"),
    ("shibboleth-idp-metadata-msidlab13.xml", Some("https://idp.msidlab13.com/idp/shibboleth"), "certificate_expired"),
    ("shibboleth-idp-metadata-php-saml.xml", None, "metadata_aggregate"),
];

#[test]
fn every_metadata_document_in_the_corpus() {
    let Some(_) = fixture("INDEX.tsv") else {
        return;
    };
    let mut listed: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| {
            n.ends_with(".xml") && (n.contains("metadata") || n.starts_with("entities-"))
        })
        .collect();
    listed.sort();
    let table: Vec<&str> = CORPUS.iter().map(|row| row.0).collect();
    assert_eq!(listed, table, "the corpus changed: update CORPUS");
    for &(name, entity_id, outcome) in CORPUS {
        let xml = fixture(name).unwrap();
        match inspect_idp_metadata(&xml, NOW) {
            Ok(meta) => assert_eq!(outcome, "ok", "{name}: {meta:?}"),
            Err(p) => {
                assert_eq!(p.code, outcome, "{name}: {}", p.message);
                assert!(p.message.ends_with('.'), "{name}: {}", p.message);
            }
        }
        let structure = extract(&xml).map(|(meta, _)| meta.entity_id);
        assert_eq!(structure.ok().as_deref(), entity_id, "{name}");
    }
}

#[test]
fn okta() {
    let Some(xml) = fixture("okta-idp-metadata.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let sso = concat!(
        "https://trial-1022863.okta.com/app/trial-1022863_oktalocalhostbis_1/",
        "exkdoocxa1VmjpXmX697/sso/saml"
    );
    assert_eq!(meta.entity_id, "http://www.okta.com/exkdoocxa1VmjpXmX697");
    assert_eq!(meta.sso_redirect_url.as_deref(), Some(sso));
    assert_eq!(meta.sso_post_url.as_deref(), Some(sso));
    assert_eq!(
        meta.name_id_formats,
        ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"]
    );
    assert_eq!(meta.warnings, []);
    let [cert] = meta.certificates.as_slice() else {
        panic!("{:?}", meta.certificates)
    };
    assert_eq!(format_date(cert.not_after), "2034-04-25");
    assert!(
        cert.subject.contains("CN=trial-1022863"),
        "{}",
        cert.subject
    );
    assert_eq!(cert.subject, cert.issuer);
    assert_eq!(parse_certificate(&cert.pem, NOW).as_ref(), Ok(cert));
    let json = serde_json::to_string(&meta).unwrap();
    assert_eq!(serde_json::from_str::<IdpMetadata>(&json).unwrap(), meta);
}

#[test]
fn entra_id_with_bom_and_expiry() {
    let Some(xml) = fixture("entra-id-idp-metadata.xml") else {
        return;
    };
    assert!(xml.starts_with('\u{feff}'));
    let expired = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(expired.code, "certificate_expired");
    assert!(
        expired
            .message
            .starts_with("The certificate expired on 2026-11-16"),
        "{}",
        expired.message
    );
    let meta = inspect_idp_metadata(&xml, NOW - 22 * DAY).unwrap();
    let sso = "https://login.microsoftonline.com/a9054a0f-2011-4e31-b3ac-fd8c354146ec/saml2";
    assert_eq!(
        meta.entity_id,
        "https://sts.windows.net/a9054a0f-2011-4e31-b3ac-fd8c354146ec/"
    );
    assert_eq!(meta.sso_redirect_url.as_deref(), Some(sso));
    assert_eq!(meta.sso_post_url.as_deref(), Some(sso));
    // The WS-Federation RoleDescriptors and the document signature carry certificates too.
    assert_eq!(meta.certificates.len(), 1);
    let codes: Vec<&str> = meta.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["certificate_expiring_soon"]);
    assert!(meta.warnings[0].message.contains("2026-11-16"));
    assert!(inspect_idp_metadata(&xml, NOW - 60 * DAY)
        .unwrap()
        .warnings
        .is_empty());
}

#[test]
fn google_workspace() {
    let Some(xml) = fixture("google-workspace-idp-metadata.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let sso = "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga";
    assert_eq!(
        meta.entity_id,
        "https://accounts.google.com/o/saml2?idpid=C029op2ga"
    );
    assert_eq!(
        (
            meta.sso_redirect_url.as_deref(),
            meta.sso_post_url.as_deref()
        ),
        (Some(sso), Some(sso))
    );
    assert_eq!(meta.warnings, []);
    let Some(old) = fixture("google-workspace-idp-metadata-validuntil-2026-06-22.xml") else {
        return;
    };
    let p = inspect_idp_metadata(&old, NOW).unwrap_err();
    assert!(
        p.message
            .starts_with("The certificate expired on 2026-06-22"),
        "{}",
        p.message
    );
    let june = 1_780_272_000; // 2026-06-01
    let codes: Vec<String> = inspect_idp_metadata(&old, june)
        .unwrap()
        .warnings
        .into_iter()
        .map(|w| w.code)
        .collect();
    assert_eq!(codes, ["certificate_expiring_soon"]);
}

#[test]
fn adfs_keeps_only_the_idp_signing_certificate() {
    for (file, host, valid_at) in [
        (
            "adfs-v2-federationmetadata.xml",
            "fs.msidlab7.com",
            1_496_275_200,
        ), // 2017-06-01
        (
            "adfs-v3-federationmetadata.xml",
            "fs.msidlab2.com",
            1_496_275_200,
        ),
        (
            "adfs-v4-federationmetadata.xml",
            "fs.msidlab11.com",
            1_496_275_200,
        ),
    ] {
        let Some(xml) = fixture(file) else { return };
        let meta = inspect_idp_metadata(&xml, valid_at).unwrap();
        assert_eq!(meta.entity_id, format!("http://{host}/adfs/services/trust"));
        let sso = format!("https://{host}/adfs/ls/");
        assert_eq!(meta.sso_redirect_url.as_deref(), Some(sso.as_str()));
        assert_eq!(meta.sso_post_url.as_deref(), Some(sso.as_str()));
        let [cert] = meta.certificates.as_slice() else {
            panic!("{file}: {:?}", meta.certificates)
        };
        assert!(cert.subject.contains("ADFS Signing"), "{}", cert.subject);
        assert_eq!(meta.name_id_formats.len(), 3);
    }
}

#[test]
fn keycloak_over_plain_http() {
    let Some(xml) = fixture("keycloak-idp-metadata.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let sso = "http://localhost:8085/realms/master/protocol/saml";
    assert_eq!(meta.entity_id, "http://localhost:8085/realms/master");
    assert_eq!(
        (
            meta.sso_redirect_url.as_deref(),
            meta.sso_post_url.as_deref()
        ),
        (Some(sso), Some(sso))
    );
    assert_eq!(meta.name_id_formats.len(), 4);
    let codes: Vec<&str> = meta.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["metadata_sso_url_not_https"]);
}

#[test]
fn service_provider_metadata_is_refused() {
    for file in [
        "edge-metadata-sp-descriptor-only.xml",
        "edge-microsoftonline-sp-federationmetadata.xml",
    ] {
        let Some(xml) = fixture(file) else { return };
        let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
        assert_eq!(p.code, "metadata_is_sp");
        assert!(p.message.starts_with(
            "This is a service-provider metadata file, not your identity provider's"
        ));
    }
}

#[test]
fn federation_aggregates() {
    for (file, count) in [
        (
            "entities-idp-multiple-descriptors.xml",
            "2 identity providers",
        ),
        (
            "entities-swamid-1.0-federation-large.xml",
            "39 identity providers (175 entities",
        ),
        (
            "entities-swamid-test-federation.xml",
            "10 identity providers (58 entities",
        ),
        (
            "shibboleth-idp-metadata-php-saml.xml",
            "2 identity providers (3 entities",
        ),
        (
            "entities-metadata-python3-saml.xml",
            "none of them is an identity provider",
        ),
    ] {
        let Some(xml) = fixture(file) else { return };
        let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
        assert_eq!(p.code, "metadata_aggregate");
        assert!(p.message.contains(count), "{file}: {}", p.message);
    }
    // The same IdP listed twice is one IdP; its aggregate's validUntil (2017) has passed.
    let Some(xml) = fixture("entities-nested-samael.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let [warning] = meta.warnings.as_slice() else {
        panic!("{:?}", meta.warnings)
    };
    assert_eq!(warning.code, "metadata_valid_until_passed");
    assert!(
        warning.message.contains("until 2017-08-30"),
        "{}",
        warning.message
    );
    // One IdP plus an SP: the IdP is used.
    let Some(xml) = fixture("entities-testshib-providers.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(
        meta.sso_post_url.as_deref(),
        Some("https://idp.testshib.org/idp/profile/SAML2/POST/SSO")
    );
}

#[test]
fn hostile_and_wrong_documents() {
    let Some(xml) = fixture("attack-billion-laughs-ruby-saml.xml") else {
        return;
    };
    assert_eq!(code(&xml, NOW), "metadata_dtd_forbidden");
    let xxe = r#"<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
    assert_eq!(code(xxe, NOW), "metadata_dtd_forbidden");
    let mut documents = 0;
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let is_message = name.contains("response")
            || name.contains("assertion")
            || (name.starts_with("invalid-") || name.starts_with("attack-"))
                && !name.contains("billion");
        if !is_message || !name.ends_with(".xml") {
            continue;
        }
        let p = inspect_idp_metadata(&fixture(&name).unwrap(), NOW).unwrap_err();
        assert_eq!(p.code, "metadata_wrong_document", "{name}: {}", p.message);
        assert!(
            p.message.contains("SAML response") || p.message.contains("SAML assertion"),
            "{name}: {}",
            p.message
        );
        documents += 1;
    }
    assert!(documents >= 50, "only {documents} responses found");
}

#[test]
fn not_metadata_at_all() {
    assert_eq!(code("", NOW), "metadata_empty");
    assert_eq!(code("\u{feff} \r\n\t", NOW), "metadata_empty");
    assert_eq!(code("hello", NOW), "metadata_not_xml");
    assert_eq!(
        code("-----BEGIN CERTIFICATE-----\nMIIB", NOW),
        "metadata_not_xml"
    );
    assert_eq!(
        code("https://idp.example.com/metadata", NOW),
        "metadata_not_xml"
    );
    assert_eq!(
        code("<html><body>Sign in</body></html>", NOW),
        "metadata_wrong_document"
    );
    assert_eq!(
        code(&format!("<a>{}</a>", " ".repeat(MAX_METADATA_BYTES)), NOW),
        "metadata_too_large"
    );
    let Some(xml) = fixture("edge-metadata-malformed-xml.xml") else {
        return;
    };
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_not_xml");
    assert!(p.message.contains("at line 13, column 5"), "{}", p.message);
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
fn edited_okta_metadata() {
    let Some(xml) = fixture("okta-idp-metadata.xml") else {
        return;
    };
    let cut = |from: &str, to: &str| {
        let (a, b) = (xml.find(from).unwrap(), xml.find(to).unwrap() + to.len());
        (xml[..a].to_owned(), xml[b..].to_owned())
    };
    let (head, tail) = cut("<ds:X509Certificate>", "</ds:X509Certificate>");
    let garbage =
        format!("{head}<ds:X509Certificate>bm90IGEgY2VydA==</ds:X509Certificate>{tail}");
    assert_eq!(code(&garbage, NOW), "certificate_invalid");
    let (head, tail) = cut("<md:KeyDescriptor", "</md:KeyDescriptor>");
    assert_eq!(
        code(&format!("{head}{tail}"), NOW),
        "metadata_no_certificate"
    );
    assert_eq!(
        code(&xml.replace(r#"use="signing""#, r#"use="encryption""#), NOW),
        "metadata_no_certificate"
    );
    assert_eq!(
        code(&xml.replace("Location=\"https://", "Location=\"/"), NOW),
        "metadata_sso_url_invalid"
    );
    assert_eq!(
        code(
            &xml.replace(
                "EntityDescriptor entityID=\"http://www.okta.com/exkdoocxa1VmjpXmX697\"",
                "EntityDescriptor"
            ),
            NOW
        ),
        "metadata_no_entity_id"
    );
    let soap = xml
        .replace("bindings:HTTP-POST", "bindings:SOAP")
        .replace("bindings:HTTP-Redirect", "bindings:SOAP");
    let p = inspect_idp_metadata(&soap, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_no_sso_url");
    assert!(p.message.contains("It only offers: SOAP."), "{}", p.message);
    let redirect_only = xml.replacen("bindings:HTTP-POST", "bindings:SOAP", 1);
    let meta = inspect_idp_metadata(&redirect_only, NOW).unwrap();
    assert!(meta.sso_post_url.is_none() && meta.sso_redirect_url.is_some());
    assert_eq!(
        code(
            &xml.replace("md:IDPSSODescriptor", "md:RoleDescriptor"),
            NOW
        ),
        "metadata_no_idp_descriptor"
    );
}

#[test]
fn several_signing_certificates() {
    let Some(xml) = fixture("edge-metadata-multi-signing-certs.xml") else {
        return;
    };
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(p.code, "certificate_expired");
    assert!(
        p.message.starts_with(
            "Both signing certificates have expired; the newer one expired on 2021-08-05"
        ),
        "{}",
        p.message
    );
    // Three KeyDescriptors, two distinct certificates; on 2019-01-01 one of them is valid.
    let meta = inspect_idp_metadata(&xml, 1_546_300_800).unwrap();
    assert_eq!(meta.certificates.len(), 2);
    let codes: Vec<&str> = meta.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(
        codes,
        ["certificate_weak_signature", "certificate_some_expired"]
    );
    assert!(
        meta.warnings[1].message.contains("2018-04-15"),
        "{}",
        meta.warnings[1].message
    );
    // Before either was issued.
    assert_eq!(code(&xml, 1_000_000_000), "certificate_not_yet_valid");
}

/// ruby-saml's fixture holds base64(PEM text) instead of base64(DER), signed with SHA-1.
#[test]
fn base64_of_pem_and_sha1_certificates() {
    let Some(xml) = fixture("edge-metadata-idp-descriptor-ruby-2.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(meta.certificates.len(), 2);
    assert_eq!(format_date(meta.certificates[0].not_after), "2032-04-14");
    let codes: Vec<&str> = meta.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "certificate_weak_signature",
            "certificate_some_expired",
            "metadata_valid_until_passed"
        ]
    );
    assert!(meta.warnings[0].message.contains("SHA-1"));
}
