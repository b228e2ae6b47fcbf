//! PATCH (RFC 7644 §3.5.2): applying `add`, `replace` and `remove` operations to a resource
//! document, all or nothing.
//!
//! What the RFC leaves open, and what real IdPs need, decided here:
//! - Without a `path`, the value is an object whose keys are attribute paths: plain (`active`),
//!   dotted (`name.givenName`, as Entra ID sends), URN-qualified (`urn:…:User:manager`,
//!   `urn:…:User:manager.value`), or a whole extension (`urn:…:enterprise:2.0:User`) whose object
//!   holds its attributes.
//! - `add` to a multi-valued attribute appends without duplicates: an element with the `value` of
//!   one already there is merged into it. A complex value is merged into the complex attribute.
//! - `replace` of a complex attribute sets the sub-attributes given and leaves the others
//!   (RFC 7644 §3.5.2.3); of a multi-valued one, replaces the whole list; with a value filter,
//!   replaces the matched elements, and fails with `noTarget` when none match (as the RFC says).
//! - `add`, and `replace` of a sub-attribute (`emails[type eq "work"].value`), when the filter
//!   matches no element and is made only of `eq` comparisons joined by `and`, creates the element
//!   from them: Entra ID sends this for a user's first work email, and the RFC treats a replace
//!   of an attribute that does not exist as an add.
//! - `remove` needs a path (`noTarget` without one, §3.5.2.2). With a value filter matching
//!   nothing it does nothing: removals are idempotent, and IdPs resend them (Okta and Entra ID
//!   remove members that were already removed). `remove` of a multi-valued attribute WITH a value
//!   (`{"op": "remove", "path": "members", "value": [{"value": "id"}]}`, sent by Entra ID and
//!   Okta) removes those elements only. A multi-valued attribute left empty is removed.
//! - `active` accepts the strings `"True"`/`"False"` in any case (Entra ID sends them).
//! - `id` and `meta` are read-only (`mutability`), except that sending their current value is
//!   accepted as a no-op.
//! - Only one element of a multi-valued attribute stays `primary` after a change.

use super::filter::Filter;
use super::path::{is_schema_key, key_ci, AttrPath};
use super::ScimError;
use crate::api::scim::{PatchOpKind, PatchOperation, ScimType};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Most operations in one PATCH request.
pub const MAX_PATCH_OPERATIONS: usize = 1000;
/// Deepest nesting of an operation's value (an extension holding `manager` holding `value` is 3).
pub const MAX_VALUE_DEPTH: usize = 8;

/// `doc` with `ops` applied in order; on any failure nothing is applied, and the error says which
/// operation failed. More than [`MAX_PATCH_OPERATIONS`] is a 413 (RFC 7644 §3.12 "too large").
pub fn apply_patch(doc: &Value, ops: &[PatchOperation]) -> Result<Value, ScimError> {
    if ops.len() > MAX_PATCH_OPERATIONS {
        return Err(ScimError {
            status: 413,
            scim_type: None,
            detail: format!(
                "the PATCH request has {} operations; at most {MAX_PATCH_OPERATIONS} are accepted",
                ops.len()
            ),
        });
    }
    let mut out = doc.clone();
    let Some(map) = out.as_object_mut() else {
        return Err(ScimError::bad_request(
            ScimType::InvalidSyntax,
            "the resource is not a JSON object",
        ));
    };
    for (i, op) in ops.iter().enumerate() {
        apply_op(map, op).map_err(|e| ScimError {
            detail: format!("operation {} ({}): {}", i + 1, op.op.as_str(), e.detail),
            ..e
        })?;
    }
    Ok(out)
}

fn apply_op(map: &mut Map<String, Value>, op: &PatchOperation) -> Result<(), ScimError> {
    if let Some(v) = &op.value {
        if deeper_than(v, MAX_VALUE_DEPTH) {
            return Err(ScimError::bad_request(
                ScimType::InvalidValue,
                format!("the value nests deeper than {MAX_VALUE_DEPTH} levels"),
            ));
        }
    }
    match (&op.path, op.op) {
        (None, PatchOpKind::Remove) => Err(ScimError::bad_request(
            ScimType::NoTarget,
            "remove needs a path",
        )),
        (None, kind) => match &op.value {
            Some(Value::Object(obj)) => {
                for (key, v) in obj {
                    apply_key(map, kind, key, v)?;
                }
                Ok(())
            }
            _ => Err(ScimError::bad_request(
                ScimType::InvalidValue,
                "without a path, the value must be an object of attributes",
            )),
        },
        (Some(p), kind) if is_schema_key(map, p.trim()) => {
            let p = p.trim();
            match (kind, &op.value) {
                (PatchOpKind::Remove, _) => {
                    if let Some(k) = key_ci(map, p) {
                        map.remove(&k);
                    }
                    Ok(())
                }
                (_, Some(v)) => apply_key(map, kind, p, v),
                (_, None) => Err(needs_value(kind)),
            }
        }
        (Some(p), kind) => apply_path(map, kind, &AttrPath::parse(p)?, op.value.as_ref()),
    }
}

