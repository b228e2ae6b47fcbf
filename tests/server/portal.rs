//! Portal links and sessions: one-time redemption, expiry, scoping, CSRF.

use crate::*;

#[tokio::test]
async fn a_link_redeems_once_and_says_why_it_fails_afterwards() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let token = app.link(&org, "sso").await;
    // A scanner fetching the link's page does not burn it: only the app's POST redeems.
    let r = app
        .raw(
            Request::get(format!("/setup?token={token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_ne!(r.status.as_u16(), 410);
    let r = app.redeem(&token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["organization_name"], "Acme");
    assert_eq!(r.body["intents"], json!(["sso"]));
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "http public URL: no Secure flag"
    );
    assert!(!r.text.contains(&token));

    assert_error(&app.redeem(&token).await, 410, "link_used");
    assert_error(&app.redeem("not-a-real-token").await, 404, "link_unknown");
    let late = app.link(&org, "sso").await;
    app.advance(301);
    assert_error(&app.redeem(&late).await, 410, "link_expired");
}

#[tokio::test]
async fn https_public_url_makes_the_cookie_secure() {
    let app = App::with(|s| s.public_url = "https://sso.vendor.test".into()).await;
    let org = app.org("Acme").await;
    let r = app.redeem(&app.link(&org, "sso").await).await;
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("; Secure"));
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_after_their_lifetime() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    app.advance(3599);
    assert_eq!(
        admin
            .call(Method::GET, "/portal/api/session", None)
            .await
            .status,
        200
    );
    app.advance(3599);
    let r = admin.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(r.status, 200, "activity keeps the session alive");
    assert_eq!(unix(&r.body["idle_expires_at"]), T0 + 2 * 3599 + 3600);
    app.advance(3600);
    assert_error(
        &admin.call(Method::GET, "/portal/api/session", None).await,
        401,
        "session_missing",
    );

    let admin = app.admin(&org, "sso").await;
    for _ in 0..12 {
        app.advance(1800);
        let r = admin
            .call(Method::GET, "/portal/api/connections", None)
            .await;
        if r.status != 200 {
            assert_error(&r, 401, "session_missing");
            return;
        }
    }
    panic!("the session outlived its six-hour lifetime");
}

