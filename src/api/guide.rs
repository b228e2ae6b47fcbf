//! Per-IdP setup guides and per-directory-provider setup guides (directory sync), rendered from
//! Markdown at build time and served by the server.

use serde::{Deserialize, Serialize};

/// A guide for one catalog entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Guide {
    /// Catalog key.
    pub key: String,
    /// Title, e.g. "Okta (SAML)".
    pub title: String,
    /// What the admin will do and need, as HTML.
    pub intro_html: String,
    /// Numbered steps mirroring the IdP's console.
    pub steps: Vec<GuideStep>,
    /// What the admin brings back.
    pub bring: GuideBring,
}

/// One step of a guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct GuideStep {
    /// An action, e.g. "Paste our values".
    pub title: String,
    /// What the step is about, so a failed test can show the one step that fixes it.
    #[serde(default)]
    pub topic: Option<GuideTopic>,
    /// Text and copy boxes, in order.
    pub blocks: Vec<GuideBlock>,
}

/// Text, or one of our values to copy under the IdP's own name for the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuideBlock {
    /// Rendered Markdown (our own content; raw HTML is escaped at build time).
    Html(String),
    /// A live copy box.
    Copy(GuideCopy),
}

/// A guide for one directory provider (`core::directory_catalog`): how to make the provider
/// push users and groups to our SCIM endpoint. Steps tag `values` (where the base URL and token
/// go), `attributes` (what is sent), `assign` (who is provisioned) and `start` (turning it on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryGuide {
    /// Directory catalog key, e.g. `entra_id`.
    pub key: String,
    /// Title, e.g. "Microsoft Entra ID".
    pub title: String,
    /// What the admin will do and need, as HTML.
    pub intro_html: String,
    /// Numbered steps mirroring the provider's console.
    pub steps: Vec<GuideStep>,
    /// Whether the provider pushes SCIM: then the guide has both copy boxes (`scim_base_url`
    /// and `scim_token`); when false (Google Workspace) it has none and says what to do instead.
    pub scim: bool,
}

/// A copy box: which of our values, labelled as the IdP labels the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct GuideCopy {
    /// Which value the browser fills in. SSO guides: `acs_url`, `entity_id`, `metadata_url` or
    /// `redirect_uri`. Directory guides: `scim_base_url` (the directory's SCIM endpoint,
    /// `<public URL>/scim/v2/<directory id>/`) or `scim_token` (the bearer token, shown once when
    /// created; the box shows it only while the portal still holds it).
    pub value: String,
    /// The IdP's name for the field.
    pub label: String,
}

/// What to bring back to the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct GuideBring {
    /// `metadata_url`, `metadata_file`, `manual` or `issuer`.
    pub method: String,
    /// The IdP's name for it.
    pub label: String,
}

/// What a guide step is about. Guides tag their headings (`## Paste our values {#values}`); a
/// diagnosis names the topic that fixes it, and the portal shows that step of the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuideTopic {
    /// Where our values (ACS URL, entity ID, redirect URI) and the signing settings go.
    Values,
    /// Which attributes or claims are sent, and the NameID.
    Attributes,
    /// Who may sign in through the app.
    Assign,
    /// What the admin brings back: metadata, certificate, issuer, client ID and secret.
    Bring,
    /// Directory guides: turning provisioning on, so the provider sends its first request. The
    /// portal points here while no SCIM request has arrived.
    Start,
}

impl GuideTopic {
    /// Every topic.
    pub const ALL: [GuideTopic; 5] = [
        GuideTopic::Values,
        GuideTopic::Attributes,
        GuideTopic::Assign,
        GuideTopic::Bring,
        GuideTopic::Start,
    ];

    /// The tag written in guides, `{#values}`.
    pub fn tag(self) -> &'static str {
        match self {
            GuideTopic::Values => "values",
            GuideTopic::Attributes => "attributes",
            GuideTopic::Assign => "assign",
            GuideTopic::Bring => "bring",
            GuideTopic::Start => "start",
        }
    }
}
