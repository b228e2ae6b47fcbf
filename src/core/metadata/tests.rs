//! Tests of the metadata inspector against hand-made documents and real provider files.
//! (Every file of the corpus, with its expected outcome, is in `tests/server/metadata.rs`.)

use super::*;

mod aggregates;
mod edits;
mod input_guards;
mod providers;

const NOW: i64 = 1_795_392_000; // 2026-11-23, the day the corpus was gathered
const DAY: i64 = 86_400;
const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// The corpus file's text, or `None` (with a note) when the corpus is not checked out.
fn fixture(name: &str) -> Option<String> {
    let dir = crate::core::fixtures::saml_dir()?;
    Some(std::fs::read_to_string(dir.join(name)).expect(name))
}

fn code(xml: &str, now: i64) -> String {
    match inspect_idp_metadata(xml, now) {
        Ok(m) => panic!("expected a problem, got {m:?}"),
        Err(p) => {
            assert!(p.message.ends_with('.'), "{}: {}", p.code, p.message);
            p.code
        }
    }
}

fn warning_codes(meta: &IdpMetadata) -> Vec<&str> {
    meta.warnings.iter().map(|w| w.code.as_str()).collect()
}

/// A fresh self-signed certificate as bare base64 DER, valid between the two dates.
fn generated_cert(
    alg: &'static rcgen::SignatureAlgorithm,
    from: (i32, u8, u8),
    to: (i32, u8, u8),
) -> String {
    let key = rcgen::KeyPair::generate_for(alg).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["idp.test".into()]).unwrap();
    params.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    params.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    let der = params.self_signed(&key).unwrap().der().to_vec();
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der)
}

/// A valid P-256 certificate for 2025–2030.
fn ec_cert() -> String {
    generated_cert(&rcgen::PKCS_ECDSA_P256_SHA256, (2025, 1, 1), (2030, 1, 1))
}

/// One `EntityDescriptor` with an IdP role: (binding, location) services and certificates.
fn idp_entity(entity_id: &str, services: &[(&str, &str)], certs: &[&str]) -> String {
    let keys: String = certs
        .iter()
        .map(|c| {
            format!(
                "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\
                 <ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            )
        })
        .collect();
    let sso: String = services
        .iter()
        .map(|(b, l)| format!("<md:SingleSignOnService Binding=\"{b}\" Location=\"{l}\"/>"))
        .collect();
    format!(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{entity_id}\">\
         <md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{keys}{sso}\
         </md:IDPSSODescriptor></md:EntityDescriptor>"
    )
}

#[test]
fn a_minimal_document_gives_every_field() {
    let cert = ec_cert();
    let xml = idp_entity(
        "https://idp.example.com",
        &[(POST, "https://idp.example.com/sso")],
        &[&cert],
    );
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(meta.entity_id, "https://idp.example.com");
    assert_eq!(
        meta.sso_services,
        [SsoService {
            binding: "post".into(),
            url: "https://idp.example.com/sso".into()
        }]
    );
    assert_eq!(
        (meta.sso_redirect_url(), meta.sso_post_url()),
        (None, Some("https://idp.example.com/sso"))
    );
    assert_eq!(meta.preferred_sso().unwrap().binding, "post");
    let [c] = meta.signing_certificates.as_slice() else {
        panic!("{meta:?}")
    };
    assert_eq!(
        (
            c.key_algorithm.as_str(),
            c.key_bits,
            c.signature_algorithm.as_str()
        ),
        ("EC", 256, "ECDSA-SHA256")
    );
    assert!(!c.expired);
    assert_eq!(
        (
            meta.valid_until,
            meta.chosen_entity.as_deref(),
            meta.entities.len()
        ),
        (None, None, 0)
    );
    assert_eq!(meta.warnings, []);
    let json = serde_json::to_string(&meta).unwrap();
    assert_eq!(serde_json::from_str::<IdpMetadata>(&json).unwrap(), meta);
}

#[test]
fn manual_sso_urls_need_https_except_on_loopback() {
    for ok in [
        "https://idp.example.com/sso",
        " https://idp.example.com/sso?x=1 ",
        "http://localhost:8080/realms/x/protocol/saml",
        "http://LOCALHOST/sso",
        "http://127.0.0.1/sso",
        "http://127.8.9.10:9000/sso",
        "http://[::1]:8443/sso",
        "http://user@localhost/sso",
    ] {
        assert_eq!(check_sso_url(ok).as_deref(), Ok(ok.trim()), "{ok}");
    }
    for (bad, expected) in [
        ("", "sso_url_invalid"),
        ("idp.example.com/sso", "sso_url_invalid"),
        ("ftp://idp.example.com/sso", "sso_url_invalid"),
        ("https:///sso", "sso_url_invalid"),
        ("http://idp.example.com/sso", "sso_url_not_https"),
        ("http://localhost.evil.com/sso", "sso_url_not_https"),
        ("http://127.0.0.1.nip.io/sso", "sso_url_not_https"),
        ("http://10.0.0.1/sso", "sso_url_not_https"),
        ("http://[::2]/sso", "sso_url_not_https"),
        ("http://localhost@evil.com/sso", "sso_url_not_https"),
    ] {
        let p = check_sso_url(bad).unwrap_err();
        assert_eq!(p.code, expected, "{bad}: {}", p.message);
        assert!(p.message.ends_with('.'), "{}", p.message);
    }
}
