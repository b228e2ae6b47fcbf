//! The event log on the wire: what happened, to which resource, when (`GET /api/v1/events`,
//! webhook bodies, `portico events`).
//!
//! [`EventType`] is the one list of event types: the OpenAPI document, the README and the
//! filters all read it, so a type added here is documented everywhere (a test compares the
//! README's list with [`EventType::ALL`]).

use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Declares [`EventType`] from one table of variant, wire name and description, so the enum,
/// its serde names, [`EventType::ALL`] and [`EventType::as_str`] cannot drift apart.
macro_rules! event_types {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, )*) => {
        /// What happened. Serialised as its dotted name (`connection.activated`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
        pub enum EventType {
            $( $(#[doc = $doc])* #[serde(rename = $name)] $variant, )*
        }

        impl EventType {
            /// Every type, in the order the README lists them.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),*];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => $name,)*
                }
            }
        }
    };
}

event_types! {
    /// An organization was created; `data` is the organization.
    OrganizationCreated = "organization.created",
    /// An organization's fields changed; `data` is the organization after the change.
    OrganizationUpdated = "organization.updated",
    /// An organization and everything it owned were deleted; `data` is the organization as it was.
    OrganizationDeleted = "organization.deleted",
    /// A connection was created (a draft); `data` is the connection.
    ConnectionCreated = "connection.created",
    /// A connection's settings were saved (the admin reviewed them, or the vendor patched them).
    ConnectionConfigured = "connection.configured",
    /// A connection went live: production sign-ins now use it.
    ConnectionActivated = "connection.activated",
    /// A live connection was taken out of use.
    ConnectionDeactivated = "connection.deactivated",
    /// A connection was deleted; `data` is the connection as it was.
    ConnectionDeleted = "connection.deleted",
    /// A test sign-in succeeded; `data` is `{connection, test}`.
    ConnectionTestSucceeded = "connection.test_succeeded",
    /// A test sign-in failed; `data` is `{connection, test}`, and `test.error.code` is the diagnosis.
    ConnectionTestFailed = "connection.test_failed",
    /// A signing certificate expires soon (90, 30, 7 and 1 days before, once each);
    /// `data` is `{connection, certificate, days_until_expiry}`.
    ConnectionCertificateExpiring = "connection.certificate_expiring",
    /// A metadata refresh brought a new signing certificate; `data` is `{connection, added, removed}`.
    ConnectionCertificateRotated = "connection.certificate_rotated",
    /// A domain was added to an organization; `data` is the domain.
    DomainCreated = "domain.created",
    /// A domain's ownership was proven (DNS record found, or verified by the vendor).
    DomainVerified = "domain.verified",
    /// A domain's verification window ended without proof.
    DomainVerificationFailed = "domain.verification_failed",
    /// A domain was removed; `data` is the domain as it was.
    DomainDeleted = "domain.deleted",
    /// A portal link was minted; `data` is `{organization_id, intent, expires_at}` (never the URL).
    PortalLinkCreated = "portal_link.created",
    /// A portal link was used to open the portal; `data` is `{organization_id, intent}`.
    PortalLinkRedeemed = "portal_link.redeemed",
    /// A production sign-in succeeded; `data` is the sign-in (no profile).
    SignInSucceeded = "sign_in.succeeded",
    /// A production sign-in failed; `data` is the sign-in with its error code.
    SignInFailed = "sign_in.failed",
    /// A custom hostname was verified and serves the portal; `data` is the custom domain.
    CustomDomainVerified = "custom_domain.verified",
    /// A custom hostname's checks failed; `data` is the custom domain with its problem.
    CustomDomainFailed = "custom_domain.failed",
    /// Portico disabled a webhook endpoint that kept failing; `data` is the endpoint.
    WebhookEndpointDisabled = "webhook_endpoint.disabled",
    /// A directory's identity provider made its first successful SCIM request; `data` is the
    /// directory.
    DsyncActivated = "dsync.activated",
    /// A directory was deleted with its users and groups; `data` is the directory as it was.
    DsyncDeleted = "dsync.deleted",
    /// The identity provider created a user; `data` is the directory user.
    DsyncUserCreated = "dsync.user.created",
    /// A user's attributes changed (including `active: false`, then `state` is `inactive`);
    /// `data` is the directory user after the change.
    DsyncUserUpdated = "dsync.user.updated",
    /// The identity provider deleted a user; it is kept, inactive; `data` is the directory user.
    DsyncUserDeleted = "dsync.user.deleted",
    /// The identity provider created a group; `data` is the directory group.
    DsyncGroupCreated = "dsync.group.created",
    /// A group's name or id changed; `data` is the directory group.
    DsyncGroupUpdated = "dsync.group.updated",
    /// The identity provider deleted a group; `data` is the group as it was.
    DsyncGroupDeleted = "dsync.group.deleted",
    /// A user joined a group; `data` is `{directory_id, user, group}`, the user without its
    /// `raw_attributes` and `groups` (read `GET /api/v1/directory_users/{id}` for those).
    DsyncGroupUserAdded = "dsync.group.user_added",
    /// A user left a group; `data` is `{directory_id, user, group}`, the user as in
    /// `dsync.group.user_added`.
    DsyncGroupUserRemoved = "dsync.group.user_removed",
    /// A user's role changed (a group change, or the admin's mapping); `data` is the directory
    /// user with its new `role` and `previous_role` (after a group change: with its groups
    /// after the change and without `raw_attributes`).
    DsyncRoleChanged = "dsync.role_changed",
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEventType(pub String);

impl std::fmt::Display for UnknownEventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Bounded: the name is echoed back, so a long one is cut.
        let shown: String = self.0.chars().take(60).collect();
        write!(f, "`{shown}` is not an event type; use one of: ")?;
        for (i, t) in EventType::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(t.as_str())?;
        }
        f.write_str(".")
    }
}

