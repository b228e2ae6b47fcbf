//! How the IdP reads users over SCIM: one user (`GET /Users/{id}`) and lists with a filter and
//! paging (`GET /Users`, `POST /Users/.search`).

use super::scim::{not_found, Done, ListQuery, Scim};
use super::stored::fold;
use crate::api::scim::{ScimType, SCHEMA_USER};
use crate::core::scim::filter::Filter;
use crate::core::scim::ScimError;
use crate::server::store::{DirectoryUserRow, UserListing, UserLookup};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Users read per page when a filter has to be checked against every user.
const SCAN_PAGE: i64 = 1000;

/// Most users a filter is checked against (beyond, a filter must use an indexed attribute).
const SCAN_MAX: i64 = 200_000;

/// The SCIM document of a user, as the IdP reads it back.
pub(super) async fn scim_doc(scim: &Scim, row: &DirectoryUserRow) -> Result<Value, ScimError> {
    let groups = scim.state.store.user_groups(&row.id).await?;
    doc_with_groups(scim, row, &groups)
}

/// The SCIM documents of users, their groups read in one query.
async fn scim_docs(scim: &Scim, rows: &[DirectoryUserRow]) -> Result<Vec<Value>, ScimError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (user_id, group_id, name) in scim.state.store.groups_of_users(&ids).await? {
        groups.entry(user_id).or_default().push((group_id, name));
    }
    rows.iter()
        .map(|row| doc_with_groups(scim, row, groups.get(&row.id).map_or(&[], Vec::as_slice)))
        .collect()
}

/// A user's SCIM document, its groups ((id, name)) known.
fn doc_with_groups(
    scim: &Scim,
    row: &DirectoryUserRow,
    groups: &[(String, String)],
) -> Result<Value, ScimError> {
    let mut doc: Value = serde_json::from_str(&row.resource).unwrap_or_else(|_| json!({}));
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
/// user checked against the filter, a page at a time.
pub async fn scim_list(scim: &Scim, q: &ListQuery) -> Result<Done, ScimError> {
    let store = &scim.state.store;
    let offset = q.start_index - 1;
    let (docs, total) = match &q.filter {
        None => {
            let listing = UserListing {
                offset,
                limit: q.count,
                ..UserListing::default()
            };
            let total = store.count_directory_users(&scim.dir.id, &listing).await?;
            let rows = store.list_directory_users(&scim.dir.id, &listing).await?;
            (scim_docs(scim, &rows).await?, total)
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
                _ => return scan(scim, f, q).await,
            };
            let mut page = Page::new(offset, q.count);
            for doc in scim_docs(scim, &candidates).await? {
                if f.matches(&doc) {
                    page.offer(doc);
                }
            }
            (page.docs, page.total)
        }
    };
    Ok(listed(q, &docs, total))
}

/// The `ListResponse` of a page of documents.
fn listed(q: &ListQuery, docs: &[Value], total: i64) -> Done {
    let resources = docs.iter().map(|d| q.projection.apply(d)).collect();
    let list = crate::api::scim::ListResponse::new(
        resources,
        u64::try_from(total).unwrap_or(0),
        u64::try_from(q.start_index).unwrap_or(1),
    );
    Done::read(serde_json::to_value(list).unwrap_or_default())
}

/// The matches of a list, counted, and the documents of the page asked for kept: never more.
struct Page {
    skip: i64,
    count: i64,
    total: i64,
    docs: Vec<Value>,
}

impl Page {
    fn new(offset: i64, count: i64) -> Page {
        Page {
            skip: offset,
            count,
            total: 0,
            docs: Vec::new(),
        }
    }

    fn offer(&mut self, doc: Value) {
        if self.total >= self.skip && (self.docs.len() as i64) < self.count {
            self.docs.push(doc);
        }
        self.total += 1;
    }
}

/// Every user the IdP can see checked against a filter no index answers: read
/// [`SCAN_PAGE`] users at a time (their groups in one query per page) and matched page by
/// page, so only one page of documents and the page of results are held at once.
async fn scan(scim: &Scim, f: &Filter, q: &ListQuery) -> Result<Done, ScimError> {
    let mut page = Page::new(q.start_index - 1, q.count);
    let mut after = None;
    let mut scanned = 0;
    loop {
        if scanned >= SCAN_MAX {
            return Err(ScimError::bad_request(
                ScimType::TooMany,
                format!(
                    "This directory has more than {SCAN_MAX} users; filter on userName, \
                     externalId or id."
                ),
            ));
        }
        let listing = UserListing {
            after: after.take(),
            limit: SCAN_PAGE,
            ..UserListing::default()
        };
        let rows = scim
            .state
            .store
            .list_directory_users(&scim.dir.id, &listing)
            .await?;
        scanned += rows.len() as i64;
        let last = (rows.len() as i64) < SCAN_PAGE;
        after = rows.last().map(|u| u.id.clone());
        for doc in scim_docs(scim, &rows).await? {
            if f.matches(&doc) {
                page.offer(doc);
            }
        }
        if last {
            return Ok(listed(q, &page.docs, page.total));
        }
    }
}
