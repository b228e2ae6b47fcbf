//! Directory users: what the IdP does to them over SCIM (create, read, list, replace, patch,
//! delete) and how the vendor reads them (normalized, with groups and role).
//!
//! A deleted user is kept (`deleted_at`), inactive and out of every group, so the vendor's app
//! can act on the departure; the IdP no longer sees it. `active: false` (Okta's and Entra
//! ID's way of deprovisioning) makes it inactive and takes it out of its groups too.

use super::scim::{fold, not_found, stored_doc, Done, ListQuery, Scim};
use super::views::{group_view, membership_event, user_event, user_view};
use super::DirectoryRow;
use crate::api::directory::{DirectoryUser, DirectoryUserList, DIRECTORY_LIST_MAX_LIMIT};
use crate::api::event::EventType;
use crate::api::scim::{ScimType, SCHEMA_USER};
use crate::api::ErrorCode;
use crate::core::scim::resource::{parse_user, ScimUser};
use crate::core::scim::{patch, ScimError};
use crate::server::error::Error;
use crate::server::store::{DirectoryUserRow, NewEvent, StoreError, UserListing, UserLookup};
use crate::server::{crypto, AppState};
use serde_json::{json, Value};

/// Users read per page when a filter has to be checked against every user.
const SCAN_PAGE: i64 = 1000;

/// Most users a filter is checked against (beyond, a filter must use an indexed attribute).
const SCAN_MAX: i64 = 200_000;

/// Attributes the IdP cannot write: ours (`id`, `meta`), derived (`groups`), or never kept
/// (`password`: a directory never stores one).
const NOT_STORED: &[&str] = &["id", "meta", "groups", "password"];

/// A row from a normalized user and its stored document.
fn fill(row: &mut DirectoryUserRow, u: &ScimUser, doc: &Value) -> Result<(), ScimError> {
    row.user_name = u.user_name.clone();
    row.user_name_key = fold(&u.user_name);
    row.external_id = u.external_id.clone();
    row.email = u.email.clone();
    row.email_key = u.email.as_deref().map(fold);
    row.first_name = u.given_name.clone();
    row.last_name = u.family_name.clone();
    row.active = u.active;
    row.resource = serde_json::to_string(doc).map_err(|_| {
        ScimError::bad_request(ScimType::InvalidSyntax, "The user could not be stored.")
    })?;
    Ok(())
}

/// The SCIM document of a user, as the IdP reads it back.
pub async fn scim_doc(scim: &Scim, row: &DirectoryUserRow) -> Result<Value, ScimError> {
    let mut doc: Value = serde_json::from_str(&row.resource).unwrap_or_else(|_| json!({}));
    let groups = scim.state.store.user_groups(&row.id).await?;
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| not_found("user", &row.id))?;
    if !obj.contains_key("schemas") {
        obj.insert("schemas".into(), json!([SCHEMA_USER]));
    }
    obj.insert("id".into(), json!(row.id));
    obj.insert("active".into(), json!(row.active));
    obj.insert(
        "groups".into(),
        groups
            .iter()
            .map(|(id, name)| {
                json!({"value": id, "display": name, "$ref": scim.location("Groups", id)})
            })
            .collect(),
    );
    obj.insert(
        "meta".into(),
        scim.meta(
            "Users",
            &row.id,
            row.created_at,
            row.updated_at,
            row.version,
        ),
    );
    Ok(doc)
}

