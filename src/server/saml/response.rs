//! Checking an IdP's SAMLResponse for a test sign-in: well-formedness, status, signatures
//! (libxmlsec1 through samael, reducing the document to what was signed), decryption, and the
//! SAML Web SSO rules on issuer, audience, destination, recipient, InResponseTo and time.
//!
//! Identity data is read only from samael's reduced output (or from an assertion decrypted
//! out of it), never from the document as received: that is what defeats signature wrapping.
//! Each failure is a [`Rejection`] whose facts let the portal explain it to the admin.

use base64::Engine as _;
use roxmltree::Node;
use samael::crypto::{
    AllowedSignatureAlgorithm, CertificateDer, Crypto, CryptoProvider, ReduceMode,
};
use sha2::{Digest, Sha256};

use crate::api::test_sign_in::{FailureCode, ReceivedAttribute, Rejection};
use crate::core::cert::{parse_xml_datetime, CertificateInfo};
use crate::core::saml_response::{self as precheck, malformed, LENIENT_B64};
use crate::core::xml::{self, Limits, NS_ASSERTION, NS_DSIG, NS_PROTOCOL};
use crate::server::time::rfc3339;

pub use super::pretty::pretty_print;

/// What the response must match, for one connection and one test.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// The IdP's entity ID: the Issuer of the Assertion (and of the Response, when given).
    pub idp_entity_id: &'a str,
    /// The IdP's signing certificates; any of them may have signed (rollover).
    pub certificates: &'a [CertificateInfo],
    /// Our entity ID: the audience must equal this.
    pub sp_entity_id: &'a str,
    /// Our ACS URL: Destination (when present) and SubjectConfirmationData Recipient must
    /// equal this.
    pub acs_url: &'a str,
    /// The AuthnRequest ID we sent; None when we have no request (IdP-initiated).
    pub request_id: Option<&'a str>,
    /// Whether a response without a request of ours is acceptable.
    pub allow_idp_initiated: bool,
    /// Whether RSA-SHA1 signatures and SHA-1 digests are acceptable for this connection.
    pub allow_sha1: bool,
    /// The clock, unix seconds.
    pub now: i64,
    /// How far the IdP's clock may be from ours, seconds (usually 90).
    pub skew_seconds: i64,
    /// Our SP private key (PKCS#8 PEM), for EncryptedAssertion.
    pub decryption_key_pem: Option<&'a str>,
}

/// What a valid response says, read from signed content only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// The Response's ID.
    pub response_id: Option<String>,
    /// The Assertion's ID, for the caller's replay cache.
    pub assertion_id: String,
    /// The Assertion's Issuer.
    pub issuer: String,
    /// The Subject's NameID.
    pub name_id: String,
    /// The NameID's Format, when given.
    pub name_id_format: Option<String>,
    /// The InResponseTo the response carried (Response, else SubjectConfirmationData).
    pub in_response_to: Option<String>,
    /// The AuthnStatement's SessionIndex.
    pub session_index: Option<String>,
    /// Earliest expiry seen (conditions / subject confirmation), for the replay cache.
    pub not_on_or_after: Option<i64>,
    /// Every Attribute: Name, NameFormat, FriendlyName, all values.
    pub attributes: Vec<ReceivedAttribute>,
    /// The response for people (see [`pretty_print`]), followed by the decrypted assertion
    /// when it was encrypted.
    pub pretty_xml: String,
}

/// [`Expectations`] with owned values, to move onto the blocking pool.
#[derive(Debug, Clone)]
struct OwnedExpectations {
    idp_entity_id: String,
    certificates: Vec<CertificateInfo>,
    sp_entity_id: String,
    acs_url: String,
    request_id: Option<String>,
    allow_idp_initiated: bool,
    allow_sha1: bool,
    now: i64,
    skew_seconds: i64,
    decryption_key_pem: Option<String>,
}

impl OwnedExpectations {
    fn of(e: &Expectations) -> OwnedExpectations {
        OwnedExpectations {
            idp_entity_id: e.idp_entity_id.to_owned(),
            certificates: e.certificates.to_vec(),
            sp_entity_id: e.sp_entity_id.to_owned(),
            acs_url: e.acs_url.to_owned(),
            request_id: e.request_id.map(str::to_owned),
            allow_idp_initiated: e.allow_idp_initiated,
            allow_sha1: e.allow_sha1,
            now: e.now,
            skew_seconds: e.skew_seconds,
            decryption_key_pem: e.decryption_key_pem.map(str::to_owned),
        }
    }

