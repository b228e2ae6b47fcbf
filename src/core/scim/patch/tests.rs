use super::*;
use crate::api::scim::{PatchRequest, SCHEMA_ENTERPRISE_USER, SCHEMA_USER};
use serde_json::json;

fn ops(operations: Value) -> Vec<PatchOperation> {
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations});
    serde_json::from_value::<PatchRequest>(body)
        .unwrap_or_else(|e| panic!("{e}"))
        .operations
}

fn patch(doc: &Value, operations: Value) -> Value {
    apply_patch(doc, &ops(operations)).unwrap_or_else(|e| panic!("{e}"))
}

fn patch_err(doc: &Value, operations: Value) -> ScimError {
    match apply_patch(doc, &ops(operations)) {
        Ok(v) => panic!("applied: {v}"),
        Err(e) => e,
    }
}

fn user() -> Value {
    json!({
        "schemas": [SCHEMA_USER],
        "id": "u-1",
        "userName": "ada@example.com",
        "active": true,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": "ada@example.com", "type": "work", "primary": true}],
        "meta": {"resourceType": "User"}
    })
}

fn group() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g-1",
        "displayName": "Engineering",
        "members": [{"value": "u-1", "display": "Ada"}, {"value": "u-2"}, {"value": "u-3"}]
    })
}

