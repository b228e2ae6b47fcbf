//! Real identity providers' metadata from the corpus, read in detail.

use super::*;

#[test]
fn okta() {
    let Some(xml) = fixture("okta-idp-metadata.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let sso = "https://trial-1022863.okta.com/app/trial-1022863_oktalocalhostbis_1/exkdoocxa1VmjpXmX697/sso/saml";
    assert_eq!(meta.entity_id, "http://www.okta.com/exkdoocxa1VmjpXmX697");
    // Document order: Okta lists POST first; Redirect is still preferred for sign-in.
    let bindings: Vec<&str> = meta
        .sso_services
        .iter()
        .map(|s| s.binding.as_str())
        .collect();
    assert_eq!(bindings, ["post", "redirect"]);
    assert_eq!(
        (meta.sso_redirect_url(), meta.sso_post_url()),
        (Some(sso), Some(sso))
    );
    assert_eq!(meta.preferred_sso().unwrap().binding, "redirect");
    assert_eq!(
        meta.name_id_formats,
        ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"]
    );
    assert_eq!(meta.warnings, []);
    let [cert] = meta.signing_certificates.as_slice() else {
        panic!("{meta:?}")
    };
    assert_eq!(format_date(cert.not_after), "2034-04-25");
    assert!(
        cert.subject.contains("CN=trial-1022863"),
        "{}",
        cert.subject
    );
    assert_eq!(cert.subject, cert.issuer);
    assert_eq!((cert.key_algorithm.as_str(), cert.key_bits), ("RSA", 2048));
    assert_eq!(cert.signature_algorithm, "RSA-SHA256");
    assert!(
        cert.serial.len() >= 2
            && cert
                .serial
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    );
    assert_eq!(parse_certificate(&cert.pem, NOW).as_ref(), Ok(cert));
}

#[test]
fn entra_id_with_bom_and_an_expired_certificate() {
    let Some(xml) = fixture("entra-id-idp-metadata.xml") else {
        return;
    };
    assert!(xml.starts_with('\u{feff}'));
    // Expired a week before the corpus date: accepted, flagged, and explained.
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(
        meta.entity_id,
        "https://sts.windows.net/a9054a0f-2011-4e31-b3ac-fd8c354146ec/"
    );
    let sso = "https://login.microsoftonline.com/a9054a0f-2011-4e31-b3ac-fd8c354146ec/saml2";
    assert_eq!(
        (meta.sso_redirect_url(), meta.sso_post_url()),
        (Some(sso), Some(sso))
    );
    // The WS-Federation RoleDescriptors and the document signature carry certificates too.
    let [cert] = meta.signing_certificates.as_slice() else {
        panic!("{meta:?}")
    };
    assert!(cert.expired);
    assert_eq!(warning_codes(&meta), ["certificate_expired"]);
    let message = &meta.warnings[0].message;
    assert!(
        message.contains("expired on 2026-11-16") && message.contains("sign-in will fail until"),
        "{message}"
    );
    let before = inspect_idp_metadata(&xml, NOW - 22 * DAY).unwrap();
    assert!(!before.signing_certificates[0].expired);
    assert_eq!(warning_codes(&before), ["certificate_expiring_soon"]);
    assert!(inspect_idp_metadata(&xml, NOW - 60 * DAY)
        .unwrap()
        .warnings
        .is_empty());
}

#[test]
fn google_workspace_and_its_stale_copy() {
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
        (meta.sso_redirect_url(), meta.sso_post_url()),
        (Some(sso), Some(sso))
    );
    assert_eq!(
        meta.valid_until.map(format_date).as_deref(),
        Some("2028-07-19")
    );
    assert_eq!(meta.warnings, []);
    let Some(old) = fixture("google-workspace-idp-metadata-validuntil-2026-06-22.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&old, NOW).unwrap();
    assert_eq!(
        warning_codes(&meta),
        ["certificate_expired", "metadata_valid_until_passed"]
    );
    assert!(
        meta.warnings[0].message.contains("expired on 2026-06-22"),
        "{}",
        meta.warnings[0].message
    );
    let june = 1_780_272_000; // 2026-06-01
    assert_eq!(
        warning_codes(&inspect_idp_metadata(&old, june).unwrap()),
        ["certificate_expiring_soon"]
    );
}

#[test]
fn adfs_keeps_only_the_idp_signing_certificate() {
    for (file, host) in [
        ("adfs-v2-federationmetadata.xml", "fs.msidlab7.com"),
        ("adfs-v3-federationmetadata.xml", "fs.msidlab2.com"),
        ("adfs-v4-federationmetadata.xml", "fs.msidlab11.com"),
    ] {
        let Some(xml) = fixture(file) else { return };
        let meta = inspect_idp_metadata(&xml, 1_496_275_200).unwrap(); // 2017-06-01
        assert_eq!(meta.entity_id, format!("http://{host}/adfs/services/trust"));
        let sso = format!("https://{host}/adfs/ls/");
        assert_eq!(meta.sso_redirect_url(), Some(sso.as_str()));
        assert_eq!(meta.sso_post_url(), Some(sso.as_str()));
        let [cert] = meta.signing_certificates.as_slice() else {
            panic!("{file}: {meta:?}")
        };
        assert!(cert.subject.contains("ADFS Signing"), "{}", cert.subject);
        assert_eq!(meta.name_id_formats.len(), 3);
        assert_eq!(meta.warnings, [], "{file}");
    }
}

#[test]
fn keycloak_over_plain_http_on_localhost() {
    let Some(xml) = fixture("keycloak-idp-metadata.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let sso = "http://localhost:8085/realms/master/protocol/saml";
    assert_eq!(meta.entity_id, "http://localhost:8085/realms/master");
    // Keycloak also offers Artifact and SOAP; only the usable bindings are kept.
    assert_eq!(meta.sso_services.len(), 2);
    assert_eq!(
        (meta.sso_redirect_url(), meta.sso_post_url()),
        (Some(sso), Some(sso))
    );
    assert_eq!(meta.name_id_formats.len(), 4);
    assert_eq!(warning_codes(&meta), ["metadata_sso_url_not_https"]);
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
        assert!(
            p.message.starts_with(
                "This is the metadata of an application, not of your identity provider"
            ),
            "{}",
            p.message
        );
    }
}

#[test]
fn ecdsa_and_multiple_signing_certificates() {
    let Some(xml) = fixture("edge-metadata-ecdsa-cert.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    let c = &meta.signing_certificates[0];
    assert_eq!(
        (
            c.key_algorithm.as_str(),
            c.key_bits,
            c.signature_algorithm.as_str()
        ),
        ("EC", 256, "ECDSA-SHA256")
    );

    let Some(xml) = fixture("edge-metadata-multi-signing-certs.xml") else {
        return;
    };
    // Three signing KeyDescriptors, two distinct certificates, both kept for rollover.
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(meta.signing_certificates.len(), 2);
    assert!(meta.signing_certificates.iter().all(|c| c.expired));
    assert_eq!(
        warning_codes(&meta),
        ["certificate_expired", "certificate_weak_signature"]
    );
    assert!(
        meta.warnings[0]
            .message
            .starts_with("Both signing certificates have expired; the newer one"),
        "{}",
        meta.warnings[0].message
    );
    // On 2019-01-01 one of them is valid, so the other is only a note.
    let meta = inspect_idp_metadata(&xml, 1_546_300_800).unwrap();
    assert_eq!(
        warning_codes(&meta),
        ["certificate_some_expired", "certificate_weak_signature"]
    );
    assert!(
        meta.warnings[0].message.contains("2018-04-15"),
        "{}",
        meta.warnings[0].message
    );
    // Before either was issued: still accepted, with the date sign-in starts working.
    let meta = inspect_idp_metadata(&xml, 1_000_000_000).unwrap();
    assert_eq!(warning_codes(&meta)[0], "certificate_not_yet_valid");
}

/// ruby-saml's fixture holds base64(PEM text) instead of base64(DER), signed with SHA-1.
#[test]
fn base64_of_pem_and_sha1_certificates() {
    let Some(xml) = fixture("edge-metadata-idp-descriptor-ruby-2.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(meta.signing_certificates.len(), 2);
    assert_eq!(
        format_date(meta.signing_certificates[0].not_after),
        "2032-04-14"
    );
    assert_eq!(
        warning_codes(&meta),
        [
            "certificate_some_expired",
            "certificate_weak_signature",
            "metadata_valid_until_passed"
        ]
    );
    assert!(meta.warnings[1].message.contains("SHA-1"));
    assert_eq!(
        meta.valid_until.map(format_date).as_deref(),
        Some("2014-04-17")
    );
}
