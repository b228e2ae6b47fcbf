//! Directory groups: what the IdP does to them over SCIM and how the vendor reads them.
//!
//! Membership is its own table, changed by deltas: a PATCH that adds one member to a group of
//! thousands writes one row and one `dsync.group.user_added`, never the whole list. A PUT (Okta
//! sends membership in full) is compared with the current members, so only real changes are
//! written and announced.

use super::scim::{fold, not_found, stored_doc, Done, ListQuery, Scim};
use super::views::{group_event, group_view, membership_event, user_view};
use super::{roles, DirectoryRow};
use crate::api::directory::{DirectoryGroup, DirectoryGroupList, DIRECTORY_LIST_MAX_LIMIT};
use crate::api::event::EventType;
use crate::api::scim::{PatchOpKind, PatchOperation, PatchRequest, ScimType, SCHEMA_GROUP};
use crate::api::time::Timestamp;
use crate::api::ErrorCode;
use crate::core::scim::path::AttrPath;
use crate::core::scim::resource::parse_group;
use crate::core::scim::{patch, ScimError};
use crate::server::error::Error;
use crate::server::store::{DirectoryGroupRow, MemberDelta, NewEvent};
use crate::server::{crypto, events, AppState};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Members listed in a group's SCIM document at most (IdPs that need more ask with
/// `excludedAttributes=members` and manage members by PATCH).
const MEMBERS_SHOWN: i64 = 10_000;

/// Groups checked against a filter no index answers, at most.
const SCAN_MAX: i64 = 50_000;

const NOT_STORED: &[&str] = &["id", "meta", "members"];

/// The SCIM document of a group (members unless excluded).
async fn scim_doc(scim: &Scim, row: &DirectoryGroupRow, members: bool) -> Result<Value, ScimError> {
    let mut doc: Value = serde_json::from_str(&row.resource).unwrap_or_else(|_| json!({}));
    let listed = if members {
        scim.state
            .store
            .group_members(&row.id, MEMBERS_SHOWN)
            .await?
    } else {
        Vec::new()
    };
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| not_found("group", &row.id))?;
    if !obj.contains_key("schemas") {
        obj.insert("schemas".into(), json!([SCHEMA_GROUP]));
    }
    obj.insert("id".into(), json!(row.id));
    obj.insert("displayName".into(), json!(row.display_name));
    if members {
        obj.insert(
            "members".into(),
            listed
                .iter()
                .map(|(id, name)| {
                    json!({"value": id, "display": name, "$ref": scim.location("Users", id)})
                })
                .collect(),
        );
    }
    obj.insert(
        "meta".into(),
        scim.meta(
            "Groups",
            &row.id,
            row.created_at,
            row.updated_at,
            row.version,
        ),
    );
    Ok(doc)
}

fn wants_members(q: &ListQuery) -> bool {
    let named = |list: &[String]| list.iter().any(|a| a.eq_ignore_ascii_case("members"));
    !named(&q.excluded) && (q.attributes.is_empty() || named(&q.attributes))
}

async fn visible(scim: &Scim, id: &str) -> Result<DirectoryGroupRow, ScimError> {
    if id.len() > 64 {
        return Err(not_found("group", id));
    }
    scim.state
        .store
        .directory_group(id)
        .await?
        .filter(|g| g.directory_id == scim.dir.id)
        .ok_or_else(|| not_found("group", id))
}

/// Checks that every id is a user of this directory.
async fn check_members(scim: &Scim, ids: &[String]) -> Result<(), ScimError> {
    if ids.is_empty() {
        return Ok(());
    }
    let found: BTreeSet<String> = scim
        .state
        .store
        .existing_directory_users(&scim.dir.id, ids)
        .await?
        .into_iter()
        .collect();
    if let Some(missing) = ids.iter().find(|i| !found.contains(*i)) {
        let shown: String = missing.chars().take(64).collect();
        return Err(ScimError::bad_request(
            ScimType::InvalidValue,
            format!(
                "members: no user with id {shown} exists in this directory; create the user first."
            ),
        ));
    }
    Ok(())
}

