//! Custom hostnames: registered by the vendor, active once DNS points them at the environment's
//! own hostname (a CNAME, or for an apex name A/AAAA records on the same addresses) and shows
//! they are this environment's, checked on the same kind of schedule as domain verification,
//! and the answer to the TLS proxy's "may I get a certificate for this name?".
//!
//! Pointing at the server is not enough: every environment on a server shares its addresses,
//! and without a base domain its hostname too, so the first environment to register a name
//! would get it. Ownership is shown by a TXT record at `_portico.<hostname>` whose value is
//! made from the environment and the hostname, or by a CNAME to a hostname that is the
//! environment's alone. DNS decides: an environment that proves a name takes it from one that
//! registered it but cannot.

use crate::api::hostnames::{
    CustomDomain, CustomDomainState, DnsRecord, HostnameCheck, HostnameOutcome,
};
use crate::api::time::Timestamp;
use crate::api::ErrorCode;
use crate::server::domains::{next_pending_check, LEASE_SECONDS, VERIFIED_INTERVAL_SECONDS};
use crate::server::error::Error;
use crate::server::site;
use crate::server::store::{CustomDomainRow, StoreError};
use crate::server::AppState;

const BATCH: i64 = 100;

/// Checks and normalizes a hostname the vendor gave: a DNS name (Unicode is turned into
/// punycode) below a registrable domain, or the registrable domain itself (an apex).
pub fn normalize(input: &str) -> Result<String, String> {
    let raw = input.trim().trim_end_matches('.');
    if raw.contains("://") || raw.contains('/') || raw.contains(':') {
        return Err(
            "Enter only the hostname, like sso.vendor.com, without https://, a port or a path."
                .into(),
        );
    }
    let (ascii, _) = crate::server::domains::normalize(raw)?;
    Ok(ascii)
}

/// The hostname custom hostnames of this environment point at.
pub async fn target(state: &AppState, environment_id: &str) -> Result<String, StoreError> {
    let envs = state.store.list_environments().await?;
    Ok(match envs.iter().find(|e| e.id == environment_id) {
        Some(env) => site::environment_host(&state.settings, env),
        None => site::default_site(state).host,
    })
}

/// Whether `target` (an environment's own hostname) belongs to that environment alone, so a
/// CNAME to it names the environment. Without a base domain every environment has the public
/// URL's host.
async fn target_is_exclusive(
    state: &AppState,
    environment_id: &str,
    target: &str,
) -> Result<bool, StoreError> {
    let envs = state.store.list_environments().await?;
    Ok(!envs
        .iter()
        .any(|e| e.id != environment_id && site::environment_host(&state.settings, e) == target))
}

/// The TXT record that shows `hostname` is `environment_id`'s. Its value is not secret (it
/// ends up in public DNS): it only has to differ between environments, which only the
/// hostname's DNS owner can choose between.
pub fn ownership_record(environment_id: &str, hostname: &str) -> DnsRecord {
    use sha2::{Digest, Sha256};
    let digest =
        Sha256::digest(format!("portico custom hostname\n{environment_id}\n{hostname}").as_bytes());
    DnsRecord {
        record_type: "TXT".into(),
        name: format!("_portico.{hostname}"),
        value: format!("portico-hostname={}", &hex::encode(digest)[..32]),
    }
}

/// The wire form.
pub fn view(state: &AppState, row: &CustomDomainRow, target: &str) -> CustomDomain {
    CustomDomain {
        id: row.id.clone(),
        hostname: row.hostname.clone(),
        state: if row.state == "active" {
            CustomDomainState::Active
        } else {
            CustomDomainState::Pending
        },
        dns_record: DnsRecord {
            record_type: "CNAME".into(),
            name: row.hostname.clone(),
            value: target.to_owned(),
        },
        ownership_record: ownership_record(&row.environment_id, &row.hostname),
        url: site::base_for_host(&state.settings, &row.hostname),
        created_at: Timestamp::from_unix(row.created_at),
        last_checked_at: row.last_checked_at.map(Timestamp::from_unix),
        last_check: row
            .last_result
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        next_check_at: row.next_check_at.map(Timestamp::from_unix),
        activated_at: row.activated_at.map(Timestamp::from_unix),
        warning: row.warning.clone(),
    }
}

