//! The checks on an IdP's SAMLResponse that need no key and cost little: its size and shape
//! before any tree is built, its status, and what its signatures name (algorithms, transforms,
//! references, positions). They run before libxmlsec1 sees the document, so a hostile post
//! can only ever cost a linear scan and a bounded parse; the cryptography and the Web SSO
//! rules that follow it are in `server::saml::response`.
//!
//! Pure and target-independent, so the fuzzer drives exactly this path.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};
use roxmltree::{Document, Node};

use crate::api::test_sign_in::{FailureCode, Rejection};
use crate::core::xml::{self, Limits, NS_ASSERTION, NS_DSIG, NS_PROTOCOL};

const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Signature methods always accepted.
pub const SHA2_SIGNATURES: &[&str] = &[
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224",
];
/// Digest methods always accepted.
pub const SHA2_DIGESTS: &[&str] = &[
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
    "http://www.w3.org/2001/04/xmldsig-more#sha224",
];
/// Signature methods accepted only where the connection allows SHA-1.
pub const SHA1_SIGNATURES: &[&str] = &[
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
];
/// Digest methods accepted only where the connection allows SHA-1.
pub const SHA1_DIGESTS: &[&str] = &["http://www.w3.org/2000/09/xmldsig#sha1"];

/// The transforms a SAML signature may name (SAML 2.0 core, 5.4.4: the enveloped-signature
/// transform and exclusive canonicalization). Anything else — XPath, XSLT, XPointer,
/// Base64 — is work libxmlsec1 would do on the attacker's behalf before the signature fails.
pub const ALLOWED_TRANSFORMS: &[&str] = &[
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
];
/// How SignedInfo may be canonicalized: exclusive canonicalization, or inclusive
/// canonicalization 1.0/1.1, which some IdPs use there and which costs no more.
pub const ALLOWED_CANONICALIZATIONS: &[&str] = &[
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
];
/// Namespace of exclusive canonicalization's `InclusiveNamespaces`, the one element a
/// transform may contain.
const NS_EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Most transforms on one reference (real IdPs name two).
const MAX_TRANSFORMS: usize = 2;
/// Most signatures in one message: one on the Response, one on its Assertion.
pub const MAX_SIGNATURES: usize = 2;
/// Longest SAMLResponse form value read (base64 of [`Limits::SAML_MESSAGE`]'s size, plus the
/// line breaks some IdPs add).
pub const MAX_FORM_VALUE_BYTES: usize = Limits::SAML_MESSAGE.max_bytes / 3 * 4 + 64 * 1024;

// Base64 from a form post: line breaks are common, padding is sometimes dropped.
/// Base64 that accepts missing or extra padding, as IdPs and PEM bodies write it.
pub const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A refusal about the document's form, with the problem in words.
pub fn malformed(problem: &str) -> Rejection {
    Rejection::new(FailureCode::SamlResponseMalformed).fact("problem", "Problem", problem)
}

/// Decodes the raw SAMLResponse form value (base64, possibly with whitespace) to text, after
/// checking its length.
pub fn decode(value: &str) -> Result<String, Rejection> {
    if value.len() > MAX_FORM_VALUE_BYTES {
        return Err(malformed(&format!(
            "The SAMLResponse is {} KB; Portico reads responses of up to {} KB. A sign-in response \
                is a few kilobytes: check what the identity provider puts in it.",
            value.len() / 1024,
            Limits::SAML_MESSAGE.max_bytes / 1024
        )));
    }
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(malformed("the SAMLResponse is empty"));
    }
    let bytes = LENIENT_B64
        .decode(compact.as_bytes())
        .map_err(|_| malformed("the SAMLResponse is not base64"))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec())
        .map_err(|_| malformed("the decoded SAMLResponse is not UTF-8 text"))
}

/// Parses decoded text within [`Limits::SAML_MESSAGE`], strictly (libxml2, inside samael,
/// recovers from broken XML and would verify whatever it made of it).
pub fn parse(text: &str) -> Result<Document<'_>, Rejection> {
    xml::parse_bounded(text, &Limits::SAML_MESSAGE)
        .map_err(|p| malformed(&format!("The decoded SAMLResponse is refused: {p}.")))
}

/// What the cheap checks learned about a Response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// Signatures anywhere in it.
    pub signatures: usize,
    /// Plain Assertions anywhere in it.
    pub assertions: usize,
    /// EncryptedAssertions anywhere in it.
    pub encrypted_assertions: usize,
}