/// The membership and role events of a change: one per user added or removed, and
/// `dsync.role_changed` for each whose role it changes.
async fn membership_events(
    scim: &Scim,
    group: &DirectoryGroupRow,
    added: &[String],
    removed: &[String],
    now: i64,
) -> Result<Vec<NewEvent>, ScimError> {
    let state = &scim.state;
    let roles = roles::get(state, &scim.dir.environment_id).await?;
    let mapping = roles::mapping(&scim.dir);
    let role_matters = !roles.roles.is_empty() && mapping.contains_key(&group.id);
    let group_v = group_view(state, &scim.dir, group).await?;
    let mut out = Vec::new();
    for (ids, kind) in [
        (added, EventType::DsyncGroupUserAdded),
        (removed, EventType::DsyncGroupUserRemoved),
    ] {
        for id in ids {
            let Some(user) = state.store.directory_user(id).await? else {
                continue;
            };
            // A deprovisioned user joins no group (the store skips them too): no event.
            if kind == EventType::DsyncGroupUserAdded && (!user.active || user.deleted_at.is_some())
            {
                continue;
            }
            out.push(membership_event(state, &scim.dir, kind, &user, &group_v, now).await?);
            if role_matters {
                let before: Vec<String> = state
                    .store
                    .user_groups(id)
                    .await?
                    .into_iter()
                    .map(|(g, _)| g)
                    .collect();
                let mut after: Vec<String> =
                    before.iter().filter(|g| **g != group.id).cloned().collect();
                if kind == EventType::DsyncGroupUserAdded {
                    after.push(group.id.clone());
                }
                let (was, now_role) = (
                    roles::role_of(&roles, &mapping, &before),
                    roles::role_of(&roles, &mapping, &after),
                );
                if was != now_role {
                    let mut data = serde_json::to_value(user_view(state, &scim.dir, &user).await?)
                        .unwrap_or_default();
                    data["role"] = json!(now_role);
                    data["previous_role"] = json!(was);
                    out.push(events::new(
                        &scim.dir.environment_id,
                        EventType::DsyncRoleChanged,
                        Some(&scim.dir.organization_id),
                        &data,
                        now,
                    )?);
                }
            }
        }
    }
    Ok(out)
}

/// `POST /Groups`.
pub async fn scim_create(scim: &Scim, body: Value) -> Result<Done, ScimError> {
    let g = parse_group(&body)?;
    let members: Vec<String> = g
        .members
        .iter()
        .map(|m| m.value.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    check_members(scim, &members).await?;
    let now = scim.state.clock.now();
    let row = DirectoryGroupRow {
        id: crypto::id("dgrp_"),
        directory_id: scim.dir.id.clone(),
        display_name: g.display_name.clone(),
        display_name_key: fold(&g.display_name),
        external_id: g.external_id.clone(),
        resource: serde_json::to_string(&stored_doc(&body, NOT_STORED))
            .unwrap_or_else(|_| "{}".into()),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut evs = vec![
        group_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncGroupCreated,
            &row,
            now,
        )
        .await?,
    ];
    evs.extend(membership_events(scim, &row, &members, &[], now).await?);
    scim.state
        .store
        .insert_directory_group(&row, &members, &evs)
        .await?;
    Ok(Done {
        status: 201,
        body: Some(scim_doc(scim, &row, true).await?),
        location: Some(scim.location("Groups", &row.id)),
        summary: format!(
            "created group {} with {} member{}",
            row.display_name,
            members.len(),
            if members.len() == 1 { "" } else { "s" }
        ),
        resource_id: Some(row.id),
    })
}

/// `GET /Groups/{id}`.
pub async fn scim_get(scim: &Scim, id: &str, q: &ListQuery) -> Result<Done, ScimError> {
    let row = visible(scim, id).await?;
    let doc = scim_doc(scim, &row, wants_members(q)).await?;
    Ok(Done::read(q.projection.apply(&doc)))
}

/// `GET /Groups`.
pub async fn scim_list(scim: &Scim, q: &ListQuery) -> Result<Done, ScimError> {
    let store = &scim.state.store;
    let offset = q.start_index - 1;
    let members = wants_members(q);
    let (rows, total) = match &q.filter {
        None => {
            let total = store.directory_counts(&scim.dir.id).await?.1;
            (
                store
                    .list_directory_groups(&scim.dir.id, None, offset, q.count)
                    .await?,
                total,
            )
        }
        Some(f) => {
            let candidates = match f.as_simple_eq() {
                Some((path, v)) if path.is("displayName") => {
                    store
                        .find_directory_groups(&scim.dir.id, Some(&fold(v)), None, 100)
                        .await?
                }
                Some((path, v)) if path.is("externalId") => {
                    store
                        .find_directory_groups(&scim.dir.id, None, Some(v), 100)
                        .await?
                }
                Some((path, v)) if path.is("id") => visible(scim, v).await.into_iter().collect(),
                _ => {
                    store
                        .list_directory_groups(&scim.dir.id, None, 0, SCAN_MAX)
                        .await?
                }
            };
            let mut matched = Vec::new();
            for row in candidates {
                // Checked against the whole document (a filter on members needs them).
                if f.matches(&scim_doc(scim, &row, true).await?) {
                    matched.push(row);
                }
            }
            let total = matched.len() as i64;
            let page = matched
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(0))
                .take(usize::try_from(q.count).unwrap_or(0))
                .collect();
            (page, total)
        }
    };
    let mut resources = Vec::with_capacity(rows.len());
    for row in &rows {
        let doc = scim_doc(scim, row, members).await?;
        resources.push(q.projection.apply(&doc));
    }
    let list = crate::api::scim::ListResponse::new(
        resources,
        u64::try_from(total).unwrap_or(0),
        u64::try_from(q.start_index).unwrap_or(1),
    );
    Ok(Done::read(serde_json::to_value(list).unwrap_or_default()))
}