/// One key of a path-less value (or a whole-extension path) and its value.
fn apply_key(
    map: &mut Map<String, Value>,
    kind: PatchOpKind,
    key: &str,
    v: &Value,
) -> Result<(), ScimError> {
    if is_schema_key(map, key) {
        let Value::Object(attrs) = v else {
            return Err(ScimError::bad_request(
                ScimType::InvalidValue,
                format!("{key} is a schema extension: its value must be an object of attributes"),
            ));
        };
        ensure_listed(map, key);
        for (attr, x) in attrs {
            apply_key(map, kind, &format!("{key}:{attr}"), x)?;
        }
        return Ok(());
    }
    apply_path(map, kind, &AttrPath::parse(key)?, Some(v))
}

fn needs_value(kind: PatchOpKind) -> ScimError {
    ScimError::bad_request(
        ScimType::InvalidValue,
        format!("{} needs a value", kind.as_str()),
    )
}

fn apply_path(
    map: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &AttrPath,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let value = match (kind, value) {
        (PatchOpKind::Remove, v) => v,
        (PatchOpKind::Replace, None | Some(Value::Null)) => {
            // Replacing with nothing unassigns the attribute.
            return apply_path(map, PatchOpKind::Remove, path, None);
        }
        (_, None | Some(Value::Null)) => return Err(needs_value(kind)),
        (_, v) => v,
    };
    if path.is_core()
        && (path.attr.eq_ignore_ascii_case("id") || path.attr.eq_ignore_ascii_case("meta"))
    {
        let unchanged = kind != PatchOpKind::Remove
            && path.filter.is_none()
            && path.sub_attr.is_none()
            && key_ci(map, &path.attr).and_then(|k| map.get(&k)) == value;
        if unchanged {
            return Ok(());
        }
        return Err(ScimError::bad_request(
            ScimType::Mutability,
            format!(
                "{} is set by the service provider and cannot be changed",
                path.attr
            ),
        ));
    }
    let coerced;
    let value = match value {
        Some(Value::String(s))
            if path.is_core()
                && path.attr.eq_ignore_ascii_case("active")
                && path.filter.is_none()
                && path.sub_attr.is_none() =>
        {
            coerced = string_bool(s).map(Value::Bool);
            coerced.as_ref().or(value)
        }
        v => v,
    };

    let container = match &path.schema {
        Some(urn) if !path.is_core() => {
            let key = key_ci(map, urn);
            if kind == PatchOpKind::Remove && key.is_none() {
                return Ok(());
            }
            if key.is_none() {
                ensure_listed(map, urn);
            }
            let slot = map
                .entry(key.unwrap_or_else(|| urn.clone()))
                .or_insert_with(|| Value::Object(Map::new()));
            match slot {
                Value::Object(o) => o,
                _ => {
                    return Err(ScimError::bad_request(
                        ScimType::InvalidValue,
                        format!("{urn} is not an object"),
                    ));
                }
            }
        }
        _ => map,
    };
    apply_attr(container, kind, path, value)
}

fn apply_attr(
    container: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &AttrPath,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let key = key_ci(container, &path.attr).unwrap_or_else(|| path.attr.clone());
    match (&path.filter, &path.sub_attr, value) {
        (None, None, Some(v)) if kind == PatchOpKind::Add => add_value(container, key, v),
        (None, None, Some(v)) if kind == PatchOpKind::Replace => replace_value(container, key, v),
        (None, None, v) => remove_value(container, &key, v),
        (None, Some(sub), v) => {
            let slot = match container.get_mut(&key) {
                Some(slot) => slot,
                None if kind == PatchOpKind::Remove => return Ok(()),
                None => container
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new())),
            };
            match slot {
                Value::Object(o) => set_sub(o, sub, kind, v),
                Value::Array(items) => {
                    for item in items.iter_mut() {
                        if let Value::Object(o) = item {
                            set_sub(o, sub, kind, v);
                        }
                    }
                }
                _ => {
                    return Err(ScimError::bad_request(
                        ScimType::InvalidPath,
                        format!("{} has no sub-attributes", path.attr),
                    ));
                }
            }
            Ok(())
        }
        (Some(filter), sub, v) => apply_filtered(container, key, kind, filter, sub.as_deref(), v),
    }
}

