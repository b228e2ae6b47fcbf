//! One problem found in a metadata document or certificate, and the stable codes.

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
