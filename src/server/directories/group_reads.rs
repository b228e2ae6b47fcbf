//! How the IdP reads groups over SCIM: one group (`GET /Groups/{id}`) and lists with a filter
//! and paging (`GET /Groups`, `POST /Groups/.search`).

use super::scim::{not_found, Done, ListQuery, Scim};
use super::stored::fold;
use crate::api::scim::SCHEMA_GROUP;
use crate::core::scim::ScimError;
use crate::server::store::DirectoryGroupRow;
use serde_json::{json, Value};

/// Members listed in a group's SCIM document at most (IdPs that need more ask with
/// `excludedAttributes=members` and manage members by PATCH).
const MEMBERS_SHOWN: i64 = 10_000;

/// Groups checked against a filter no index answers, at most.
const SCAN_MAX: i64 = 50_000;

/// The SCIM document of a group (members unless excluded).
pub(super) async fn scim_doc(
    scim: &Scim,
    row: &DirectoryGroupRow,
    members: bool,
) -> Result<Value, ScimError> {
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

pub(super) async fn visible(scim: &Scim, id: &str) -> Result<DirectoryGroupRow, ScimError> {
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
