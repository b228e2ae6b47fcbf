//! Benchmark (prints figures, asserts nothing): a sweep of domain verification checks through
//! `DnsChecker::txt` and `evaluate` against the in-process test DNS server, with bounded
//! concurrency and a global cap on DNS queries per second (`RateLimiter`, as the scheduler uses
//! it). 10,000 domains: a third with the right record, a third with a wrong value, a third with
//! none. Then the same sweep without the cap, for the checker's own speed, and once more with
//! every domain delegated, through the authoritative path.
//!
//! Last, the scheduler's own sweep (`domains::sweep`) over 10,000 pending domains in SQLite.
//!
//! Run with `cargo bench --features server --bench dns`; `PORTICO_BENCH_QPS` sets the cap
//! (default 500, 0 for none).

#[path = "../support/dns_server.rs"]
mod dns_server;

use dns_server::TestDns;
use portico::api::domains::LookupOutcome;
use portico::server::dns::{evaluate, DnsChecker, RateLimiter};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DOMAINS: usize = 10_000;
const CONCURRENCY: usize = 64;
const NOW: i64 = 1_795_392_000;

fn expected(i: usize) -> String {
    format!(
        "portico-verification={:032x}",
        (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    )
}

/// With `delegated`, every domain has an NS record pointing at the server itself, so checks
/// take the authoritative path (NS, the nameserver's address, a direct TXT query).
async fn populated(delegated: bool) -> TestDns {
    let dns = TestDns::start().await;
    for i in 0..DOMAINS {
        if delegated {
            dns.set_ns(
                &format!("d{i}.example"),
                "ns1.example",
                std::net::Ipv4Addr::LOCALHOST.into(),
            );
        }
        let name = format!("_portico-challenge.d{i}.example");
        match i % 3 {
            0 => dns.set_txt(&name, vec![vec![expected(i)]]),
            1 => dns.set_txt(
                &name,
                vec![vec![format!("portico-verification={:032x}", i)]],
            ),
            _ => {}
        }
    }
    dns
}

async fn sweep(label: &str, qps: u32, delegated: bool) {
    let dns = populated(delegated).await;
    let mut checker = match DnsChecker::new(Some(vec![dns.addr()]), Duration::from_secs(5)) {
        Ok(c) => c,
        Err(e) => {
            println!("skipped: {e}");
            return;
        }
    };
    if qps > 0 {
        checker = checker.with_rate_limit(Arc::new(RateLimiter::new(qps)));
    }
    let next = Arc::new(AtomicUsize::new(0));
    let tally: Arc<Mutex<HashMap<LookupOutcome, usize>>> = Arc::default();
    let start = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (checker, next, tally) = (checker.clone(), next.clone(), tally.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= DOMAINS {
                        return;
                    }
                    let domain = format!("d{i}.example");
                    let lookup = checker
                        .txt(&format!("_portico-challenge.{domain}"), &domain)
                        .await;
                    let result = evaluate(&lookup, &expected(i), NOW);
                    *tally.lock().unwrap().entry(result.outcome).or_default() += 1;
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    let took = start.elapsed();
    let cap = if qps > 0 {
        format!("{qps} qps")
    } else {
        "none".into()
    };
    println!("{label}");
    println!("  {DOMAINS} lookups, {CONCURRENCY} at a time, cap {cap}");
    println!(
        "  total {:.2} s, {:.0} lookups/s",
        took.as_secs_f64(),
        DOMAINS as f64 / took.as_secs_f64()
    );
    println!(
        "  server saw {} queries ({:.2} per lookup), peak {} in one second (cap {cap})",
        dns.queries(),
        dns.queries() as f64 / DOMAINS as f64,
        dns.peak_per_second()
    );
    let mut outcomes: Vec<_> = tally
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| (format!("{k:?}"), *v))
        .collect();
    outcomes.sort();
    println!(
        "  outcomes: {}",
        outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

struct FixedClock(i64);

impl portico::server::Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// The scheduler itself: 10,000 pending domains in SQLite, all due, one `domains::sweep`
/// (claim in batches, check with bounded concurrency, store each result) under the cap.
async fn scheduler_sweep(qps: u32) {
    let dns = populated(false).await;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return println!("skipped: {e}"),
    };
    let mut settings = portico::server::config::Settings::for_tests(dir.path().to_path_buf());
    settings.dns_servers = Some(vec![dns.addr()]);
    settings.dns_qps = if qps == 0 { 1_000_000 } else { qps };
    let state = match portico::server::cli::build_state(settings, Arc::new(FixedClock(NOW))).await {
        Ok(s) => s,
        Err(e) => return println!("skipped: {e}"),
    };
    let Ok(Some(env)) = state.store.environment_by_name("development").await else {
        return println!("skipped: no environment");
    };
    let org = portico::server::store::OrganizationRow {
        id: "org_bench".into(),
        environment_id: env.id.clone(),
        name: "Bench".into(),
        external_id: None,
        domains: vec![],
        allow_profiles_outside_organization: false,
        created_at: NOW,
        updated_at: NOW,
    };
    if let Err(e) = state.store.insert_organization(&org, &[]).await {
        return println!("skipped: {e}");
    }
    for i in 0..DOMAINS {
        let row = portico::server::store::DomainRow {
            id: format!("dom_{i:05}"),
            organization_id: org.id.clone(),
            environment_id: env.id.clone(),
            domain: format!("d{i}.example"),
            record_name: format!("_portico-challenge.d{i}.example"),
            record_value: expected(i),
            state: "pending".into(),
            created_at: NOW,
            fails_at: Some(NOW + 30 * 86_400),
            last_checked_at: None,
            last_result: None,
            next_check_at: Some(NOW),
            attempts: 0,
            verified_at: None,
            verification_method: None,
            verified_by: None,
            record_last_seen_at: None,
            warning: None,
        };
        if let Err(e) = state.store.insert_domain(&row).await {
            return println!("skipped: {e}");
        }
    }
    let before = dns.queries();
    let start = Instant::now();
    let stats = match portico::server::domains::sweep(&state).await {
        Ok(s) => s,
        Err(e) => return println!("sweep failed: {e}"),
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "scheduler sweep (domains::sweep over SQLite), cap {}",
        if qps == 0 {
            "none".to_owned()
        } else {
            format!("{qps} qps")
        }
    );
    println!(
        "  {} domains checked in {secs:.2} s ({:.0} per second), {} verified",
        stats.checked,
        stats.checked as f64 / secs,
        stats.verified
    );
    println!(
        "  server saw {} queries, peak {} in one second",
        dns.queries() - before,
        dns.peak_per_second()
    );
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    let qps = std::env::var("PORTICO_BENCH_QPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!("DNS checker sweep against the in-process test server on 127.0.0.1, release build");
    rt.block_on(sweep("capped, recursive path (no NS records)", qps, false));
    if qps > 0 {
        rt.block_on(sweep("uncapped, recursive path", 0, false));
    }
    rt.block_on(sweep(
        "uncapped, authoritative path (every domain delegated)",
        0,
        true,
    ));
    rt.block_on(scheduler_sweep(qps));
    println!("peak RSS (VmHWM) {}", peak_rss());
}
