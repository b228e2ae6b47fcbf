//! How the vendor sees directory users and groups (the vendor API's views and the `dsync.*`
//! events' `data`), shared by the SCIM service's user and group halves. A user's
//! `custom_attributes` follow the directory's attribute mapping ([`attributes`]).

use super::attributes::{self, Mapped};
use super::{roles, DirectoryRow};
use crate::api::directory::{DirectoryGroup, DirectoryGroupRef, DirectoryUser, DirectoryUserState};
use crate::api::event::EventType;
use crate::api::time::Timestamp;
use crate::core::scim::attributes::resolve;
use crate::core::scim::resource::parse_user;
use crate::server::error::Error;
use crate::server::store::{DirectoryGroupRow, DirectoryUserRow, NewEvent};
use crate::server::{events, AppState};
use serde_json::{json, Value};

/// The vendor's `custom_attributes`: the app's declared custom attributes as the mapping in force
/// reads them (the admin's choices, else the suggested sources); then, under names the app did
/// not declare, the enterprise extension's fields by their snake_case names and every other
/// extension attribute by its URN-qualified name, as before mappings existed. A declared name
/// wins over a built-in key of the same name, even when it reads nothing or is not mapped (the
/// key is then absent): with the suggestions, a declared `department` reads the enterprise
/// `department` anyway, unless the admin chose otherwise.
fn custom_attributes(raw: &Value, mapped: &Mapped) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    if let Ok(u) = parse_user(raw) {
        let e = u.enterprise;
        for (k, v) in [
            ("employee_number", e.employee_number),
            ("department", e.department),
            ("manager_id", e.manager_id),
            ("cost_center", e.cost_center),
            ("organization", e.organization),
            ("division", e.division),
        ] {
            if let Some(v) = v {
                out.insert(k.to_owned(), Value::String(v));
            }
        }
        out.extend(u.custom);
    }
    for (name, path) in &mapped.0 {
        match path.as_ref().and_then(|p| resolve(raw, p)) {
            Some(v) => out.insert(name.clone(), Value::String(v)),
            None => out.remove(name),
        };
    }
    out
}

/// The vendor's view of a user.
pub async fn user_view(
    state: &AppState,
    dir: &DirectoryRow,
    row: &DirectoryUserRow,
) -> Result<DirectoryUser, Error> {
    let groups = state.store.user_groups(&row.id).await?;
    let roles = roles::get(state, &dir.environment_id).await?;
    let ids: Vec<String> = groups.iter().map(|(id, _)| id.clone()).collect();
    let role = roles::role_of(&roles, &roles::mapping(dir), &ids);
    let mapped = attributes::mapped(state, dir).await?;
    Ok(user_wire(dir, row, groups, role, &mapped))
}

/// The vendor's view of a user whose groups ((id, name)), role and directory attribute mapping
/// the caller already knows: a change that touches thousands of users builds their views
/// without a query each.
pub fn user_wire(
    dir: &DirectoryRow,
    row: &DirectoryUserRow,
    groups: Vec<(String, String)>,
    role: Option<String>,
    mapped: &Mapped,
) -> DirectoryUser {
    let raw: Value = serde_json::from_str(&row.resource).unwrap_or_else(|_| json!({}));
    let custom = custom_attributes(&raw, mapped);
    DirectoryUser {
        id: row.id.clone(),
        directory_id: row.directory_id.clone(),
        organization_id: dir.organization_id.clone(),
        idp_id: row.external_id.clone().unwrap_or_else(|| row.id.clone()),
        username: row.user_name.clone(),
        email: row.email.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        state: if row.active && row.deleted_at.is_none() {
            DirectoryUserState::Active
        } else {
            DirectoryUserState::Inactive
        },
        groups: groups
            .into_iter()
            .map(|(id, name)| DirectoryGroupRef { id, name })
            .collect(),
        role,
        custom_attributes: custom,
        raw_attributes: raw,
        created_at: Timestamp::from_unix(row.created_at),
        updated_at: Timestamp::from_unix(row.updated_at),
    }
}

/// An event about a user, `data` the vendor's view.
pub async fn user_event(
    state: &AppState,
    dir: &DirectoryRow,
    event_type: EventType,
    row: &DirectoryUserRow,
    now: i64,
) -> Result<NewEvent, Error> {
    let data = user_view(state, dir, row).await?;
    events::new(
        &dir.environment_id,
        event_type,
        Some(&dir.organization_id),
        &data,
        now,
    )
}

/// The vendor's view of a group (its members counted, the rest of the directory not).
pub async fn group_view(
    state: &AppState,
    dir: &DirectoryRow,
    row: &DirectoryGroupRow,
) -> Result<DirectoryGroup, Error> {
    let count = state.store.group_member_count(&row.id).await?;
    Ok(group_wire(dir, row, count))
}

/// The vendor's view of a group whose member count the caller already knows.
pub fn group_wire(dir: &DirectoryRow, row: &DirectoryGroupRow, members: i64) -> DirectoryGroup {
    DirectoryGroup {
        id: row.id.clone(),
        directory_id: row.directory_id.clone(),
        organization_id: dir.organization_id.clone(),
        idp_id: row.external_id.clone().unwrap_or_else(|| row.id.clone()),
        name: row.display_name.clone(),
        user_count: u64::try_from(members).unwrap_or(0),
        created_at: Timestamp::from_unix(row.created_at),
        updated_at: Timestamp::from_unix(row.updated_at),
    }
}

/// An event about a group, `data` the vendor's view.
pub async fn group_event(
    state: &AppState,
    dir: &DirectoryRow,
    event_type: EventType,
    row: &DirectoryGroupRow,
    now: i64,
) -> Result<NewEvent, Error> {
    let data = group_view(state, dir, row).await?;
    events::new(
        &dir.environment_id,
        event_type,
        Some(&dir.organization_id),
        &data,
        now,
    )
}
