//! Background work, once a minute: re-reading metadata URLs, checking domains that are due,
//! purging ended sessions and events past their retention.

use crate::server::store::StoreError;
use crate::server::{refresh, AppState};

/// How long an expired link is kept, so reopening it still says "expired" rather than "unknown".
pub const EXPIRED_LINK_MEMORY_SECONDS: i64 = 30 * 86_400;

/// How long an attempt nobody answered is kept: long past any IdP's answer, short enough that
/// abandoned sign-ins do not pile up.
pub const ABANDONED_ATTEMPT_SECONDS: i64 = 86_400;

/// Deletes ended sessions, links long expired, sign-in history past its retention
/// (`PORTICO_HISTORY_DAYS`) and events past theirs (`PORTICO_EVENT_RETENTION_DAYS`); returns
/// how many rows went.
pub async fn purge(state: &AppState) -> Result<u64, StoreError> {
    let now = state.clock.now();
    let expired = state
        .store
        .purge_expired(
            now,
            now - state.settings.session_idle_seconds,
            now - EXPIRED_LINK_MEMORY_SECONDS,
        )
        .await?;
    let history = state
        .store
        .purge_history(
            now - state.settings.history_seconds,
            now - ABANDONED_ATTEMPT_SECONDS,
        )
        .await?;
    let events = state
        .store
        .purge_events(now - state.settings.event_retention_seconds)
        .await?;
    Ok(expired + history + events)
}

/// Runs every job once a minute until the process stops.
pub async fn run(state: AppState) {
    loop {
        if let Err(e) = refresh::refresh_due(&state).await {
            tracing::error!(error = %e, "metadata refresh pass failed");
        }
        match crate::server::domains::sweep(&state).await {
            Ok(s) if s.checked > 0 => {
                tracing::info!(checked = s.checked, verified = s.verified, "domain checks")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "domain check pass failed"),
        }
        match crate::server::hostnames::sweep(&state).await {
            Ok(n) if n > 0 => tracing::info!(checked = n, "custom hostname checks"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "custom hostname check pass failed"),
        }
        if let Err(e) = purge(&state).await {
            tracing::error!(error = %e, "purging expired sessions failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}
