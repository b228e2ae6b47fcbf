//! How the IdP reads users over SCIM: one user (`GET /Users/{id}`) and lists with a filter and
//! paging (`GET /Users`, `POST /Users/.search`).

use super::scim::{fold, not_found, Done, ListQuery, Scim};
use crate::api::scim::{ScimType, SCHEMA_USER};
use crate::core::scim::ScimError;
use crate::server::store::{DirectoryUserRow, UserListing, UserLookup};
use serde_json::{json, Value};

/// Users read per page when a filter has to be checked against every user.
const SCAN_PAGE: i64 = 1000;

/// Most users a filter is checked against (beyond, a filter must use an indexed attribute).
const SCAN_MAX: i64 = 200_000;

/// The SCIM document of a user, as the IdP reads it back.
pub(super) async fn scim_doc(scim: &Scim, row: &DirectoryUserRow) -> Result<Value, ScimError> {
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
pub(super) async fn visible(scim: &Scim, id: &str) -> Result<DirectoryUserRow, ScimError> {
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