/// The member ids of a `members` value: `[{"value": id}, …]` (or one such object).
fn member_ids(value: Option<&Value>) -> Result<Vec<String>, ScimError> {
    let items: Vec<&Value> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        Some(_) => {
            return Err(ScimError::bad_request(
                ScimType::InvalidValue,
                "members must be a list of {\"value\": \"<user id>\"}.",
            ))
        }
    };
    items
        .into_iter()
        .map(|m| {
            m.get("value")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ScimError::bad_request(
                        ScimType::InvalidValue,
                        "Each member needs a \"value\": the id of a user of this directory.",
                    )
                })
        })
        .collect()
}

/// Splits a PATCH into its member changes and the operations on the group's other attributes.
async fn split_patch(
    scim: &Scim,
    group: &DirectoryGroupRow,
    ops: Vec<PatchOperation>,
) -> Result<(MemberDelta, Vec<PatchOperation>), ScimError> {
    let mut delta = MemberDelta::default();
    let mut rest = Vec::new();
    let is_members = |name: &str| name.eq_ignore_ascii_case("members");
    for op in ops {
        match op.path.as_deref() {
            None => {
                // Entra ID: `{"op": "Replace", "value": {"displayName": …, "members": […]}}`.
                let mut value = op.value.clone().unwrap_or(Value::Null);
                let members = value.as_object_mut().and_then(|o| {
                    let key = o.keys().find(|k| is_members(k)).cloned()?;
                    o.remove(&key)
                });
                if let Some(m) = members {
                    let ids = member_ids(Some(&m))?;
                    apply(&mut delta, op.op, ids);
                }
                if value.as_object().is_some_and(|o| !o.is_empty()) {
                    rest.push(PatchOperation {
                        op: op.op,
                        path: None,
                        value: Some(value),
                    });
                }
            }
            Some(p) => {
                let path = AttrPath::parse(p)?;
                if !(path.is_core() && is_members(&path.attr)) {
                    rest.push(op);
                    continue;
                }
                match &path.filter {
                    None => {
                        let ids = member_ids(op.value.as_ref())?;
                        if op.op == PatchOpKind::Remove && ids.is_empty() {
                            delta.replace_all = Some(Vec::new());
                            delta.add.clear();
                            delta.remove.clear();
                        } else {
                            apply(&mut delta, op.op, ids);
                        }
                    }
                    Some(f) => {
                        if op.op != PatchOpKind::Remove {
                            return Err(ScimError::bad_request(
                                ScimType::InvalidPath,
                                "A members path with a filter can only be removed; add members \
                                 with the path \"members\".",
                            ));
                        }
                        // `members[value eq "id"]`, the usual form, needs no read; any other
                        // filter is checked against the current members.
                        let ids = match f.as_simple_eq() {
                            Some((attr, v)) if attr.is("value") => vec![v.to_owned()],
                            _ => scim
                                .state
                                .store
                                .group_members(&group.id, i64::MAX)
                                .await?
                                .into_iter()
                                .filter(|(id, name)| {
                                    f.matches(&json!({"value": id, "display": name}))
                                })
                                .map(|(id, _)| id)
                                .collect(),
                        };
                        apply(&mut delta, PatchOpKind::Remove, ids);
                    }
                }
            }
        }
    }
    let named =
        delta.replace_all.as_ref().map_or(0, Vec::len) + delta.add.len() + delta.remove.len();
    if named > crate::core::scim::resource::MAX_GROUP_MEMBERS {
        return Err(ScimError::bad_request(
            ScimType::TooMany,
            format!(
                "One PATCH may name at most {} members; send the changes in batches.",
                crate::core::scim::resource::MAX_GROUP_MEMBERS
            ),
        ));
    }
    Ok((delta, rest))
}