/// Every check on a parsed Response that comes before any cryptography: the root, the status
/// (error responses are often unsigned, so the IdP's own reason comes first), that something
/// is signed or encrypted, and that the signatures name only what SAML uses, sit where SAML
/// puts them and are few.
pub fn precheck(doc: &Document, allow_sha1: bool) -> Result<Envelope, Rejection> {
    let root = doc.root_element();
    if !xml::is(root, NS_PROTOCOL, "Response") {
        return Err(malformed(&format!(
            "The document's root element is <{}> ({}), not a SAML protocol <Response>.",
            root.tag_name().name(),
            root.tag_name().namespace().unwrap_or("no namespace")
        )));
    }
    check_status(root)?;
    let signatures: Vec<Node> = xml::descendants(root, NS_DSIG, "Signature").collect();
    let envelope = Envelope {
        signatures: signatures.len(),
        assertions: xml::descendants(root, NS_ASSERTION, "Assertion").count(),
        encrypted_assertions: xml::descendants(root, NS_ASSERTION, "EncryptedAssertion").count(),
    };
    if signatures.is_empty() && envelope.encrypted_assertions == 0 {
        return Err(Rejection::new(FailureCode::SamlUnsigned));
    }
    check_signatures(&signatures, allow_sha1)?;
    Ok(envelope)
}

/// The checks on a set of signatures (the Response's, or those inside a decrypted assertion).
pub fn check_signatures(signatures: &[Node], allow_sha1: bool) -> Result<(), Rejection> {
    if signatures.len() > MAX_SIGNATURES {
        return Err(signature_problem(&format!(
            "The response holds {} signatures; SAML uses at most {MAX_SIGNATURES} (one on the \
                Response, one on its Assertion).",
            signatures.len()
        )));
    }
    check_algorithms(signatures, allow_sha1)?;
    check_transforms(signatures)?;
    check_positions(signatures)
}

fn signature_problem(problem: &str) -> Rejection {
    Rejection::new(FailureCode::SamlSignatureInvalid).fact("problem", "Problem", problem)
}

fn check_status(root: Node) -> Result<(), Rejection> {
    let code = xml::child(root, NS_PROTOCOL, "Status")
        .and_then(|s| xml::child(s, NS_PROTOCOL, "StatusCode"));
    let Some(code) = code else {
        return Err(malformed("The Response has no Status."));
    };
    let value = xml::attr(code, "Value").unwrap_or_default();
    if value == STATUS_SUCCESS {
        return Ok(());
    }
    let mut r =
        Rejection::new(FailureCode::SamlStatusNotSuccess).fact("status_code", "Status code", value);
    if let Some(sub) =
        xml::child(code, NS_PROTOCOL, "StatusCode").and_then(|s| xml::attr(s, "Value"))
    {
        r = r.fact("sub_status", "Second-level status code", sub);
    }
    let message = xml::child(root, NS_PROTOCOL, "Status")
        .and_then(|s| xml::child(s, NS_PROTOCOL, "StatusMessage"))
        .map(xml::text)
        .filter(|m| !m.is_empty());
    if let Some(m) = message {
        r = r.fact("status_message", "Message from the identity provider", m);
    }
    Err(r)
}

/// Refuses any SignatureMethod or DigestMethod outside the allowed set, naming it, before
/// libxmlsec1 would refuse it with a less specific error.
fn check_algorithms(signatures: &[Node], allow_sha1: bool) -> Result<(), Rejection> {
    let sig_ok =
        |a: &str| SHA2_SIGNATURES.contains(&a) || (allow_sha1 && SHA1_SIGNATURES.contains(&a));
    let digest_ok =
        |a: &str| SHA2_DIGESTS.contains(&a) || (allow_sha1 && SHA1_DIGESTS.contains(&a));
    for sig in signatures {
        let Some(si) = xml::child(*sig, NS_DSIG, "SignedInfo") else {
            return Err(signature_problem("A Signature has no SignedInfo."));
        };
        let method = xml::child(si, NS_DSIG, "SignatureMethod")
            .and_then(|m| xml::attr(m, "Algorithm"))
            .unwrap_or_default();
        if !sig_ok(&method) {
            return Err(algorithm_refused(&method));
        }
        for reference in xml::children(si, NS_DSIG, "Reference") {
            let d = xml::child(reference, NS_DSIG, "DigestMethod")
                .and_then(|m| xml::attr(m, "Algorithm"))
                .unwrap_or_default();
            if !digest_ok(&d) {
                return Err(algorithm_refused(&d));
            }
        }
    }
    Ok(())
}

