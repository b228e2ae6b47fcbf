//! The IT admin's directory setup wizard through the portal API (issue 17 §1): who may use it
//! (a `dsync` link, or an `sso` one once the vendor enabled directory sync), the provider
//! catalog and guides, directories and the provider change before the first request, tokens,
//! the live status with the sync log explained, groups, and the group → role mapping with its
//! preview and `dsync.role_changed` events; and that no route reaches another organization's
//! directory.

use crate::scim::{directory, scim_as, user, Dir};
use crate::*;

/// Events of the test environment of a type, oldest first (all pages).
async fn events_of(app: &App, event_type: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let mut path = format!("/api/v1/events?limit=100&types={event_type}");
        if !after.is_empty() {
            path.push_str(&format!("&after={after}"));
        }
        let r = app.vendor(Method::GET, &path, None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let data = r.body["data"].as_array().unwrap().clone();
        let Some(last) = data.last() else { break };
        after = last["id"].as_str().unwrap().to_owned();
        assert!(data.iter().all(|e| e["type"] == event_type), "{}", r.text);
        out.extend(data);
    }
    out
}

async fn create(admin: &Admin<'_>, provider: &str) -> Resp {
    admin
        .call(
            Method::POST,
            "/portal/api/directories",
            Some(json!({ "provider": provider })),
        )
        .await
}

async fn new_token(admin: &Admin<'_>, dir: &str) -> String {
    let t = admin
        .call(
            Method::POST,
            &format!("/portal/api/directories/{dir}/tokens"),
            None,
        )
        .await;
    assert_eq!(t.status, 201, "{}", t.text);
    t.body["secret"].as_str().unwrap().to_owned()
}

async fn status(admin: &Admin<'_>, dir: &str) -> Value {
    let r = admin
        .call(
            Method::GET,
            &format!("/portal/api/directories/{dir}/status"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

#[tokio::test]
async fn a_dsync_link_opens_the_wizard_with_the_catalog_and_its_guides() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "dsync").await;
    let s = admin.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(s.body["intents"], json!(["dsync"]), "{}", s.text);

    let p = admin
        .call(Method::GET, "/portal/api/directory_providers", None)
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    let keys: Vec<&str> = p
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    let catalog: Vec<&str> = portico::core::directory_catalog::DIRECTORY_CATALOG
        .iter()
        .map(|e| e.key)
        .collect();
    assert_eq!(keys, catalog, "catalog order, every row");
    let google = p
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "google_workspace")
        .unwrap();
    assert_eq!(google["scim"], false);
    let entra = p
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "entra_id")
        .unwrap();
    assert_eq!(entra["scim"], true);
    assert_eq!(entra["token_label"], "Secret Token");
    assert_eq!(entra["sync_cycle_minutes"], 40);

    let g = admin
        .call(Method::GET, "/portal/api/directory_guides/okta", None)
        .await;
    assert_eq!(g.status, 200, "{}", g.text);
    assert_eq!(g.body["key"], "okta");
    assert!(!g.body["steps"].as_array().unwrap().is_empty());
    let g = admin
        .call(Method::GET, "/portal/api/directory_guides/myspace", None)
        .await;
    assert_error(&g, 404, "guide_not_found");

    // Other intents do not reach the wizard; writes need the CSRF token.
    let other = app.admin(&org, "domain_verification").await;
    for path in [
        "/portal/api/directory_providers",
        "/portal/api/directory_guides/okta",
        "/portal/api/directories",
    ] {
        assert_error(
            &other.call(Method::GET, path, None).await,
            403,
            "intent_not_allowed",
        );
    }
    let mut forged = app.admin(&org, "dsync").await;
    forged.csrf = "nope".into();
    assert_error(&create(&forged, "okta").await, 403, "csrf_failed");
}