/// Folds one member operation into the delta, in order.
fn apply(delta: &mut MemberDelta, kind: PatchOpKind, ids: Vec<String>) {
    match kind {
        PatchOpKind::Replace => {
            delta.replace_all = Some(ids);
            delta.add.clear();
            delta.remove.clear();
        }
        // Sets, so a PATCH with huge add and remove lists costs n log n, not n × m.
        PatchOpKind::Add => {
            let ids: BTreeSet<String> = ids.into_iter().collect();
            delta.remove.retain(|r| !ids.contains(r));
            delta.add.extend(ids);
        }
        PatchOpKind::Remove => {
            let ids: BTreeSet<String> = ids.into_iter().collect();
            delta.add.retain(|a| !ids.contains(a));
            delta.remove.extend(ids);
        }
    }
}

/// Writes a group's new document and member delta, with its events.
async fn write(
    scim: &Scim,
    before: DirectoryGroupRow,
    doc: Value,
    delta: MemberDelta,
    verb: &str,
) -> Result<Done, ScimError> {
    let g = parse_group(&doc)?;
    let now = scim.state.clock.now();
    let current: BTreeSet<String> = scim
        .state
        .store
        .group_members(&before.id, i64::MAX)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // What the members will be, to announce only real changes.
    let mut target = match &delta.replace_all {
        Some(all) => all.iter().cloned().collect(),
        None => current.clone(),
    };
    target.extend(delta.add.iter().cloned());
    for r in &delta.remove {
        target.remove(r);
    }
    let added: Vec<String> = target.difference(&current).cloned().collect();
    let removed: Vec<String> = current.difference(&target).cloned().collect();
    check_members(scim, &added).await?;
    let mut row = before.clone();
    row.display_name = g.display_name.clone();
    row.display_name_key = fold(&g.display_name);
    row.external_id = g.external_id.clone();
    row.resource =
        serde_json::to_string(&stored_doc(&doc, NOT_STORED)).unwrap_or_else(|_| "{}".into());
    let renamed = row != before;
    if !renamed && added.is_empty() && removed.is_empty() {
        return Ok(Done {
            status: 200,
            body: Some(scim_doc(scim, &row, true).await?),
            location: None,
            summary: format!("{verb} group {} (no change)", row.display_name),
            resource_id: Some(row.id),
        });
    }
    row.version = before.version + 1;
    row.updated_at = now;
    let mut evs = Vec::new();
    if renamed {
        evs.push(
            group_event(
                &scim.state,
                &scim.dir,
                EventType::DsyncGroupUpdated,
                &row,
                now,
            )
            .await?,
        );
    }
    evs.extend(membership_events(scim, &row, &added, &removed, now).await?);
    let exact = MemberDelta {
        replace_all: None,
        add: added.clone(),
        remove: removed.clone(),
    };
    if !scim
        .state
        .store
        .update_directory_group(&row, before.version, &exact, &evs)
        .await?
    {
        return Err(ScimError {
            status: 409,
            scim_type: None,
            detail: "The group changed while this request was read; send it again.".into(),
        });
    }
    let mut summary = format!("{verb} group {}", row.display_name);
    if !added.is_empty() {
        summary.push_str(&format!(", {} member(s) added", added.len()));
    }
    if !removed.is_empty() {
        summary.push_str(&format!(", {} member(s) removed", removed.len()));
    }
    Ok(Done {
        status: 200,
        body: Some(scim_doc(scim, &row, true).await?),
        location: None,
        summary,
        resource_id: Some(row.id),
    })
}

/// `PUT /Groups/{id}`: the group as sent, members included (all of them).
pub async fn scim_replace(scim: &Scim, id: &str, body: Value) -> Result<Done, ScimError> {
    let before = visible(scim, id).await?;
    let g = parse_group(&body)?;
    let delta = MemberDelta {
        replace_all: Some(g.members.iter().map(|m| m.value.clone()).collect()),
        ..MemberDelta::default()
    };
    write(scim, before, body, delta, "replaced").await
}

