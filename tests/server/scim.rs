//! Directory sync's SCIM 2.0 service (issue 17 §2) through the router: the vendor creates a
//! directory and a token, and a scripted IdP (shaped like Okta's and Entra ID's requests, as
//! their documentation describes them) provisions, changes and deprovisions users and groups;
//! the vendor reads the normalized result and the events.

use crate::*;

/// A directory of a fresh organization, with its SCIM base path and token.
pub struct Dir {
    pub id: String,
    pub org: String,
    pub token: String,
}

pub async fn directory(app: &App, provider: &str) -> Dir {
    let org = app.org("Acme").await;
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/directories"),
            Some(json!({ "provider": provider })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["state"], "pending");
    assert_eq!(
        r.body["scim_base_url"],
        format!("http://portal.test/scim/v2/{id}")
    );
    let t = app
        .vendor(
            Method::POST,
            &format!("/api/v1/directories/{id}/tokens"),
            None,
        )
        .await;
    assert_eq!(t.status, 201, "{}", t.text);
    Dir {
        id,
        org,
        token: t.body["secret"].as_str().unwrap().to_owned(),
    }
}

/// A SCIM request with `token`.
pub async fn scim_as(
    app: &App,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/scim+json");
    }
    app.raw(
        b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
            .unwrap(),
    )
    .await
}

impl Dir {
    pub async fn call(&self, app: &App, method: Method, rel: &str, body: Option<Value>) -> Resp {
        scim_as(
            app,
            &self.token,
            method,
            &format!("/scim/v2/{}{rel}", self.id),
            body,
        )
        .await
    }
}

pub fn user(name: &str, ext: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "userName": name,
        "externalId": ext,
        "active": true,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": name, "type": "work", "primary": true}],
        "password": "never-kept",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "42", "department": "Engineering"
        }
    })
}

fn scim_error(r: &Resp, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/scim+json");
    assert_eq!(
        r.body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
        "{}",
        r.text
    );
    assert_eq!(
        r.body["status"],
        status.to_string(),
        "status is a string: {}",
        r.text
    );
    match scim_type {
        Some(t) => assert_eq!(r.body["scimType"], t, "{}", r.text),
        None => assert!(r.body.get("scimType").is_none(), "{}", r.text),
    }
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        r.text
    );
}

async fn logged_types(app: &App) -> Vec<(String, Value)> {
    let r = app
        .vendor(Method::GET, "/api/v1/events?limit=100", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap().to_owned(), e["data"].clone()))
        .collect()
}

#[tokio::test]
async fn directories_are_created_for_scim_providers_only_with_tokens_shown_once() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    for (provider, field) in [("google_workspace", "provider"), ("ldap", "provider")] {
        let r = app
            .vendor(
                Method::POST,
                &format!("/api/v1/organizations/{org}/directories"),
                Some(json!({ "provider": provider })),
            )
            .await;
        assert_error(&r, 422, "validation_failed");
        assert!(r.body["error"]["fields"][field].is_string(), "{}", r.text);
    }
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations/org_nope/directories",
            Some(json!({ "provider": "okta" })),
        )
        .await;
    assert_error(&r, 404, "organization_not_found");
    let d = directory(&app, "entra_id").await;
    assert!(d.token.starts_with("scim_"), "{}", d.token);
    let list = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/tokens", d.id),
            None,
        )
        .await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        list.text
    );
    assert!(
        list.body["data"][0].get("secret").is_none(),
        "{}",
        list.text
    );
    assert!(!list.text.contains(&d.token));
    // Listed by organization; another environment's key sees none of it.
    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories?organization_id={}", d.org),
            None,
        )
        .await;
    assert_eq!(r.body["data"][0]["id"], d.id.as_str(), "{}", r.text);
}