/// A user of this directory the IdP can see.
async fn visible(scim: &Scim, id: &str) -> Result<DirectoryUserRow, ScimError> {
    if id.len() > 64 {
        return Err(not_found("user", id));
    }
    scim.state
        .store
        .directory_user(id)
        .await?
        .filter(|u| u.directory_id == scim.dir.id && u.deleted_at.is_none())
        .ok_or_else(|| not_found("user", id))
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

/// Events for a user leaving every group it is in (deprovisioning), before the change.
async fn leaving_groups(
    scim: &Scim,
    row: &DirectoryUserRow,
    now: i64,
) -> Result<Vec<NewEvent>, ScimError> {
    let mut out = Vec::new();
    for (gid, _) in scim.state.store.user_groups(&row.id).await? {
        if let Some(g) = scim.state.store.directory_group(&gid).await? {
            let group = group_view(&scim.state, &scim.dir, &g).await?;
            out.push(
                membership_event(
                    &scim.state,
                    &scim.dir,
                    EventType::DsyncGroupUserRemoved,
                    row,
                    &group,
                    now,
                )
                .await?,
            );
        }
    }
    Ok(out)
}

/// `POST /Users`.
pub async fn scim_create(scim: &Scim, body: Value) -> Result<Done, ScimError> {
    let u = parse_user(&body)?;
    let doc = stored_doc(&body, NOT_STORED);
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
    fill(&mut row, &u, &doc)?;
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

/// `GET /Users/{id}`.
pub async fn scim_get(scim: &Scim, id: &str, q: &ListQuery) -> Result<Done, ScimError> {
    let row = visible(scim, id).await?;
    let doc = scim_doc(scim, &row).await?;
    Ok(Done::read(q.projection.apply(&doc)))
}

/// `GET /Users`: an indexed lookup for `userName`, `externalId` or `id` equality, else every
/// user checked against the filter.
pub async fn scim_list(scim: &Scim, q: &ListQuery) -> Result<Done, ScimError> {
    let store = &scim.state.store;
    let offset = q.start_index - 1;
    let (rows, total) = match &q.filter {
        None => {
            let listing = UserListing {
                offset,
                limit: q.count,
                ..UserListing::default()
            };
            let total = store.count_directory_users(&scim.dir.id, &listing).await?;
            (
                store.list_directory_users(&scim.dir.id, &listing).await?,
                total,
            )
        }
        Some(f) => {
            let candidates = match f.as_simple_eq() {
                Some((path, v)) if path.is("userName") => {
                    store
                        .find_directory_users(&scim.dir.id, &UserLookup::UserNameKey(fold(v)), 10)
                        .await?
                }
                Some((path, v)) if path.is("externalId") => {
                    store
                        .find_directory_users(
                            &scim.dir.id,
                            &UserLookup::ExternalId(v.to_owned()),
                            SCAN_PAGE,
                        )
                        .await?
                }
                Some((path, v)) if path.is("id") => visible(scim, v).await.into_iter().collect(),
                _ => scan(scim).await?,
            };
            let mut matched = Vec::new();
            for row in candidates {
                let doc = scim_doc(scim, &row).await?;
                if f.matches(&doc) {
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
        let doc = scim_doc(scim, row).await?;
        resources.push(q.projection.apply(&doc));
    }
    let list = crate::api::scim::ListResponse::new(
        resources,
        u64::try_from(total).unwrap_or(0),
        u64::try_from(q.start_index).unwrap_or(1),
    );
    Ok(Done::read(serde_json::to_value(list).unwrap_or_default()))
}

/// Every user the IdP can see, for a filter no index answers.
async fn scan(scim: &Scim) -> Result<Vec<DirectoryUserRow>, ScimError> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let listing = UserListing {
            after: after.clone(),
            limit: SCAN_PAGE,
            ..UserListing::default()
        };
        let page = scim
            .state
            .store
            .list_directory_users(&scim.dir.id, &listing)
            .await?;
        let done = (page.len() as i64) < SCAN_PAGE;
        after = page.last().map(|u| u.id.clone());
        out.extend(page);
        if done {
            return Ok(out);
        }
        if out.len() as i64 >= SCAN_MAX {
            return Err(ScimError::bad_request(
                ScimType::TooMany,
                format!(
                    "This directory has more than {SCAN_MAX} users; filter on userName, \
                     externalId or id."
                ),
            ));
        }
    }
}

/// Writes a user's new document (PUT or PATCH), with its events.
async fn write(
    scim: &Scim,
    before: DirectoryUserRow,
    body: Value,
    verb: &str,
) -> Result<Done, ScimError> {
    let u = parse_user(&body)?;
    let doc = stored_doc(&body, NOT_STORED);
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
    fill(&mut row, &u, &doc)?;
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
        evs.extend(leaving_groups(scim, &before, now).await?);
    }
    evs.push(
        user_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncUserUpdated,
            &row,
            now,
        )
        .await?,
    );
    let changed = scim
        .state
        .store
        .update_directory_user(&row, before.version, &evs)
        .await
        .map_err(|e| conflict(e, &u.user_name))?;
    if !changed {
        return Err(ScimError {
            status: 409,
            scim_type: None,
            detail: "The user changed while this request was read; send it again.".into(),
        });
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
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("active".into(), json!(before.active));
    }
    let patched = patch::apply_patch(&doc, &req.operations)?;
    write(scim, before, patched, "updated").await
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
    let mut evs = leaving_groups(scim, &before, now).await?;
    evs.push(
        user_event(
            &scim.state,
            &scim.dir,
            EventType::DsyncUserDeleted,
            &row,
            now,
        )
        .await?,
    );
    if !scim
        .state
        .store
        .update_directory_user(&row, before.version, &evs)
        .await?
    {
        return Err(not_found("user", id));
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
