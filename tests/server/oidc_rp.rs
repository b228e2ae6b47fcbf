//! The OpenID Connect relying party against a real provider (panva/oidc-provider under node,
//! see `oidc_provider.mjs`): the code flow end to end without a browser, and the ways it fails.
//!
//! Skipped, with a message, when `node` or `tests/e2e/node_modules/oidc-provider` is missing
//! (`PORTICO_E2E_NODE_MODULES` may point at another `node_modules`).

use portico::api::test_sign_in::{FailureCode, Rejection};
use portico::server::connections::StoredOidc;
use portico::server::fetch::Fetcher;
use portico::server::oidc::{self, AuthStart};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// Nothing listens here: the tests catch the provider's redirect before it is followed.
const REDIRECT: &str = "http://127.0.0.1:9/callback";
const SKEW: i64 = 60;

/// The node process, shared by every test. It exits when this test process does (its stdin
/// closes), since statics are never dropped.
struct Node {
    _child: Mutex<Child>,
    info: Value,
}

static NODE: OnceLock<Option<Node>> = OnceLock::new();

fn node() -> Option<&'static Node> {
    NODE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let modules = std::env::var_os("PORTICO_E2E_NODE_MODULES")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("tests/e2e/node_modules"));
        if !modules.join("oidc-provider").is_dir() {
            // CI installs the peers (.ci/setup); there a missing provider is a failure, not a skip.
            assert!(
                std::env::var_os("CI").is_none(),
                "{} has no oidc-provider: run .ci/setup",
                modules.display()
            );
            eprintln!(
                "SKIPPED oidc_rp: {} has no oidc-provider (run npm ci in tests/e2e)",
                modules.display()
            );
            return None;
        }
        // The provider's own log, read only when it fails to start.
        let log_path = std::env::temp_dir().join("portico-oidc-provider.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let spawned = Command::new("node")
            .arg(root.join("tests/server/oidc_provider.mjs"))
            .arg(REDIRECT)
            .arg(&modules)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                assert!(std::env::var_os("CI").is_none(), "could not run node: {e}");
                eprintln!("SKIPPED oidc_rp: could not run node ({e})");
                return None;
            }
        };
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let info = serde_json::from_str(&line).unwrap_or_else(|_| {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the provider did not start: {line}{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            )
        });
        // Keep reading: the provider may print more, and a closed pipe would kill it (EPIPE).
        std::thread::spawn(move || for _ in stdout.lines() {});
        Some(Node {
            _child: Mutex::new(child),
            info,
        })
    })
    .as_ref()
}

/// The fetcher as the server builds it, with the test providers' loopback address allowed.
fn fetcher() -> Fetcher {
    Fetcher::new(vec!["127.0.0.1".into()])
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// One of the providers: its stored connection and client secret.
async fn connection(which: &str) -> (StoredOidc, String) {
    let p = &node().unwrap().info[which];
    let found = oidc::discover(&fetcher(), p["issuer"].as_str().unwrap())
        .await
        .unwrap();
    let cfg = StoredOidc {
        issuer: found.issuer,
        client_id: p["client_id"].as_str().unwrap().to_owned(),
        authorization_endpoint: found.authorization_endpoint,
        token_endpoint: found.token_endpoint,
    };
    (cfg, p["client_secret"].as_str().unwrap().to_owned())
}

/// A browser without JavaScript: follows redirects, keeps cookies, submits the development
/// login (any name and password) and consent forms, and stops at the redirect back to us.
/// Returns the callback's query parameters.
async fn browse(start_url: &str, login: &str) -> HashMap<String, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies: HashMap<String, String> = HashMap::new();
    let mut url = url::Url::parse(start_url).unwrap();
    let mut form: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        let cookie = cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = match form.take() {
            Some(fields) => http.post(url.clone()).form(&fields),
            None => http.get(url.clone()),
        };
        let resp = req.header("cookie", cookie).send().await.unwrap();
        for set in resp.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = resp.status();
        if status.is_redirection() {
            let location = resp.headers()["location"].to_str().unwrap();
            url = url.join(location).unwrap();
            if url.as_str().starts_with(REDIRECT) {
                return url.query_pairs().into_owned().collect();
            }
            continue;
        }
        let html = resp.text().await.unwrap();
        assert!(status.is_success(), "{url} answered {status}: {html}");
        let action = attr(
            &html[html
                .find("<form")
                .unwrap_or_else(|| panic!("no form at {url}: {html}"))..],
            "action",
        )
        .unwrap();
        let mut fields: Vec<(String, String)> = html
            .split("<input")
            .skip(1)
            .filter(|tag| tag.contains(r#"type="hidden""#))
            .map(|tag| {
                (
                    attr(tag, "name").unwrap(),
                    attr(tag, "value").unwrap_or_default(),
                )
            })
            .collect();
        if html.contains(r#"name="login""#) {
            fields.push(("login".into(), login.into()));
            fields.push(("password".into(), "any password".into()));
        }
        url = url.join(&action.replace("&amp;", "&")).unwrap();
        form = Some(fields);
    }
    panic!("no redirect back after 20 steps (last at {url})");
}

/// An attribute of the first tag in `html`.
fn attr(html: &str, name: &str) -> Option<String> {
    let tag = &html[..html.find('>')?];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[start..start + tag[start..].find('"')?].to_owned())
}