#[tokio::test]
async fn a_token_opens_its_own_directory_only_and_a_new_one_leaves_a_day_of_grace() {
    let app = App::new().await;
    let a = directory(&app, "okta").await;
    let b = directory(&app, "okta").await;
    let ok = a.call(&app, Method::GET, "/Users", None).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // No token, a wrong one, and B's token on A's URL: one answer, 401.
    let none = app
        .raw(
            Request::get(format!("/scim/v2/{}/Users", a.id))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    scim_error(&none, 401, None);
    assert!(none.headers[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    scim_error(
        &scim_as(
            &app,
            "scim_wrong",
            Method::GET,
            &format!("/scim/v2/{}/Users", a.id),
            None,
        )
        .await,
        401,
        None,
    );
    scim_error(
        &scim_as(
            &app,
            &b.token,
            Method::GET,
            &format!("/scim/v2/{}/Users", a.id),
            None,
        )
        .await,
        401,
        None,
    );
    // A user of B is not found through A, even by id.
    let created = b
        .call(&app, Method::POST, "/Users", Some(user("bo@b.test", "b1")))
        .await;
    let bid = created.body["id"].as_str().unwrap();
    scim_error(
        &a.call(&app, Method::GET, &format!("/Users/{bid}"), None)
            .await,
        404,
        None,
    );
    let vendor_b = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/users", a.id),
            None,
        )
        .await;
    assert_eq!(
        vendor_b.body["data"].as_array().unwrap().len(),
        0,
        "{}",
        vendor_b.text
    );

    // A new token: the old one works for a day, then not; revoking one ends it at once.
    let t2 = app
        .vendor(
            Method::POST,
            &format!("/api/v1/directories/{}/tokens", a.id),
            None,
        )
        .await;
    let new = t2.body["secret"].as_str().unwrap().to_owned();
    let list = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/tokens", a.id),
            None,
        )
        .await;
    let old = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] != t2.body["id"])
        .unwrap()
        .clone();
    assert_eq!(old["expires_at"], "2026-11-24T00:00:00Z", "{}", list.text);
    assert_eq!(a.call(&app, Method::GET, "/Users", None).await.status, 200);
    app.advance(86_400);
    scim_error(&a.call(&app, Method::GET, "/Users", None).await, 401, None);
    let with_new = scim_as(
        &app,
        &new,
        Method::GET,
        &format!("/scim/v2/{}/Users", a.id),
        None,
    )
    .await;
    assert_eq!(with_new.status, 200);
    let gone = app
        .vendor(
            Method::DELETE,
            &format!(
                "/api/v1/directories/{}/tokens/{}",
                a.id,
                t2.body["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    scim_error(
        &scim_as(
            &app,
            &new,
            Method::GET,
            &format!("/scim/v2/{}/Users", a.id),
            None,
        )
        .await,
        401,
        None,
    );
}

#[tokio::test]
async fn wrong_tokens_from_one_address_are_held_back_with_retry_after() {
    let app = App::new().await;
    let a = directory(&app, "generic").await;
    let peer = |n| {
        let mut req = Request::get(format!("/scim/v2/{}/Users", a.id))
            .header(header::AUTHORIZATION, format!("Bearer scim_guess{n}"))
            .body(Body::empty())
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [203, 0, 113, 9],
                4000,
            ))));
        req
    };
    for n in 0..portico::server::directories::scim::FAILED_AUTH_PER_MINUTE {
        assert_eq!(app.raw(peer(n)).await.status, 401);
    }
    let held = app.raw(peer(999)).await;
    scim_error(&held, 429, None);
    assert!(held.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn users_are_created_read_filtered_paged_and_projected() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("ada@acme.test", "00u1")),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/scim+json");
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("dusr_"));
    assert_eq!(
        r.headers[header::LOCATION].to_str().unwrap(),
        format!("http://portal.test/scim/v2/{}/Users/{id}", d.id)
    );
    assert_eq!(r.body["meta"]["resourceType"], "User");
    assert!(
        r.body.get("password").is_none(),
        "a password is never kept: {}",
        r.text
    );
    // Okta: the same userName again (any case) is a uniqueness conflict.
    scim_error(
        &d.call(
            &app,
            Method::POST,
            "/Users",
            Some(user("ADA@acme.test", "00u9")),
        )
        .await,
        409,
        Some("uniqueness"),
    );
    scim_error(
        &d.call(
            &app,
            Method::POST,
            "/Users",
            Some(json!({"name": {"givenName": "x"}})),
        )
        .await,
        400,
        Some("invalidValue"),
    );
    for n in 2..=5 {
        let r = d
            .call(
                &app,
                Method::POST,
                "/Users",
                Some(user(&format!("u{n}@acme.test"), &format!("00u{n}"))),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // Filters IdPs send before creating: by userName (any case), externalId, work email.
    for f in [
        "userName eq \"Ada@Acme.test\"",
        "externalId eq \"00u1\"",
        "emails[type eq \"work\"].value eq \"ada@acme.test\"",
        "name.familyName sw \"Love\" and userName co \"ada\"",
    ] {
        let r = d
            .call(
                &app,
                Method::GET,
                &format!(
                    "/Users?filter={}",
                    url::form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()
                ),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{f}: {}", r.text);
        assert_eq!(
            (
                r.body["totalResults"].as_u64(),
                r.body["Resources"][0]["id"].as_str()
            ),
            (Some(1), Some(id.as_str())),
            "{f}: {}",
            r.text
        );
    }
    let none = d
        .call(
            &app,
            Method::GET,
            "/Users?filter=userName%20eq%20%22nobody%22",
            None,
        )
        .await;
    assert_eq!(
        (
            none.body["totalResults"].as_u64(),
            none.body["Resources"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0)),
        "{}",
        none.text
    );
    scim_error(
        &d.call(&app, Method::GET, "/Users?filter=userName%20eq", None)
            .await,
        400,
        Some("invalidFilter"),
    );
    // Paging: 5 users, 2 a page from the 3rd.
    let page = d
        .call(&app, Method::GET, "/Users?startIndex=3&count=2", None)
        .await;
    assert_eq!(
        (
            page.body["totalResults"].as_u64(),
            page.body["startIndex"].as_u64(),
            page.body["itemsPerPage"].as_u64()
        ),
        (Some(5), Some(3), Some(2)),
        "{}",
        page.text
    );
    assert_eq!(page.body["Resources"][0]["userName"], "u3@acme.test");
    // Projection: only userName (and id, schemas, always).
    let one = d
        .call(
            &app,
            Method::GET,
            &format!("/Users/{id}?attributes=userName"),
            None,
        )
        .await;
    let keys: Vec<&str> = one
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        keys.contains(&"userName") && keys.contains(&"id") && !keys.contains(&"emails"),
        "{}",
        one.text
    );
    // The vendor's normalized view.
    let v = app
        .vendor(Method::GET, &format!("/api/v1/directory_users/{id}"), None)
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(
        (
            v.body["username"].as_str(),
            v.body["email"].as_str(),
            v.body["first_name"].as_str(),
            v.body["idp_id"].as_str(),
            v.body["state"].as_str()
        ),
        (
            Some("ada@acme.test"),
            Some("ada@acme.test"),
            Some("Ada"),
            Some("00u1"),
            Some("active")
        ),
        "{}",
        v.text
    );
    assert_eq!(
        v.body["custom_attributes"]["department"], "Engineering",
        "{}",
        v.text
    );
    assert_eq!(v.body["organization_id"], d.org.as_str());
    // The first successful request made the directory active, with its event.
    let dir = app
        .vendor(Method::GET, &format!("/api/v1/directories/{}", d.id), None)
        .await;
    assert_eq!(
        (dir.body["state"].as_str(), dir.body["user_count"].as_u64()),
        (Some("active"), Some(5)),
        "{}",
        dir.text
    );
    let types: Vec<String> = logged_types(&app)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        types.iter().filter(|t| *t == "dsync.activated").count(),
        1,
        "{types:?}"
    );
    assert_eq!(
        types.iter().filter(|t| *t == "dsync.user.created").count(),
        5,
        "{types:?}"
    );
}

