use super::*;
use serde_json::json;

fn user_ok(doc: Value) -> ScimUser {
    parse_user(&doc).unwrap_or_else(|e| panic!("{e}"))
}

fn user_err(doc: Value) -> ScimError {
    parse_user(&doc).err().unwrap_or_else(|| panic!("accepted"))
}

#[test]
fn okta_full_user_document() {
    let u = user_ok(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "isaac.brock@example.com",
        "name": {"givenName": "Isaac", "familyName": "Brock"},
        "emails": [{"primary": true, "value": "isaac.brock@example.com", "type": "work"}],
        "displayName": "Isaac Brock",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": true
    }));
    assert_eq!(u.user_name, "isaac.brock@example.com");
    assert_eq!(u.external_id.as_deref(), Some("00ujl29u0le5T6Aj10h7"));
    assert!(u.active);
    assert_eq!(u.email.as_deref(), Some("isaac.brock@example.com"));
    assert_eq!(
        (u.given_name.as_deref(), u.family_name.as_deref()),
        (Some("Isaac"), Some("Brock"))
    );
    assert_eq!(u.display_name.as_deref(), Some("Isaac Brock"));
    assert!(u.custom.is_empty());
    assert_eq!(u.enterprise, EnterpriseFields::default());
}

#[test]
fn entra_user_with_string_boolean_and_extensions() {
    let u = user_ok(json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
        ],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
        "active": "False",
        "emails": [
            {"primary": "False", "type": "home", "value": "home@example.com"},
            {"type": "work", "value": "Test_User_fd0ea19b@testuser.com"}
        ],
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"},
            "badgeColour": "blue"
        },
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User": {"shirtSize": "M", "floors": [3, 4]},
        "urn:example:qualified:attr": true
    }));
    assert!(!u.active);
    assert_eq!(u.email.as_deref(), Some("Test_User_fd0ea19b@testuser.com"));
    assert_eq!(
        u.enterprise,
        EnterpriseFields {
            employee_number: Some("701984".into()),
            department: Some("Tour Operations".into()),
            manager_id: Some("26118915-6090-4610-87e4-49d8ca9f808d".into()),
            cost_center: Some("4130".into()),
            organization: Some("Universal Studios".into()),
            division: Some("Theme Park".into()),
        }
    );
    let keys: Vec<&str> = u.custom.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "urn:example:qualified:attr",
            "urn:ietf:params:scim:schemas:extension:acme:2.0:User:floors",
            "urn:ietf:params:scim:schemas:extension:acme:2.0:User:shirtSize",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:badgeColour",
        ]
    );
    assert_eq!(
        u.custom["urn:ietf:params:scim:schemas:extension:acme:2.0:User:floors"],
        json!([3, 4])
    );
}

#[test]
fn email_choice_is_primary_then_work_then_first() {
    let pick = |emails: Value| user_ok(json!({"userName": "u", "emails": emails})).email;
    assert_eq!(
        pick(
            json!([{"value": "a", "type": "home"}, {"value": "b", "type": "work"}, {"value": "c", "primary": true}])
        ),
        Some("c".into())
    );
    assert_eq!(
        pick(json!([{"value": "a", "type": "home"}, {"value": "b", "type": "Work"}])),
        Some("b".into())
    );
    assert_eq!(
        pick(json!([{"value": "a", "type": "home"}, {"value": "b"}])),
        Some("a".into())
    );
    assert_eq!(
        pick(json!([{"value": "", "primary": true}, {"value": "b"}])),
        Some("b".into())
    );
    assert_eq!(pick(json!([])), None);
}

#[test]
fn active_defaults_to_true_and_rejects_nonsense() {
    assert!(user_ok(json!({"userName": "u"})).active);
    assert!(user_ok(json!({"userName": "u", "active": "TRUE"})).active);
    for bad in [json!("yes"), json!(0)] {
        let e = user_err(json!({"userName": "u", "active": bad}));
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    }
}

#[test]
fn user_name_is_required_and_bounded() {
    for (doc, t, words) in [
        (json!({}), ScimType::InvalidValue, "userName is required"),
        (json!({"userName": "  "}), ScimType::InvalidValue, "blank"),
        (
            json!({"userName": 7}),
            ScimType::InvalidSyntax,
            "must be a string",
        ),
        (
            json!({"userName": "a".repeat(MAX_NAME_CHARS + 1)}),
            ScimType::InvalidValue,
            "longer than 256",
        ),
        (
            json!({"userName": "a\u{0}b"}),
            ScimType::InvalidValue,
            "control characters",
        ),
        (
            json!({"userName": "u", "name": "Ada"}),
            ScimType::InvalidSyntax,
            "name must be an object",
        ),
        (
            json!({"userName": "u", "emails": "a@b"}),
            ScimType::InvalidSyntax,
            "emails must be an array",
        ),
        (
            json!({"userName": "u", "externalId": 5}),
            ScimType::InvalidSyntax,
            "externalId must be a string",
        ),
        (
            json!({"userName": "u", "displayName": "x".repeat(MAX_VALUE_CHARS + 1)}),
            ScimType::InvalidValue,
            "1024",
        ),
        (json!("u"), ScimType::InvalidSyntax, "JSON object"),
    ] {
        let e = user_err(doc.clone());
        assert_eq!((e.status, e.scim_type), (400, Some(t)), "{doc}");
        assert!(e.detail.contains(words), "{doc}: {}", e.detail);
    }
    assert_eq!(
        user_ok(json!({"userName": "é".repeat(MAX_NAME_CHARS)}))
            .user_name
            .chars()
            .count(),
        256
    );
}

#[test]
fn groups_read_members_once_and_require_a_display_name() {
    let g = parse_group(&json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Engineering",
        "externalId": "grp-ext",
        "members": [
            {"value": "u-1", "display": "Ada", "$ref": "https://x/Users/u-1"},
            {"value": "u-2"},
            {"value": "u-1"}
        ]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.display_name, "Engineering");
    assert_eq!(g.external_id.as_deref(), Some("grp-ext"));
    assert_eq!(
        g.members,
        [
            GroupMember {
                value: "u-1".into(),
                display: Some("Ada".into())
            },
            GroupMember {
                value: "u-2".into(),
                display: None
            }
        ]
    );
    for (doc, t) in [
        (json!({"members": []}), ScimType::InvalidValue),
        (
            json!({"displayName": "G", "members": [{"display": "x"}]}),
            ScimType::InvalidValue,
        ),
        (
            json!({"displayName": "G", "members": ["u-1"]}),
            ScimType::InvalidSyntax,
        ),
        (
            json!({"displayName": "G", "members": {"value": "u"}}),
            ScimType::InvalidSyntax,
        ),
    ] {
        assert_eq!(
            parse_group(&doc).err().and_then(|e| e.scim_type),
            Some(t),
            "{doc}"
        );
    }
    let too_many: Vec<Value> = (0..=MAX_GROUP_MEMBERS)
        .map(|i| json!({"value": i.to_string()}))
        .collect();
    let e = parse_group(&json!({"displayName": "All", "members": too_many})).err();
    assert!(e.is_some_and(|e| e.detail.contains("100001 members")));
}
