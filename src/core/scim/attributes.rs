//! Directory users' custom attributes, mapped like single sign-on's: the vendor declares custom
//! attributes, the IT admin picks for each the SCIM attribute it is read from. This module says
//! which attribute paths a stored User document holds (each with a sample value, for the admin to
//! pick from), reads the string a path gives on a document, and suggests a source for custom
//! attributes named after a well-known SCIM attribute.
//!
//! A source is an attribute path in the filter grammar ([`AttrPath`]): `title`, `name.formatted`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`,
//! `addresses[type eq "work"].country`. Reading one ([`resolve`]):
//! - an extension attribute is looked for in its schema's object, then as a URN-qualified key at
//!   the top of the document, where some IdPs write it;
//! - a multi-valued attribute gives the element marked `primary`, else the first, among those the
//!   value filter keeps that hold a value;
//! - a complex value stands for its `value` sub-attribute (RFC 7643's primary one), and a bare
//!   value where a complex one was expected (a `manager` sent as its id) for its own `value`;
//! - numbers and booleans give their JSON text; absent, null and blank give nothing.

use super::filter::{get_ci, is_core_schema, AttrPath};
use super::patch::string_bool;
use super::path::is_schema_key;
use crate::api::scim::SCHEMA_ENTERPRISE_USER;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Longest source path accepted, in characters.
pub const MAX_SOURCE_LEN: usize = 256;
/// Longest sample value shown, in characters (longer ones are cut with `…`).
pub const MAX_SAMPLE_CHARS: usize = 60;
/// Keys of one object, and elements of one array, looked at when listing paths.
const MAX_WIDTH: usize = 50;

/// Core attributes that are never a source: ours (`id`, `meta`, `groups`, which the stored
/// document does not hold), the schema list, and the password, which is never kept.
const NOT_SOURCES: [&str; 5] = ["schemas", "id", "meta", "groups", "password"];

/// Sub-attributes of multi-valued elements not offered on their own: flags and references.
const NOT_SUB_SOURCES: [&str; 3] = ["primary", "type", "$ref"];

/// The source suggested for a custom attribute named after a well-known SCIM attribute: the
/// enterprise extension's fields and the core User's single-valued strings, snake_cased. A custom
/// attribute with one of these names is mapped without the admin doing anything.
pub const DEFAULT_SOURCES: [(&str, &str); 13] = [
    (
        "department",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
    ),
    (
        "employee_number",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    ),
    (
        "cost_center",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter",
    ),
    (
        "division",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division",
    ),
    (
        "organization",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization",
    ),
    (
        "manager_id",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
    ),
    ("title", "title"),
    ("user_type", "userType"),
    ("preferred_language", "preferredLanguage"),
    ("locale", "locale"),
    ("timezone", "timezone"),
    ("nick_name", "nickName"),
    ("profile_url", "profileUrl"),
];

/// The suggested source of a custom attribute, if its name is a well-known one.
pub fn default_source(name: &str) -> Option<&'static str> {
    DEFAULT_SOURCES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, path)| *path)
}

/// The mapping in force: for each declared custom attribute (by name), the saved source, else
/// its suggested one. A saved `""` means the admin chose "not mapped": no suggestion then.
pub fn effective<'a>(
    declared: impl IntoIterator<Item = &'a str>,
    saved: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    declared
        .into_iter()
        .filter_map(|name| {
            let source = match saved.get(name) {
                Some(s) => s.trim(),
                None => default_source(name)?,
            };
            (!source.is_empty()).then(|| (name.to_owned(), source.to_owned()))
        })
        .collect()
}

/// Reads a source path as the admin or the vendor wrote it: trimmed, at most
/// [`MAX_SOURCE_LEN`] characters, on one line, in the attribute path grammar, and not one of the
/// attributes Portico does not keep. The error says what to write instead.
pub fn parse_source(src: &str) -> Result<AttrPath, String> {
    let src = src.trim();
    if src.is_empty() {
        return Err("Choose the SCIM attribute to read, or leave it not mapped.".into());
    }
    if src.chars().count() > MAX_SOURCE_LEN {
        return Err(format!(
            "Use a SCIM attribute path of at most {MAX_SOURCE_LEN} characters."
        ));
    }
    if src.chars().any(char::is_control) {
        return Err("Write the SCIM attribute path on one line.".into());
    }
    let shown: String = src.chars().take(60).collect();
    let path = AttrPath::parse(src).map_err(|e| {
        format!(
            "`{shown}` is not a SCIM attribute path ({}); write one such as `title`, \
             `name.formatted`, `addresses[type eq \"work\"].country` or \
             `{SCHEMA_ENTERPRISE_USER}:costCenter`.",
            e.detail
        )
    })?;
    if path.is_core()
        && NOT_SOURCES
            .iter()
            .any(|n| path.attr.eq_ignore_ascii_case(n))
    {
        return Err(format!(
            "`{}` cannot be mapped: Portico does not keep it among the user's attributes.",
            path.attr
        ));
    }
    Ok(path)
}

