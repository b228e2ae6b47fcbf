//! Embedding: the vendor's settings (`/api/v1/embedding`) and the events the portal posts to
//! the page that embeds it.
//!
//! Every event has the same envelope, `{"type", "version": 1, "organization_id", "data"}`:
//!
//! ```
//! use portico::api::embed::{EmbedEvent, EventData};
//! let e = EmbedEvent::new(Some("org_1".into()), EventData::Resize { height: 640 });
//! assert_eq!(
//!     serde_json::to_value(&e).unwrap(),
//!     serde_json::json!({"type": "portico.resize", "version": 1, "organization_id": "org_1", "data": {"height": 640}})
//! );
//! ```

#[cfg(feature = "server")]
use crate::api::contract as rule;
use serde::{Deserialize, Serialize};

/// `GET`/`PUT /api/v1/embedding`, and `GET /portal/api/embedding` (the portal's own copy, public
/// like the `frame-ancestors` header it mirrors).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Embedding {
    /// Origins (`https://app.vendor.com`) whose pages may show the portal in an iframe; empty
    /// means no page may.
    #[cfg_attr(feature = "server", schemars(inner(regex(pattern = rule::ORIGIN))))]
    pub allowed_origins: Vec<String>,
    /// Issue the session cookie as `SameSite=None; Secure; Partitioned` (CHIPS), so the portal
    /// works when embedded by another site in browsers that block third-party cookies.
    #[serde(default)]
    pub partitioned_cookies: bool,
}

/// The version of the event envelope; bumped only for incompatible changes.
pub const EVENT_VERSION: u32 = 1;

/// One event posted to the embedding page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct EmbedEvent {
    /// Always [`EVENT_VERSION`] for events of this shape.
    pub version: u32,
    /// The organization being set up; `null` until the setup link was redeemed.
    pub organization_id: Option<String>,
    /// `type` and `data`.
    #[serde(flatten)]
    pub event: EventData,
}

impl EmbedEvent {
    /// An event of the current version.
    pub fn new(organization_id: Option<String>, event: EventData) -> Self {
        EmbedEvent {
            version: EVENT_VERSION,
            organization_id,
            event,
        }
    }
}

/// Each event's `type` and its `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "data")]
pub enum EventData {
    /// The portal has started and knows its session (or that it has none); always first.
    #[serde(rename = "portico.ready")]
    Ready {},
    /// The admin moved to another screen or wizard step.
    #[serde(rename = "portico.step_changed")]
    StepChanged {
        /// The wizard step's slug (`provider`, `configure`, `details`, `review`, `test`,
        /// `mapping`; in the directory wizard `provider`, `instructions`, `connect`, `roles`,
        /// `done`), or the screen's name (`setup`, `sso`, `domains`, `directory`, `theme`)
        /// elsewhere.
        step: String,
        /// The portal path shown.
        path: String,
    },
    /// The admin reviewed and saved a connection; a test sign-in comes next.
    #[serde(rename = "portico.connection.configured")]
    ConnectionConfigured {
        /// `conn_…`
        connection_id: String,
        /// Catalog key of the identity provider.
        idp: String,
    },
    /// A tested connection went live.
    #[serde(rename = "portico.connection.activated")]
    ConnectionActivated {
        /// `conn_…`
        connection_id: String,
        /// Catalog key of the identity provider.
        idp: String,
    },
    /// A domain's DNS record was found.
    #[serde(rename = "portico.domain.verified")]
    DomainVerified {
        /// `dom_…`
        domain_id: String,
        /// The domain, e.g. `acme.com`.
        domain: String,
    },
    /// A directory's SCIM token was generated and shown to the admin: the provider can now be
    /// configured with it.
    #[serde(rename = "portico.directory.configured")]
    DirectoryConfigured {
        /// `dir_…`
        directory_id: String,
        /// Directory catalog key of the provider (`okta`, `entra_id`, …).
        provider: String,
    },
    /// The portal saw the provider's first successful SCIM request: the directory is active.
    #[serde(rename = "portico.directory.active")]
    DirectoryActive {
        /// `dir_…`
        directory_id: String,
        /// Directory catalog key of the provider.
        provider: String,
    },
    /// The session ends soon unless the admin does something.
    #[serde(rename = "portico.session.expiring")]
    SessionExpiring {
        /// Seconds until it ends.
        seconds_left: i64,
    },
    /// The session has ended; the admin needs a new link.
    #[serde(rename = "portico.session.expired")]
    SessionExpired {},
    /// The portal showed an error to the admin.
    #[serde(rename = "portico.error")]
    Error {
        /// An API error code (`link_used`, `session_missing`, …), `network`, or
        /// `cookies_blocked` when the browser refused the session cookie inside the frame.
        code: String,
        /// What the admin was told.
        message: String,
    },
    /// The portal's content height changed; size the iframe to it to avoid inner scrollbars.
    #[serde(rename = "portico.resize")]
    Resize {
        /// CSS pixels.
        height: u32,
    },
    /// The admin pressed "Done", "Back to the app" or "Finish and return to the app".
    #[serde(rename = "portico.closed")]
    Closed {
        /// `done` (finished a setup) or `back` (left it).
        reason: String,
        /// The link's return or success URL, if the vendor gave one.
        url: Option<String>,
    },
}

impl EventData {
    /// The event's `type`.
    pub fn name(&self) -> &'static str {
        match self {
            EventData::Ready {} => "portico.ready",
            EventData::StepChanged { .. } => "portico.step_changed",
            EventData::ConnectionConfigured { .. } => "portico.connection.configured",
            EventData::ConnectionActivated { .. } => "portico.connection.activated",
            EventData::DomainVerified { .. } => "portico.domain.verified",
            EventData::DirectoryConfigured { .. } => "portico.directory.configured",
            EventData::DirectoryActive { .. } => "portico.directory.active",
            EventData::SessionExpiring { .. } => "portico.session.expiring",
            EventData::SessionExpired {} => "portico.session.expired",
            EventData::Error { .. } => "portico.error",
            EventData::Resize { .. } => "portico.resize",
            EventData::Closed { .. } => "portico.closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_the_envelope_and_its_name() {
        let all = [
            EventData::Ready {},
            EventData::StepChanged {
                step: "provider".into(),
                path: "/sso/setup/provider".into(),
            },
            EventData::ConnectionConfigured {
                connection_id: "conn_1".into(),
                idp: "okta-saml".into(),
            },
            EventData::ConnectionActivated {
                connection_id: "conn_1".into(),
                idp: "okta-saml".into(),
            },
            EventData::DomainVerified {
                domain_id: "dom_1".into(),
                domain: "acme.com".into(),
            },
            EventData::DirectoryConfigured {
                directory_id: "dir_1".into(),
                provider: "okta".into(),
            },
            EventData::DirectoryActive {
                directory_id: "dir_1".into(),
                provider: "entra_id".into(),
            },
            EventData::SessionExpiring { seconds_left: 120 },
            EventData::SessionExpired {},
            EventData::Error {
                code: "link_used".into(),
                message: "Used.".into(),
            },
            EventData::Resize { height: 10 },
            EventData::Closed {
                reason: "done".into(),
                url: None,
            },
        ];
        for data in all {
            let v = serde_json::to_value(EmbedEvent::new(None, data.clone())).unwrap();
            assert_eq!(v["type"], data.name());
            assert_eq!(v["version"], 1);
            assert!(v["organization_id"].is_null());
            assert!(v["data"].is_object(), "{v}");
            let back: EmbedEvent = serde_json::from_value(v).unwrap();
            assert_eq!(back.event, data);
        }
    }
}
