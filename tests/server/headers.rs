//! Security headers on what Portico serves: the pages' Content-Security-Policy (inline scripts
//! only by hash), HSTS and `__Host-` cookies on https.

use super::*;
use sha2::Digest;

/// The shape of Trunk 0.21's `index.html`: a module loader inline, a second inline script with
/// CRLF line ends, an external script and a commented-out one.
const TRUNK_INDEX: &str = "<!DOCTYPE html><html lang=\"en\"><head>\n\
<meta charset=\"utf-8\"><title>Single sign-on setup</title>\n\
<link rel=\"modulepreload\" href=\"/portico-11ba1a4ab8013f8a.js\" crossorigin=\"anonymous\">\n\
<script type=\"module\">\nimport init, * as bindings from '/portico-11ba1a4ab8013f8a.js';\nconst wasm = await init({ module_or_path: '/portico-11ba1a4ab8013f8a_bg.wasm' });\nwindow.wasmBindings = bindings;\ndispatchEvent(new CustomEvent(\"TrunkApplicationStarted\", {detail: {wasm}}));\n</script>\n\
<script>\r\nwindow.second = 1;\r\n</script>\n\
<script src=\"/inspector_loader.js\"></script>\n\
<!-- <script>commented()</script> -->\n\
</head><body></body></html>";

/// The CSP hash source of a script's text, computed here independently of the server's code.
fn sha256_source(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest)
    )
}

/// The sources of one directive of a policy (`None` when the policy lacks it).
fn directive(policy: &str, name: &str) -> Option<Vec<String>> {
    policy.split(';').map(str::trim).find_map(|d| {
        let mut words = d.split_whitespace();
        (words.next() == Some(name)).then(|| words.map(str::to_owned).collect())
    })
}