fn member_ids(doc: &Value) -> Vec<String> {
    doc["members"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|x| x["value"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn entra_capitalised_ops_and_string_booleans() {
    let out = patch(
        &user(),
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    );
    assert_eq!(out["active"], json!(false));
    let back = patch(
        &out,
        json!([{"op": "Replace", "path": "active", "value": "True"}]),
    );
    assert_eq!(back["active"], json!(true));
    let out = patch(
        &user(),
        json!([{"op": "replace", "value": {"active": "false"}}]),
    );
    assert_eq!(out["active"], json!(false));
    // Other attributes keep their strings.
    let out = patch(
        &user(),
        json!([{"op": "Add", "path": "title", "value": "False"}]),
    );
    assert_eq!(out["title"], json!("False"));
}

#[test]
fn entra_no_path_object_with_dotted_and_urn_keys() {
    let out = patch(
        &user(),
        json!([{"op": "Replace", "value": {
            "name.givenName": "Augusta",
            "displayName": "Augusta Ada King",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Analytical Engines",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": {"value": "m-7"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "1815"
        }}]),
    );
    assert_eq!(
        out["name"],
        json!({"givenName": "Augusta", "familyName": "Lovelace"})
    );
    assert_eq!(out["displayName"], "Augusta Ada King");
    let ext = &out[SCHEMA_ENTERPRISE_USER];
    assert_eq!(
        ext,
        &json!({"department": "Analytical Engines", "manager": {"value": "m-7"}, "employeeNumber": "1815"})
    );
    assert!(out["schemas"]
        .as_array()
        .is_some_and(|s| s.contains(&json!(SCHEMA_ENTERPRISE_USER))));

    let out = patch(
        &out,
        json!([{"op": "Add", "value": {
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value": "m-8"
        }}]),
    );
    assert_eq!(
        out[SCHEMA_ENTERPRISE_USER]["manager"],
        json!({"value": "m-8"})
    );
}

#[test]
fn no_path_value_may_hold_a_whole_extension_object() {
    let out = patch(
        &user(),
        json!([{"op": "replace", "value": {
            SCHEMA_ENTERPRISE_USER: {"costCenter": "42", "manager": {"value": "m-1"}}
        }}]),
    );
    assert_eq!(
        out[SCHEMA_ENTERPRISE_USER],
        json!({"costCenter": "42", "manager": {"value": "m-1"}})
    );
    // The same through a path naming the extension, then removing it whole.
    let out = patch(
        &out,
        json!([{"op": "add", "path": SCHEMA_ENTERPRISE_USER, "value": {"division": "R&D"}}]),
    );
    assert_eq!(out[SCHEMA_ENTERPRISE_USER]["division"], "R&D");
    assert_eq!(out[SCHEMA_ENTERPRISE_USER]["costCenter"], "42");
    let out = patch(
        &out,
        json!([{"op": "remove", "path": SCHEMA_ENTERPRISE_USER}]),
    );
    assert!(out.get(SCHEMA_ENTERPRISE_USER).is_none());
}

#[test]
fn okta_deactivates_with_a_no_path_replace() {
    let out = patch(
        &user(),
        json!([{"op": "replace", "value": {"active": false}}]),
    );
    assert_eq!(out["active"], json!(false));
    assert_eq!(out["userName"], "ada@example.com");
}

#[test]
fn remove_members_with_a_value_array_removes_only_those() {
    let out = patch(
        &group(),
        json!([{"op": "Remove", "path": "members",
                "value": [{"value": "u-1"}, {"value": "u-3"}, {"value": "nobody"}]}]),
    );
    assert_eq!(member_ids(&out), ["u-2"]);
    // Without a value, the attribute goes.
    let out = patch(&group(), json!([{"op": "remove", "path": "members"}]));
    assert!(out.get("members").is_none());
    // Removing the last ones leaves no empty list.
    let out = patch(
        &group(),
        json!([{"op": "remove", "path": "members", "value": [{"value": "u-1"}, {"value": "u-2"}, {"value": "u-3"}]}]),
    );
    assert!(out.get("members").is_none());
}

#[test]
fn remove_with_a_filter_removes_the_matched_elements_and_matching_nothing_is_a_no_op() {
    let out = patch(
        &group(),
        json!([{"op": "remove", "path": "members[value eq \"u-2\"]"}]),
    );
    assert_eq!(member_ids(&out), ["u-1", "u-3"]);
    let same = patch(
        &out,
        json!([{"op": "remove", "path": "members[value eq \"u-2\"]"}]),
    );
    assert_eq!(same, out);
    let out = patch(
        &group(),
        json!([{"op": "remove", "path": "members[value eq \"u-1\" or value eq \"u-3\"].display"}]),
    );
    assert_eq!(
        out["members"],
        json!([{"value": "u-1"}, {"value": "u-2"}, {"value": "u-3"}])
    );
}

#[test]
fn add_members_appends_without_duplicates() {
    let out = patch(
        &group(),
        json!([{"op": "add", "path": "members",
                "value": [{"value": "u-2"}, {"value": "u-4", "display": "Dee"}, {"value": "u-4"}]}]),
    );
    assert_eq!(member_ids(&out), ["u-1", "u-2", "u-3", "u-4"]);
    assert_eq!(out["members"][3]["display"], "Dee");
    // Onto a group without members.
    let mut empty = group();
    empty.as_object_mut().map(|o| o.remove("members"));
    let out = patch(
        &empty,
        json!([{"op": "Add", "path": "members", "value": [{"value": "a"}, {"value": "a"}]}]),
    );
    assert_eq!(member_ids(&out), ["a"]);
}

#[test]
fn okta_and_entra_replace_members_in_full() {
    let out = patch(
        &group(),
        json!([{"op": "replace", "path": "members", "value": [{"value": "u-9"}]}]),
    );
    assert_eq!(member_ids(&out), ["u-9"]);
    let out = patch(
        &group(),
        json!([{"op": "replace", "value": {"displayName": "Eng", "members": [{"value": "u-8"}]}}]),
    );
    assert_eq!(
        (out["displayName"].as_str(), member_ids(&out)),
        (Some("Eng"), vec!["u-8".to_owned()])
    );
}

#[test]
fn value_filters_select_elements_to_replace_or_extend() {
    let doc = json!({
        "emails": [
            {"value": "a@work.example", "type": "work", "primary": true},
            {"value": "a@home.example", "type": "home"}
        ]
    });
    let out = patch(
        &doc,
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "b@work.example"}]),
    );
    assert_eq!(
        out["emails"][0],
        json!({"value": "b@work.example", "type": "work", "primary": true})
    );
    assert_eq!(out["emails"][1], doc["emails"][1]);
    // Replacing matched elements whole.
    let out = patch(
        &doc,
        json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": {"value": "c@x", "type": "other"}}]),
    );
    assert_eq!(out["emails"][1], json!({"value": "c@x", "type": "other"}));
    // Entra's first work phone: the filter matches nothing and describes the element.
    let out = patch(
        &doc,
        json!([{"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1 555"}]),
    );
    assert_eq!(
        out["phoneNumbers"],
        json!([{"type": "work", "value": "+1 555"}])
    );
    // A new primary takes over.
    let out = patch(
        &doc,
        json!([{"op": "add", "path": "emails", "value": {"value": "n@x", "type": "other", "primary": true}}]),
    );
    assert_eq!(out["emails"][0]["primary"], json!(false));
    assert_eq!(out["emails"][2]["primary"], json!(true));
}

#[test]
fn replace_with_a_filter_matching_nothing_is_no_target() {
    let e = patch_err(
        &group(),
        json!([{"op": "replace", "path": "members[value eq \"zz\"]", "value": {"value": "zz"}}]),
    );
    assert_eq!((e.status, e.scim_type), (400, Some(ScimType::NoTarget)));
    assert!(
        e.detail
            .starts_with("operation 1 (replace): no element of members"),
        "{}",
        e.detail
    );
    let e = patch_err(
        &group(),
        json!([{"op": "add", "path": "members[value sw \"zz\"].display", "value": "x"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
}

#[test]
fn remove_without_a_path_is_no_target() {
    let e = patch_err(&user(), json!([{"op": "remove"}]));
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
}

#[test]
fn id_and_meta_are_read_only_but_their_current_value_is_accepted() {
    for op in [
        json!({"op": "replace", "path": "id", "value": "other"}),
        json!({"op": "replace", "value": {"id": "other"}}),
        json!({"op": "remove", "path": "meta"}),
        json!({"op": "add", "path": "meta.resourceType", "value": "Group"}),
        json!({"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:id", "value": "x"}),
    ] {
        let e = patch_err(&user(), json!([op.clone()]));
        assert_eq!(e.scim_type, Some(ScimType::Mutability), "{op}");
    }
    let out = patch(
        &user(),
        json!([{"op": "replace", "value": {"id": "u-1", "active": false}}]),
    );
    assert_eq!(
        (out["id"].as_str(), out["active"].as_bool()),
        (Some("u-1"), Some(false))
    );
}

#[test]
fn sub_attributes_of_complex_attributes() {
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "name.familyName", "value": "King"}]),
    );
    assert_eq!(
        out["name"],
        json!({"givenName": "Ada", "familyName": "King"})
    );
    let out = patch(&user(), json!([{"op": "remove", "path": "name.givenName"}]));
    assert_eq!(out["name"], json!({"familyName": "Lovelace"}));
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "name", "value": {"middleName": "B"}}]),
    );
    assert_eq!(out["name"]["middleName"], "B");
    assert_eq!(out["name"]["givenName"], "Ada");
    let out = patch(
        &user(),
        json!([{"op": "ADD", "path": "NAME.HonorificPrefix", "value": "Lady"}]),
    );
    assert_eq!(out["name"]["HonorificPrefix"], "Lady");
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "userName", "value": "x@y"}]),
    );
    assert_eq!(out["userName"], "x@y");
    let e = patch_err(
        &user(),
        json!([{"op": "replace", "path": "userName.x", "value": "x"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::InvalidPath));
    // Replacing with null unassigns.
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "name", "value": null}]),
    );
    assert!(out.get("name").is_none());
}

