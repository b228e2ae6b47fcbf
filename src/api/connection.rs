//! A connection to a customer's identity provider: its state, our values (SP), the IdP's
//! details as given and as stored, and the bodies that create and change it.

use crate::api::mapping::{AttributeMapping, CustomAttribute};
pub use crate::api::protocol::Protocol;
use crate::api::test_sign_in::TestOutcome;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// Being set up.
    Draft,
    /// The admin reviewed and saved it; not yet proven by a test sign-in.
    Configured,
    /// A test sign-in succeeded and the admin (or the vendor) activated it.
    Active,
}

impl ConnectionState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionState::Draft => "draft",
            ConnectionState::Configured => "configured",
            ConnectionState::Active => "active",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<ConnectionState> {
        match s {
            "draft" => Some(ConnectionState::Draft),
            "configured" => Some(ConnectionState::Configured),
            "active" => Some(ConnectionState::Active),
            _ => None,
        }
    }
}

/// The values the admin copies into their IdP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SpValues {
    /// SAML: Assertion Consumer Service URL.
    pub acs_url: String,
    /// SAML: our entity ID (audience).
    pub entity_id: String,
    /// SAML: where our SP metadata XML is served.
    pub metadata_url: String,
    /// OIDC: the redirect URI to register.
    pub redirect_uri: String,
}

/// A certificate as shown to admins and vendors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CertificateSummary {
    /// Subject DN.
    pub subject: String,
    /// When it expires.
    pub not_after: Timestamp,
    /// SHA-256 fingerprint, uppercase hex with colons.
    pub sha256_fingerprint: String,
}

/// A SAML connection's IdP side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SamlConfig {
    /// IdP entity ID (issuer of its responses).
    pub idp_entity_id: String,
    /// Single sign-on URL.
    pub sso_url: String,
    /// `redirect` or `post`.
    pub sso_binding: String,
    /// Signing certificates (several during a rollover).
    pub certificates: Vec<CertificateSummary>,
    /// Where the metadata came from, if from a URL.
    pub metadata_url: Option<String>,
    /// How re-reading that URL goes, when the metadata came from one.
    #[serde(default)]
    pub refresh: Option<MetadataRefresh>,
    /// Certificates added and removed over time, oldest first.
    #[serde(default)]
    pub certificate_history: Vec<CertificateChange>,
}

/// The schedule and outcome of re-reading a metadata URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct MetadataRefresh {
    /// The last check.
    pub last_checked_at: Option<Timestamp>,
    /// The next check.
    pub next_check_at: Timestamp,
    /// Why the last check failed, if it did; the last good configuration stays in use.
    pub last_error: Option<String>,
}

/// Whether a certificate appeared in the IdP's metadata or disappeared from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CertificateChangeKind {
    /// It appeared.
    Added,
    /// It disappeared.
    Removed,
}

/// A certificate that appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CertificateChange {
    /// When it happened.
    pub at: Timestamp,
    /// Whether it appeared or disappeared.
    pub kind: CertificateChangeKind,
    /// Which certificate.
    pub sha256_fingerprint: String,
    /// Its subject.
    pub subject: String,
    /// Its expiry.
    pub not_after: Timestamp,
}

/// An OIDC connection's IdP side. The client secret is never sent back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct OidcConfig {
    /// Issuer URL, as discovered.
    pub issuer: String,
    /// Client ID at the IdP.
    pub client_id: String,
    /// Whether a client secret is stored.
    pub client_secret_set: bool,
    /// From discovery.
    pub authorization_endpoint: String,
    /// From discovery.
    pub token_endpoint: Option<String>,
}