#[tokio::test]
async fn an_sso_session_reaches_the_wizard_once_the_organization_has_a_directory() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let s = admin.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(s.body["intents"], json!(["sso"]), "{}", s.text);
    assert_error(
        &admin
            .call(Method::GET, "/portal/api/directories", None)
            .await,
        403,
        "intent_not_allowed",
    );
    // The vendor enables directory sync for the organization: the same session now covers it,
    // and so does a new one from the start.
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/directories"),
            Some(json!({ "provider": "okta" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let s = admin.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(s.body["intents"], json!(["sso", "dsync"]), "{}", s.text);
    let l = admin
        .call(Method::GET, "/portal/api/directories", None)
        .await;
    assert_eq!(l.status, 200, "{}", l.text);
    assert_eq!(l.body[0]["id"], r.body["id"]);
    let token = app.link(&org, "sso").await;
    let redeemed = app.redeem(&token).await;
    assert_eq!(
        redeemed.body["intents"],
        json!(["sso", "dsync"]),
        "{}",
        redeemed.text
    );
    // Another organization's sso session does not.
    let other = app.org("Other").await;
    let b = app.admin(&other, "sso").await;
    let s = b.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(s.body["intents"], json!(["sso"]), "{}", s.text);
}

#[tokio::test]
async fn the_admin_starts_a_directory_changes_its_provider_while_pending_and_rotates_tokens() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "dsync").await;
    for provider in ["google_workspace", "ldap"] {
        let r = create(&admin, provider).await;
        let e = assert_error(&r, 422, "validation_failed");
        assert!(e["fields"]["provider"].is_string(), "{}", r.text);
    }
    let r = create(&admin, "okta").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["organization_id"], org.as_str());
    assert_eq!(r.body["state"], "pending");
    assert_eq!(r.body["provider"], "okta");
    assert_eq!(
        r.body["scim_base_url"],
        format!("http://portal.test/scim/v2/{id}")
    );
    app.advance(5);
    let second = create(&admin, "generic").await;
    assert_eq!(second.status, 201, "{}", second.text);
    let l = admin
        .call(Method::GET, "/portal/api/directories", None)
        .await;
    let listed: Vec<&str> = l
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [id.as_str(), second.body["id"].as_str().unwrap()],
        "oldest first"
    );

    // The provider changes while pending, within the catalog's SCIM providers.
    let path = format!("/portal/api/directories/{id}");
    let p = admin
        .call(Method::PATCH, &path, Some(json!({"provider": "entra_id"})))
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.body["provider"], "entra_id");
    let p = admin
        .call(
            Method::PATCH,
            &path,
            Some(json!({"provider": "google_workspace"})),
        )
        .await;
    assert!(assert_error(&p, 422, "validation_failed")["fields"]["provider"].is_string());
    let p = admin
        .call(
            Method::PATCH,
            &path,
            Some(json!({"provider": "okta", "state": "active"})),
        )
        .await;
    assert_error(&p, 400, "malformed_json");

    // Tokens: shown once; a new one leaves the old one a day.
    let first = new_token(&admin, &id).await;
    assert!(first.starts_with("scim_"), "{first}");
    app.advance(10);
    let now = app.clock.now();
    let second_token = new_token(&admin, &id).await;
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/directories/{id}/tokens"),
            None,
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.text);
    let data = t.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "{}", t.text);
    assert!(!t.text.contains(&first) && !t.text.contains(&second_token));
    assert!(data.iter().all(|d| d.get("secret").is_none()));
    let grace: Vec<Option<i64>> = data.iter().map(|d| opt_unix(&d["expires_at"])).collect();
    assert!(grace.contains(&Some(now + 24 * 3600)), "{grace:?}");
    assert!(grace.contains(&None), "{grace:?}");

    // The IdP's first request makes it active: the provider no longer changes.
    let d = Dir {
        id: id.clone(),
        org: org.clone(),
        token: first,
    };
    let u = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("ada@acme.test", "x1")),
        )
        .await;
    assert_eq!(
        u.status, 201,
        "the old token works in its grace: {}",
        u.text
    );
    let p = admin
        .call(Method::PATCH, &path, Some(json!({"provider": "okta"})))
        .await;
    assert_error(&p, 409, "invalid_state");
    let s = status(&admin, &id).await;
    assert_eq!(s["directory"]["provider"], "entra_id");
    assert_eq!(s["directory"]["state"], "active");
}

