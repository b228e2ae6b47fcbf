//! Re-reads SAML metadata published at a URL on a schedule (driven by `jobs`), so a rotated certificate is
//! picked up without the admin, and records every certificate change with its time. A URL
//! that fails is retried with backoff; the last good configuration stays in use meanwhile.

use crate::core::backoff::Backoff;
use crate::core::metadata;
use crate::server::connections::stored::StoredSaml;
use crate::server::store::{CertEventRow, RefreshRow, StoreError};
use crate::server::AppState;
use rand::Rng;

mod job;
pub use job::{expiry_warnings, refresh_due};

/// The Accept header for metadata downloads.
pub const METADATA_ACCEPT: &str = "application/samlmetadata+xml, application/xml, text/xml";
/// The wait after a URL's first failure in a row; it doubles with each further one, up to the
/// normal interval (see [`failure_backoff`]).
const FIRST_RETRY_SECONDS: i64 = 30 * 60;
/// How many connections one pass looks at.
pub(crate) const BATCH: i64 = 50;

/// When to look next: the interval plus up to a tenth of it, so many connections configured at
/// once do not all hit their IdPs in the same minute.
pub fn next_check(state: &AppState, now: i64) -> i64 {
    let interval = state.settings.metadata_refresh_seconds;
    now + interval + rand::thread_rng().gen_range(0..=interval / 10)
}

/// When a failing URL is tried again: 30 min after the first failure, then 1 h, 2 h, … never
/// later than the normal interval, so an IdP that is down for a while is not asked every few
/// minutes, and one that is back is noticed well before the next regular check.
/// `interval` is the normal one (`metadata_refresh_seconds`).
pub fn failure_backoff(interval: i64) -> Backoff {
    Backoff::doubling(FIRST_RETRY_SECONDS, interval)
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
#[cfg(test)]
mod tests {
    use super::*;

    /// The schedule as it was before it moved to `core::backoff`: 15 min × 2^failures, capped.
    fn before(failures: i64, interval: i64) -> i64 {
        (15 * 60_i64)
            .saturating_mul(1 << failures.clamp(0, 20))
            .min(interval)
    }

    #[test]
    fn failures_back_off_as_before_up_to_the_interval() {
        for interval in [3600, 86_400, 7 * 86_400] {
            for failures in 1..=40 {
                assert_eq!(
                    failure_backoff(interval).delay(failures),
                    before(failures, interval),
                    "failure {failures}, interval {interval}"
                );
            }
        }
        let day: Vec<i64> = (1..=7).map(|n| failure_backoff(86_400).delay(n)).collect();
        assert_eq!(day, [1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400]);
    }
}
