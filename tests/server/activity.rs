//! The portal shows each connection's and domain's recent activity from the event log
//! (issue 16 §3): only what concerns that resource, newest first, bounded, and only to its
//! organization's admin.

use crate::*;
use portico::server::store::NewEvent;

/// Appends an event about `data` for `org` straight to the log, as a change would.
async fn log(app: &App, org: &str, n: usize, event_type: &str, data: Value) {
    let env = app
        .state
        .store
        .organization_by_id(org)
        .await
        .unwrap()
        .unwrap()
        .environment_id;
    app.state
        .store
        .append_events(&[NewEvent {
            id: format!("evt_test{n:04}"),
            environment_id: env,
            event_type: event_type.into(),
            organization_id: Some(org.into()),
            created_at: T0 + n as i64,
            data: data.to_string(),
        }])
        .await
        .unwrap();
}

fn types(r: &Resp) -> Vec<String> {
    r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.text))
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_connection_shows_its_own_events_newest_first_with_codes_and_days() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    let other_conn = admin.connection("entra-saml").await;
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    log(
        &app,
        &org,
        next(),
        "connection.configured",
        json!({ "id": conn }),
    )
    .await;
    log(
        &app,
        &org,
        next(),
        "connection.configured",
        json!({ "id": other_conn }),
    )
    .await;
    log(&app, &org, next(), "connection.test_failed",
        json!({ "connection": { "id": conn }, "test": { "error": { "code": "audience_mismatch" } } })).await;
    // A sign-in is the sign-in log's business, not the activity's.
    log(
        &app,
        &org,
        next(),
        "sign_in.succeeded",
        json!({ "id": "si_1", "connection_id": conn }),
    )
    .await;
    log(
        &app,
        &org,
        next(),
        "connection.test_succeeded",
        json!({ "connection": { "id": conn }, "test": {} }),
    )
    .await;
    log(
        &app,
        &org,
        next(),
        "connection.activated",
        json!({ "id": conn }),
    )
    .await;
    log(
        &app,
        &org,
        next(),
        "connection.certificate_expiring",
        json!({ "connection": { "id": conn }, "days_until_expiry": 30 }),
    )
    .await;

    let r = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/activity"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The connection's own creation is in the log too when the change logs it; only the
    // entries written above are asserted in order.
    let mine: Vec<String> = types(&r)
        .into_iter()
        .filter(|t| t != "connection.created")
        .collect();
    assert_eq!(
        mine,
        [
            "connection.certificate_expiring",
            "connection.activated",
            "connection.test_succeeded",
            "connection.test_failed",
            "connection.configured",
        ]
    );
    let data = r.body["data"].as_array().unwrap();
    let failed = data
        .iter()
        .find(|e| e["type"] == "connection.test_failed")
        .unwrap();
    assert_eq!(failed["code"], "audience_mismatch");
    let expiring = &data[0];
    assert_eq!(expiring["days_until_expiry"], 30);
    // Logged at T0 + 7, shown in RFC 3339.
    assert_eq!(expiring["created_at"], "2026-11-23T00:00:07Z");
}

#[tokio::test]
async fn activity_is_bounded_and_shown_only_to_the_resources_organization() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    for n in 1..=30 {
        log(
            &app,
            &org,
            n,
            "connection.configured",
            json!({ "id": conn }),
        )
        .await;
    }
    let path = format!("/portal/api/connections/{conn}/activity");
    let r = admin.call(Method::GET, &path, None).await;
    let data = r.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 20, "at most twenty entries: {}", r.text);
    assert_eq!(data[0]["id"], "evt_test0030", "newest first");

    let other = app.org("Other").await;
    let stranger = app.admin(&other, "sso").await;
    assert_error(
        &stranger.call(Method::GET, &path, None).await,
        404,
        "connection_not_found",
    );
    // No session: refused before any work.
    let anonymous = app
        .raw(Request::get(path.as_str()).body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.text
    );
}

#[tokio::test]
async fn a_domain_shows_when_it_was_added_and_verified() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "domain_verification").await;
    let r = admin
        .call(
            Method::POST,
            "/portal/api/domains",
            Some(json!({ "domain": "acme.example" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .vendor(Method::POST, &format!("/api/v1/domains/{id}/verify"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    log(
        &app,
        &org,
        99,
        "domain.verified",
        json!({ "id": "dom_someone_else" }),
    )
    .await;

    let path = format!("/portal/api/domains/{id}/activity");
    let r = admin.call(Method::GET, &path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        types(&r),
        ["domain.verified", "domain.created"],
        "the change logs its events: {}",
        r.text
    );
    let other = app.org("Other").await;
    let stranger = app.admin(&other, "domain_verification").await;
    assert_error(
        &stranger.call(Method::GET, &path, None).await,
        404,
        "domain_not_found",
    );
}
