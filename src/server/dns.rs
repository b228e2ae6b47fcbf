//! Domain verification's DNS lookups: finds the TXT record an admin published to prove they own
//! a domain, and judges it against the value we asked for.
//!
//! The zone's authoritative nameservers are asked first, directly and without recursion, so a
//! record published a minute ago is seen even while recursive resolvers still hold an old
//! NXDOMAIN in their caches. A recursive lookup is the fallback when no authoritative server gives
//! a definitive answer (no NS found, servers unreachable, referrals, CNAMEs into other zones).

use crate::api::domains::{CheckResult, LookupOutcome};
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::proto::ProtoErrorKind;
use hickory_resolver::{ResolveError, TokioResolver};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod hosts;
mod rate;
pub use hosts::HostRecords;
mod wire;
pub use rate::RateLimiter;
use wire::exchange;

/// How many NS hosts of a zone we try, and how many addresses of each: enough to get past one
/// broken server without turning one check into a storm of queries.
const MAX_NS_HOSTS: usize = 4;
const MAX_ADDRS_PER_HOST: usize = 2;

/// How long the NS and address answers stay cached in our process. They change rarely, and many
/// customers share the same nameservers, so caching them saves most discovery queries.
const DISCOVERY_POSITIVE_MAX_TTL: Duration = Duration::from_secs(3600);
/// A few seconds at most: a zone that was just delegated must not look undelegated for long.
const DISCOVERY_NEGATIVE_MAX_TTL: Duration = Duration::from_secs(5);

/// EDNS payload size we advertise (the DNS flag day 2020 value, safe from fragmentation).
const EDNS_PAYLOAD: u16 = 1232;

/// What a TXT lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxtLookup {
    /// TXT records at the name: one String per record, its character-strings joined with no
    /// separator (RFC 7208 §3.3 style), as text (lossy UTF-8).
    Records {
        /// One value per record.
        values: Vec<String>,
        /// Which server answered, for people (see [`CheckResult::source`]).
        source: String,
    },
    /// NXDOMAIN.
    NoSuchName {
        /// Which server answered.
        source: String,
    },
    /// The name exists (NOERROR) but has no TXT records.
    NoTxt {
        /// Which server answered.
        source: String,
    },
    /// SERVFAIL, REFUSED, timeout, network error: retry later.
    Error {
        /// What went wrong, in words for the admin.
        message: String,
        /// Which server we were asking.
        source: String,
    },
}

impl TxtLookup {
    /// Which server answered (or failed to).
    pub fn source(&self) -> &str {
        match self {
            TxtLookup::Records { source, .. }
            | TxtLookup::NoSuchName { source }
            | TxtLookup::NoTxt { source }
            | TxtLookup::Error { source, .. } => source,
        }
    }
}

/// Looks up TXT records; cheap to clone (share one across tasks).
#[derive(Clone)]
pub struct DnsChecker {
    /// NS and address lookups, with a cache.
    discovery: TokioResolver,
    /// The recursive TXT fallback, with no cache of its own (see `new`).
    recursive: TokioResolver,
    /// `Some` in tests: every query goes to these.
    servers: Option<Arc<[SocketAddr]>>,
    /// How the recursive source is shown: `recursive (10.0.0.2:53)`.
    recursive_label: Arc<str>,
    timeout: Duration,
    /// The port authoritative servers are asked on: 53, or in tests the port of a test server.
    authoritative_port: u16,
    limiter: Option<Arc<RateLimiter>>,
}

impl std::fmt::Debug for DnsChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsChecker")
            .field("servers", &self.servers)
            .field("timeout", &self.timeout)
            .field("authoritative_port", &self.authoritative_port)
            .finish_non_exhaustive()
    }
}

