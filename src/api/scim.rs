//! SCIM 2.0 protocol bodies (RFC 7643, RFC 7644) as the directory endpoints speak them: the error
//! body, list responses and PATCH requests, and the schema URNs.
//!
//! These are the IdP-facing shapes (camelCase, as the RFCs spell them); the vendor-facing,
//! normalized directory types are in [`crate::api::directory`]. Resources themselves (Users,
//! Groups) travel as `serde_json::Value`: IdPs send extension attributes Portico keeps verbatim.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The core User schema.
pub const SCHEMA_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema.
pub const SCHEMA_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension (RFC 7643 §4.3): `employeeNumber`, `department`, `manager`…
pub const SCHEMA_ENTERPRISE_USER: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// A list response (RFC 7644 §3.4.2).
pub const SCHEMA_LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// A PATCH request (RFC 7644 §3.5.2).
pub const SCHEMA_PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// An error body (RFC 7644 §3.12).
pub const SCHEMA_ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// The service provider configuration (RFC 7643 §5).
pub const SCHEMA_SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// A resource type (RFC 7643 §6).
pub const SCHEMA_RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// A schema definition (RFC 7643 §7).
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
/// Every core schema URN starts with this: attributes qualified by one live at the top level.
pub const CORE_SCHEMA_PREFIX: &str = "urn:ietf:params:scim:schemas:core:";

/// The `scimType` of an error body: RFC 7644 §3.12, table 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ScimType {
    /// The filter syntax is invalid, or an attribute or operator is not supported (400).
    InvalidFilter,
    /// The filter yields more results than the service provider will process (400).
    TooMany,
    /// One or more attribute values are already in use or reserved (409).
    Uniqueness,
    /// The change is incompatible with an attribute's mutability (400).
    Mutability,
    /// The request body is not parsable or violates the schema (400).
    InvalidSyntax,
    /// The `path` attribute of a PATCH operation is invalid or malformed (400).
    InvalidPath,
    /// The `path` did not yield an attribute or value that could be operated on (400).
    NoTarget,
    /// A required value is missing, or the value is not compatible with the attribute (400).
    InvalidValue,
    /// The specified SCIM protocol version is not supported (400).
    InvalidVers,
    /// The request cannot be completed because of sensitive information in the URI (403).
    Sensitive,
}

impl ScimType {
    /// The name on the wire, e.g. `invalidFilter`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
        }
    }
}

/// An error body (RFC 7644 §3.12). `status` is the HTTP status code as a string, as the RFC says
/// (Entra ID's validator rejects a number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ScimErrorBody {
    /// `["urn:ietf:params:scim:api:messages:2.0:Error"]`.
    pub schemas: Vec<String>,
    /// The HTTP status code, as a string (`"400"`).
    pub status: String,
    /// The SCIM detail error keyword, for the 400s and 409s that have one.
    #[serde(rename = "scimType", default, skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimType>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ScimErrorBody {
    /// The body for `status`, with its keyword and message.
    pub fn new(
        status: u16,
        scim_type: Option<ScimType>,
        detail: impl Into<String>,
    ) -> ScimErrorBody {
        let detail = detail.into();
        ScimErrorBody {
            schemas: vec![SCHEMA_ERROR.to_owned()],
            status: status.to_string(),
            scim_type,
            detail: (!detail.is_empty()).then_some(detail),
        }
    }
}

/// A page of resources (RFC 7644 §3.4.2): what a list or a search returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ListResponse<T> {
    /// `["urn:ietf:params:scim:api:messages:2.0:ListResponse"]`.
    pub schemas: Vec<String>,
    /// How many resources matched in all (not only on this page).
    #[serde(rename = "totalResults")]
    pub total_results: u64,
    /// The 1-based index of the first resource of this page.
    #[serde(rename = "startIndex")]
    pub start_index: u64,
    /// How many resources this page holds.
    #[serde(rename = "itemsPerPage")]
    pub items_per_page: u64,
    /// The resources of this page.
    #[serde(rename = "Resources", default)]
    pub resources: Vec<T>,
}

impl<T> ListResponse<T> {
    /// A page starting at the 1-based `start_index`, of `total_results` matches in all.
    pub fn new(resources: Vec<T>, total_results: u64, start_index: u64) -> ListResponse<T> {
        ListResponse {
            schemas: vec![SCHEMA_LIST_RESPONSE.to_owned()],
            total_results,
            start_index,
            items_per_page: resources.len() as u64,
            resources,
        }
    }
}