fn policy_of(r: &Resp) -> String {
    r.headers
        .get(header::CONTENT_SECURITY_POLICY)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn get(app: &App, path: &str) -> Resp {
    app.raw(Request::get(path).body(Body::empty()).unwrap())
        .await
}

/// An app serving `index` as its built portal, from a folder the test can rewrite.
async fn portal_app(index: &str) -> (App, std::path::PathBuf) {
    let dist = tempfile::tempdir().unwrap().keep();
    std::fs::write(dist.join("index.html"), index).unwrap();
    let path = dist.clone();
    (App::with(move |s| s.dist = Some(path)).await, dist)
}

/// The fixed parts every page's policy has, whatever the page.
fn assert_strict_base(policy: &str) {
    assert_eq!(
        directive(policy, "default-src"),
        Some(vec!["'self'".to_owned()]),
        "{policy}"
    );
    let script = directive(policy, "script-src").unwrap_or_default();
    assert_eq!(&script[..2], ["'self'", "'wasm-unsafe-eval'"], "{policy}");
    assert!(
        script[2..].iter().all(|s| s.starts_with("'sha256-")),
        "scripts only by hash: {policy}"
    );
    assert!(
        !policy.contains("'unsafe-eval'")
            && !script.iter().any(|s| s == "'unsafe-inline'" || s == "*"),
        "{policy}"
    );
    assert_eq!(
        directive(policy, "connect-src"),
        Some(vec!["'self'".to_owned()]),
        "{policy}"
    );
    assert_eq!(
        directive(policy, "img-src"),
        Some(vec!["'self'".to_owned(), "data:".to_owned()]),
        "{policy}"
    );
    assert_eq!(
        directive(policy, "object-src"),
        Some(vec!["'none'".to_owned()]),
        "{policy}"
    );
    assert_eq!(
        directive(policy, "base-uri"),
        Some(vec!["'none'".to_owned()]),
        "{policy}"
    );
    assert!(directive(policy, "frame-ancestors").is_some(), "{policy}");
}

#[tokio::test]
async fn the_portal_page_allows_exactly_its_inline_scripts_by_hash() {
    let (app, dist) = portal_app(TRUNK_INDEX).await;
    let loader = "\nimport init, * as bindings from '/portico-11ba1a4ab8013f8a.js';\nconst wasm = await init({ module_or_path: '/portico-11ba1a4ab8013f8a_bg.wasm' });\nwindow.wasmBindings = bindings;\ndispatchEvent(new CustomEvent(\"TrunkApplicationStarted\", {detail: {wasm}}));\n";
    // Browsers hash the text after the parser turned CR LF into LF.
    let second = "\nwindow.second = 1;\n";
    for path in ["/", "/sso/setup/provider", "/index.html", "/theme/preview"] {
        let r = get(&app, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.text.contains("TrunkApplicationStarted"),
            "{path}: the page itself is served"
        );
        let policy = policy_of(&r);
        assert_strict_base(&policy);
        let script = directive(&policy, "script-src").unwrap();
        assert_eq!(
            script[2..],
            [sha256_source(loader), sha256_source(second)],
            "{path}: one hash per inline script, nothing else: {policy}"
        );
        assert_eq!(
            directive(&policy, "form-action"),
            Some(vec!["'self'".to_owned()]),
            "{policy}"
        );
        assert_eq!(
            directive(&policy, "style-src"),
            Some(vec!["'self'".to_owned(), "'unsafe-inline'".to_owned()]),
            "{policy}"
        );
    }

    // The hashes come from the file served, not from a list made at build time: a rebuilt
    // portal's loader is allowed, the old one no longer.
    std::fs::write(
        dist.join("index.html"),
        TRUNK_INDEX.replace("11ba1a4ab8013f8a", "0000aaaabbbbcccc"),
    )
    .unwrap();
    let policy = policy_of(&get(&app, "/").await);
    let script = directive(&policy, "script-src").unwrap();
    assert!(
        script.contains(&sha256_source(
            &loader.replace("11ba1a4ab8013f8a", "0000aaaabbbbcccc")
        )),
        "{policy}"
    );
    assert!(!script.contains(&sha256_source(loader)), "{policy}");

    // Files next to the page are not pages: no policy of their own.
    std::fs::write(dist.join("app.js"), "export {}").unwrap();
    assert!(get(&app, "/app.js")
        .await
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .is_none());
}

#[tokio::test]
async fn the_built_portal_page_allows_trunks_loader_by_hash() {
    let index = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/index.html");
    let Ok(built) = std::fs::read_to_string(&index) else {
        eprintln!("skipped: no dist/ yet (run `trunk build --release` first)");
        return;
    };
    // The page's loader (`pattern_script` in Trunk.toml) is its one inline script, marked.
    let tag = "<script data-portico-loader>";
    let start = built.find(tag).expect("the page's loader") + tag.len();
    let loader = &built[start..start + built[start..].find("</script>").unwrap()];
    let app = App::new().await;
    let r = get(&app, "/sso").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(loader), "the built page is what is served");
    let policy = policy_of(&r);
    assert_strict_base(&policy);
    assert!(
        directive(&policy, "script-src")
            .unwrap()
            .contains(&sha256_source(loader)),
        "{policy}"
    );
}

