//! In-process tests of the server's router against a real SQLite file, with a clock the tests
//! control. One test binary keeps link times down.

mod activity;
mod architecture;
mod builds;
mod cli;
mod directory_attributes;
mod directory_portal;
mod dns;
mod dns_hosts;
mod domains;
mod embed;
mod errors;
mod events;
mod guides;
mod headers;
mod hostile_login;
mod hostile_saml;
mod hostnames;
mod login_flow;
mod metadata;
mod oidc_rp;
mod openapi;
mod portal;
mod private_files;
mod refresh;
mod saml_corpus;
mod saml_oidc;
mod scim;
mod scim_conformance;
mod scim_limits;
mod scim_membership;
mod scim_races;
mod signin;
mod signin_flow;
mod theme;
mod theme_editor;
mod vendor;
mod webhooks;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use portico::server::cli::build_state;
use portico::server::config::Settings;
use portico::server::{AppState, Clock};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// 2026-11-23T00:00:00Z.
pub const T0: i64 = 1_795_392_000;

/// A clock the test moves by hand.
pub struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A response, decoded.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

/// A running app on a fresh data directory.
pub struct App {
    pub state: AppState,
    pub clock: Arc<TestClock>,
    pub key: String,
    pub dir: tempfile::TempDir,
}

impl App {
    pub async fn new() -> App {
        Self::with(|_| {}).await
    }

    pub async fn with(adjust: impl FnOnce(&mut Settings)) -> App {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_tests(dir.path().to_path_buf());
        adjust(&mut settings);
        let clock = Arc::new(TestClock(AtomicI64::new(T0)));
        let state = build_state(settings, clock.clone()).await.unwrap();
        let env = state
            .store
            .environment_by_name("development")
            .await
            .unwrap()
            .unwrap();
        let (_, key) =
            portico::server::service::create_api_key(state.store.as_ref(), &env, "tests", T0)
                .await
                .unwrap();
        App {
            state,
            clock,
            key,
            dir,
        }
    }

    pub fn advance(&self, secs: i64) {
        self.clock.0.fetch_add(secs, Ordering::SeqCst);
    }

    /// Sends a request through the router.
    pub async fn raw(&self, req: Request<Body>) -> Resp {
        let resp = portico::server::http::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    /// A vendor API call with the test's API key.
    pub async fn vendor(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.key));
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        self.raw(
            b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
                .unwrap(),
        )
        .await
    }

    /// Creates an organization and returns its id.
    pub async fn org(&self, name: &str) -> String {
        let r = self
            .vendor(
                Method::POST,
                "/api/v1/organizations",
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// Mints a link and returns its token.
    pub async fn link(&self, org: &str, intent: &str) -> String {
        let r = self
            .vendor(
                Method::POST,
                "/api/v1/portal_links",
                Some(json!({ "organization_id": org, "intent": intent })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["url"]
            .as_str()
            .unwrap()
            .split("token=")
            .nth(1)
            .unwrap()
            .to_owned()
    }

    /// Redeems a link and returns the admin's session.
    pub async fn admin(&self, org: &str, intent: &str) -> Admin<'_> {
        let token = self.link(org, intent).await;
        let r = self.redeem(&token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let cookie = r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        Admin {
            app: self,
            cookie,
            csrf: r.body["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn redeem(&self, token: &str) -> Resp {
        let req = Request::post("/portal/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "token": token }).to_string()))
            .unwrap();
        self.raw(req).await
    }
}

/// Runs the `portico` binary with `args` on the data directory `dir`, with no Portico settings
/// from the environment (nor a `.env`: it runs in `dir`); returns (success, stdout, stderr).
pub fn portico_cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .current_dir(dir)
        .env_remove("PORTICO_SECRET_KEY")
        .env_remove("PORTICO_DATA_DIR")
        .env_remove("DATABASE_URL")
        .env_remove("PORTICO_PUBLIC_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An IT admin's browser: session cookie and CSRF token.
pub struct Admin<'a> {
    pub app: &'a App,
    pub cookie: String,
    pub csrf: String,
}

impl Admin<'_> {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &self.cookie)
            .header("x-portico-csrf", &self.csrf);
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        self.app
            .raw(
                b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
                    .unwrap(),
            )
            .await
    }

    /// Starts a connection and returns its id.
    pub async fn connection(&self, idp: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/portal/api/connections",
                Some(json!({ "idp": idp })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }
}

/// The unix seconds of an instant in a response, which must be the canonical RFC 3339 UTC string
/// (`2026-11-23T00:00:00Z`): a number or any other spelling fails the test.
pub fn unix(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("an instant must be an RFC 3339 string, got {v}"));
    let t = portico::api::time::Timestamp::parse(s)
        .unwrap_or_else(|e| panic!("{s:?} is not RFC 3339: {e}"));
    assert_eq!(t.to_string(), s, "instants travel in UTC, to the second");
    t.unix()
}

/// [`unix`] for an instant that may be `null`.
pub fn opt_unix(v: &Value) -> Option<i64> {
    (!v.is_null()).then(|| unix(v))
}

/// Asserts the one error shape, and returns the body's `error`.
pub fn assert_error(r: &Resp, status: u16, code: &str) -> Value {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    let e = &r.body["error"];
    assert_eq!(e["code"], code, "{}", r.text);
    assert!(
        e["message"].as_str().is_some_and(|m| m.len() > 10),
        "{}",
        r.text
    );
    let id = e["request_id"].as_str().unwrap();
    assert!(id.starts_with("req_"), "{}", r.text);
    assert_eq!(r.headers["x-request-id"], id);
    e.clone()
}

/// IdP metadata with a fresh self-signed certificate valid over the test clock.
pub fn idp_metadata(entity_id: &str, sso: &str) -> (String, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["idp.test".into()])
        .unwrap()
        .cert;
    let pem = cert.pem();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let xml = format!(
        r#"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
    );
    (xml, pem)
}

/// Serves fixed documents over HTTP on 127.0.0.1 (an IdP's published metadata or discovery).
pub async fn serve_docs(docs: Vec<(&'static str, String, &'static str)>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut router = axum::Router::new();
    for (path, body, ctype) in docs {
        let body = body.replace("{BASE}", &base);
        router = router.route(
            path,
            axum::routing::get(move || async move { ([(header::CONTENT_TYPE, ctype)], body) }),
        );
    }
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}
