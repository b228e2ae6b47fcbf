//! Per-IdP setup guides, rendered from Markdown at build time and served by the server.

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

/// A copy box: which of our values, labelled as the IdP labels the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct GuideCopy {
    /// `acs_url`, `entity_id`, `metadata_url` or `redirect_uri`.
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
}

impl GuideTopic {
    /// Every topic.
    pub const ALL: [GuideTopic; 4] = [
        GuideTopic::Values,
        GuideTopic::Attributes,
        GuideTopic::Assign,
        GuideTopic::Bring,
    ];

    /// The tag written in guides, `{#values}`.
    pub fn tag(self) -> &'static str {
        match self {
            GuideTopic::Values => "values",
            GuideTopic::Attributes => "attributes",
            GuideTopic::Assign => "assign",
            GuideTopic::Bring => "bring",
        }
    }
}