    fn borrowed(&self) -> Expectations<'_> {
        Expectations {
            idp_entity_id: &self.idp_entity_id,
            certificates: &self.certificates,
            sp_entity_id: &self.sp_entity_id,
            acs_url: &self.acs_url,
            request_id: self.request_id.as_deref(),
            allow_idp_initiated: self.allow_idp_initiated,
            allow_sha1: self.allow_sha1,
            now: self.now,
            skew_seconds: self.skew_seconds,
            decryption_key_pem: self.decryption_key_pem.as_deref(),
        }
    }
}

/// How many SAML responses are checked at once, and for how long a post may wait for its
/// turn and then run. Checking is CPU work (libxmlsec1, RSA, AES), so it runs on tokio's
/// blocking pool: hostile posts queue among themselves and never hold the async workers that
/// serve every other request.
#[derive(Debug)]
pub struct VerifyGate {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// Longest wait for a turn.
    pub wait: std::time::Duration,
    /// Longest run once started; past it the post is answered (the thread finishes on its own,
    /// still holding its turn, so the limit on parallel work stays true).
    pub run: std::time::Duration,
}

impl VerifyGate {
    /// A gate letting `parallel` checks run at once (at least one).
    pub fn new(parallel: usize, wait: std::time::Duration, run: std::time::Duration) -> VerifyGate {
        VerifyGate {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            wait,
            run,
        }
    }

    /// One check per core but one (so a core stays free for the rest of the server; at least
    /// one check), waiting up to 10 s and running up to 5 s.
    pub fn for_this_machine() -> VerifyGate {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        VerifyGate::new(
            cores.saturating_sub(1),
            std::time::Duration::from_secs(10),
            std::time::Duration::from_secs(5),
        )
    }
}

/// [`validate`] on the blocking pool, behind the gate. A post that cannot get a turn in time,
/// or whose check runs too long, is refused as [`FailureCode::Busy`] without its XML.
pub async fn validate_gated(
    gate: &VerifyGate,
    saml_response: &str,
    exp: &Expectations<'_>,
) -> Result<Validated, Failure> {
    let busy = |what: &str| {
        (
            Rejection::new(FailureCode::Busy).fact("problem", "Problem", what),
            None,
        )
    };
    // Even the linear checks (decoding, the prescan) run behind the gate: a flood of large
    // posts then uses the gate's cores only, and the async workers stay free for everyone else.
    let permit = match tokio::time::timeout(
        gate.wait,
        std::sync::Arc::clone(&gate.permits).acquire_owned(),
    )
    .await
    {
        Ok(Ok(p)) => p,
        _ => return Err(busy("Portico is checking many sign-in responses right now")),
    };
    let owned = OwnedExpectations::of(exp);
    let raw = saml_response.to_owned();
    let job = tokio::task::spawn_blocking(move || {
        let _turn = permit;
        validate(&raw, &owned.borrowed())
    });
    match tokio::time::timeout(gate.run, job).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(busy("checking the response failed unexpectedly")),
        Err(_) => Err(busy(
            "checking the response took too long, so it was abandoned",
        )),
    }
}

/// Longest assertion ID accepted (IdPs use 20 to 50 characters).
pub const MAX_ASSERTION_ID_BYTES: usize = 256;

/// A refusal, with the pretty XML when the input could be decoded.
pub type Failure = (Rejection, Option<String>);

const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

/// The same SHA-2 set, for libxmlsec1 to enforce as well.
const SAMAEL_SHA2: &[AllowedSignatureAlgorithm] = &[
    AllowedSignatureAlgorithm::RsaSha256,
    AllowedSignatureAlgorithm::RsaSha384,
    AllowedSignatureAlgorithm::RsaSha512,
    AllowedSignatureAlgorithm::RsaSha224,
    AllowedSignatureAlgorithm::EcdsaSha256,
    AllowedSignatureAlgorithm::EcdsaSha384,
    AllowedSignatureAlgorithm::EcdsaSha512,
    AllowedSignatureAlgorithm::EcdsaSha224,
];

