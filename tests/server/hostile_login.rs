//! Hostile input at the vendor app's side of a sign-in (`/sso/token`, `/sso/authorize`): an
//! outsider who knows only the public client id cannot slow the real app down, grow Portico's
//! memory, spend a code, or learn which organizations and verified domains exist.

use super::login_flow::{authorize, live, location, query, sign_in, token, CALLBACK};
use super::signin::url_encode;
use super::signin_flow::{new_idp, Idp};
use super::*;
use axum::extract::ConnectInfo;
use base64::Engine;
use sha2::Digest;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The real app's server, and an outsider elsewhere on the internet.
const APP_ADDR: &str = "198.51.100.2:40000";
const OUTSIDER_ADDR: &str = "203.0.113.7:50000";

/// A token request from `peer` (as the server would see it), with form `fields` and optional
/// HTTP Basic credentials; returns the response and how long it took.
async fn token_from(
    app: &App,
    peer: &str,
    fields: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (Resp, Duration) {
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
    let mut req = b.body(Body::from(body.join("&"))).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    let started = Instant::now();
    let r = app.raw(req).await;
    (r, started.elapsed())
}

fn oauth_error(r: &Resp) -> (StatusCode, String) {
    (
        r.status,
        r.body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Signs Ada in through `/sso/authorize` (optionally with PKCE) and returns the code.
async fn fresh_code(
    app: &App,
    idp: &Idp,
    org: &str,
    conn: &str,
    client: &str,
    assertion_id: &str,
    challenge: Option<&str>,
) -> String {
    let mut params = vec![
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("organization", org),
    ];
    if let Some(c) = challenge {
        params.extend([("code_challenge", c), ("code_challenge_method", "S256")]);
    }
    let started = authorize(app, &params).await;
    let back = sign_in(app, idp, conn, &started, "ada@example.com", assertion_id).await;
    query(&back)
        .get("code")
        .cloned()
        .unwrap_or_else(|| panic!("no code: {back}"))
}

#[tokio::test]
async fn an_outsider_with_the_client_id_cannot_make_the_real_app_slow_down() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, secret) = live(&app, &idp).await;
    let code = fresh_code(&app, &idp, &org, &conn, &client, "_dos1", None).await;

    // Thirty bad requests in one minute naming the real client: wrong secret by Basic and by
    // form, no secret at all, and unknown client ids.
    let mut answers = Vec::new();
    for i in 0..30 {
        let (r, took) = match i % 3 {
            0 => {
                token_from(
                    &app,
                    OUTSIDER_ADDR,
                    &[("grant_type", "authorization_code"), ("code", "guess")],
                    Some((&client, "pcs_wrong")),
                )
                .await
            }
            1 => {
                token_from(
                    &app,
                    OUTSIDER_ADDR,
                    &[
                        ("code", "guess"),
                        ("client_id", &client),
                        ("client_secret", "pcs_wrong"),
                    ],
                    None,
                )
                .await
            }
            _ => {
                token_from(
                    &app,
                    OUTSIDER_ADDR,
                    &[("code", "guess"), ("client_id", &client)],
                    None,
                )
                .await
            }
        };
        assert!(took < Duration::from_secs(2), "request {i} took {took:?}");
        answers.push(oauth_error(&r));
    }
    // The outsider is the one slowed down: refused as it should be for ten, then told to wait.
    assert!(
        answers[..10]
            .iter()
            .all(|(s, e)| *s != StatusCode::TOO_MANY_REQUESTS && e != "slow_down"),
        "{answers:?}"
    );
    assert!(
        answers[..10]
            .iter()
            .any(|a| *a == (StatusCode::UNAUTHORIZED, "invalid_client".into())),
        "{answers:?}"
    );
    assert_eq!(
        answers[29],
        (StatusCode::TOO_MANY_REQUESTS, "slow_down".into()),
        "{answers:?}"
    );
    // Nothing was counted against the client, and the outsider is one entry however many ids.
    assert_eq!(app.state.token_failures.tracked(), (0, 1));

    // The real app, from its own address: a failure of its own is its own error, not slow_down…
    let (r, _) = token_from(
        &app,
        APP_ADDR,
        &[("code", "not-a-code")],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "{}",
        r.text
    );
    // …and its code works.
    let (r, took) = token_from(
        &app,
        APP_ADDR,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["profile"]["email"], "ada@example.com");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // Even from the outsider's own (shared, over-budget) address the right secret gets in.
    let code = fresh_code(&app, &idp, &org, &conn, &client, "_dos2", None).await;
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", &code)],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a NAT shared with the outsider: {}",
        r.text
    );
    // In-process requests have no address at all, and the same holds.
    for _ in 0..12 {
        token(&app, &[("code", "guess")], Some((&client, "pcs_wrong"))).await;
    }
    let code = fresh_code(&app, &idp, &org, &conn, &client, "_dos3", None).await;
    let r = token(&app, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn only_the_client_itself_spends_its_budget() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, secret) = live(&app, &idp).await;
    let code = fresh_code(&app, &idp, &org, &conn, &client, "_own1", None).await;

    // Failures after the secret was proved are the client's: past ten a minute, slow_down.
    let mut last = (StatusCode::OK, String::new());
    for _ in 0..11 {
        last = oauth_error(
            &token_from(
                &app,
                APP_ADDR,
                &[("code", "not-a-code")],
                Some((&client, &secret)),
            )
            .await
            .0,
        );
    }
    assert_eq!(last, (StatusCode::TOO_MANY_REQUESTS, "slow_down".into()));
    assert_eq!(
        app.state.token_failures.tracked(),
        (1, 0),
        "one client, no caller"
    );
    // While slowed down the code is not looked at, so it is not spent either; an outsider is
    // still answered for its own request.
    let (r, _) = token_from(&app, APP_ADDR, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::TOO_MANY_REQUESTS, "slow_down".into()),
        "{}",
        r.text
    );
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", &code)],
        Some((&client, "pcs_wrong")),
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::UNAUTHORIZED, "invalid_client".into()),
        "{}",
        r.text
    );
    // A minute later the budget is back and the code still works.
    app.advance(61);
    let (r, _) = token_from(&app, APP_ADDR, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn oversized_input_is_refused_before_any_work_and_grows_nothing() {
    let app = App::new().await;
    let idp = new_idp();
    let (_, _, client, secret) = live(&app, &idp).await;

    // A 1.5 MB client id in the form: refused by the body limit, before it is parsed.
    let huge = "c".repeat(1_500_000);
    let (r, took) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[
            ("code", "x"),
            ("client_id", &huge),
            ("client_secret", "pcs_wrong"),
        ],
        None,
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::PAYLOAD_TOO_LARGE, "invalid_request".into()),
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    assert!(
        r.body["error_description"]
            .as_str()
            .unwrap()
            .contains("16384 bytes"),
        "{}",
        r.text
    );
    assert!(r.text.len() < 1000, "the id is not echoed");
    assert!(took < Duration::from_secs(2), "{took:?}");
    // The same by HTTP Basic: the header is refused before it is decoded.
    let (r, took) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", "x")],
        Some((&huge, "pcs_wrong")),
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_request".into()),
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    assert!(
        r.body["error_description"]
            .as_str()
            .unwrap()
            .contains("Authorization header"),
        "{}",
        r.text
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(
        app.state.token_failures.tracked(),
        (0, 0),
        "nothing kept for either"
    );

    // Under the body limit but over a field's: each field named in the refusal.
    let long = |n: usize| "a".repeat(n);
    let (id, sec, code, verifier, uri, grant) = (
        long(10_000),
        long(257),
        long(257),
        long(129),
        long(2049),
        long(65),
    );
    // (form fields, HTTP Basic credentials, the field named in the refusal)
    type Case<'a> = (Vec<(&'a str, &'a str)>, Option<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("code", "x"),
                ("client_id", &id),
                ("client_secret", "pcs_wrong"),
            ],
            None,
            "client_id",
        ),
        (
            vec![("code", "x")],
            Some((&id[..200], "pcs_wrong")),
            "client_id (HTTP Basic)",
        ),
        (
            vec![
                ("code", "x"),
                ("client_id", &client),
                ("client_secret", &sec),
            ],
            None,
            "client_secret",
        ),
        (vec![("code", &code)], Some((&client, &secret)), "code"),
        (
            vec![
                ("code", "x"),
                ("client_id", &client),
                ("code_verifier", &verifier),
            ],
            None,
            "code_verifier",
        ),
        (
            vec![("code", "x"), ("redirect_uri", &uri)],
            Some((&client, &secret)),
            "redirect_uri",
        ),
        (
            vec![("code", "x"), ("grant_type", &grant)],
            Some((&client, &secret)),
            "grant_type",
        ),
    ];
    for (fields, basic, name) in &cases {
        let (r, took) = token_from(&app, OUTSIDER_ADDR, fields, *basic).await;
        assert_eq!(
            oauth_error(&r),
            (StatusCode::BAD_REQUEST, "invalid_request".into()),
            "{name}: {}",
            r.text
        );
        let description = r.body["error_description"].as_str().unwrap();
        assert!(
            description.starts_with(&format!("{name} is longer than")),
            "{name}: {description}"
        );
        assert!(took < Duration::from_secs(2), "{name}: {took:?}");
    }
    // Many different client ids, long and short, from one caller: one entry, never one per id.
    for i in 0..50 {
        token_from(
            &app,
            OUTSIDER_ADDR,
            &[("code", "x"), ("client_id", &format!("{i}{id}"))],
            None,
        )
        .await;
        token_from(
            &app,
            OUTSIDER_ADDR,
            &[("code", "x"), ("client_id", &format!("client_{i}"))],
            None,
        )
        .await;
    }
    assert_eq!(app.state.token_failures.tracked(), (0, 1));
    // And from many callers, still one entry each (the bound itself is checked in the unit
    // tests of `server::go_live`, with more callers than it holds).
    for i in 0..20u8 {
        token_from(
            &app,
            &format!("192.0.2.{i}:1000"),
            &[("code", "x"), ("client_id", &id)],
            None,
        )
        .await;
    }
    assert_eq!(app.state.token_failures.tracked(), (0, 21));
    // The real client was never involved.
    let (r, _) = token_from(
        &app,
        APP_ADDR,
        &[("code", "not-a-code")],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn a_code_is_spent_only_by_its_authenticated_client_and_only_once() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn, client, secret) = live(&app, &idp).await;
    let code = fresh_code(&app, &idp, &org, &conn, &client, "_spend1", None).await;

    // Whoever has the code but not the secret: refused, and the code stays.
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", &code)],
        Some((&client, "pcs_wrong")),
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::UNAUTHORIZED, "invalid_client".into()),
        "{}",
        r.text
    );
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", &code), ("client_id", &client)],
        None,
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::UNAUTHORIZED, "invalid_client".into()),
        "no secret, no PKCE: {}",
        r.text
    );
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[
            ("code", &code),
            ("client_id", &client),
            ("code_verifier", &"v".repeat(43)),
        ],
        None,
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "a verifier for a code without PKCE: {}",
        r.text
    );
    // Another environment's client, with its own right secret: not its code, and not spent.
    let env_b =
        portico::server::service::ensure_environment(app.state.store.as_ref(), "other-app", T0)
            .await
            .unwrap();
    let b = portico::server::go_live::create_secret(&app.state, &env_b.id)
        .await
        .unwrap();
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", &code)],
        Some((&b.client_id, &b.client_secret)),
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "{}",
        r.text
    );
    let stored = app
        .state
        .store
        .code(&portico::server::crypto::hash_token(&code))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.used_at, None, "nothing above spent the code");

    // The real client, with the right secret: the profile, once.
    let (r, took) = token_from(
        &app,
        APP_ADDR,
        &[("code", &code), ("redirect_uri", CALLBACK)],
        Some((&client, &secret)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["profile"]["connection_id"], conn.as_str());
    assert!(took < Duration::from_secs(2), "{took:?}");
    let (r, _) = token_from(&app, APP_ADDR, &[("code", &code)], Some((&client, &secret))).await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "{}",
        r.text
    );
    assert!(
        r.body["error_description"]
            .as_str()
            .unwrap()
            .contains("used"),
        "{}",
        r.text
    );

    // Two redemptions at once: exactly one wins.
    let code = fresh_code(&app, &idp, &org, &conn, &client, "_spend2", None).await;
    let fields = [("code", code.as_str())];
    let (a, b) = tokio::join!(
        token_from(&app, APP_ADDR, &fields, Some((&client, &secret))),
        token_from(&app, APP_ADDR, &fields, Some((&client, &secret)))
    );
    let mut statuses = [a.0.status, b.0.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::BAD_REQUEST],
        "{} / {}",
        a.0.text,
        b.0.text
    );

    // A public client: a wrong verifier leaves the code to the right one, which spends it.
    let verifier = "dBjftJeZ4CVP-mJ92K9mR3ktAqwPq1TzQpT5CgXkPfqsJ4yA4n";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let code = fresh_code(
        &app,
        &idp,
        &org,
        &conn,
        &client,
        "_spend3",
        Some(&challenge),
    )
    .await;
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
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
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "{}",
        r.text
    );
    let (r, _) = token_from(
        &app,
        OUTSIDER_ADDR,
        &[("code", &code), ("client_id", &client)],
        None,
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "no verifier: {}",
        r.text
    );
    let (r, _) = token_from(
        &app,
        APP_ADDR,
        &[
            ("code", &code),
            ("client_id", &client),
            ("code_verifier", verifier),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (r, _) = token_from(
        &app,
        APP_ADDR,
        &[
            ("code", &code),
            ("client_id", &client),
            ("code_verifier", verifier),
        ],
        None,
    )
    .await;
    assert_eq!(
        oauth_error(&r),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn authorize_errors_name_no_organization_and_no_domain() {
    let app = App::new().await;
    let idp = new_idp();
    let (_, _, client, _) = live(&app, &idp).await;
    // An organization with a secret-ish name, a verified domain and a connection not active yet.
    let globex = app.org("Globex Secret Customer").await;
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/organizations/{globex}"),
            Some(json!({ "external_id": "globex-ext" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{globex}/domains"),
            Some(json!({ "domain": "globex-secret.example" })),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    let d = d.body["id"].as_str().unwrap().to_owned();
    let v = app
        .vendor(Method::POST, &format!("/api/v1/domains/{d}/verify"), None)
        .await;
    assert_eq!(v.body["state"], "verified", "{}", v.text);
    let (_, globex_cert) = idp_metadata("https://idp.globex.test", "https://idp.globex.test/sso");
    let c = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{globex}/connections"),
            Some(json!({ "idp": "okta-saml", "sso_url": "https://idp.globex.test/sso", "idp_entity_id": "https://idp.globex.test", "certificate": globex_cert })),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let draft = c.body["id"].as_str().unwrap().to_owned();

    // Each way of naming something that leads to no active connection: the organization that
    // exists (by id and external id), one that does not, its verified domain (and a subdomain)
    // and an unverified one, its draft connection and an unknown one.
    let cases: Vec<(&str, String)> = vec![
        ("organization", globex.clone()),
        ("organization", "globex-ext".into()),
        ("organization", "org_01JUNKNOWNUNKNOWNUNKNOWN00".into()),
        ("login_hint", "ceo@globex-secret.example".into()),
        ("login_hint", "ceo@eu.globex-secret.example".into()),
        ("login_hint", "someone@unverified.example".into()),
        ("connection", draft.clone()),
        ("connection", "conn_01JUNKNOWNUNKNOWNUNKNOWN0".into()),
    ];
    let mut sentences = std::collections::BTreeSet::new();
    for (name, value) in &cases {
        let started = Instant::now();
        let r = authorize(
            &app,
            &[
                ("client_id", &client),
                ("redirect_uri", CALLBACK),
                ("state", "st"),
                (*name, value.as_str()),
            ],
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{name}={value}: {:?}",
            started.elapsed()
        );
        assert_eq!(r.status, StatusCode::FOUND, "{name}={value}: {}", r.text);
        let l = location(&r);
        assert!(l.starts_with(CALLBACK), "{l}");
        let q = query(&l);
        assert_eq!(
            (q["error"].as_str(), q["state"].as_str()),
            ("connection_not_found", "st"),
            "{name}={value}"
        );
        let description = &q["error_description"];
        for secret in [
            "Globex",
            "globex",
            "Secret Customer",
            &globex,
            &draft,
            "unverified.example",
            "verified",
            "not active",
            "exists",
        ] {
            assert!(
                !l.contains(secret) && !description.contains(secret),
                "{name}={value} gives away {secret:?}: {description}"
            );
        }
        assert!(
            description.contains("Ask the application's administrator"),
            "{description}"
        );
        // The request id in the sentence is the response's own, so the log line can be found.
        let request_id = r.headers["x-request-id"].to_str().unwrap();
        assert!(description.contains(request_id), "{description}");
        sentences.insert(description.replace(request_id, "<id>"));
    }
    assert_eq!(sentences.len(), 1, "one sentence for all: {sentences:?}");

    // Malformed requests still say what is wrong, and that says nothing about what exists.
    let r = authorize(
        &app,
        &[
            ("client_id", &client),
            ("redirect_uri", CALLBACK),
            ("login_hint", &format!("a@{}.example", "x".repeat(400))),
        ],
    )
    .await;
    assert_eq!(
        query(&location(&r))["error"],
        "invalid_request",
        "{}",
        location(&r)
    );
    assert!(query(&location(&r))["error_description"].contains("login_hint is longer than"));
}

#[tokio::test]
async fn authorize_is_rate_limited_per_address_and_refuses_a_huge_state() {
    let app = App::with(|s| s.signin_rate_per_address = 3).await;
    let idp = new_idp();
    let (org, _, client, _) = live(&app, &idp).await;
    let from = |peer: &str, state: &str| {
        let q = format!(
            "client_id={}&redirect_uri={}&organization={org}&state={}",
            url_encode(&client),
            url_encode(CALLBACK),
            url_encode(state)
        );
        let mut req = Request::get(format!("/sso/authorize?{q}"))
            .body(Body::empty())
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        req
    };
    // A long state would be stored with the attempt: refused, nothing started.
    let r = app.raw(from(APP_ADDR, &"s".repeat(4 * 1024))).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    assert!(
        r.text.contains("state is longer than"),
        "{}",
        &r.text[..r.text.len().min(600)]
    );
    assert!(r.text.len() < 8 * 1024, "the page does not echo the state");
    // Three sign-ins a minute from one address (the test's setting), then 429 with Retry-After;
    // another address is not affected.
    for _ in 0..3 {
        assert_eq!(
            app.raw(from(OUTSIDER_ADDR, "abc")).await.status,
            StatusCode::FOUND
        );
    }
    let r = app.raw(from(OUTSIDER_ADDR, "abc")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(
        app.raw(from("192.0.2.50:1000", "abc")).await.status,
        StatusCode::FOUND
    );
}
