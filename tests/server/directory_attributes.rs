//! Directory users' custom attributes, mapped like single sign-on's: the vendor declares custom
//! attributes, the IT admin (or the vendor) maps each to a SCIM attribute of the directory's
//! users, and every view of a user (the vendor API, `dsync.*` events) carries the values. Names
//! of well-known SCIM attributes map themselves; unknown names and malformed paths are refused
//! with their own codes; no other organization reaches a directory's mapping.

use crate::scim::{directory, Dir};
use crate::*;

const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Declares the environment's custom attributes (name, required).
async fn declare(app: &App, attrs: &[(&str, bool)]) {
    let data: Vec<Value> = attrs
        .iter()
        .map(|(n, req)| json!({"name": n, "required": req, "description": format!("The {n}")}))
        .collect();
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/custom_attributes",
            Some(json!({ "data": data })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// A user as an IdP sends one: core attributes, the enterprise extension, addresses with types
/// and a custom extension.
fn person(name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT, "urn:acme:2.0:User"],
        "userName": name,
        "externalId": format!("ext-{name}"),
        "active": true,
        "title": "Engineer",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": name, "type": "work", "primary": true}],
        "addresses": [{"type": "home", "country": "GB"}, {"type": "work", "country": "FR"}],
        ENT: {"department": "Engineering", "costCenter": "CC-7", "employeeNumber": "42",
              "manager": {"value": "00u9"}},
        "urn:acme:2.0:User": {"badge": "B-1"}
    })
}

async fn provision(app: &App, d: &Dir, name: &str) -> String {
    let r = d
        .call(app, Method::POST, "/Users", Some(person(name)))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn custom_of(app: &App, user: &str) -> Value {
    let v = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directory_users/{user}"),
            None,
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    v.body["custom_attributes"].clone()
}

fn mapping_path(d: &Dir) -> String {
    format!("/portal/api/directories/{}/attribute_mapping", d.id)
}

/// The `data` of the environment's events of a type, oldest first.
async fn events_of(app: &App, event_type: &str) -> Vec<Value> {
    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/events?limit=100&types={event_type}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["data"].clone())
        .collect()
}