#[tokio::test]
async fn pages_with_no_script_of_their_own_allow_no_inline_script() {
    // The page shown when the portal is not built (an empty dist folder), and the plain error
    // page of `/sso`.
    let empty = tempfile::tempdir().unwrap().keep();
    let bare = App::with(move |s| s.dist = Some(empty)).await;
    let r = get(&bare, "/sso").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    let policy = policy_of(&r);
    assert_strict_base(&policy);
    assert_eq!(
        directive(&policy, "script-src").unwrap().len(),
        2,
        "{policy}"
    );
    let r = get(&bare, "/sso/saml/conn_nope/login/test_nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let policy = policy_of(&r);
    assert_strict_base(&policy);
    assert_eq!(
        directive(&policy, "script-src").unwrap().len(),
        2,
        "{policy}"
    );
}

#[tokio::test]
async fn the_saml_post_binding_page_runs_only_its_submit_script_and_posts_only_to_the_idp() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let (xml, _) = idp_metadata(
        "https://idp.acme.test/entity",
        "https://idp.acme.test:8443/sso/post",
    );
    let xml = xml.replace("bindings:HTTP-Redirect", "bindings:HTTP-POST");
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "okta-saml", "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let conn = r.body["id"].as_str().unwrap().to_owned();
    let admin = app.admin(&org, "sso").await;
    let start = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/tests"),
            Some(json!({})),
        )
        .await;
    assert_eq!(start.status, StatusCode::CREATED, "{}", start.text);
    let test = start.body["test_id"].as_str().unwrap();

    let page = get(&app, &format!("/sso/saml/{conn}/login/{test}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text
            .contains("action=\"https://idp.acme.test:8443/sso/post\""),
        "{}",
        page.text
    );
    let policy = policy_of(&page);
    assert_strict_base(&policy);
    assert_eq!(
        directive(&policy, "script-src").unwrap()[2..],
        [sha256_source("document.forms[0].submit();")],
        "{policy}"
    );
    assert_eq!(
        directive(&policy, "form-action"),
        Some(vec![
            "'self'".to_owned(),
            "https://idp.acme.test:8443".to_owned()
        ]),
        "{policy}"
    );
}

/// A `Set-Cookie` value's attributes, after the `name=value` pair.
fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_owned())
        .collect()
}

