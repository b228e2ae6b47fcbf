//! Attribute paths (RFC 7644 §3.5.2 `PATH`, and the `attrPath` of filters): `userName`,
//! `name.givenName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
//! `members[value eq "abc"]`, `emails[type eq "work"].value`; and the case-insensitive lookups
//! every SCIM attribute name needs.

pub use super::filter::{get_ci, is_core_schema, AttrPath};
use super::filter::{FilterError, Parser, MAX_FILTER_LEN};
use super::ScimError;
use crate::api::scim::{ScimType, SCHEMA_ENTERPRISE_USER};
use serde_json::{Map, Value};

impl AttrPath {
    /// Parses a PATCH `path`; a malformed one is `invalidPath`. Bounded like filters.
    pub fn parse(src: &str) -> Result<AttrPath, ScimError> {
        parse_path(src)
            .map_err(|e| ScimError::bad_request(ScimType::InvalidPath, path_detail(src, e)))
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
