//! Benchmark (prints figures, asserts nothing): an identity provider's first full sync of a
//! directory over SCIM 2.0 (issue 17 §2), through the router in-process, on a real SQLite file.
//!
//! - 10,000 users created one `POST /Users` each, as an IdP's first sync sends them: users per
//!   second, and the median and slowest request;
//! - 20 groups of 500 members each, one `POST /Groups` each (members in the body): groups per
//!   second, and the median and slowest request;
//! - one `PATCH` adding one member to a group of 5,000 members: its latency (an IdP's
//!   incremental change must not cost the size of the group);
//! - the process's peak memory (`VmHWM` in `/proc/self/status`).
//!
//! The directory's per-minute request limit answers `429` with `Retry-After` to a sync faster
//! than it allows; the bench then waits as an IdP would, and counts only the requests' own time
//! in the rates (the waits are reported apart).
//!
//! Run with `cargo bench --features server --bench directory`.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use portico::server::{AppState, SystemClock};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const USERS: usize = 10_000;
const GROUPS: usize = 20;
const GROUP_SIZE: usize = 500;
const BIG_GROUP: usize = 5_000;

struct Bench {
    state: AppState,
    key: String,
    dir: String,
    token: String,
    /// Time spent waiting out `429` answers, and how many there were.
    waited: Duration,
    limited: usize,
    _data: tempfile::TempDir,
}

impl Bench {
    /// One request through the router; its status, body and duration (a `429` is waited out
    /// and retried, its wait not counted).
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        bearer: &str,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value, Duration), String> {
        loop {
            let mut b = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {bearer}"));
            if body.is_some() {
                b = b.header(header::CONTENT_TYPE, "application/scim+json");
            }
            let req = b
                .body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
                .map_err(|e| e.to_string())?;
            let started = Instant::now();
            let resp = portico::server::http::router(self.state.clone())
                .oneshot(req)
                .await
                .map_err(|e| e.to_string())?;
            let status = resp.status();
            let wait = resp
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            let took = started.elapsed();
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = Duration::from_secs(wait.unwrap_or(1).max(1));
                self.limited += 1;
                self.waited += wait;
                tokio::time::sleep(wait).await;
                continue;
            }
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if !status.is_success() {
                return Err(format!("{method} {path} answered {status}: {body}"));
            }
            return Ok((status, body, took));
        }
    }

    async fn scim(
        &mut self,
        method: Method,
        rel: &str,
        body: Option<&Value>,
    ) -> Result<(Value, Duration), String> {
        let path = format!("/scim/v2/{}{rel}", self.dir);
        let token = self.token.clone();
        let (_, body, took) = self.call(method, &path, &token, body).await?;
        Ok((body, took))
    }
}