#[test]
fn operations_apply_in_order_all_or_nothing() {
    let doc = user();
    let r = apply_patch(
        &doc,
        &ops(json!([
            {"op": "replace", "path": "userName", "value": "changed"},
            {"op": "replace", "path": "bad path!", "value": 1}
        ])),
    );
    let e = r.err().unwrap_or_else(|| panic!("applied"));
    assert_eq!(e.scim_type, Some(ScimType::InvalidPath));
    assert!(
        e.detail.starts_with("operation 2 (replace)"),
        "{}",
        e.detail
    );
    assert_eq!(doc["userName"], "ada@example.com");
}

#[test]
fn bounds_on_operations_and_value_depth() {
    let many: Vec<Value> = (0..=MAX_PATCH_OPERATIONS)
        .map(|i| json!({"op": "add", "path": "title", "value": i}))
        .collect();
    let e = patch_err(&user(), Value::Array(many.clone()));
    assert_eq!((e.status, e.scim_type), (413, None));
    assert!(e.detail.contains("1001 operations"), "{}", e.detail);
    let out = patch(&user(), Value::Array(many[..MAX_PATCH_OPERATIONS].to_vec()));
    assert_eq!(out["title"], json!(MAX_PATCH_OPERATIONS - 1));

    let mut deep = json!("x");
    for _ in 0..=MAX_VALUE_DEPTH {
        deep = json!({"a": deep});
    }
    let e = patch_err(&user(), json!([{"op": "add", "path": "x", "value": deep}]));
    assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    assert!(e.detail.contains("deeper than 8"), "{}", e.detail);
    let ok = deep["a"].clone();
    assert_eq!(
        patch(
            &user(),
            json!([{"op": "add", "path": "x", "value": ok.clone()}])
        )["x"],
        ok
    );
}