fn set_sub(o: &mut Map<String, Value>, sub: &str, kind: PatchOpKind, v: Option<&Value>) {
    let key = key_ci(o, sub);
    match (kind, v) {
        (PatchOpKind::Remove, _) | (_, None) => {
            if let Some(k) = key {
                o.remove(&k);
            }
        }
        (_, Some(v)) => {
            o.insert(key.unwrap_or_else(|| sub.to_owned()), v.clone());
        }
    }
}

fn add_value(container: &mut Map<String, Value>, key: String, v: &Value) -> Result<(), ScimError> {
    let new: Vec<&Value> = match v {
        Value::Array(items) => items.iter().collect(),
        v => vec![v],
    };
    match container.get_mut(&key) {
        Some(Value::Array(items)) => {
            let written = append_unique(items, &new);
            single_primary(items, &written);
        }
        Some(Value::Object(o)) if v.is_object() => merge(o, v),
        _ if v.is_array() => {
            let mut items = Vec::new();
            let written = append_unique(&mut items, &new);
            single_primary(&mut items, &written);
            container.insert(key, Value::Array(items));
        }
        _ => {
            container.insert(key, v.clone());
        }
    }
    Ok(())
}

fn replace_value(
    container: &mut Map<String, Value>,
    key: String,
    v: &Value,
) -> Result<(), ScimError> {
    match container.get_mut(&key) {
        Some(Value::Object(o)) if v.is_object() => merge(o, v),
        _ => {
            container.insert(key, v.clone());
        }
    }
    Ok(())
}

fn remove_value(
    container: &mut Map<String, Value>,
    key: &str,
    v: Option<&Value>,
) -> Result<(), ScimError> {
    match (v, container.get_mut(key)) {
        (Some(v @ (Value::Array(_) | Value::Object(_))), Some(Value::Array(items))) => {
            let targets: Vec<&Value> = match v {
                Value::Array(t) => t.iter().collect(),
                v => vec![v],
            };
            // By `value` through a set, so removing many members from a large group stays linear.
            let by_value: HashSet<String> = targets
                .iter()
                .filter_map(|t| t.get("value"))
                .map(Value::to_string)
                .collect();
            let whole: Vec<&&Value> = targets
                .iter()
                .filter(|t| t.get("value").is_none())
                .collect();
            items.retain(|e| {
                !(e.get("value")
                    .is_some_and(|x| by_value.contains(&x.to_string()))
                    || whole.iter().any(|t| **t == e))
            });
            if items.is_empty() {
                container.remove(key);
            }
        }
        _ => {
            container.remove(key);
        }
    }
    Ok(())
}

fn apply_filtered(
    container: &mut Map<String, Value>,
    key: String,
    kind: PatchOpKind,
    filter: &Filter,
    sub: Option<&str>,
    v: Option<&Value>,
) -> Result<(), ScimError> {
    let items = match container.get_mut(&key) {
        Some(Value::Array(items)) => items,
        None if kind == PatchOpKind::Remove => return Ok(()),
        None => match container
            .entry(key.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            Value::Array(items) => items,
            _ => return Ok(()),
        },
        Some(_) => {
            return Err(ScimError::bad_request(
                ScimType::InvalidPath,
                format!("{key} is not multi-valued, so it takes no value filter"),
            ));
        }
    };
    let matched: Vec<usize> = (0..items.len())
        .filter(|&i| filter.matches(&items[i]))
        .collect();
    if kind == PatchOpKind::Remove {
        match sub {
            None => {
                let mut i = 0;
                items.retain(|_| {
                    i += 1;
                    !matched.contains(&(i - 1))
                });
            }
            Some(sub) => {
                for &i in &matched {
                    if let Value::Object(o) = &mut items[i] {
                        set_sub(o, sub, kind, None);
                    }
                }
            }
        }
        if items.is_empty() {
            container.remove(&key);
        }
        return Ok(());
    }
    let Some(v) = v else {
        return Err(needs_value(kind));
    };
    if matched.is_empty() {
        let creatable = kind == PatchOpKind::Add || sub.is_some();
        let terms = if creatable { eq_terms(filter) } else { None };
        let Some(terms) = terms else {
            return Err(ScimError::bad_request(
                ScimType::NoTarget,
                format!("no element of {key} matches the filter"),
            ));
        };
        let mut elem: Map<String, Value> = terms.into_iter().collect();
        match (sub, v) {
            (Some(sub), v) => {
                elem.insert(sub.to_owned(), v.clone());
            }
            (None, Value::Object(_)) => merge(&mut elem, v),
            (None, _) => return Err(object_needed(&key)),
        }
        items.push(Value::Object(elem));
        let last = items.len() - 1;
        single_primary(items, &[last]);
        return Ok(());
    }
    for &i in &matched {
        match (sub, &mut items[i]) {
            (Some(sub), Value::Object(o)) => set_sub(o, sub, kind, Some(v)),
            (Some(_), _) => {}
            (None, item) if kind == PatchOpKind::Replace => *item = v.clone(),
            (None, Value::Object(o)) if v.is_object() => merge(o, v),
            (None, _) => return Err(object_needed(&key)),
        }
    }
    single_primary(items, &matched);
    Ok(())
}