fn algorithm_refused(algorithm: &str) -> Rejection {
    Rejection::new(FailureCode::SamlAlgorithmNotAllowed).fact(
        "algorithm",
        "Algorithm the identity provider used",
        if algorithm.is_empty() {
            "(none)"
        } else {
            algorithm
        },
    )
}

/// Refuses every transform and canonicalization outside the few SAML uses, anywhere inside a
/// signature (a KeyInfo's RetrievalMethod carries transforms too), and any content inside a
/// transform but exclusive canonicalization's prefix list.
fn check_transforms(signatures: &[Node]) -> Result<(), Rejection> {
    for sig in signatures {
        if let Some(si) = xml::child(*sig, NS_DSIG, "SignedInfo") {
            let c14n = xml::child(si, NS_DSIG, "CanonicalizationMethod")
                .and_then(|m| xml::attr(m, "Algorithm"))
                .unwrap_or_default();
            if !ALLOWED_CANONICALIZATIONS.contains(&c14n.as_str()) {
                return Err(algorithm_refused(&c14n));
            }
            for reference in xml::children(si, NS_DSIG, "Reference") {
                let count = xml::child(reference, NS_DSIG, "Transforms")
                    .map_or(0, |t| t.children().filter(Node::is_element).count());
                if count > MAX_TRANSFORMS {
                    return Err(signature_problem(&format!(
                        "A signature reference names {count} transforms; SAML uses at most {MAX_TRANSFORMS}."
                    )));
                }
            }
        }
        for node in sig.descendants().filter(Node::is_element) {
            let name = node.tag_name().name();
            if node.tag_name().namespace() == Some(NS_DSIG)
                && matches!(name, "RetrievalMethod" | "Manifest" | "Object")
            {
                return Err(signature_problem(&format!(
                    "A Signature contains a <{name}>, which SAML signatures never use."
                )));
            }
            if name == "InclusiveNamespaces" {
                check_prefix_list(node)?;
                continue;
            }
            if name == "CanonicalizationMethod" {
                if let Some(f) = node
                    .children()
                    .filter(Node::is_element)
                    .find(|c| c.tag_name().name() != "InclusiveNamespaces")
                {
                    return Err(signature_problem(&format!(
                        "A CanonicalizationMethod contains a <{}>; it takes no content but a prefix list.",
                        f.tag_name().name()
                    )));
                }
                continue;
            }
            if name != "Transform" {
                continue;
            }
            let algorithm = xml::attr(node, "Algorithm").unwrap_or_default();
            if !ALLOWED_TRANSFORMS.contains(&algorithm.as_str()) {
                return Err(Rejection::new(FailureCode::SamlAlgorithmNotAllowed).fact(
                    "algorithm",
                    "Transform the signature names",
                    if algorithm.is_empty() {
                        "(none)".to_owned()
                    } else {
                        algorithm
                    },
                ));
            }
            let foreign = node.children().filter(Node::is_element).find(|c| {
                !(c.tag_name().namespace() == Some(NS_EXC_C14N)
                    && c.tag_name().name() == "InclusiveNamespaces")
            });
            if let Some(f) = foreign {
                return Err(signature_problem(&format!(
                    "A signature transform contains a <{}>; SAML transforms take no content but a prefix list.",
                    f.tag_name().name()
                )));
            }
        }
    }
    Ok(())
}

/// Most prefixes an `InclusiveNamespaces` may list, and its longest `PrefixList`: IdPs list a
/// handful (`xs`, `xsi`, `#default`), while canonicalization costs elements × prefixes, before
/// the signature value is even looked at.
pub const MAX_INCLUSIVE_PREFIXES: usize = 16;
const MAX_PREFIX_LIST_BYTES: usize = 256;

