//! The SCIM discovery documents (RFC 7643 §5–7, RFC 7644 §4): what this service provider
//! supports (`ServiceProviderConfig`), its resource types, and the schemas of its users and
//! groups. The schemas are tables, so a supported attribute is one row.

use serde_json::{json, Value};

/// Schema URNs.
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core group schema.
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise user extension.
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Most results one list request returns (`count` above it is cut to it).
pub const MAX_RESULTS: i64 = 200;

/// An attribute: name, type, multi-valued, required, case-exact, mutability, uniqueness,
/// sub-attributes.
struct Attr {
    name: &'static str,
    kind: &'static str,
    multi: bool,
    required: bool,
    case_exact: bool,
    mutability: &'static str,
    uniqueness: &'static str,
    sub: &'static [Attr],
}

const fn s(name: &'static str) -> Attr {
    Attr {
        name,
        kind: "string",
        multi: false,
        required: false,
        case_exact: false,
        mutability: "readWrite",
        uniqueness: "none",
        sub: &[],
    }
}

const fn b(name: &'static str) -> Attr {
    Attr {
        kind: "boolean",
        ..s(name)
    }
}

const fn complex(name: &'static str, multi: bool, sub: &'static [Attr]) -> Attr {
    Attr {
        kind: "complex",
        multi,
        sub,
        ..s(name)
    }
}

/// `value`, `display`, `type`, `primary` of a multi-valued attribute.
const MULTI: &[Attr] = &[s("value"), s("display"), s("type"), b("primary")];

const USER_ATTRS: &[Attr] = &[
    Attr {
        required: true,
        uniqueness: "server",
        ..s("userName")
    },
    complex(
        "name",
        false,
        &[
            s("formatted"),
            s("familyName"),
            s("givenName"),
            s("middleName"),
            s("honorificPrefix"),
            s("honorificSuffix"),
        ],
    ),
    s("displayName"),
    s("nickName"),
    s("profileUrl"),
    s("title"),
    s("userType"),
    s("preferredLanguage"),
    s("locale"),
    s("timezone"),
    b("active"),
    complex("emails", true, MULTI),
    complex("phoneNumbers", true, MULTI),
    complex(
        "addresses",
        true,
        &[
            s("formatted"),
            s("streetAddress"),
            s("locality"),
            s("region"),
            s("postalCode"),
            s("country"),
            s("type"),
            b("primary"),
        ],
    ),
    Attr {
        mutability: "readOnly",
        ..complex(
            "groups",
            true,
            &[s("value"), s("$ref"), s("display"), s("type")],
        )
    },
    complex("roles", true, MULTI),
];

const GROUP_ATTRS: &[Attr] = &[
    Attr {
        required: true,
        ..s("displayName")
    },
    complex(
        "members",
        true,
        &[s("value"), s("$ref"), s("display"), s("type")],
    ),
];

const ENTERPRISE_ATTRS: &[Attr] = &[
    s("employeeNumber"),
    s("costCenter"),
    s("organization"),
    s("division"),
    s("department"),
    complex("manager", false, &[s("value"), s("$ref"), s("displayName")]),
];

fn attr_json(a: &Attr) -> Value {
    let mut v = json!({
        "name": a.name,
        "type": a.kind,
        "multiValued": a.multi,
        "description": "",
        "required": a.required,
        "caseExact": a.case_exact,
        "mutability": a.mutability,
        "returned": "default",
        "uniqueness": a.uniqueness,
    });
    if !a.sub.is_empty() {
        v["subAttributes"] = a.sub.iter().map(attr_json).collect();
    }
    v
}

fn schema(id: &str, name: &str, description: &str, attrs: &[Attr], base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(attr_json).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

/// Every schema, with `base` the directory's SCIM base URL.
pub fn all(base: &str) -> Vec<Value> {
    vec![
        schema(
            USER,
            "User",
            "A user of the organization's directory",
            USER_ATTRS,
            base,
        ),
        schema(
            ENTERPRISE_USER,
            "EnterpriseUser",
            "Enterprise attributes of a user",
            ENTERPRISE_ATTRS,
            base,
        ),
        schema(
            GROUP,
            "Group",
            "A group of the organization's directory",
            GROUP_ATTRS,
            base,
        ),
    ]
}

/// The resource types.
pub fn resource_types(base: &str) -> Vec<Value> {
    let rt = |id: &str, endpoint: &str, schema: &str, ext: Option<&str>| {
        let mut v = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": id,
            "name": id,
            "endpoint": endpoint,
            "description": format!("{id}s of the organization's directory"),
            "schema": schema,
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{id}")},
        });
        if let Some(e) = ext {
            v["schemaExtensions"] = json!([{ "schema": e, "required": false }]);
        }
        v
    };
    vec![
        rt("User", "/Users", USER, Some(ENTERPRISE_USER)),
        rt("Group", "/Groups", GROUP, None),
    ]
}

/// What this service provider supports (RFC 7643 §5).
pub fn service_provider_config(base: &str, docs: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": docs,
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "The token the portal or the vendor API gave you, in an \
                Authorization: Bearer header",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_schema_makes_user_name_required_and_unique_and_groups_read_only() {
        let all = all("https://p.test/scim/v2/dir_1");
        let user = &all[0];
        assert_eq!(user["id"], USER);
        let attr = |n: &str| {
            user["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["name"] == n)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (
                attr("userName")["required"].clone(),
                attr("userName")["uniqueness"].clone()
            ),
            (json!(true), json!("server"))
        );
        assert_eq!(attr("groups")["mutability"], "readOnly");
        assert_eq!(attr("emails")["subAttributes"].as_array().unwrap().len(), 4);
        assert_eq!(all[2]["attributes"][0]["name"], "displayName");
        assert_eq!(
            resource_types("b")[0]["schemaExtensions"][0]["schema"],
            ENTERPRISE_USER
        );
        assert_eq!(
            service_provider_config("b", "d")["patch"]["supported"],
            true
        );
    }
}
