//! RFC 7644 corners through the router: searches with their parameters in a `POST …/.search`
//! body (§3.4.3), and a PATCH removing a user's `active` (§3.5.2.2).

use crate::scim::{directory, scim_as, user};
use crate::scim_membership::{all_events, users};
use crate::*;

const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

fn scim_error(r: &Resp, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.body["status"], status.to_string(), "{}", r.text);
    assert_eq!(r.body["scimType"].as_str(), scim_type, "{}", r.text);
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn users_and_groups_are_searched_with_the_parameters_in_the_body() {
    let app = App::new().await;
    let d = directory(&app, "generic").await;
    let ids = users(&app, &d, 3, "s").await;
    let g = d
        .call(&app, Method::POST, "/Groups", Some(json!({"displayName": "Search Team", "members": [{"value": ids[0]}, {"value": ids[2]}]})))
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    // Sorting is not offered, so a search's sortBy may be ignored (RFC 7644 §3.4.2.3).
    let spc = d
        .call(&app, Method::GET, "/ServiceProviderConfig", None)
        .await;
    assert_eq!(spc.body["sort"]["supported"], false, "{}", spc.text);
    // Searching every resource type at once (at the root) is not offered: 501 says so, and
    // sends the client to the per-type searches.
    let root = d
        .call(
            &app,
            Method::POST,
            "/.search",
            Some(json!({"schemas": [SEARCH]})),
        )
        .await;
    scim_error(&root, 501, None);
    assert!(root.text.contains("/Users/.search"), "{}", root.text);

    // A filter, a projection, and paging, as the body of a search; sortBy is ignored.
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users/.search",
            Some(json!({
                "schemas": [SEARCH],
                "filter": "userName sw \"s\"",
                "attributes": ["userName", "emails"],
                "sortBy": "userName",
                "sortOrder": "descending",
                "startIndex": 2,
                "count": 1
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/scim+json");
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(
        (
            r.body["totalResults"].as_u64(),
            r.body["startIndex"].as_u64(),
            r.body["itemsPerPage"].as_u64()
        ),
        (Some(3), Some(2), Some(1)),
        "{}",
        r.text
    );
    let found = &r.body["Resources"][0];
    // The second in creation order (no sorting), with only what was asked for (and `id`).
    assert_eq!(found["id"], ids[1].as_str(), "{}", r.text);
    assert_eq!(found["userName"], "s1@acme.test");
    assert!(found.get("name").is_none(), "{}", r.text);
    assert!(found.get("emails").is_some(), "{}", r.text);

    // Names in any case; a comma-separated list is accepted as in a query string.
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users/.search",
            Some(json!({
                "Filter": format!("id eq \"{}\"", ids[2]),
                "excludedattributes": "groups,emails"
            })),
        )
        .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.text);
    let found = &r.body["Resources"][0];
    assert!(
        found.get("groups").is_none() && found.get("emails").is_none(),
        "{}",
        r.text
    );
    assert_eq!(found["userName"], "s2@acme.test");

    let r = d
        .call(
            &app,
            Method::POST,
            "/Groups/.search",
            Some(json!({
                "schemas": [SEARCH],
                "filter": "displayName eq \"search team\"",
                "excludedAttributes": ["members"]
            })),
        )
        .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.text);
    assert_eq!(r.body["Resources"][0]["displayName"], "Search Team");
    assert!(
        r.body["Resources"][0].get("members").is_none(),
        "{}",
        r.text
    );
    let r = d
        .call(
            &app,
            Method::POST,
            "/Groups/.search",
            Some(json!({"filter": format!("members.value eq \"{}\"", ids[2])})),
        )
        .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.text);
    assert_eq!(
        r.body["Resources"][0]["members"].as_array().map(Vec::len),
        Some(2)
    );

    // Bad searches are told what is wrong.
    for (body, scim_type) in [
        (json!(["userName"]), "invalidSyntax"),
        (
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}),
            "invalidSyntax",
        ),
        (json!({"filter": 42}), "invalidValue"),
        (json!({"count": "ten"}), "invalidValue"),
        (json!({"count": 2.5}), "invalidValue"),
        (json!({"attributes": ["userName", 7]}), "invalidValue"),
        (json!({"filter": "userName zz \"x\""}), "invalidFilter"),
    ] {
        let r = d
            .call(&app, Method::POST, "/Users/.search", Some(body.clone()))
            .await;
        scim_error(&r, 400, Some(scim_type));
    }
    // As bounded as a query string: a body far beyond what its parameters can hold is refused
    // before it is parsed.
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users/.search",
            Some(json!({"filter": "x".repeat(20_000)})),
        )
        .await;
    scim_error(&r, 413, None);
    // A filter as long as a query string's limit allows still gets the filter's own answer.
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users/.search",
            Some(json!({"filter": format!("userName eq \"{}\"", "x".repeat(5_000))})),
        )
        .await;
    scim_error(&r, 400, Some("invalidFilter"));
    // The count is cut to the most a page holds, as for GET.
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users/.search",
            Some(json!({"count": 1_000_000})),
        )
        .await;
    assert_eq!(r.body["itemsPerPage"], 3, "{}", r.text);
    // A search needs the token like everything else.
    let anon = scim_as(
        &app,
        "scim_wrong",
        Method::POST,
        &format!("/scim/v2/{}/Users/.search", d.id),
        Some(json!({})),
    )
    .await;
    scim_error(&anon, 401, None);
    // And `.search` is not a user id.
    let r = d.call(&app, Method::GET, "/Users/.search", None).await;
    assert_eq!(r.status, 405, "{}", r.text);
}

#[tokio::test]
async fn removing_active_deprovisions_the_user_and_setting_it_again_brings_it_back() {
    let app = App::new().await;
    let d = directory(&app, "generic").await;
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("rm@acme.test", "rm1")),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let g = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Staff", "members": [{"value": id}]})),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let before = all_events(&app).await.len();

    let patch = |ops: Value| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(patch(json!([{"op": "remove", "path": "active"}]))),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["active"], false, "{}", r.text);
    assert_eq!(r.body["groups"], json!([]), "{}", r.text);
    let v = app
        .vendor(Method::GET, &format!("/api/v1/directory_users/{id}"), None)
        .await;
    assert_eq!(v.body["state"], "inactive", "{}", v.text);
    assert_eq!(v.body["raw_attributes"]["active"], false, "{}", v.text);
    let events: Vec<String> = all_events(&app).await[before..]
        .iter()
        .map(|(t, _)| t.clone())
        .collect();
    assert_eq!(events, ["dsync.group.user_removed", "dsync.user.updated"]);

    // Another change leaves it inactive; `null` reads as removed too.
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(patch(
                json!([{"op": "replace", "path": "displayName", "value": "R M"}]),
            )),
        )
        .await;
    assert_eq!(r.body["active"], false, "{}", r.text);
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(patch(
                json!([{"op": "replace", "path": "active", "value": true}]),
            )),
        )
        .await;
    assert_eq!(r.body["active"], true, "{}", r.text);
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(patch(json!([{"op": "replace", "value": {"active": null}}]))),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["active"], false, "{}", r.text);
    let log = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/users?state=inactive", d.id),
            None,
        )
        .await;
    assert_eq!(
        log.body["data"].as_array().map(Vec::len),
        Some(1),
        "{}",
        log.text
    );
}
