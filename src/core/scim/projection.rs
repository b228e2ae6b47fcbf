//! The `attributes` and `excludedAttributes` query parameters (RFC 7644 §3.4.2.5): which
//! attributes of a resource a response carries.
//!
//! Names are attribute paths without value filters: `userName`, `name.givenName`,
//! `emails.value`, URN-qualified ones (`urn:…:enterprise:2.0:User:department`), or a whole
//! extension (`urn:…:enterprise:2.0:User`). `id` and `schemas` are always returned, `password`
//! never (RFC 7643 `returned: always` / `never`). When both parameters are given, `attributes`
//! wins and `excludedAttributes` is ignored: the RFC defines no combination, and the narrower
//! answer is the safe one.

use super::path::AttrPath;
use super::ScimError;
use crate::api::scim::ScimType;
use serde_json::{Map, Value};

/// Longest parameter value, in bytes.
pub const MAX_PROJECTION_LEN: usize = 4096;
/// Most names in one parameter.
pub const MAX_PROJECTION_NAMES: usize = 100;

/// A parsed `attributes` / `excludedAttributes` pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    only: bool,
    names: Vec<Name>,
}

#[derive(Debug, Clone, PartialEq)]
struct Name {
    raw: String,
    path: AttrPath,
}

/// Which parts of one attribute are asked for (or excluded).
struct Wanted<'a> {
    whole: bool,
    subs: Vec<&'a str>,
}

impl Projection {
    /// Everything (but `password`).
    pub fn all() -> Projection {
        Projection {
            only: false,
            names: Vec::new(),
        }
    }

    /// Reads the two query parameters (comma-separated names); a malformed name is
    /// `invalidSyntax`.
    pub fn parse(
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<Projection, ScimError> {
        let (only, list) = match (attributes, excluded) {
            (Some(a), _) if !a.trim().is_empty() => (true, a),
            (_, Some(e)) if !e.trim().is_empty() => (false, e),
            _ => return Ok(Projection::all()),
        };
        let param = if only {
            "attributes"
        } else {
            "excludedAttributes"
        };
        if list.len() > MAX_PROJECTION_LEN {
            return Err(ScimError::bad_request(
                ScimType::InvalidSyntax,
                format!("{param} is longer than {MAX_PROJECTION_LEN} bytes"),
            ));
        }
        let mut names = Vec::new();
        for raw in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if names.len() == MAX_PROJECTION_NAMES {
                return Err(ScimError::bad_request(
                    ScimType::InvalidSyntax,
                    format!("{param} names more than {MAX_PROJECTION_NAMES} attributes"),
                ));
            }
            let path = AttrPath::parse(raw)
                .ok()
                .filter(|p| p.filter.is_none())
                .ok_or_else(|| {
                    let shown: String = raw.chars().take(80).collect();
                    ScimError::bad_request(
                        ScimType::InvalidSyntax,
                        format!("{param}: {shown:?} is not an attribute name"),
                    )
                })?;
            names.push(Name {
                raw: raw.to_owned(),
                path,
            });
        }
        Ok(Projection { only, names })
    }

    /// `resource` with only the attributes asked for (or without those excluded).
    pub fn apply(&self, resource: &Value) -> Value {
        let Some(doc) = resource.as_object() else {
            return resource.clone();
        };
        let mut out = Map::new();
        for (key, v) in doc {
            if key.eq_ignore_ascii_case("password") {
                continue;
            }
            if key.eq_ignore_ascii_case("id") || key.eq_ignore_ascii_case("schemas") {
                out.insert(key.clone(), v.clone());
                continue;
            }
            let is_extension =
                key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) && v.is_object();
            let kept = if is_extension {
                self.extension(key, v)
            } else {
                self.attribute(self.wanted(None, key), v)
            };
            if let Some(kept) = kept {
                out.insert(key.clone(), kept);
            }
        }
        Value::Object(out)
    }

    /// An extension object: whole if named whole, else attribute by attribute.
    fn extension(&self, urn: &str, ext: &Value) -> Option<Value> {
        if self.names.iter().any(|n| n.raw.eq_ignore_ascii_case(urn)) {
            return self.only.then(|| ext.clone());
        }
        let attrs = ext.as_object()?;
        let mut out = Map::new();
        for (attr, v) in attrs {
            if let Some(kept) = self.attribute(self.wanted(Some(urn), attr), v) {
                out.insert(attr.clone(), kept);
            }
        }
        // An extension left empty by `attributes` goes; by `excludedAttributes` too.
        (!out.is_empty()).then_some(Value::Object(out))
    }

    /// What the names say about attribute `attr` (of extension `urn`, or the core).
    fn wanted(&self, urn: Option<&str>, attr: &str) -> Wanted<'_> {
        let mut w = Wanted {
            whole: false,
            subs: Vec::new(),
        };
        for n in &self.names {
            let same_schema = match (urn, &n.path.schema) {
                (None, _) => n.path.is_core(),
                (Some(u), Some(s)) => u.eq_ignore_ascii_case(s),
                (Some(_), None) => false,
            };
            if same_schema && n.path.attr.eq_ignore_ascii_case(attr) {
                match &n.path.sub_attr {
                    None => w.whole = true,
                    Some(s) => w.subs.push(s),
                }
            }
        }
        w
    }

    fn attribute(&self, w: Wanted<'_>, v: &Value) -> Option<Value> {
        if self.only {
            if w.whole || self.names.is_empty() {
                return Some(v.clone());
            }
            if w.subs.is_empty() {
                return None;
            }
            return map_subs(v, |o| {
                o.iter()
                    .filter(|(k, _)| w.subs.iter().any(|s| s.eq_ignore_ascii_case(k)))
                    .map(|(k, x)| (k.clone(), x.clone()))
                    .collect()
            });
        }
        if w.whole {
            return None;
        }
        if w.subs.is_empty() {
            return Some(v.clone());
        }
        map_subs(v, |o| {
            o.iter()
                .filter(|(k, _)| !w.subs.iter().any(|s| s.eq_ignore_ascii_case(k)))
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect()
        })
    }
}

