//! The vendor API's bodies (`/api/v1/...`, bearer API key).

#[cfg(feature = "server")]
use crate::api::contract as rule;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/organizations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    /// The customer's display name, shown in the portal.
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::NAME), length(max = 200)))]
    pub name: String,
    /// The vendor's own id for this customer; unique within the environment.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::EXTERNAL_ID), length(max = 200)))]
    pub external_id: Option<String>,
    /// Email domains the customer uses (verified later through the portal).
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(inner(regex(pattern = rule::DOMAIN))))]
    pub domains: Vec<String>,
    /// Accept sign-ins whose email is outside the organization's verified domains (default
    /// false: such profiles are refused).
    #[serde(default)]
    pub allow_profiles_outside_organization: Option<bool>,
}

/// `PATCH /api/v1/organizations/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    /// New display name.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::NAME), length(max = 200)))]
    pub name: Option<String>,
    /// New external id; `null` clears it.
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "server", schemars(with = "Option<String>"))]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::EXTERNAL_ID), length(max = 200)))]
    pub external_id: Option<Option<String>>,
    /// Replaces the domain list.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(inner(regex(pattern = rule::DOMAIN))))]
    pub domains: Option<Vec<String>>,
    /// See [`CreateOrganization::allow_profiles_outside_organization`].
    #[serde(default)]
    pub allow_profiles_outside_organization: Option<bool>,
}

/// An organization: one of the vendor's customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Organization {
    /// `org_...`
    pub id: String,
    /// Display name.
    pub name: String,
    /// The vendor's own id, if set.
    pub external_id: Option<String>,
    /// Email domains, as the vendor declared them (proof of ownership is under `/domains`).
    pub domains: Vec<String>,
    /// Whether profiles outside the verified domains are accepted.
    #[serde(default)]
    pub allow_profiles_outside_organization: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A page of organizations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct OrganizationList {
    /// The organizations, oldest first.
    pub data: Vec<Organization>,
}

/// What a portal link lets the admin do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Configure SSO connections.
    Sso,
    /// Verify email domains.
    DomainVerification,
    /// Edit and publish the environment's theme in the designer's editor (any organization of
    /// the environment can carry the link; the theme is the environment's, not the org's).
    Theme,
    /// Connect the organization's directory (SCIM provisioning) and map its groups to roles.
    Dsync,
}

impl Intent {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Sso => "sso",
            Intent::DomainVerification => "domain_verification",
            Intent::Theme => "theme",
            Intent::Dsync => "dsync",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Intent> {
        match s {
            "sso" => Some(Intent::Sso),
            "domain_verification" => Some(Intent::DomainVerification),
            "theme" => Some(Intent::Theme),
            "dsync" => Some(Intent::Dsync),
            _ => None,
        }
    }
}

/// Default lifetime of a portal link, in seconds.
pub const LINK_DEFAULT_SECONDS: i64 = 300;
/// Longest lifetime of a portal link (30 days), in seconds.
pub const LINK_MAX_SECONDS: i64 = 2_592_000;

/// `POST /api/v1/portal_links`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePortalLink {
    /// The organization whose admin will use the link.
    pub organization_id: String,
    /// What the link lets the admin do.
    pub intent: Intent,
    /// Where "Back to <vendor>" leads.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::WEB_URL), length(max = 2048)))]
    pub return_url: Option<String>,
    /// Where the admin goes once setup is complete.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::WEB_URL), length(max = 2048)))]
    pub success_url: Option<String>,
    /// Lifetime in seconds (default 300, max 2,592,000).
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(range(min = 60, max = LINK_MAX_SECONDS)))]
    pub expires_in_seconds: Option<i64>,
}

/// A freshly minted portal link; the URL is shown only once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct PortalLink {
    /// `https://.../setup?token=...` (`https://.../theme/setup?token=...` for a theme link, which
    /// opens in the designer's app)
    pub url: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// Serde helper so `PATCH` can tell "absent" from `null`.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// `POST /api/v1/organizations/{id}/connections` and `PATCH /api/v1/connections/{id}`: for
/// support-assisted setups, the same inputs the wizard takes, through the same validation.
/// Only the fields present change. SAML: one of `metadata_xml`, `metadata_url`, or the manual
/// trio `sso_url` + `idp_entity_id` + `certificate`. OIDC: `issuer` + `client_id` (+ `client_secret`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectionInput {
    /// Catalog key (e.g. `okta-saml`); required when creating, fixed afterwards.
    #[serde(default)]
    pub idp: Option<String>,
    /// SAML metadata document.
    #[serde(default)]
    pub metadata_xml: Option<String>,
    /// SAML metadata URL (re-read daily).
    #[serde(default)]
    pub metadata_url: Option<String>,
    /// Which IdP of a multi-entity metadata document.
    #[serde(default)]
    pub entity_id_choice: Option<String>,
    /// Manual SAML: SSO URL.
    #[serde(default)]
    pub sso_url: Option<String>,
    /// Manual SAML: IdP entity ID.
    #[serde(default)]
    pub idp_entity_id: Option<String>,
    /// Manual SAML: signing certificate (PEM).
    #[serde(default)]
    pub certificate: Option<String>,
    /// OIDC issuer.
    #[serde(default)]
    pub issuer: Option<String>,
    /// OIDC client ID.
    #[serde(default)]
    pub client_id: Option<String>,
    /// OIDC client secret (write-only).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// How attributes become the profile.
    #[serde(default)]
    pub attribute_mapping: Option<crate::api::mapping::AttributeMapping>,
    /// The vendor's switches.
    #[serde(default)]
    pub options: Option<crate::api::connection::ConnectionOptions>,
    /// `active` activates (a successful test with the current settings is required);
    /// `configured` takes an active connection out of use.
    #[serde(default)]
    pub state: Option<crate::api::connection::ConnectionState>,
}
