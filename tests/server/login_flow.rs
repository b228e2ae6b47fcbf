//! Go-live, in-process: the vendor app's sign-ins through `/sso/authorize`, a signed SAML answer
//! at the ACS, and `/sso/token`, with every refusal the launch checklist asks for.

use super::signin::url_encode;
use super::signin_flow::{new_idp, response, setup, start, Idp};
use super::*;
use base64::Engine;
use sha2::Digest;

pub(super) const CALLBACK: &str = "https://app.example.com/callback";

pub(super) fn location(r: &Resp) -> String {
    r.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn path_of(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    format!("{}?{}", u.path(), u.query().unwrap_or(""))
}

pub(super) fn query(url: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// A connection that passed its test and is active, for an organization with example.com
/// verified; redirect URIs registered; returns (org, connection, client id, client secret).
pub(super) async fn live(app: &App, idp: &Idp) -> (String, String, String, String) {
    let (org, conn) = setup(app, idp, &["example.com"]).await;
    let d = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/domains"),
            Some(json!({ "domain": "example.com" })),
        )
        .await;
    let d = d.body["id"].as_str().unwrap().to_owned();
    app.vendor(Method::POST, &format!("/api/v1/domains/{d}/verify"), None)
        .await;
    let admin = app.admin(&org, "sso").await;
    let (_, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        idp,
        &conn,
        Some(&request_id),
        "_test1",
        &[("email", "ada@example.com")],
        app.state.clock.now(),
    );
    let body = format!(
        "SAMLResponse={}&RelayState={}",
        url_encode(&base64::engine::general_purpose::STANDARD.encode(xml)),
        url_encode(&relay)
    );
    app.raw(
        Request::post(format!("/sso/saml/{conn}/acs"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    let a = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/activate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(a.body["state"], "active", "{}", a.text);
    let r = app
        .vendor(Method::PUT, "/api/v1/redirect_uris", Some(json!({ "redirect_uris": [{ "uri": CALLBACK, "default": true }, { "uri": "http://localhost:3000/cb" }, { "uri": "myapp://callback" }] })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = app
        .vendor(Method::POST, "/api/v1/client/secrets", None)
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
    (
        org,
        conn,
        s.body["client_id"].as_str().unwrap().to_owned(),
        s.body["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// `/sso/authorize` with these parameters.
pub(super) async fn authorize(app: &App, params: &[(&str, &str)]) -> Resp {
    let q: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    app.raw(
        Request::get(format!("/sso/authorize?{}", q.join("&")))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn authorize_owned(app: &App, p: Vec<(&'static str, String)>) -> Resp {
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
    authorize(app, &refs).await
}

/// Follows an authorize redirect to the IdP and answers as `email`; returns where the browser
/// is sent back to (the app's redirect URI with a code or an error).
pub(super) async fn sign_in(
    app: &App,
    idp: &Idp,
    conn: &str,
    started: &Resp,
    email: &str,
    assertion_id: &str,
) -> String {
    assert_eq!(started.status, StatusCode::FOUND, "{}", started.text);
    let launch = location(started);
    assert!(
        launch.starts_with(&format!("http://portal.test/sso/saml/{conn}/login/")),
        "{launch}"
    );
    let attempt = launch.rsplit('/').next().unwrap().to_owned();
    let go = app
        .raw(Request::get(path_of(&launch)).body(Body::empty()).unwrap())
        .await;
    let relay = query(&location(&go)).get("RelayState").cloned().unwrap();
    let request_id = app
        .state
        .store
        .test(&attempt)
        .await
        .unwrap()
        .unwrap()
        .request_id
        .unwrap();
    let xml = response(
        idp,
        conn,
        Some(&request_id),
        assertion_id,
        &[
            ("email", email),
            ("firstName", "Ada"),
            ("lastName", "Lovelace"),
        ],
        app.state.clock.now(),
    );
    let body = format!(
        "SAMLResponse={}&RelayState={}",
        url_encode(&base64::engine::general_purpose::STANDARD.encode(xml)),
        url_encode(&relay)
    );
    let r = app
        .raw(
            Request::post(format!("/sso/saml/{conn}/acs"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    location(&r)
}

pub(super) async fn token(app: &App, fields: &[(&str, &str)], basic: Option<(&str, &str)>) -> Resp {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    let mut b = Request::post("/sso/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        b = b.header(
            header::AUTHORIZATION,
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
            ),
        );
    }
    app.raw(b.body(Body::from(body.join("&"))).unwrap()).await
}

#[tokio::test]
async fn an_app_signs_a_user_in_and_trades_the_code_for_the_profile_once() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, secret) = live(&app, &idp).await;
    assert!(client.starts_with("client_"));

    let started = authorize(
        &app,
        &[
            ("client_id", &client),
            ("redirect_uri", CALLBACK),
            ("state", "s-123"),
            ("organization", &org),
        ],
    )
    .await;
    let back = sign_in(&app, &idp, &conn, &started, "Ada@Example.com", "_login1").await;
    assert!(back.starts_with(&format!("{CALLBACK}?code=")), "{back}");
    let q = query(&back);
    assert_eq!(q["state"], "s-123");
    let code = q["code"].clone();

    // HTTP Basic, as most OAuth libraries send it.
    let t = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(t.headers[header::CACHE_CONTROL], "no-store");
    let p = &t.body["profile"];
    assert_eq!(p["email"], "ada@example.com");
    assert_eq!(
        (p["first_name"].as_str(), p["last_name"].as_str()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(
        (
            p["organization_id"].as_str(),
            p["connection_id"].as_str(),
            p["connection_type"].as_str()
        ),
        (Some(org.as_str()), Some(conn.as_str()), Some("saml"))
    );
    assert_eq!(p["idp_id"], "00u-ada");
    assert_eq!(p["raw_attributes"]["email"], json!(["Ada@Example.com"]));
    assert_eq!(t.body["idp_initiated"], false);
    let profile_id = p["id"].as_str().unwrap().to_owned();
    assert!(profile_id.starts_with("prof_"));

    // A code works once.
    let again = token(&app, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(
        (again.status, again.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "{}",
        again.text
    );

    // The same person gets the same id next time; form fields work as well as Basic.
    let started = authorize(
        &app,
        &[
            ("client_id", &client),
            ("state", "s-2"),
            ("login_hint", "ada@example.com"),
        ],
    )
    .await;
    let back = sign_in(&app, &idp, &conn, &started, "ada@example.com", "_login2").await;
    assert!(
        back.starts_with(CALLBACK),
        "the default redirect URI: {back}"
    );
    let t = token(
        &app,
        &[
            ("code", &query(&back)["code"]),
            ("client_id", &client),
            ("client_secret", &secret),
        ],
        None,
    )
    .await;
    assert_eq!(t.body["profile"]["id"], profile_id.as_str(), "{}", t.text);

    // The sign-in log has both, with the profile id and nothing of the assertion; the test
    // history does not list them.
    let log = app
        .vendor(
            Method::GET,
            &format!("/api/v1/connections/{conn}/sign_ins"),
            None,
        )
        .await;
    let data = log.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "{}", log.text);
    assert_eq!(
        (data[0]["outcome"].as_str(), data[0]["profile_id"].as_str()),
        (Some("success"), Some(profile_id.as_str()))
    );
    let stored = app.state.store.list_sign_ins(&conn, 10).await.unwrap();
    assert!(
        stored.iter().all(|s| !s
            .result
            .as_deref()
            .unwrap_or_default()
            .contains("ada@example.com")),
        "no profile data kept in the log"
    );
    let tests = app
        .vendor(
            Method::GET,
            &format!("/api/v1/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(tests.body["data"].as_array().unwrap().len(), 1);
    let admin = app.admin(&org, "sso").await;
    let portal_log = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/sign_ins"),
            None,
        )
        .await;
    assert_eq!(
        portal_log.body["data"].as_array().unwrap().len(),
        2,
        "{}",
        portal_log.text
    );
}

#[tokio::test]
async fn requests_that_cannot_be_trusted_never_redirect_and_the_rest_come_back_with_errors() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, secret) = live(&app, &idp).await;

    // Before the redirect URI is trusted: an error page, never a redirect.
    for params in [
        vec![("redirect_uri", CALLBACK), ("organization", org.as_str())],
        vec![
            ("client_id", "client_nope"),
            ("redirect_uri", CALLBACK),
            ("organization", org.as_str()),
        ],
        vec![
            ("client_id", client.as_str()),
            ("redirect_uri", "https://evil.example/steal"),
            ("organization", org.as_str()),
        ],
        vec![
            ("client_id", client.as_str()),
            ("redirect_uri", "https://app.example.com/callback/extra"),
            ("organization", org.as_str()),
        ],
    ] {
        let r = authorize(&app, &params).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{params:?}: {}", r.text);
        assert!(r.headers.get(header::LOCATION).is_none());
        assert!(r.text.contains("<h1>"), "{}", r.text);
        let code = if params.iter().any(|(k, _)| *k == "client_id")
            && !params.contains(&("client_id", "client_nope"))
        {
            "redirect_uri_not_registered"
        } else {
            "client_unknown"
        };
        assert!(r.text.contains(code), "{code}: {}", r.text);
    }

    // After: back to the app with a documented error and its state.
    let err = |r: &Resp| {
        let l = location(r);
        assert!(l.starts_with(CALLBACK), "{l}");
        let q = query(&l);
        (
            q.get("error").cloned().unwrap_or_default(),
            q.get("state").cloned().unwrap_or_default(),
        )
    };
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut p = vec![
            ("client_id", client.clone()),
            ("redirect_uri", CALLBACK.to_owned()),
            ("state", "st".to_owned()),
        ];
        p.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        p
    };
    assert_eq!(
        err(&authorize_owned(&app, base(&[])).await),
        ("invalid_request".into(), "st".into())
    );
    // Unknown organizations and unverified domains are not told apart from an organization
    // with no active connection (tests/server/hostile_login.rs checks the sentence, too).
    assert_eq!(
        err(&authorize_owned(&app, base(&[("organization", "org_unknown")])).await).0,
        "connection_not_found"
    );
    assert_eq!(
        err(&authorize_owned(&app, base(&[("login_hint", "someone@unverified.test")])).await).0,
        "connection_not_found"
    );
    assert_eq!(
        err(&authorize_owned(&app, base(&[("login_hint", "not-an-email")])).await).0,
        "invalid_request"
    );
    assert_eq!(
        err(&authorize_owned(
            &app,
            base(&[
                ("organization", "x"),
                ("code_challenge", "abc"),
                ("code_challenge_method", "plain")
            ])
        )
        .await)
        .0,
        "invalid_request"
    );
    let other = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "No SSO yet" })),
        )
        .await;
    let other_id: &'static str = Box::leak(
        other.body["id"]
            .as_str()
            .unwrap()
            .to_owned()
            .into_boxed_str(),
    );
    assert_eq!(
        err(&authorize_owned(&app, base(&[("organization", other_id)])).await).0,
        "connection_not_found"
    );

    // An email outside the verified domains comes back as its own error.
    let started = authorize(
        &app,
        &[
            ("client_id", &client),
            ("redirect_uri", CALLBACK),
            ("state", "st"),
            ("connection", &conn),
        ],
    )
    .await;
    let back = sign_in(&app, &idp, &conn, &started, "mallory@evil.test", "_evil").await;
    assert_eq!(
        query(&back)["error"],
        "email_outside_organization_domains",
        "{back}"
    );
    assert!(query(&back)["error_description"].contains("email_outside_organization_domains"));

    // A good code, presented wrongly.
    let fresh = |id: &'static str| {
        let (client, org) = (client.clone(), org.clone());
        let app = &app;
        let idp = &idp;
        let conn = conn.clone();
        async move {
            let started = authorize(
                app,
                &[
                    ("client_id", &client),
                    ("redirect_uri", CALLBACK),
                    ("organization", &org),
                ],
            )
            .await;
            query(&sign_in(app, idp, &conn, &started, "ada@example.com", id).await)["code"].clone()
        }
    };
    let code = fresh("_c1").await;
    let r = token(
        &app,
        &[
            ("code", &code),
            ("redirect_uri", "http://localhost:3000/cb"),
        ],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(
        r.body["error"], "invalid_grant",
        "another redirect URI: {}",
        r.text
    );
    let code = fresh("_c2").await;
    let r = token(&app, &[("code", &code)], Some((&client, "pcs_wrong"))).await;
    assert_eq!(
        (r.status, r.body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client")),
        "{}",
        r.text
    );
    // Another environment's client cannot use it.
    let env_b =
        portico::server::service::ensure_environment(app.state.store.as_ref(), "other-app", T0)
            .await
            .unwrap();
    let b = portico::server::go_live::create_secret(&app.state, &env_b.id)
        .await
        .unwrap();
    let r = token(
        &app,
        &[("code", &code)],
        Some((&b.client_id, &b.client_secret)),
    )
    .await;
    assert_eq!(
        r.body["error"], "invalid_grant",
        "another client: {}",
        r.text
    );
    // Expired after ten minutes.
    let code = fresh("_c3").await;
    app.advance(601);
    let r = token(&app, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(r.body["error"], "invalid_grant", "expired: {}", r.text);
    assert!(r.body["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
    // Expired codes (and the profiles waiting with them) are purged.
    portico::server::jobs::purge(&app.state).await.unwrap();
    let gone = app
        .state
        .store
        .redeem_code(
            &portico::server::crypto::hash_token(&code),
            app.state.clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        gone,
        portico::server::store::CodeRedeemed::Invalid("unknown")
    );

    // A revoked secret stops working; two live secrets overlap during a rotation, not three.
    let second = app
        .vendor(Method::POST, "/api/v1/client/secrets", None)
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_error(
        &app.vendor(Method::POST, "/api/v1/client/secrets", None)
            .await,
        409,
        "invalid_state",
    );
    let creds = app.vendor(Method::GET, "/api/v1/client", None).await;
    let first_id = creds.body["secrets"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.vendor(
            Method::DELETE,
            &format!("/api/v1/client/secrets/{first_id}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let code = fresh("_c4").await;
    let r = token(&app, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(r.body["error"], "invalid_client", "revoked: {}", r.text);
    let r = token(
        &app,
        &[("code", &code)],
        Some((&client, second.body["client_secret"].as_str().unwrap())),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the new secret, and the code was not used up by the refusal: {}",
        r.text
    );

    // Failed token requests from one caller are slowed down (the right secret is not: see
    // tests/server/hostile_login.rs).
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = token(&app, &[("code", "nonsense")], Some((&client, "pcs_wrong")))
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn public_clients_use_pkce_and_idp_initiated_sign_ins_land_on_the_default_uri() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, _) = live(&app, &idp).await;
    let verifier = "dBjftJeZ4CVP-mJ92K9mR3ktAqwPq1TzQpT5CgXkPfqsJ4yA4n";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));

    let started = authorize(
        &app,
        &[
            ("client_id", &client),
            ("redirect_uri", "myapp://callback"),
            ("organization", &org),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    let back = sign_in(&app, &idp, &conn, &started, "ada@example.com", "_pkce1").await;
    assert!(back.starts_with("myapp://callback?code="), "{back}");
    let code = query(&back)["code"].clone();
    let r = token(
        &app,
        &[
            ("code", &code),
            ("client_id", &client),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-x",
            ),
        ],
        None,
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant", "{}", r.text);
    // Without a secret and without PKCE, no profile.
    let started = authorize(
        &app,
        &[
            ("client_id", &client),
            ("redirect_uri", "myapp://callback"),
            ("organization", &org),
        ],
    )
    .await;
    let plain = query(&sign_in(&app, &idp, &conn, &started, "ada@example.com", "_pkce2").await)
        ["code"]
        .clone();
    let r = token(&app, &[("code", &plain), ("client_id", &client)], None).await;
    assert_eq!(r.body["error"], "invalid_client", "{}", r.text);
    // The right verifier (on a fresh code; a refused attempt leaves the code unspent, see
    // tests/server/hostile_login.rs).
    let started = authorize(
        &app,
        &[
            ("client_id", &client),
            ("redirect_uri", "myapp://callback"),
            ("organization", &org),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    let code = query(&sign_in(&app, &idp, &conn, &started, "ada@example.com", "_pkce3").await)
        ["code"]
        .clone();
    let r = token(
        &app,
        &[
            ("code", &code),
            ("client_id", &client),
            ("code_verifier", verifier),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["profile"]["email"], "ada@example.com");

    // IdP-initiated, once the vendor allows it: straight to the default redirect URI.
    app.vendor(
        Method::PATCH,
        &format!("/api/v1/connections/{conn}"),
        Some(json!({ "options": { "allow_idp_initiated": true } })),
    )
    .await;
    let xml = response(
        &idp,
        &conn,
        None,
        "_idp_login",
        &[("email", "ada@example.com")],
        app.state.clock.now(),
    );
    let body = format!(
        "SAMLResponse={}",
        url_encode(&base64::engine::general_purpose::STANDARD.encode(xml))
    );
    let r = app
        .raw(
            Request::post(format!("/sso/saml/{conn}/acs"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let back = location(&r);
    assert!(back.starts_with(&format!("{CALLBACK}?code=")), "{back}");
    let secret = app
        .vendor(Method::POST, "/api/v1/client/secrets", None)
        .await;
    let t = token(
        &app,
        &[("code", &query(&back)["code"])],
        Some((&client, secret.body["client_secret"].as_str().unwrap())),
    )
    .await;
    assert_eq!(t.body["idp_initiated"], true, "{}", t.text);
}

#[tokio::test]
async fn redirect_uris_are_checked_one_by_one() {
    let app = App::new().await;
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/redirect_uris",
            Some(json!({ "redirect_uris": [{ "uri": "http://app.example.com/cb" }, { "uri": "https://*.example.com/cb" }, { "uri": CALLBACK, "default": true }, { "uri": "https://b.example/cb", "default": true }] })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["redirect_uris.0.uri"]
            .as_str()
            .unwrap()
            .contains("https"),
        "{e}"
    );
    assert!(
        e["fields"]["redirect_uris.1.uri"]
            .as_str()
            .unwrap()
            .contains("wildcard"),
        "{e}"
    );
    assert!(
        e["fields"]["redirect_uris"]
            .as_str()
            .unwrap()
            .contains("one"),
        "{e}"
    );
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/redirect_uris", None)
            .await
            .body["redirect_uris"],
        json!([]),
        "nothing saved"
    );
    let r = app.vendor(Method::PUT, "/api/v1/redirect_uris", Some(json!({ "redirect_uris": [{ "uri": CALLBACK }, { "uri": "http://127.0.0.1:8765/cb" }] }))).await;
    assert_eq!(
        r.body["redirect_uris"][0],
        json!({ "uri": CALLBACK, "default": true }),
        "the first is the default when none is marked: {}",
        r.text
    );
}

#[tokio::test]
async fn a_profile_carries_the_directory_user_its_groups_and_role() {
    use crate::scim::{scim_as, user};
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, secret) = live(&app, &idp).await;
    // The vendor's roles; the organization's directory, with the same person pushed by SCIM
    // under the IdP's id as externalId, in one group.
    let roles = app
        .vendor(
            Method::PUT,
            "/api/v1/roles",
            Some(json!({"roles": [{"slug": "admin", "name": "Admin"}, {"slug": "member", "name": "Member"}], "default_role": "member"})),
        )
        .await;
    assert_eq!(roles.status, StatusCode::OK, "{}", roles.text);
    let d = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/directories"),
            Some(json!({"provider": "okta"})),
        )
        .await;
    let dir = d.body["id"].as_str().unwrap().to_owned();
    let t = app
        .vendor(
            Method::POST,
            &format!("/api/v1/directories/{dir}/tokens"),
            None,
        )
        .await;
    let scim_token = t.body["secret"].as_str().unwrap().to_owned();
    let base = format!("/scim/v2/{dir}");
    let u = scim_as(
        &app,
        &scim_token,
        Method::POST,
        &format!("{base}/Users"),
        Some(user("ada.l@example.com", "00u-ada")),
    )
    .await;
    assert_eq!(u.status, StatusCode::CREATED, "{}", u.text);
    let uid = u.body["id"].as_str().unwrap().to_owned();
    let g = scim_as(
        &app,
        &scim_token,
        Method::POST,
        &format!("{base}/Groups"),
        Some(json!({"displayName": "Staff", "members": [{"value": uid}]})),
    )
    .await;
    assert_eq!(g.status, StatusCode::CREATED, "{}", g.text);

    let sign_in_profile = |id: &'static str| {
        let (app, idp, conn, client, secret, org) = (&app, &idp, &conn, &client, &secret, &org);
        async move {
            let started = authorize(
                app,
                &[
                    ("client_id", client),
                    ("redirect_uri", CALLBACK),
                    ("organization", org),
                ],
            )
            .await;
            let back = sign_in(app, idp, conn, &started, "ada@example.com", id).await;
            let code = query(&back)["code"].clone();
            let t = token(
                app,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", CALLBACK),
                ],
                Some((client, secret)),
            )
            .await;
            assert_eq!(t.status, StatusCode::OK, "{}", t.text);
            t.body["profile"].clone()
        }
    };
    let p = sign_in_profile("_dir1").await;
    assert_eq!(
        (
            p["directory_user_id"].as_str(),
            p["directory_user_state"].as_str(),
            p["role"].as_str()
        ),
        (Some(uid.as_str()), Some("active"), Some("member")),
        "{p}"
    );
    assert_eq!(p["directory_groups"][0]["name"], "Staff", "{p}");
    // Deprovisioned by the IdP: the app hears it at the next sign-in, with no role.
    let off = scim_as(
        &app,
        &scim_token,
        Method::PATCH,
        &format!("{base}/Users/{uid}"),
        Some(json!({"Operations": [{"op": "replace", "value": {"active": false}}]})),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    let p = sign_in_profile("_dir2").await;
    assert_eq!(
        (
            p["directory_user_state"].as_str(),
            p["role"].as_str(),
            p["directory_groups"].as_array().map(Vec::len)
        ),
        (Some("inactive"), None, Some(0)),
        "{p}"
    );
}
