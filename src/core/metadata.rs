//! The SAML IdP metadata inspector: reads the XML an IT admin uploads and returns either the
//! few facts Portico needs or one problem, worded so the admin knows what to do next.
//!
//! The same code runs in the browser (instant message) and on the server (before storing),
//! so it is pure: the clock and the admin's entity choice are parameters.
//!
//! Parsing uses roxmltree's defaults, which refuse any DTD: metadata never needs one, and
//! refusing it rules out entity-expansion ("billion laughs") and external-entity attacks.
//! The metadata's own signature is not verified: Portico pins the certificates it extracts,
//! and the admin vouches for the file by uploading it.

use roxmltree::Node;
use serde::{Deserialize, Serialize};

use super::cert::format_date;

pub use super::cert::{certificate_warnings, parse_certificate, CertificateInfo};

mod entities;
mod idp;
mod input;
mod problem;
mod sso_url;

pub use problem::{codes, EntityChoice, MetadataProblem};
pub use sso_url::check_sso_url;

/// What the inspector learned from an IdP metadata document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdpMetadata {
    /// The IdP's `entityID`: the issuer its responses will carry.
    pub entity_id: String,
    /// The IdP's human name, when the document gives one.
    pub display_name: Option<String>,
    /// Sign-in addresses with a binding Portico speaks, in document order, deduplicated.
    pub sso_services: Vec<SsoService>,
    /// Signing certificates (`use="signing"` or no `use`), deduplicated, in document order;
    /// every one is kept so that a rollover in progress keeps working.
    pub signing_certificates: Vec<CertificateInfo>,
    /// The `NameIDFormat`s the IdP offers, deduplicated, in document order.
    pub name_id_formats: Vec<String>,
    /// The earliest `validUntil` on the entity or its enclosing groups, Unix seconds.
    pub valid_until: Option<i64>,
    /// Non-fatal findings worth showing the admin; saving is still allowed.
    pub warnings: Vec<MetadataProblem>,
    /// The entity the caller chose, when the document held several identity providers.
    pub chosen_entity: Option<String>,
    /// Every identity provider in the document, when it held several (else empty).
    pub entities: Vec<EntityChoice>,
}

/// One `SingleSignOnService` Portico can send users to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoService {
    /// `redirect` (HTTP-Redirect) or `post` (HTTP-POST).
    pub binding: String,
    /// The absolute http(s) URL.
    pub url: String,
}

/// [`SsoService::binding`] for HTTP-Redirect.
pub const BINDING_REDIRECT: &str = "redirect";
/// [`SsoService::binding`] for HTTP-POST.
pub const BINDING_POST: &str = "post";

impl IdpMetadata {
    /// The first HTTP-Redirect sign-in address.
    pub fn sso_redirect_url(&self) -> Option<&str> {
        self.sso_url(BINDING_REDIRECT)
    }

    /// The first HTTP-POST sign-in address.
    pub fn sso_post_url(&self) -> Option<&str> {
        self.sso_url(BINDING_POST)
    }

    /// The service to send users to: HTTP-Redirect when offered (a plain link), else HTTP-POST.
    pub fn preferred_sso(&self) -> Option<&SsoService> {
        let redirect = self
            .sso_services
            .iter()
            .find(|s| s.binding == BINDING_REDIRECT);
        redirect.or(self.sso_services.first())
    }

    fn sso_url(&self, binding: &str) -> Option<&str> {
        let service = self.sso_services.iter().find(|s| s.binding == binding);
        service.map(|s| s.url.as_str())
    }
}

/// Largest metadata document accepted, in bytes: room for a 1 MB federation aggregate even
/// in UTF-16, while a single IdP's own metadata is a few kilobytes.
pub const MAX_METADATA_BYTES: usize = 4 * 1024 * 1024;

/// Most identity providers listed in a `metadata_choose_entity` problem; a national
/// federation has a few hundred, and a list longer than this helps nobody pick.
pub const MAX_ENTITY_CHOICES: usize = 1000;

const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const GET_METADATA: &str = "In your identity provider's admin console, open the SAML app you \
     created for this service and download its metadata (often called \"IdP metadata\" or \
     \"Federation Metadata XML\"), then upload that file.";

/// Inspects an IdP metadata document given as text, judging certificates at `now_unix`
/// (seconds), with no entity chosen. A thin wrapper over [`inspect_idp_metadata_bytes`].
pub fn inspect_idp_metadata(xml: &str, now_unix: i64) -> Result<IdpMetadata, MetadataProblem> {
    inspect_idp_metadata_bytes(xml.as_bytes(), now_unix, None)
}

/// Inspects an IdP metadata document as uploaded or downloaded: UTF-8 (with or without a
/// byte-order mark) or UTF-16 with its byte-order mark. `entity` picks one identity
/// provider by `entityID` when the document is an aggregate holding several; without it,
/// such a document fails with `metadata_choose_entity` and the list to choose from.
pub fn inspect_idp_metadata_bytes(
    bytes: &[u8],
    now_unix: i64,
    entity: Option<&str>,
) -> Result<IdpMetadata, MetadataProblem> {
    let text = input::decode(bytes)?;
    let doc = input::parse(&text)?;
    let picked = entities::pick(doc.root_element(), entity.map(str::trim))?;
    let mut meta = idp::read_entity(picked.node, now_unix)?;
    meta.chosen_entity = picked.chosen;
    meta.entities = picked.choices;
    meta.warnings
        .extend(certificate_warnings(&meta.signing_certificates, now_unix));
    if let Some(until) = meta.valid_until.filter(|t| *t < now_unix) {
        meta.warnings.push(MetadataProblem::new(
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
    Ok(meta)
}

/// Whether `node` is the SAML metadata element `name`.
fn is_md(node: Node, name: &str) -> bool {
    node.is_element() && node.has_tag_name((NS_MD, name))
}

/// The children of `node` that are the SAML metadata element `name`.
fn md_children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is_md(*c, name))
}

/// An element's text with runs of whitespace collapsed, or `None` when blank.
fn clean_text(node: Node) -> Option<String> {
    let text: Vec<&str> = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .flat_map(str::split_whitespace)
        .collect();
    (!text.is_empty()).then(|| text.join(" "))
}

// Native only: the tests generate certificates with rcgen, a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
