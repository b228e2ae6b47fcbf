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
use std::time::{Duration, Instant};
use tower::ServiceExt;

const EVENTS: usize = 3000;
const WRITES: usize = 400;

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
        let e = portico::server::events::organization(
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

/// Mean microseconds of `PATCH /api/v1/organizations/{id}` through the router.
async fn api_write_us(b: &Bench, org_id: &str) -> Result<f64, String> {
    let mut total = Duration::ZERO;
    for i in 0..WRITES {
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
        total += started.elapsed();
        if !resp.status().is_success() {
            return Err(format!("PATCH answered {}", resp.status()));
        }
    }
    Ok(total.as_secs_f64() * 1e6 / WRITES as f64)
}

/// Mean microseconds of the store's organization update, with `events` or without.
async fn store_write_us(
    b: &Bench,
    row: &mut OrganizationRow,
    with_event: bool,
) -> Result<f64, String> {
    let mut total = Duration::ZERO;
    for i in 0..WRITES {
        row.name = format!("Acme {i}");
        let started = Instant::now();
        let events = if with_event {
            vec![portico::server::events::organization(
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
        total += started.elapsed();
    }
    Ok(total.as_secs_f64() * 1e6 / WRITES as f64)
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

    // One API write, and the store write beneath it.
    let b = setup().await?;
    let now = b.state.clock.now();
    let mut row = org(&b, "org_write", "Acme", now);
    b.state
        .store
        .insert_organization(&row, &[])
        .await
        .map_err(|e| e.to_string())?;
    // Warm-up: the first requests pay for prepared statements and the pool.
    api_write_us(&b, &row.id).await?;
    let store_off = store_write_us(&b, &mut row, false).await?;
    let store_on = store_write_us(&b, &mut row, true).await?;
    let api_off = api_write_us(&b, &row.id).await?;
    add_endpoint(&b, &url).await?;
    let store_hook = store_write_us(&b, &mut row, true).await?;
    let api_on = api_write_us(&b, &row.id).await?;
    println!(
        "store write (update organization): {store_off:.0} us without its event, {store_on:.0} us \
         with it ({}), {store_hook:.0} us with it and an endpoint ({})",
        overhead(store_off, store_on),
        overhead(store_off, store_hook)
    );
    println!(
        "API write (PATCH organization, event always logged): {api_off:.0} us with no endpoint, \
         {api_on:.0} us with one ({}; target under +10 %)",
        overhead(api_off, api_on)
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
        let e = portico::server::events::organization(
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
