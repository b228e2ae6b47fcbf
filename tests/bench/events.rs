//! Benchmark (prints figures, asserts nothing): the event log and webhook delivery on a real
//! SQLite file.
//!
//! - events written per second (one event per transaction, as a change writes it), with no
//!   webhook endpoint and with one that wants every type (the fan-out insert in the same
//!   transaction);
//! - the latency of one vendor API write (`PATCH /api/v1/organizations/{id}` through the
//!   router) with no endpoint and with one, and of the store write beneath it with no event
//!   (events off), with its event, and with its event and an endpoint: the overhead in percent
//!   (target: under 10 %);
//! - webhook deliveries per second to a receiver on 127.0.0.1 answering 200, through the
//!   worker's passes (`worker::run_once`): one endpoint (sent one at a time, in order) and
//!   eight endpoints (eight in flight).
//!
//! Run with `cargo bench --features server --bench events`.

use axum::body::Body;
use axum::http::{header, Method, Request};
use portico::api::webhook::{CreateWebhookEndpoint, EventSelector};
use portico::server::store::OrganizationRow;
use portico::server::{AppState, SystemClock};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const EVENTS: usize = 3000;
const WRITES: usize = 400;
const ROUNDS: usize = 8;

struct Bench {
    state: AppState,
    env: String,
    key: String,
    _dir: tempfile::TempDir,
}

async fn setup() -> Result<Bench, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let settings = portico::server::config::Settings::for_tests(dir.path().to_path_buf());
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
    Ok(Bench {
        state,
        env: env.id,
        key,
        _dir: dir,
    })
}

/// A receiver on 127.0.0.1 answering 200 to every POST; returns its URL and its count.
async fn receiver() -> Result<(String, Arc<AtomicU64>), String> {
    let count = Arc::new(AtomicU64::new(0));
    let c = count.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::Relaxed);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/hook",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((url, count))
}

async fn add_endpoint(b: &Bench, url: &str) -> Result<(), String> {
    let req = CreateWebhookEndpoint {
        url: url.to_owned(),
        events: Some(vec![EventSelector("*".into())]),
        enabled: None,
        description: None,
    };
    portico::server::webhooks::create(&b.state, &b.env, &req)
        .await
        .map(|_| ())
        .map_err(|e| format!("{:?}", e.code))
}

fn org(b: &Bench, id: &str, name: &str, now: i64) -> OrganizationRow {
    OrganizationRow {
        id: id.to_owned(),
        environment_id: b.env.clone(),
        name: name.to_owned(),
        external_id: None,
        domains: vec![],
        allow_profiles_outside_organization: false,
        created_at: now,
        updated_at: now,
    }
}

/// Events appended one per transaction; returns events per second.
async fn events_per_second(b: &Bench, tag: &str) -> Result<f64, String> {
    let now = b.state.clock.now();
    let row = org(b, &format!("org_{tag}"), "Bench", now);
    let started = Instant::now();
    for _ in 0..EVENTS {
        let e = portico::server::service::organization_event(
            portico::api::event::EventType::OrganizationUpdated,
            &row,
            now,
        )
        .map_err(|e| format!("{:?}", e.code))?;
        b.state
            .store
            .append_events(&[e])
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(EVENTS as f64 / started.elapsed().as_secs_f64())
}

/// Microseconds of one `PATCH /api/v1/organizations/{id}` through the router.
async fn api_write(b: &Bench, org_id: &str, i: usize) -> Result<f64, String> {
    let req = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/organizations/{org_id}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", b.key))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!("{{\"name\": \"Acme {i}\"}}")))
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let resp = portico::server::http::router(b.state.clone())
        .oneshot(req)
        .await
        .map_err(|e| e.to_string())?;
    let us = started.elapsed().as_secs_f64() * 1e6;
    if !resp.status().is_success() {
        return Err(format!("PATCH answered {}", resp.status()));
    }
    Ok(us)
}

/// Microseconds of the store's organization update, with its event or without.
async fn store_write(
    b: &Bench,
    row: &mut OrganizationRow,
    i: usize,
    with_event: bool,
) -> Result<f64, String> {
    row.name = format!("Acme {i}");
    let started = Instant::now();
    let events = if with_event {
        vec![portico::server::service::organization_event(
            portico::api::event::EventType::OrganizationUpdated,
            row,
            row.updated_at,
        )
        .map_err(|e| format!("{:?}", e.code))?]
    } else {
        Vec::new()
    };
    b.state
        .store
        .update_organization(row, &events)
        .await
        .map_err(|e| e.to_string())?;
    Ok(started.elapsed().as_secs_f64() * 1e6)
}

