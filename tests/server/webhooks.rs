//! Webhook delivery (issue 16 §2): endpoints through the vendor API, deliveries signed per the
//! Standard Webhooks specification (checked here by recomputing the HMAC), the retry schedule
//! and the endpoint's disabling under a clock the test moves, secret rotation, and per-endpoint
//! order. The worker runs one pass at a time (`worker::run_once`) against a receiver on
//! 127.0.0.1.

use crate::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use portico::server::webhooks::worker::run_once;
use sha2::Sha256;
use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Got {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    answered: u16,
}

/// A receiver on 127.0.0.1 that records every request and answers 500 to the first
/// `fail_first` ones, then 200.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    fail_left: Arc<AtomicUsize>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let fail_left = Arc::new(AtomicUsize::new(fail_first));
        let (g, f) = (got.clone(), fail_left.clone());
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (g, f) = (g.clone(), f.clone());
                async move {
                    let failing = f
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    let answered = if failing { 500 } else { 200 };
                    let h = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    g.lock().unwrap().push(Got {
                        id: h("webhook-id"),
                        timestamp: h("webhook-timestamp"),
                        signature: h("webhook-signature"),
                        body,
                        answered,
                    });
                    StatusCode::from_u16(answered).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Receiver {
            url,
            got,
            fail_left,
        }
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    fn delivered_ids(&self) -> Vec<String> {
        self.got()
            .into_iter()
            .filter(|g| g.answered == 200)
            .map(|g| g.id)
            .collect()
    }
}

/// The HMAC of a Standard Webhooks message, computed here from the specification (not with the
/// server's code): key = base64 after `whsec_`, content = `id.timestamp.body`.
fn expected_signature(secret: &str, got: &Got) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", got.id, got.timestamp, got.body).as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

fn signatures(got: &Got) -> Vec<String> {
    got.signature.split(' ').map(str::to_owned).collect()
}

