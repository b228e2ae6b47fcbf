//! Directory users: what the IdP does to them over SCIM (create, replace, patch, delete) and
//! how the vendor reads them (normalized, with groups and role). The IdP's reads are in
//! [`super::user_reads`].
//!
//! A deleted user is kept (`deleted_at`), inactive and out of every group, so the vendor's app
//! can act on the departure; the IdP no longer sees it. `active: false` (Okta's and Entra
//! ID's way of deprovisioning) makes it inactive and takes it out of its groups too.
//!
//! A PATCH that removes `active` (or sets it to null) deprovisions the user as well. RFC 7644
//! §3.5.2.2 allows the removal (`active` is neither required nor read-only, so it is not a
//! `400`), and leaves the attribute unassigned; RFC 7643 §4.1.1 lets the service provider say
//! what `active` means. Read as "no longer asserted active", a removal can only take access
//! away: reading it as the default of a new user (`true`) would let a removal bring a
//! deprovisioned user back, which no IdP means by it. Okta and Entra ID never send it (they
//! deprovision with `active: false`); a generic client that does gets the cautious reading.
//! A new user without `active`, or a PUT without it, stays active: sending a user at all is
//! the IdP assigning it to the application.

use super::membership::leaving_groups;
use super::scim::{changed_meanwhile, Done, Scim};
use super::stored::{fold, stored_json};
use super::user_reads::{scim_doc, visible};
use super::views::{user_event, user_view};
use super::DirectoryRow;
use crate::api::directory::{DirectoryUser, DirectoryUserList, DIRECTORY_LIST_MAX_LIMIT};
use crate::api::event::EventType;
use crate::api::scim::ScimType;
use crate::api::ErrorCode;
use crate::core::scim::filter::get_ci;
use crate::core::scim::path::key_ci;
use crate::core::scim::resource::{parse_user, ScimUser};
use crate::core::scim::{patch, ScimError};
use crate::server::error::Error;
use crate::server::store::{DirectoryUserRow, StoreError, UserListing, UserLookup};
use crate::server::{crypto, AppState};
use serde_json::{json, Value};

/// Attributes the IdP cannot write: ours (`id`, `meta`), derived (`groups`), or never kept
/// (`password`: a directory never stores one).
const NOT_STORED: &[&str] = &["id", "meta", "groups", "password"];

/// A row from a normalized user and its stored document (JSON).
fn fill(row: &mut DirectoryUserRow, u: &ScimUser, resource: String) {
    row.user_name = u.user_name.clone();
    row.user_name_key = fold(&u.user_name);
    row.external_id = u.external_id.clone();
    row.email = u.email.clone();
    row.email_key = u.email.as_deref().map(fold);
    row.first_name = u.given_name.clone();
    row.last_name = u.family_name.clone();
    row.active = u.active;
    row.resource = resource;
}

fn uniqueness(user_name: &str) -> ScimError {
    ScimError {
        status: 409,
        scim_type: Some(ScimType::Uniqueness),
        detail: format!("A user with userName {user_name} already exists in this directory."),
    }
}

fn conflict(e: StoreError, user_name: &str) -> ScimError {
    match e {
        StoreError::Conflict(_) => uniqueness(user_name),
        other => other.into(),
    }
}

