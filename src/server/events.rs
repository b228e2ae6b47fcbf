//! The event log: what a vendor's app hears about (issue 16).
//!
//! Every change a vendor cares about builds its event here, before it writes, and hands it to
//! the store call that makes the change; the store appends it in the same transaction (an
//! outbox), so no change commits without its event and no event without its change. The
//! event's `data` is the resource as the vendor API returns it, built by the same functions the
//! vendor handlers use; each feature builds its own (`service::organization_event`,
//! `connections::event`, `domains::event`), so this module imports none of them and any of
//! them can import it.
//!
//! Reading: [`list`] pages the log by cursor (an event id), oldest first. The log's order is
//! the order changes committed (see [`EventStore::events_after`]), so a reader that resumes
//! after the last id it saw misses nothing and sees nothing twice.
//!
//! [`EventStore::events_after`]: crate::server::store::EventStore::events_after

use crate::api::connection::ConnectionState;
use crate::api::event::{Event, EventList, EventType, EVENTS_MAX_LIMIT};
use crate::api::time::Timestamp;
use crate::server::crypto;
use crate::server::error::Error;
use crate::server::store::{ConnectionRow, EventFilter, EventRow, NewEvent, Store};
use serde::Serialize;

/// Longest `types` filter accepted, in bytes, before it is split.
const TYPES_MAX_LEN: usize = 2048;

/// An event of `environment_id`, with `data` serialised now.
pub fn new(
    environment_id: &str,
    event_type: EventType,
    organization_id: Option<&str>,
    data: &impl Serialize,
    now: i64,
) -> Result<NewEvent, Error> {
    Ok(NewEvent {
        id: crypto::id("evt_"),
        environment_id: environment_id.to_owned(),
        event_type: event_type.as_str().to_owned(),
        organization_id: organization_id.map(str::to_owned),
        created_at: now,
        data: serde_json::to_string(data).map_err(Error::internal)?,
    })
}

/// The environment an organization belongs to.
pub async fn environment_of(store: &dyn Store, organization_id: &str) -> Result<String, Error> {
    store
        .organization_by_id(organization_id)
        .await?
        .map(|o| o.environment_id)
        .ok_or_else(|| Error::internal(format!("organization {organization_id} vanished")))
}

/// What a connection's save says happened, from its row before and after: its settings
/// changed outside a draft (`configured`, also when a draft becomes configured), it went live
/// (`activated`), or it stopped being live (`deactivated`). Empty when nothing a vendor cares
/// about changed (a draft's progress, a refresh's bookkeeping).
pub fn connection_changes(before: &ConnectionRow, after: &ConnectionRow) -> Vec<EventType> {
    let active = ConnectionState::Active.as_str();
    let draft = ConnectionState::Draft.as_str();
    let settings_changed = before.config != after.config
        || before.client_secret_enc != after.client_secret_enc
        || before.attribute_mapping != after.attribute_mapping
        || before.options != after.options
        || (before.state == draft && after.state != draft);
    let mut types = Vec::new();
    if settings_changed && after.state != draft {
        types.push(EventType::ConnectionConfigured);
    }
    if before.state != active && after.state == active {
        types.push(EventType::ConnectionActivated);
    }
    if before.state == active && after.state != active {
        types.push(EventType::ConnectionDeactivated);
    }
    types
}

/// The wire form of a logged event. A `data` column that is not JSON (never written so) is
/// shown as `null` rather than failing the whole page.
pub fn view(row: &EventRow) -> Result<Event, Error> {
    let event_type = row
        .event_type
        .parse::<EventType>()
        .map_err(Error::internal)?;
    Ok(Event {
        id: row.id.clone(),
        r#type: event_type,
        created_at: Timestamp::from_unix(row.created_at),
        environment: row.environment_name.clone(),
        organization_id: row.organization_id.clone(),
        data: serde_json::from_str(&row.data).unwrap_or(serde_json::Value::Null),
    })
}

/// What a reader asks of the log (`GET /api/v1/events`, `portico events list`), unparsed.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// An event id: only events after it.
    pub after: Option<String>,
    /// Comma-separated type names.
    pub types: Option<String>,
    /// Only this organization's events.
    pub organization_id: Option<String>,
    /// Page size, 1 to [`EVENTS_MAX_LIMIT`] (default).
    pub limit: Option<i64>,
}

