//! Attribute paths (RFC 7644 §3.5.2 `PATH`, and the `attrPath` of filters): `userName`,
//! `name.givenName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
//! `members[value eq "abc"]`, `emails[type eq "work"].value`; and the case-insensitive lookups
//! every SCIM attribute name needs.

use super::filter::{Filter, FilterError, Parser, MAX_FILTER_LEN};
use super::ScimError;
use crate::api::scim::{ScimType, CORE_SCHEMA_PREFIX, SCHEMA_ENTERPRISE_USER};
use serde_json::{Map, Value};

/// A path to an attribute, a sub-attribute, or the elements of a multi-valued attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrPath {
    /// The schema URN it is qualified with, as written (`urn:…:enterprise:2.0:User`).
    pub schema: Option<String>,
    /// The attribute name, as written.
    pub attr: String,
    /// The value filter between `[` and `]`, relative to each element.
    pub filter: Option<Box<Filter>>,
    /// The sub-attribute after the `.`.
    pub sub_attr: Option<String>,
}

impl AttrPath {
    /// Parses a PATCH `path`; a malformed one is `invalidPath`. Bounded like filters.
    pub fn parse(src: &str) -> Result<AttrPath, ScimError> {
        parse_path(src)
            .map_err(|e| ScimError::bad_request(ScimType::InvalidPath, path_detail(src, e)))
    }

    /// Whether it names `name` (`userName`, `emails.value`, any case) in the core schema, without a
    /// value filter: for the server to pick an indexed column.
    pub fn is(&self, name: &str) -> bool {
        let (attr, sub) = match name.split_once('.') {
            Some((a, s)) => (a, Some(s)),
            None => (name, None),
        };
        self.filter.is_none()
            && self.schema.as_deref().is_none_or(is_core_schema)
            && self.attr.eq_ignore_ascii_case(attr)
            && match (&self.sub_attr, sub) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
    }

    /// In the core schema (no URN, or a core one): the attribute lives at the top of the document.
    pub fn is_core(&self) -> bool {
        self.schema.as_deref().is_none_or(is_core_schema)
    }

    /// `id`, `externalId` and `meta.version` compare case-sensitively (RFC 7643 `caseExact`).
    pub fn is_case_exact(&self) -> bool {
        if !self.is_core() {
            return false;
        }
        match &self.sub_attr {
            None => {
                self.attr.eq_ignore_ascii_case("id") || self.attr.eq_ignore_ascii_case("externalId")
            }
            Some(sub) => {
                self.attr.eq_ignore_ascii_case("meta") && sub.eq_ignore_ascii_case("version")
            }
        }
    }
}

fn parse_path(src: &str) -> Result<AttrPath, FilterError> {
    if src.len() > MAX_FILTER_LEN {
        return Err(FilterError::TooLong(src.len()));
    }
    let mut p = Parser::new(src);
    p.skip_ws();
    if p.eof() {
        return Err(FilterError::Empty);
    }
    let path = p.attr_path()?;
    p.skip_ws();
    if !p.eof() {
        return Err(p.error("unexpected text after the path"));
    }
    Ok(path)
}

fn path_detail(src: &str, e: FilterError) -> String {
    match e {
        FilterError::Empty => "the path is empty".to_owned(),
        e => {
            let shown: String = src.chars().take(80).collect();
            format!("invalid path {shown:?}: {e}")
        }
    }
}

/// Whether `urn` is a core schema (`urn:ietf:params:scim:schemas:core:…`), whose attributes
/// live at the top level of a resource.
pub fn is_core_schema(urn: &str) -> bool {
    urn.get(..CORE_SCHEMA_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(CORE_SCHEMA_PREFIX))
}

