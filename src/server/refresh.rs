//! Re-reads SAML metadata published at a URL on a schedule (driven by `jobs`), so a rotated certificate is
//! picked up without the admin, and records every certificate change with its time. A URL
//! that fails is retried with backoff; the last good configuration stays in use meanwhile.

use crate::core::metadata;
use crate::server::connections::stored::StoredSaml;
use crate::server::store::{CertEventRow, RefreshRow, StoreError};
use crate::server::AppState;
use rand::Rng;

mod job;
pub use job::{expiry_warnings, refresh_due};

/// The Accept header for metadata downloads.
pub const METADATA_ACCEPT: &str = "application/samlmetadata+xml, application/xml, text/xml";
/// First retry delay after a failure; doubles up to the normal interval.
pub(crate) const BACKOFF_SECONDS: i64 = 15 * 60;
/// How many connections one pass looks at.
pub(crate) const BATCH: i64 = 50;

/// When to look next: the interval plus up to a tenth of it, so many connections configured at
/// once do not all hit their IdPs in the same minute.
pub fn next_check(state: &AppState, now: i64) -> i64 {
    let interval = state.settings.metadata_refresh_seconds;
    now + interval + rand::thread_rng().gen_range(0..=interval / 10)
}

/// Schedules (or, without a URL, unschedules) the re-reading of a connection's metadata.
pub async fn schedule(
    state: &AppState,
    connection_id: &str,
    saml: &StoredSaml,
    now: i64,
) -> Result<(), StoreError> {
    match &saml.metadata_url {
        Some(url) => {
            let row = RefreshRow {
                connection_id: connection_id.to_owned(),
                metadata_url: url.clone(),
                next_at: next_check(state, now),
                failures: 0,
                last_checked_at: Some(now),
                last_error: None,
            };
            state.store.upsert_refresh(&row).await
        }
        None => state.store.delete_refresh(connection_id).await,
    }
}

/// The certificate changes between two configurations, as history rows.
pub fn certificate_changes(
    connection_id: &str,
    old: &[metadata::CertificateInfo],
    new: &[metadata::CertificateInfo],
    at: i64,
) -> Vec<CertEventRow> {
    let row = |kind: &str, c: &metadata::CertificateInfo| CertEventRow {
        connection_id: connection_id.to_owned(),
        at,
        kind: kind.to_owned(),
        sha256_fingerprint: c.sha256_fingerprint.clone(),
        subject: c.subject.clone(),
        not_after: c.not_after,
    };
    let has = |list: &[metadata::CertificateInfo], c: &metadata::CertificateInfo| {
        list.iter()
            .any(|x| x.sha256_fingerprint == c.sha256_fingerprint)
    };
    let added = new.iter().filter(|c| !has(old, c)).map(|c| row("added", c));
    let removed = old
        .iter()
        .filter(|c| !has(new, c))
        .map(|c| row("removed", c));
    added.chain(removed).collect()
}
