//! Domain verification: adding a domain, checking its TXT record, the schedule of automatic
//! checks, and which domains count as an organization's.
//!
//! The DNS work is in [`dns`](crate::server::dns); this module decides what a lookup means for
//! the domain's state, and when to look again.

use crate::api::domains::{CheckResult, Domain, DomainState, LookupOutcome};
use crate::api::time::Timestamp;
use crate::api::ErrorCode;
use crate::core::backoff::Backoff;
use crate::server::error::Error;
use crate::server::store::{DomainRow, OrganizationRow, StoreError};
use crate::server::{crypto, dns, AppState};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long one DNS query may take.
pub const DNS_TIMEOUT: Duration = Duration::from_secs(3);
/// Checks of pending domains after the [`PENDING_BACKOFF`] steps are this far apart.
pub const PENDING_INTERVAL_SECONDS: i64 = 3600;
/// Pending domains (and hostnames) are checked after 1, 5 and 15 minutes, then hourly: most
/// records appear within minutes, and the admin can always press "Check now".
pub const PENDING_BACKOFF: Backoff =
    Backoff::steps(&[60, 5 * 60, 15 * 60], Some(PENDING_INTERVAL_SECONDS));
/// Verified domains are looked at again this often, to notice a record that disappeared.
pub const VERIFIED_INTERVAL_SECONDS: i64 = 86_400;
/// A claimed check that never finished (the process died) is taken up again after this.
pub const LEASE_SECONDS: i64 = 300;
/// Domains claimed per pass, and checked at once.
const BATCH: i64 = 200;
const CONCURRENCY: usize = 16;

/// Per-environment settings of domain verification (`GET/PATCH /api/v1/environment`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainSettings {
    /// The label before the domain in the record name (default `_portico-challenge`).
    #[serde(default)]
    #[schemars(regex(pattern = crate::api::contract::DNS_LABEL))]
    pub domain_record_prefix: Option<String>,
    /// What comes before `=` in the record value (default `portico-verification`).
    #[serde(default)]
    #[schemars(regex(pattern = crate::api::contract::DNS_LABEL))]
    pub domain_value_prefix: Option<String>,
    /// Days a domain may stay pending before it is `failed` (default 30).
    #[serde(default)]
    #[schemars(range(min = 1, max = 365))]
    pub domain_verification_days: Option<i64>,
}

impl DomainSettings {
    fn record_prefix(&self) -> &str {
        self.domain_record_prefix
            .as_deref()
            .unwrap_or("_portico-challenge")
    }
    fn value_prefix(&self) -> &str {
        self.domain_value_prefix
            .as_deref()
            .unwrap_or("portico-verification")
    }
    fn window(&self) -> i64 {
        self.domain_verification_days.unwrap_or(30) * 86_400
    }

    /// Checks a vendor's settings; one message per field.
    pub fn check(&self) -> std::collections::BTreeMap<String, String> {
        let mut problems = std::collections::BTreeMap::new();
        let label = |s: &str| {
            !s.is_empty()
                && s.len() <= 63
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !s.starts_with('-')
        };
        if let Some(p) = &self.domain_record_prefix {
            if !label(p) {
                problems.insert(
                    "domain_record_prefix".into(),
                    "Use one DNS label: letters, digits, \
                    `-` and `_`, up to 63 characters (e.g. `_vendor-challenge`)."
                        .into(),
                );
            }
        }
        if let Some(p) = &self.domain_value_prefix {
            if !label(p) {
                problems.insert(
                    "domain_value_prefix".into(),
                    "Use letters, digits, `-` and `_`, up \
                    to 63 characters (e.g. `vendor-verification`)."
                        .into(),
                );
            }
        }
        if let Some(d) = self.domain_verification_days {
            if !(1..=365).contains(&d) {
                problems.insert(
                    "domain_verification_days".into(),
                    "Use a number of days from 1 to 365.".into(),
                );
            }
        }
        problems
    }
}