#[tokio::test]
async fn entra_id_patches_and_okta_deactivations_deprovision_and_delete_keeps_the_user() {
    let app = App::new().await;
    let d = directory(&app, "entra_id").await;
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("grace@acme.test", "e1")),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let g = d
        .call(&app, Method::POST, "/Groups", Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering", "externalId": "g1", "members": [{"value": id}]})))
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.body["id"].as_str().unwrap().to_owned();
    // Entra ID: capitalised ops, no path with dotted keys, booleans as strings.
    let p = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    {"op": "Replace", "value": {"name.givenName": "Grace", "displayName": "Grace H"}},
                    {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Research"}
                ]
            })),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.body["name"]["givenName"], "Grace", "{}", p.text);
    let v = app
        .vendor(Method::GET, &format!("/api/v1/directory_users/{id}"), None)
        .await;
    assert_eq!(
        (
            v.body["first_name"].as_str(),
            v.body["custom_attributes"]["department"].as_str()
        ),
        (Some("Grace"), Some("Research")),
        "{}",
        v.text
    );
    assert_eq!(v.body["groups"][0]["name"], "Engineering", "{}", v.text);
    // Deactivation: `"active": "False"` — inactive, out of its groups, events.
    let off = d
        .call(&app, Method::PATCH, &format!("/Users/{id}"), Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})))
        .await;
    assert_eq!(
        (off.status.as_u16(), off.body["active"].as_bool()),
        (200, Some(false)),
        "{}",
        off.text
    );
    let v = app
        .vendor(Method::GET, &format!("/api/v1/directory_users/{id}"), None)
        .await;
    assert_eq!(
        (
            v.body["state"].as_str(),
            v.body["groups"].as_array().map(Vec::len)
        ),
        (Some("inactive"), Some(0)),
        "{}",
        v.text
    );
    let inactive = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/users?state=inactive", d.id),
            None,
        )
        .await;
    assert_eq!(
        inactive.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        inactive.text
    );
    // An empty state is refused rather than read as "any state".
    let empty = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/users?state=", d.id),
            None,
        )
        .await;
    assert_eq!(empty.status, 422, "{}", empty.text);
    let events = logged_types(&app).await;
    let removed: Vec<&Value> = events
        .iter()
        .filter(|(t, _)| t == "dsync.group.user_removed")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(removed.len(), 1, "{events:?}");
    assert_eq!(
        (
            removed[0]["user"]["id"].as_str(),
            removed[0]["group"]["id"].as_str()
        ),
        (Some(id.as_str()), Some(gid.as_str()))
    );
    assert!(events
        .iter()
        .any(|(t, d)| t == "dsync.user.updated" && d["state"] == "inactive"));

    // DELETE: gone for the IdP (404), kept for the vendor as inactive; its userName is free.
    let del = d
        .call(&app, Method::DELETE, &format!("/Users/{id}"), None)
        .await;
    assert_eq!(del.status, 204, "{}", del.text);
    scim_error(
        &d.call(&app, Method::GET, &format!("/Users/{id}"), None)
            .await,
        404,
        None,
    );
    let kept = app
        .vendor(Method::GET, &format!("/api/v1/directory_users/{id}"), None)
        .await;
    assert_eq!(kept.body["state"], "inactive", "{}", kept.text);
    assert!(logged_types(&app)
        .await
        .iter()
        .any(|(t, d)| t == "dsync.user.deleted" && d["id"] == id.as_str()));
    let again = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("grace@acme.test", "e1")),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
}

