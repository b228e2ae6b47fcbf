//! Embedding: the vendor's allowed origins, the `frame-ancestors` policy on every portal page,
//! the session cookie's mode, links held by a framed session, `/embed.js`, and the CLI.

use super::*;

/// An app serving a minimal built portal from a folder, so pages are real HTML responses.
async fn app() -> App {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><html><head></head><body></body></html>",
    )
    .unwrap();
    let path = dist.keep();
    App::with(move |s| s.dist = Some(path)).await
}

async fn get(app: &App, path: &str, cookie: Option<&str>) -> Resp {
    let mut b = Request::get(path);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    app.raw(b.body(Body::empty()).unwrap()).await
}

/// The page policy's `frame-ancestors` directive (the rest of the policy is in `headers.rs`).
fn csp(r: &Resp) -> String {
    assert!(
        r.headers.get("x-frame-options").is_none(),
        "X-Frame-Options would contradict the policy"
    );
    let policy = r
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("frame-ancestors"))
        .unwrap_or_default()
        .to_owned()
}

async fn put(app: &App, body: Value) -> Resp {
    app.vendor(Method::PUT, "/api/v1/embedding", Some(body))
        .await
}

async fn redeem_held(app: &App, token: &str) -> Resp {
    let req = Request::post("/portal/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "token": token, "hold": true }).to_string(),
        ))
        .unwrap();
    app.raw(req).await
}

fn cookie_of(r: &Resp) -> String {
    r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn allowed_origins_are_validated_one_error_per_entry_and_stored_normalized() {
    let app = app().await;
    let r = app.vendor(Method::GET, "/api/v1/embedding", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body,
        json!({ "allowed_origins": [], "partitioned_cookies": false }),
        "nothing may embed the portal by default"
    );

    let r = put(
        &app,
        json!({ "allowed_origins": [
        "https://app.vendor.com",
        "http://app.vendor.com",
        "https://app.vendor.com/settings",
        "app.vendor.com",
        "https://*.vendor.com",
        "HTTPS://App.Vendor.com/",
    ] }),
    )
    .await;
    let e = assert_error(&r, 422, "validation_failed");
    let fields = e["fields"].as_object().unwrap();
    assert_eq!(fields.len(), 5, "{e}");
    assert!(fields.get("allowed_origins[0]").is_none());
    assert!(
        fields["allowed_origins[1]"]
            .as_str()
            .unwrap()
            .contains("https://app.vendor.com"),
        "{e}"
    );
    assert!(
        fields["allowed_origins[2]"]
            .as_str()
            .unwrap()
            .contains("path"),
        "{e}"
    );
    assert!(
        fields["allowed_origins[3]"]
            .as_str()
            .unwrap()
            .contains("https://app.vendor.com"),
        "{e}"
    );
    assert!(
        fields["allowed_origins[4]"]
            .as_str()
            .unwrap()
            .contains("wildcard"),
        "{e}"
    );
    assert!(
        fields["allowed_origins[5]"]
            .as_str()
            .unwrap()
            .contains("twice"),
        "{e}"
    );
    // Nothing was saved.
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/embedding", None)
            .await
            .body["allowed_origins"],
        json!([])
    );

    let r = put(&app, json!({ "allowed_origins": ["HTTPS://App.Vendor.com:443/", "http://localhost:3000"], "partitioned_cookies": true })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let want = json!({ "allowed_origins": ["https://app.vendor.com", "http://localhost:3000"], "partitioned_cookies": true });
    assert_eq!(r.body, want);
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/embedding", None)
            .await
            .body,
        want
    );

    // Unknown fields are refused rather than ignored.
    assert_error(
        &put(&app, json!({ "allowed_origins": [], "origins": [] })).await,
        400,
        "malformed_json",
    );
    // The vendor API needs a key.
    let r = app
        .raw(
            Request::get("/api/v1/embedding")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, 401, "unauthorized");
}