#[tokio::test]
async fn the_status_shows_the_first_request_and_explains_failures_in_plain_words() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "dsync").await;
    let id = create(&admin, "okta").await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = new_token(&admin, &id).await;
    let s = status(&admin, &id).await;
    assert!(s["first_request_at"].is_null(), "{s}");
    assert_eq!(s["recent"], json!([]));
    assert_eq!(s["directory"]["state"], "pending");

    // A wrong token is the most common mistake: logged on the directory, once a minute.
    let users = format!("/scim/v2/{id}/Users");
    let wrong = "scim_not_the_token";
    for _ in 0..3 {
        let r = scim_as(&app, wrong, Method::GET, &users, None).await;
        assert_eq!(r.status, 401);
    }
    let s = status(&admin, &id).await;
    let recent = s["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 1, "{s}");
    assert_eq!(recent[0]["status"], 401);
    assert_eq!(recent[0]["method"], "GET");
    assert_eq!(recent[0]["resource_type"], "Users");
    assert!(recent[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("copy the current token into its settings"));
    assert!(
        s["first_request_at"].is_null(),
        "a refused request is not the first request"
    );
    app.advance(61);
    scim_as(&app, wrong, Method::GET, &users, None).await;
    // A directory id that is not one, or another environment's, logs nothing anywhere.
    scim_as(&app, wrong, Method::GET, "/scim/v2/dir_nope/Users", None).await;
    let s = status(&admin, &id).await;
    assert_eq!(s["recent"].as_array().unwrap().len(), 2, "{s}");
    assert!(!s.to_string().contains(wrong), "the token is never stored");

    // Success, then a duplicate username: the 409 is explained.
    let t_first = app.clock.now();
    let ok = scim_as(
        &app,
        &token,
        Method::POST,
        &users,
        Some(user("ada@acme.test", "x1")),
    )
    .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    app.advance(3);
    let dup = scim_as(
        &app,
        &token,
        Method::POST,
        &users,
        Some(user("ADA@acme.test", "x2")),
    )
    .await;
    assert_eq!(dup.status, 409, "{}", dup.text);
    let bad = scim_as(
        &app,
        &token,
        Method::GET,
        &format!("{users}?filter=userName%20zz%20%22a%22"),
        None,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let s = status(&admin, &id).await;
    assert_eq!(opt_unix(&s["first_request_at"]), Some(t_first), "{s}");
    assert_eq!(s["directory"]["state"], "active");
    assert_eq!(s["directory"]["user_count"], 1);
    let recent = s["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 5, "{s}");
    // Newest first.
    assert_eq!(recent[0]["status"], 400);
    assert!(
        recent[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("search"),
        "{s}"
    );
    assert_eq!(recent[1]["status"], 409);
    assert!(recent[1]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("A user with this username already exists here"));
    assert_eq!(recent[2]["status"], 201);
    assert!(recent[2]["explanation"].is_null());
    assert!(
        recent[2]["summary"]
            .as_str()
            .unwrap()
            .contains("ada@acme.test"),
        "{s}"
    );
    assert!(!s.to_string().contains(&token));
    assert!(
        !s.to_string().contains("never-kept"),
        "no password in the log"
    );
}

/// Declares `admin` (listed first, the more privileged) and `member`, the default.
async fn declare_roles(app: &App) {
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/roles",
            Some(json!({
                "roles": [{"slug": "admin", "name": "Admin"}, {"slug": "member", "name": "Member"}],
                "default_role": "member"
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn group(app: &App, d: &Dir, name: &str, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({ "value": m })).collect();
    let g = d
        .call(
            app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": name, "members": members})),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    g.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn role_mapping_previews_then_saves_and_announces_each_role_change() {
    let app = App::new().await;
    declare_roles(&app).await;
    let d = directory(&app, "okta").await;
    let admin = app.admin(&d.org, "dsync").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let r = d
            .call(
                &app,
                Method::POST,
                "/Users",
                Some(user(&format!("u{n}@acme.test"), &format!("x{n}"))),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let ops = group(&app, &d, "Ops", &[&ids[0]]).await;
    let eng = group(&app, &d, "Engineering", &[&ids[0], &ids[1], &ids[3]]).await;
    // u3 is deactivated: it leaves its groups and counts for no role.
    let off = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{}", ids[3]),
            Some(
                json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "value": {"active": false}}]}),
            ),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);

    let base = format!("/portal/api/directories/{}", d.id);
    let g = admin
        .call(Method::GET, &format!("{base}/groups"), None)
        .await;
    assert_eq!(g.status, 200, "{}", g.text);
    let counts: Vec<(String, u64)> = g.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_owned(),
                g["user_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("Ops".to_owned(), 1), ("Engineering".to_owned(), 2)]
    );
    assert_eq!(g.body["has_more"], false);

    let m = admin
        .call(Method::GET, &format!("{base}/role_mapping"), None)
        .await;
    assert_eq!(m.status, 200, "{}", m.text);
    assert_eq!(m.body["roles"]["default_role"], "member");
    assert_eq!(m.body["mapping"], json!({}));
    assert_eq!(m.body["preview"], json!({"admin": 0, "member": 3, "": 0}));

    // A preview saves nothing.
    let p = admin
        .call(
            Method::POST,
            &format!("{base}/role_mapping/preview"),
            Some(json!({"mapping": { &ops: "admin" }})),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.body["preview"], json!({"admin": 1, "member": 2, "": 0}));
    let m = admin
        .call(Method::GET, &format!("{base}/role_mapping"), None)
        .await;
    assert_eq!(m.body["mapping"], json!({}));
    assert!(events_of(&app, "dsync.role_changed").await.is_empty());

    // Checked, naming the group's field.
    let bad = admin
        .call(
            Method::PUT,
            &format!("{base}/role_mapping"),
            Some(json!({"mapping": { &ops: "owner" }})),
        )
        .await;
    let e = assert_error(&bad, 422, "validation_failed");
    assert!(e["fields"][format!("mapping.{ops}")]
        .as_str()
        .unwrap()
        .contains("admin, member"));
    let bad = admin
        .call(
            Method::PUT,
            &format!("{base}/role_mapping"),
            Some(json!({"mapping": {"dgr_elsewhere": "admin"}})),
        )
        .await;
    let e = assert_error(&bad, 422, "validation_failed");
    assert!(
        e["fields"]["mapping.dgr_elsewhere"].is_string(),
        "{}",
        bad.text
    );
    let bad = admin
        .call(
            Method::POST,
            &format!("{base}/role_mapping/preview"),
            Some(json!({"mapping": {"dgr_elsewhere": "admin"}})),
        )
        .await;
    assert_error(&bad, 422, "validation_failed");

    // Saved: u0 (in Ops) goes from member to admin, and only u0.
    let s = admin
        .call(
            Method::PUT,
            &format!("{base}/role_mapping"),
            Some(json!({"mapping": { &ops: "admin", &eng: "member" }})),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["mapping"], json!({ &ops: "admin", &eng: "member" }));
    assert_eq!(s.body["preview"], json!({"admin": 1, "member": 2, "": 0}));
    let changed = events_of(&app, "dsync.role_changed").await;
    assert_eq!(changed.len(), 1, "{changed:?}");
    let data = &changed[0]["data"];
    assert_eq!(data["id"], ids[0].as_str());
    assert_eq!(data["role"], "admin");
    assert_eq!(data["previous_role"], "member");
    assert_eq!(data["username"], "u0@acme.test");
    let names: Vec<&str> = data["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Engineering", "Ops"]);
    let u0 = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directory_users/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(u0.body["role"], "admin", "{}", u0.text);
    let m = admin
        .call(Method::GET, &format!("{base}/role_mapping"), None)
        .await;
    assert_eq!(m.body["mapping"], s.body["mapping"]);

    // Engineering to admin as well: u1 changes; saving the same again changes no one.
    let both = json!({"mapping": { &ops: "admin", &eng: "admin" }});
    let s = admin
        .call(
            Method::PUT,
            &format!("{base}/role_mapping"),
            Some(both.clone()),
        )
        .await;
    assert_eq!(s.body["preview"], json!({"admin": 2, "member": 1, "": 0}));
    let changed = events_of(&app, "dsync.role_changed").await;
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert_eq!(changed[1]["data"]["id"], ids[1].as_str());
    admin
        .call(Method::PUT, &format!("{base}/role_mapping"), Some(both))
        .await;
    assert_eq!(events_of(&app, "dsync.role_changed").await.len(), 2);

    // A deleted group drops out of the mapping shown, so it can be saved back as shown.
    let del = d
        .call(&app, Method::DELETE, &format!("/Groups/{eng}"), None)
        .await;
    assert_eq!(del.status, 204, "{}", del.text);
    let m = admin
        .call(Method::GET, &format!("{base}/role_mapping"), None)
        .await;
    assert_eq!(m.body["mapping"], json!({ &ops: "admin" }));
    let again = admin
        .call(
            Method::PUT,
            &format!("{base}/role_mapping"),
            Some(json!({"mapping": m.body["mapping"]})),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
}

#[tokio::test]
async fn a_mapping_save_reaches_every_user_of_a_large_directory() {
    let app = App::new().await;
    declare_roles(&app).await;
    let d = directory(&app, "generic").await;
    let admin = app.admin(&d.org, "dsync").await;
    // More users than a page of the save's reads, inserted straight into the store.
    let n = 1_250;
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let id = format!("dus_bulk{i:05}");
        let row = portico::server::store::DirectoryUserRow {
            id: id.clone(),
            directory_id: d.id.clone(),
            user_name: format!("b{i}@acme.test"),
            user_name_key: format!("b{i}@acme.test"),
            external_id: None,
            email: None,
            email_key: None,
            first_name: None,
            last_name: None,
            active: true,
            resource: "{}".into(),
            version: 1,
            created_at: T0,
            updated_at: T0,
            deleted_at: None,
        };
        app.state
            .store
            .insert_directory_user(&row, &[])
            .await
            .unwrap();
        ids.push(id);
    }
    let members: Vec<&str> = ids.iter().take(n - 50).map(String::as_str).collect();
    let all = group(&app, &d, "Everyone", &members).await;
    let base = format!("/portal/api/directories/{}", d.id);
    let started = std::time::Instant::now();
    let s = admin
        .call(
            Method::PUT,
            &format!("{base}/role_mapping"),
            Some(json!({"mapping": { &all: "admin" }})),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(
        s.body["preview"],
        json!({"admin": n - 50, "member": 50, "": 0})
    );
    let changed = events_of(&app, "dsync.role_changed").await;
    assert_eq!(changed.len(), n - 50, "took {:?}", started.elapsed());
    assert!(changed
        .iter()
        .all(|e| e["data"]["role"] == "admin" && e["data"]["previous_role"] == "member"));
}

#[tokio::test]
async fn another_organization_s_admin_reaches_none_of_a_directory() {
    let app = App::new().await;
    declare_roles(&app).await;
    let a = directory(&app, "okta").await;
    let u = a
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("ada@acme.test", "x1")),
        )
        .await;
    let uid = u.body["id"].as_str().unwrap().to_owned();
    let gid = group(&app, &a, "Ops", &[&uid]).await;
    let org_b = app.org("Other").await;
    let b = app.admin(&org_b, "dsync").await;
    let base = format!("/portal/api/directories/{}", a.id);
    let mapping = json!({"mapping": { &gid: "admin" }});
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PATCH,
            base.clone(),
            Some(json!({"provider": "generic"})),
        ),
        (Method::GET, format!("{base}/tokens"), None),
        (Method::POST, format!("{base}/tokens"), None),
        (Method::GET, format!("{base}/status"), None),
        (Method::GET, format!("{base}/groups"), None),
        (Method::GET, format!("{base}/role_mapping"), None),
        (
            Method::POST,
            format!("{base}/role_mapping/preview"),
            Some(mapping.clone()),
        ),
        (Method::PUT, format!("{base}/role_mapping"), Some(mapping)),
    ];
    for (method, path, body) in calls {
        let r = b.call(method.clone(), &path, body).await;
        let e = assert_error(&r, 404, "directory_not_found");
        assert!(
            !r.text.contains("Ops") && !r.text.contains("ada@"),
            "{method} {path}: {e}"
        );
    }
    let l = b.call(Method::GET, "/portal/api/directories", None).await;
    assert_eq!(l.body, json!([]));
    // Nothing changed in A.
    let v = app
        .vendor(Method::GET, &format!("/api/v1/directories/{}", a.id), None)
        .await;
    assert_eq!(v.body["provider"], "okta");
    let t = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directories/{}/tokens", a.id),
            None,
        )
        .await;
    assert_eq!(t.body["data"].as_array().unwrap().len(), 1);
    assert!(events_of(&app, "dsync.role_changed").await.is_empty());
    // A's own admin reaches it.
    let own = app.admin(&a.org, "dsync").await;
    let r = own.call(Method::GET, &format!("{base}/groups"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
}