#[tokio::test]
async fn group_members_change_by_delta_with_okta_puts_and_entra_patches() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let r = d
            .call(
                &app,
                Method::POST,
                "/Users",
                Some(user(&format!("m{n}@acme.test"), &format!("x{n}"))),
            )
            .await;
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let g = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(
                json!({"displayName": "Sales", "members": [{"value": ids[0]}, {"value": ids[1]}]}),
            ),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.body["id"].as_str().unwrap().to_owned();
    assert_eq!(g.body["members"].as_array().unwrap().len(), 2);
    // A member that is not a user of this directory is refused, naming it.
    let bad = d
        .call(&app, Method::PATCH, &format!("/Groups/{gid}"), Some(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "dusr_elsewhere"}]}]})))
        .await;
    scim_error(&bad, 400, Some("invalidValue"));
    assert!(bad.body["detail"]
        .as_str()
        .unwrap()
        .contains("dusr_elsewhere"));
    // Entra: add one, remove one by filter, remove one by value list.
    for op in [
        json!({"op": "Add", "path": "members", "value": [{"value": ids[2]}]}),
        json!({"op": "Remove", "path": format!("members[value eq \"{}\"]", ids[0])}),
        json!({"op": "Remove", "path": "members", "value": [{"value": ids[1]}]}),
    ] {
        let r = d.call(&app, Method::PATCH, &format!("/Groups/{gid}"), Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [op]}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let members = |r: &Resp| -> Vec<String> {
        let mut v: Vec<String> = r.body["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let now = d
        .call(&app, Method::GET, &format!("/Groups/{gid}"), None)
        .await;
    assert_eq!(members(&now), vec![ids[2].clone()], "{}", now.text);
    // Entra lists groups without members.
    let listed = d
        .call(
            &app,
            Method::GET,
            "/Groups?excludedAttributes=members&filter=displayName%20eq%20%22sales%22",
            None,
        )
        .await;
    assert_eq!(listed.body["totalResults"], 1, "{}", listed.text);
    assert!(
        listed.body["Resources"][0].get("members").is_none(),
        "{}",
        listed.text
    );
    // Okta: the whole membership with PUT, and a rename.
    let put = d
        .call(&app, Method::PUT, &format!("/Groups/{gid}"), Some(json!({"displayName": "Sales EMEA", "members": [{"value": ids[2]}, {"value": ids[3]}]})))
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    let mut want = vec![ids[2].clone(), ids[3].clone()];
    want.sort();
    assert_eq!(members(&put), want);
    let vg = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directory_groups/{gid}"),
            None,
        )
        .await;
    assert_eq!(
        (vg.body["name"].as_str(), vg.body["user_count"].as_u64()),
        (Some("Sales EMEA"), Some(2)),
        "{}",
        vg.text
    );
    let by_group = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/users?group={gid}", d.id),
            None,
        )
        .await;
    assert_eq!(
        by_group.body["data"].as_array().unwrap().len(),
        2,
        "{}",
        by_group.text
    );
    // Every change was announced once: 2 at creation, +1, -1, -1, then +1 (the PUT).
    let events = logged_types(&app).await;
    let count = |t: &str| events.iter().filter(|(x, _)| x == t).count();
    assert_eq!(
        (
            count("dsync.group.user_added"),
            count("dsync.group.user_removed")
        ),
        (4, 2),
        "{events:?}"
    );
    assert_eq!(count("dsync.group.updated"), 1);
    // DELETE: members removed (announced), the group gone.
    assert_eq!(
        d.call(&app, Method::DELETE, &format!("/Groups/{gid}"), None)
            .await
            .status,
        204
    );
    scim_error(
        &d.call(&app, Method::GET, &format!("/Groups/{gid}"), None)
            .await,
        404,
        None,
    );
    let events = logged_types(&app).await;
    assert_eq!(
        events
            .iter()
            .filter(|(x, _)| x == "dsync.group.user_removed")
            .count(),
        4
    );
    assert!(events.iter().any(|(x, _)| x == "dsync.group.deleted"));
}

