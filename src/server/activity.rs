//! The portal's view of the event log: a connection's or a domain's recent activity
//! (configured, tested, activated, certificate warnings, verified), read from the same log the
//! vendor reads, so both sides quote the same facts.

use crate::api::activity::{ActivityEntry, ActivityList, ACTIVITY_MAX};
use crate::api::event::EventType;
use crate::server::error::Error;
use crate::server::events;
use crate::server::store::{EventRow, Store};
use serde_json::Value;

/// How far back the organization's log is read for one resource: bounded work per page view
/// however long the organization's history is.
const SCAN: i64 = 500;

/// The events an admin reads about a connection.
const CONNECTION_TYPES: &[EventType] = &[
    EventType::ConnectionCreated,
    EventType::ConnectionConfigured,
    EventType::ConnectionActivated,
    EventType::ConnectionDeactivated,
    EventType::ConnectionTestSucceeded,
    EventType::ConnectionTestFailed,
    EventType::ConnectionCertificateExpiring,
    EventType::ConnectionCertificateRotated,
];

/// The events an admin reads about a domain.
const DOMAIN_TYPES: &[EventType] = &[
    EventType::DomainCreated,
    EventType::DomainVerified,
    EventType::DomainVerificationFailed,
];

/// Which resource's activity.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A connection, by id.
    Connection(&'a str),
    /// A domain, by id.
    Domain(&'a str),
}

/// The recent activity of a resource of `organization_id` (the caller has checked that the
/// resource belongs to it), newest first.
pub async fn recent(
    store: &dyn Store,
    organization_id: &str,
    subject: Subject<'_>,
) -> Result<ActivityList, Error> {
    let (types, id) = match subject {
        Subject::Connection(id) => (CONNECTION_TYPES, id),
        Subject::Domain(id) => (DOMAIN_TYPES, id),
    };
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    let rows = store.recent_events(organization_id, &names, SCAN).await?;
    let mut data = Vec::new();
    for row in rows {
        if data.len() == ACTIVITY_MAX {
            break;
        }
        if let Some(entry) = entry(&row, id)? {
            data.push(entry);
        }
    }
    Ok(ActivityList { data })
}

/// The entry for `row` if it concerns the resource `id`. An event's `data` is the resource
/// itself (`id`), or the resource beside what happened to it (`connection.id`).
fn entry(row: &EventRow, id: &str) -> Result<Option<ActivityEntry>, Error> {
    let event = events::view(row)?;
    let d = &event.data;
    let about = d.get("id").and_then(Value::as_str) == Some(id)
        || d.pointer("/connection/id").and_then(Value::as_str) == Some(id);
    if !about {
        return Ok(None);
    }
    let code = [
        "/test/error/code",
        "/error/code",
        "/last_check/problem/code",
    ]
    .iter()
    .find_map(|p| d.pointer(p).and_then(Value::as_str))
    .map(str::to_owned);
    Ok(Some(ActivityEntry {
        id: event.id,
        r#type: event.r#type,
        created_at: event.created_at,
        code,
        days_until_expiry: d.get("days_until_expiry").and_then(Value::as_i64),
    }))
}