/// Starts a sign-in and completes the provider's pages; returns the start and the code.
async fn authorize(cfg: &StoredOidc, login: &str) -> (AuthStart, String) {
    let start = oidc::start(&fetcher(), cfg, REDIRECT).await.unwrap();
    let back = browse(&start.url, login).await;
    assert_eq!(back.get("state"), Some(&start.state), "{back:?}");
    let code = back
        .get("code")
        .unwrap_or_else(|| panic!("no code: {back:?}"))
        .clone();
    (start, code)
}

fn fact<'a>(r: &'a Rejection, key: &str) -> &'a str {
    &r.facts
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no fact {key} in {r:?}"))
        .value
}

fn values(outcome: &oidc::OidcOutcome, claim: &str) -> Vec<String> {
    outcome
        .claims
        .iter()
        .find(|a| a.name == claim)
        .map(|a| a.values.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn code_flow_with_pkce_reads_the_id_token() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("basic").await;
    let start = oidc::start(&fetcher(), &cfg, REDIRECT).await.unwrap();
    let url = url::Url::parse(&start.url).unwrap();
    assert!(
        start.url.starts_with(&cfg.authorization_endpoint),
        "{}",
        start.url
    );
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "portico-rp");
    assert_eq!(q["redirect_uri"], REDIRECT);
    let mut scopes: Vec<&str> = q["scope"].split(' ').collect();
    scopes.sort();
    assert_eq!(scopes, ["email", "openid", "profile"]);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        (q["state"].as_str(), q["nonce"].as_str()),
        (start.state.as_str(), start.nonce.as_str())
    );
    assert!(start.pkce_verifier.len() >= 43 && !start.url.contains(&start.pkce_verifier));

    let back = browse(&start.url, "ada").await;
    assert_eq!(back["state"], start.state);
    let out = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &back["code"],
        &start.nonce,
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap();
    assert_eq!(out.subject, "ada");
    assert_eq!(values(&out, "sub"), ["ada"]);
    assert_eq!(values(&out, "email"), ["ada@example.test"]);
    assert_eq!(values(&out, "given_name"), ["Ada"]);
    assert_eq!(values(&out, "family_name"), ["Lovelace"]);
    assert_eq!(values(&out, "email_verified"), ["true"]);
    assert_eq!(values(&out, "nonce"), [start.nonce.as_str()]);
    assert_eq!(values(&out, "aud"), ["portico-rp"]);
    assert!(out
        .claims
        .iter()
        .all(|a| a.format.is_none() && a.friendly_name.is_none()));
    // The decoded payload, every claim, and no token in it.
    assert_eq!(out.id_token_claims["iss"], cfg.issuer.as_str());
    assert_eq!(out.id_token_claims["email"], "ada@example.test");
    assert!(out.id_token_claims.as_object().unwrap().len() == out.claims.len());
    assert!(
        !out.id_token_claims.to_string().contains("eyJ"),
        "{}",
        out.id_token_claims
    );

    // A code is good once.
    let again = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &back["code"],
        &start.nonce,
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (again.code, fact(&again, "error")),
        (FailureCode::OidcTokenExchangeFailed, "invalid_grant")
    );
}

