//! Benchmark (prints figures, asserts nothing): the event log's cost on the write path.
//!
//! 1. Events written per second: one-event transactions appended one after another, then in
//!    batches of 100.
//! 2. The added latency of one API write with its event: `PATCH /api/v1/organizations/{id}`
//!    through the router, as the vendor calls it (the change and `organization.updated` in one
//!    transaction), against the same update written without its event. Issue 16's target: under
//!    10 % over the write without.
//! 3. Reading the log back a page of 100 at a time.
//!
//! Run with `cargo bench --features server --bench events`; `PORTICO_BENCH_WRITES` sets the
//! number of writes per measurement (default 2,000).

use axum::body::Body;
use axum::http::{header, Method, Request};
use portico::server::store::{EventFilter, NewEvent};
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const NOW: i64 = 1_795_392_000;

struct FixedClock(i64);

impl portico::server::Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

fn event(env: &str, i: usize) -> NewEvent {
    NewEvent {
        id: format!("evt_bench{i:022}"),
        environment_id: env.to_owned(),
        event_type: "organization.updated".into(),
        organization_id: Some("org_bench".into()),
        created_at: NOW,
        data: format!("{{\"id\": \"org_bench\", \"name\": \"Bench {i}\", \"domains\": []}}"),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

async fn run(writes: usize) {
    let Ok(dir) = tempfile::tempdir() else {
        return println!("skipped: no temporary directory");
    };
    let settings = portico::server::config::Settings::for_tests(dir.path().to_path_buf());
    let state = match portico::server::cli::build_state(settings, Arc::new(FixedClock(NOW))).await {
        Ok(s) => s,
        Err(e) => return println!("skipped: {e}"),
    };
    let Ok(Some(env)) = state.store.environment_by_name("development").await else {
        return println!("skipped: no environment");
    };

    // 1. Appending.
    let t = Instant::now();
    for i in 0..writes {
        if let Err(e) = state.store.append_events(&[event(&env.id, i)]).await {
            return println!("skipped: {e}");
        }
    }
    let one = t.elapsed().as_secs_f64();
    println!(
        "append, one event a transaction: {writes} in {:.2} s = {:.0} events/s",
        one,
        writes as f64 / one
    );
    let t = Instant::now();
    for chunk in (writes..writes * 2).collect::<Vec<_>>().chunks(100) {
        let batch: Vec<NewEvent> = chunk.iter().map(|i| event(&env.id, *i)).collect();
        if let Err(e) = state.store.append_events(&batch).await {
            return println!("skipped: {e}");
        }
    }
    let batched = t.elapsed().as_secs_f64();
    println!(
        "append, 100 events a transaction: {writes} in {:.2} s = {:.0} events/s",
        batched,
        writes as f64 / batched
    );

    // 2. One API write with its event, against the same write without.
    let (_, key) =
        match portico::server::service::create_api_key(state.store.as_ref(), &env, "bench", NOW)
            .await
        {
            Ok(k) => k,
            Err(e) => return println!("skipped: {e}"),
        };
    let org = match portico::server::service::create_organization(
        state.store.as_ref(),
        &env.id,
        portico::api::vendor::CreateOrganization {
            name: "Bench".into(),
            external_id: None,
            domains: vec![],
            allow_profiles_outside_organization: None,
        },
        NOW,
    )
    .await
    {
        Ok(o) => o,
        Err(e) => return println!("skipped: {:?}", e.code),
    };
    let app = portico::server::http::router(state.clone());
    let mut with = Vec::with_capacity(writes);
    let mut without = Vec::with_capacity(writes);
    // Interleaved, so both see the same database size and machine load.
    for i in 0..writes {
        let req = Request::builder()
            .method(Method::PATCH)
            .uri(format!("/api/v1/organizations/{}", org.id))
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!("{{\"name\": \"Bench {i}\"}}")));
        let Ok(req) = req else {
            return println!("skipped: request");
        };
        let t = Instant::now();
        let status = app.clone().oneshot(req).await.map(|r| r.status().as_u16());
        with.push(t.elapsed().as_secs_f64() * 1e6);
        if status.ok() != Some(200) {
            return println!("skipped: PATCH answered {status:?}");
        }
        // The same request's work without the event: the handler's reads and the update.
        let mut row = org.clone();
        row.name = format!("Bench {i}");
        let t = Instant::now();
        let _ = state
            .store
            .api_key_by_hash(&portico::server::crypto::hash_token(&key))
            .await;
        let _ = state.store.organization(&env.id, &org.id).await;
        let _ = state.store.update_organization(&row, &[]).await;
        without.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (w, wo) = (median(with), median(without));
    println!("PATCH /api/v1/organizations/{{id}} with organization.updated: median {w:.0} µs");
    println!("the same reads and update without the event (store calls only): median {wo:.0} µs");
    println!(
        "added by the event and the HTTP layer together: {:.0} µs ({:+.1} %)",
        w - wo,
        (w - wo) / wo * 100.0
    );
    // The event alone: the same update with and without one event in its transaction.
    let mut bare = Vec::with_capacity(writes);
    let mut logged = Vec::with_capacity(writes);
    for i in 0..writes {
        let mut row = org.clone();
        row.name = format!("Bench again {i}");
        let t = Instant::now();
        let _ = state.store.update_organization(&row, &[]).await;
        bare.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        let built = portico::server::service::organization_event(
            portico::api::event::EventType::OrganizationUpdated,
            &row,
            NOW,
        );
        if let Ok(e) = built {
            let _ = state.store.update_organization(&row, &[e]).await;
        }
        logged.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (b, l) = (median(bare), median(logged));
    println!(
        "update_organization: median {b:.0} µs without its event, {l:.0} µs with it (built and \
         appended): {:+.1} %",
        (l - b) / b * 100.0
    );
    // The API write without its event is the API write less what the event adds to the update.
    let event_cost = l - b;
    println!(
        "so one API write (PATCH, median {w:.0} µs) spends {event_cost:.0} µs on its event: {:+.1} % \
         over the same write without",
        event_cost / (w - event_cost) * 100.0
    );

    // 3. Reading back.
    let t = Instant::now();
    let (mut after, mut read) = (0, 0usize);
    loop {
        let page = state
            .store
            .events_after(&EventFilter {
                environment_id: Some(env.id.clone()),
                after_seq: after,
                limit: 100,
                ..EventFilter::default()
            })
            .await
            .unwrap_or_default();
        let Some(last) = page.last() else { break };
        after = last.seq;
        read += page.len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "read back {read} events, 100 a page: {:.0} events/s",
        read as f64 / secs
    );
}

fn main() {
    let writes = std::env::var("PORTICO_BENCH_WRITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(run(writes)),
        Err(e) => println!("skipped: {e}"),
    }
}