/// The string `path` reads from a User document, if any (see the module's rules).
pub fn resolve(doc: &Value, path: &AttrPath) -> Option<String> {
    let top = match &path.schema {
        Some(urn) if !is_core_schema(urn) => get_ci(doc, urn)
            .and_then(|ext| get_ci(ext, &path.attr))
            .or_else(|| get_ci(doc, &format!("{urn}:{}", path.attr)))?,
        _ => get_ci(doc, &path.attr)?,
    };
    let keeps = |e: &Value| path.filter.as_ref().is_none_or(|f| f.matches(e));
    match top {
        Value::Array(items) => {
            let mut first = None;
            for e in items.iter().filter(|e| keeps(e)) {
                let Some(v) = pick(e, path.sub_attr.as_deref()) else {
                    continue;
                };
                if is_primary(e) {
                    return Some(v);
                }
                first.get_or_insert(v);
            }
            first
        }
        single if keeps(single) => pick(single, path.sub_attr.as_deref()),
        _ => None,
    }
}

fn is_primary(element: &Value) -> bool {
    match get_ci(element, "primary") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => string_bool(s) == Some(true),
        _ => false,
    }
}

/// An element's value, or its sub-attribute's.
fn pick(element: &Value, sub: Option<&str>) -> Option<String> {
    let Some(sub) = sub else {
        return text(element);
    };
    match get_ci(element, sub) {
        Some(v) => text(v),
        None if sub.eq_ignore_ascii_case("value") && !element.is_object() => text(element),
        None => None,
    }
}

/// A value as text: a complex one by its `value`, a list by its first value.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Object(_) => get_ci(v, "value").and_then(scalar_text),
        Value::Array(items) => items.iter().find_map(|x| match x {
            Value::Object(_) => get_ci(x, "value").and_then(scalar_text),
            x => scalar_text(x),
        }),
        v => scalar_text(v),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => (!s.trim().is_empty()).then(|| s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A sample value as the admin sees it: cut to [`MAX_SAMPLE_CHARS`] characters.
pub fn sample(value: &str) -> String {
    if value.chars().count() <= MAX_SAMPLE_CHARS {
        return value.to_owned();
    }
    let mut cut: String = value.chars().take(MAX_SAMPLE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// A source path as a person reads it: the enterprise extension's URN, which every IdP uses
/// and nobody reads, becomes a short note.
pub fn label(path: &str) -> String {
    let prefix = SCHEMA_ENTERPRISE_USER.len() + 1;
    match path.get(..prefix) {
        Some(p) if p.eq_ignore_ascii_case(&format!("{SCHEMA_ENTERPRISE_USER}:")) => {
            format!("{} (enterprise extension)", &path[prefix..])
        }
        _ => path.to_owned(),
    }
}

/// The attribute paths of a User document that read a value, each with that value (cut for
/// display), in document order, at most `max`: every single-valued attribute, every
/// sub-attribute of a complex one (`name.givenName`), every sub-attribute of a multi-valued one
/// both as its primary-or-first element's and per `type` (`emails[type eq "work"].value`), and
/// the same inside each schema extension, URN-qualified.
pub fn present(doc: &Value, max: usize) -> Vec<(String, String)> {
    let Some(map) = doc.as_object() else {
        return Vec::new();
    };
    let mut candidates = Vec::new();
    for (key, v) in map.iter().take(MAX_WIDTH * 4) {
        if candidates.len() >= max * 2 {
            break;
        }
        let is_urn = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
        if !is_urn {
            if !NOT_SOURCES.iter().any(|n| key.eq_ignore_ascii_case(n)) {
                candidates_of(key, v, &mut candidates);
            }
        } else if is_core_schema(key) {
            // A core schema written as an object: IdPs do not, and its attributes are at the top.
        } else if let (true, Value::Object(ext)) = (is_schema_key(map, key), v) {
            for (attr, x) in ext.iter().take(MAX_WIDTH) {
                candidates_of(&format!("{key}:{attr}"), x, &mut candidates);
            }
        } else {
            candidates_of(key, v, &mut candidates);
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for c in candidates {
        if out.len() >= max {
            break;
        }
        if !seen.insert(c.to_lowercase()) {
            continue;
        }
        let Ok(path) = AttrPath::parse(&c) else {
            continue;
        };
        if let Some(v) = resolve(doc, &path) {
            out.push((c, sample(&v)));
        }
    }
    out
}

/// The candidate paths under `base`, whose value is `v`.
fn candidates_of(base: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Null => {}
        Value::Object(o) => {
            for (sub, x) in o.iter().take(MAX_WIDTH) {
                if !x.is_object() {
                    out.push(format!("{base}.{sub}"));
                }
            }
        }
        Value::Array(items) => {
            let elements: Vec<&serde_json::Map<String, Value>> = items
                .iter()
                .take(MAX_WIDTH)
                .filter_map(Value::as_object)
                .collect();
            if elements.is_empty() {
                out.push(base.to_owned());
                return;
            }
            let offered =
                |sub: &&String| !NOT_SUB_SOURCES.iter().any(|n| sub.eq_ignore_ascii_case(n));
            for e in &elements {
                for sub in e.keys().take(MAX_WIDTH).filter(offered) {
                    out.push(format!("{base}.{sub}"));
                }
            }
            for e in &elements {
                let Some(t) = e
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("type"))
                    .and_then(|(_, t)| t.as_str())
                    .filter(|t| is_plain_type(t))
                else {
                    continue;
                };
                for sub in e.keys().take(MAX_WIDTH).filter(offered) {
                    out.push(format!("{base}[type eq \"{t}\"].{sub}"));
                }
            }
        }
        _ => out.push(base.to_owned()),
    }
}

/// A `type` value that can go between quotes in a value filter as it is: short, with no quote,
/// backslash or control character.
fn is_plain_type(t: &str) -> bool {
    (1..=40).contains(&t.len())
        && t.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
}

#[cfg(test)]
mod tests;