async fn session_with(app: &App, cookie: &str) -> Resp {
    app.raw(
        Request::get("/portal/api/session")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn on_https_every_response_is_hsts_and_the_session_cookie_is_host_prefixed() {
    let dist = tempfile::tempdir().unwrap().keep();
    std::fs::write(dist.join("index.html"), TRUNK_INDEX).unwrap();
    let app = App::with(move |s| {
        s.public_url = "https://portal.test".into();
        s.dist = Some(dist);
    })
    .await;
    // Pages, the API, errors and health checks alike.
    for path in [
        "/",
        "/healthz",
        "/portal/api/branding",
        "/portal/api/nope",
        "/missing.js",
    ] {
        let r = get(&app, path).await;
        assert_eq!(
            r.headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    let r = app.vendor(Method::GET, "/api/v1/embedding", None).await;
    assert_eq!(
        r.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );

    let org = app.org("Acme").await;
    let redeemed = app.redeem(&app.link(&org, "sso").await).await;
    assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.text);
    let set = redeemed.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
    assert_eq!(name, "__Host-portico_session", "{set}");
    // What browsers require of a `__Host-` cookie.
    let attrs = attributes(&set);
    assert!(
        attrs.iter().any(|a| a == "Secure") && attrs.iter().any(|a| a == "Path=/"),
        "{set}"
    );
    assert!(
        !attrs
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("domain")),
        "{set}"
    );
    // The session is read under that name only: the plain name is someone else's cookie.
    assert_eq!(
        session_with(&app, &format!("__Host-portico_session={value}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &session_with(&app, &format!("portico_session={value}")).await,
        401,
        "session_missing",
    );

    // Partitioned cookies for cross-site embedding keep the prefix and its rules.
    let r = app.vendor(Method::PUT, "/api/v1/embedding", Some(json!({ "allowed_origins": ["https://app.vendor.com"], "partitioned_cookies": true }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let redeemed = app.redeem(&app.link(&org, "sso").await).await;
    let set = redeemed.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set.starts_with("__Host-portico_session="), "{set}");
    let attrs = attributes(&set);
    for attr in ["Secure", "Path=/", "Partitioned", "SameSite=None"] {
        assert!(attrs.iter().any(|a| a == attr), "{attr} missing: {set}");
    }
    assert!(
        !attrs
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("domain")),
        "{set}"
    );
    // Signing out clears the cookie under the same name.
    let cookie = set.split(';').next().unwrap().to_owned();
    let csrf = redeemed.body["csrf_token"].as_str().unwrap();
    let req = Request::delete("/portal/api/session")
        .header(header::COOKIE, &cookie)
        .header("x-portico-csrf", csrf)
        .body(Body::empty())
        .unwrap();
    let out = app.raw(req).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    let cleared = out.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cleared.starts_with("__Host-portico_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

#[tokio::test]
async fn on_http_there_is_no_hsts_and_the_cookie_keeps_its_plain_name() {
    let (app, _) = portal_app(TRUNK_INDEX).await;
    for path in ["/", "/healthz", "/portal/api/branding"] {
        assert!(
            get(&app, path)
                .await
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "{path}"
        );
    }
    let org = app.org("Acme").await;
    let redeemed = app.redeem(&app.link(&org, "sso").await).await;
    let set = redeemed.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
    assert_eq!(name, "portico_session", "{set}");
    // A browser refuses `__Host-` without Secure, and plain http cannot set Secure cookies
    // everywhere: no prefix, no Secure.
    assert!(!attributes(&set).iter().any(|a| a == "Secure"), "{set}");
    assert_eq!(
        session_with(&app, &format!("portico_session={value}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &session_with(&app, &format!("__Host-portico_session={value}")).await,
        401,
        "session_missing",
    );
}

/// The session cookie's exact attributes, in each mode: plain or `__Host-` name, `Lax` or
/// partitioned (CHIPS), set for the session's lifetime and cleared on sign-out. Order aside,
/// nothing may be added or dropped (embedding in the vendor's page depends on them).
#[tokio::test]
async fn the_session_cookie_has_exactly_its_attributes_in_every_mode() {
    fn sorted(set: &str) -> (String, Vec<String>) {
        let mut attrs = attributes(set);
        attrs.sort();
        (set.split(';').next().unwrap().to_owned(), attrs)
    }
    fn expect(attrs: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = attrs.iter().map(|a| a.to_string()).collect();
        v.sort();
        v
    }
    for https in [false, true] {
        let app = App::with(move |s| {
            if https {
                s.public_url = "https://portal.test".into();
            }
        })
        .await;
        let name = if https {
            "__Host-portico_session"
        } else {
            "portico_session"
        };
        let max_age = format!("Max-Age={}", app.state.settings.session_max_seconds);
        let org = app.org("Acme").await;
        for partitioned in [false, true] {
            let r = app
                .vendor(
                    Method::PUT,
                    "/api/v1/embedding",
                    Some(json!({ "allowed_origins": ["https://app.vendor.com"], "partitioned_cookies": partitioned })),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            let redeemed = app.redeem(&app.link(&org, "sso").await).await;
            assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.text);
            let all: Vec<_> = redeemed
                .headers
                .get_all(header::SET_COOKIE)
                .iter()
                .collect();
            assert_eq!(all.len(), 1, "{all:?}");
            let set = all[0].to_str().unwrap();
            let (pair, attrs) = sorted(set);
            let (got_name, value) = pair.split_once('=').unwrap();
            assert_eq!(got_name, name, "{set}");
            assert_eq!(value.len(), 43, "{set}");
            let mode: &[&str] = match (partitioned, https) {
                (true, _) => &["SameSite=None", "Secure", "Partitioned"],
                (false, true) => &["SameSite=Lax", "Secure"],
                (false, false) => &["SameSite=Lax"],
            };
            let mut want = vec!["Path=/", "HttpOnly", max_age.as_str()];
            want.extend_from_slice(mode);
            assert_eq!(
                attrs,
                expect(&want),
                "https {https}, partitioned {partitioned}: {set}"
            );

            // Signing out clears it with the same attributes and an empty value.
            let req = Request::delete("/portal/api/session")
                .header(header::COOKIE, &pair)
                .header(
                    "x-portico-csrf",
                    redeemed.body["csrf_token"].as_str().unwrap(),
                )
                .body(Body::empty())
                .unwrap();
            let out = app.raw(req).await;
            assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
            let cleared = out.headers[header::SET_COOKIE].to_str().unwrap();
            let (pair, attrs) = sorted(cleared);
            assert_eq!(pair, format!("{name}="), "{cleared}");
            want[2] = "Max-Age=0";
            assert_eq!(attrs, expect(&want), "{cleared}");
        }
    }
}
