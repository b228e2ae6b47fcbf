//! A connection's or a domain's recent activity, as the portal shows it to the IT admin: the
//! same facts as the vendor's event log (`GET /api/v1/events`), so the admin and the vendor's
//! support quote the same things.

use crate::api::event::EventType;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// How many entries a resource's activity shows at most.
pub const ACTIVITY_MAX: usize = 20;

/// One thing that happened to the resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ActivityEntry {
    /// The event's id (`evt_…`), as the vendor sees it.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub r#type: EventType,
    /// When.
    pub created_at: Timestamp,
    /// A failed test's diagnosis code, or a failed check's reason code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For a certificate warning: days left before the certificate expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_until_expiry: Option<i64>,
}

/// A resource's recent activity, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ActivityList {
    /// Newest first, at most [`ACTIVITY_MAX`].
    pub data: Vec<ActivityEntry>,
}
