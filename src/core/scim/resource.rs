//! Reading a SCIM User or Group document (as POSTed, PUT, or after a PATCH) into the plain fields
//! Portico stores and the vendor API returns, with the checks RFC 7643 and common sense ask for.
//!
//! Lenient where IdPs differ harmlessly (`active` as `"False"`, empty strings meaning absent, an
//! enterprise `manager` given as a bare string), strict where a wrong value would be stored:
//! a missing or over-long `userName`, wrong JSON types, control characters.

use super::patch::string_bool;
use super::path::{get_ci, is_core_schema};
use super::ScimError;
use crate::api::scim::{ScimType, SCHEMA_ENTERPRISE_USER};
use serde_json::{Map, Value};

/// Longest `userName` and group `displayName`, in characters.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest other string attribute, in characters.
pub const MAX_VALUE_CHARS: usize = 1024;
/// Most extension attributes kept in `custom` per user.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 200;
/// Largest document kept per user or group, in bytes of JSON (a group's members aside: they are
/// rows of their own). A real user is a few KiB even with many extension attributes; the cap
/// keeps one user from costing every read, filter scan and event that carries it.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// Most members in one Group document. Okta sends a group's whole membership with PUT, and an
/// "all employees" group of a large company has tens of thousands of members; 100,000 members is
/// about 6 MB of JSON, within what a SCIM Group request may carry, and bounds the work (and the
/// memory) of one request. IdPs change larger groups through PATCH in batches.
pub const MAX_GROUP_MEMBERS: usize = 100_000;

/// The enterprise User extension's fields (RFC 7643 §4.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnterpriseFields {
    /// `employeeNumber`.
    pub employee_number: Option<String>,
    /// `department`.
    pub department: Option<String>,
    /// `manager.value`: the manager's id.
    pub manager_id: Option<String>,
    /// `costCenter`.
    pub cost_center: Option<String>,
    /// `organization`.
    pub organization: Option<String>,
    /// `division`.
    pub division: Option<String>,
}

/// A SCIM User, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimUser {
    /// `userName`: required, unique per directory.
    pub user_name: String,
    /// `externalId`: the IdP's id for the user.
    pub external_id: Option<String>,
    /// `active`; true when absent.
    pub active: bool,
    /// The primary email, else the `work` one, else the first.
    pub email: Option<String>,
    /// `name.givenName`.
    pub given_name: Option<String>,
    /// `name.familyName`.
    pub family_name: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// The enterprise extension's fields.
    pub enterprise: EnterpriseFields,
    /// Every other extension attribute, keyed `urn:…:attr` (the schema URN, a colon, the name).
    pub custom: Map<String, Value>,
}

/// A member of a SCIM Group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    /// `value`: the member's `id` at Portico.
    pub value: String,
    /// `display`, if sent.
    pub display: Option<String>,
}

/// A SCIM Group, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimGroup {
    /// `displayName`: required.
    pub display_name: String,
    /// `externalId`: the IdP's id for the group.
    pub external_id: Option<String>,
    /// `members`, each once, in the order sent.
    pub members: Vec<GroupMember>,
}

/// Reads a User document.
pub fn parse_user(doc: &Value) -> Result<ScimUser, ScimError> {
    if !doc.is_object() {
        return Err(syntax("the User must be a JSON object"));
    }
    let user_name = required_name(doc, "userName")?;
    let name = get_ci(doc, "name").filter(|v| !v.is_null());
    if name.is_some_and(|n| !n.is_object()) {
        return Err(syntax("name must be an object"));
    }
    let active = match get_ci(doc, "active") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => string_bool(s).ok_or_else(|| {
            invalid(format!(
                "active must be true or false, not {:?}",
                truncate(s)
            ))
        })?,
        Some(_) => return Err(invalid("active must be true or false")),
    };
    let enterprise_doc = get_ci(doc, SCHEMA_ENTERPRISE_USER).filter(|v| !v.is_null());
    let enterprise = match enterprise_doc {
        None => EnterpriseFields::default(),
        Some(Value::Object(_)) => {
            let e = enterprise_doc.unwrap_or(&Value::Null);
            let manager_id = match get_ci(e, "manager") {
                None | Some(Value::Null) => None,
                Some(m @ Value::Object(_)) => opt_string(m, "value", "manager.value")?,
                // Some IdPs send the manager's id bare.
                Some(Value::String(s)) => checked("manager", s)?,
                Some(_) => return Err(syntax("manager must be an object with a value")),
            };
            EnterpriseFields {
                employee_number: opt_string(e, "employeeNumber", "employeeNumber")?,
                department: opt_string(e, "department", "department")?,
                manager_id,
                cost_center: opt_string(e, "costCenter", "costCenter")?,
                organization: opt_string(e, "organization", "organization")?,
                division: opt_string(e, "division", "division")?,
            }
        }
        Some(_) => {
            return Err(syntax(format!(
                "{SCHEMA_ENTERPRISE_USER} must be an object"
            )))
        }
    };
    Ok(ScimUser {
        user_name,
        external_id: opt_string(doc, "externalId", "externalId")?,
        active,
        email: pick_email(doc)?,
        given_name: match name {
            Some(n) => opt_string(n, "givenName", "name.givenName")?,
            None => None,
        },
        family_name: match name {
            Some(n) => opt_string(n, "familyName", "name.familyName")?,
            None => None,
        },
        display_name: opt_string(doc, "displayName", "displayName")?,
        enterprise,
        custom: custom_attributes(doc)?,
    })
}