/// The environment's domain settings.
pub async fn settings(state: &AppState, environment_id: &str) -> Result<DomainSettings, Error> {
    Ok(
        serde_json::from_str(&state.store.environment_settings(environment_id).await?)
            .unwrap_or_default(),
    )
}

/// Turns what an admin typed into the stored ASCII form and the Unicode form people read.
///
/// Accepts a registrable domain or a subdomain of one; refuses public suffixes (`co.uk`), IP
/// addresses, `localhost`, URLs and email addresses with a message that says what to enter.
pub fn normalize(input: &str) -> Result<(String, String), String> {
    let raw = input.trim().trim_end_matches('.');
    if raw.is_empty() {
        return Err("Enter a domain, like acme.com.".into());
    }
    if raw.contains("://") || raw.contains('/') {
        return Err("Enter only the domain, like acme.com, without https:// or a path.".into());
    }
    if let Some((_, d)) = raw.rsplit_once('@') {
        return Err(format!(
            "Enter only the domain part of the email address: {d}."
        ));
    }
    if raw.parse::<std::net::IpAddr>().is_ok()
        || raw
            .trim_matches(['[', ']'])
            .parse::<std::net::Ipv6Addr>()
            .is_ok()
    {
        return Err("Enter a domain name, not an IP address.".into());
    }
    let ascii =
        idna::domain_to_ascii(raw).map_err(|_| format!("\"{raw}\" is not a valid domain name."))?;
    if ascii == "localhost" || ascii.ends_with(".localhost") {
        return Err(
            "localhost cannot be verified; enter your organization's domain, like acme.com.".into(),
        );
    }
    let ascii = crate::core::validate::domain(&ascii)?;
    // No registrable part means the name is itself a public suffix (co.uk, github.io).
    if psl::domain(ascii.as_bytes()).is_none() {
        return Err(format!(
            "{raw} is a public suffix shared by many organizations; enter your own \
            domain under it, like acme.{raw}."
        ));
    }
    let (unicode, _) = idna::domain_to_unicode(&ascii);
    Ok((ascii, unicode))
}

fn random_token() -> String {
    // 128 bits as lowercase hex: unambiguous to read out and to type.
    crypto::hash_token(&crypto::token(""))[..32].to_owned()
}

/// Adds a domain for an organization, with its record to publish.
pub async fn add(state: &AppState, org: &OrganizationRow, input: &str) -> Result<DomainRow, Error> {
    let (ascii, _) = normalize(input).map_err(|m| Error::invalid("domain", m))?;
    let now = state.clock.now();
    if state
        .store
        .list_domains(&org.id)
        .await?
        .iter()
        .any(|d| d.domain == ascii)
    {
        return Err(Error::new(ErrorCode::DomainDuplicate)
            .field("domain", format!("{ascii} is already in your list.")));
    }
    if state
        .store
        .domain_verified_by(&org.environment_id, &ascii)
        .await?
        .is_some_and(|o| o != org.id)
    {
        return Err(Error::new(ErrorCode::DomainTaken).field(
            "domain",
            format!(
                "{ascii} is already \
            verified by another organization. Contact your vendor if it is yours."
            ),
        ));
    }
    let s = settings(state, &org.environment_id).await?;
    let row = DomainRow {
        id: crypto::id("dom_"),
        organization_id: org.id.clone(),
        environment_id: org.environment_id.clone(),
        record_name: format!("{}.{ascii}", s.record_prefix()),
        record_value: format!("{}={}", s.value_prefix(), random_token()),
        domain: ascii,
        state: DomainState::Pending.as_str().into(),
        created_at: now,
        fails_at: Some(now + s.window()),
        last_checked_at: None,
        last_result: None,
        // Nobody publishes a record within seconds of reading it: look in a minute.
        next_check_at: Some(now + PENDING_BACKOFF.delay(1)),
        attempts: 0,
        verified_at: None,
        verification_method: None,
        verified_by: None,
        record_last_seen_at: None,
        warning: None,
    };
    state.store.insert_domain(&row).await.map_err(|e| match e {
        StoreError::Conflict(_) => Error::new(ErrorCode::DomainDuplicate)
            .field("domain", "This domain is already in your list."),
        e => Error::from(e),
    })?;
    Ok(row)
}

