//! The portal session's bodies (`/portal/api/session`): redeeming a link, and what the session
//! allows. Connections are in [`connection`](crate::api::connection).

use crate::api::time::Timestamp;
use crate::api::vendor::Intent;
use serde::{Deserialize, Serialize};

/// `POST /portal/api/session`: redeem a setup link's token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedeemLink {
    /// The `token` query parameter of the setup link.
    pub token: String,
    /// The portal is in a frame, where the browser may refuse the session cookie: the link is
    /// held rather than used up until a request comes back with the cookie, so it can still be
    /// opened in a new tab.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hold: bool,
}

/// The admin's session, as the portal sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SessionInfo {
    /// The organization being set up.
    pub organization_id: String,
    /// Its display name.
    pub organization_name: String,
    /// What this session may do.
    pub intents: Vec<Intent>,
    /// Send this in the CSRF header on every state-changing call.
    pub csrf_token: String,
    /// When the session ends if the admin stays idle.
    pub idle_expires_at: Timestamp,
    /// When the session ends regardless.
    pub expires_at: Timestamp,
    /// The server's clock when this was produced, so the client can correct for skew.
    pub server_now: Timestamp,
    /// "Back to vendor" target.
    pub return_url: Option<String>,
    /// Where to go once setup is complete.
    pub success_url: Option<String>,
    /// The stylesheet of the organization's theme; the page swaps to it if it loaded another.
    #[serde(default)]
    pub theme_url: Option<String>,
    /// How many SSO connections the organization has, as of this answer; absent when the
    /// session may not set up SSO or they could not be counted (the page then fetches the
    /// list). With none, the overview needs no further request or download.
    #[serde(default)]
    pub connections: Option<u32>,
    /// How many directories the organization has, as of this answer; absent as for
    /// `connections`.
    #[serde(default)]
    pub directories: Option<u32>,
}
