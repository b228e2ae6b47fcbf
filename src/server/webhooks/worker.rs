//! The delivery worker: a background task that sends due deliveries, at most
//! [`CONCURRENCY`] at once and one per endpoint at a time (so an endpoint's deliveries stay in
//! order), and never blocks the API or the portal.
//!
//! A pass claims due deliveries in one `UPDATE` (their next attempt moves a lease ahead, so a
//! delivery is never sent twice at once, and one a crashed process was sending is picked up
//! again when the lease ends), POSTs them, and records each attempt. A 2xx answer delivers; any
//! other answer, a timeout or a refused address is a failure, retried on
//! [`WEBHOOK_RETRY`] (with jitter, scaled by `PORTICO_WEBHOOK_RETRY_SCALE`); after its last
//! wait the delivery is `dead`. An endpoint whose every attempt failed for
//! `PORTICO_WEBHOOK_DISABLE_AFTER_DAYS` is disabled, with `webhook_endpoint.disabled`.
//!
//! The time is the state's clock, so tests move it and run one pass with [`run_once`].

use crate::api::event::EventType;
use crate::core::backoff::WEBHOOK_RETRY;
use crate::server::error::Error;
use crate::server::store::{
    EndpointChange, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow,
};
use crate::server::{events, AppState};
use std::time::{Duration, Instant};

/// Deliveries in flight at once, across endpoints.
pub const CONCURRENCY: i64 = 8;

/// How long a claimed delivery is held before another pass may take it again: longer than a
/// send can take (the fetcher's 10 s timeout).
pub const LEASE_SECONDS: i64 = 60;

/// What one POST got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The receiver's status code, if it answered.
    pub status_code: Option<i64>,
    /// How long it took.
    pub latency_ms: i64,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

