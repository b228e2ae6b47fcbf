//! The SAML IdP metadata inspector: reads the XML an IT admin uploads and returns either the
//! few facts Portico needs or one problem, worded so the admin knows what to do next.
//!
//! Parsing uses roxmltree's defaults, which refuse any DTD: metadata never needs one, and
//! refusing it rules out entity-expansion ("billion laughs") and external-entity attacks.

use std::fmt;

use roxmltree::{Document, Node};
use serde::{Deserialize, Serialize};

use super::cert::{self, format_date};
use super::validate;

pub use super::cert::{parse_certificate, CertificateInfo};

/// What the inspector learned from an IdP metadata document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdpMetadata {
    /// The IdP's `entityID`: the issuer its responses will carry.
    pub entity_id: String,
    /// Sign-in address for the HTTP-Redirect binding.
    pub sso_redirect_url: Option<String>,
    /// Sign-in address for the HTTP-POST binding.
    pub sso_post_url: Option<String>,
    /// Signing certificates (`use="signing"` or no `use`), deduplicated, in document order.
    pub certificates: Vec<CertificateInfo>,
    /// The `NameIDFormat`s the IdP offers, deduplicated, in document order.
    pub name_id_formats: Vec<String>,
    /// Non-fatal findings worth showing the admin.
    pub warnings: Vec<MetadataProblem>,
}

/// One problem, with a stable snake_case code and an IT-admin-readable message saying what
/// to do. The codes are listed in [`codes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetadataProblem {
    /// Stable snake_case code, one of [`codes`].
    pub code: String,
    /// What is wrong and what to do next.
    pub message: String,
}

