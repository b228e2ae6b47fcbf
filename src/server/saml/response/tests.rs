//! Responses made and signed here (libxmlsec1 through samael's signing call, keys from
//! `keys::generate`), one per rule, plus encryption with openssl.

use super::*;
use crate::server::saml::keys::{self, SpKeyPair};
use base64::engine::general_purpose::STANDARD;
use openssl::pkey::PKey;
use std::sync::OnceLock;

const NOW: i64 = 1_795_392_000; // 2026-11-23T00:00:00Z
const IDP: &str = "https://idp.example.test/saml";
const SP: &str = "https://sso.vendor.test/sso/saml/conn_1";
const ACS: &str = "https://sso.vendor.test/sso/saml/conn_1/acs";
const REQ: &str = "_request0123456789abcdef";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// A signing party: key pair and its certificate as the metadata inspector reads it.
struct Party {
    pair: SpKeyPair,
    info: CertificateInfo,
}

impl Party {
    fn new(name: &str) -> Party {
        let pair = keys::generate(name, NOW).unwrap();
        let info = crate::core::metadata::parse_certificate(&pair.certificate_pem, NOW).unwrap();
        Party { pair, info }
    }
    fn key_der(&self) -> Vec<u8> {
        PKey::private_key_from_pem(self.pair.private_key_pem.as_bytes())
            .unwrap()
            .private_key_to_der()
            .unwrap()
    }
    fn cert_b64(&self) -> String {
        crate::server::saml::pem_body(&self.pair.certificate_pem)
    }
}

fn idp() -> &'static Party {
    static P: OnceLock<Party> = OnceLock::new();
    P.get_or_init(|| Party::new("https://idp.example.test/saml"))
}
fn other_idp() -> &'static Party {
    static P: OnceLock<Party> = OnceLock::new();
    P.get_or_init(|| Party::new("https://attacker.example.test"))
}
fn sp_keys() -> &'static Party {
    static P: OnceLock<Party> = OnceLock::new();
    P.get_or_init(|| Party::new(SP))
}

/// What goes into a test response.
#[derive(Clone)]
struct Opts {
    response_issuer: Option<String>,
    assertion_issuer: String,
    audience: String,
    destination: Option<String>,
    recipient: String,
    response_irt: Option<String>,
    scd_irt: Option<String>,
    issue_instant: String,
    not_before: String,
    not_on_or_after: String,
    scd_not_on_or_after: String,
    name_id: String,
    status: String,
    sig_alg: (&'static str, &'static str),
}

fn opts() -> Opts {
    Opts {
        response_issuer: Some(IDP.into()),
        assertion_issuer: IDP.into(),
        audience: SP.into(),
        destination: Some(ACS.into()),
        recipient: ACS.into(),
        response_irt: Some(REQ.into()),
        scd_irt: Some(REQ.into()),
        issue_instant: "2026-11-22T23:59:58Z".into(),
        not_before: "2026-11-22T23:59:28Z".into(),
        not_on_or_after: "2026-11-23T00:04:58Z".into(),
        scd_not_on_or_after: "2026-11-23T00:02:58Z".into(),
        name_id: "ada@example.org".into(),
        status: r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#.into(),
        sig_alg: (RSA_SHA256, SHA256),
    }
}

fn exp<'a>(certs: &'a [CertificateInfo]) -> Expectations<'a> {
    Expectations {
        idp_entity_id: IDP,
        certificates: certs,
        sp_entity_id: SP,
        acs_url: ACS,
        request_id: Some(REQ),
        allow_idp_initiated: false,
        allow_sha1: false,
        now: NOW,
        skew_seconds: 90,
        decryption_key_pem: None,
    }
}

fn sig_template(id: &str, o: &Opts, signer: &Party) -> String {
    format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="{}"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="{}"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"##,
        o.sig_alg.0,
        o.sig_alg.1,
        signer.cert_b64()
    )
}

fn strip_decl(xml: &str) -> String {
    match xml.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map(|(_, r)| r.trim_start().to_owned())
            .unwrap_or_default(),
        None => xml.to_owned(),
    }
}