/// Validates a SAMLResponse. `saml_response` is the raw SAMLResponse form value (base64,
/// possibly with whitespace/newlines). On failure also returns the pretty XML when it could be
/// decoded, so the admin can look at it.
pub fn validate(saml_response: &str, exp: &Expectations) -> Result<Validated, Failure> {
    // Nothing is parsed, pretty-printed or kept until the bounded parse has passed: a hostile
    // post costs a linear scan.
    let text = precheck::decode(saml_response).map_err(|r| (r, None))?;
    let doc = precheck::parse(&text).map_err(|r| (r, None))?;
    let pretty = pretty_print(&text);
    match check(&text, &doc, exp) {
        Ok((mut v, decrypted)) => {
            v.pretty_xml = match decrypted {
                Some(plain) => format!(
                    "{pretty}<!-- The EncryptedAssertion, decrypted: -->\n{}",
                    pretty_print(&plain)
                ),
                None => pretty,
            };
            Ok(v)
        }
        Err(r) => Err((r, Some(pretty))),
    }
}

/// Reads back XML that came out of a parsed, bounded document (samael's reduced output, a
/// decrypted assertion) within the same limits.
fn reparse<'t>(text: &'t str, what: &str) -> Result<roxmltree::Document<'t>, String> {
    xml::parse_bounded(text, &Limits::SAML_MESSAGE).map_err(|e| format!("{what} is refused: {e}"))
}

/// Everything after the bounded parse; returns the result and the decrypted assertion, if any.
fn check(
    text: &str,
    doc: &roxmltree::Document,
    exp: &Expectations,
) -> Result<(Validated, Option<String>), Rejection> {
    let root = doc.root_element();
    let envelope = precheck::precheck(doc, exp.allow_sha1)?;
    let (plain_count, encrypted_count) = (envelope.assertions, envelope.encrypted_assertions);
    let signatures: Vec<Node> = xml::descendants(root, NS_DSIG, "Signature").collect();
    let certs = configured_certificates(exp.certificates);

    let reduced = if signatures.is_empty() {
        None
    } else {
        Some(verify(text, &signatures, &certs, exp)?)
    };
    let reduced_doc = match &reduced {
        Some(r) => Some(reparse(r, "The signed part").map_err(|p| malformed(&p))?),
        None => None,
    };

    // Which element holds the identity, and whether the Response itself was signed.
    let total = plain_count + encrypted_count;
    if total > 1 {
        return Err(multiple(plain_count, encrypted_count));
    }
    if total == 0 {
        return Err(Rejection::new(FailureCode::SamlAssertionMissing).fact(
            "problem",
            "Problem",
            "The response holds no Assertion and no EncryptedAssertion.",
        ));
    }
    let signed_root = reduced_doc.as_ref().map(|d| d.root_element());
    let (response_node, response_signed, source) = match signed_root {
        Some(sr) if xml::is(sr, NS_PROTOCOL, "Response") => {
            let found = sr
                .children()
                .find(|c| xml::is(*c, NS_ASSERTION, "Assertion") || xml::is(*c, NS_ASSERTION, "EncryptedAssertion"))
                .ok_or_else(|| {
                    Rejection::new(FailureCode::SamlAssertionMissing).fact(
                        "problem",
                        "Problem",
                        "The signed Response holds no Assertion of its own; the one in the document \
                            is outside what was signed.",
                    )
                })?;
            (sr, true, found)
        }
        Some(sr) if xml::is(sr, NS_ASSERTION, "Assertion") => {
            if encrypted_count > 0 {
                return Err(multiple(plain_count, encrypted_count));
            }
            (root, false, sr)
        }
        Some(sr) => {
            return Err(Rejection::new(FailureCode::SamlAssertionMissing).fact(
                "problem",
                "Problem",
                format!(
                    "The signature covers <{}>, not the Response or an Assertion.",
                    sr.tag_name().name()
                ),
            ))
        }
        None => {
            // Unsigned envelope: only an encrypted assertion that carries its own signature can do.
            let ea = xml::descendants(root, NS_ASSERTION, "EncryptedAssertion")
                .next()
                .ok_or_else(|| Rejection::new(FailureCode::SamlUnsigned))?;
            (root, false, ea)
        }
    };

    // Decrypt when needed; the decrypted assertion must be signed unless the Response was.
    let mut decrypted: Option<String> = None;
    let mut inner_reduced: Option<String> = None;
    if xml::is(source, NS_ASSERTION, "EncryptedAssertion") {
        let key = exp
            .decryption_key_pem
            .ok_or_else(|| encrypted_unreadable("no SP key configured"))?;
        let plain =
            super::decrypt::decrypt_assertion(source, key).map_err(|p| encrypted_unreadable(&p))?;
        let plain_doc =
            reparse(&plain, "the decrypted assertion").map_err(|p| encrypted_unreadable(&p))?;
        let proot = plain_doc.root_element();
        if !xml::is(proot, NS_ASSERTION, "Assertion") {
            return Err(encrypted_unreadable(
                "the decrypted content is not an Assertion",
            ));
        }
        if xml::descendants(proot, NS_ASSERTION, "Assertion").count() > 1 {
            return Err(multiple(2, 0));
        }
        let inner_sigs: Vec<Node> = xml::descendants(proot, NS_DSIG, "Signature").collect();
        if inner_sigs.is_empty() && !response_signed {
            return Err(Rejection::new(FailureCode::SamlUnsigned));
        }
        if !inner_sigs.is_empty() {
            precheck::check_signatures(&inner_sigs, exp.allow_sha1)?;
            inner_reduced = Some(verify(&plain, &inner_sigs, &certs, exp)?);
        }
        decrypted = Some(plain);
    }
    let inner_doc = match (&inner_reduced, &decrypted) {
        (Some(signed), _) => {
            Some(reparse(signed, "the signed assertion").map_err(|p| encrypted_unreadable(&p))?)
        }
        (None, Some(plain)) => {
            Some(reparse(plain, "the decrypted assertion").map_err(|p| encrypted_unreadable(&p))?)
        }
        (None, None) => None,
    };
    let assertion = match &inner_doc {
        Some(d) => d.root_element(),
        None => source,
    };
    if !xml::is(assertion, NS_ASSERTION, "Assertion") {
        return Err(Rejection::new(FailureCode::SamlAssertionMissing).fact(
            "problem",
            "Problem",
            "The signature inside the encrypted assertion does not cover the Assertion.",
        ));
    }

    let v = check_assertion(response_node, response_signed, assertion, exp)?;
    Ok((v, decrypted))
}

