//! One problem found in a metadata document or certificate, the entity list that comes with
//! `metadata_choose_entity`, and the stable codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem, with a stable snake_case code and an IT-admin-readable message saying what
/// to do. The codes are listed in [`codes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetadataProblem {
    /// Stable snake_case code, one of [`codes`].
    pub code: String,
    /// What is wrong and what to do next.
    pub message: String,
    /// For `metadata_choose_entity` and `metadata_entity_not_found`: the identity providers
    /// the document holds, so the admin can pick one. Empty (and omitted) otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<EntityChoice>,
}

/// One identity provider found in a document holding several, as offered to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityChoice {
    /// Its `entityID`: what to pass back as the choice.
    pub entity_id: String,
    /// A human name from `mdui:DisplayName` or `OrganizationDisplayName`, English preferred.
    pub display_name: Option<String>,
}

impl MetadataProblem {
    /// A problem with the given code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        MetadataProblem {
            code: code.to_owned(),
            message: message.into(),
            entities: Vec::new(),
        }
    }

    /// The same problem, carrying the entities the admin can choose from.
    pub fn with_entities(mut self, entities: Vec<EntityChoice>) -> Self {
        self.entities = entities;
        self
    }
}

impl fmt::Display for MetadataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for MetadataProblem {}

/// Every code a [`MetadataProblem`] can carry. "Fatal" codes come back as the `Err` of the
/// inspector; "warning" codes in [`super::IdpMetadata::warnings`] (saving is allowed).
pub mod codes {
    /// Fatal: nothing was uploaded.
    pub const METADATA_EMPTY: &str = "metadata_empty";
    /// Fatal: larger than [`super::super::MAX_METADATA_BYTES`].
    pub const METADATA_TOO_LARGE: &str = "metadata_too_large";
    /// Fatal: nested too deeply or with too many namespace declarations to read safely.
    pub const METADATA_TOO_COMPLEX: &str = "metadata_too_complex";
    /// Fatal: not well-formed XML, not text at all, or a certificate or URL instead.
    pub const METADATA_NOT_XML: &str = "metadata_not_xml";
    /// Fatal: the document has a DOCTYPE (and so possibly entity declarations).
    pub const METADATA_DTD_FORBIDDEN: &str = "metadata_dtd_forbidden";
    /// Fatal: XML, but not SAML metadata (a Response, an HTML page, …).
    pub const METADATA_WRONG_DOCUMENT: &str = "metadata_wrong_document";
    /// Fatal: several identity providers and no choice; `entities` lists them.
    pub const METADATA_CHOOSE_ENTITY: &str = "metadata_choose_entity";
    /// Fatal: the chosen entity ID is not in the document; `entities` lists those that are.
    pub const METADATA_ENTITY_NOT_FOUND: &str = "metadata_entity_not_found";
    /// Fatal: service-provider (application) metadata.
    pub const METADATA_IS_SP: &str = "metadata_is_sp";
    /// Fatal: metadata with neither an IdP nor an SP role.
    pub const METADATA_NO_IDP_DESCRIPTOR: &str = "metadata_no_idp_descriptor";
    /// Fatal: no `entityID`.
    pub const METADATA_NO_ENTITY_ID: &str = "metadata_no_entity_id";
    /// Fatal: no `SingleSignOnService` at all.
    pub const METADATA_NO_SSO_URL: &str = "metadata_no_sso_url";
    /// Fatal: sign-on services exist, but none uses HTTP-Redirect or HTTP-POST (Artifact,
    /// SOAP, SAML 1 profiles only).
    pub const METADATA_UNSUPPORTED_BINDING: &str = "metadata_unsupported_binding";
    /// Fatal: an SSO `Location` that is not an absolute http(s) URL.
    pub const METADATA_SSO_URL_INVALID: &str = "metadata_sso_url_invalid";
    /// Fatal: no readable signing certificate.
    pub const METADATA_NO_CERTIFICATE: &str = "metadata_no_certificate";
    /// Fatal (manual entry): the sign-in URL is not a web address.
    pub const SSO_URL_INVALID: &str = "sso_url_invalid";
    /// Fatal (manual entry): the sign-in URL uses plain http on a non-loopback host.
    pub const SSO_URL_NOT_HTTPS: &str = "sso_url_not_https";
    /// Fatal: no certificate text was given.
    pub const CERTIFICATE_EMPTY: &str = "certificate_empty";
    /// Fatal: the text is not a readable X.509 certificate.
    pub const CERTIFICATE_INVALID: &str = "certificate_invalid";
    /// Fatal: a private key was pasted (or found in the metadata).
    pub const CERTIFICATE_IS_PRIVATE_KEY: &str = "certificate_is_private_key";
    /// Fatal: several certificates were pasted where one is expected.
    pub const CERTIFICATE_MULTIPLE: &str = "certificate_multiple";
    /// Warning: no signing certificate is valid any more; sign-in fails until the IdP
    /// rotates its certificate.
    pub const CERTIFICATE_EXPIRED: &str = "certificate_expired";
    /// Warning: no signing certificate is valid yet; sign-in fails until then.
    pub const CERTIFICATE_NOT_YET_VALID: &str = "certificate_not_yet_valid";
    /// Warning: a valid certificate expires within 30 days.
    pub const CERTIFICATE_EXPIRING_SOON: &str = "certificate_expiring_soon";
    /// Warning: one of several certificates has expired (another is valid).
    pub const CERTIFICATE_SOME_EXPIRED: &str = "certificate_some_expired";
    /// Warning: one of several certificates is not valid yet (a rollover in progress).
    pub const CERTIFICATE_SOME_NOT_YET_VALID: &str = "certificate_some_not_yet_valid";
    /// Warning: a certificate is signed with SHA-1 or MD5.
    pub const CERTIFICATE_WEAK_SIGNATURE: &str = "certificate_weak_signature";
    /// Warning: one signing certificate could not be read and was left out (others could).
    pub const CERTIFICATE_UNREADABLE: &str = "certificate_unreadable";
    /// Warning: an SSO URL in the metadata uses plain `http`.
    pub const METADATA_SSO_URL_NOT_HTTPS: &str = "metadata_sso_url_not_https";
    /// Warning: the document's `validUntil` has passed.
    pub const METADATA_VALID_UNTIL_PASSED: &str = "metadata_valid_until_passed";
}