#[tokio::test]
async fn a_mapped_custom_attribute_reaches_the_user_and_its_next_event() {
    let app = App::new().await;
    declare(
        &app,
        &[("badge", false), ("region", true), ("department", false)],
    )
    .await;
    let d = directory(&app, "okta").await;
    let user = provision(&app, &d, "ada@acme.test").await;
    let admin = app.admin(&d.org, "dsync").await;

    let v = admin.call(Method::GET, &mapping_path(&d), None).await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(
        v.body["custom_attributes"][1]["name"], "region",
        "{}",
        v.text
    );
    assert_eq!(v.body["custom_attributes"][1]["required"], true);
    assert_eq!(v.body["custom_attributes"][1]["description"], "The region");
    assert_eq!(
        v.body["mapping"],
        json!({"department": format!("{ENT}:department")})
    );
    assert_eq!(v.body["users_examined"], 1);
    let received = v.body["received"].as_array().unwrap();
    let seen = |path: &str| {
        received
            .iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("{path} not in {received:?}"))
    };
    assert_eq!(seen("urn:acme:2.0:User:badge")["sample"], "B-1");
    assert_eq!(seen("urn:acme:2.0:User:badge")["user_count"], 1);
    assert_eq!(seen(r#"addresses[type eq "work"].country"#)["sample"], "FR");
    assert_eq!(seen("title")["sample"], "Engineer");
    assert!(received
        .iter()
        .all(|r| r["path"] != "password" && r["path"] != "schemas"));

    let updates_before = events_of(&app, "dsync.user.updated").await.len();
    let saved = admin
        .call(
            Method::PUT,
            &mapping_path(&d),
            Some(json!({"mapping": {
                "badge": "urn:acme:2.0:User:badge",
                "region": r#"addresses[type eq "work"].country"#,
                "department": "title"
            }})),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(
        saved.body["mapping"]["region"],
        r#"addresses[type eq "work"].country"#
    );
    assert_eq!(
        events_of(&app, "dsync.user.updated").await.len(),
        updates_before,
        "saving sends no event per user"
    );

    let c = custom_of(&app, &user).await;
    assert_eq!(c["badge"], "B-1", "{c}");
    assert_eq!(c["region"], "FR", "{c}");
    assert_eq!(
        c["department"], "Engineer",
        "the mapped name wins over the built-in: {c}"
    );
    assert_eq!(
        c["employee_number"], "42",
        "undeclared built-in keys stay: {c}"
    );
    assert_eq!(c["urn:acme:2.0:User:badge"], "B-1", "{c}");

    // The IdP changes the user: the event carries the values the mapping reads.
    let p = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{user}"),
            Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    {"op": "replace", "path": "title", "value": "Staff Engineer"},
                    {"op": "replace", "path": "urn:acme:2.0:User:badge", "value": "B-2"}
                ]
            })),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    let updates = events_of(&app, "dsync.user.updated").await;
    let last = updates.last().unwrap();
    assert_eq!(last["id"], user.as_str());
    assert_eq!(last["custom_attributes"]["badge"], "B-2", "{last}");
    assert_eq!(
        last["custom_attributes"]["department"], "Staff Engineer",
        "{last}"
    );
    assert_eq!(last["custom_attributes"]["region"], "FR", "{last}");

    // The vendor reads the same mapping, and can change it: `""` maps an attribute to nothing.
    let vendor_path = format!("/api/v1/directories/{}/attribute_mapping", d.id);
    let g = app.vendor(Method::GET, &vendor_path, None).await;
    assert_eq!(g.status, 200, "{}", g.text);
    assert_eq!(g.body["mapping"], saved.body["mapping"]);
    let r = app
        .vendor(
            Method::PUT,
            &vendor_path,
            Some(json!({"mapping": {"badge": "urn:acme:2.0:User:badge", "department": ""}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["mapping"],
        json!({"badge": "urn:acme:2.0:User:badge"})
    );
    let c = custom_of(&app, &user).await;
    assert!(c.get("department").is_none(), "not mapped, so absent: {c}");
    assert!(c.get("region").is_none(), "left out, no suggestion: {c}");
    assert_eq!(c["badge"], "B-2");
}

#[tokio::test]
async fn a_custom_attribute_named_after_a_scim_attribute_maps_itself() {
    let app = App::new().await;
    declare(
        &app,
        &[
            ("title", false),
            ("manager_id", false),
            ("cost_center", false),
        ],
    )
    .await;
    let d = directory(&app, "entra_id").await;
    let user = provision(&app, &d, "grace@acme.test").await;
    let c = custom_of(&app, &user).await;
    assert_eq!(c["title"], "Engineer", "{c}");
    assert_eq!(c["manager_id"], "00u9", "{c}");
    assert_eq!(c["cost_center"], "CC-7", "{c}");
    let admin = app.admin(&d.org, "dsync").await;
    let v = admin.call(Method::GET, &mapping_path(&d), None).await;
    assert_eq!(v.body["suggested"]["title"], "title", "{}", v.text);
    assert_eq!(
        v.body["mapping"]["cost_center"],
        format!("{ENT}:costCenter")
    );
    // The admin turns one suggestion off; it stays off, and the built-in key goes with it.
    let r = admin
        .call(
            Method::PUT,
            &mapping_path(&d),
            Some(json!({"mapping": {"cost_center": ""}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["mapping"].get("cost_center").is_none(), "{}", r.text);
    assert_eq!(r.body["mapping"]["title"], "title", "{}", r.text);
    let c = custom_of(&app, &user).await;
    assert!(c.get("cost_center").is_none(), "{c}");
    assert_eq!(c["title"], "Engineer", "{c}");
}

#[tokio::test]
async fn unknown_names_and_malformed_paths_are_refused_with_their_own_codes() {
    let app = App::new().await;
    declare(&app, &[("badge", false)]).await;
    let d = directory(&app, "okta").await;
    let admin = app.admin(&d.org, "dsync").await;
    let path = mapping_path(&d);
    let put = |body: Value| admin.call(Method::PUT, &path, Some(body));

    let r = put(json!({"mapping": {"clearance": "title"}})).await;
    let e = assert_error(&r, 422, "unknown_custom_attribute");
    assert!(
        e["fields"]["mapping.clearance"]
            .as_str()
            .is_some_and(|m| m.contains("badge")),
        "{}",
        r.text
    );
    let r = put(json!({"mapping": {"badge": "emails[type eq \"work\""}})).await;
    let e = assert_error(&r, 422, "invalid_attribute_path");
    assert!(e["fields"]["mapping.badge"].is_string(), "{}", r.text);
    let r = put(json!({"mapping": {"badge": format!("{ENT}:{}", "x".repeat(300))}})).await;
    assert_error(&r, 422, "invalid_attribute_path");
    let r = put(json!({"mapping": {"badge": "password"}})).await;
    assert_error(&r, 422, "invalid_attribute_path");
    let r = put(json!({"mapping": {"badge": "title"}, "extra": 1})).await;
    assert_error(&r, 400, "malformed_json");

    // The vendor API answers the same.
    let r = app
        .vendor(
            Method::PUT,
            &format!("/api/v1/directories/{}/attribute_mapping", d.id),
            Some(json!({"mapping": {"clearance": "title"}})),
        )
        .await;
    assert_error(&r, 422, "unknown_custom_attribute");

    // Nothing was saved.
    let v = admin.call(Method::GET, &mapping_path(&d), None).await;
    assert_eq!(v.body["mapping"], json!({}), "{}", v.text);
}

#[tokio::test]
async fn another_organization_neither_reads_nor_writes_a_directory_mapping() {
    let app = App::new().await;
    declare(&app, &[("badge", false)]).await;
    let d = directory(&app, "okta").await;
    let other = app.org("Other").await;
    let stranger = app.admin(&other, "dsync").await;
    let r = stranger.call(Method::GET, &mapping_path(&d), None).await;
    assert_error(&r, 404, "directory_not_found");
    let r = stranger
        .call(
            Method::PUT,
            &mapping_path(&d),
            Some(json!({"mapping": {"badge": "title"}})),
        )
        .await;
    assert_error(&r, 404, "directory_not_found");
    // A session without the directory intent does not reach it either.
    let sso = app.admin(&d.org, "domain_verification").await;
    let r = sso.call(Method::GET, &mapping_path(&d), None).await;
    assert_error(&r, 403, "intent_not_allowed");
    // The mapping is as it was.
    let admin = app.admin(&d.org, "dsync").await;
    let v = admin.call(Method::GET, &mapping_path(&d), None).await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(v.body["mapping"], json!({}), "{}", v.text);
    let r = app
        .vendor(
            Method::GET,
            "/api/v1/directories/dir_nothing/attribute_mapping",
            None,
        )
        .await;
    assert_error(&r, 404, "directory_not_found");
}