impl DnsChecker {
    /// `servers`: when Some, EVERY query (NS discovery, the authoritative queries, the recursive
    /// fallback) goes to these servers only — tests point it at 127.0.0.1:<port>. When None, the
    /// system's resolvers (/etc/resolv.conf) are used for recursion and NS discovery, and the
    /// authoritative servers found are queried directly.
    ///
    /// With `servers`, nameserver addresses found by discovery are used only when they are
    /// loopback addresses (a test's "authoritative" server), asked on the first server's port
    /// unless [`DnsChecker::with_authoritative_port`] says otherwise; other addresses are
    /// replaced by `servers` themselves.
    ///
    /// `timeout` bounds one whole [`DnsChecker::txt`] call, fallback included.
    pub fn new(
        servers: Option<Vec<std::net::SocketAddr>>,
        timeout: std::time::Duration,
    ) -> Result<DnsChecker, String> {
        if timeout.is_zero() {
            return Err("The DNS timeout must be longer than zero.".into());
        }
        let (config, mut opts) = match &servers {
            Some(list) if list.is_empty() => return Err("No DNS servers were given.".into()),
            Some(list) => {
                let mut config = ResolverConfig::new();
                for addr in list {
                    // UDP first, TCP when an answer is truncated.
                    config.add_name_server(NameServerConfig::new(*addr, Protocol::Udp));
                    config.add_name_server(NameServerConfig::new(*addr, Protocol::Tcp));
                }
                (config, ResolverOpts::default())
            }
            None => hickory_resolver::system_conf::read_system_conf().map_err(|e| {
                format!("Could not read the system's DNS settings (/etc/resolv.conf): {e}")
            })?,
        };
        let mut labels: Vec<String> = Vec::new();
        for ns in config.name_servers() {
            let label = ns.socket_addr.to_string();
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        if labels.is_empty() {
            return Err("The system has no DNS servers configured (/etc/resolv.conf).".into());
        }

        // Our own budget is split between discovery, the authoritative queries and the fallback
        // (see `txt`), so one query gets a quarter of it and is not retried by the resolver.
        opts.timeout = per_query(timeout);
        opts.attempts = 1;
        opts.edns0 = true;
        // Names are always fully qualified; /etc/hosts has no business answering for customers.
        opts.use_hosts_file = ResolveHosts::Never;
        opts.cache_size = 4096;
        opts.positive_max_ttl = Some(DISCOVERY_POSITIVE_MAX_TTL);
        opts.negative_max_ttl = Some(DISCOVERY_NEGATIVE_MAX_TTL);
        let discovery =
            TokioResolver::builder_with_config(config.clone(), TokioConnectionProvider::default())
                .with_options(opts.clone())
                .build();

        // "Check now" must see a record published a moment ago, so the fallback never answers
        // from our cache: negative and positive answers expire at once. (The upstream resolver
        // may still cache; that is what asking the authoritative servers first is for.)
        opts.cache_size = 64;
        opts.positive_min_ttl = None;
        opts.negative_min_ttl = None;
        opts.positive_max_ttl = Some(Duration::ZERO);
        opts.negative_max_ttl = Some(Duration::ZERO);
        let recursive =
            TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
                .with_options(opts)
                .build();

        let authoritative_port = servers
            .as_ref()
            .and_then(|s| s.first())
            .map_or(53, |a| a.port());
        Ok(DnsChecker {
            discovery,
            recursive,
            servers: servers.map(Arc::from),
            recursive_label: Arc::from(format!("recursive ({})", labels.join(", "))),
            timeout,
            authoritative_port,
            limiter: None,
        })
    }

    /// The port nameservers found by discovery are asked on (53 unless changed). Meant for tests,
    /// where the "authoritative" server listens on 127.0.0.1 at a port of its own.
    pub fn with_authoritative_port(mut self, port: u16) -> DnsChecker {
        self.authoritative_port = port;
        self
    }

    /// Takes a token from `limiter` before every query this checker sends (discovery, the
    /// authoritative queries and the fallback), so all checks together stay under its rate.
    /// Answers served from the resolver's cache still take a token: the cap is an upper bound.
    pub fn with_rate_limit(mut self, limiter: Arc<RateLimiter>) -> DnsChecker {
        self.limiter = Some(limiter);
        self
    }

    /// TXT at `name` (e.g. `_portico-challenge.acme.com`). `zone_hint` is the registrable
    /// domain (e.g. `acme.com`) whose NS records to look up for the authoritative query.
    pub async fn txt(&self, name: &str, zone_hint: &str) -> TxtLookup {
        let Some(qname) = fqdn(name) else {
            return TxtLookup::Error {
                message: format!("{name} is not a valid DNS name."),
                source: "none".into(),
            };
        };
        let deadline = tokio::time::Instant::now() + self.timeout;
        // Leave at least a third of the budget for the fallback, whatever the servers do.
        let authoritative_budget = self.timeout.saturating_mul(2) / 3;
        if let Ok(Some(found)) =
            tokio::time::timeout(authoritative_budget, self.authoritative(&qname, zone_hint)).await
        {
            return found;
        }
        match tokio::time::timeout_at(deadline, self.recursive_txt(&qname)).await {
            Ok(found) => found,
            Err(_) => TxtLookup::Error {
                message: format!("No DNS server answered within {}.", seconds(self.timeout)),
                source: self.recursive_label.to_string(),
            },
        }
    }

    async fn throttle(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
    }

    /// Asks the zone's nameservers directly; `None` when none of them gave a definitive answer.
    async fn authoritative(&self, qname: &Name, zone_hint: &str) -> Option<TxtLookup> {
        let hosts = self.nameservers(zone_hint).await;
        let mut tried = HashSet::new();
        for host in hosts.iter().take(MAX_NS_HOSTS) {
            for addr in self.addresses(host).await {
                if !tried.insert(addr) {
                    continue;
                }
                self.throttle().await;
                let Ok(answer) =
                    exchange(addr, qname, RecordType::TXT, per_query(self.timeout)).await
                else {
                    continue;
                };
                let host = host.to_string();
                let source = format!(
                    "authoritative ({}, {})",
                    host.trim_end_matches('.'),
                    show_addr(addr)
                );
                if let Some(found) = definitive(&answer, qname, source) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// The NS hosts of `zone_hint`, or of the closest enclosing zone below the public suffix;
    /// empty when there are none or they cannot be found.
    async fn nameservers(&self, zone_hint: &str) -> Vec<Name> {
        let Some(hint) = ascii_domain(zone_hint) else {
            return Vec::new();
        };
        // Never ask for the suffix's own NS (`com`): those servers only refer, never answer.
        let suffix_len = psl::suffix_str(&hint).map_or(0, str::len);
        let mut zone = hint.as_str();
        while zone.len() > suffix_len {
            let Some(name) = fqdn(zone) else {
                return Vec::new();
            };
            self.throttle().await;
            match self.discovery.ns_lookup(name).await {
                Ok(found) => {
                    let hosts: Vec<Name> = found.iter().map(|ns| ns.0.clone()).collect();
                    if !hosts.is_empty() {
                        return hosts;
                    }
                }
                Err(e) if is_negative(&e) => {}
                // The discovery itself failed: leave it to the recursive fallback.
                Err(_) => return Vec::new(),
            }
            match zone.split_once('.') {
                Some((_, parent)) => zone = parent,
                None => break,
            }
        }
        Vec::new()
    }

    /// Where to send an authoritative query for one NS host.
    async fn addresses(&self, host: &Name) -> Vec<SocketAddr> {
        let mut ips: Vec<IpAddr> = Vec::new();
        self.throttle().await;
        if let Ok(found) = self.discovery.ipv4_lookup(host.clone()).await {
            ips.extend(found.iter().map(|a| IpAddr::V4(a.0)));
        }
        // IPv6 only when there is no IPv4 address: saves a query, and not every server has a
        // route to IPv6.
        if ips.is_empty() {
            self.throttle().await;
            if let Ok(found) = self.discovery.ipv6_lookup(host.clone()).await {
                ips.extend(found.iter().map(|a| IpAddr::V6(a.0)));
            }
        }
        let mut addrs = Vec::new();
        for ip in ips {
            match &self.servers {
                // Tests: a loopback address is a test server; anything else would leave the
                // machine, so the configured servers stand in for it.
                Some(servers) if !ip.is_loopback() => addrs.extend(servers.iter().copied()),
                Some(_) => addrs.push(SocketAddr::new(ip, self.authoritative_port)),
                // A customer's NS records must not make us send packets into our own network:
                // the same address policy as every download.
                None if crate::core::address::check(ip).is_err() => {}
                None => addrs.push(SocketAddr::new(ip, self.authoritative_port)),
            }
        }
        let mut unique = Vec::new();
        for a in addrs {
            if !unique.contains(&a) {
                unique.push(a);
            }
        }
        unique.truncate(MAX_ADDRS_PER_HOST.max(self.servers.as_ref().map_or(0, |s| s.len())));
        unique
    }

    async fn recursive_txt(&self, qname: &Name) -> TxtLookup {
        let source = self.recursive_label.to_string();
        self.throttle().await;
        match self.recursive.txt_lookup(qname.clone()).await {
            Ok(found) => {
                let values: Vec<String> = found
                    .iter()
                    .map(|txt| join_strings(txt.txt_data()))
                    .collect();
                if values.is_empty() {
                    TxtLookup::NoTxt { source }
                } else {
                    TxtLookup::Records { values, source }
                }
            }
            Err(e) => match response_code(&e) {
                Some(ResponseCode::NXDomain) => TxtLookup::NoSuchName { source },
                Some(ResponseCode::NoError) => TxtLookup::NoTxt { source },
                Some(code) => TxtLookup::Error {
                    message: format!("The DNS server answered {}.", describe_code(code)),
                    source,
                },
                None => TxtLookup::Error {
                    message: format!("The DNS lookup failed: {e}."),
                    source,
                },
            },
        }
    }
}

/// Compares what was found with the expected record value: surrounding whitespace and one pair
/// of surrounding double quotes are ignored, and the comparison is case-insensitive (tokens are
/// lowercase hex). Any one record matching is enough.
pub fn evaluate(lookup: &TxtLookup, expected: &str, now: i64) -> CheckResult {
    let expected = normalize(expected);
    let (outcome, values, error) = match lookup {
        TxtLookup::Records { values, .. } if values.is_empty() => {
            (LookupOutcome::NoTxt, Vec::new(), None)
        }
        TxtLookup::Records { values, .. } => {
            let found = values.iter().any(|v| normalize(v) == expected);
            (
                if found {
                    LookupOutcome::Found
                } else {
                    LookupOutcome::WrongValue
                },
                values.clone(),
                None,
            )
        }
        TxtLookup::NoSuchName { .. } => (LookupOutcome::NoSuchName, Vec::new(), None),
        TxtLookup::NoTxt { .. } => (LookupOutcome::NoTxt, Vec::new(), None),
        TxtLookup::Error { message, .. } => (
            LookupOutcome::LookupError,
            Vec::new(),
            Some(message.clone()),
        ),
    };
    CheckResult {
        outcome,
        values,
        error,
        source: Some(lookup.source().to_owned()),
        checked_at: crate::api::time::Timestamp::from_unix(now),
    }
}

fn normalize(value: &str) -> String {
    let t = value.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t);
    t.trim().to_lowercase()
}

/// A record's character-strings joined with no separator, as text.
fn join_strings(parts: &[Box<[u8]>]) -> String {
    let bytes: Vec<u8> = parts.iter().flat_map(|p| p.iter().copied()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Lowercase ASCII (punycode for internationalized names), no trailing dot.
fn ascii_domain(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.');
    if name.is_empty() {
        return None;
    }
    if name.is_ascii() {
        Some(name.to_ascii_lowercase())
    } else {
        idna::domain_to_ascii(name).ok()
    }
}

/// The name as an absolute DNS name, so no search domain is ever appended.
fn fqdn(name: &str) -> Option<Name> {
    let mut name = Name::from_ascii(ascii_domain(name)?).ok()?;
    name.set_fqdn(true);
    Some(name)
}

/// NXDOMAIN or NOERROR-with-nothing: "not here", as opposed to a failure.
fn is_negative(e: &ResolveError) -> bool {
    matches!(
        response_code(e),
        Some(ResponseCode::NXDomain | ResponseCode::NoError)
    )
}

fn response_code(e: &ResolveError) -> Option<ResponseCode> {
    match e.proto()?.kind() {
        ProtoErrorKind::NoRecordsFound { response_code, .. } => Some(*response_code),
        _ => None,
    }
}

fn describe_code(code: ResponseCode) -> String {
    match code {
        ResponseCode::ServFail => {
            "SERVFAIL (the server could not resolve the name right now)".into()
        }
        ResponseCode::Refused => "REFUSED (the server would not answer for this name)".into(),
        other => other.to_str().to_owned(),
    }
}

/// The time one query may take out of a lookup's budget.
fn per_query(timeout: Duration) -> Duration {
    (timeout / 4).max(Duration::from_millis(50)).min(timeout)
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s == 1.0 {
        "1 second".into()
    } else {
        format!("{s} seconds")
    }
}

/// `192.0.2.1`, or `127.0.0.1:5353` when not on the standard port.
fn show_addr(addr: SocketAddr) -> String {
    if addr.port() == 53 {
        addr.ip().to_string()
    } else {
        addr.to_string()
    }
}

/// What an authoritative answer says about the TXT records at `qname`; `None` when it settles
/// nothing (an error code, a referral from a server that is not authoritative, a CNAME leading
/// out of the answer), so the next server or the fallback is asked.
fn definitive(answer: &Message, qname: &Name, source: String) -> Option<TxtLookup> {
    match answer.response_code() {
        ResponseCode::NXDomain if answer.authoritative() => Some(TxtLookup::NoSuchName { source }),
        ResponseCode::NoError => {
            // Follow CNAMEs within the answer, a few hops at most.
            let mut target = qname.clone();
            for _ in 0..8 {
                let next = answer.answers().iter().find_map(|r| match r.data() {
                    RData::CNAME(c) if r.name() == &target => Some(c.0.clone()),
                    _ => None,
                });
                match next {
                    Some(n) => target = n,
                    None => break,
                }
            }
            let values: Vec<String> = answer
                .answers()
                .iter()
                .filter(|r| r.name() == &target)
                .filter_map(|r| match r.data() {
                    RData::TXT(txt) => Some(join_strings(txt.txt_data())),
                    _ => None,
                })
                .collect();
            if !values.is_empty() {
                Some(TxtLookup::Records { values, source })
            } else if answer.authoritative() && &target == qname {
                Some(TxtLookup::NoTxt { source })
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_795_392_000;
    const WANT: &str = "portico-verification=3f9c0a";

    fn records(values: &[&str]) -> TxtLookup {
        TxtLookup::Records {
            values: values.iter().map(|v| v.to_string()).collect(),
            source: "recursive (127.0.0.1:53)".into(),
        }
    }

    #[test]
    fn one_matching_record_among_several_is_found() {
        let r = evaluate(
            &records(&["v=spf1 -all", WANT, "google-site-verification=x"]),
            WANT,
            T,
        );
        assert_eq!(r.outcome, LookupOutcome::Found);
        assert_eq!(r.values.len(), 3);
        assert_eq!(r.checked_at.unix(), T);
        assert_eq!(r.source.as_deref(), Some("recursive (127.0.0.1:53)"));
        assert_eq!(r.error, None);
    }

    #[test]
    fn quotes_whitespace_and_case_are_ignored() {
        for found in [
            " \"PORTICO-VERIFICATION=3F9C0A\" ",
            "\"portico-verification=3f9c0a\"",
            "portico-verification=3f9c0a\n",
        ] {
            assert_eq!(
                evaluate(&records(&[found]), WANT, T).outcome,
                LookupOutcome::Found,
                "{found:?}"
            );
        }
        assert_eq!(
            evaluate(&records(&[WANT]), " \"Portico-Verification=3F9C0A\"", T).outcome,
            LookupOutcome::Found
        );
    }

    #[test]
    fn near_misses_are_wrong_values_listed() {
        for found in [
            "portico-verification=3f9c0b",
            "portico-verification=3f9c0a0",
            "\"\"portico-verification=3f9c0a\"\"",
            "portico-verification 3f9c0a",
            "\"",
        ] {
            let r = evaluate(&records(&[found]), WANT, T);
            assert_eq!(r.outcome, LookupOutcome::WrongValue, "{found:?}");
            assert_eq!(r.values, vec![found.to_string()]);
        }
    }

    #[test]
    fn negative_answers_and_errors() {
        let s = || "authoritative (ns1.example.net, 192.0.2.1)".to_string();
        let r = evaluate(&TxtLookup::NoSuchName { source: s() }, WANT, T);
        assert_eq!(
            (r.outcome, r.values.len(), r.error.clone()),
            (LookupOutcome::NoSuchName, 0, None)
        );
        assert_eq!(r.source, Some(s()));
        assert_eq!(
            evaluate(&TxtLookup::NoTxt { source: s() }, WANT, T).outcome,
            LookupOutcome::NoTxt
        );
        assert_eq!(
            evaluate(
                &TxtLookup::Records {
                    values: vec![],
                    source: s()
                },
                WANT,
                T
            )
            .outcome,
            LookupOutcome::NoTxt
        );
        let r = evaluate(
            &TxtLookup::Error {
                message: "SERVFAIL".into(),
                source: s(),
            },
            WANT,
            T,
        );
        assert_eq!(r.outcome, LookupOutcome::LookupError);
        assert_eq!(r.error.as_deref(), Some("SERVFAIL"));
    }

    #[test]
    fn names_become_absolute_ascii() {
        assert_eq!(
            fqdn("_portico-challenge.Acme.COM.")
                .map(|n| n.to_string())
                .as_deref(),
            Some("_portico-challenge.acme.com.")
        );
        assert_eq!(
            fqdn("_portico-challenge.bücher.de")
                .map(|n| n.to_ascii())
                .as_deref(),
            Some("_portico-challenge.xn--bcher-kva.de.")
        );
        assert!(fqdn("  ").is_none());
    }

    #[tokio::test]
    async fn the_rate_limiter_spaces_acquisitions() {
        let limiter = RateLimiter::new(50);
        let start = tokio::time::Instant::now();
        for _ in 0..11 {
            limiter.acquire().await;
        }
        // One token up front, then one every 20 ms.
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(195) && took < Duration::from_millis(600),
            "{took:?}"
        );
        let unlimited = RateLimiter::new(0);
        let start = tokio::time::Instant::now();
        for _ in 0..1000 {
            unlimited.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
    }
}