/// An exclusive canonicalization's prefix list: short, a few distinct prefix names.
fn check_prefix_list(node: Node) -> Result<(), Rejection> {
    let list = node.attribute("PrefixList").unwrap_or_default();
    if list.len() > MAX_PREFIX_LIST_BYTES {
        return Err(signature_problem(&format!(
            "A signature's InclusiveNamespaces PrefixList is {} bytes long; SAML IdPs list a few \
                prefixes (at most {MAX_PREFIX_LIST_BYTES} bytes).",
            list.len()
        )));
    }
    let prefixes: Vec<&str> = list.split_ascii_whitespace().collect();
    let mut seen = std::collections::BTreeSet::new();
    for p in &prefixes {
        let name_like = *p == "#default"
            || p.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && p.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !name_like || !seen.insert(*p) {
            return Err(signature_problem(&format!(
                "A signature's InclusiveNamespaces PrefixList \
                names {p:?} twice or is not a prefix name."
            )));
        }
    }
    if prefixes.len() > MAX_INCLUSIVE_PREFIXES {
        return Err(signature_problem(&format!(
            "A signature's InclusiveNamespaces lists {} prefixes; SAML IdPs list a few (at most \
                {MAX_INCLUSIVE_PREFIXES}).",
            prefixes.len()
        )));
    }
    Ok(())
}