impl std::error::Error for UnknownEventType {}

impl std::str::FromStr for EventType {
    type Err = UnknownEventType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownEventType(s.to_owned()))
    }
}

/// One entry of the event log. Immutable; ordered per environment by when it was committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Event {
    /// `evt_...`; pass it as `after` to read what came next. Webhooks send it as `webhook-id`.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub r#type: EventType,
    /// When it happened.
    pub created_at: Timestamp,
    /// The environment's name (e.g. `production`).
    pub environment: String,
    /// The organization it concerns (`org_...`), if any.
    pub organization_id: Option<String>,
    /// The resource as the vendor API returns it (see each type).
    pub data: serde_json::Value,
}

/// Longest page of events.
pub const EVENTS_MAX_LIMIT: i64 = 100;

/// A page of events, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct EventList {
    /// The events, oldest first.
    pub data: Vec<Event>,
    /// True if more events matched than this page holds.
    pub has_more: bool,
    /// The id to pass as `after` for the next page: the last event of this page, or, on an
    /// empty page, the `after` that was asked for (poll again with it later).
    pub next_after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        assert!(EventType::ALL.len() >= 22);
        for t in EventType::ALL {
            let json = serde_json::to_string(t).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<EventType>(&json).ok(), Some(*t));
            assert_eq!(t.as_str().parse::<EventType>(), Ok(*t));
            assert!(t.as_str().contains('.'), "{t}");
        }
        let mut names: Vec<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len(), "a name appears twice");
    }

    #[test]
    fn an_unknown_name_says_which_exist() {
        let e = "connection.exploded".parse::<EventType>().err();
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("`connection.exploded`"), "{msg}");
        assert!(msg.contains("connection.activated"), "{msg}");
    }

    #[test]
    fn an_event_travels_with_a_dotted_type() {
        let e = Event {
            id: "evt_1".into(),
            r#type: EventType::ConnectionActivated,
            created_at: Timestamp::from_unix(0),
            environment: "production".into(),
            organization_id: Some("org_1".into()),
            data: serde_json::json!({"id": "conn_1"}),
        };
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(v["type"], "connection.activated");
        assert_eq!(v["created_at"], "1970-01-01T00:00:00Z");
    }
}
