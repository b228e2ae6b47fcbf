//! The paging and shaping parameters of a SCIM read (RFC 7644 §3.4.2): from a `GET`'s query
//! string, or from the body of a `POST …/.search` (§3.4.3), which carries the same parameters
//! as JSON so that a filter naming personal data stays out of URLs and their logs.
//!
//! Both are bounded the same way: the filter by [`crate::core::scim::filter`]'s limits, the
//! attribute lists by [`Projection`]'s, `count` cut to [`schemas::MAX_RESULTS`]. Sorting is not
//! supported (`sort.supported` is false in the `ServiceProviderConfig`), so a search's `sortBy`
//! and `sortOrder` are ignored, as RFC 7644 §3.4.2.3 allows.

use super::schemas;
use crate::api::scim::ScimType;
use crate::core::scim::filter::{get_ci, Filter};
use crate::core::scim::projection::Projection;
use crate::core::scim::ScimError;
use serde_json::Value;
use std::collections::HashMap;

/// The `schemas` value of a search body.
pub const SCHEMA_SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// Largest `POST …/.search` body: its parameters are as bounded as a query string's, so a body
/// much larger than their limits together is not a search.
pub const SEARCH_BODY_LIMIT: usize = 16 * 1024;

/// The paging and shaping parameters of a read.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// The parsed `filter`.
    pub filter: Option<Filter>,
    /// 1-based index of the first result (`startIndex`; below 1 counts as 1).
    pub start_index: i64,
    /// How many results at most (`count`; cut to [`schemas::MAX_RESULTS`]).
    pub count: i64,
    /// `attributes`, split.
    pub attributes: Vec<String>,
    /// `excludedAttributes`, split.
    pub excluded: Vec<String>,
    /// Both, read: what a response carries.
    pub projection: Projection,
}

impl ListQuery {
    /// Reads the query parameters (names case-insensitively, as IdPs vary).
    pub fn from_params(params: &HashMap<String, String>) -> Result<ListQuery, ScimError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let number = |name: &str, default: i64| -> Result<i64, ScimError> {
            match get(name) {
                None | Some("") => Ok(default),
                Some(v) => v.trim().parse::<i64>().map_err(|_| {
                    ScimError::bad_request(
                        ScimType::InvalidValue,
                        format!("`{name}` must be a whole number."),
                    )
                }),
            }
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .take(64)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let filter = match get("filter") {
            Some(f) if !f.trim().is_empty() => Some(Filter::parse(f)?),
            _ => None,
        };
        Ok(ListQuery {
            filter,
            start_index: number("startIndex", 1)?.max(1),
            count: number("count", schemas::MAX_RESULTS)?.clamp(0, schemas::MAX_RESULTS),
            attributes: list("attributes"),
            excluded: list("excludedAttributes"),
            projection: Projection::parse(get("attributes"), get("excludedAttributes"))?,
        })
    }

    /// Reads a `POST …/.search` body (a `SearchRequest`): the same parameters as a query
    /// string, as JSON (`attributes` and `excludedAttributes` as arrays of names, `startIndex`
    /// and `count` as numbers), names in any case. `sortBy` and `sortOrder` are ignored.
    pub fn from_search(body: &Value) -> Result<ListQuery, ScimError> {
        let Some(obj) = body.as_object() else {
            return Err(ScimError::bad_request(
                ScimType::InvalidSyntax,
                "A search body must be a JSON object: a SearchRequest.",
            ));
        };
        if let Some(schemas) = get_ci(body, "schemas").filter(|v| !v.is_null()) {
            let named = schemas
                .as_array()
                .is_some_and(|a| a.iter().any(|s| s.as_str() == Some(SCHEMA_SEARCH_REQUEST)));
            if !named {
                return Err(ScimError::bad_request(
                    ScimType::InvalidSyntax,
                    format!("A search body's schemas must be [\"{SCHEMA_SEARCH_REQUEST}\"]."),
                ));
            }
        }
        let mut params = HashMap::new();
        for (key, value) in obj {
            let name = [
                "filter",
                "startIndex",
                "count",
                "attributes",
                "excludedAttributes",
            ]
            .into_iter()
            .find(|n| n.eq_ignore_ascii_case(key));
            let Some(name) = name else {
                continue;
            };
            if let Some(text) = search_param(name, value)? {
                params.insert(name.to_owned(), text);
            }
        }
        ListQuery::from_params(&params)
    }
}

/// One parameter of a search body as its query-string text (`None` when null).
fn search_param(name: &str, value: &Value) -> Result<Option<String>, ScimError> {
    let wrong = |what: &str| {
        Err(ScimError::bad_request(
            ScimType::InvalidValue,
            format!("`{name}` must be {what}."),
        ))
    };
    match (name, value) {
        (_, Value::Null) => Ok(None),
        ("filter", Value::String(s)) => Ok(Some(s.clone())),
        ("filter", _) => wrong("a string"),
        ("startIndex" | "count", Value::Number(n)) => match n.as_i64() {
            Some(i) => Ok(Some(i.to_string())),
            None => wrong("a whole number"),
        },
        ("startIndex" | "count", _) => wrong("a whole number"),
        (_, Value::Array(items)) => {
            let mut names = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(n) if !n.contains(',') => names.push(n),
                    _ => return wrong("an array of attribute names"),
                }
            }
            Ok(Some(names.join(",")))
        }
        // A comma-separated string, as in a query string: accepted too.
        (_, Value::String(s)) => Ok(Some(s.clone())),
        _ => wrong("an array of attribute names"),
    }
}