#[tokio::test]
async fn a_session_sees_only_its_own_organization() {
    let app = App::new().await;
    let (a, b) = (app.org("A").await, app.org("B").await);
    let admin_a = app.admin(&a, "sso").await;
    let admin_b = app.admin(&b, "sso").await;
    let conn_b = admin_b.connection("okta-saml").await;
    for (m, path) in [
        (Method::GET, format!("/portal/api/connections/{conn_b}")),
        (
            Method::PUT,
            format!("/portal/api/connections/{conn_b}/draft"),
        ),
        (
            Method::POST,
            format!("/portal/api/connections/{conn_b}/save"),
        ),
    ] {
        let body = (m != Method::GET).then(|| json!({ "draft": {} }));
        let body = if path.ends_with("activate") {
            Some(json!({}))
        } else {
            body
        };
        assert_error(
            &admin_a.call(m, &path, body).await,
            404,
            "connection_not_found",
        );
    }
    let r = admin_a
        .call(Method::GET, "/portal/api/connections", None)
        .await;
    assert_eq!(r.body["data"], json!([]));
    let r = admin_b
        .call(Method::GET, "/portal/api/connections", None)
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_domain_verification_session_cannot_reach_sso_routes() {
    let app = App::new().await;
    let org = app.org("A").await;
    let admin = app.admin(&org, "domain_verification").await;
    assert_error(
        &admin
            .call(Method::GET, "/portal/api/connections", None)
            .await,
        403,
        "intent_not_allowed",
    );
    assert_error(
        &admin
            .call(
                Method::POST,
                "/portal/api/connections",
                Some(json!({ "idp": "okta-saml" })),
            )
            .await,
        403,
        "intent_not_allowed",
    );
}

/// The session tells the page what the organization has set up (so a first visit needs no
/// list and no chunk to say "nothing yet"), counting only what the session may see.
#[tokio::test]
async fn the_session_counts_connections_and_directories_within_its_intents() {
    let app = App::new().await;
    let org = app.org("A").await;
    let sso = app.admin(&org, "sso").await;
    let counts = |r: &Resp| (r.body["connections"].clone(), r.body["directories"].clone());
    // Directories are not this session's to see until the organization has one (then the SSO
    // session covers directory sync too): absent, not zero.
    let session = sso.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(
        counts(&session),
        (json!(0), json!(null)),
        "{}",
        session.text
    );
    sso.connection("okta-saml").await;
    sso.connection("entra-oidc").await;
    let session = sso.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(
        counts(&session),
        (json!(2), json!(null)),
        "{}",
        session.text
    );
    // A fresh link's redemption answers with the counts too.
    let redeemed = app.redeem(&app.link(&org, "sso").await).await;
    assert_eq!(
        counts(&redeemed),
        (json!(2), json!(null)),
        "{}",
        redeemed.text
    );

    let dsync = app.admin(&org, "dsync").await;
    let created = dsync
        .call(
            Method::POST,
            "/portal/api/directories",
            Some(json!({ "provider": "okta" })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let session = dsync.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(
        counts(&session),
        (json!(null), json!(1)),
        "{}",
        session.text
    );
    // The SSO session now covers directory sync too (the organization has a directory).
    let session = sso.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(counts(&session), (json!(2), json!(1)), "{}", session.text);
    // A session for domains only learns nothing of the others.
    let domains = app.admin(&org, "domain_verification").await;
    let session = domains.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(
        counts(&session),
        (json!(null), json!(null)),
        "{}",
        session.text
    );
}

#[tokio::test]
async fn state_changing_calls_need_the_csrf_token() {
    let app = App::new().await;
    let org = app.org("A").await;
    let mut admin = app.admin(&org, "sso").await;
    let good = admin.csrf.clone();
    for bad in ["", "wrong-token"] {
        admin.csrf = bad.into();
        let r = admin
            .call(
                Method::POST,
                "/portal/api/connections",
                Some(json!({ "idp": "okta-saml" })),
            )
            .await;
        assert_error(&r, 403, "csrf_failed");
    }
    // Reads do not need it.
    assert_eq!(
        admin
            .call(Method::GET, "/portal/api/connections", None)
            .await
            .status,
        200
    );
    admin.csrf = good;
    admin.connection("okta-saml").await;
    let r = admin
        .call(Method::GET, "/portal/api/connections", None)
        .await;
    assert_eq!(
        r.body["data"].as_array().unwrap().len(),
        1,
        "only the call with the token created anything"
    );
}

#[tokio::test]
async fn no_session_means_session_missing() {
    let app = App::new().await;
    let r = app
        .raw(
            Request::get("/portal/api/connections")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, 401, "session_missing");
    let r = app
        .raw(
            Request::get("/portal/api/connections")
                .header("cookie", "portico_session=forged")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, 401, "session_missing");
}

#[tokio::test]
async fn drafts_survive_the_session_and_unknown_idps_are_refused() {
    let app = App::new().await;
    let org = app.org("A").await;
    let admin = app.admin(&org, "sso").await;
    let r = admin
        .call(
            Method::POST,
            "/portal/api/connections",
            Some(json!({ "idp": "myspace-saml" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(e["fields"]["idp"].is_string());
    let conn = admin.connection("entra-saml").await;
    let draft = json!({ "method": "manual", "sso_url": "https://login.example.com/saml" });
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/draft"),
            Some(json!({ "draft": draft })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/draft"),
            Some(json!({ "draft": "text" })),
        )
        .await;
    assert_error(&r, 422, "validation_failed");
    app.advance(7200);
    let later = app.admin(&org, "sso").await;
    let r = later
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}"),
            None,
        )
        .await;
    assert_eq!(r.body["draft"], draft);
    assert_eq!(r.body["state"], "draft");
    // Saving a connection without details is refused, and loses nothing.
    let r = later
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/save"),
            Some(json!({})),
        )
        .await;
    assert_error(&r, 409, "connection_incomplete");
    let r = later
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}"),
            None,
        )
        .await;
    assert_eq!(r.body["draft"], draft);
}

#[tokio::test]
async fn ended_sessions_and_old_links_are_purged_but_recent_expired_links_still_explain_themselves()
{
    let app = App::new().await;
    let org = app.org("A").await;
    let admin = app.admin(&org, "sso").await;
    let unused = app.link(&org, "sso").await;
    assert_eq!(
        portico::server::jobs::purge(&app.state).await.unwrap(),
        0,
        "nothing has ended yet"
    );
    app.advance(3601);
    // The idle session goes; the link expired an hour ago is kept, so it still says "expired".
    assert_eq!(portico::server::jobs::purge(&app.state).await.unwrap(), 1);
    assert_error(
        &admin.call(Method::GET, "/portal/api/session", None).await,
        401,
        "session_missing",
    );
    assert_error(&app.redeem(&unused).await, 410, "link_expired");
    app.advance(portico::server::jobs::EXPIRED_LINK_MEMORY_SECONDS);
    assert_eq!(
        portico::server::jobs::purge(&app.state).await.unwrap(),
        2,
        "both links are long expired now"
    );
    assert_error(&app.redeem(&unused).await, 404, "link_unknown");
}