/// The Assertion, signed by `signer` when given.
fn assertion(o: &Opts, id: &str, signer: Option<&Party>) -> String {
    let sig = signer.map(|s| sig_template(id, o, s)).unwrap_or_default();
    let irt = o
        .scd_irt
        .as_ref()
        .map(|i| format!(r#" InResponseTo="{i}""#))
        .unwrap_or_default();
    let xml = format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{id}" Version="2.0" IssueInstant="{ii}"><saml:Issuer>{iss}</saml:Issuer>{sig}<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{nameid}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{scdnoa}" Recipient="{rcpt}"{irt}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{nb}" NotOnOrAfter="{noa}"><saml:AudienceRestriction><saml:Audience>{aud}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{ii}" SessionIndex="_session1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue>ada@example.org</saml:AttributeValue></saml:Attribute><saml:Attribute Name="http://schemas.xmlsoap.org/claims/Group" FriendlyName="groups"><saml:AttributeValue>admins</saml:AttributeValue><saml:AttributeValue>eng &amp; ops</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#,
        ii = o.issue_instant,
        iss = o.assertion_issuer,
        nameid = o.name_id,
        scdnoa = o.scd_not_on_or_after,
        rcpt = o.recipient,
        nb = o.not_before,
        noa = o.not_on_or_after,
        aud = o.audience,
    );
    match signer {
        Some(s) => strip_decl(&Crypto::sign_xml(xml.as_bytes(), &s.key_der()).unwrap()),
        None => xml,
    }
}

/// The Response around `inner`, signed by `signer` when given.
fn response(o: &Opts, inner: &str, signer: Option<&Party>) -> String {
    let id = "_resp7d1c0f0a";
    let issuer = o
        .response_issuer
        .as_ref()
        .map(|i| format!(r#"<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{i}</saml:Issuer>"#))
        .unwrap_or_default();
    let dest = o
        .destination
        .as_ref()
        .map(|d| format!(r#" Destination="{d}""#))
        .unwrap_or_default();
    let irt = o
        .response_irt
        .as_ref()
        .map(|i| format!(r#" InResponseTo="{i}""#))
        .unwrap_or_default();
    let sig = signer.map(|s| sig_template(id, o, s)).unwrap_or_default();
    let xml = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="{id}" Version="2.0" IssueInstant="{ii}"{dest}{irt}>{issuer}{sig}<samlp:Status>{status}</samlp:Status>{inner}</samlp:Response>"#,
        ii = o.issue_instant,
        status = o.status,
    );
    match signer {
        Some(s) => Crypto::sign_xml(xml.as_bytes(), &s.key_der()).unwrap(),
        None => xml,
    }
}

/// Both signed, the usual shape.
fn signed(o: &Opts) -> String {
    response(o, &assertion(o, "_assert5e2a", Some(idp())), Some(idp()))
}

fn b64(xml: &str) -> String {
    // Line-wrapped like many IdPs' form posts.
    let s = STANDARD.encode(xml);
    s.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn ok(xml: &str, e: &Expectations) -> Validated {
    match validate(&b64(xml), e) {
        Ok(v) => v,
        Err((r, _)) => panic!("refused: {r:?}\n{xml}"),
    }
}

fn refused(xml: &str, e: &Expectations) -> Rejection {
    match validate(&b64(xml), e) {
        Ok(v) => panic!("accepted: {v:?}\n{xml}"),
        Err((r, pretty)) => {
            assert!(
                pretty.is_some(),
                "pretty XML should accompany a decodable response"
            );
            r
        }
    }
}

fn fact<'a>(r: &'a Rejection, key: &str) -> &'a str {
    r.facts
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no fact {key} in {r:?}"))
}

fn certs() -> Vec<CertificateInfo> {
    vec![idp().info.clone()]
}

#[test]
fn accepts_response_and_assertion_signed_and_reads_everything() {
    let certs = certs();
    let v = ok(&signed(&opts()), &exp(&certs));
    assert_eq!(v.response_id.as_deref(), Some("_resp7d1c0f0a"));
    assert_eq!(v.assertion_id, "_assert5e2a");
    assert_eq!(v.issuer, IDP);
    assert_eq!(v.name_id, "ada@example.org");
    assert_eq!(
        v.name_id_format.as_deref(),
        Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
    );
    assert_eq!(v.in_response_to.as_deref(), Some(REQ));
    assert_eq!(v.session_index.as_deref(), Some("_session1"));
    // The earlier of Conditions (00:04:58) and SubjectConfirmationData (00:02:58).
    assert_eq!(v.not_on_or_after, Some(NOW + 178));
    assert_eq!(
        v.attributes,
        vec![
            ReceivedAttribute {
                name: "email".into(),
                format: Some("urn:oasis:names:tc:SAML:2.0:attrname-format:basic".into()),
                friendly_name: None,
                values: vec!["ada@example.org".into()],
            },
            ReceivedAttribute {
                name: "http://schemas.xmlsoap.org/claims/Group".into(),
                format: None,
                friendly_name: Some("groups".into()),
                values: vec!["admins".into(), "eng & ops".into()],
            },
        ]
    );
    assert!(v.pretty_xml.contains("<samlp:Response"));
    assert!(v.pretty_xml.contains("…"), "signature values are shortened");
}

#[test]
fn accepts_assertion_only_signed_and_response_only_signed() {
    let certs = certs();
    let o = opts();
    let assertion_only = response(&o, &assertion(&o, "_a1", Some(idp())), None);
    assert_eq!(ok(&assertion_only, &exp(&certs)).assertion_id, "_a1");
    let response_only = response(&o, &assertion(&o, "_a2", None), Some(idp()));
    assert_eq!(ok(&response_only, &exp(&certs)).assertion_id, "_a2");
}

#[test]
fn refuses_wrong_audience() {
    let certs = certs();
    let o = Opts {
        audience: "https://other-sp.test".into(),
        ..opts()
    };
    let r = refused(&signed(&o), &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlAudienceMismatch);
    assert_eq!(fact(&r, "expected"), SP);
    assert_eq!(fact(&r, "received"), "https://other-sp.test");
}

#[test]
fn refuses_wrong_issuer_in_assertion_or_response() {
    let certs = certs();
    let r = refused(
        &signed(&Opts {
            assertion_issuer: "https://evil.test".into(),
            ..opts()
        }),
        &exp(&certs),
    );
    assert_eq!(r.code, FailureCode::SamlIssuerMismatch);
    assert_eq!(
        (fact(&r, "expected"), fact(&r, "received")),
        (IDP, "https://evil.test")
    );
    let r = refused(
        &signed(&Opts {
            response_issuer: Some("https://evil.test".into()),
            ..opts()
        }),
        &exp(&certs),
    );
    assert_eq!(r.code, FailureCode::SamlIssuerMismatch);
    // No Response Issuer is fine (it is optional).
    ok(
        &signed(&Opts {
            response_issuer: None,
            ..opts()
        }),
        &exp(&certs),
    );
}

#[test]
fn refuses_expired_with_clock_facts() {
    let certs = certs();
    let mut e = exp(&certs);
    e.now = NOW + 178 + 90 + 160; // SubjectConfirmationData expired 4 min 10 s ago, past the skew
    let r = refused(&signed(&opts()), &e);
    assert_eq!(r.code, FailureCode::SamlExpired);
    assert_eq!(fact(&r, "our_clock"), "2026-11-23T00:07:08Z");
    assert_eq!(fact(&r, "not_on_or_after"), "2026-11-23T00:02:58Z");
    assert_eq!(fact(&r, "skew_allowed"), "90 seconds");
    assert_eq!(fact(&r, "difference"), "4 minutes 10 seconds");
    // Within the skew it still passes.
    e.now = NOW + 178 + 89;
    ok(&signed(&opts()), &e);
}

#[test]
fn refuses_not_yet_valid() {
    let certs = certs();
    let mut e = exp(&certs);
    e.now = NOW - 32 - 91 - 60; // 2 s + NotBefore margin 30 s, then skew, then a minute more
    let r = refused(&signed(&opts()), &e);
    assert_eq!(r.code, FailureCode::SamlNotYetValid);
    assert_eq!(fact(&r, "not_before"), "2026-11-22T23:59:28Z");
    assert_eq!(fact(&r, "difference"), "2 minutes 31 seconds");
    assert_eq!(fact(&r, "our_clock"), "2026-11-22T23:56:57Z");
}

#[test]
fn refuses_wrong_destination_and_recipient() {
    let certs = certs();
    let r = refused(
        &signed(&Opts {
            destination: Some("https://old.test/acs".into()),
            ..opts()
        }),
        &exp(&certs),
    );
    assert_eq!(r.code, FailureCode::SamlDestinationMismatch);
    assert_eq!(
        (fact(&r, "expected"), fact(&r, "received")),
        (ACS, "https://old.test/acs")
    );
    // Destination is optional.
    ok(
        &signed(&Opts {
            destination: None,
            ..opts()
        }),
        &exp(&certs),
    );
    let r = refused(
        &signed(&Opts {
            recipient: "https://old.test/acs".into(),
            ..opts()
        }),
        &exp(&certs),
    );
    assert_eq!(r.code, FailureCode::SamlRecipientMismatch);
    assert_eq!(
        (fact(&r, "expected"), fact(&r, "received")),
        (ACS, "https://old.test/acs")
    );
}

#[test]
fn refuses_in_response_to_mismatch() {
    let certs = certs();
    let mut e = exp(&certs);
    e.request_id = Some("_another");
    let r = refused(&signed(&opts()), &e);
    assert_eq!(r.code, FailureCode::SamlInResponseToMismatch);
    assert_eq!(
        (fact(&r, "expected"), fact(&r, "received")),
        ("_another", REQ)
    );
    // A request was sent but the answer names none.
    let r = refused(
        &signed(&Opts {
            response_irt: None,
            scd_irt: None,
            ..opts()
        }),
        &exp(&certs),
    );
    assert_eq!(r.code, FailureCode::SamlInResponseToMismatch);
    assert_eq!(fact(&r, "received"), "(none)");
}

#[test]
fn idp_initiated_is_refused_unless_allowed() {
    let certs = certs();
    let unsolicited = signed(&Opts {
        response_irt: None,
        scd_irt: None,
        ..opts()
    });
    let mut e = exp(&certs);
    e.request_id = None;
    let r = refused(&unsolicited, &e);
    assert_eq!(r.code, FailureCode::SamlIdpInitiatedRefused);
    assert!(r.facts.iter().all(|f| f.key != "received"));
    e.allow_idp_initiated = true;
    let v = ok(&unsolicited, &e);
    assert_eq!(v.in_response_to, None);
    // Allowed, but the response answers a request we never sent.
    let r = refused(&signed(&opts()), &e);
    assert_eq!(r.code, FailureCode::SamlInResponseToMismatch);
    e.allow_idp_initiated = false;
    let r = refused(&signed(&opts()), &e);
    assert_eq!(r.code, FailureCode::SamlIdpInitiatedRefused);
    assert_eq!(fact(&r, "received"), REQ);
}

#[test]
fn reports_a_responder_status_with_its_message_even_unsigned() {
    let certs = certs();
    let o = Opts {
        status: r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode><samlp:StatusMessage>User is not assigned to this application</samlp:StatusMessage>"#.into(),
        ..opts()
    };
    let r = refused(&response(&o, "", None), &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlStatusNotSuccess);
    assert_eq!(
        fact(&r, "status_code"),
        "urn:oasis:names:tc:SAML:2.0:status:Responder"
    );
    assert_eq!(
        fact(&r, "sub_status"),
        "urn:oasis:names:tc:SAML:2.0:status:RequestDenied"
    );
    assert_eq!(
        fact(&r, "status_message"),
        "User is not assigned to this application"
    );
}

#[test]
fn refuses_unsigned() {
    let certs = certs();
    let o = opts();
    let r = refused(
        &response(&o, &assertion(&o, "_a", None), None),
        &exp(&certs),
    );
    assert_eq!(r.code, FailureCode::SamlUnsigned);
}

#[test]
fn sha1_is_refused_unless_allowed() {
    let certs = certs();
    let o = Opts {
        sig_alg: (RSA_SHA1, SHA1),
        ..opts()
    };
    let xml = signed(&o);
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlAlgorithmNotAllowed);
    assert_eq!(fact(&r, "algorithm"), RSA_SHA1);
    let mut e = exp(&certs);
    e.allow_sha1 = true;
    ok(&xml, &e);
    // SHA-256 signature over a SHA-1 digest names the digest.
    let r = refused(
        &signed(&Opts {
            sig_alg: (RSA_SHA256, SHA1),
            ..opts()
        }),
        &exp(&certs),
    );
    assert_eq!(fact(&r, "algorithm"), SHA1);
}

#[test]
fn wrong_certificate_is_a_certificate_mismatch_with_both_fingerprints() {
    let certs = certs();
    let o = opts();
    let xml = response(
        &o,
        &assertion(&o, "_a", Some(other_idp())),
        Some(other_idp()),
    );
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlCertificateMismatch);
    assert_eq!(
        fact(&r, "expected_fingerprint"),
        idp().info.sha256_fingerprint
    );
    assert_eq!(
        fact(&r, "presented_fingerprint"),
        other_idp().info.sha256_fingerprint
    );
}

#[test]
fn tampered_content_is_an_invalid_signature() {
    let certs = certs();
    let xml = signed(&opts()).replace(
        "ada@example.org</saml:NameID>",
        "root@example.org</saml:NameID>",
    );
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlSignatureInvalid);
    assert_eq!(
        fact(&r, "expected_fingerprint"),
        idp().info.sha256_fingerprint
    );
    assert_eq!(
        fact(&r, "presented_fingerprint"),
        idp().info.sha256_fingerprint
    );
    // Same when only the assertion is signed.
    let o = opts();
    let xml = response(&o, &assertion(&o, "_a", Some(idp())), None)
        .replace(">ada@example.org<", ">root@example.org<");
    assert_eq!(
        refused(&xml, &exp(&certs)).code,
        FailureCode::SamlSignatureInvalid
    );
}

#[test]
fn rollover_any_configured_certificate_may_sign() {
    let both = vec![idp().info.clone(), other_idp().info.clone()];
    let o = opts();
    let by_second = response(
        &o,
        &assertion(&o, "_a", Some(other_idp())),
        Some(other_idp()),
    );
    ok(&by_second, &exp(&both));
    ok(&signed(&o), &exp(&both));
    // A broken certificate in the list does not spoil the good ones.
    let mut broken = idp().info.clone();
    broken.pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into();
    let with_broken = vec![broken, other_idp().info.clone()];
    ok(&by_second, &exp(&with_broken));
}

#[test]
fn a_second_assertion_next_to_a_signed_one_is_refused() {
    let certs = certs();
    let o = opts();
    let good = assertion(&o, "_a", Some(idp()));
    let evil = assertion(
        &Opts {
            name_id: "root@example.org".into(),
            ..opts()
        },
        "_evil",
        None,
    );
    // Unsigned assertion first, signed one second (classic wrapping order).
    let xml = response(&o, &format!("{evil}{good}"), None);
    assert_eq!(
        refused(&xml, &exp(&certs)).code,
        FailureCode::SamlMultipleAssertions
    );
    // The signed assertion hidden in Extensions, the attacker's in the normal place.
    let xml = response(&o, &evil, None).replace(
        "<samlp:Status>",
        &format!("<samlp:Extensions>{good}</samlp:Extensions><samlp:Status>"),
    );
    assert_eq!(
        refused(&xml, &exp(&certs)).code,
        FailureCode::SamlMultipleAssertions
    );
}

#[test]
fn an_assertion_outside_the_signed_response_is_refused() {
    let certs = certs();
    let o = opts();
    // A signed Response with no assertion, then an assertion moved in after signing.
    let signed_empty = response(&o, "", Some(idp()));
    let evil = assertion(&o, "_evil", None);
    let xml = signed_empty.replace("</samlp:Response>", &format!("{evil}</samlp:Response>"));
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlSignatureInvalid, "{r:?}");
}

#[test]
fn comment_in_name_id_never_truncates_it() {
    let certs = certs();
    let xml = signed(&Opts {
        name_id: "ada@example.org<!---->.evil.test".into(),
        ..opts()
    });
    match validate(&b64(&xml), &exp(&certs)) {
        Ok(v) => assert_eq!(v.name_id, "ada@example.org.evil.test"),
        Err((r, _)) => assert_eq!(r.code, FailureCode::SamlSignatureInvalid, "{r:?}"),
    }
}

#[test]
fn malformed_inputs() {
    let certs = certs();
    let e = exp(&certs);
    let r = validate("%%% not base64 %%%", &e).unwrap_err();
    assert_eq!(r.0.code, FailureCode::SamlResponseMalformed);
    assert!(r.1.is_none());
    let cases = [
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">".to_owned(),
        format!("<!DOCTYPE r [<!ENTITY a \"b\">]>{}", signed(&opts())),
        format!("{}<trailing/>", signed(&opts())),
        assertion(&opts(), "_a", Some(idp())),
        "just text".to_owned(),
    ];
    for (i, xml) in cases.iter().enumerate() {
        let (r, pretty) = validate(&b64(xml), &e).unwrap_err();
        assert_eq!(r.code, FailureCode::SamlResponseMalformed, "{xml}");
        assert!(!fact(&r, "problem").is_empty());
        // What does not even parse is neither pretty-printed nor kept; a well-formed document
        // of the wrong kind is shown to the admin.
        assert_eq!(pretty.is_some(), i == 3, "{xml}");
    }
}

#[test]
fn no_certificate_configured_is_a_certificate_mismatch() {
    let r = refused(&signed(&opts()), &exp(&[]));
    assert_eq!(r.code, FailureCode::SamlCertificateMismatch);
    assert_eq!(fact(&r, "expected_fingerprint"), "(none configured)");
}

#[test]
fn human_durations() {
    assert_eq!(human_duration(0), "0 seconds");
    assert_eq!(human_duration(250), "4 minutes 10 seconds");
    assert_eq!(human_duration(-61), "1 minute 1 second");
    assert_eq!(human_duration(90_000), "1 day 1 hour");
}

// ---- Encryption ----

/// XML Encryption of `plain` for `recipient`: AES (CBC or GCM) content, RSA-OAEP key transport.
fn encrypt_for(plain: &str, recipient: &Party, gcm: bool) -> String {
    use openssl::encrypt::Encrypter;
    use openssl::rsa::Padding;
    use openssl::symm::{encrypt, encrypt_aead, Cipher};
    let cert = openssl::x509::X509::from_pem(recipient.pair.certificate_pem.as_bytes()).unwrap();
    let key: [u8; 32] = rand::random();
    let (alg, data) = if gcm {
        let iv: [u8; 12] = rand::random();
        let mut tag = [0u8; 16];
        let ct = encrypt_aead(
            Cipher::aes_256_gcm(),
            &key,
            Some(&iv),
            &[],
            plain.as_bytes(),
            &mut tag,
        )
        .unwrap();
        (
            "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            [&iv[..], &ct, &tag].concat(),
        )
    } else {
        let iv: [u8; 16] = rand::random();
        let ct = encrypt(Cipher::aes_256_cbc(), &key, Some(&iv), plain.as_bytes()).unwrap();
        (
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
            [&iv[..], &ct].concat(),
        )
    };
    let pk = cert.public_key().unwrap();
    let mut enc = Encrypter::new(&pk).unwrap();
    enc.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    let mut wrapped = vec![0u8; enc.encrypt_len(&key).unwrap()];
    let n = enc.encrypt(&key, &mut wrapped).unwrap();
    wrapped.truncate(n);
    format!(
        r#"<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{alg}"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>"#,
        STANDARD.encode(&wrapped),
        STANDARD.encode(&data)
    )
}

#[test]
fn encrypted_signed_assertion_is_decrypted_with_our_key() {
    let certs = certs();
    let o = opts();
    let mut e = exp(&certs);
    e.decryption_key_pem = Some(&sp_keys().pair.private_key_pem);
    for gcm in [false, true] {
        let enc = encrypt_for(&assertion(&o, "_enc", Some(idp())), sp_keys(), gcm);
        // Unsigned envelope: the assertion's own signature carries it.
        let v = ok(&response(&o, &enc, None), &e);
        assert_eq!(
            (v.assertion_id.as_str(), v.name_id.as_str()),
            ("_enc", "ada@example.org")
        );
        assert!(v.pretty_xml.contains("decrypted"), "{}", v.pretty_xml);
        // Signed envelope too.
        ok(&response(&o, &enc, Some(idp())), &e);
    }
    // An unsigned assertion inside a signed Response is fine; inside an unsigned one it is not.
    let enc_unsigned = encrypt_for(&assertion(&o, "_enc", None), sp_keys(), false);
    ok(&response(&o, &enc_unsigned, Some(idp())), &e);
    assert_eq!(
        refused(&response(&o, &enc_unsigned, None), &e).code,
        FailureCode::SamlUnsigned
    );
}

#[test]
fn encrypted_assertion_problems() {
    let certs = certs();
    let o = opts();
    let enc = encrypt_for(&assertion(&o, "_enc", Some(idp())), sp_keys(), false);
    let xml = response(&o, &enc, Some(idp()));
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlEncryptedUnreadable);
    assert_eq!(fact(&r, "problem"), "no SP key configured");
    let mut e = exp(&certs);
    e.decryption_key_pem = Some(&other_idp().pair.private_key_pem);
    let r = refused(&xml, &e);
    assert_eq!(r.code, FailureCode::SamlEncryptedUnreadable);
    assert_eq!(fact(&r, "problem"), "not encrypted for our certificate");
    // A tampered inner assertion fails its own signature.
    let enc = encrypt_for(
        &assertion(&o, "_enc", Some(idp())).replace(">ada@", ">root@"),
        sp_keys(),
        true,
    );
    e.decryption_key_pem = Some(&sp_keys().pair.private_key_pem);
    assert_eq!(
        refused(&response(&o, &enc, None), &e).code,
        FailureCode::SamlSignatureInvalid
    );
}