#[tokio::test]
async fn every_portal_page_says_who_may_frame_it() {
    let app = app().await;
    // Empty list: nobody.
    for path in ["/", "/setup?token=x", "/sso/setup/provider", "/domains"] {
        assert_eq!(
            csp(&get(&app, path, None).await),
            "frame-ancestors 'none'",
            "{path}"
        );
    }
    // The theme editor frames its own preview.
    assert_eq!(
        csp(&get(&app, "/theme/preview", None).await),
        "frame-ancestors 'self'"
    );

    put(
        &app,
        json!({ "allowed_origins": ["https://app.vendor.com", "http://localhost:3000"] }),
    )
    .await;
    let page = get(&app, "/sso", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        csp(&page),
        "frame-ancestors https://app.vendor.com http://localhost:3000"
    );
    assert_eq!(
        csp(&get(&app, "/theme/preview?x=1", None).await),
        "frame-ancestors 'self' https://app.vendor.com http://localhost:3000"
    );

    // A signed-in admin's page follows the organization's environment.
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    assert_eq!(
        csp(&get(&app, "/sso", Some(&admin.cookie)).await),
        "frame-ancestors https://app.vendor.com http://localhost:3000"
    );

    // Not only the app shell: the page shown when the portal is not built is framed the same.
    let bare = App::new().await;
    let r = get(&bare, "/sso", None).await;
    if r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html")
    {
        assert_eq!(csp(&r), "frame-ancestors 'none'");
    }
    // JSON and scripts are not pages: no policy needed.
    assert!(app
        .vendor(Method::GET, "/api/v1/embedding", None)
        .await
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .is_none());

    // Back to none.
    put(&app, json!({ "allowed_origins": [] })).await;
    assert_eq!(
        csp(&get(&app, "/sso", None).await),
        "frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn the_portal_learns_its_allowed_parents_without_a_session() {
    let app = app().await;
    put(
        &app,
        json!({ "allowed_origins": ["https://app.vendor.com"] }),
    )
    .await;
    let r = get(&app, "/portal/api/embedding", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["allowed_origins"], json!(["https://app.vendor.com"]));
}

#[tokio::test]
async fn the_session_cookie_is_partitioned_only_when_the_vendor_opts_in() {
    let app = app().await;
    let org = app.org("Acme").await;
    let lax = app.redeem(&app.link(&org, "sso").await).await;
    let set = lax.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains("SameSite=Lax")
            && !set.contains("Partitioned")
            && !set.contains("SameSite=None"),
        "{set}"
    );

    put(
        &app,
        json!({ "allowed_origins": ["http://localhost:3000"], "partitioned_cookies": true }),
    )
    .await;
    let r = app.redeem(&app.link(&org, "sso").await).await;
    let set = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    for attr in [
        "HttpOnly",
        "SameSite=None",
        "Secure",
        "Partitioned",
        "Path=/",
    ] {
        assert!(set.split("; ").any(|a| a == attr), "{attr} missing: {set}");
    }
    assert!(!set.contains("SameSite=Lax"), "{set}");
    // Signing out clears the partitioned cookie with a partitioned Set-Cookie.
    let cookie = cookie_of(&r);
    let csrf = r.body["csrf_token"].as_str().unwrap();
    let req = Request::delete("/portal/api/session")
        .header(header::COOKIE, &cookie)
        .header("x-portico-csrf", csrf)
        .body(Body::empty())
        .unwrap();
    let out = app.raw(req).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    let cleared = out.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cleared.contains("Partitioned") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    put(
        &app,
        json!({ "allowed_origins": ["http://localhost:3000"], "partitioned_cookies": false }),
    )
    .await;
    let set = app.redeem(&app.link(&org, "sso").await).await.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set.contains("SameSite=Lax") && !set.contains("Partitioned"),
        "{set}"
    );
}

#[tokio::test]
async fn a_framed_redemption_holds_the_link_until_its_cookie_comes_back() {
    let app = app().await;
    let org = app.org("Acme").await;

    // The frame's cookie never comes back: the link still opens, in a new tab, once.
    let token = app.link(&org, "sso").await;
    let framed = redeem_held(&app, &token).await;
    assert_eq!(framed.status, StatusCode::OK, "{}", framed.text);
    let lost_cookie = cookie_of(&framed);
    let tab = app.redeem(&token).await;
    assert_eq!(
        tab.status,
        StatusCode::OK,
        "the held link opens in a new tab: {}",
        tab.text
    );
    assert_error(&app.redeem(&token).await, 410, "link_used");
    // The frame's session was replaced by the tab's.
    assert_error(
        &get(&app, "/portal/api/session", Some(&lost_cookie)).await,
        401,
        "session_missing",
    );
    assert_eq!(
        get(&app, "/portal/api/session", Some(&cookie_of(&tab)))
            .await
            .status,
        StatusCode::OK
    );

    // The cookie comes back: the link is used up by that first request.
    let token = app.link(&org, "sso").await;
    let framed = redeem_held(&app, &token).await;
    let r = get(&app, "/portal/api/session", Some(&cookie_of(&framed))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_error(&app.redeem(&token).await, 410, "link_used");
    assert_error(&redeem_held(&app, &token).await, 410, "link_used");
    assert_eq!(
        get(&app, "/portal/api/session", Some(&cookie_of(&framed)))
            .await
            .status,
        StatusCode::OK,
        "the session goes on"
    );

    // Two frames hold the same link: only the latest holder's session exists.
    let token = app.link(&org, "sso").await;
    let first = redeem_held(&app, &token).await;
    let second = redeem_held(&app, &token).await;
    assert_error(
        &get(&app, "/portal/api/session", Some(&cookie_of(&first))).await,
        401,
        "session_missing",
    );
    assert_eq!(
        get(&app, "/portal/api/session", Some(&cookie_of(&second)))
            .await
            .status,
        StatusCode::OK
    );
    assert_error(&app.redeem(&token).await, 410, "link_used");

    // Holding does not outlive the link.
    let token = app.link(&org, "sso").await;
    app.advance(301);
    assert_error(&redeem_held(&app, &token).await, 410, "link_expired");
}

#[tokio::test]
async fn embed_js_is_served_as_a_script() {
    let app = app().await;
    let r = get(&app, "/embed.js", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(
        r.text.contains("Portico") && r.text.contains("portico.resize"),
        "{}",
        &r.text[..r.text.len().min(200)]
    );
    assert!(r.text.len() < 8 * 1024, "a few kilobytes: {}", r.text.len());
    assert!(
        !r.text.contains("'*'") && !r.text.contains("\"*\""),
        "never posts to any origin"
    );
}

#[test]
fn the_cli_shows_and_sets_the_embedding() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| portico_cli(dir.path(), args);
    let (ok, out, err) = run(&[
        "embedding",
        "set",
        "--origin",
        "https://App.Vendor.com/",
        "--origin",
        "http://localhost:3000",
        "--partitioned-cookies",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        json!({ "allowed_origins": ["https://app.vendor.com", "http://localhost:3000"], "partitioned_cookies": true })
    );
    let (ok, out, _) = run(&["embedding", "show"]);
    assert!(ok);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), v);
    let (ok, _, err) = run(&["embedding", "set", "--origin", "http://app.vendor.com"]);
    assert!(!ok);
    assert!(
        err.contains("allowed_origins[0]") && err.contains("https://app.vendor.com"),
        "{err}"
    );
    let (_, out, _) = run(&["embedding", "show"]);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        v,
        "a refused change saves nothing"
    );
}