impl MetadataProblem {
    /// A problem with the given code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        MetadataProblem {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for MetadataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for MetadataProblem {}

/// Every code a [`MetadataProblem`] can carry.
pub mod codes {
    /// Fatal: nothing was uploaded.
    pub const METADATA_EMPTY: &str = "metadata_empty";
    /// Fatal: larger than [`super::MAX_METADATA_BYTES`].
    pub const METADATA_TOO_LARGE: &str = "metadata_too_large";
    /// Fatal: not well-formed XML (or not XML at all).
    pub const METADATA_NOT_XML: &str = "metadata_not_xml";
    /// Fatal: the document has a DOCTYPE.
    pub const METADATA_DTD_FORBIDDEN: &str = "metadata_dtd_forbidden";
    /// Fatal: XML, but not SAML metadata (a Response, an HTML page, …).
    pub const METADATA_WRONG_DOCUMENT: &str = "metadata_wrong_document";
    /// Fatal: a federation aggregate without exactly one IdP.
    pub const METADATA_AGGREGATE: &str = "metadata_aggregate";
    /// Fatal: service-provider metadata.
    pub const METADATA_IS_SP: &str = "metadata_is_sp";
    /// Fatal: an entity with neither an IdP nor an SP role.
    pub const METADATA_NO_IDP_DESCRIPTOR: &str = "metadata_no_idp_descriptor";
    /// Fatal: no `entityID`.
    pub const METADATA_NO_ENTITY_ID: &str = "metadata_no_entity_id";
    /// Fatal: no HTTP-Redirect or HTTP-POST `SingleSignOnService`.
    pub const METADATA_NO_SSO_URL: &str = "metadata_no_sso_url";
    /// Fatal: an SSO `Location` that is not an absolute http(s) URL.
    pub const METADATA_SSO_URL_INVALID: &str = "metadata_sso_url_invalid";
    /// Fatal: no signing certificate.
    pub const METADATA_NO_CERTIFICATE: &str = "metadata_no_certificate";
    /// Fatal: no certificate text was given.
    pub const CERTIFICATE_EMPTY: &str = "certificate_empty";
    /// Fatal: the text is not a readable X.509 certificate.
    pub const CERTIFICATE_INVALID: &str = "certificate_invalid";
    /// Fatal: a private key was pasted.
    pub const CERTIFICATE_IS_PRIVATE_KEY: &str = "certificate_is_private_key";
    /// Fatal: several certificates were pasted where one is expected.
    pub const CERTIFICATE_MULTIPLE: &str = "certificate_multiple";
    /// Fatal: every signing certificate has expired.
    pub const CERTIFICATE_EXPIRED: &str = "certificate_expired";
    /// Fatal: no signing certificate is valid yet.
    pub const CERTIFICATE_NOT_YET_VALID: &str = "certificate_not_yet_valid";
    /// Warning: a valid certificate expires within 30 days.
    pub const CERTIFICATE_EXPIRING_SOON: &str = "certificate_expiring_soon";
    /// Warning: one of several certificates has expired.
    pub const CERTIFICATE_SOME_EXPIRED: &str = "certificate_some_expired";
    /// Warning: one of several certificates is not valid yet (a rollover in progress).
    pub const CERTIFICATE_SOME_NOT_YET_VALID: &str = "certificate_some_not_yet_valid";
    /// Warning: a certificate is signed with SHA-1 or MD5.
    pub const CERTIFICATE_WEAK_SIGNATURE: &str = "certificate_weak_signature";
    /// Warning: an SSO URL uses plain `http`.
    pub const METADATA_SSO_URL_NOT_HTTPS: &str = "metadata_sso_url_not_https";
    /// Warning: the document's `validUntil` has passed.
    pub const METADATA_VALID_UNTIL_PASSED: &str = "metadata_valid_until_passed";
}

/// Largest metadata document accepted, in bytes; single-IdP metadata is a few kilobytes.
pub const MAX_METADATA_BYTES: usize = 10 * 1024 * 1024;

const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const NS_SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const BINDING_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const BINDING_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const GET_METADATA: &str = "In your identity provider's admin console, open the SAML app you \
     created for this service and download its metadata (often called \"IdP metadata\" or \
     \"Federation Metadata XML\"), then upload that file.";

/// Inspects an IdP metadata document, judging certificate validity at `now_unix` (seconds).
///
/// Accepts an `EntityDescriptor`, or an `EntitiesDescriptor` holding exactly one IdP.
pub fn inspect_idp_metadata(xml: &str, now_unix: i64) -> Result<IdpMetadata, MetadataProblem> {
    let (mut meta, valid_until) = extract(xml)?;
    let mut timed = cert::validity_problems(&meta.certificates, now_unix)?;
    if let Some(until) = valid_until.filter(|t| *t < now_unix) {
        timed.push(MetadataProblem::new(
            codes::METADATA_VALID_UNTIL_PASSED,
            format!(
                "This metadata file says it was only meant to be used until {}. Portico only \
                 takes the sign-in address and certificate from it, so you can continue, but \
                 your identity provider may have newer settings: download fresh metadata if \
                 sign-in fails.",
                format_date(until)
            ),
        ));
    }
    meta.warnings.extend(timed);
    Ok(meta)
}

/// Everything that does not depend on the clock, plus the earliest `validUntil` in force.
fn extract(xml: &str) -> Result<(IdpMetadata, Option<i64>), MetadataProblem> {
    let text = xml.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if text.trim_end().is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_EMPTY,
            format!("The metadata is empty. {GET_METADATA}"),
        ));
    }
    if text.len() > MAX_METADATA_BYTES {
        return Err(MetadataProblem::new(
            codes::METADATA_TOO_LARGE,
            format!(
                "This file is {} MB; an identity provider's own metadata is a few kilobytes. It \
                 is probably a whole federation's metadata. {GET_METADATA}",
                text.len() / (1024 * 1024)
            ),
        ));
    }
    let doc = Document::parse(text).map_err(|e| xml_problem(&e, text))?;
    read_entity(pick_entity(doc.root_element())?)
}

