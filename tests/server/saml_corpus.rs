//! Every SAML response and attack document of the shared corpus through `saml::response::validate`,
//! against a table of expected outcomes.
//!
//! Each file is checked as its own service provider would have: the clock at the response's
//! IssueInstant, our entity ID, ACS URL and request ID set to its Audience, Destination (else
//! Recipient) and InResponseTo. Certificates come from the paired IdP metadata when the corpus
//! has it (read by our own metadata inspector), else from the KeyInfo of a document by the
//! same test IdP — except for the re-signed attack, where trusting its KeyInfo would mean
//! trusting the attacker.

use base64::Engine as _;
use portico::api::test_sign_in::FailureCode::{self, *};
use portico::core::cert::CertificateInfo;
use portico::core::metadata::{inspect_idp_metadata_bytes, parse_certificate};
use portico::server::saml::response::{validate, Expectations};
use std::path::Path;

/// Where the trusted certificates come from.
#[derive(Clone, Copy)]
enum Trust {
    /// This IdP metadata file of the corpus (its signing certificates and entity ID).
    Meta(&'static str),
    /// The KeyInfo certificates of this corpus file (the upstream test IdP's own certificate).
    KeyInfo(&'static str),
    /// A certificate made here that signed nothing in the corpus.
    Stranger,
}
use Trust::{KeyInfo as K, Meta as M, Stranger as S};

/// What must happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Accepted, with this NameID.
    Ok(&'static str),
    /// Refused with this code.
    No(FailureCode),
}
use Expect::{No, Ok as Yes};

/// (file, certificates, allow SHA-1, expected).
#[rustfmt::skip]
const TABLE: &[(&str, Trust, bool, Expect)] = &[
    ("adfs-response-python3-saml.xml", S, false, No(SamlCertificateMismatch)),
    ("adfs-response-sha1.xml", M("edge-metadata-idp-descriptor-ruby-2.xml"), false, No(SamlAlgorithmNotAllowed)),
    ("adfs-response-sha1.xml", M("edge-metadata-idp-descriptor-ruby-2.xml"), true, No(SamlAlgorithmNotAllowed)),
    ("adfs-response-sha256.xml", S, false, No(SamlCertificateMismatch)),
    ("attack-billion-laughs-ruby-saml.xml", S, false, No(SamlResponseMalformed)),
    ("attack-comment-injection-crewjam.xml", K("attack-comment-injection-crewjam.xml"), false, Yes("ross@octolabs.io")),
    ("attack-comment-injection-nameid-python3-saml.xml", K("attack-multiple-assertions.xml"), true, No(SamlSignatureInvalid)),
    ("attack-comment-injection-nameid-ruby-saml-2.xml", K("attack-comment-injection-nameid-ruby-saml-2.xml"), true, No(SamlSignatureInvalid)),
    ("attack-comment-injection-nameid-ruby-saml-3.xml", K("attack-comment-injection-nameid-ruby-saml-3.xml"), true, No(SamlSignatureInvalid)),
    ("attack-concealed-signed-assertion.xml", K("attack-concealed-signed-assertion.xml"), true, No(SamlSignatureInvalid)),
    ("attack-doubled-signed-assertion.xml", K("attack-doubled-signed-assertion.xml"), true, No(SamlSignatureInvalid)),
    ("attack-invalid-signature-position.xml", K("attack-invalid-signature-position.xml"), true, No(SamlSignatureInvalid)),
    ("attack-multiple-assertions.xml", K("attack-multiple-assertions.xml"), true, No(SamlSignatureInvalid)),
    ("attack-multiple-signed.xml", K("attack-multiple-signed.xml"), true, No(SamlSignatureInvalid)),
    ("attack-pysaml2-xsw-assertion-assertion.xml", K("attack-pysaml2-xsw-assertion-assertion.xml"), true, No(SamlSignatureInvalid)),
    ("attack-pysaml2-xsw-assertion-extensions.xml", K("attack-pysaml2-xsw-assertion-extensions.xml"), true, No(SamlSignatureInvalid)),
    ("attack-pysaml2-xsw-assertion-in-assertion-first-sig.xml", K("attack-pysaml2-xsw-assertion-in-assertion-first-sig.xml"), true, No(SamlSignatureInvalid)),
    ("attack-pysaml2-xsw-assertion-wrapper.xml", K("attack-pysaml2-xsw-assertion-wrapper.xml"), true, No(SamlSignatureInvalid)),
    ("attack-pysaml2-xsw-response-in-response-first-sig.xml", K("attack-pysaml2-xsw-response-in-response-first-sig.xml"), true, No(SamlSignatureInvalid)),
    ("attack-resigned-by-attacker-cert-in-keyinfo.xml", S, true, No(SamlCertificateMismatch)),
    ("attack-samael-ancestor.xml", K("attack-samael-ancestor.xml"), true, No(SamlResponseMalformed)),
    ("attack-samael-object.xml", K("attack-samael-ancestor.xml"), true, No(SamlSignatureInvalid)),
    ("attack-samael-xpointer.xml", K("attack-samael-ancestor.xml"), true, No(SamlResponseMalformed)),
    ("attack-xsw-crewjam-permutation-eight.xml", K("attack-xsw-crewjam-permutation-eight.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-five.xml", K("attack-xsw-crewjam-permutation-five.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-four.xml", K("attack-xsw-crewjam-permutation-four.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-nine.xml", K("attack-xsw-crewjam-permutation-nine.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-seven.xml", K("attack-xsw-crewjam-permutation-seven.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-six.xml", K("attack-xsw-crewjam-permutation-six.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-three.xml", K("attack-xsw-crewjam-permutation-three.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-one.xml", M("onelogin-idp-metadata-503983.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-crewjam-permutation-two.xml", M("onelogin-idp-metadata-503983.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-python3-saml-1.xml", K("attack-xsw-python3-saml-1.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-python3-saml-2.xml", K("attack-xsw-python3-saml-2.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-python3-saml-wrapped-response-2.xml", K("attack-xsw-python3-saml-wrapped-response-2.xml"), true, No(SamlSignatureInvalid)),
    ("attack-xsw-ruby-saml-response-wrapped.xml", K("attack-xsw-ruby-saml-response-wrapped.xml"), true, No(SamlSignatureInvalid)),
    ("entra-id-response.xml", M("entra-id-idp-metadata.xml"), false, Yes("ulysse.carion_codomaindata.com#EXT#@ulyssecarioncodomaindata.onmicrosoft.com")),
    ("entra-saml2-assertion.xml", K("entra-saml2-assertion.xml"), false, No(SamlResponseMalformed)),
    ("google-workspace-response.xml", M("google-workspace-idp-metadata.xml"), false, Yes("ulysse.carion@codomaindata.com")),
    ("invalid-audience.xml", S, false, No(SamlUnsigned)),
    ("invalid-expired-response.xml", S, false, No(SamlUnsigned)),
    ("invalid-no-signature.xml", S, false, No(SamlUnsigned)),
    ("invalid-okta-bad-digest-algorithm.xml", M("okta-idp-metadata.xml"), false, No(SamlAlgorithmNotAllowed)),
    ("invalid-okta-bad-signature-algorithm.xml", M("okta-idp-metadata.xml"), false, No(SamlAlgorithmNotAllowed)),
    ("invalid-okta-expired-early.xml", M("okta-idp-metadata.xml"), false, No(SamlSignatureInvalid)),
    ("invalid-okta-no-certificate.xml", M("okta-idp-metadata.xml"), false, No(SamlSignatureInvalid)),
    ("invalid-okta-unsigned-assertion.xml", M("okta-idp-metadata.xml"), false, No(SamlSignatureInvalid)),
    ("invalid-status-responder.xml", S, false, No(SamlStatusNotSuccess)),
    ("jumpcloud-response.xml", M("jumpcloud-idp-metadata.xml"), false, Yes("ulysse.carion@codomaindata.com")),
    ("keycloak-response.xml", M("keycloak-idp-metadata.xml"), false, Yes("ulysse.carion@ssoready.com")),
    ("okta-response-encrypted-assertion-both-signed.xml", M("okta-idp-metadata-crewjam.xml"), false, No(SamlEncryptedUnreadable)),
    ("okta-response.xml", M("okta-idp-metadata.xml"), false, No(SamlSignatureInvalid)),
    ("onelogin-response.xml", M("onelogin-idp-metadata-503983.xml"), false, No(SamlAlgorithmNotAllowed)),
    ("onelogin-response.xml", M("onelogin-idp-metadata-503983.xml"), true, Yes("ross@kndr.org")),
    ("pingone-response.xml", M("pingone-idp-metadata.xml"), false, Yes("9e34fa21-4e8f-4dee-b565-648dbcf25eff")),
    ("secureworks-response-keyinfo-rsakeyvalue.xml", M("secureworks-idp-metadata-rsakeyvalue.xml"), true, No(SamlSignatureInvalid)),
    ("simplesamlphp-response.xml", S, true, No(SamlCertificateMismatch)),
];

/// 2026-11-23, for reading metadata; responses use their own IssueInstant.
const METADATA_NOW: i64 = crate::T0;

fn is_response_file(name: &str) -> bool {
    name.ends_with(".xml")
        && (name.starts_with("attack-")
            || name.starts_with("invalid-")
            || name.contains("response")
            || name == "entra-saml2-assertion.xml")
}

/// What the original SP expected, read from the document itself.
struct Context {
    issue_instant: i64,
    issuer: String,
    audience: String,
    acs: String,
    request_id: Option<String>,
}

fn first_text(doc: &roxmltree::Document, name: &str) -> Option<String> {
    doc.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == name)
        .and_then(|n| n.text())
        .map(|t| t.trim().to_owned())
}

fn first_attr(doc: &roxmltree::Document, element: &str, attr: &str) -> Option<String> {
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == element)
        .find_map(|n| n.attribute(attr))
        .map(str::to_owned)
}

fn context(text: &str) -> Context {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(text, opts) else {
        return Context {
            issue_instant: crate::T0,
            issuer: String::new(),
            audience: String::new(),
            acs: String::new(),
            request_id: None,
        };
    };
    let root = doc.root_element();
    let instant = root
        .attribute("IssueInstant")
        .and_then(parse_time)
        .unwrap_or(crate::T0);
    Context {
        issue_instant: instant,
        issuer: first_text(&doc, "Issuer").unwrap_or_default(),
        audience: first_text(&doc, "Audience").unwrap_or_default(),
        acs: root
            .attribute("Destination")
            .map(str::to_owned)
            .or_else(|| first_attr(&doc, "SubjectConfirmationData", "Recipient"))
            .unwrap_or_default(),
        request_id: root
            .attribute("InResponseTo")
            .map(str::to_owned)
            .or_else(|| first_attr(&doc, "SubjectConfirmationData", "InResponseTo")),
    }
}

/// `2023-11-16T21:20:27.514Z` → unix seconds (UTC only, as in the corpus).
fn parse_time(v: &str) -> Option<i64> {
    let t = time::PrimitiveDateTime::parse(
        v.trim().get(..19)?,
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()?;
    Some(t.assume_utc().unix_timestamp())
}

fn keyinfo_certificates(dir: &Path, file: &str) -> Vec<CertificateInfo> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let doc = roxmltree::Document::parse(text).unwrap();
    let mut out: Vec<CertificateInfo> = Vec::new();
    for n in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "X509Certificate")
    {
        let Some(b64) = n.text() else { continue };
        if let Ok(info) = parse_certificate(b64, METADATA_NOW) {
            if !out
                .iter()
                .any(|c| c.sha256_fingerprint == info.sha256_fingerprint)
            {
                out.push(info);
            }
        }
    }
    out
}

fn stranger() -> CertificateInfo {
    let cert = rcgen::generate_simple_self_signed(vec!["stranger.test".into()])
        .unwrap()
        .cert;
    parse_certificate(&cert.pem(), METADATA_NOW).unwrap()
}

/// Runs one file; returns the outcome as an `Expect`.
fn run(dir: &Path, file: &str, trust: Trust, allow_sha1: bool) -> (Expect, String) {
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let text = String::from_utf8_lossy(&bytes)
        .trim_start_matches('\u{feff}')
        .to_owned();
    let ctx = context(&text);
    let (certs, idp) = match trust {
        Trust::Meta(m) => {
            let meta = inspect_idp_metadata_bytes(
                &std::fs::read(dir.join(m)).unwrap(),
                METADATA_NOW,
                None,
            )
            .unwrap();
            (meta.signing_certificates, meta.entity_id)
        }
        Trust::KeyInfo(f) => (keyinfo_certificates(dir, f), ctx.issuer.clone()),
        Trust::Stranger => (vec![stranger()], ctx.issuer.clone()),
    };
    let exp = Expectations {
        idp_entity_id: &idp,
        certificates: &certs,
        sp_entity_id: &ctx.audience,
        acs_url: &ctx.acs,
        request_id: ctx.request_id.as_deref(),
        allow_idp_initiated: ctx.request_id.is_none(),
        allow_sha1,
        now: ctx.issue_instant,
        skew_seconds: 90,
        decryption_key_pem: None,
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    match validate(&encoded, &exp) {
        Ok(v) => {
            assert!(v.name_id.len() < 1000);
            let name: &'static str = Box::leak(v.name_id.clone().into_boxed_str());
            (
                Expect::Ok(name),
                format!("name_id={} assertion={}", v.name_id, v.assertion_id),
            )
        }
        Err((r, _)) => {
            let facts: Vec<String> = r
                .facts
                .iter()
                .map(|f| format!("{}={}", f.key, f.value))
                .collect();
            (Expect::No(r.code), facts.join(" | "))
        }
    }
}

#[test]
fn saml_corpus_responses_are_accepted_or_refused_as_tabled() {
    let Some(dir) = crate::metadata::corpus_dir() else {
        return;
    };
    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for &(file, trust, sha1, expected) in TABLE {
        let (got, detail) = run(dir, file, trust, sha1);
        match got {
            Expect::Ok(_) => accepted += 1,
            Expect::No(_) => rejected += 1,
        }
        if got != expected {
            failures.push(format!(
                "{file} (sha1 {sha1}): expected {expected:?}, got {got:?}: {detail}"
            ));
        }
        // Attacks must never get through, whatever the table says.
        if (file.starts_with("attack-")
            || file.contains("xsw")
            || file.contains("wrapp")
            || file.contains("comment")
            || file.contains("multiple"))
            && matches!(got, Expect::Ok(_))
            && file != "attack-comment-injection-crewjam.xml"
        {
            failures.push(format!("{file}: an attack document was accepted: {detail}"));
        }
    }
    // The table covers every response and attack file, so a new file cannot slip by.
    let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| is_response_file(n))
        .collect();
    let listed: std::collections::BTreeSet<String> = TABLE.iter().map(|r| r.0.to_owned()).collect();
    for missing in on_disk.difference(&listed) {
        let (got, detail) = run(dir, missing, Trust::Stranger, false);
        failures.push(format!(
            "{missing}: not in the table (with a stranger certificate: {got:?}: {detail})"
        ));
    }
    println!(
        "SAML corpus: accepted {accepted}, rejected {rejected} ({} rows, {} files)",
        TABLE.len(),
        listed.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// crewjam's comment-injection test keeps a clean Google response on disk and injects the
/// comment in code; so do we. Exclusive canonicalization drops comments, so the signature
/// still covers the NameID: the response must be refused, or read with its NameID whole.
#[test]
fn saml_corpus_comment_injected_into_a_signed_name_id() {
    let Some(dir) = crate::metadata::corpus_dir() else {
        return;
    };
    let file = "attack-comment-injection-crewjam.xml";
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    assert!(text.contains(">ross@octolabs.io<"));
    let injected = text.replace(">ross@octolabs.io<", ">ross@octo<!-- injected -->labs.io<");
    let certs = keyinfo_certificates(dir, file);
    let ctx = context(&text);
    let exp = Expectations {
        idp_entity_id: &ctx.issuer,
        certificates: &certs,
        sp_entity_id: &ctx.audience,
        acs_url: &ctx.acs,
        request_id: ctx.request_id.as_deref(),
        allow_idp_initiated: false,
        allow_sha1: false,
        now: ctx.issue_instant,
        skew_seconds: 90,
        decryption_key_pem: None,
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(injected.as_bytes());
    match validate(&encoded, &exp) {
        Ok(v) => assert_eq!(v.name_id, "ross@octolabs.io"),
        Err((r, _)) => assert_eq!(r.code, SamlSignatureInvalid, "{r:?}"),
    }
    // And the untouched file passes, so the refusal above is about the comment.
    let clean = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    assert_eq!(validate(&clean, &exp).unwrap().name_id, "ross@octolabs.io");
}