/// Creates an endpoint and returns (id, secret).
async fn endpoint(app: &App, url: &str, events: Value) -> (String, String) {
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/webhook_endpoints",
            Some(json!({ "url": url, "events": events, "description": "tests" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.body["id"].as_str().unwrap().to_owned(),
        r.body["secret"].as_str().unwrap().to_owned(),
    )
}

async fn deliveries(app: &App, id: &str) -> Vec<Value> {
    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/webhook_endpoints/{id}/deliveries"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn endpoints_are_created_listed_changed_and_deleted_with_clear_refusals() {
    let app = App::new().await;
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/webhook_endpoints",
            Some(json!({ "url": "https://hooks.example.com/portico" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("we_"), "{id}");
    assert_eq!(r.body["events"], json!(["*"]));
    assert_eq!(r.body["enabled"], true);
    let secret = r.body["secret"].as_str().unwrap();
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    assert!((24..=64).contains(&key.len()), "{}", key.len());

    // The secret is shown once: never by GET or list.
    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/webhook_endpoints/{id}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body.get("secret").is_none(), "{}", r.text);
    assert!(!r.text.contains(secret));
    let r = app
        .vendor(Method::GET, "/api/v1/webhook_endpoints", None)
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    assert!(!r.text.contains(secret));

    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/webhook_endpoints/{id}"),
            Some(json!({
                "events": ["domain.verified", "connection.activated", "domain.verified"],
                "enabled": false,
                "description": "billing app"
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["events"],
        json!(["domain.verified", "connection.activated"])
    );
    assert_eq!(r.body["enabled"], false);
    assert_eq!(r.body["description"], "billing app");

    // Refusals name the field.
    for (body, field) in [
        (json!({ "url": "http://hooks.example.com/x" }), "url"),
        (json!({ "url": "ftp://hooks.example.com/x" }), "url"),
        (
            json!({ "url": "https://user:pw@hooks.example.com/x" }),
            "url",
        ),
        (
            json!({ "url": format!("https://example.com/{}", "a".repeat(2100)) }),
            "url",
        ),
        (
            json!({ "url": "https://example.com", "events": ["connection.exploded"] }),
            "events",
        ),
        (
            json!({ "url": "https://example.com", "events": [] }),
            "events",
        ),
        (
            json!({ "url": "https://example.com", "description": "a\nb" }),
            "description",
        ),
    ] {
        let r = app
            .vendor(
                Method::POST,
                "/api/v1/webhook_endpoints",
                Some(body.clone()),
            )
            .await;
        let e = assert_error(&r, 422, "validation_failed");
        assert!(
            e["fields"].get(field).is_some() || r.text.contains(field),
            "{body}: {}",
            r.text
        );
    }
    // Plain http is fine to this machine.
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/webhook_endpoints",
            Some(json!({ "url": "http://127.0.0.1:9/hook", "events": ["*"] })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let r = app
        .vendor(Method::GET, "/api/v1/webhook_endpoints/we_nope", None)
        .await;
    assert_error(&r, 404, "webhook_endpoint_not_found");
    let r = app
        .vendor(
            Method::DELETE,
            &format!("/api/v1/webhook_endpoints/{id}"),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = app
        .vendor(
            Method::DELETE,
            &format!("/api/v1/webhook_endpoints/{id}"),
            None,
        )
        .await;
    assert_error(&r, 404, "webhook_endpoint_not_found");
}

#[tokio::test]
async fn a_delivery_is_the_event_signed_per_standard_webhooks() {
    let app = App::new().await;
    let rx = Receiver::start(0).await;
    let (id, secret) = endpoint(&app, &rx.url, json!(["*"])).await;
    let (_, only_deletions) = endpoint(&app, &rx.url, json!(["organization.deleted"])).await;
    let _ = only_deletions;
    app.advance(10);
    let org = app.org("Acme").await;
    app.advance(7);
    assert_eq!(run_once(&app.state).await.unwrap(), 1);

    let got = rx.got();
    assert_eq!(got.len(), 1, "{got:?}");
    let g = &got[0];
    let log = crate::events::logged(&app).await;
    assert_eq!(log.len(), 1);
    // The message id is the event's id; the timestamp is when it was sent, not created.
    assert_eq!(g.id, log[0].id);
    assert_eq!(g.timestamp, (T0 + 17).to_string());
    assert_eq!(signatures(g), [expected_signature(&secret, g)]);
    // The body is the event as the events API shows it.
    let body: Value = serde_json::from_str(&g.body).unwrap();
    let view = portico::server::events::view(&log[0]).unwrap();
    assert_eq!(body, serde_json::to_value(&view).unwrap());
    assert_eq!(body["type"], "organization.created");
    assert_eq!(body["organization_id"], org.as_str());
    assert_eq!(body["data"]["name"], "Acme");

    let list = deliveries(&app, &id).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "delivered");
    assert_eq!(list[0]["attempts"], 1);
    assert_eq!(list[0]["event_id"], g.id.as_str());
    assert_eq!(list[0]["attempt_log"][0]["status_code"], 200);
    // Nothing more to do: the filtered endpoint wanted no creation.
    assert_eq!(run_once(&app.state).await.unwrap(), 0);

    // A test message is sent at once, signed the same way, and not logged as an event.
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/webhook_endpoints/{id}/test"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["delivered"], true, "{}", r.text);
    let got = rx.got();
    let t = got.last().unwrap();
    assert!(t.id.starts_with("msg_"), "{}", t.id);
    assert_eq!(signatures(t), [expected_signature(&secret, t)]);
    assert!(t.body.contains("\"webhook.test\""), "{}", t.body);
    assert_eq!(crate::events::logged(&app).await.len(), 1);
}

#[tokio::test]
async fn failures_retry_on_the_schedule_then_the_delivery_is_dead() {
    let app = App::new().await;
    let rx = Receiver::start(usize::MAX).await;
    let (id, _) = endpoint(&app, &rx.url, json!(["organization.created"])).await;
    app.org("Acme").await;
    let schedule = [5, 300, 1800, 7200, 18_000, 36_000, 50_400];
    let mut at = Vec::new();
    for (i, wait) in schedule.iter().enumerate() {
        assert_eq!(run_once(&app.state).await.unwrap(), 1, "attempt {}", i + 1);
        at.push(app.state.clock.now());
        let d = &deliveries(&app, &id).await[0];
        assert_eq!(d["status"], "failed", "{d}");
        assert_eq!(d["attempts"], i + 1);
        assert_eq!(d["last_status_code"], 500);
        let next = unix(&d["next_attempt_at"]);
        let waited = next - app.state.clock.now();
        // The schedule's wait, plus up to a tenth of jitter.
        assert!(
            (*wait..=wait + wait / 10).contains(&waited),
            "attempt {}: waits {waited}, schedule says {wait}",
            i + 1
        );
        // Not due yet: nothing is sent.
        app.advance(waited - 1);
        assert_eq!(run_once(&app.state).await.unwrap(), 0);
        app.advance(1);
    }
    // The eighth attempt is the last.
    assert_eq!(run_once(&app.state).await.unwrap(), 1);
    let d = &deliveries(&app, &id).await[0];
    assert_eq!(d["status"], "dead", "{d}");
    assert_eq!(d["attempts"], 8);
    assert!(d["next_attempt_at"].is_null());
    assert_eq!(d["attempt_log"].as_array().unwrap().len(), 8);
    assert_eq!(rx.got().len(), 8);
    app.advance(30 * 86_400);
    assert_eq!(run_once(&app.state).await.unwrap(), 0);

    // Retried by hand, it goes again (with a fresh schedule) and, the receiver fixed, arrives.
    rx.fail_left.store(0, Ordering::SeqCst);
    let did = d["id"].as_str().unwrap();
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/webhook_endpoints/{id}/deliveries/{did}/retry"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "pending");
    assert_eq!(run_once(&app.state).await.unwrap(), 1);
    let d = &deliveries(&app, &id).await[0];
    assert_eq!(d["status"], "delivered", "{d}");
    assert_eq!(d["attempts"], 9);
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/webhook_endpoints/{id}/deliveries/whd_nope/retry"),
            None,
        )
        .await;
    assert_error(&r, 404, "webhook_delivery_not_found");
}

#[tokio::test]
async fn an_endpoint_failing_for_days_is_disabled_with_an_event() {
    let app = App::with(|s| s.webhook_disable_after_seconds = 2 * 86_400).await;
    let down = Receiver::start(usize::MAX).await;
    let up = Receiver::start(0).await;
    let (id, _) = endpoint(&app, &down.url, json!(["*"])).await;
    let (watcher, _) = endpoint(&app, &up.url, json!(["webhook_endpoint.disabled"])).await;
    for name in ["A", "B", "C"] {
        app.org(name).await;
    }
    // Follow the retries until Portico gives up on the endpoint.
    let mut passes = 0;
    loop {
        run_once(&app.state).await.unwrap();
        let ep = app
            .vendor(
                Method::GET,
                &format!("/api/v1/webhook_endpoints/{id}"),
                None,
            )
            .await;
        if ep.body["enabled"] == false {
            assert!(
                ep.body["disabled_reason"]
                    .as_str()
                    .unwrap()
                    .contains("HTTP 500"),
                "{}",
                ep.text
            );
            let since = unix(&ep.body["failing_since"]);
            assert!(app.state.clock.now() - since >= 2 * 86_400);
            break;
        }
        passes += 1;
        assert!(passes < 100, "never disabled");
        // The head waiting for its retry, if any (a newer one that never went is not due).
        let next = deliveries(&app, &id)
            .await
            .iter()
            .filter(|d| d["status"] == "failed")
            .filter_map(|d| opt_unix(&d["next_attempt_at"]))
            .min();
        let now = app.state.clock.now();
        app.advance(next.map_or(1, |n| (n - now).max(1)));
    }
    // One delivery died (1.5 days), the next was still retrying when the endpoint went.
    let states: Vec<String> = deliveries(&app, &id)
        .await
        .iter()
        .map(|d| d["status"].as_str().unwrap().to_owned())
        .collect();
    assert!(states.contains(&"dead".to_owned()), "{states:?}");
    assert!(states.contains(&"pending".to_owned()), "{states:?}");

    // The event is in the log, and the watching endpoint hears it.
    let log = crate::events::logged(&app).await;
    let disabled: Vec<_> = log
        .iter()
        .filter(|e| e.event_type == "webhook_endpoint.disabled")
        .collect();
    assert_eq!(disabled.len(), 1);
    let data: Value = serde_json::from_str(&disabled[0].data).unwrap();
    assert_eq!(data["id"], id.as_str());
    assert_eq!(data["enabled"], false);
    assert_eq!(run_once(&app.state).await.unwrap(), 1);
    assert_eq!(up.delivered_ids(), [disabled[0].id.clone()]);
    let _ = watcher;

    // Disabled: nothing more is tried, nothing new is queued.
    let tried = down.got().len();
    app.org("D").await;
    app.advance(86_400);
    assert_eq!(run_once(&app.state).await.unwrap(), 0);
    assert_eq!(down.got().len(), tried);
    // Enabled again: the queue resumes, in order, and the streak starts over.
    down.fail_left.store(0, Ordering::SeqCst);
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/webhook_endpoints/{id}"),
            Some(json!({ "enabled": true })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["disabled_reason"].is_null());
    assert!(r.body["failing_since"].is_null());
    while run_once(&app.state).await.unwrap() > 0 {}
    let names: Vec<String> = down
        .got()
        .iter()
        .filter(|g| g.answered == 200)
        .map(|g| {
            let v: Value = serde_json::from_str(&g.body).unwrap();
            v["data"]["name"].as_str().unwrap_or("").to_owned()
        })
        .collect();
    assert_eq!(names, ["B", "C"], "A died; D came while disabled");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let app = App::new().await;
    let rx = Receiver::start(0).await;
    let (id, old) = endpoint(&app, &rx.url, json!(["*"])).await;
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/webhook_endpoints/{id}/rotate_secret"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let new = r.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(unix(&r.body["previous_secret_expires_at"]), T0 + 86_400);

    app.org("A").await;
    app.advance(86_399);
    run_once(&app.state).await.unwrap();
    let g = rx.got()[0].clone();
    assert_eq!(
        signatures(&g),
        [expected_signature(&new, &g), expected_signature(&old, &g)]
    );

    app.advance(1);
    app.org("B").await;
    run_once(&app.state).await.unwrap();
    let g = rx.got()[1].clone();
    assert_eq!(signatures(&g), [expected_signature(&new, &g)]);
    assert_ne!(signatures(&g)[0], expected_signature(&old, &g));
}

#[tokio::test]
async fn an_endpoints_deliveries_go_in_order_even_across_retries() {
    let app = App::new().await;
    let rx = Receiver::start(2).await;
    let other = Receiver::start(0).await;
    endpoint(&app, &rx.url, json!(["*"])).await;
    endpoint(&app, &other.url, json!(["*"])).await;
    let mut orgs = Vec::new();
    for name in ["A", "B", "C"] {
        orgs.push(app.org(name).await);
    }
    let ids: Vec<String> = crate::events::logged(&app)
        .await
        .into_iter()
        .map(|e| e.id)
        .collect();
    // First pass: each endpoint's oldest delivery; the failing one's stays at the head.
    assert_eq!(run_once(&app.state).await.unwrap(), 2);
    // The healthy endpoint is not held up by the failing one.
    while run_once(&app.state).await.unwrap() > 0 {}
    assert_eq!(other.delivered_ids(), ids);
    // The failing endpoint's second and third events wait behind the first.
    assert_eq!(
        rx.got().iter().map(|g| g.id.clone()).collect::<Vec<_>>(),
        [ids[0].clone()]
    );
    app.advance(6);
    assert_eq!(run_once(&app.state).await.unwrap(), 1);
    assert_eq!(rx.got().len(), 2);
    assert_eq!(rx.got()[1].id, ids[0]);
    app.advance(400);
    while run_once(&app.state).await.unwrap() > 0 {}
    assert_eq!(rx.delivered_ids(), ids);
}

#[tokio::test]
async fn a_refused_change_queues_no_delivery() {
    let app = App::new().await;
    let rx = Receiver::start(0).await;
    let (id, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    let body = json!({ "name": "Acme", "external_id": "acme" });
    let r = app
        .vendor(Method::POST, "/api/v1/organizations", Some(body.clone()))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // The duplicate is refused inside the write's transaction: no event, so no delivery.
    let r = app
        .vendor(Method::POST, "/api/v1/organizations", Some(body))
        .await;
    assert_error(&r, 409, "duplicate_external_id");
    assert_eq!(crate::events::logged(&app).await.len(), 1);
    assert_eq!(deliveries(&app, &id).await.len(), 1);
    // A disabled endpoint queues nothing new.
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/webhook_endpoints/{id}"),
            Some(json!({ "enabled": false })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.org("Globex").await;
    assert_eq!(deliveries(&app, &id).await.len(), 1);
}

#[tokio::test]
async fn finished_deliveries_go_with_the_retention_and_open_ones_stay() {
    let app = App::new().await;
    let rx = Receiver::start(0).await;
    let (id, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    app.org("A").await;
    run_once(&app.state).await.unwrap();
    app.advance(86_400);
    rx.fail_left.store(usize::MAX, Ordering::SeqCst);
    app.org("B").await;
    run_once(&app.state).await.unwrap();
    app.advance(30 * 86_400 - 100);
    app.org("C").await;
    app.advance(200);
    portico::server::jobs::purge_events(&app.state)
        .await
        .unwrap();
    // A (delivered, past retention) went; B (still failing) and C (recent) stay.
    let left: Vec<String> = deliveries(&app, &id)
        .await
        .iter()
        .map(|d| d["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, ["pending", "failed"]);
}

#[tokio::test]
async fn an_environment_has_at_most_twenty_endpoints() {
    let app = App::new().await;
    let max = portico::server::webhooks::ENDPOINTS_MAX;
    for i in 0..max {
        endpoint(
            &app,
            &format!("https://hooks{i}.vendor.test/in"),
            json!(["*"]),
        )
        .await;
    }
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/webhook_endpoints",
            Some(json!({ "url": "https://one-more.vendor.test/in" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["url"].as_str().unwrap().contains("at most 20"),
        "{e}"
    );
    let list = app
        .vendor(Method::GET, "/api/v1/webhook_endpoints", None)
        .await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        max,
        "{}",
        list.text
    );
}

#[tokio::test]
async fn deliveries_reach_a_private_receiver_only_through_the_webhook_allow_list() {
    // Loopback admitted for metadata downloads (what portal admins type), not for webhooks:
    // the receiver on 127.0.0.1 gets nothing, and the attempt says why.
    let app = App::with(|s| s.webhook_allowlist = vec![]).await;
    let rx = Receiver::start(0).await;
    let (id, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    app.org("A").await;
    run_once(&app.state).await.unwrap();
    assert!(rx.got().is_empty(), "{:?}", rx.got());
    let d = &deliveries(&app, &id).await[0];
    assert_eq!(d["attempts"], 1, "{d}");
    // Said without what the guard learned on the way (the vendor reading it holds an API key,
    // not a view of the operator's network): no address, no "loopback".
    let said = d["last_error"].as_str().unwrap();
    assert!(said.starts_with("The receiver could not be reached"), "{d}");
    assert!(
        !said.contains("127.0.0.1") && !said.contains("loopback"),
        "{d}"
    );

    // The other way round: admitted for webhooks only, the receiver gets its event.
    let app = App::with(|s| {
        s.fetch_allowlist = vec![];
        s.webhook_allowlist = vec!["127.0.0.1".into()];
    })
    .await;
    let (_, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    app.org("B").await;
    run_once(&app.state).await.unwrap();
    assert_eq!(rx.got().len(), 1, "{:?}", rx.got());
}

#[tokio::test]
async fn overlapping_endpoint_changes_keep_each_others_columns() {
    use portico::server::store::EndpointChange;
    let app = App::new().await;
    let (id, _) = endpoint(&app, "https://hooks.vendor.test/in", json!(["*"])).await;
    let store = &app.state.store;
    let stale = store.webhook_endpoint(&id).await.unwrap().unwrap();
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/webhook_endpoints/{id}/rotate_secret"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rotated = store.webhook_endpoint(&id).await.unwrap().unwrap();
    assert_ne!(rotated.secret_enc, stale.secret_enc);

    // A settings write that read the endpoint before the rotation (a PATCH at the same moment,
    // or the CLI in another process) keeps the new secret.
    let mut edit = stale.clone();
    edit.description = "changed".into();
    let settings = EndpointChange::Settings { reenabled: false };
    assert!(store
        .update_webhook_endpoint(&edit, settings, &[])
        .await
        .unwrap());
    let now = store.webhook_endpoint(&id).await.unwrap().unwrap();
    assert_eq!(now.secret_enc, rotated.secret_enc);
    assert_eq!(now.previous_secret_enc, rotated.previous_secret_enc);
    assert_eq!(now.description, "changed");

    // The worker's disable, decided on a failing streak the vendor has since cleared (or never
    // had), changes nothing and logs nothing.
    let mut disable = now.clone();
    disable.enabled = false;
    disable.disabled_reason = Some("kept failing".into());
    let change = EndpointChange::DisabledForFailing;
    assert!(!store
        .update_webhook_endpoint(&disable, change, &[])
        .await
        .unwrap());
    let after = store.webhook_endpoint(&id).await.unwrap().unwrap();
    assert!(
        after.enabled && after.disabled_reason.is_none(),
        "{after:?}"
    );
}

#[tokio::test]
async fn test_messages_are_limited_per_endpoint_with_retry_after() {
    let app = App::new().await;
    let rx = Receiver::start(0).await;
    let (id, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    let (other, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    let test = |id: String| {
        let app = &app;
        async move {
            app.vendor(
                Method::POST,
                &format!("/api/v1/webhook_endpoints/{id}/test"),
                None,
            )
            .await
        }
    };
    for _ in 0..portico::server::webhooks::TESTS_PER_MINUTE {
        let r = test(id.clone()).await;
        assert_eq!(
            (r.status.as_u16(), &r.body["delivered"]),
            (200, &json!(true)),
            "{}",
            r.text
        );
    }
    let r = test(id.clone()).await;
    assert_error(&r, 429, "rate_limited");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(r.body["error"]["details"]["retry_after_seconds"], wait);
    assert_eq!(
        rx.got().len(),
        portico::server::webhooks::TESTS_PER_MINUTE as usize,
        "the refused test sent nothing"
    );
    // Another endpoint has its own allowance; a minute later this one has its own again.
    assert_eq!(test(other).await.status, 200);
    app.advance(61);
    assert_eq!(test(id).await.status, 200);
}

#[tokio::test]
async fn a_2xx_answer_delivers_however_long_its_body() {
    // The answer's body is never read: 3 MiB (over every download cap) after a 200 is still a
    // delivery, not a failure retried for a day.
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(|| async { (StatusCode::OK, vec![b'x'; 3 * 1024 * 1024]) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let app = App::new().await;
    let (id, _) = endpoint(&app, &url, json!(["*"])).await;
    app.org("A").await;
    assert_eq!(run_once(&app.state).await.unwrap(), 1);
    let d = &deliveries(&app, &id).await[0];
    assert_eq!(
        (d["status"].as_str(), d["last_status_code"].as_i64()),
        (Some("delivered"), Some(200)),
        "{d}"
    );
}

#[tokio::test]
async fn a_delivery_that_cannot_be_prepared_is_recorded_and_retried() {
    // The server key changed under a stored secret (an operator's mistake): the delivery is
    // not sent, and says so in its attempts, on the retry schedule, instead of coming back
    // unrecorded with every lease.
    let app = App::new().await;
    let rx = Receiver::start(0).await;
    let (id, _) = endpoint(&app, &rx.url, json!(["*"])).await;
    app.org("A").await;
    let mut wrong_key = app.state.clone();
    wrong_key.secrets = Arc::new(portico::server::crypto::SecretBox::new(&[9u8; 32]));
    assert_eq!(run_once(&wrong_key).await.unwrap(), 1);
    assert!(rx.got().is_empty(), "{:?}", rx.got());
    let d = &deliveries(&app, &id).await[0];
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_i64()),
        (Some("failed"), Some(1)),
        "{d}"
    );
    assert!(
        d["last_error"]
            .as_str()
            .unwrap()
            .starts_with("Portico could not prepare this delivery (internal_error"),
        "{d}"
    );
    assert!(d["next_attempt_at"].is_string(), "{d}");
    // Not due again before its wait (5 s on the schedule, with jitter): nothing is claimed.
    assert_eq!(run_once(&wrong_key).await.unwrap(), 0);
    // With the right key, the retry goes out.
    app.advance(10);
    assert_eq!(run_once(&app.state).await.unwrap(), 1);
    assert_eq!(rx.delivered_ids().len(), 1);
}