/// The wire view of a domain.
pub fn view(row: &DomainRow) -> Domain {
    let (display, _) = idna::domain_to_unicode(&row.domain);
    Domain {
        id: row.id.clone(),
        domain: row.domain.clone(),
        display_name: display,
        state: DomainState::parse(&row.state).unwrap_or(DomainState::Pending),
        record_type: "TXT".into(),
        record_name: row.record_name.clone(),
        record_value: row.record_value.clone(),
        created_at: Timestamp::from_unix(row.created_at),
        last_checked_at: row.last_checked_at.map(Timestamp::from_unix),
        last_result: row
            .last_result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        next_check_at: row.next_check_at.map(Timestamp::from_unix),
        verified_at: row.verified_at.map(Timestamp::from_unix),
        verification_method: row.verification_method.clone(),
        verified_by: row.verified_by.clone(),
        record_last_seen_at: row.record_last_seen_at.map(Timestamp::from_unix),
        warning: row.warning.clone(),
        fails_at: row.fails_at.map(Timestamp::from_unix),
    }
}

/// When a pending domain is looked at next, after `attempts` checks.
pub fn next_pending_check(attempts: i64, now: i64) -> i64 {
    now + PENDING_BACKOFF.delay(attempts)
}

/// Applies one check's result: the state machine of a domain. `manual` is true for "Check
/// now", which also gives a failed domain a new window.
pub fn apply(row: &mut DomainRow, result: CheckResult, window: i64, manual: bool, now: i64) {
    let found = result.outcome == LookupOutcome::Found;
    let definitive = result.outcome != LookupOutcome::LookupError;
    row.last_checked_at = Some(now);
    row.attempts += 1;
    match DomainState::parse(&row.state).unwrap_or(DomainState::Pending) {
        DomainState::Verified => {
            if found {
                row.record_last_seen_at = Some(now);
                row.warning = None;
                row.next_check_at = Some(now + VERIFIED_INTERVAL_SECONDS);
            } else if definitive {
                // A record removed after verification: say so, but keep the domain verified.
                let last = row
                    .record_last_seen_at
                    .map(crate::core::cert::format_datetime)
                    .unwrap_or_else(|| "never by DNS".into());
                row.warning = Some(format!(
                    "Our TXT record is no longer at {} (last seen {last}). The domain stays \
                        verified; publish the record again to keep proof on file.",
                    row.record_name
                ));
                row.next_check_at = Some(now + VERIFIED_INTERVAL_SECONDS);
            } else {
                row.next_check_at = Some(now + PENDING_INTERVAL_SECONDS);
            }
        }
        DomainState::Pending | DomainState::Failed if found => {
            row.state = DomainState::Verified.as_str().into();
            row.verified_at = Some(now);
            row.verification_method = Some("dns".into());
            row.verified_by = None;
            row.record_last_seen_at = Some(now);
            row.warning = None;
            row.fails_at = None;
            row.attempts = 0;
            row.next_check_at = Some(now + VERIFIED_INTERVAL_SECONDS);
        }
        DomainState::Failed if manual => {
            row.state = DomainState::Pending.as_str().into();
            row.fails_at = Some(now + window);
            row.attempts = 1;
            row.next_check_at = Some(next_pending_check(1, now));
        }
        DomainState::Failed => row.next_check_at = None,
        DomainState::Pending => {
            if row.fails_at.is_some_and(|f| f <= now) {
                row.state = DomainState::Failed.as_str().into();
                row.next_check_at = None;
            } else {
                row.next_check_at = Some(next_pending_check(row.attempts, now));
            }
        }
    }
    row.last_result = serde_json::to_string(&result).ok();
}