/// A connection, as shown to the admin and the vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Connection {
    /// `conn_...`
    pub id: String,
    /// Owning organization.
    pub organization_id: String,
    /// Catalog key of the identity provider.
    pub idp: String,
    /// SAML or OIDC.
    pub protocol: Protocol,
    /// Draft or configured.
    pub state: ConnectionState,
    /// Our values for the admin to copy.
    pub sp: SpValues,
    /// SAML: our ACS URL (as in `sp`, repeated for vendors reading the top level).
    #[serde(default)]
    pub acs_url: Option<String>,
    /// SAML: our entity ID.
    #[serde(default)]
    pub sp_entity_id: Option<String>,
    /// SAML: where our SP metadata is served.
    #[serde(default)]
    pub sp_metadata_url: Option<String>,
    /// OIDC: the redirect URI to register at the provider.
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// Set once SAML details were accepted.
    pub saml: Option<SamlConfig>,
    /// Set once OIDC details were accepted.
    pub oidc: Option<OidcConfig>,
    /// The admin's unsaved input, kept server-side so nothing is lost.
    #[serde(default)]
    pub draft: serde_json::Value,
    /// How the IdP's attributes become the profile.
    #[serde(default)]
    pub attribute_mapping: AttributeMapping,
    /// The environment's custom profile attributes, which the mapping may fill.
    #[serde(default)]
    pub custom_attributes: Vec<CustomAttribute>,
    /// What the vendor allows for this connection.
    #[serde(default)]
    pub options: ConnectionOptions,
    /// The last finished test sign-in.
    #[serde(default)]
    pub last_tested_at: Option<Timestamp>,
    /// Its outcome.
    #[serde(default)]
    pub last_test_result: Option<TestOutcome>,
    /// Its id.
    #[serde(default)]
    pub last_test_id: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// Per-connection switches only the vendor sets (`PATCH /api/v1/connections/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectionOptions {
    /// Accept SAML responses the IdP sends without our request (IdP-initiated sign-in).
    #[serde(default)]
    pub allow_idp_initiated: bool,
    /// Accept SHA-1 signatures and digests (old ADFS and OneLogin setups).
    #[serde(default)]
    pub allow_sha1: bool,
    /// Activate the connection as soon as a test sign-in succeeds, without the admin confirming.
    #[serde(default)]
    pub auto_activate: bool,
}

/// A list of connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ConnectionList {
    /// Newest first.
    pub data: Vec<Connection>,
}

/// A [`ConnectionList`] as the portal's connections overview reads it: the same JSON, decoded
/// only as far as the overview needs, so the browser downloads the whole [`Connection`] decoder
/// only with the screens that show a whole connection (issue 18: the first visit's bytes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConnectionOverviewList {
    /// Newest first.
    pub data: Vec<ConnectionOverview>,
}

/// What the overview shows of a [`Connection`]; every other field is skipped unread.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConnectionOverview {
    /// Id.
    pub id: String,
    /// Catalog key of the IdP.
    pub idp: String,
    /// SAML or OIDC.
    pub protocol: Protocol,
    /// Lifecycle state.
    pub state: ConnectionState,
    /// The SAML side, when the admin has given it.
    #[serde(default)]
    pub saml: Option<SamlOverview>,
    /// The OIDC side, when the admin has given it (only whether it is there).
    #[serde(default)]
    pub oidc: Option<serde::de::IgnoredAny>,
}

/// The part of a [`SamlConfig`] the overview reads: when its certificates expire.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SamlOverview {
    /// The IdP's signing certificates.
    pub certificates: Vec<CertificateExpiry>,
}

/// When a [`CertificateSummary`] expires.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CertificateExpiry {
    /// When it expires.
    pub not_after: Timestamp,
}

/// `POST /portal/api/connections`: start a connection for a catalog IdP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateConnection {
    /// Catalog key (e.g. `okta-saml`).
    pub idp: String,
}

/// How the admin gives us SAML details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SamlInputMethod {
    /// We download the metadata.
    MetadataUrl,
    /// Pasted or uploaded metadata XML.
    MetadataXml,
    /// SSO URL, entity ID and certificate typed in.
    Manual,
}

/// `PUT /portal/api/connections/{id}/saml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SamlInput {
    /// Which of the fields below to use.
    pub method: SamlInputMethod,
    /// For `metadata_url`.
    #[serde(default)]
    pub metadata_url: Option<String>,
    /// For `metadata_xml`.
    #[serde(default)]
    pub metadata_xml: Option<String>,
    /// For `manual`.
    #[serde(default)]
    pub sso_url: Option<String>,
    /// For `manual`.
    #[serde(default)]
    pub idp_entity_id: Option<String>,
    /// For `manual`: PEM.
    #[serde(default)]
    pub certificate: Option<String>,
    /// For `metadata_url` and `metadata_xml`: which identity provider to use when the
    /// document lists several (its entity ID, from the `metadata_choose_entity` list).
    #[serde(default)]
    pub entity_id_choice: Option<String>,
}

/// `PUT /portal/api/connections/{id}/oidc`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OidcInput {
    /// Issuer URL; `/.well-known/openid-configuration` is fetched from it.
    pub issuer: String,
    /// Client ID.
    pub client_id: String,
    /// Client secret; omit to keep the stored one.
    #[serde(default)]
    pub client_secret: Option<String>,
}

/// `PUT /portal/api/connections/{id}/draft`: the admin's input so far (never secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    /// Free-form form state.
    pub draft: serde_json::Value,
}