/// `POST /Users`.
pub async fn scim_create(scim: &Scim, body: Value) -> Result<Done, ScimError> {
    let resource = stored_json(&body, NOT_STORED, "user")?;
    let u = parse_user(&body)?;
    let now = scim.state.clock.now();
    let taken = scim
        .state
        .store
        .find_directory_users(
            &scim.dir.id,
            &UserLookup::UserNameKey(fold(&u.user_name)),
            1,
        )
        .await?;
    if !taken.is_empty() {
        return Err(uniqueness(&u.user_name));
    }
    let mut row = DirectoryUserRow {
        id: crypto::id("dusr_"),
        directory_id: scim.dir.id.clone(),
        user_name: String::new(),
        user_name_key: String::new(),
        external_id: None,
        email: None,
        email_key: None,
        first_name: None,
        last_name: None,
        active: true,
        resource: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    fill(&mut row, &u, resource);
    let ev = user_event(
        &scim.state,
        &scim.dir,
        EventType::DsyncUserCreated,
        &row,
        now,
    )
    .await?;
    scim.state
        .store
        .insert_directory_user(&row, &[ev])
        .await
        .map_err(|e| conflict(e, &u.user_name))?;
    Ok(Done {
        status: 201,
        body: Some(scim_doc(scim, &row).await?),
        location: Some(scim.location("Users", &row.id)),
        summary: format!("created user {}", row.user_name),
        resource_id: Some(row.id),
    })
}

/// Writes a user's new document (PUT or PATCH), with its events.
async fn write(
    scim: &Scim,
    before: DirectoryUserRow,
    body: Value,
    verb: &str,
) -> Result<Done, ScimError> {
    let resource = stored_json(&body, NOT_STORED, "user")?;
    let u = parse_user(&body)?;
    let now = scim.state.clock.now();
    if fold(&u.user_name) != before.user_name_key {
        let taken = scim
            .state
            .store
            .find_directory_users(
                &scim.dir.id,
                &UserLookup::UserNameKey(fold(&u.user_name)),
                1,
            )
            .await?;
        if taken.iter().any(|t| t.id != before.id) {
            return Err(uniqueness(&u.user_name));
        }
    }
    let mut row = before.clone();
    fill(&mut row, &u, resource);
    if row == before {
        // Nothing changed (IdPs resend whole users): no write, no event.
        return Ok(Done {
            status: 200,
            body: Some(scim_doc(scim, &row).await?),
            location: None,
            summary: format!("{verb} user {} (no change)", row.user_name),
            resource_id: Some(row.id),
        });
    }
    row.version = before.version + 1;
    row.updated_at = now;
    let mut evs = Vec::new();
    if before.active && !row.active {
        evs.extend(leaving_groups(&scim.state, &scim.dir, &before, now).await?);
    }
    evs.push(
        user_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncUserUpdated,
            &row,
            now,
        )
        .await?
        .into(),
    );
    let changed = scim
        .state
        .store
        .update_directory_user(&row, before.version, &evs)
        .await
        .map_err(|e| conflict(e, &u.user_name))?;
    if !changed {
        return Err(changed_meanwhile("The user"));
    }
    let summary = if before.active && !row.active {
        format!("deactivated user {}", row.user_name)
    } else {
        format!("{verb} user {}", row.user_name)
    };
    Ok(Done {
        status: 200,
        body: Some(scim_doc(scim, &row).await?),
        location: None,
        summary,
        resource_id: Some(row.id),
    })
}

/// `PUT /Users/{id}`.
pub async fn scim_replace(scim: &Scim, id: &str, body: Value) -> Result<Done, ScimError> {
    let before = visible(scim, id).await?;
    write(scim, before, body, "replaced").await
}

/// `PATCH /Users/{id}`.
pub async fn scim_patch(scim: &Scim, id: &str, body: Value) -> Result<Done, ScimError> {
    let before = visible(scim, id).await?;
    let req: crate::api::scim::PatchRequest = serde_json::from_value(body).map_err(|e| {
        ScimError::bad_request(
            ScimType::InvalidSyntax,
            format!("The body is not a SCIM PatchOp request: {e}."),
        )
    })?;
    let mut doc: Value = serde_json::from_str(&before.resource).unwrap_or_else(|_| json!({}));
    set_active(&mut doc, before.active);
    let mut patched = patch::apply_patch(&doc, &req.operations)?;
    // Removed (or nulled) by the PATCH: no longer asserted active (see the module's doc).
    if get_ci(&patched, "active").is_none_or(Value::is_null) {
        set_active(&mut patched, false);
    }
    write(scim, before, patched, "updated").await
}

