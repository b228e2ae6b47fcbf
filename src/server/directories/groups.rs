//! Directory groups: what the IdP does to them over SCIM (create, replace, patch, delete) and
//! how the vendor reads them. The IdP's reads are in [`super::group_reads`], a PATCH's member
//! operations in [`super::group_patch`], the membership events in [`super::membership`].
//!
//! Membership is its own table, changed by deltas: a PATCH that adds one member to a group of
//! thousands reads whether that one user is a member, writes one row and one
//! `dsync.group.user_added`, never the whole list. A PUT (Okta sends membership in full) is
//! compared with the current members, so only real changes are written and announced.

use super::group_patch::split_patch;
use super::group_reads::{scim_doc, visible};
use super::membership;
use super::scim::{changed_meanwhile, Done, Scim};
use super::stored::{fold, stored_json};
use super::views::{group_event, group_view, group_wire};
use super::DirectoryRow;
use crate::api::directory::{DirectoryGroup, DirectoryGroupList, DIRECTORY_LIST_MAX_LIMIT};
use crate::api::event::EventType;
use crate::api::scim::{PatchRequest, ScimType};
use crate::api::ErrorCode;
use crate::core::scim::resource::parse_group;
use crate::core::scim::{patch, ScimError};
use crate::server::error::Error;
use crate::server::store::{DirectoryGroupRow, MemberDelta};
use crate::server::{crypto, AppState};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};

const NOT_STORED: &[&str] = &["id", "meta", "members"];

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

/// `POST /Groups`.
pub async fn scim_create(scim: &Scim, body: Value) -> Result<Done, ScimError> {
    let resource = stored_json(&body, NOT_STORED, "group")?;
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
        resource,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut evs = vec![group_event(
        &scim.state,
        &scim.dir,
        EventType::DsyncGroupCreated,
        &row,
        now,
    )
    .await?
    .into()];
    evs.extend(membership::group_changes(&scim.state, &scim.dir, &row, &members, &[], now).await?);
    if !scim
        .state
        .store
        .insert_directory_group(&row, &members, &evs)
        .await?
    {
        return Err(changed_meanwhile("A member"));
    }
    Ok(Done {
        status: 201,
        body: Some(scim_doc(scim, &row, true).await?),
        location: Some(scim.location("Groups", &row.id)),
        summary: format!(
            "created group {} with {}",
            row.display_name,
            self::members(members.len())
        ),
        resource_id: Some(row.id),
    })
}

/// What a delta really changes: the users it adds and the members it removes, each sorted. A
/// replacement (a PUT) is compared with the whole current membership; adds and removes alone
/// (a PATCH) read only whether the users they name are members, so a one-member PATCH on a
/// group of thousands reads one row.
async fn member_changes(
    scim: &Scim,
    group_id: &str,
    delta: &MemberDelta,
) -> Result<(Vec<String>, Vec<String>), ScimError> {
    let store = &scim.state.store;
    let add: BTreeSet<&String> = delta.add.iter().collect();
    let remove: BTreeSet<&String> = delta.remove.iter().collect();
    if let Some(all) = &delta.replace_all {
        let current: BTreeSet<String> = store
            .group_members(group_id, i64::MAX)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut target: BTreeSet<String> = all.iter().chain(add).cloned().collect();
        for r in remove {
            target.remove(r);
        }
        let added = target.difference(&current).cloned().collect();
        let removed = current.difference(&target).cloned().collect();
        return Ok((added, removed));
    }
    // Members after = (members ∪ add) − remove; so added = add − remove − members, and
    // removed = members ∩ remove.
    let named: Vec<String> = add.union(&remove).map(|id| (*id).clone()).collect();
    let present: HashSet<String> = store
        .group_members_among(group_id, &named)
        .await?
        .into_iter()
        .collect();
    let added = add
        .iter()
        .filter(|id| !remove.contains(*id) && !present.contains(**id))
        .map(|id| (*id).clone())
        .collect();
    let removed = remove
        .iter()
        .filter(|id| present.contains(**id))
        .map(|id| (*id).clone())
        .collect();
    Ok((added, removed))
}

/// Writes a group's new document and member delta, with its events.
async fn write(
    scim: &Scim,
    before: DirectoryGroupRow,
    doc: Value,
    delta: MemberDelta,
    verb: &str,
) -> Result<Done, ScimError> {
    let resource = stored_json(&doc, NOT_STORED, "group")?;
    let g = parse_group(&doc)?;
    let now = scim.state.clock.now();
    let (added, removed) = member_changes(scim, &before.id, &delta).await?;
    check_members(scim, &added).await?;
    let mut row = before.clone();
    row.display_name = g.display_name.clone();
    row.display_name_key = fold(&g.display_name);
    row.external_id = g.external_id.clone();
    row.resource = resource;
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
            .await?
            .into(),
        );
    }
    evs.extend(
        membership::group_changes(&scim.state, &scim.dir, &row, &added, &removed, now).await?,
    );
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
        return Err(changed_meanwhile("The group"));
    }
    let mut summary = format!("{verb} group {}", row.display_name);
    if !added.is_empty() {
        summary.push_str(&format!(", {} added", members(added.len())));
    }
    if !removed.is_empty() {
        summary.push_str(&format!(", {} removed", members(removed.len())));
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
    let mut evs =
        membership::group_changes(&scim.state, &scim.dir, &before, &[], &members, now).await?;
    evs.push(
        group_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncGroupDeleted,
            &before,
            now,
        )
        .await?
        .into(),
    );
    if !scim
        .state
        .store
        .delete_directory_group(&before.id, &evs)
        .await?
    {
        // Gone meanwhile, or a member joined after its members were read.
        return Err(match visible(scim, id).await {
            Ok(_) => changed_meanwhile("The group"),
            Err(e) => e,
        });
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
        .map(|row| group_wire(dir, row, counts.get(&row.id).copied().unwrap_or(0)))
        .collect();
    Ok(DirectoryGroupList { data, has_more })
}

/// "1 member", "3 members": the sync log reads as sentences.
fn members(n: usize) -> String {
    if n == 1 {
        "1 member".to_owned()
    } else {
        format!("{n} members")
    }
}