fn xml_problem(err: &roxmltree::Error, text: &str) -> MetadataProblem {
    use roxmltree::Error as E;
    if matches!(err, E::DtdDetected) {
        return MetadataProblem::new(
            codes::METADATA_DTD_FORBIDDEN,
            "This file contains a DOCTYPE (DTD) declaration. SAML metadata never needs one and \
             it can be used to attack XML readers, so Portico refuses it. Download the metadata \
             again straight from your identity provider and upload it unedited.",
        );
    }
    let not_xml = |message: String| MetadataProblem::new(codes::METADATA_NOT_XML, message);
    if text.starts_with("-----BEGIN") {
        return not_xml(
            "This is a certificate or key, not a metadata file. Upload your identity \
             provider's metadata XML, or enter the details manually and paste the certificate \
             there."
                .into(),
        );
    }
    if text.starts_with("http://") || text.starts_with("https://") {
        return not_xml(
            "This is a web address, not the metadata itself. Use the metadata URL option, or \
             open the address in a browser, save what it shows as an .xml file and upload that."
                .into(),
        );
    }
    if !text.starts_with('<') {
        return not_xml(format!(
            "This is not XML, so it cannot be SAML metadata. Check that you picked the \
             metadata .xml file, not a certificate, PDF or screenshot. {GET_METADATA}"
        ));
    }
    let hint = if matches!(err, E::UnexpectedDeclaration(_)) {
        "The <?xml …?> line must come first in the file: delete anything above it, or download \
         the metadata again."
    } else {
        "The file may be cut short or edited by hand. Download the metadata again from your \
         identity provider and upload it unchanged."
    };
    let pos = err.pos();
    let detail = err.to_string();
    let detail = detail
        .strip_suffix(&format!(" at {pos}"))
        .unwrap_or(&detail);
    let place = match err {
        E::NoRootNode
        | E::UnclosedRootNode
        | E::UnexpectedEndOfStream
        | E::NodesLimitReached
        | E::AttributesLimitReached
        | E::NamespacesLimitReached => String::new(),
        _ => format!(" at line {}, column {}", pos.row, pos.col),
    };
    not_xml(format!(
        "The metadata is not well-formed XML{place} ({detail}). {hint}"
    ))
}

fn is_md(node: Node, name: &str) -> bool {
    node.is_element() && node.has_tag_name((NS_MD, name))
}

fn md_children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is_md(*c, name))
}

fn pick_entity<'a, 'i>(root: Node<'a, 'i>) -> Result<Node<'a, 'i>, MetadataProblem> {
    if is_md(root, "EntityDescriptor") {
        return Ok(root);
    }
    if !is_md(root, "EntitiesDescriptor") {
        return Err(wrong_document(root));
    }
    let mut entities = Vec::new();
    collect_entities(root, &mut entities);
    let idps: Vec<Node> = entities
        .iter()
        .copied()
        .filter(|e| md_children(*e, "IDPSSODescriptor").next().is_some())
        .collect();
    let mut ids: Vec<&str> = idps
        .iter()
        .map(|e| e.attribute("entityID").unwrap_or("").trim())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    // Aggregates sometimes repeat an entity; that is still one IdP.
    if ids.len() == 1 {
        return Ok(idps[0]);
    }
    let message = if ids.is_empty() {
        format!(
            "This is a collection of {} metadata entries, but none of them is an identity \
             provider. {GET_METADATA}",
            entities.len()
        )
    } else {
        format!(
            "This is a federation metadata file listing {} identity providers ({} entities in \
             all). Portico needs the metadata of your own identity provider only: download it \
             from your IdP's admin console, or ask your federation operator for your IdP's own \
             metadata file.",
            ids.len(),
            entities.len()
        )
    };
    Err(MetadataProblem::new(codes::METADATA_AGGREGATE, message))
}