#[tokio::test]
async fn post_only_provider_gets_the_secret_in_the_body_and_profile_from_userinfo() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("post").await;
    let (start, code) = authorize(&cfg, "grace").await;
    let out = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &code,
        &start.nonce,
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap();
    assert_eq!(out.subject, "grace");
    // This provider keeps the ID token to the protocol claims...
    assert!(
        out.id_token_claims.get("email").is_none(),
        "{}",
        out.id_token_claims
    );
    // ...so email and names came from userinfo, each once.
    assert_eq!(values(&out, "email"), ["ada@example.test"]);
    assert_eq!(values(&out, "given_name"), ["Ada"]);
    assert_eq!(values(&out, "family_name"), ["Lovelace"]);
    assert_eq!(out.claims.iter().filter(|a| a.name == "sub").count(), 1);
}

#[tokio::test]
async fn a_different_nonce_is_refused() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("basic").await;
    let (start, code) = authorize(&cfg, "ada").await;
    let r = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &code,
        "another-sign-in",
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcNonceMismatch, "{r:?}");
    assert!(fact(&r, "problem").contains("different nonce"));
}

#[tokio::test]
async fn a_wrong_client_secret_is_client_auth_failed() {
    if node().is_none() {
        return;
    }
    let (cfg, _) = connection("basic").await;
    let (start, code) = authorize(&cfg, "ada").await;
    let r = oidc::finish(
        &fetcher(),
        &cfg,
        "not-the-secret",
        REDIRECT,
        &code,
        &start.nonce,
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcClientAuthFailed, "{r:?}");
    assert_eq!(fact(&r, "client_id"), "portico-rp");
    assert_eq!(fact(&r, "error"), "invalid_client");
    assert_eq!(fact(&r, "status"), "401");
}

#[tokio::test]
async fn a_clock_a_day_ahead_sees_an_expired_token() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("basic").await;
    let (start, code) = authorize(&cfg, "ada").await;
    let later = now() + 86_400;
    let r = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &code,
        &start.nonce,
        &start.pkce_verifier,
        later,
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcTokenExpired, "{r:?}");
    assert_eq!(fact(&r, "our_clock"), portico::server::time::rfc3339(later));
    assert_eq!(fact(&r, "skew_allowed"), "60 seconds");
    let expires = fact(&r, "expires_at");
    assert!(
        expires.ends_with('Z') && expires < fact(&r, "our_clock"),
        "{r:?}"
    );
    assert!(fact(&r, "problem").contains("expired"));
}

#[tokio::test]
async fn a_clock_a_day_behind_sees_a_token_from_the_future() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("basic").await;
    let (start, code) = authorize(&cfg, "ada").await;
    let earlier = now() - 86_400;
    let r = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &code,
        &start.nonce,
        &start.pkce_verifier,
        earlier,
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcTokenExpired, "{r:?}");
    assert!(fact(&r, "issued_at") > fact(&r, "our_clock"), "{r:?}");
    assert!(fact(&r, "problem").contains("issued later"));
}

#[tokio::test]
async fn another_client_id_is_refused_by_the_token_endpoint() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("basic").await;

    // A client ID the provider does not know: it cannot authenticate, so no ID token (and no
    // audience check) is reached.
    let (start, code) = authorize(&cfg, "ada").await;
    let unknown = StoredOidc {
        client_id: "portico-unknown".into(),
        ..cfg.clone()
    };
    let r = oidc::finish(
        &fetcher(),
        &unknown,
        &secret,
        REDIRECT,
        &code,
        &start.nonce,
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcClientAuthFailed, "{r:?}");
    assert_eq!(fact(&r, "client_id"), "portico-unknown");

    // Another registered client with its own secret: the provider refuses a code issued to
    // someone else, before any ID token is minted.
    let (start, code) = authorize(&cfg, "ada").await;
    let other = &node().unwrap().info["basic"]["other"];
    let as_other = StoredOidc {
        client_id: other["client_id"].as_str().unwrap().into(),
        ..cfg.clone()
    };
    let r = oidc::finish(
        &fetcher(),
        &as_other,
        other["client_secret"].as_str().unwrap(),
        REDIRECT,
        &code,
        &start.nonce,
        &start.pkce_verifier,
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcTokenExchangeFailed, "{r:?}");
    assert_eq!(fact(&r, "error"), "invalid_grant");
}