/// Registers a hostname for an environment and checks it at once.
pub async fn add(
    state: &AppState,
    environment_id: &str,
    input: &str,
) -> Result<CustomDomainRow, Error> {
    let hostname = normalize(input).map_err(|m| Error::invalid("hostname", m))?;
    let ours = target(state, environment_id).await?;
    let public = site::default_site(state).host;
    let base = state.settings.base_domain.as_deref();
    if hostname == ours
        || hostname == public
        || base.is_some_and(|b| hostname == b || hostname.ends_with(&format!(".{b}")))
    {
        return Err(Error::invalid(
            "hostname",
            format!(
                "{hostname} is already one of Portico's own \
            hostnames; register your own name, like sso.vendor.com, and point it at {ours}."
            ),
        ));
    }
    let now = state.clock.now();
    let row = CustomDomainRow {
        id: crate::server::crypto::id("host_"),
        environment_id: environment_id.to_owned(),
        hostname,
        state: "pending".into(),
        created_at: now,
        last_checked_at: None,
        last_result: None,
        next_check_at: Some(next_pending_check(1, now)),
        attempts: 0,
        activated_at: None,
        warning: None,
    };
    match state.store.insert_custom_domain(&row).await {
        Err(StoreError::Conflict(_)) => return take_over(state, row).await,
        other => other?,
    }
    check(state, row).await
}

/// `row`'s hostname is registered already. Another environment's registration gives way when
/// DNS names this environment (its TXT record) and no longer shows the holder's claim; else the
/// refusal says which record would move the hostname here.
async fn take_over(state: &AppState, row: CustomDomainRow) -> Result<CustomDomainRow, Error> {
    let taken = || Error::new(ErrorCode::CustomDomainTaken);
    let Some(holder) = state.store.custom_domain_by_hostname(&row.hostname).await? else {
        // Removed meanwhile: one more try.
        state
            .store
            .insert_custom_domain(&row)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => taken().field(
                    "hostname",
                    "Another environment registered this hostname just now.",
                ),
                e => Error::from(e),
            })?;
        return check(state, row).await;
    };
    let host = row.hostname.clone();
    if holder.environment_id == row.environment_id {
        return Err(taken().field(
            "hostname",
            format!(
                "{host} is already registered in this environment ({}).",
                holder.id
            ),
        ));
    }
    let record = ownership_record(&row.environment_id, &host);
    // This environment's TXT record, even before the CNAME is in place; or a CNAME to a
    // hostname of this environment alone.
    let ours = state.dns.txt(&record.name, &host).await;
    let named_here = crate::server::dns::evaluate(&ours, &record.value, state.clock.now()).outcome
        == crate::api::domains::LookupOutcome::Found
        || lookup(state, &row.environment_id, &host).await?.outcome == HostnameOutcome::Cname;
    if !named_here {
        let message = format!(
            "{host} is registered by another environment on this server. If the hostname is yours, \
                create a TXT record named {} with the value {}, then add it again: it then moves to this environment.",
            record.name, record.value
        );
        return Err(taken()
            .message(message.clone())
            .field("hostname", message)
            .details(serde_json::json!({ "ownership_record": record })));
    }
    let holder_check = lookup(state, &holder.environment_id, &host).await?;
    if matches!(
        holder_check.outcome,
        HostnameOutcome::Cname | HostnameOutcome::Addresses | HostnameOutcome::LookupError
    ) {
        let message = format!(
            "{host} is registered by another environment, and DNS still shows it is that \
                environment's ({}). It must remove the hostname, or its CNAME or TXT record must \
                go, before this environment can add it.",
            holder_check.message.trim_end_matches('.')
        );
        return Err(taken().message(message.clone()).field("hostname", message));
    }
    // The name's DNS owner chose this environment: the other registration goes, with its links
    // and sessions on this hostname.
    state.store.delete_custom_domain(&holder.id).await?;
    tracing::warn!(hostname = %host, from = %holder.environment_id, to = %row.environment_id, "a custom hostname \
        moved to the environment its TXT record names");
    state
        .store
        .insert_custom_domain(&row)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => taken().field(
                "hostname",
                "Another environment registered this hostname just now.",
            ),
            e => Error::from(e),
        })?;
    check(state, row).await
}