#[test]
fn bad_values_are_invalid_value() {
    for op in [
        json!({"op": "add", "value": "not an object"}),
        json!({"op": "add", "path": "title"}),
        json!({"op": "replace", "value": {SCHEMA_ENTERPRISE_USER: "x"}}),
    ] {
        let e = patch_err(&user(), json!([op.clone()]));
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue), "{op}");
    }
}

#[test]
fn large_member_lists_add_and_remove_by_value() {
    let members = |r: std::ops::Range<usize>| {
        Value::Array(r.map(|i| json!({"value": format!("u-{i}")})).collect())
    };
    let doc = json!({"id": "g", "displayName": "All", "members": members(0..20_000)});
    let out = patch(
        &doc,
        json!([{"op": "add", "path": "members", "value": members(10_000..30_000)}]),
    );
    let ids = member_ids(&out);
    assert_eq!(ids.len(), 30_000);
    assert_eq!((ids[0].as_str(), ids[29_999].as_str()), ("u-0", "u-29999"));
    let out = patch(
        &out,
        json!([{"op": "remove", "path": "members", "value": members(5_000..25_000)}]),
    );
    let ids = member_ids(&out);
    assert_eq!(ids.len(), 10_000);
    assert_eq!(
        (ids[4_999].as_str(), ids[5_000].as_str()),
        ("u-4999", "u-25000")
    );
}

#[test]
fn entra_manager_as_a_bare_id_and_filtered_keys_without_a_path() {
    let manager = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
    let out = patch(
        &user(),
        json!([{"op": "Add", "path": manager, "value": "m-42"}]),
    );
    assert_eq!(out[SCHEMA_ENTERPRISE_USER]["manager"], json!("m-42"));
    let read = crate::core::scim::resource::parse_user(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.enterprise.manager_id.as_deref(), Some("m-42"));
    let out = patch(&out, json!([{"op": "Remove", "path": manager}]));
    assert_eq!(out[SCHEMA_ENTERPRISE_USER], json!({}));

    let out = patch(
        &user(),
        json!([{"op": "Replace",
                "value": {"emails[type eq \"work\"].value": "new@example.com", "name.familyName": "K"}}]),
    );
    assert_eq!(out["emails"][0]["value"], "new@example.com");
    assert_eq!(out["emails"][0]["primary"], json!(true));
    assert_eq!(out["name"]["familyName"], "K");
}