#[test]
fn a_signature_outside_the_element_it_signs_is_refused() {
    let certs = certs();
    let o = opts();
    let xml = response(&o, &assertion(&o, "_a", Some(idp())), None);
    let start = xml.find("<ds:Signature").unwrap();
    let end = xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &xml[start..end];
    // Still verifies (the reference is by ID), but sits in the Response instead.
    let moved =
        xml.replacen(sig, "", 1)
            .replacen("<samlp:Status>", &format!("{sig}<samlp:Status>"), 1);
    let r = refused(&moved, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlSignatureInvalid);
    assert!(fact(&r, "problem").contains("<Response>"), "{r:?}");
}

// ---- Hostile input ----

#[test]
fn an_unsigned_response_cannot_lend_its_in_response_to_to_a_signed_unsolicited_assertion() {
    let certs = certs();
    // The IdP signed an unsolicited assertion (no InResponseTo); an attacker wraps it in an
    // unsigned Response claiming to answer our request.
    let o = Opts {
        scd_irt: None,
        ..opts()
    };
    let xml = response(&o, &assertion(&o, "_unsolicited", Some(idp())), None);
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlInResponseToMismatch);
    assert!(fact(&r, "received").contains("cannot be trusted"), "{r:?}");
    // Signed by the IdP, the same envelope is the IdP's own word and counts.
    ok(
        &response(&o, &assertion(&o, "_a", None), Some(idp())),
        &exp(&certs),
    );
}

