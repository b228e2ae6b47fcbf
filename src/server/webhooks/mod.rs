//! Webhook endpoints (issue 16 §2): where each event of the log is POSTed, signed per the
//! Standard Webhooks specification ([`sign`]), by the background [`worker`].
//!
//! - Fan-out is in the event's own statement (a trigger on the event log, migration 0013,
//!   queues a delivery for every enabled endpoint that wants the type), so an event never
//!   commits without its deliveries, whichever write appended it, and a crash loses none.
//! - Per endpoint, deliveries go in order of creation: only the endpoint's oldest open
//!   delivery is ever sent, so a newer one waits while an older one is in backoff (a receiver
//!   that is down receives everything, in order, once it is back).
//! - The message id (`webhook-id`) is the event's id: the same on every attempt, so receivers
//!   drop duplicates of at-least-once delivery by it.
//! - URLs: `https`, or `http` to loopback or a host of the operator's allow-list
//!   (`PORTICO_WEBHOOK_ALLOWLIST`); sending goes through the same guard as metadata downloads
//!   ([`Fetcher`]: no private address unless allow-listed, no redirects, 10 s timeout), with
//!   its own allow-list, so a receiver on a private address opens nothing to the metadata URLs
//!   portal admins type, and an allow-listed metadata host receives no POSTs from API keys.
//!
//! [`Fetcher`]: crate::server::fetch::Fetcher

pub mod sign;
pub mod worker;

use crate::api::event::EventType;
use crate::api::time::Timestamp;
use crate::api::webhook::{
    CreateWebhookEndpoint, CreatedWebhookEndpoint, DeliveryStatus, EventSelector,
    RotatedWebhookSecret, UpdateWebhookEndpoint, WebhookAttempt, WebhookDelivery,
    WebhookDeliveryList, WebhookEndpoint, WebhookTestResult, WEBHOOK_DESCRIPTION_MAX_LEN,
    WEBHOOK_EVENTS_MAX, WEBHOOK_URL_MAX_LEN,
};
use crate::api::ErrorCode;
use crate::server::error::Error;
use crate::server::store::{EndpointChange, WebhookDeliveryRow, WebhookEndpointRow};
use crate::server::{crypto, AppState};

/// How long the secret before a rotation is still signed with.
pub const ROTATION_OVERLAP_SECONDS: i64 = 24 * 3600;

/// Most endpoints one environment may have.
pub const ENDPOINTS_MAX: usize = 20;

/// Most deliveries on one page of `GET …/deliveries`.
pub const DELIVERIES_MAX_LIMIT: i64 = 100;

/// The wire form of an endpoint (never its secrets).
pub fn view(row: &WebhookEndpointRow) -> WebhookEndpoint {
    WebhookEndpoint {
        id: row.id.clone(),
        url: row.url.clone(),
        events: serde_json::from_str(&row.events).unwrap_or_default(),
        enabled: row.enabled,
        description: row.description.clone(),
        disabled_reason: row.disabled_reason.clone(),
        failing_since: row.failing_since.map(Timestamp::from_unix),
        previous_secret_expires_at: row.previous_secret_expires_at.map(Timestamp::from_unix),
        created_at: Timestamp::from_unix(row.created_at),
        updated_at: Timestamp::from_unix(row.updated_at),
    }
}

/// Checks an endpoint URL: absolute, bounded, `https`, or `http` only to loopback or an
/// allow-listed host. Whether the host's addresses are allowed is checked at each send (DNS
/// can change), by the guarded fetcher.
pub fn check_url(state: &AppState, raw: &str) -> Result<String, Error> {
    let v = raw.trim();
    if v.len() > WEBHOOK_URL_MAX_LEN {
        return Err(Error::invalid(
            "url",
            format!("Use a URL of at most {WEBHOOK_URL_MAX_LEN} characters."),
        ));
    }
    let checked = crate::core::validate::web_url(v, false).map_err(|m| Error::invalid("url", m))?;
    let url =
        url::Url::parse(&checked).map_err(|_| Error::invalid("url", "This is not a valid URL."))?;
    let host = url
        .host_str()
        .ok_or_else(|| Error::invalid("url", "The URL has no host name."))?
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    if url.fragment().is_some() {
        return Err(Error::invalid(
            "url",
            "Remove the `#…` part: it is never sent.",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(
            "url",
            "Remove the user name and password from the URL; verify deliveries by their signature.",
        ));
    }
    if url.scheme() == "http" {
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let listed = state
            .settings
            .webhook_allowlist
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&host));
        if !loopback && !listed {
            return Err(Error::invalid(
                "url",
                "Use an https:// URL (plain http:// is allowed only to this machine or a host in \
                 PORTICO_WEBHOOK_ALLOWLIST).",
            ));
        }
    }
    Ok(url.to_string())
}