impl Sent {
    /// A 2xx answer.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// Seconds to wait after the `failures`-th failure in a row, or `None` once the schedule is
/// used up (the delivery is dead). `random` is the jitter's share in `[0, 1)`; `scale`
/// multiplies the wait (never below a second).
pub fn next_wait(failures: i64, random: f64, scale: f64) -> Option<i64> {
    if WEBHOOK_RETRY
        .gives_up_after()
        .is_some_and(|last| failures > last)
    {
        return None;
    }
    let wait = WEBHOOK_RETRY.delay_jittered(failures, random) as f64 * scale;
    Some((wait.round() as i64).max(1))
}

/// POSTs `body` to the endpoint, signed with its live secrets at the time of sending, through
/// the guarded fetcher (allow-list, no redirects, timeout). Never fails for the receiver's
/// sake: its refusals are in [`Sent`].
pub async fn post(
    state: &AppState,
    ep: &WebhookEndpointRow,
    msg_id: &str,
    body: &[u8],
) -> Result<Sent, Error> {
    let now = state.clock.now();
    let secrets = super::live_secrets(state, ep, now)?;
    let req = http::Request::post(&ep.url)
        .header("content-type", "application/json")
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", now.to_string())
        .header(
            "webhook-signature",
            super::sign::header(&secrets, msg_id, now, body),
        )
        .body(body.to_vec());
    let req = match req {
        Ok(r) => r,
        Err(e) => {
            return Ok(Sent {
                status_code: None,
                latency_ms: 0,
                error: Some(format!("The URL cannot be requested: {e}")),
            })
        }
    };
    let started = Instant::now();
    let answer = state.webhook_fetcher.deliver(req).await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    Ok(match answer {
        Ok(code) => {
            let code = i64::from(code);
            Sent {
                status_code: Some(code),
                latency_ms,
                error: (!(200..300).contains(&code))
                    .then(|| format!("The receiver answered HTTP {code}.")),
            }
        }
        Err(e) => Sent {
            status_code: None,
            latency_ms,
            error: Some(e.to_string()),
        },
    })
}

/// One attempt's outcome, to record: the delivery's new state, the attempt, and whether it
/// was delivered.
struct Outcome {
    delivery: WebhookDeliveryRow,
    attempt: WebhookAttemptRow,
    delivered: bool,
}

/// One delivery: its event as `GET /api/v1/events` shows it, sent; the outcome is recorded by
/// the pass (one writer, so concurrent sends never contend for SQLite's write lock). `None`
/// if the endpoint is gone.
///
/// A delivery that could not even be prepared (its secret does not open, the event does not
/// read) is recorded as a failed attempt and retried on the schedule like any other, so it
/// shows in its attempts and can end `dead`, instead of coming back silently with every lease.
async fn deliver(state: &AppState, mut d: WebhookDeliveryRow) -> Result<Option<Outcome>, Error> {
    let Some(ep) = state.store.webhook_endpoint(&d.endpoint_id).await? else {
        return Ok(None);
    };
    let mut purged = false;
    let sent = match body_of(state, &d).await {
        Ok(Some(body)) => post(state, &ep, &d.event_id, &body).await,
        // Purged past its retention before it could go: nothing left to send.
        Ok(None) => {
            purged = true;
            Ok(Sent {
                status_code: None,
                latency_ms: 0,
                error: Some("The event is no longer in the log (past its retention).".into()),
            })
        }
        Err(e) => Err(e),
    };
    let sent = sent.unwrap_or_else(|e| Sent {
        status_code: None,
        latency_ms: 0,
        error: Some(format!(
            "Portico could not prepare this delivery ({}; the server's log has the cause). It is \
             retried like a failed one.",
            e.code.as_str()
        )),
    });
    let now = state.clock.now();
    let ok = sent.succeeded();
    d.attempts += 1;
    d.last_status_code = sent.status_code;
    d.last_error = sent.error.clone();
    if ok {
        d.status = "delivered".into();
        d.failures = 0;
        d.next_attempt_at = None;
        d.delivered_at = Some(now);
    } else {
        d.failures += 1;
        let wait = if purged {
            None
        } else {
            next_wait(
                d.failures,
                rand::random::<f64>(),
                state.settings.webhook_retry_scale,
            )
        };
        match wait {
            Some(w) => {
                d.status = "failed".into();
                d.next_attempt_at = Some(now + w);
            }
            None => {
                d.status = "dead".into();
                d.next_attempt_at = None;
            }
        }
    }
    let attempt = WebhookAttemptRow {
        delivery_id: d.id.clone(),
        at: now,
        status_code: sent.status_code,
        latency_ms: sent.latency_ms,
        error: sent.error,
    };
    Ok(Some(Outcome {
        delivery: d,
        attempt,
        delivered: ok,
    }))
}

/// The body to send: the delivery's event as the log shows it, or `None` once it is purged.
async fn body_of(state: &AppState, d: &WebhookDeliveryRow) -> Result<Option<Vec<u8>>, Error> {
    let Some(row) = state.store.event_by_seq(d.event_seq).await? else {
        return Ok(None);
    };
    let event = events::view(&row)?;
    serde_json::to_vec(&event)
        .map(Some)
        .map_err(Error::internal)
}

/// Stores an attempt, and disables its endpoint if it has failed for too long.
async fn record(state: &AppState, o: &Outcome) -> Result<(), Error> {
    state
        .store
        .record_webhook_attempt(&o.delivery, &o.attempt, o.delivered)
        .await?;
    if !o.delivered {
        disable_if_failing(
            state,
            &o.delivery.endpoint_id,
            o.attempt.at,
            o.attempt.error.as_deref(),
        )
        .await?;
    }
    Ok(())
}

/// Disables an endpoint whose every attempt has failed for the configured time, logging
/// `webhook_endpoint.disabled` in the same transaction.
async fn disable_if_failing(
    state: &AppState,
    endpoint_id: &str,
    now: i64,
    last_error: Option<&str>,
) -> Result<(), Error> {
    let Some(mut ep) = state.store.webhook_endpoint(endpoint_id).await? else {
        return Ok(());
    };
    let Some(since) = ep.failing_since else {
        return Ok(());
    };
    if !ep.enabled || now - since < state.settings.webhook_disable_after_seconds {
        return Ok(());
    }
    ep.enabled = false;
    ep.updated_at = now;
    ep.disabled_reason = Some(format!(
        "Every delivery failed since {} ({} days); the last error: {} Fix the receiver, then \
         enable the endpoint again: queued deliveries are sent then.",
        crate::server::time::rfc3339(since),
        (now - since) / 86_400,
        last_error.unwrap_or("none recorded."),
    ));
    let event = events::new(
        &ep.environment_id,
        EventType::WebhookEndpointDisabled,
        None,
        &super::view(&ep),
        now,
    )?;
    let changed = state
        .store
        .update_webhook_endpoint(&ep, EndpointChange::DisabledForFailing, &[event])
        .await?;
    if !changed {
        // Re-enabled or deleted meanwhile: the vendor's action stands.
        return Ok(());
    }
    tracing::warn!(endpoint = %ep.id, url = %ep.url, "webhook endpoint disabled after failing");
    Ok(())
}

/// What became of one send: recorded here, one at a time, so the sends can run at once while
/// the database sees one writer.
async fn settle(
    state: &AppState,
    done: Result<Result<Option<Outcome>, Error>, tokio::task::JoinError>,
) {
    match done {
        Ok(Ok(Some(outcome))) => {
            if let Err(e) = record(state, &outcome).await {
                tracing::error!(code = %e.code.as_str(), "webhook attempt not recorded");
            }
        }
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::error!(code = %e.code.as_str(), "webhook delivery failed"),
        Err(e) => tracing::error!(error = %e, "webhook delivery task ended abnormally"),
    }
}

/// One pass: claims up to [`CONCURRENCY`] due deliveries (one per endpoint), sends them at
/// once, records each. Returns how many were attempted. (Tests and benchmarks step the worker
/// with it; the running server uses [`run`], which does not wait for a whole batch.)
pub async fn run_once(state: &AppState) -> Result<usize, Error> {
    let now = state.clock.now();
    let claimed = state
        .store
        .claim_webhook_deliveries(now, now + LEASE_SECONDS, CONCURRENCY)
        .await?;
    let n = claimed.len();
    let mut tasks = tokio::task::JoinSet::new();
    for d in claimed {
        let state = state.clone();
        tasks.spawn(async move { deliver(&state, d).await });
    }
    while let Some(done) = tasks.join_next().await {
        settle(state, done).await;
    }
    Ok(n)
}

/// Sends until the process stops, at most [`CONCURRENCY`] at once. A freed slot is filled
/// at once with the next due delivery, so one slow receiver holds one slot and never a whole
/// batch; which endpoint's head goes next is drawn fairly (see the store's claim), so a tenant
/// with a backlog cannot keep the others waiting.
pub async fn run(state: AppState) {
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let free = CONCURRENCY - i64::try_from(tasks.len()).unwrap_or(CONCURRENCY);
        if free > 0 {
            let now = state.clock.now();
            match state
                .store
                .claim_webhook_deliveries(now, now + LEASE_SECONDS, free)
                .await
            {
                Ok(claimed) => {
                    for d in claimed {
                        let state = state.clone();
                        tasks.spawn(async move { deliver(&state, d).await });
                    }
                }
                Err(e) => tracing::error!(error = %e, "webhook delivery claim failed"),
            }
        }
        if tasks.is_empty() {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // A send finished (its slot is free), or a second passed (new work may be due).
        if let Ok(Some(done)) =
            tokio::time::timeout(Duration::from_secs(1), tasks.join_next()).await
        {
            settle(&state, done).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_webhook_retry_then_dead() {
        let waits: Vec<Option<i64>> = (1..=8).map(|n| next_wait(n, 0.0, 1.0)).collect();
        assert_eq!(
            waits,
            [
                Some(5),
                Some(300),
                Some(1800),
                Some(7200),
                Some(18_000),
                Some(36_000),
                Some(50_400),
                None
            ]
        );
        // Jitter adds up to a tenth; the scale shrinks waits but never below a second.
        assert_eq!(next_wait(2, 0.5, 1.0), Some(315));
        assert_eq!(next_wait(1, 0.0, 0.001), Some(1));
        assert_eq!(next_wait(7, 0.0, 0.001), Some(50));
    }
}