/// Parses a comma-separated list of type names (`a,b`, as the OpenAPI document's pattern
/// states: no spaces, no empty parts); an unknown name is a validation error on `types` that
/// lists the known ones.
pub fn parse_types(list: &str) -> Result<Vec<EventType>, Error> {
    if list.len() > TYPES_MAX_LEN {
        return Err(Error::invalid(
            "types",
            format!("Keep the list under {TYPES_MAX_LEN} characters."),
        ));
    }
    let mut out: Vec<EventType> = Vec::new();
    for part in list.split(',') {
        if part.is_empty() {
            return Err(Error::invalid(
                "types",
                "Name event types separated by commas, like `connection.activated,domain.verified`.",
            ));
        }
        let t = part
            .parse::<EventType>()
            .map_err(|e| Error::invalid("types", e.to_string()))?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Checks a query against the environment's log and turns it into a store filter.
pub async fn filter(
    store: &dyn Store,
    environment_id: &str,
    q: &ListQuery,
) -> Result<EventFilter, Error> {
    let limit = q.limit.unwrap_or(EVENTS_MAX_LIMIT);
    if !(1..=EVENTS_MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("Use a limit from 1 to {EVENTS_MAX_LIMIT}."),
        ));
    }
    let types = match q.types.as_deref() {
        Some(list) => parse_types(list)?,
        None => Vec::new(),
    };
    let after_seq = match q.after.as_deref() {
        None | Some("") => 0,
        Some(id) => {
            let known = if id.len() <= 64 && id.starts_with("evt_") {
                store.event_seq(environment_id, id).await?
            } else {
                None
            };
            known.ok_or_else(|| {
                let shown: String = id.chars().take(64).collect();
                Error::invalid(
                    "after",
                    format!(
                        "No event `{shown}` in this environment: it never was, or it is older than \
                         the retention. Start again without `after` to read from the oldest event kept."
                    ),
                )
            })?
        }
    };
    Ok(EventFilter {
        environment_id: Some(environment_id.to_owned()),
        after_seq,
        types: types.iter().map(|t| t.as_str().to_owned()).collect(),
        organization_id: q.organization_id.clone().filter(|o| !o.is_empty()),
        limit,
    })
}

/// One page of the environment's events, oldest first.
pub async fn list(
    store: &dyn Store,
    environment_id: &str,
    q: &ListQuery,
) -> Result<EventList, Error> {
    let mut f = filter(store, environment_id, q).await?;
    let limit = f.limit;
    // One more than asked says whether there is a next page.
    f.limit = limit + 1;
    let mut rows = store.events_after(&f).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let data = rows.iter().map(view).collect::<Result<Vec<_>, _>>()?;
    let next_after = data
        .last()
        .map(|e| e.id.clone())
        .or_else(|| q.after.clone().filter(|a| !a.is_empty()));
    Ok(EventList {
        data,
        has_more,
        next_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str, config: Option<&str>) -> ConnectionRow {
        let mut r =
            ConnectionRow::new_draft("conn_1".into(), "org_1".into(), "okta-saml", "saml", 0);
        r.state = state.into();
        r.config = config.map(str::to_owned);
        r
    }

    #[test]
    fn a_save_logs_what_changed_for_the_vendor() {
        use EventType as E;
        let cases = [
            (row("draft", None), row("draft", Some("{}")), vec![]),
            (
                row("draft", Some("{}")),
                row("configured", Some("{}")),
                vec![E::ConnectionConfigured],
            ),
            (
                row("configured", Some("a")),
                row("configured", Some("b")),
                vec![E::ConnectionConfigured],
            ),
            (
                row("configured", Some("a")),
                row("active", Some("a")),
                vec![E::ConnectionActivated],
            ),
            (
                row("active", Some("a")),
                row("configured", Some("a")),
                vec![E::ConnectionDeactivated],
            ),
            (
                row("active", Some("a")),
                row("configured", Some("b")),
                vec![E::ConnectionConfigured, E::ConnectionDeactivated],
            ),
            (row("active", Some("a")), row("active", Some("a")), vec![]),
        ];
        for (before, after, want) in cases {
            assert_eq!(
                connection_changes(&before, &after),
                want,
                "{} -> {}",
                before.state,
                after.state
            );
        }
    }
}