fn object_needed(key: &str) -> ScimError {
    ScimError::bad_request(
        ScimType::InvalidValue,
        format!("the value for elements of {key} must be an object"),
    )
}

/// The `attr eq literal` terms of a filter made only of those joined by `and`: the element a
/// filter describes, to create it when none matches.
fn eq_terms(f: &Filter) -> Option<Vec<(String, Value)>> {
    match f {
        Filter::Compare {
            path,
            op: super::filter::CompareOp::Eq,
            value,
        } if path.schema.is_none() && path.filter.is_none() && path.sub_attr.is_none() => {
            Some(vec![(path.attr.clone(), value.clone())])
        }
        Filter::And(a, b) => {
            let mut t = eq_terms(a)?;
            t.extend(eq_terms(b)?);
            Some(t)
        }
        _ => None,
    }
}

/// Appends each of `new` unless an element with its `value` (or equal to it, for elements without
/// one) is there; an element with the same `value` takes the new one's sub-attributes instead.
/// The indices written. Elements are found through an index by `value`, so adding many members
/// to a large group stays linear.
fn append_unique(items: &mut Vec<Value>, new: &[&Value]) -> Vec<usize> {
    let mut by_value: HashMap<String, usize> = HashMap::new();
    for (i, e) in items.iter().enumerate() {
        if let Some(v) = e.get("value") {
            by_value.entry(v.to_string()).or_insert(i);
        }
    }
    let mut written = Vec::with_capacity(new.len());
    for &n in new {
        let found = match n.get("value") {
            Some(v) => by_value.get(&v.to_string()).copied(),
            None => items.iter().position(|e| e == n),
        };
        let i = match found {
            Some(i) => {
                if let (Value::Object(o), Value::Object(_)) = (&mut items[i], n) {
                    merge(o, n);
                }
                i
            }
            None => {
                items.push(n.clone());
                if let Some(v) = n.get("value") {
                    by_value.insert(v.to_string(), items.len() - 1);
                }
                items.len() - 1
            }
        };
        written.push(i);
    }
    written
}

fn merge(o: &mut Map<String, Value>, v: &Value) {
    if let Value::Object(src) = v {
        for (k, x) in src {
            let key = key_ci(o, k).unwrap_or_else(|| k.clone());
            o.insert(key, x.clone());
        }
    }
}

/// RFC 7643 §2.4: at most one element is `primary`. The last written one that is keeps it.
fn single_primary(items: &mut [Value], written: &[usize]) {
    let is_primary = |v: &Value| match v.get("primary") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => string_bool(s) == Some(true),
        _ => false,
    };
    let Some(&keep) = written
        .iter()
        .rev()
        .find(|&&i| items.get(i).is_some_and(is_primary))
    else {
        return;
    };
    for (i, item) in items.iter_mut().enumerate() {
        if i != keep && is_primary(item) {
            if let Value::Object(o) = item {
                o.insert("primary".into(), Value::Bool(false));
            }
        }
    }
}

/// `"true"` / `"false"` in any case, as Entra ID sends booleans.
pub fn string_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Lists `urn` in the document's `schemas` if it is not there (RFC 7643 §3: a resource lists the
/// extensions it carries).
fn ensure_listed(map: &mut Map<String, Value>, urn: &str) {
    if let Some(Value::Array(schemas)) = map.get_mut("schemas") {
        if !schemas
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
        {
            schemas.push(Value::String(urn.to_owned()));
        }
    }
}

/// Whether `v` nests deeper than `limit` arrays and objects (stops as soon as it knows).
fn deeper_than(v: &Value, limit: usize) -> bool {
    match v {
        Value::Array(items) => limit == 0 || items.iter().any(|x| deeper_than(x, limit - 1)),
        Value::Object(o) => limit == 0 || o.values().any(|x| deeper_than(x, limit - 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