async fn setup() -> Result<Bench, String> {
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let settings = portico::server::config::Settings::for_tests(data.path().to_path_buf());
    let state = portico::server::cli::build_state(settings, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let env = state
        .store
        .environment_by_name("development")
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no environment")?;
    let now = state.clock.now();
    let (_, key) = portico::server::service::create_api_key(state.store.as_ref(), &env, "b", now)
        .await
        .map_err(|e| e.to_string())?;
    let mut b = Bench {
        state,
        key: key.clone(),
        dir: String::new(),
        token: String::new(),
        waited: Duration::ZERO,
        limited: 0,
        _data: data,
    };
    let (_, org, _) = b
        .call(
            Method::POST,
            "/api/v1/organizations",
            &key,
            Some(&json!({"name": "Acme"})),
        )
        .await?;
    let org = org["id"].as_str().ok_or("no organization id")?.to_owned();
    let (_, dir, _) = b
        .call(
            Method::POST,
            &format!("/api/v1/organizations/{org}/directories"),
            &key,
            Some(&json!({"provider": "okta"})),
        )
        .await?;
    b.dir = dir["id"].as_str().ok_or("no directory id")?.to_owned();
    let (_, token, _) = b
        .call(
            Method::POST,
            &format!("/api/v1/directories/{}/tokens", b.dir),
            &b.key.clone(),
            None,
        )
        .await?;
    b.token = token["secret"].as_str().ok_or("no token")?.to_owned();
    Ok(b)
}

fn user(i: usize) -> Value {
    let name = format!("user{i:05}@acme.test");
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "userName": name,
        "externalId": format!("00u{i:017}"),
        "active": true,
        "name": {"givenName": "User", "familyName": format!("Number {i}")},
        "displayName": format!("User Number {i}"),
        "emails": [{"value": name, "type": "work", "primary": true}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": i.to_string(), "department": format!("Dept {}", i % 20)
        }
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The process's peak resident memory (`VmHWM`), as `/proc/self/status` writes it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".into())
}

async fn run() -> Result<(), String> {
    let mut b = setup().await?;

    // The users, one POST each.
    let mut ids = Vec::with_capacity(USERS);
    let mut times = Vec::with_capacity(USERS);
    let started = Instant::now();
    for i in 0..USERS {
        let (body, took) = b.scim(Method::POST, "/Users", Some(&user(i))).await?;
        ids.push(body["id"].as_str().ok_or("no user id")?.to_owned());
        times.push(took);
        if (i + 1) % 2_000 == 0 {
            println!(
                "  {} users, last request {}, peak memory {}",
                i + 1,
                ms(took),
                peak_memory()
            );
        }
    }
    let wall = started.elapsed();
    let busy: Duration = times.iter().sum();
    let slowest = times.iter().max().copied().unwrap_or_default();
    println!(
        "users: {USERS} in {:.1} s of requests ({:.0}/s; {:.1} s wall clock), median {}, slowest {}",
        busy.as_secs_f64(),
        USERS as f64 / busy.as_secs_f64(),
        wall.as_secs_f64(),
        ms(median(times)),
        ms(slowest)
    );

    // The groups, one POST each with its members.
    let mut times = Vec::with_capacity(GROUPS);
    for g in 0..GROUPS {
        let members: Vec<Value> = ids[g * GROUP_SIZE..(g + 1) * GROUP_SIZE]
            .iter()
            .map(|id| json!({"value": id}))
            .collect();
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": format!("Group {g}"),
            "externalId": format!("00g{g:017}"),
            "members": members,
        });
        let (_, took) = b.scim(Method::POST, "/Groups", Some(&body)).await?;
        times.push(took);
    }
    let busy: Duration = times.iter().sum();
    let slowest = times.iter().max().copied().unwrap_or_default();
    println!(
        "groups: {GROUPS} of {GROUP_SIZE} members in {:.1} s ({:.1}/s), median {}, slowest {}",
        busy.as_secs_f64(),
        GROUPS as f64 / busy.as_secs_f64(),
        ms(median(times)),
        ms(slowest)
    );

    // A group of 5,000, then one member more by PATCH.
    let members: Vec<Value> = ids[..BIG_GROUP]
        .iter()
        .map(|id| json!({"value": id}))
        .collect();
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Everyone (first half)",
        "members": members,
    });
    let (group, took) = b.scim(Method::POST, "/Groups", Some(&body)).await?;
    let gid = group["id"].as_str().ok_or("no group id")?.to_owned();
    println!("a group of {BIG_GROUP} members created in {}", ms(took));
    let patch = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": ids[BIG_GROUP]}]}]
    });
    let (_, took) = b
        .scim(Method::PATCH, &format!("/Groups/{gid}"), Some(&patch))
        .await?;
    println!(
        "PATCH adding 1 member to the {BIG_GROUP}-member group: {}",
        ms(took)
    );
    let (_, took) = b
        .scim(
            Method::GET,
            "/Users?filter=userName%20eq%20%22user09999%40acme.test%22&startIndex=1&count=100",
            None,
        )
        .await?;
    println!(
        "GET /Users filtered by userName (Okta's check before a create): {}",
        ms(took)
    );

    if b.limited > 0 {
        println!(
            "rate limit: {} answers 429, {:.0} s waited (not counted above)",
            b.limited,
            b.waited.as_secs_f64()
        );
    }
    println!("peak memory (VmHWM): {}", peak_memory());
    Ok(())
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return println!("skipped: {e}"),
    };
    println!(
        "SCIM first sync on SQLite (WAL): {USERS} users, {GROUPS} groups of {GROUP_SIZE}, \
         a PATCH on a group of {BIG_GROUP}"
    );
    if let Err(e) = rt.block_on(run()) {
        println!("failed: {e}");
    }
}