/// Whether `key` names a whole schema extension of `doc` (its value is that extension's
/// object) rather than a URN-qualified attribute: it is a key of `doc` already, or listed in its
/// `schemas`, or the enterprise User extension, or it ends in `:User` / `:Group` as every
/// extension schema IdPs send does.
pub fn is_schema_key(doc: &Map<String, Value>, key: &str) -> bool {
    if !key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return false;
    }
    let listed = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(key));
    key.eq_ignore_ascii_case(SCHEMA_ENTERPRISE_USER)
        || key_ci(doc, key).is_some()
        || doc
            .get("schemas")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(listed))
        || key
            .rsplit_once(':')
            .is_some_and(|(_, last)| last == "User" || last == "Group")
}

/// `obj[name]`, the name compared case-insensitively (an exact match first).
pub fn get_ci<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    let map = obj.as_object()?;
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The key under which `map` holds `name` (any case), if it does.
pub fn key_ci(map: &Map<String, Value>, name: &str) -> Option<String> {
    if map.contains_key(name) {
        return Some(name.to_owned());
    }
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::scim::SCHEMA_USER;
    use serde_json::json;

    #[test]
    fn paths_split_into_schema_attribute_filter_and_sub_attribute() {
        let p = AttrPath::parse("name.givenName").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (p.schema, p.attr.as_str(), p.sub_attr.as_deref()),
            (None, "name", Some("givenName"))
        );

        let p = AttrPath::parse(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.schema.as_deref(), Some(SCHEMA_ENTERPRISE_USER));
        assert_eq!(
            (p.attr.as_str(), p.sub_attr.as_deref()),
            ("manager", Some("value"))
        );
        assert!(!p.is_core());

        let p =
            AttrPath::parse(r#"emails[type eq "work"].value"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (p.attr.as_str(), p.sub_attr.as_deref()),
            ("emails", Some("value"))
        );
        let f = p.filter.unwrap_or_else(|| panic!("no filter"));
        assert!(f.matches(&json!({"type": "Work"})));
        assert!(!f.matches(&json!({"type": "home"})));

        let p =
            AttrPath::parse(&format!("{SCHEMA_USER}:userName")).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.is("USERNAME") && p.is_core());
    }

    #[test]
    fn malformed_paths_are_invalid_path() {
        for bad in [
            "",
            "  ",
            "name..x",
            "emails[type eq \"work\"",
            "1abc",
            "a b",
            "emails[type eq]",
            "a.b.c",
        ] {
            let e = AttrPath::parse(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad:?} parsed"));
            assert_eq!(e.scim_type, Some(ScimType::InvalidPath), "{bad:?}");
            assert_eq!(e.status, 400);
        }
        let long = "a".repeat(MAX_FILTER_LEN + 1);
        let e = AttrPath::parse(&long)
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        assert!(e.detail.contains("4097 bytes"), "{}", e.detail);
    }

    #[test]
    fn schema_keys_are_told_from_qualified_attributes() {
        let doc = json!({"schemas": [SCHEMA_USER, "urn:example:custom"], "urn:example:other": {}});
        let doc = doc.as_object().cloned().unwrap_or_default();
        assert!(is_schema_key(&doc, SCHEMA_ENTERPRISE_USER));
        assert!(is_schema_key(&doc, "urn:example:custom"));
        assert!(is_schema_key(&doc, "URN:EXAMPLE:OTHER"));
        assert!(is_schema_key(
            &doc,
            "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
        ));
        assert!(!is_schema_key(
            &doc,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
        ));
        assert!(!is_schema_key(&doc, "userName"));
    }

    #[test]
    fn lookups_ignore_case_but_prefer_an_exact_key() {
        let doc = json!({"UserName": "a", "username": "b"});
        assert_eq!(get_ci(&doc, "username"), Some(&json!("b")));
        assert_eq!(
            get_ci(&json!({"UserName": "a"}), "USERNAME"),
            Some(&json!("a"))
        );
        let map = doc.as_object().cloned().unwrap_or_default();
        assert_eq!(
            key_ci(&map, "USERname")
                .as_deref()
                .map(|k| k.to_lowercase()),
            Some("username".into())
        );
        assert_eq!(key_ci(&map, "other"), None);
    }
}