#[test]
fn an_assertion_that_never_expires_is_refused() {
    let certs = certs();
    let o = opts();
    let forever = assertion(&o, "_forever", None)
        .replace(&format!(r#" NotOnOrAfter="{}""#, o.not_on_or_after), "")
        .replace(&format!(r#" NotOnOrAfter="{}""#, o.scd_not_on_or_after), "");
    assert!(!forever.contains("NotOnOrAfter"));
    let r = refused(&response(&o, &forever, Some(idp())), &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlResponseMalformed);
    assert!(fact(&r, "problem").contains("NotOnOrAfter"), "{r:?}");
}

#[test]
fn rsa_1_5_key_transport_is_refused() {
    let certs = certs();
    let o = opts();
    let mut e = exp(&certs);
    e.decryption_key_pem = Some(&sp_keys().pair.private_key_pem);
    let enc = encrypt_for(&assertion(&o, "_enc", Some(idp())), sp_keys(), false).replace(
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
    );
    let r = refused(&response(&o, &enc, Some(idp())), &e);
    assert_eq!(r.code, FailureCode::SamlEncryptedUnreadable);
    assert!(fact(&r, "problem").contains("RSA-1_5"), "{r:?}");
}

#[test]
fn an_xpath_transform_is_refused_before_libxmlsec_runs_it() {
    let certs = certs();
    // 8,000 elements for an XPath to walk: libxmlsec1 took 30 s over this; the check is instant.
    let o = opts();
    let filler = "<x/>".repeat(8_000);
    let xml = signed(&o).replacen(
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>count(//. | //@* | //namespace::*)</ds:XPath></ds:Transform>"#,
        1,
    ).replacen("</samlp:Status>", &format!("</samlp:Status><samlp:Extensions>{filler}</samlp:Extensions>"), 1);
    let started = std::time::Instant::now();
    let r = refused(&xml, &exp(&certs));
    assert_eq!(r.code, FailureCode::SamlAlgorithmNotAllowed);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn pretty_xml_is_capped() {
    let o = opts();
    let big = format!(
        "<r>{}</r>",
        "<v>0123456789012345678901234567890123456789</v>".repeat(6_000)
    );
    let pretty = pretty_print(&big);
    assert!(
        pretty.len() < super::super::pretty::MAX_PRETTY_BYTES + 200,
        "{}",
        pretty.len()
    );
    assert!(
        pretty.ends_with("KB are shown. -->\n"),
        "{}",
        &pretty[pretty.len() - 80..]
    );
    // A normal response is kept whole.
    assert!(!pretty_print(&signed(&o)).contains("Cut here"));
}

#[tokio::test]
async fn a_post_that_cannot_get_a_turn_is_refused_as_busy_without_its_xml() {
    let certs = certs();
    let gate = VerifyGate::new(
        1,
        std::time::Duration::from_millis(50),
        std::time::Duration::from_secs(5),
    );
    let held = std::sync::Arc::clone(&gate.permits)
        .acquire_owned()
        .await
        .unwrap();
    let xml = b64(&signed(&opts()));
    let (r, pretty) = validate_gated(&gate, &xml, &exp(&certs)).await.unwrap_err();
    assert_eq!(r.code, FailureCode::Busy);
    assert!(pretty.is_none());
    drop(held);
    let v = validate_gated(&gate, &xml, &exp(&certs)).await.unwrap();
    assert_eq!(v.assertion_id, "_assert5e2a");
}

#[test]
fn wrapped_keys_are_counted_and_sized_before_our_private_key_is_used() {
    let certs = certs();
    let o = opts();
    let mut e = exp(&certs);
    e.decryption_key_pem = Some(&sp_keys().pair.private_key_pem);
    let enc = encrypt_for(&assertion(&o, "_enc", Some(idp())), sp_keys(), false);
    let start = enc.find("<xenc:EncryptedKey>").unwrap();
    let end = enc.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    // Each wrapped key would cost an RSA private-key operation.
    let many = format!(
        "{}{}{}",
        &enc[..start],
        enc[start..end].repeat(100),
        &enc[end..]
    );
    let started = std::time::Instant::now();
    let r = refused(&response(&o, &many, None), &e);
    assert_eq!(r.code, FailureCode::SamlEncryptedUnreadable);
    assert!(fact(&r, "problem").contains("100 EncryptedKeys"), "{r:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // A wrapped key shorter than our modulus never reaches RSA.
    let value_start =
        enc[start..].find("<xenc:CipherValue>").unwrap() + start + "<xenc:CipherValue>".len();
    let value_end = enc[value_start..].find('<').unwrap() + value_start;
    let short = format!("{}AQ=={}", &enc[..value_start], &enc[value_end..]);
    let r = refused(&response(&o, &short, None), &e);
    assert!(fact(&r, "problem").contains("1 bytes long"), "{r:?}");
}
