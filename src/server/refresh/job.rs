//! The metadata job (driven by `jobs`): re-reading metadata URLs that are due, and warning
//! before signing certificates expire. Apart from the scheduling in the parent module because
//! it logs events whose `data` is the connection view, and that view's module uses the
//! scheduling: this way neither imports the other around a loop.

use super::{certificate_changes, failure_backoff, next_check, BATCH, METADATA_ACCEPT};
use crate::api::connection::{CertificateChange, CertificateChangeKind};
use crate::api::event::EventType;
use crate::api::time::Timestamp;
use crate::core::metadata;
use crate::server::connections::{self, from_metadata, StoredSaml};
use crate::server::error::Error;
use crate::server::store::{CertEventRow, NewEvent, RefreshRow, StoreError};
use crate::server::{events, AppState};

/// Days before a signing certificate's notAfter at which `connection.certificate_expiring` is
/// logged, once each.
pub const EXPIRY_WARNING_DAYS: [i64; 4] = [90, 30, 7, 1];

/// `connection.certificate_rotated` when a refresh brought a signing certificate the connection
/// did not have: `data` is `{connection, added, removed}` (the connection as the vendor API
/// returns it, and the certificate changes).
async fn rotation_event(
    state: &AppState,
    conn: &crate::server::store::ConnectionRow,
    changes: &[CertEventRow],
    now: i64,
) -> Result<Vec<NewEvent>, Error> {
    if !changes.iter().any(|c| c.kind == "added") {
        return Ok(Vec::new());
    }
    let list = |kind: &str| -> Vec<CertificateChange> {
        changes
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| CertificateChange {
                at: Timestamp::from_unix(c.at),
                kind: if kind == "removed" {
                    CertificateChangeKind::Removed
                } else {
                    CertificateChangeKind::Added
                },
                sha256_fingerprint: c.sha256_fingerprint.clone(),
                subject: c.subject.clone(),
                not_after: Timestamp::from_unix(c.not_after),
            })
            .collect()
    };
    let data = serde_json::json!({
        "connection": connections::event_view(state, conn).await?,
        "added": list("added"),
        "removed": list("removed"),
    });
    let env = events::environment_of(state.store.as_ref(), &conn.organization_id).await?;
    Ok(vec![events::new(
        &env,
        EventType::ConnectionCertificateRotated,
        Some(&conn.organization_id),
        &data,
        now,
    )?])
}

/// Logs `connection.certificate_expiring` for every signing certificate of every SAML
/// connection that is within one of [`EXPIRY_WARNING_DAYS`] of its notAfter, once per
/// certificate and threshold (the store remembers which fired). Only the nearest threshold
/// reached fires, so a certificate first seen 5 days before expiry warns once (at 7), not
/// three times. Returns how many warnings were logged.
pub async fn expiry_warnings(state: &AppState) -> Result<usize, Error> {
    let now = state.clock.now();
    let mut sent = 0;
    for env in state.store.list_environments().await? {
        for org in state.store.list_organizations(&env.id, None).await? {
            for conn in state.store.list_connections(&org.id).await? {
                let Some(saml) = conn
                    .config
                    .as_deref()
                    .and_then(|c| serde_json::from_str::<StoredSaml>(c).ok())
                else {
                    continue;
                };
                for cert in &saml.certificates {
                    let left = cert.not_after - now;
                    if left <= 0 {
                        continue;
                    }
                    // Whole days left, rounded up: 6.5 days left is "7 days".
                    let days_left = (left + 86_399) / 86_400;
                    let Some(threshold) = EXPIRY_WARNING_DAYS
                        .iter()
                        .copied()
                        .filter(|d| days_left <= *d)
                        .min()
                    else {
                        continue;
                    };
                    let data = serde_json::json!({
                        "connection": connections::event_view(state, &conn).await?,
                        "certificate": {
                            "sha256_fingerprint": cert.sha256_fingerprint,
                            "subject": cert.subject,
                            "not_after": crate::api::time::Timestamp::from_unix(cert.not_after),
                        },
                        "days_until_expiry": days_left,
                        "threshold_days": threshold,
                    });
                    let event = events::new(
                        &env.id,
                        EventType::ConnectionCertificateExpiring,
                        Some(&org.id),
                        &data,
                        now,
                    )?;
                    if state
                        .store
                        .record_expiry_notice(
                            &conn.id,
                            &cert.sha256_fingerprint,
                            threshold,
                            now,
                            &[event],
                        )
                        .await?
                    {
                        sent += 1;
                    }
                }
            }
        }
    }
    Ok(sent)
}

/// Re-reads one connection's metadata; `Err` holds the admin-readable reason.
async fn check(state: &AppState, due: &RefreshRow, now: i64) -> Result<(), String> {
    let Some(mut conn) = state
        .store
        .connection(&due.connection_id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    let Some(old) = conn
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str::<StoredSaml>(c).ok())
    else {
        return Ok(());
    };
    let body = state
        .fetcher
        .get(&due.metadata_url, METADATA_ACCEPT)
        .await
        .map_err(|e| e.0)?;
    // Ask for the same IdP: a URL that now describes another one is a failure, not an update.
    let meta = metadata::inspect_idp_metadata_bytes(&body, now, Some(&old.idp_entity_id))
        .map_err(|p| p.message)?;
    let new = from_metadata(meta, Some(due.metadata_url.clone()));
    let events = certificate_changes(&conn.id, &old.certificates, &new.certificates, now);
    if !events.is_empty() || new.sso_url != old.sso_url {
        conn.config = Some(serde_json::to_string(&new).map_err(|e| e.to_string())?);
        conn.updated_at = now;
        let logged = rotation_event(state, &conn, &events, now)
            .await
            .map_err(|e| format!("{:?}", e.code))?;
        state
            .store
            .update_connection(&conn, &logged)
            .await
            .map_err(|e| e.to_string())?;
        state
            .store
            .insert_cert_events(&events)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(connection = %conn.id, changes = events.len(), "metadata refreshed with changes");
    }
    Ok(())
}

/// Checks every connection that is due; returns how many were checked.
pub async fn refresh_due(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let due = state.store.due_refreshes(now, BATCH).await?;
    for row in &due {
        let mut next = row.clone();
        next.last_checked_at = Some(now);
        match check(state, row, now).await {
            Ok(()) => {
                next.failures = 0;
                next.last_error = None;
                next.next_at = next_check(state, now);
            }
            Err(reason) => {
                tracing::warn!(connection = %row.connection_id, %reason, "metadata refresh failed");
                next.failures += 1;
                next.last_error = Some(reason);
                next.next_at = now
                    + failure_backoff(state.settings.metadata_refresh_seconds).delay(next.failures);
            }
        }
        state.store.upsert_refresh(&next).await?;
    }
    Ok(due.len())
}