/// Looks the record up now and stores what that means.
pub async fn check(state: &AppState, mut row: DomainRow, manual: bool) -> Result<DomainRow, Error> {
    let lookup = state.dns.txt(&row.record_name, &row.domain).await;
    let now = state.clock.now();
    let result = dns::evaluate(&lookup, &row.record_value, now);
    let window = settings(state, &row.environment_id).await?.window();
    apply(&mut row, result, window, manual, now);
    store(state, &mut row).await?;
    Ok(row)
}

/// Stores a domain; if another organization verified it first, this one stays pending with a
/// warning that does not say who.
async fn store(state: &AppState, row: &mut DomainRow) -> Result<(), Error> {
    match state.store.update_domain(row).await {
        Err(StoreError::Conflict(_)) => {
            row.state = DomainState::Pending.as_str().into();
            row.verified_at = None;
            row.verification_method = None;
            row.warning = Some(
                "Another organization has already verified this domain. Contact your \
                vendor if it is yours."
                    .into(),
            );
            row.next_check_at = Some(row.last_checked_at.unwrap_or(0) + PENDING_INTERVAL_SECONDS);
            state.store.update_domain(row).await?;
            Ok(())
        }
        other => Ok(other?),
    }
}

/// The vendor vouches for a domain (`POST /api/v1/domains/{id}/verify`).
pub async fn verify_manually(
    state: &AppState,
    mut row: DomainRow,
    by: Option<String>,
) -> Result<DomainRow, Error> {
    let now = state.clock.now();
    row.state = DomainState::Verified.as_str().into();
    row.verified_at = Some(now);
    row.verification_method = Some("manual".into());
    row.verified_by = Some(
        by.map(|b| b.trim().to_owned())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "vendor API".into()),
    );
    row.fails_at = None;
    row.warning = None;
    row.attempts = 0;
    // No record is expected, so there is nothing to re-check.
    row.next_check_at = None;
    state.store.update_domain(&row).await.map_err(|e| match e {
        StoreError::Conflict(_) => Error::new(ErrorCode::DomainTaken),
        e => Error::from(e),
    })?;
    Ok(row)
}

/// The organization's verified domains (ASCII).
pub async fn verified(state: &AppState, organization_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(state
        .store
        .list_domains(organization_id)
        .await?
        .into_iter()
        .filter(|d| d.state == "verified")
        .map(|d| d.domain)
        .collect())
}

/// What one scheduler pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepStats {
    /// Domains checked.
    pub checked: usize,
    /// Of those, now verified.
    pub verified: usize,
}

/// Checks every domain that is due, in batches, each claimed before it is checked.
pub async fn sweep(state: &AppState) -> Result<SweepStats, StoreError> {
    let mut stats = SweepStats::default();
    loop {
        let now = state.clock.now();
        let due = state
            .store
            .claim_due_domains(now, now + LEASE_SECONDS, BATCH)
            .await?;
        let n = due.len();
        let mut rows = due.into_iter();
        loop {
            let mut set = tokio::task::JoinSet::new();
            for row in rows.by_ref().take(CONCURRENCY) {
                let st = state.clone();
                set.spawn(async move { check(&st, row, false).await });
            }
            if set.is_empty() {
                break;
            }
            while let Some(done) = set.join_next().await {
                match done {
                    Ok(Ok(row)) => {
                        stats.checked += 1;
                        stats.verified += usize::from(
                            row.state == "verified" && row.verified_at == row.last_checked_at,
                        );
                    }
                    Ok(Err(e)) => tracing::warn!(
                        code = e.code.as_str(),
                        "domain check failed; it is retried after its lease"
                    ),
                    Err(e) => tracing::error!(error = %e, "domain check task failed"),
                }
            }
        }
        if (n as i64) < BATCH {
            return Ok(stats);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_checks_wait_one_five_fifteen_minutes_then_hourly() {
        let waits: Vec<i64> = (0..=6)
            .map(|n| next_pending_check(n, 1000) - 1000)
            .collect();
        // No attempt yet counts as the first.
        assert_eq!(waits, [60, 60, 300, 900, 3600, 3600, 3600]);
    }
}