/// `PATCH /Groups/{id}`.
pub async fn scim_patch(scim: &Scim, id: &str, body: Value) -> Result<Done, ScimError> {
    let before = visible(scim, id).await?;
    let req: PatchRequest = serde_json::from_value(body).map_err(|e| {
        ScimError::bad_request(
            ScimType::InvalidSyntax,
            format!("The body is not a SCIM PatchOp request: {e}."),
        )
    })?;
    if req.operations.len() > patch::MAX_PATCH_OPERATIONS {
        return Err(ScimError::bad_request(
            ScimType::TooMany,
            format!(
                "Send at most {} operations in one PATCH.",
                patch::MAX_PATCH_OPERATIONS
            ),
        ));
    }
    let (delta, rest) = split_patch(scim, &before, req.operations).await?;
    let mut doc: Value = serde_json::from_str(&before.resource).unwrap_or_else(|_| json!({}));
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("displayName".into(), json!(before.display_name));
    }
    let doc = if rest.is_empty() {
        doc
    } else {
        patch::apply_patch(&doc, &rest)?
    };
    write(scim, before, doc, delta, "updated").await
}

/// `DELETE /Groups/{id}`.
pub async fn scim_delete(scim: &Scim, id: &str) -> Result<Done, ScimError> {
    let before = visible(scim, id).await?;
    let now = scim.state.clock.now();
    let members: Vec<String> = scim
        .state
        .store
        .group_members(&before.id, i64::MAX)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut evs = membership_events(scim, &before, &[], &members, now).await?;
    evs.push(
        group_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncGroupDeleted,
            &before,
            now,
        )
        .await?,
    );
    if !scim
        .state
        .store
        .delete_directory_group(&before.id, &evs)
        .await?
    {
        return Err(not_found("group", id));
    }
    Ok(Done {
        status: 204,
        body: None,
        location: None,
        summary: format!("deleted group {}", before.display_name),
        resource_id: Some(before.id),
    })
}

/// `GET /api/v1/directory_groups/{id}`.
pub async fn get(
    state: &AppState,
    environment_id: &str,
    id: &str,
) -> Result<DirectoryGroup, Error> {
    let missing = || Error::new(ErrorCode::DirectoryGroupNotFound);
    if id.len() > 64 {
        return Err(missing());
    }
    let row = state.store.directory_group(id).await?.ok_or_else(missing)?;
    let dir = super::find(state, environment_id, &row.directory_id)
        .await
        .map_err(|_| missing())?;
    group_view(state, &dir, &row).await
}

/// `GET /api/v1/directories/{id}/groups`.
pub async fn list(
    state: &AppState,
    dir: &DirectoryRow,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<DirectoryGroupList, Error> {
    let limit = limit.unwrap_or(DIRECTORY_LIST_MAX_LIMIT);
    if !(1..=DIRECTORY_LIST_MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("Use a limit from 1 to {DIRECTORY_LIST_MAX_LIMIT}."),
        ));
    }
    if let Some(a) = after {
        let ok = a.len() <= 64
            && state
                .store
                .directory_group(a)
                .await?
                .is_some_and(|g| g.directory_id == dir.id);
        if !ok {
            return Err(Error::invalid(
                "after",
                "No group with that id in this directory.",
            ));
        }
    }
    page(state, dir, after, limit).await
}

/// Up to `limit` groups of a directory after `after` (checked by the caller), with their member
/// counts.
pub(super) async fn page(
    state: &AppState,
    dir: &DirectoryRow,
    after: Option<&str>,
    limit: i64,
) -> Result<DirectoryGroupList, Error> {
    let mut rows = state
        .store
        .list_directory_groups(&dir.id, after, 0, limit + 1)
        .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let counts: std::collections::HashMap<String, i64> = state
        .store
        .group_member_counts(&dir.id)
        .await?
        .into_iter()
        .collect();
    let data = rows
        .iter()
        .map(|row| DirectoryGroup {
            id: row.id.clone(),
            directory_id: row.directory_id.clone(),
            organization_id: dir.organization_id.clone(),
            idp_id: row.external_id.clone().unwrap_or_else(|| row.id.clone()),
            name: row.display_name.clone(),
            user_count: u64::try_from(counts.get(&row.id).copied().unwrap_or(0)).unwrap_or(0),
            created_at: Timestamp::from_unix(row.created_at),
            updated_at: Timestamp::from_unix(row.updated_at),
        })
        .collect();
    Ok(DirectoryGroupList { data, has_more })
}
