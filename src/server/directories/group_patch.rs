//! A group PATCH's member operations, turned into a [`MemberDelta`]: what RFC 7644 §3.5.2 and
//! the IdPs' shapes of it (Entra ID's path-less `Replace` with `members`, Okta's and Entra ID's
//! `remove` with a value list or a `members[value eq "…"]` filter) ask for.

use super::scim::Scim;
use crate::api::scim::{PatchOpKind, PatchOperation, ScimType};
use crate::core::scim::path::AttrPath;
use crate::core::scim::ScimError;
use crate::server::store::{DirectoryGroupRow, MemberDelta};
use serde_json::{json, Value};
use std::collections::BTreeSet;

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
pub(super) async fn split_patch(
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
