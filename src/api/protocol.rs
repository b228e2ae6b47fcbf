//! The two sign-in protocols a connection can speak.

use serde::{Deserialize, Serialize};

/// Protocol of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// SAML 2.0.
    Saml,
    /// OpenID Connect.
    Oidc,
}

impl Protocol {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Saml => "saml",
            Protocol::Oidc => "oidc",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Protocol> {
        match s {
            "saml" => Some(Protocol::Saml),
            "oidc" => Some(Protocol::Oidc),
            _ => None,
        }
    }
}