/// Looks the hostname up now, stores what was found, and schedules the next check.
pub async fn check(state: &AppState, mut row: CustomDomainRow) -> Result<CustomDomainRow, Error> {
    let result = lookup(state, &row.environment_id, &row.hostname).await?;
    apply(&mut row, result, state.clock.now());
    state.store.update_custom_domain(&row).await?;
    Ok(row)
}

/// Asks DNS whether `hostname` points at `environment_id`'s hostname and shows it is that
/// environment's. `Cname` and `Addresses` only when both hold.
async fn lookup(
    state: &AppState,
    environment_id: &str,
    hostname: &str,
) -> Result<HostnameCheck, StoreError> {
    let expected = target(state, environment_id).await?;
    let exclusive = target_is_exclusive(state, environment_id, &expected).await?;
    let record = ownership_record(environment_id, hostname);
    let mut routed = route(state, hostname, &expected).await;
    let points_here = matches!(
        routed.outcome,
        HostnameOutcome::Cname | HostnameOutcome::Addresses
    );
    if routed.outcome == HostnameOutcome::Cname && exclusive {
        return Ok(routed);
    }
    let also = format!(
        "Also create a TXT record named {} with the value {}, which shows the \
        hostname is this environment's.",
        record.name, record.value
    );
    if !points_here {
        if matches!(
            routed.outcome,
            HostnameOutcome::NoRecord | HostnameOutcome::WrongTarget
        ) {
            routed.message = format!("{} {also}", routed.message);
        }
        return Ok(routed);
    }
    let found = state.dns.txt(&record.name, hostname).await;
    let txt = crate::server::dns::evaluate(&found, &record.value, routed.checked_at.unix());
    use crate::api::domains::LookupOutcome;
    Ok(match txt.outcome {
        LookupOutcome::Found => HostnameCheck {
            message: format!(
                "{} Its TXT record {} names this environment.",
                routed.message, record.name
            ),
            ..routed
        },
        LookupOutcome::LookupError => HostnameCheck {
            outcome: HostnameOutcome::LookupError,
            message: format!(
                "{} The TXT lookup of {} failed: {} We will try again.",
                routed.message,
                record.name,
                txt.error.unwrap_or_default().trim_end_matches('.')
            ),
            ..routed
        },
        _ => {
            let shared = if routed.outcome == HostnameOutcome::Cname {
                format!("{expected} is shared by every environment on this server")
            } else {
                "addresses are shared by every environment on this server".to_owned()
            };
            let has = if txt.values.is_empty() {
                "none".to_owned()
            } else {
                txt.values.join(", ")
            };
            HostnameCheck {
                outcome: HostnameOutcome::OwnershipUnproven,
                message: format!(
                    "{} That proves nothing on its own ({shared}): create a TXT record named {} \
                        with the value {} (found: {has}).",
                    routed.message, record.name, record.value
                ),
                ..routed
            }
        }
    })
}