#[tokio::test]
async fn discovery_documents_describe_the_service() {
    let app = App::new().await;
    let d = directory(&app, "generic").await;
    let spc = d
        .call(&app, Method::GET, "/ServiceProviderConfig", None)
        .await;
    assert_eq!(
        (
            spc.body["patch"]["supported"].as_bool(),
            spc.body["bulk"]["supported"].as_bool()
        ),
        (Some(true), Some(false)),
        "{}",
        spc.text
    );
    let rts = d.call(&app, Method::GET, "/ResourceTypes", None).await;
    assert_eq!(rts.body["totalResults"], 2, "{}", rts.text);
    let user = d.call(&app, Method::GET, "/ResourceTypes/User", None).await;
    assert_eq!(user.body["endpoint"], "/Users", "{}", user.text);
    let schemas = d.call(&app, Method::GET, "/Schemas", None).await;
    assert_eq!(schemas.body["totalResults"], 3, "{}", schemas.text);
    let one = d
        .call(
            &app,
            Method::GET,
            "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
            None,
        )
        .await;
    assert_eq!(one.body["name"], "Group", "{}", one.text);
    scim_error(
        &d.call(&app, Method::GET, "/Nothing", None).await,
        404,
        None,
    );
}

#[tokio::test]
async fn the_sync_log_keeps_writes_and_failures_never_bodies() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    d.call(
        &app,
        Method::POST,
        "/Users",
        Some(user("ada@acme.test", "1")),
    )
    .await;
    d.call(
        &app,
        Method::POST,
        "/Users",
        Some(user("ada@acme.test", "2")),
    )
    .await;
    d.call(&app, Method::GET, "/Users", None).await;
    let log = app.state.store.directory_requests(&d.id, 10).await.unwrap();
    assert_eq!(log.len(), 2, "reads are not logged: {log:?}");
    assert_eq!(
        (log[0].status, log[0].scim_type.as_deref()),
        (409, Some("uniqueness")),
        "{log:?}"
    );
    assert_eq!(log[1].summary, "created user ada@acme.test");
    let all = format!("{log:?}");
    assert!(
        !all.contains("never-kept") && !all.contains(&d.token),
        "{all}"
    );
}