/// Sets a document's `active`, whatever the case of the key it had.
fn set_active(doc: &mut Value, active: bool) {
    if let Some(obj) = doc.as_object_mut() {
        while let Some(k) = key_ci(obj, "active") {
            obj.remove(&k);
        }
        obj.insert("active".into(), Value::Bool(active));
    }
}

/// `DELETE /Users/{id}`: kept for the vendor, inactive, out of its groups; gone for the IdP.
pub async fn scim_delete(scim: &Scim, id: &str) -> Result<Done, ScimError> {
    let before = visible(scim, id).await?;
    let now = scim.state.clock.now();
    let mut row = before.clone();
    row.active = false;
    row.deleted_at = Some(now);
    row.version = before.version + 1;
    row.updated_at = now;
    let mut evs = leaving_groups(&scim.state, &scim.dir, &before, now).await?;
    evs.push(
        user_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncUserDeleted,
            &row,
            now,
        )
        .await?
        .into(),
    );
    if !scim
        .state
        .store
        .update_directory_user(&row, before.version, &evs)
        .await?
    {
        // Deleted meanwhile, or changed (joined a group) after it was read.
        return Err(match visible(scim, id).await {
            Ok(_) => changed_meanwhile("The user"),
            Err(e) => e,
        });
    }
    Ok(Done {
        status: 204,
        body: None,
        location: None,
        summary: format!("deleted user {}", row.user_name),
        resource_id: Some(row.id),
    })
}

/// `GET /api/v1/directory_users/{id}`.
pub async fn get(state: &AppState, environment_id: &str, id: &str) -> Result<DirectoryUser, Error> {
    let missing = || Error::new(ErrorCode::DirectoryUserNotFound);
    if id.len() > 64 {
        return Err(missing());
    }
    let row = state.store.directory_user(id).await?.ok_or_else(missing)?;
    let dir = super::find(state, environment_id, &row.directory_id)
        .await
        .map_err(|_| missing())?;
    user_view(state, &dir, &row).await
}

/// `GET /api/v1/directories/{id}/users`.
pub async fn list(
    state: &AppState,
    dir: &DirectoryRow,
    group: Option<&str>,
    user_state: Option<&str>,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<DirectoryUserList, Error> {
    let limit = limit.unwrap_or(DIRECTORY_LIST_MAX_LIMIT);
    if !(1..=DIRECTORY_LIST_MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("Use a limit from 1 to {DIRECTORY_LIST_MAX_LIMIT}."),
        ));
    }
    let active = match user_state {
        None => None,
        Some("active") => Some(true),
        Some("inactive") => Some(false),
        Some(_) => return Err(Error::invalid("state", "Use `active` or `inactive`.")),
    };
    if let Some(g) = group {
        let ok = g.len() <= 64
            && state
                .store
                .directory_group(g)
                .await?
                .is_some_and(|g| g.directory_id == dir.id);
        if !ok {
            return Err(Error::invalid(
                "group",
                "No group with that id in this directory.",
            ));
        }
    }
    if let Some(a) = after {
        let ok = a.len() <= 64
            && state
                .store
                .directory_user(a)
                .await?
                .is_some_and(|u| u.directory_id == dir.id);
        if !ok {
            return Err(Error::invalid(
                "after",
                "No user with that id in this directory.",
            ));
        }
    }
    let listing = UserListing {
        group_id: group.map(str::to_owned),
        active,
        include_deleted: true,
        after: after.map(str::to_owned),
        offset: 0,
        limit: limit + 1,
    };
    let mut rows = state.store.list_directory_users(&dir.id, &listing).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let mut data = Vec::with_capacity(rows.len());
    for row in &rows {
        data.push(user_view(state, dir, row).await?);
    }
    Ok(DirectoryUserList { data, has_more })
}