/// SAML signatures are enveloped (SAML 2.0 core, 5.4): each is a child of the Response or
/// Assertion it signs, right after its Issuer, and has one Reference, to that parent's ID.
/// Anything else — a signature tucked elsewhere, over another element, XPointer references —
/// is how wrapping attacks are built, and no IdP needs it.
fn check_positions(signatures: &[Node]) -> Result<(), Rejection> {
    for sig in signatures {
        let parent = sig.parent_element();
        let parent_ok = parent.is_some_and(|p| {
            xml::is(p, NS_PROTOCOL, "Response") || xml::is(p, NS_ASSERTION, "Assertion")
        });
        let parent_id = parent.and_then(|p| xml::attr(p, "ID"));
        let references: Vec<Option<&str>> = xml::child(*sig, NS_DSIG, "SignedInfo")
            .map(|si| {
                xml::children(si, NS_DSIG, "Reference")
                    .map(|r| r.attribute("URI"))
                    .collect()
            })
            .unwrap_or_default();
        let reference_ok = match (references.as_slice(), &parent_id) {
            ([Some(uri)], Some(id)) => uri.strip_prefix('#') == Some(id.as_str()),
            _ => false,
        };
        // Schema order puts the Signature right after the Issuer (or first, with no Issuer).
        let previous = sig.prev_sibling_element();
        let order_ok = previous.is_none_or(|p| xml::is(p, NS_ASSERTION, "Issuer"));
        if !parent_ok || !reference_ok || !order_ok {
            let where_ = parent.map_or("the document".to_owned(), |p| {
                format!("<{}>", p.tag_name().name())
            });
            return Err(signature_problem(&format!(
                "A Signature inside {where_} is not where SAML puts it (right after the Issuer of \
                    the Response or Assertion it signs, referring to it by ID)."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE_OPEN: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r"><saml:Issuer>idp</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#;

    /// A Response whose Assertion carries a signature with the given transforms and c14n.
    fn signed(c14n: &str, transforms: &str) -> String {
        format!(
            r##"{RESPONSE_OPEN}<saml:Assertion ID="_a"><saml:Issuer>idp</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c14n}"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_a"><ds:Transforms>{transforms}</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>x</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>x</ds:SignatureValue></ds:Signature></saml:Assertion></samlp:Response>"##
        )
    }

    const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    const ENVELOPED: &str =
        r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#;

    fn run(text: &str) -> Result<Envelope, Rejection> {
        precheck(&parse(text)?, false)
    }

    fn problem(r: &Rejection) -> String {
        r.facts
            .iter()
            .map(|f| f.value.clone())
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn what_idps_send_passes() {
        let t = format!(
            r#"{ENVELOPED}<ds:Transform Algorithm="{EXC}"><ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="xs"/></ds:Transform>"#
        );
        let envelope = run(&signed(EXC, &t)).unwrap();
        assert_eq!(
            envelope,
            Envelope {
                signatures: 1,
                assertions: 1,
                encrypted_assertions: 0
            }
        );
    }

    #[test]
    fn xpath_and_xslt_transforms_are_refused_before_any_cryptography() {
        for algorithm in [
            "http://www.w3.org/TR/1999/REC-xpath-19991116",
            "http://www.w3.org/TR/1999/REC-xslt-19991116",
            "http://www.w3.org/2002/06/xmldsig-filter2",
            "http://www.w3.org/2000/09/xmldsig#base64",
        ] {
            let t = format!(r#"{ENVELOPED}<ds:Transform Algorithm="{algorithm}"/>"#);
            let r = run(&signed(EXC, &t)).unwrap_err();
            assert_eq!(r.code, FailureCode::SamlAlgorithmNotAllowed, "{algorithm}");
            assert!(problem(&r).contains(algorithm));
        }
    }

    #[test]
    fn content_inside_an_allowed_transform_is_refused() {
        let t = format!(
            r#"<ds:Transform Algorithm="{EXC}"><ds:XPath>count(//.)</ds:XPath></ds:Transform>"#
        );
        let r = run(&signed(EXC, &t)).unwrap_err();
        assert_eq!(r.code, FailureCode::SamlSignatureInvalid);
        assert!(problem(&r).contains("<XPath>"), "{}", problem(&r));
    }

    #[test]
    fn a_long_prefix_list_is_refused_wherever_it_sits() {
        let long = vec!["a"; 200_000].join(" ");
        let in_transform = format!(
            r#"{ENVELOPED}<ds:Transform Algorithm="{EXC}"><ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="{long}"/></ds:Transform>"#
        );
        let r = run(&signed(EXC, &in_transform)).unwrap_err();
        assert_eq!(r.code, FailureCode::SamlSignatureInvalid);
        assert!(problem(&r).contains("PrefixList"), "{}", problem(&r));
        let many = (0..20)
            .map(|i| format!("p{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let in_c14n = signed(EXC, ENVELOPED).replace(
            &format!(r#"<ds:CanonicalizationMethod Algorithm="{EXC}"/>"#),
            &format!(r#"<ds:CanonicalizationMethod Algorithm="{EXC}"><ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="{many}"/></ds:CanonicalizationMethod>"#),
        );
        let r = run(&in_c14n).unwrap_err();
        assert!(problem(&r).contains("20 prefixes"), "{}", problem(&r));
        let twice = format!(
            r#"{ENVELOPED}<ds:Transform Algorithm="{EXC}"><ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="xs xs"/></ds:Transform>"#
        );
        assert_eq!(
            run(&signed(EXC, &twice)).unwrap_err().code,
            FailureCode::SamlSignatureInvalid
        );
    }

    #[test]
    fn too_many_transforms_and_unknown_canonicalization_are_refused() {
        let t = ENVELOPED.repeat(3);
        assert_eq!(
            run(&signed(EXC, &t)).unwrap_err().code,
            FailureCode::SamlSignatureInvalid
        );
        let r = run(&signed(
            "http://www.w3.org/TR/1999/REC-xslt-19991116",
            ENVELOPED,
        ))
        .unwrap_err();
        assert_eq!(r.code, FailureCode::SamlAlgorithmNotAllowed);
    }

    #[test]
    fn retrieval_methods_in_key_info_are_refused() {
        let doc = signed(EXC, ENVELOPED).replace(
            "<ds:SignatureValue>x</ds:SignatureValue>",
            r##"<ds:SignatureValue>x</ds:SignatureValue><ds:KeyInfo><ds:RetrievalMethod URI="#k"/></ds:KeyInfo>"##,
        );
        let r = run(&doc).unwrap_err();
        assert!(problem(&r).contains("RetrievalMethod"), "{}", problem(&r));
    }

    #[test]
    fn more_than_two_signatures_are_refused() {
        let one = signed(EXC, ENVELOPED);
        let start = one.find("<saml:Assertion").unwrap();
        let end = one.find("</samlp:Response>").unwrap();
        let doc = format!(
            "{RESPONSE_OPEN}{}</samlp:Response>",
            one[start..end].repeat(3)
        );
        let r = run(&doc).unwrap_err();
        assert_eq!(r.code, FailureCode::SamlSignatureInvalid);
        assert!(problem(&r).contains("3 signatures"));
    }

    #[test]
    fn a_deeply_nested_response_is_refused_as_malformed_without_a_tree() {
        let depth = 5_000;
        let doc = format!(
            "{RESPONSE_OPEN}{}{}</samlp:Response>",
            "<x>".repeat(depth),
            "</x>".repeat(depth)
        );
        let r = parse(&doc).unwrap_err();
        assert_eq!(r.code, FailureCode::SamlResponseMalformed);
        assert!(problem(&r).contains("levels deep"), "{}", problem(&r));
    }

    #[test]
    fn an_oversized_form_value_is_refused_before_decoding() {
        let r = decode(&"A".repeat(MAX_FORM_VALUE_BYTES + 1)).unwrap_err();
        assert_eq!(r.code, FailureCode::SamlResponseMalformed);
    }
}