fn multiple(plain: usize, encrypted: usize) -> Rejection {
    Rejection::new(FailureCode::SamlMultipleAssertions).fact(
        "problem",
        "Problem",
        format!(
            "The response holds {plain} Assertion and {encrypted} EncryptedAssertion elements; exactly one is allowed."
        ),
    )
}

fn encrypted_unreadable(problem: &str) -> Rejection {
    Rejection::new(FailureCode::SamlEncryptedUnreadable).fact("problem", "Problem", problem)
}

/// A configured certificate: DER for libxmlsec1, fingerprint for the facts.
struct Trusted {
    der: CertificateDer,
}

/// The configured certificates libxmlsec1 can load. One unreadable certificate would make
/// every verification fail ("Failed to load key"), which would break a rollover, so those are
/// left out.
fn configured_certificates(certs: &[CertificateInfo]) -> Vec<Trusted> {
    certs
        .iter()
        .filter_map(|c| LENIENT_B64.decode(super::pem_body(&c.pem)).ok())
        .filter(|der| openssl::x509::X509::from_der(der).is_ok())
        .map(|der| Trusted {
            der: CertificateDer::from(der),
        })
        .collect()
}

fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Verifies every signature in `text` against the configured certificates and returns the
/// signed element alone (samael's reduce-to-signed, no unsigned ancestors kept).
fn verify(
    text: &str,
    signatures: &[Node],
    certs: &[Trusted],
    exp: &Expectations,
) -> Result<String, Rejection> {
    // Done at start-up; repeated (a no-op then) so no path into libxmlsec1 prints raw lines.
    super::xmlsec_log::route_to_log();
    let der: Vec<CertificateDer> = certs.iter().map(|t| t.der.clone()).collect();
    let allowed = if exp.allow_sha1 {
        None
    } else {
        Some(SAMAEL_SHA2)
    };
    let result = if der.is_empty() {
        Err(None)
    } else {
        Crypto::reduce_xml_to_signed_with_allowed_algorithms(
            text,
            &der,
            ReduceMode::ValidateAndMarkNoAncestors,
            allowed,
        )
        .map_err(Some)
    };
    let error = match result {
        Ok(reduced) => return Ok(reduced),
        Err(e) => e,
    };

    let expected: Vec<String> = exp
        .certificates
        .iter()
        .map(|c| c.sha256_fingerprint.clone())
        .collect();
    let expected = if expected.is_empty() {
        "(none configured)".to_owned()
    } else {
        expected.join(", ")
    };
    let presented: Vec<String> = signatures
        .iter()
        .flat_map(|s| {
            s.descendants()
                .filter(|n| xml::is(*n, NS_DSIG, "X509Certificate"))
                .collect::<Vec<_>>()
        })
        .filter_map(|n| {
            LENIENT_B64
                .decode(
                    xml::text(n)
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>(),
                )
                .ok()
        })
        .map(|d| fingerprint(&d))
        .collect();
    let known: Vec<String> = certs
        .iter()
        .map(|t| fingerprint(t.der.der_data()))
        .collect();
    let stranger = presented.iter().find(|p| !known.contains(p));
    let code = if certs.is_empty() || stranger.is_some() {
        FailureCode::SamlCertificateMismatch
    } else {
        FailureCode::SamlSignatureInvalid
    };
    let mut r = Rejection::new(code).fact(
        "expected_fingerprint",
        "Certificate configured (SHA-256)",
        expected,
    );
    if let Some(p) = stranger.or(presented.first()) {
        r = r.fact(
            "presented_fingerprint",
            "Certificate in the response (SHA-256)",
            p.clone(),
        );
    }
    if let Some(e) = error {
        r = r.fact(
            "problem",
            "What the signature check reported",
            error_chain(&e),
        );
    }
    Err(r)
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// The Web SSO profile checks on the trusted assertion (and the Response around it, whose
/// attributes count only where `response_signed`).
fn check_assertion(
    response: Node,
    response_signed: bool,
    assertion: Node,
    exp: &Expectations,
) -> Result<Validated, Rejection> {
    let idp = exp.idp_entity_id.trim();
    let issuer = xml::child(assertion, NS_ASSERTION, "Issuer")
        .map(xml::text)
        .unwrap_or_default();
    if issuer != idp {
        return Err(mismatch(
            FailureCode::SamlIssuerMismatch,
            idp,
            if issuer.is_empty() { "(none)" } else { &issuer },
        ));
    }
    if let Some(ri) = xml::child(response, NS_ASSERTION, "Issuer").map(xml::text) {
        if ri != idp {
            return Err(mismatch(FailureCode::SamlIssuerMismatch, idp, &ri));
        }
    }
    if let Some(dest) = xml::attr(response, "Destination") {
        if dest != exp.acs_url {
            return Err(mismatch(
                FailureCode::SamlDestinationMismatch,
                exp.acs_url,
                &dest,
            ));
        }
    }

    let conditions = xml::child(assertion, NS_ASSERTION, "Conditions");
    let restrictions: Vec<Vec<String>> = conditions
        .into_iter()
        .flat_map(|c| xml::children(c, NS_ASSERTION, "AudienceRestriction").collect::<Vec<_>>())
        .map(|ar| {
            xml::children(ar, NS_ASSERTION, "Audience")
                .map(xml::text)
                .collect()
        })
        .collect();
    // An assertion without any audience could be replayed here from any other SP.
    if restrictions.is_empty()
        || !restrictions
            .iter()
            .all(|aud| aud.iter().any(|a| a == exp.sp_entity_id))
    {
        let all: Vec<String> = restrictions.concat();
        let received = if all.is_empty() {
            "(none)".to_owned()
        } else {
            all.join(", ")
        };
        return Err(mismatch(
            FailureCode::SamlAudienceMismatch,
            exp.sp_entity_id,
            &received,
        ));
    }

    let subject = xml::child(assertion, NS_ASSERTION, "Subject");
    let name_id = subject.and_then(|s| xml::child(s, NS_ASSERTION, "NameID"));
    let name_id_text = name_id.map(xml::text).unwrap_or_default();
    if name_id_text.is_empty() {
        let problem = if subject.is_none() {
            "The assertion has no Subject."
        } else if subject
            .and_then(|s| xml::child(s, NS_ASSERTION, "EncryptedID"))
            .is_some()
        {
            "The NameID is encrypted (EncryptedID), which Portico does not read."
        } else {
            "The Subject has no NameID."
        };
        return Err(
            Rejection::new(FailureCode::SamlSubjectMissing).fact("problem", "Problem", problem)
        );
    }

    // Bearer confirmations; one addressed to us is needed.
    let bearer: Vec<Node> = subject
        .into_iter()
        .flat_map(|s| xml::children(s, NS_ASSERTION, "SubjectConfirmation").collect::<Vec<_>>())
        .filter(|sc| sc.attribute("Method").map(str::trim) == Some(CM_BEARER))
        .filter_map(|sc| xml::child(sc, NS_ASSERTION, "SubjectConfirmationData"))
        .collect();
    let scd = bearer
        .iter()
        .copied()
        .find(|d| xml::attr(*d, "Recipient").as_deref() == Some(exp.acs_url));
    let Some(scd) = scd else {
        let got: Vec<String> = bearer
            .iter()
            .filter_map(|d| xml::attr(*d, "Recipient"))
            .collect();
        let received = if got.is_empty() {
            "(none)".to_owned()
        } else {
            got.join(", ")
        };
        return Err(mismatch(
            FailureCode::SamlRecipientMismatch,
            exp.acs_url,
            &received,
        ));
    };

    // What the Response envelope says counts only when the envelope was signed: an unsigned
    // one could wrap an unsolicited assertion and claim it answers our request.
    let response_irt = if response_signed {
        xml::attr(response, "InResponseTo")
    } else {
        None
    };
    let scd_irt = xml::attr(scd, "InResponseTo");
    let received_irt: Vec<String> = response_irt.iter().chain(scd_irt.iter()).cloned().collect();
    match exp.request_id {
        Some(id) => {
            if received_irt.is_empty() || received_irt.iter().any(|r| r != id) {
                let mut got = received_irt.clone();
                got.dedup();
                let mut received = if got.is_empty() {
                    "(none)".to_owned()
                } else {
                    got.join(", ")
                };
                if got.is_empty()
                    && !response_signed
                    && xml::attr(response, "InResponseTo").is_some()
                {
                    received.push_str(
                        " in the signed assertion (the unsigned Response names one, \
                        which cannot be trusted)",
                    );
                }
                return Err(mismatch(
                    FailureCode::SamlInResponseToMismatch,
                    id,
                    &received,
                ));
            }
        }
        None if !exp.allow_idp_initiated => {
            let mut r = Rejection::new(FailureCode::SamlIdpInitiatedRefused);
            if let Some(got) = received_irt.first() {
                r = r.fact(
                    "received",
                    "InResponseTo the identity provider sent",
                    got.clone(),
                );
            }
            return Err(r);
        }
        None => {
            // An unsolicited response must not claim to answer a request.
            if let Some(got) = received_irt
                .first()
                .cloned()
                .or_else(|| xml::attr(response, "InResponseTo"))
            {
                return Err(mismatch(
                    FailureCode::SamlInResponseToMismatch,
                    "(none: no request was sent)",
                    &got,
                ));
            }
        }
    }

    let not_on_or_after = check_times(assertion, conditions, scd, exp)?;

    let attributes = xml::children(assertion, NS_ASSERTION, "AttributeStatement")
        .flat_map(|st| xml::children(st, NS_ASSERTION, "Attribute").collect::<Vec<_>>())
        .map(|a| ReceivedAttribute {
            name: a.attribute("Name").unwrap_or_default().to_owned(),
            format: xml::attr(a, "NameFormat"),
            friendly_name: xml::attr(a, "FriendlyName"),
            values: xml::children(a, NS_ASSERTION, "AttributeValue")
                .map(xml::text)
                .collect(),
        })
        .collect();

    // The ID is kept in the replay cache until the assertion expires: a sane length only.
    let assertion_id = xml::attr(assertion, "ID").unwrap_or_default();
    if assertion_id.len() > MAX_ASSERTION_ID_BYTES {
        return Err(malformed(&format!(
            "The Assertion's ID is {} bytes long; SAML IDs are short \
            random values (at most {MAX_ASSERTION_ID_BYTES} bytes)",
            assertion_id.len()
        )));
    }
    Ok(Validated {
        response_id: xml::attr(response, "ID"),
        assertion_id,
        issuer,
        name_id: name_id_text,
        name_id_format: name_id.and_then(|n| xml::attr(n, "Format")),
        in_response_to: response_irt.or(scd_irt),
        session_index: xml::child(assertion, NS_ASSERTION, "AuthnStatement")
            .and_then(|a| xml::attr(a, "SessionIndex")),
        not_on_or_after,
        attributes,
        pretty_xml: String::new(),
    })
}

fn mismatch(code: FailureCode, expected: &str, received: &str) -> Rejection {
    Rejection::new(code)
        .fact("expected", "Expected", expected)
        .fact("received", "Received", received)
}

/// Checks every time bound with the allowed skew; returns the earliest expiry.
fn check_times(
    assertion: Node,
    conditions: Option<Node>,
    scd: Node,
    exp: &Expectations,
) -> Result<Option<i64>, Rejection> {
    let read = |node: Option<Node>, name: &str| -> Result<Option<(String, i64)>, Rejection> {
        let Some(raw) = node.and_then(|n| xml::attr(n, name)) else {
            return Ok(None);
        };
        parse_xml_datetime(&raw)
            .map(|t| Some((raw.clone(), t)))
            .ok_or_else(|| malformed(&format!("The time {name}=\"{raw}\" could not be read.")))
    };
    let starts = [
        (
            read(conditions, "NotBefore")?,
            "not_before",
            "Not valid before (Conditions)",
        ),
        (
            read(Some(scd), "NotBefore")?,
            "not_before",
            "Not valid before (SubjectConfirmationData)",
        ),
        (
            read(Some(assertion), "IssueInstant")?,
            "not_before",
            "Issued at (Assertion IssueInstant)",
        ),
    ];
    for (bound, key, label) in starts {
        if let Some((raw, t)) = bound {
            if exp.now + exp.skew_seconds < t {
                return Err(clock(
                    FailureCode::SamlNotYetValid,
                    exp,
                    key,
                    label,
                    &raw,
                    t - exp.now,
                ));
            }
        }
    }
    let mut ends: Vec<(String, i64, &str)> = [
        (
            read(conditions, "NotOnOrAfter")?,
            "Not valid on or after (Conditions)",
        ),
        (
            read(Some(scd), "NotOnOrAfter")?,
            "Not valid on or after (SubjectConfirmationData)",
        ),
    ]
    .into_iter()
    .filter_map(|(bound, label)| bound.map(|(raw, t)| (raw, t, label)))
    .collect();
    // Without an end the assertion would stay good for ever, and the replay cache could not
    // know how long to remember it; the Web SSO profile requires one on the bearer
    // confirmation.
    if ends.is_empty() {
        return Err(malformed(
            "The assertion has no NotOnOrAfter (on its Conditions or its bearer \
                SubjectConfirmationData), so it would never expire. SAML's Web SSO profile requires \
                one: check the identity provider's assertion lifetime setting.",
        ));
    }
    // The earliest bound is the one to report: it expired first.
    ends.sort_by_key(|e| e.1);
    if let Some((raw, t, label)) = ends.first() {
        if exp.now - exp.skew_seconds >= *t {
            return Err(clock(
                FailureCode::SamlExpired,
                exp,
                "not_on_or_after",
                label,
                raw,
                exp.now - t,
            ));
        }
    }
    Ok(ends.first().map(|e| e.1))
}

fn clock(
    code: FailureCode,
    exp: &Expectations,
    key: &str,
    label: &str,
    raw: &str,
    difference: i64,
) -> Rejection {
    Rejection::new(code)
        .fact("our_clock", "Portico's clock", rfc3339(exp.now))
        .fact(key, label, raw)
        .fact(
            "skew_allowed",
            "Clock difference allowed",
            format!("{} seconds", exp.skew_seconds),
        )
        .fact("difference", "Off by", human_duration(difference))
}

/// "4 minutes 10 seconds", "2 days 3 hours", "0 seconds".
pub(crate) fn human_duration(secs: i64) -> String {
    let secs = secs.unsigned_abs();
    let units = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut rest = secs;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        "0 seconds".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests;