/// Asks DNS what `hostname` is and compares it with `expected`.
async fn route(state: &AppState, hostname: &str, expected: &str) -> HostnameCheck {
    let now = state.clock.now();
    let found = state.dns.host_records(hostname).await;
    let check = |outcome, seen: Vec<String>, message: String| HostnameCheck {
        outcome,
        seen,
        message,
        checked_at: Timestamp::from_unix(now),
    };
    if let Some(cname) = &found.cname {
        return if cname == expected {
            check(
                HostnameOutcome::Cname,
                vec![cname.clone()],
                format!("{hostname} is a CNAME for {expected}."),
            )
        } else {
            check(
                HostnameOutcome::WrongTarget,
                vec![cname.clone()],
                format!("{hostname} is a CNAME for {cname}; change it to {expected}."),
            )
        };
    }
    if !found.addresses.is_empty() {
        let ours = state.dns.host_records(expected).await.addresses;
        let seen: Vec<String> = found.addresses.iter().map(ToString::to_string).collect();
        return if !ours.is_empty() && found.addresses.iter().all(|a| ours.contains(a)) {
            check(
                HostnameOutcome::Addresses,
                seen,
                format!("{hostname} has the addresses of {expected}."),
            )
        } else {
            let want: Vec<String> = ours.iter().map(ToString::to_string).collect();
            check(
                HostnameOutcome::WrongTarget,
                seen.clone(),
                format!(
                    "{hostname} points at {}, not at {expected}{}. Replace its records with a \
                    CNAME to {expected}.",
                    seen.join(", "),
                    if want.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", want.join(", "))
                    }
                ),
            )
        };
    }
    match found.error {
        Some(e) => check(
            HostnameOutcome::LookupError,
            Vec::new(),
            format!("{e} We will try again."),
        ),
        None => check(
            HostnameOutcome::NoRecord,
            Vec::new(),
            format!(
                "{hostname} has no CNAME yet. \
            Create a CNAME record named {hostname} with the value {expected}."
            ),
        ),
    }
}

/// The state machine: pending becomes active when DNS points at us; an active hostname stays
/// active (links and sessions keep working) but carries a warning when its record changed.
pub fn apply(row: &mut CustomDomainRow, result: HostnameCheck, now: i64) {
    let points_here = matches!(
        result.outcome,
        HostnameOutcome::Cname | HostnameOutcome::Addresses
    );
    let failed_lookup = result.outcome == HostnameOutcome::LookupError;
    row.last_checked_at = Some(now);
    row.attempts += 1;
    if row.state == "active" {
        if points_here {
            row.warning = None;
        } else if result.outcome == HostnameOutcome::OwnershipUnproven {
            row.warning = Some(format!(
                "{} Since {}, nothing in DNS shows the hostname is this environment's: another \
                    environment that proves it would take it over.",
                result.message,
                crate::core::cert::format_datetime(now)
            ));
        } else if !failed_lookup {
            row.warning = Some(format!(
                "{} Since {}, the hostname no longer points at Portico.",
                result.message,
                crate::core::cert::format_datetime(now)
            ));
        }
        row.next_check_at = Some(now + VERIFIED_INTERVAL_SECONDS);
    } else if points_here {
        row.state = "active".into();
        row.activated_at = Some(now);
        row.attempts = 0;
        row.next_check_at = Some(now + VERIFIED_INTERVAL_SECONDS);
    } else {
        row.next_check_at = Some(next_pending_check(row.attempts, now));
    }
    row.last_result = serde_json::to_string(&result).ok();
}

/// Checks every custom hostname that is due; returns how many were checked.
pub async fn sweep(state: &AppState) -> Result<usize, StoreError> {
    let mut checked = 0;
    loop {
        let now = state.clock.now();
        let due = state
            .store
            .claim_due_custom_domains(now, now + LEASE_SECONDS, BATCH)
            .await?;
        let n = due.len();
        for row in due {
            match check(state, row).await {
                Ok(_) => checked += 1,
                Err(e) => tracing::warn!(
                    code = e.code.as_str(),
                    "custom hostname check failed; it is retried after its lease"
                ),
            }
        }
        if (n as i64) < BATCH {
            return Ok(checked);
        }
    }
}