#[tokio::test]
async fn a_wrong_pkce_verifier_fails_the_exchange() {
    if node().is_none() {
        return;
    }
    let (cfg, secret) = connection("basic").await;
    let (start, code) = authorize(&cfg, "ada").await;
    let wrong = "x".repeat(43);
    let r = oidc::finish(
        &fetcher(),
        &cfg,
        &secret,
        REDIRECT,
        &code,
        &start.nonce,
        &wrong,
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcTokenExchangeFailed, "{r:?}");
    assert_eq!(fact(&r, "error"), "invalid_grant");
    assert_eq!(fact(&r, "status"), "400");
    assert!(!fact(&r, "error_description").is_empty(), "{r:?}");
}

#[tokio::test]
async fn the_providers_own_error_is_mapped() {
    if node().is_none() {
        return;
    }
    let (cfg, _) = connection("basic").await;
    let start = oidc::start(&fetcher(), &cfg, REDIRECT).await.unwrap();
    // Nobody is signed in, so a silent request comes straight back with an error.
    let back = browse(&format!("{}&prompt=none", start.url), "ada").await;
    assert_eq!(back["state"], start.state);
    let r = oidc::idp_error(
        &back["error"],
        back.get("error_description").map(String::as_str),
    );
    assert_eq!(r.code, FailureCode::OidcIdpError);
    assert_eq!(fact(&r, "error"), "login_required");
    assert!(!fact(&r, "error_description").is_empty(), "{r:?}");
}

#[tokio::test]
async fn an_unreachable_or_private_provider_is_reported() {
    // No node needed: nothing listens on port 9, and loopback is refused unless allow-listed.
    let cfg = StoredOidc {
        issuer: "http://127.0.0.1:9".into(),
        client_id: "portico".into(),
        authorization_endpoint: "http://127.0.0.1:9/auth".into(),
        token_endpoint: None,
    };
    let r = oidc::start(&fetcher(), &cfg, REDIRECT).await.unwrap_err();
    assert_eq!(r.code, FailureCode::OidcProviderUnreachable);
    assert!(fact(&r, "problem").contains("Could not connect"), "{r:?}");
    let r = oidc::finish(
        &Fetcher::new(vec![]),
        &cfg,
        "s",
        REDIRECT,
        "c",
        "n",
        "v",
        now(),
        SKEW,
    )
    .await
    .unwrap_err();
    assert_eq!(r.code, FailureCode::OidcProviderUnreachable);
    assert!(
        fact(&r, "problem").contains("which Portico never fetches from"),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_saved_secret_never_follows_a_new_issuer() {
    use super::{assert_error, App};
    use axum::http::{Method, StatusCode};
    use serde_json::json;
    if node().is_none() {
        return;
    }
    let info = &node().unwrap().info;
    let (basic, post) = (&info["basic"], &info["post"]);
    let app = App::new().await;
    let org = app.org("Acme").await;
    let created = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "generic-oidc", "issuer": basic["issuer"], "client_id": basic["client_id"], "client_secret": basic["client_secret"] })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let conn = created.body["id"].as_str().unwrap().to_owned();
    let before = app.state.store.connection(&conn).await.unwrap().unwrap();

    // Another issuer without a secret: refused on the secret field, nothing changed. The vendor
    // API and the portal share this path.
    let moved = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{conn}"),
            Some(json!({ "issuer": post["issuer"], "client_id": basic["client_id"] })),
        )
        .await;
    let e = assert_error(&moved, 422, "validation_failed");
    assert!(
        e["fields"]["client_secret"]
            .as_str()
            .unwrap()
            .contains("Enter the client secret again"),
        "{e}"
    );
    let after = app.state.store.connection(&conn).await.unwrap().unwrap();
    assert_eq!(
        (&after.config, &after.client_secret_enc),
        (&before.config, &before.client_secret_enc)
    );
    // A new client ID at the same issuer needs its own secret too.
    let other = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{conn}"),
            Some(json!({ "issuer": basic["issuer"], "client_id": basic["other"]["client_id"] })),
        )
        .await;
    assert_error(&other, 422, "validation_failed");
    // The same issuer and client again keep the saved secret; a new issuer with its secret is fine.
    let same = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{conn}"),
            Some(json!({ "issuer": basic["issuer"], "client_id": basic["client_id"] })),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);
    let paired = app
        .vendor(Method::PATCH, &format!("/api/v1/connections/{conn}"), Some(json!({ "issuer": post["issuer"], "client_id": post["client_id"], "client_secret": post["client_secret"] })))
        .await;
    assert_eq!(paired.status, StatusCode::OK, "{}", paired.text);
    assert_eq!(
        paired.body["oidc"]["issuer"], post["issuer"],
        "{}",
        paired.text
    );
}
