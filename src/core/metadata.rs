//! The SAML IdP metadata inspector: reads the XML an IT admin uploads and returns either the
//! few facts Portico needs or one problem, worded so the admin knows what to do next.
//!
//! Parsing uses roxmltree's defaults, which refuse any DTD: metadata never needs one, and
//! refusing it rules out entity-expansion ("billion laughs") and external-entity attacks.


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

mod problem;
pub use problem::{codes, MetadataProblem};

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
mod tests;
