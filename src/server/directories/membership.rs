//! The events of membership changes: `dsync.group.user_added` and `…user_removed`, and the
//! `dsync.role_changed` a change causes, built for a whole change at once.
//!
//! A group created with 5,000 members announces 5,000 memberships. What they need is read once
//! (the roles, the group → role mapping, the group's view) or in one query per 500 users (the
//! users, and each one's groups), never several queries per member.
//!
//! Each event shows the user as it was when the change was asked for: its groups and role
//! before the change, as the vendor API showed it then.

use super::views::{group_view, group_wire, user_wire};
use super::{attributes, roles, DirectoryRow};
use crate::api::event::EventType;
use crate::server::error::Error;
use crate::server::store::{
    DirectoryGroupRow, DirectoryUserRow, MemberEvent, Membership, NewEvent,
};
use crate::server::{events, AppState};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The membership and role events of a change to one group: for each user added (an active
/// one: a deprovisioned user joins no group), then each removed, in the order given, its
/// `dsync.group.user_added` or `…user_removed`, followed by `dsync.role_changed` when the change
/// gives it another role. Each names its membership, so the store logs it only if the write
/// makes that change.
pub async fn group_changes(
    state: &AppState,
    dir: &DirectoryRow,
    group: &DirectoryGroupRow,
    added: &[String],
    removed: &[String],
    now: i64,
) -> Result<Vec<MemberEvent>, Error> {
    if added.is_empty() && removed.is_empty() {
        return Ok(Vec::new());
    }
    let roles = roles::get(state, &dir.environment_id).await?;
    let mapping = roles::mapping(dir);
    let role_matters = !roles.roles.is_empty() && mapping.contains_key(&group.id);
    // Read once for the whole change, as the roles are.
    let mapped = attributes::mapped(state, dir).await?;
    let group_v =
        serde_json::to_value(group_view(state, dir, group).await?).map_err(Error::internal)?;
    let ids: Vec<String> = added.iter().chain(removed).cloned().collect();
    let users: HashMap<String, DirectoryUserRow> = state
        .store
        .directory_users_by_ids(&dir.id, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (user_id, group_id, name) in state.store.groups_of_users(&ids).await? {
        groups.entry(user_id).or_default().push((group_id, name));
    }
    let mut out = Vec::with_capacity(ids.len());
    for (ids, kind) in [
        (added, EventType::DsyncGroupUserAdded),
        (removed, EventType::DsyncGroupUserRemoved),
    ] {
        for id in ids {
            let Some(user) = users.get(id) else {
                continue;
            };
            if kind == EventType::DsyncGroupUserAdded && (!user.active || user.deleted_at.is_some())
            {
                continue;
            }
            let before = groups.get(id).cloned().unwrap_or_default();
            let before_ids: Vec<String> = before.iter().map(|(g, _)| g.clone()).collect();
            let was = roles::role_of(&roles, &mapping, &before_ids);
            let view = slim_user(dir, user, was.clone(), &mapped)?;
            // `{directory_id, group, user}`, built without copying the user's view.
            let mut data = Map::new();
            data.insert("directory_id".into(), Value::String(dir.id.clone()));
            data.insert("group".into(), group_v.clone());
            data.insert("user".into(), view);
            let mut data = Value::Object(data);
            let membership = Membership {
                group_id: group.id.clone(),
                user_id: id.clone(),
                added: kind == EventType::DsyncGroupUserAdded,
            };
            out.push(guarded(event(dir, kind, &data, now)?, &membership));
            if !role_matters {
                continue;
            }
            let view = data["user"].take();
            let mut after: Vec<(String, String)> =
                before.into_iter().filter(|(g, _)| *g != group.id).collect();
            if kind == EventType::DsyncGroupUserAdded {
                after.push((group.id.clone(), group.display_name.clone()));
            }
            let after_ids: Vec<String> = after.iter().map(|(g, _)| g.clone()).collect();
            let becomes = roles::role_of(&roles, &mapping, &after_ids);
            if was != becomes {
                // A role change names the groups that give the new role.
                let mut data = view;
                data["groups"] = json!(after
                    .into_iter()
                    .map(|(id, name)| json!({"id": id, "name": name}))
                    .collect::<Vec<_>>());
                data["role"] = json!(becomes);
                data["previous_role"] = json!(was);
                out.push(guarded(
                    event(dir, EventType::DsyncRoleChanged, &data, now)?,
                    &membership,
                ));
            }
        }
    }
    Ok(out)
}

/// `dsync.group.user_removed` for each group a user leaves on being deprovisioned (made
/// inactive, or deleted), in the order of its groups; the user as it was before. Each names
/// its membership, as [`group_changes`]' do.
pub async fn leaving_groups(
    state: &AppState,
    dir: &DirectoryRow,
    user: &DirectoryUserRow,
    now: i64,
) -> Result<Vec<MemberEvent>, Error> {
    let groups = state.store.user_groups_counted(&user.id).await?;
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let roles = roles::get(state, &dir.environment_id).await?;
    let ids: Vec<String> = groups.iter().map(|(g, _)| g.id.clone()).collect();
    let role = roles::role_of(&roles, &roles::mapping(dir), &ids);
    let mapped = attributes::mapped(state, dir).await?;
    let view = slim_user(dir, user, role, &mapped)?;
    groups
        .iter()
        .map(|(g, count)| {
            let data =
                json!({"directory_id": dir.id, "user": view, "group": group_wire(dir, g, *count)});
            let membership = Membership {
                group_id: g.id.clone(),
                user_id: user.id.clone(),
                added: false,
            };
            Ok(guarded(
                event(dir, EventType::DsyncGroupUserRemoved, &data, now)?,
                &membership,
            ))
        })
        .collect()
}

/// The user as a membership event carries it: without `raw_attributes` (up to 64 KiB) and
/// without `groups`, which would make a user in G groups leaving them all write G events of G
/// groups each. The vendor reads the whole user from `GET /api/v1/directory_users/{id}`.
fn slim_user(
    dir: &DirectoryRow,
    user: &DirectoryUserRow,
    role: Option<String>,
    mapped: &attributes::Mapped,
) -> Result<Value, Error> {
    let mut view = serde_json::to_value(user_wire(dir, user, Vec::new(), role, mapped))
        .map_err(Error::internal)?;
    if let Some(o) = view.as_object_mut() {
        o.remove("raw_attributes");
        o.remove("groups");
    }
    Ok(view)
}

fn guarded(event: NewEvent, membership: &Membership) -> MemberEvent {
    MemberEvent {
        event,
        membership: Some(membership.clone()),
    }
}

fn event(dir: &DirectoryRow, kind: EventType, data: &Value, now: i64) -> Result<NewEvent, Error> {
    events::new(
        &dir.environment_id,
        kind,
        Some(&dir.organization_id),
        data,
        now,
    )
}