/// A PATCH request body (RFC 7644 §3.5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct PatchRequest {
    /// `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// The operations, applied in order, all or nothing.
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<PatchOperation>,
}

/// One operation of a PATCH request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct PatchOperation {
    /// `add`, `replace` or `remove`, in any case (Entra ID sends `"Replace"`).
    pub op: PatchOpKind,
    /// The attribute path (RFC 7644 §3.5.2 `PATH`); absent means the value is an object of
    /// attributes to add or replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Any JSON value; absent (or `null`) for most removals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// What a PATCH operation does. Read in any letter case; written lower-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchOpKind {
    /// Adds values (appends to multi-valued attributes).
    Add,
    /// Replaces values.
    Replace,
    /// Removes values.
    Remove,
}

impl PatchOpKind {
    /// The lower-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PatchOpKind::Add => "add",
            PatchOpKind::Replace => "replace",
            PatchOpKind::Remove => "remove",
        }
    }

    /// Reads `add`, `replace` or `remove` in any letter case.
    pub fn parse(s: &str) -> Option<PatchOpKind> {
        [PatchOpKind::Add, PatchOpKind::Replace, PatchOpKind::Remove]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

impl Serialize for PatchOpKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PatchOpKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        PatchOpKind::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown PATCH op {:?}: expected add, replace or remove",
                s
            ))
        })
    }
}

#[cfg(feature = "server")]
impl schemars::JsonSchema for PatchOpKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PatchOpKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "`add`, `replace` or `remove`, in any letter case."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_body_has_the_status_as_a_string_and_omits_what_is_absent() {
        let body = ScimErrorBody::new(409, Some(ScimType::Uniqueness), "userName is taken");
        let v = serde_json::to_value(&body).unwrap_or_default();
        assert_eq!(
            v,
            json!({"schemas": [SCHEMA_ERROR], "status": "409", "scimType": "uniqueness", "detail": "userName is taken"})
        );
        let bare = serde_json::to_value(ScimErrorBody::new(404, None, "")).unwrap_or_default();
        assert_eq!(bare, json!({"schemas": [SCHEMA_ERROR], "status": "404"}));
    }

    #[test]
    fn scim_types_use_the_rfc_names() {
        for (t, name) in [
            (ScimType::InvalidFilter, "invalidFilter"),
            (ScimType::TooMany, "tooMany"),
            (ScimType::Uniqueness, "uniqueness"),
            (ScimType::Mutability, "mutability"),
            (ScimType::InvalidSyntax, "invalidSyntax"),
            (ScimType::InvalidPath, "invalidPath"),
            (ScimType::NoTarget, "noTarget"),
            (ScimType::InvalidValue, "invalidValue"),
            (ScimType::InvalidVers, "invalidVers"),
            (ScimType::Sensitive, "sensitive"),
        ] {
            assert_eq!(serde_json::to_value(t).unwrap_or_default(), json!(name));
            assert_eq!(t.as_str(), name);
        }
    }

    #[test]
    fn list_response_uses_the_rfc_field_names() {
        let page = ListResponse::new(vec![json!({"id": "a"}), json!({"id": "b"})], 7, 3);
        let v = serde_json::to_value(&page).unwrap_or_default();
        assert_eq!(v["totalResults"], 7);
        assert_eq!(v["startIndex"], 3);
        assert_eq!(v["itemsPerPage"], 2);
        assert_eq!(v["Resources"][1]["id"], "b");
        assert_eq!(v["schemas"][0], SCHEMA_LIST_RESPONSE);
    }

    #[test]
    fn patch_ops_are_read_in_any_case_as_entra_sends_them() {
        let body = json!({
            "schemas": [SCHEMA_PATCH_OP],
            "Operations": [
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "ADD", "value": {"displayName": "x"}},
                {"op": "remove", "path": "members", "value": [{"value": "u1"}]}
            ]
        });
        let req: PatchRequest = serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"));
        let ops: Vec<_> = req.operations.iter().map(|o| o.op).collect();
        assert_eq!(
            ops,
            [PatchOpKind::Replace, PatchOpKind::Add, PatchOpKind::Remove]
        );
        assert_eq!(req.operations[0].path.as_deref(), Some("active"));
        assert_eq!(req.operations[1].path, None);
        assert_eq!(req.operations[2].value, Some(json!([{"value": "u1"}])));
        let bad = serde_json::from_value::<PatchRequest>(json!({"Operations": [{"op": "move"}]}));
        assert!(bad.is_err());
        let out = serde_json::to_value(&req.operations[0]).unwrap_or_default();
        assert_eq!(out["op"], "replace");
    }
}