/// Entra ID's validator (as its documentation describes it): a random id is a SCIM 404, a
/// random userName filters to nothing, `"op": "Add"` of `emails[type eq "work"].value`, and
/// `"active": "False"` in a value object with no path; Okta's filter before a create.
#[tokio::test]
async fn entra_validator_and_okta_lookup_shapes_are_answered() {
    let app = App::new().await;
    let d = directory(&app, "entra_id").await;
    let r = d
        .call(
            &app,
            Method::GET,
            "/Users/7e4b9c1a-0000-4000-8000-000000000001",
            None,
        )
        .await;
    scim_error(&r, 404, None);
    let r = d
        .call(
            &app,
            Method::GET,
            "/Users?filter=userName%20eq%20%22nobody-0d9e%40acme.test%22&startIndex=1&count=100",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totalResults"], 0, "{}", r.text);
    let c = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("ada@acme.test", "e1")),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    let id = c.body["id"].as_str().unwrap().to_owned();
    let r = d
        .call(
            &app,
            Method::GET,
            "/Users?filter=userName%20eq%20%22ada%40acme.test%22&startIndex=1&count=100",
            None,
        )
        .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.text);
    assert_eq!(r.body["Resources"][0]["id"], id.as_str(), "{}", r.text);
    let r = d
        .call(&app, Method::PATCH, &format!("/Users/{id}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "ada.l@acme.test"}]
        })))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("ada.l@acme.test"), "{}", r.text);
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "Replace", "value": {"active": "False"}}]
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["active"], false, "{}", r.text);
}

/// JumpCloud updates a user with PUT (the whole resource); Okta pushes a group's members with
/// a `replace` of `members` (all of them).
#[tokio::test]
async fn jumpcloud_puts_users_and_okta_replaces_group_members() {
    let app = App::new().await;
    let d = directory(&app, "jumpcloud").await;
    let mut ids = Vec::new();
    for (i, name) in ["a@acme.test", "b@acme.test", "c@acme.test"]
        .iter()
        .enumerate()
    {
        let r = d
            .call(
                &app,
                Method::POST,
                "/Users",
                Some(user(name, &format!("jc{i}"))),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let mut changed = user("a@acme.test", "jc0");
    changed["name"]["familyName"] = json!("Byron");
    let r = d
        .call(
            &app,
            Method::PUT,
            &format!("/Users/{}", ids[0]),
            Some(changed),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"]["familyName"], "Byron", "{}", r.text);
    let g = d
        .call(&app, Method::POST, "/Groups", Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Ops", "members": [{"value": ids[0]}]})))
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.body["id"].as_str().unwrap().to_owned();
    let r = d
        .call(&app, Method::PATCH, &format!("/Groups/{gid}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "members", "value": [{"value": ids[1]}, {"value": ids[2]}]}]
        })))
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    let r = d
        .call(&app, Method::GET, &format!("/Groups/{gid}"), None)
        .await;
    let mut members: Vec<String> = r.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .collect();
    members.sort();
    let mut want = vec![ids[1].clone(), ids[2].clone()];
    want.sort();
    assert_eq!(members, want, "{}", r.text);
}

#[tokio::test]
async fn a_password_is_never_kept_even_qualified_by_its_schema() {
    let app = App::new().await;
    let d = directory(&app, "generic").await;
    let mut body = user("pat@acme.test", "p1");
    body["urn:ietf:params:scim:schemas:core:2.0:User:password"] = json!("S3cret-qualified");
    let r = d.call(&app, Method::POST, "/Users", Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let patched = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(json!({"Operations": [{"op": "add", "path": "password", "value": "S3cret-patched"}]})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let read = d
        .call(&app, Method::GET, &format!("/Users/{id}"), None)
        .await;
    let vendor = app
        .vendor(Method::GET, &format!("/api/v1/directory_users/{id}"), None)
        .await;
    let events = app
        .vendor(Method::GET, "/api/v1/events?limit=100", None)
        .await;
    for text in [
        &r.text,
        &patched.text,
        &read.text,
        &vendor.text,
        &events.text,
    ] {
        assert!(!text.contains("S3cret"), "{text}");
    }
}

#[tokio::test]
async fn a_deprovisioned_user_joins_no_group_until_activated_again() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("gone@acme.test", "g1")),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let off = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(json!({"Operations": [{"op": "replace", "path": "active", "value": false}]})),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    let g = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Ops", "members": [{"value": id}]})),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    assert_eq!(
        g.body["members"].as_array().map(Vec::len),
        Some(0),
        "{}",
        g.text
    );
    let events = logged_types(&app).await;
    assert!(
        !events.iter().any(|(t, _)| t == "dsync.group.user_added"),
        "{events:?}"
    );
}