/// Turns the bench's one endpoint on or off (off: nothing is queued, as with no endpoint).
async fn set_endpoint(b: &Bench, on: bool) -> Result<(), String> {
    let all = b
        .state
        .store
        .list_webhook_endpoints(&b.env)
        .await
        .map_err(|e| e.to_string())?;
    for mut e in all {
        e.enabled = on;
        b.state
            .store
            .update_webhook_endpoint(
                &e,
                portico::server::store::EndpointChange::Settings { reenabled: false },
                &[],
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Sends everything due through the worker's passes; returns deliveries per second.
async fn drain(b: &Bench, expected: u64, count: &AtomicU64) -> Result<f64, String> {
    let before = count.load(Ordering::Relaxed);
    let started = Instant::now();
    loop {
        let n = portico::server::webhooks::worker::run_once(&b.state)
            .await
            .map_err(|e| format!("{:?}", e.code))?;
        if n == 0 {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let sent = count.load(Ordering::Relaxed) - before;
    if sent != expected {
        println!("  (the receiver got {sent} of {expected})");
    }
    Ok(sent as f64 / secs)
}

fn overhead(base: f64, with: f64) -> String {
    format!("{:+.1} %", (with - base) / base * 100.0)
}

async fn run() -> Result<(), String> {
    let (url, count) = receiver().await?;

    // Events written per second.
    let b = setup().await?;
    let plain = events_per_second(&b, "a").await?;
    add_endpoint(&b, &url).await?;
    let fanned = events_per_second(&b, "b").await?;
    println!("events written: {plain:.0}/s alone, {fanned:.0}/s with one endpoint queuing each");

    // One API write, and the store write beneath it. The variants alternate in rounds (the
    // endpoint switched off and on between them), so a busy machine slows them alike; the
    // figures are medians.
    let b = setup().await?;
    let now = b.state.clock.now();
    let mut row = org(&b, "org_write", "Acme", now);
    b.state
        .store
        .insert_organization(&row, &[])
        .await
        .map_err(|e| e.to_string())?;
    add_endpoint(&b, &url).await?;
    let (mut api_off, mut api_on) = (Vec::new(), Vec::new());
    let (mut store_plain, mut store_event, mut store_hook) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..=ROUNDS {
        // Round 0 warms up (prepared statements, the pool) and is not counted.
        let keep = round > 0;
        set_endpoint(&b, false).await?;
        for i in 0..WRITES / ROUNDS {
            let (a, p, e) = (
                api_write(&b, &row.id, i).await?,
                store_write(&b, &mut row, i, false).await?,
                store_write(&b, &mut row, i, true).await?,
            );
            if keep {
                api_off.push(a);
                store_plain.push(p);
                store_event.push(e);
            }
        }
        set_endpoint(&b, true).await?;
        for i in 0..WRITES / ROUNDS {
            let (a, h) = (
                api_write(&b, &row.id, i).await?,
                store_write(&b, &mut row, i, true).await?,
            );
            if keep {
                api_on.push(a);
                store_hook.push(h);
            }
        }
    }
    let (store_off, store_on, store_hook) =
        (median(store_plain), median(store_event), median(store_hook));
    let (api_off, api_on) = (median(api_off), median(api_on));
    println!(
        "store write (update organization), median: {store_off:.0} us without its event, \
         {store_on:.0} us with it ({}), {store_hook:.0} us with it and an endpoint ({})",
        overhead(store_off, store_on),
        overhead(store_off, store_hook)
    );
    println!(
        "API write (PATCH organization; its event is always logged), median: {api_off:.0} us with \
         no endpoint, {api_on:.0} us with one ({}); the event alone adds {:.1} % of the API \
         write, the event and an endpoint {:.1} % (target: under 10 %)",
        overhead(api_off, api_on),
        (store_on - store_off) / (api_off - (store_on - store_off)) * 100.0,
        (store_hook - store_off) / (api_off - (store_on - store_off)) * 100.0,
    );

    // Deliveries per second.
    let b = setup().await?;
    add_endpoint(&b, &url).await?;
    let n = 500;
    events_short(&b, n).await?;
    let one = drain(&b, n as u64, &count).await?;
    let b = setup().await?;
    for _ in 0..8 {
        add_endpoint(&b, &url).await?;
    }
    let per = n / 8;
    events_short(&b, per).await?;
    let eight = drain(&b, (per * 8) as u64, &count).await?;
    println!(
        "webhook deliveries to 127.0.0.1: {one:.0}/s to one endpoint (in order, one at a time), \
         {eight:.0}/s to eight endpoints"
    );
    Ok(())
}

/// Appends `n` events (one per transaction).
async fn events_short(b: &Bench, n: usize) -> Result<(), String> {
    let now = b.state.clock.now();
    let row = org(b, "org_d", "Deliveries", now);
    for _ in 0..n {
        let e = portico::server::service::organization_event(
            portico::api::event::EventType::OrganizationUpdated,
            &row,
            now,
        )
        .map_err(|e| format!("{:?}", e.code))?;
        b.state
            .store
            .append_events(&[e])
            .await
            .map_err(|e| e.to_string())?;
    }
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
    println!("events and webhooks on SQLite (WAL), {EVENTS} events, {WRITES} writes per figure");
    if let Err(e) = rt.block_on(run()) {
        println!("failed: {e}");
    }
}