/// Applies `keep` to a complex value, or to each element of a multi-valued one; drops what ends
/// empty. Sub-attributes of a simple value select nothing.
fn map_subs(v: &Value, keep: impl Fn(&Map<String, Value>) -> Map<String, Value>) -> Option<Value> {
    match v {
        Value::Object(o) => Some(keep(o)).filter(|m| !m.is_empty()).map(Value::Object),
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .filter_map(|e| e.as_object().map(&keep))
                .filter(|m| !m.is_empty())
                .map(Value::Object)
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::scim::SCHEMA_ENTERPRISE_USER;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", SCHEMA_ENTERPRISE_USER],
            "id": "u-1",
            "externalId": "ext-1",
            "userName": "ada@example.com",
            "password": "never shown",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [
                {"value": "ada@work.example", "type": "work", "primary": true},
                {"value": "ada@home.example", "type": "home"}
            ],
            "meta": {"resourceType": "User", "version": "W/\"1\""},
            SCHEMA_ENTERPRISE_USER: {"department": "Engines", "manager": {"value": "m-1", "displayName": "C B"}}
        })
    }

    fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
        Projection::parse(attributes, excluded)
            .unwrap_or_else(|e| panic!("{e}"))
            .apply(&user())
    }

    #[test]
    fn attributes_keep_only_what_is_named_plus_id_and_schemas() {
        let out = project(Some("userName"), None);
        assert_eq!(
            out,
            json!({"schemas": user()["schemas"], "id": "u-1", "userName": "ada@example.com"})
        );
        let out = project(Some("USERNAME, name.givenName ,emails.value"), None);
        assert_eq!(out["name"], json!({"givenName": "Ada"}));
        assert_eq!(
            out["emails"],
            json!([{"value": "ada@work.example"}, {"value": "ada@home.example"}])
        );
        assert!(out.get("meta").is_none() && out.get("externalId").is_none());
        let out = project(Some("name, name.givenName"), None);
        assert_eq!(out["name"], user()["name"]);
    }

    #[test]
    fn attributes_reach_extensions_by_qualified_name_or_whole() {
        let out = project(Some(&format!("{SCHEMA_ENTERPRISE_USER}:department")), None);
        assert_eq!(
            out[SCHEMA_ENTERPRISE_USER],
            json!({"department": "Engines"})
        );
        let out = project(
            Some(&format!("{SCHEMA_ENTERPRISE_USER}:manager.value")),
            None,
        );
        assert_eq!(
            out[SCHEMA_ENTERPRISE_USER],
            json!({"manager": {"value": "m-1"}})
        );
        let out = project(Some(SCHEMA_ENTERPRISE_USER), None);
        assert_eq!(out[SCHEMA_ENTERPRISE_USER], user()[SCHEMA_ENTERPRISE_USER]);
        assert!(out.get("userName").is_none());
        let out = project(
            Some("urn:ietf:params:scim:schemas:core:2.0:User:userName"),
            None,
        );
        assert_eq!(out["userName"], "ada@example.com");
        assert!(out.get(SCHEMA_ENTERPRISE_USER).is_none());
    }

    #[test]
    fn excluded_attributes_drop_what_is_named_but_never_id_or_schemas() {
        let out = project(None, Some("emails,name.familyName,id,schemas,meta.version"));
        assert!(out.get("emails").is_none());
        assert_eq!(out["name"], json!({"givenName": "Ada"}));
        assert_eq!(out["meta"], json!({"resourceType": "User"}));
        assert_eq!(
            (out["id"].as_str(), out["userName"].as_str()),
            (Some("u-1"), Some("ada@example.com"))
        );
        assert!(out["schemas"].is_array());
        let out = project(None, Some(SCHEMA_ENTERPRISE_USER));
        assert!(out.get(SCHEMA_ENTERPRISE_USER).is_none());
        let out = project(None, Some(&format!("{SCHEMA_ENTERPRISE_USER}:manager")));
        assert_eq!(
            out[SCHEMA_ENTERPRISE_USER],
            json!({"department": "Engines"})
        );
        // attributes wins over excludedAttributes.
        let out = project(Some("userName"), Some("userName"));
        assert_eq!(out["userName"], "ada@example.com");
    }

    #[test]
    fn no_parameters_return_everything_but_the_password() {
        let mut expected = user();
        expected.as_object_mut().map(|o| o.remove("password"));
        assert_eq!(project(None, None), expected);
        assert_eq!(project(Some(" "), Some("")), expected);
    }

    #[test]
    fn malformed_or_oversized_parameters_are_invalid_syntax() {
        for bad in ["emails[type eq \"work\"]", "a b", "1x"] {
            let e = Projection::parse(Some(bad), None).err();
            assert_eq!(
                e.and_then(|e| e.scim_type),
                Some(ScimType::InvalidSyntax),
                "{bad}"
            );
        }
        let many = vec!["a"; MAX_PROJECTION_NAMES + 1].join(",");
        let e = Projection::parse(None, Some(&many))
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(e.detail.contains("more than 100"), "{}", e.detail);
        assert!(Projection::parse(Some(&vec!["a"; MAX_PROJECTION_NAMES].join(",")), None).is_ok());
        let long = "a,".repeat(MAX_PROJECTION_LEN);
        let e = Projection::parse(Some(&long), None)
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(e.detail.contains("longer than 4096"), "{}", e.detail);
    }
}