/// Checks an `events` list: 1 to 64 entries, each `*` or an event type; duplicates dropped,
/// and `*` alone stands for everything.
pub fn check_events(list: &[EventSelector]) -> Result<Vec<String>, Error> {
    if list.is_empty() || list.len() > WEBHOOK_EVENTS_MAX {
        return Err(Error::invalid(
            "events",
            format!("List 1 to {WEBHOOK_EVENTS_MAX} event types, or [\"*\"] for every type."),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for EventSelector(name) in list {
        let name = name.trim();
        if name == "*" {
            return Ok(vec!["*".to_owned()]);
        }
        let t = name
            .parse::<EventType>()
            .map_err(|e| Error::invalid("events", e.to_string()))?;
        if !out.iter().any(|o| o == t.as_str()) {
            out.push(t.as_str().to_owned());
        }
    }
    Ok(out)
}

/// Checks a description: at most 500 characters, no control characters.
pub fn check_description(d: &str) -> Result<String, Error> {
    if d.chars().count() > WEBHOOK_DESCRIPTION_MAX_LEN {
        return Err(Error::invalid(
            "description",
            format!("Keep it to {WEBHOOK_DESCRIPTION_MAX_LEN} characters."),
        ));
    }
    if d.chars().any(char::is_control) {
        return Err(Error::invalid(
            "description",
            "Use one line of text, without control characters.",
        ));
    }
    Ok(d.trim().to_owned())
}

fn events_json(list: &[String]) -> Result<String, Error> {
    serde_json::to_string(list).map_err(Error::internal)
}

/// Creates an endpoint; the answer holds its secret, which is never shown again.
pub async fn create(
    state: &AppState,
    environment_id: &str,
    req: &CreateWebhookEndpoint,
) -> Result<CreatedWebhookEndpoint, Error> {
    let url = check_url(state, &req.url)?;
    let events = match &req.events {
        Some(list) => check_events(list)?,
        None => vec!["*".to_owned()],
    };
    let description = check_description(req.description.as_deref().unwrap_or(""))?;
    // Every event is copied to each matching endpoint inside the writer's transaction, and the
    // worker looks at every endpoint: a few per environment is all a vendor needs.
    let existing = state
        .store
        .list_webhook_endpoints(environment_id)
        .await?
        .len();
    if existing >= ENDPOINTS_MAX {
        return Err(Error::invalid(
            "url",
            format!("An environment has at most {ENDPOINTS_MAX} webhook endpoints; remove one you no longer use first."),
        ));
    }
    let secret = sign::new_secret();
    let now = state.clock.now();
    let row = WebhookEndpointRow {
        id: crypto::id("we_"),
        environment_id: environment_id.to_owned(),
        url,
        events: events_json(&events)?,
        enabled: req.enabled.unwrap_or(true),
        description,
        secret_enc: state.secrets.seal(secret.as_bytes()),
        previous_secret_enc: None,
        previous_secret_expires_at: None,
        disabled_reason: None,
        failing_since: None,
        created_at: now,
        updated_at: now,
    };
    state.store.insert_webhook_endpoint(&row).await?;
    Ok(CreatedWebhookEndpoint {
        endpoint: view(&row),
        secret,
    })
}

/// An endpoint of the environment; others' ids are not found.
pub async fn endpoint(
    state: &AppState,
    environment_id: &str,
    id: &str,
) -> Result<WebhookEndpointRow, Error> {
    if id.len() > 64 {
        return Err(Error::new(ErrorCode::WebhookEndpointNotFound));
    }
    state
        .store
        .webhook_endpoint(id)
        .await?
        .filter(|e| e.environment_id == environment_id)
        .ok_or_else(|| Error::new(ErrorCode::WebhookEndpointNotFound))
}

/// The environment's endpoints, oldest first.
pub async fn list(state: &AppState, environment_id: &str) -> Result<Vec<WebhookEndpoint>, Error> {
    Ok(state
        .store
        .list_webhook_endpoints(environment_id)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// Changes the fields given. Enabling an endpoint clears why it was disabled and its failure
/// streak, so it gets a fresh `PORTICO_WEBHOOK_DISABLE_AFTER_DAYS`.
pub async fn update(
    state: &AppState,
    environment_id: &str,
    id: &str,
    req: &UpdateWebhookEndpoint,
) -> Result<WebhookEndpoint, Error> {
    let mut row = endpoint(state, environment_id, id).await?;
    if let Some(url) = &req.url {
        row.url = check_url(state, url)?;
    }
    if let Some(list) = &req.events {
        row.events = events_json(&check_events(list)?)?;
    }
    if let Some(d) = &req.description {
        row.description = check_description(d)?;
    }
    let mut reenabled = false;
    if let Some(enabled) = req.enabled {
        if enabled && !row.enabled {
            row.disabled_reason = None;
            row.failing_since = None;
            reenabled = true;
        }
        row.enabled = enabled;
    }
    row.updated_at = state.clock.now();
    let change = EndpointChange::Settings { reenabled };
    if !state
        .store
        .update_webhook_endpoint(&row, change, &[])
        .await?
    {
        return Err(Error::new(ErrorCode::WebhookEndpointNotFound));
    }
    Ok(view(&row))
}

/// Deletes an endpoint and its deliveries.
pub async fn delete(state: &AppState, environment_id: &str, id: &str) -> Result<(), Error> {
    let row = endpoint(state, environment_id, id).await?;
    if !state.store.delete_webhook_endpoint(&row.id).await? {
        return Err(Error::new(ErrorCode::WebhookEndpointNotFound));
    }
    Ok(())
}

/// Gives an endpoint a new secret; the current one stays valid (deliveries carry a signature
/// by each) for [`ROTATION_OVERLAP_SECONDS`].
pub async fn rotate_secret(
    state: &AppState,
    environment_id: &str,
    id: &str,
) -> Result<RotatedWebhookSecret, Error> {
    let mut row = endpoint(state, environment_id, id).await?;
    let now = state.clock.now();
    let secret = sign::new_secret();
    row.previous_secret_enc = Some(std::mem::replace(
        &mut row.secret_enc,
        state.secrets.seal(secret.as_bytes()),
    ));
    row.previous_secret_expires_at = Some(now + ROTATION_OVERLAP_SECONDS);
    row.updated_at = now;
    if !state
        .store
        .update_webhook_endpoint(&row, EndpointChange::Secret, &[])
        .await?
    {
        return Err(Error::new(ErrorCode::WebhookEndpointNotFound));
    }
    Ok(RotatedWebhookSecret {
        secret,
        previous_secret_expires_at: Timestamp::from_unix(now + ROTATION_OVERLAP_SECONDS),
    })
}

/// The secrets a message sent at `now` is signed with: the current one, and the one before a
/// rotation while it has not expired.
pub fn live_secrets(
    state: &AppState,
    row: &WebhookEndpointRow,
    now: i64,
) -> Result<Vec<String>, Error> {
    let open = |sealed: &[u8]| -> Result<String, Error> {
        let bytes = state.secrets.open(sealed).map_err(|_| {
            Error::internal("a webhook secret does not decrypt with the server key")
        })?;
        String::from_utf8(bytes).map_err(Error::internal)
    };
    let mut out = vec![open(&row.secret_enc)?];
    if let (Some(prev), Some(until)) = (&row.previous_secret_enc, row.previous_secret_expires_at) {
        if now < until {
            out.push(open(prev)?);
        }
    }
    Ok(out)
}

fn status_of(s: &str) -> DeliveryStatus {
    match s {
        "delivered" => DeliveryStatus::Delivered,
        "failed" => DeliveryStatus::Failed,
        "dead" => DeliveryStatus::Dead,
        _ => DeliveryStatus::Pending,
    }
}

/// The wire form of a delivery with its attempts.
pub async fn delivery_view(
    state: &AppState,
    d: &WebhookDeliveryRow,
) -> Result<WebhookDelivery, Error> {
    let attempts = state.store.webhook_attempts(&d.id).await?;
    let status = status_of(&d.status);
    Ok(WebhookDelivery {
        id: d.id.clone(),
        event_id: d.event_id.clone(),
        event_type: d.event_type.clone(),
        status,
        attempts: d.attempts,
        next_attempt_at: match status {
            DeliveryStatus::Pending | DeliveryStatus::Failed => {
                d.next_attempt_at.map(Timestamp::from_unix)
            }
            _ => None,
        },
        last_status_code: d.last_status_code,
        last_error: d.last_error.clone(),
        created_at: Timestamp::from_unix(d.created_at),
        delivered_at: d.delivered_at.map(Timestamp::from_unix),
        attempt_log: attempts
            .into_iter()
            .map(|a| WebhookAttempt {
                at: Timestamp::from_unix(a.at),
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                error: a.error,
            })
            .collect(),
    })
}

/// A delivery of the endpoint; others are not found.
async fn delivery_of(
    state: &AppState,
    endpoint_id: &str,
    id: &str,
) -> Result<WebhookDeliveryRow, Error> {
    if id.len() > 64 {
        return Err(Error::new(ErrorCode::WebhookDeliveryNotFound));
    }
    state
        .store
        .webhook_delivery(id)
        .await?
        .filter(|d| d.endpoint_id == endpoint_id)
        .ok_or_else(|| Error::new(ErrorCode::WebhookDeliveryNotFound))
}

/// A page of an endpoint's deliveries, newest first; `before` is a delivery id of an earlier
/// page.
pub async fn deliveries(
    state: &AppState,
    environment_id: &str,
    id: &str,
    before: Option<&str>,
    limit: Option<i64>,
) -> Result<WebhookDeliveryList, Error> {
    let ep = endpoint(state, environment_id, id).await?;
    let limit = limit.unwrap_or(50);
    if !(1..=DELIVERIES_MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("Use a limit from 1 to {DELIVERIES_MAX_LIMIT}."),
        ));
    }
    let before_seq = match before.filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(
            delivery_of(state, &ep.id, b)
                .await
                .map_err(|_| {
                    Error::invalid(
                        "before",
                        "No delivery with that id exists for this endpoint.",
                    )
                })?
                .seq,
        ),
    };
    let mut rows = state
        .store
        .list_webhook_deliveries(&ep.id, before_seq, limit + 1)
        .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let mut data = Vec::with_capacity(rows.len());
    for r in &rows {
        data.push(delivery_view(state, r).await?);
    }
    Ok(WebhookDeliveryList { data, has_more })
}

/// Queues a delivery again now, with a fresh retry schedule (delivered ones too: a receiver
/// that lost what it got can ask for it again). It keeps its place in the endpoint's order, so
/// it goes before any newer delivery still open.
pub async fn retry(
    state: &AppState,
    environment_id: &str,
    id: &str,
    delivery_id: &str,
) -> Result<WebhookDelivery, Error> {
    let ep = endpoint(state, environment_id, id).await?;
    let d = delivery_of(state, &ep.id, delivery_id).await?;
    let now = state.clock.now();
    if !state.store.retry_webhook_delivery(&d.id, now).await? {
        return Err(Error::new(ErrorCode::WebhookDeliveryNotFound));
    }
    let d = delivery_of(state, &ep.id, delivery_id).await?;
    delivery_view(state, &d).await
}

/// Test messages per endpoint and minute: enough to fix a receiver by trial, too few to turn
/// Portico into a request generator aimed at someone else's server.
pub const TESTS_PER_MINUTE: u32 = 10;

/// Counts test messages per endpoint (a bounded table: endpoints are capped per environment,
/// but ids come from requests).
pub struct TestLimit(std::sync::Mutex<crate::core::rate::FixedWindow>);

impl Default for TestLimit {
    fn default() -> Self {
        TestLimit(std::sync::Mutex::new(crate::core::rate::FixedWindow::new(
            TESTS_PER_MINUTE,
            60,
            10_000,
        )))
    }
}

/// Sends a test message now and says what the receiver answered. The body has the shape of
/// an event with `"type": "webhook.test"` (not an event type of the log: nothing happened),
/// signed like every delivery; it is not stored and not retried.
pub async fn test(
    state: &AppState,
    environment_id: &str,
    id: &str,
) -> Result<WebhookTestResult, Error> {
    let ep = endpoint(state, environment_id, id).await?;
    let now = state.clock.now();
    let admitted = state
        .webhook_tests
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .hit(&ep.id, now);
    if let Err(wait) = admitted {
        return Err(Error::rate_limited(
            wait,
            format!(
                "This endpoint was sent {TESTS_PER_MINUTE} test messages in the last minute; try \
                 again in {wait} seconds."
            ),
        ));
    }
    let environment = state
        .store
        .list_environments()
        .await?
        .into_iter()
        .find(|e| e.id == environment_id)
        .map(|e| e.name)
        .unwrap_or_default();
    let msg_id = crypto::id("msg_");
    let body = serde_json::json!({
        "id": msg_id,
        "type": "webhook.test",
        "created_at": crate::server::time::rfc3339(now),
        "environment": environment,
        "organization_id": null,
        "data": { "webhook_endpoint_id": ep.id },
    });
    let body = serde_json::to_vec(&body).map_err(Error::internal)?;
    let sent = worker::post(state, &ep, &msg_id, &body).await?;
    Ok(WebhookTestResult {
        delivered: sent.succeeded(),
        webhook_id: msg_id,
        status_code: sent.status_code,
        latency_ms: sent.latency_ms,
        error: sent.error,
    })
}