/// Reads a Group document.
pub fn parse_group(doc: &Value) -> Result<ScimGroup, ScimError> {
    if !doc.is_object() {
        return Err(syntax("the Group must be a JSON object"));
    }
    let display_name = required_name(doc, "displayName")?;
    let members = match get_ci(doc, "members") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            if items.len() > MAX_GROUP_MEMBERS {
                return Err(invalid(format!(
                    "the Group has {} members; at most {MAX_GROUP_MEMBERS} are accepted in one request",
                    items.len()
                )));
            }
            let mut seen = std::collections::HashSet::new();
            let mut members = Vec::with_capacity(items.len());
            for item in items {
                if !item.is_object() {
                    return Err(syntax("each member must be an object with a value"));
                }
                let Some(value) = opt_string(item, "value", "members.value")? else {
                    return Err(invalid("a member has no value"));
                };
                let display = opt_string(item, "display", "members.display")?;
                if seen.insert(value.clone()) {
                    members.push(GroupMember { value, display });
                }
            }
            members
        }
        Some(_) => return Err(syntax("members must be an array")),
    };
    Ok(ScimGroup {
        display_name,
        external_id: opt_string(doc, "externalId", "externalId")?,
        members,
    })
}

fn syntax(detail: impl Into<String>) -> ScimError {
    ScimError::bad_request(ScimType::InvalidSyntax, detail)
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad_request(ScimType::InvalidValue, detail)
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn required_name(doc: &Value, attr: &str) -> Result<String, ScimError> {
    let s = match get_ci(doc, attr) {
        None | Some(Value::Null) => return Err(invalid(format!("{attr} is required"))),
        Some(Value::String(s)) => s,
        Some(_) => return Err(syntax(format!("{attr} must be a string"))),
    };
    if s.trim().is_empty() {
        return Err(invalid(format!("{attr} is required and must not be blank")));
    }
    if s.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!(
            "{attr} is longer than {MAX_NAME_CHARS} characters"
        )));
    }
    if s.chars().any(char::is_control) {
        return Err(invalid(format!("{attr} contains control characters")));
    }
    Ok(s.clone())
}

/// A string attribute: absent, null and `""` are none; other types are `invalidSyntax`.
fn opt_string(obj: &Value, attr: &str, label: &str) -> Result<Option<String>, ScimError> {
    match get_ci(obj, attr) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => checked(label, s),
        Some(_) => Err(syntax(format!("{label} must be a string"))),
    }
}

fn checked(label: &str, s: &str) -> Result<Option<String>, ScimError> {
    if s.chars().count() > MAX_VALUE_CHARS {
        return Err(invalid(format!(
            "{label} is longer than {MAX_VALUE_CHARS} characters"
        )));
    }
    if s.chars().any(char::is_control) {
        return Err(invalid(format!("{label} contains control characters")));
    }
    Ok((!s.trim().is_empty()).then(|| s.to_owned()))
}

fn pick_email(doc: &Value) -> Result<Option<String>, ScimError> {
    let emails = match get_ci(doc, "emails") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(syntax("emails must be an array")),
    };
    let mut read = Vec::with_capacity(emails.len());
    for e in emails {
        if !e.is_object() {
            return Err(syntax("each email must be an object with a value"));
        }
        let primary = match get_ci(e, "primary") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => string_bool(s) == Some(true),
            _ => false,
        };
        let work = get_ci(e, "type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("work"));
        if let Some(value) = opt_string(e, "value", "emails.value")? {
            read.push((value, primary, work));
        }
    }
    let chosen = read
        .iter()
        .position(|e| e.1)
        .or_else(|| read.iter().position(|e| e.2))
        .or(if read.is_empty() { None } else { Some(0) });
    Ok(chosen.map(|i| read.swap_remove(i).0))
}

/// Every extension attribute but the enterprise extension's own fields, keyed `urn:…:attr`.
fn custom_attributes(doc: &Value) -> Result<Map<String, Value>, ScimError> {
    const ENTERPRISE_KNOWN: [&str; 6] = [
        "employeeNumber",
        "department",
        "manager",
        "costCenter",
        "organization",
        "division",
    ];
    let mut custom = Map::new();
    let Some(obj) = doc.as_object() else {
        return Ok(custom);
    };
    for (key, v) in obj {
        if !key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) || is_core_schema(key) {
            continue;
        }
        let enterprise = key.eq_ignore_ascii_case(SCHEMA_ENTERPRISE_USER);
        match v {
            Value::Object(attrs) => {
                for (attr, x) in attrs {
                    if enterprise
                        && ENTERPRISE_KNOWN
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(attr))
                    {
                        continue;
                    }
                    custom.insert(format!("{key}:{attr}"), x.clone());
                }
            }
            Value::Null => {}
            // A URN-qualified attribute written at the top level.
            x => {
                custom.insert(key.clone(), x.clone());
            }
        }
        if custom.len() > MAX_CUSTOM_ATTRIBUTES {
            return Err(invalid(format!(
                "more than {MAX_CUSTOM_ATTRIBUTES} extension attributes"
            )));
        }
    }
    Ok(custom)
}

#[cfg(test)]
mod tests;