fn collect_entities<'a, 'i>(group: Node<'a, 'i>, out: &mut Vec<Node<'a, 'i>>) {
    for child in group.children() {
        if is_md(child, "EntityDescriptor") {
            out.push(child);
        } else if is_md(child, "EntitiesDescriptor") {
            collect_entities(child, out);
        }
    }
}

fn wrong_document(root: Node) -> MetadataProblem {
    let name = root.tag_name().name();
    let what = match (root.tag_name().namespace().unwrap_or(""), name) {
        // Named by local name alone: a hand-made or broken message is still recognisable.
        (_, "Response") => {
            "a SAML response (what your identity provider sends when a user signs in)".into()
        }
        (_, "AuthnRequest") => "a SAML sign-in request".into(),
        (_, "LogoutRequest" | "LogoutResponse") => "a SAML logout message".into(),
        (_, "Assertion") => "a SAML assertion (part of a sign-in response)".into(),
        (ns, "EntityDescriptor" | "EntitiesDescriptor") => {
            let ns = if ns.is_empty() {
                "no namespace".into()
            } else {
                format!("namespace {ns}")
            };
            return MetadataProblem::new(
                codes::METADATA_WRONG_DOCUMENT,
                format!(
                    "This looks like SAML metadata, but its <{name}> element is in {ns} \
                     instead of {NS_MD}, so it is not valid SAML 2.0 metadata. Download the \
                     metadata again from your identity provider instead of using an edited copy."
                ),
            );
        }
        (_, n) if n.eq_ignore_ascii_case("html") => {
            "a web page (HTML), perhaps a sign-in page shown instead of the download".into()
        }
        (_, _) => format!("an XML document whose top element is <{name}>"),
    };
    MetadataProblem::new(
        codes::METADATA_WRONG_DOCUMENT,
        format!("This file is {what}, not identity provider metadata. {GET_METADATA}"),
    )
}

fn read_entity(entity: Node) -> Result<(IdpMetadata, Option<i64>), MetadataProblem> {
    let id = entity.attribute("entityID").unwrap_or("").trim();
    let idps: Vec<Node> = md_children(entity, "IDPSSODescriptor").collect();
    let saml2 = |d: &&Node| {
        d.attribute("protocolSupportEnumeration")
            .unwrap_or("")
            .contains(NS_SAMLP)
    };
    let Some(idp) = idps.iter().find(saml2).or(idps.first()).copied() else {
        if md_children(entity, "SPSSODescriptor").next().is_some() {
            return Err(MetadataProblem::new(
                codes::METADATA_IS_SP,
                format!(
                    "This is a service-provider metadata file, not your identity provider's: \
                     it describes an application that receives sign-ins (\"{id}\"). Perhaps it \
                     is the file this portal gave you for your IdP; we need the one your IdP \
                     gives back. {GET_METADATA}"
                ),
            ));
        }
        return Err(MetadataProblem::new(
            codes::METADATA_NO_IDP_DESCRIPTOR,
            format!(
                "This metadata describes \"{id}\" but has no SAML identity-provider section \
                 (IDPSSODescriptor). {GET_METADATA}"
            ),
        ));
    };
    if id.is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_NO_ENTITY_ID,
            "The metadata has no entityID, the name your identity provider signs in with. \
             Download the metadata again; if it still has none, enter the details manually \
             using the \"Identifier\", \"Issuer\" or \"Entity ID\" shown in your IdP's SAML app.",
        ));
    }
    let mut warnings = Vec::new();
    let (sso_redirect_url, sso_post_url) = sso_urls(idp, &mut warnings)?;
    let (certificates, cert_warnings) = signing_certificates(idp)?;
    warnings.extend(cert_warnings);
    let mut name_id_formats: Vec<String> = Vec::new();
    for format in md_children(idp, "NameIDFormat")
        .filter_map(|n| n.text())
        .map(str::trim)
    {
        if !format.is_empty() && !name_id_formats.iter().any(|f| f == format) {
            name_id_formats.push(format.to_owned());
        }
    }
    let valid_until = entity
        .ancestors()
        .filter_map(|n| n.attribute("validUntil"))
        .filter_map(cert::parse_xml_datetime)
        .min();
    let meta = IdpMetadata {
        entity_id: id.to_owned(),
        sso_redirect_url,
        sso_post_url,
        certificates,
        name_id_formats,
        warnings,
    };
    Ok((meta, valid_until))
}

type SsoUrls = (Option<String>, Option<String>);

fn sso_urls(idp: Node, warnings: &mut Vec<MetadataProblem>) -> Result<SsoUrls, MetadataProblem> {
    let (mut redirect, mut post) = (None, None);
    let mut others: Vec<&str> = Vec::new();
    for service in md_children(idp, "SingleSignOnService") {
        let binding = service.attribute("Binding").unwrap_or("").trim();
        let slot = match binding {
            BINDING_REDIRECT => &mut redirect,
            BINDING_POST => &mut post,
            _ => {
                let short = binding.rsplit(':').next().unwrap_or(binding);
                if !others.contains(&short) {
                    others.push(short);
                }
                continue;
            }
        };
        if slot.is_some() {
            continue;
        }
        let location = service.attribute("Location").unwrap_or("").trim();
        let url = validate::web_url(location, false).map_err(|_| {
            MetadataProblem::new(
                codes::METADATA_SSO_URL_INVALID,
                format!(
                    "The sign-in address \"{location}\" in the metadata is not a full https:// \
                     web address. Correct the single sign-on URL in your IdP's SAML app, then \
                     download the metadata again."
                ),
            )
        })?;
        // Redirect and POST often share one URL; one warning is enough.
        let said = format!("address {url} uses");
        if url.starts_with("http://") && !warnings.iter().any(|w| w.message.contains(&said)) {
            warnings.push(MetadataProblem::new(
                codes::METADATA_SSO_URL_NOT_HTTPS,
                format!(
                    "The sign-in address {url} uses plain http, so sign-ins travel unencrypted. \
                     That is fine for a local test IdP; for real users, switch the IdP to https."
                ),
            ));
        }
        *slot = Some(url);
    }
    if redirect.is_none() && post.is_none() {
        let found = if others.is_empty() {
            "It lists none at all.".to_owned()
        } else {
            format!("It only offers: {}.", others.join(", "))
        };
        return Err(MetadataProblem::new(
            codes::METADATA_NO_SSO_URL,
            format!(
                "The metadata has no sign-in address Portico can use (a SingleSignOnService \
                 with the HTTP-Redirect or HTTP-POST binding). {found} Enable SAML 2.0 browser \
                 sign-in (HTTP-Redirect or HTTP-POST) for this app in your identity provider, \
                 then download the metadata again."
            ),
        ));
    }
    Ok((redirect, post))
}

fn signing_certificates(
    idp: Node,
) -> Result<(Vec<CertificateInfo>, Vec<MetadataProblem>), MetadataProblem> {
    let signing = md_children(idp, "KeyDescriptor")
        .filter(|kd| kd.attribute("use").is_none_or(|u| u.trim() == "signing"));
    let texts: Vec<String> = signing
        .flat_map(|kd| {
            kd.descendants()
                .filter(|n| n.has_tag_name((NS_DS, "X509Certificate")))
        })
        .map(|el| {
            el.descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect()
        })
        .collect();
    let (certs, warnings) = cert::read_metadata_certificates(&texts)?;
    if certs.is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_NO_CERTIFICATE,
            "The metadata contains no signing certificate (an X509Certificate in a signing \
             KeyDescriptor), so Portico could not check that sign-ins really come from your \
             IdP. Download the signing certificate from your IdP's SAML app and enter the \
             details manually instead.",
        ));
    }
    Ok((certs, warnings))
}

#[cfg(test)]
mod tests {
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
}
