//! Domain verification's DNS checker against real DNS servers running in-process on 127.0.0.1.

#[path = "../support/dns_server.rs"]
pub mod dns_server;

use crate::T0;
use dns_server::{Mode, TestDns};
use portico::api::domains::{CheckResult, LookupOutcome};
use portico::server::dns::{evaluate, DnsChecker, TxtLookup};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

const NAME: &str = "_portico-challenge.acme.test";
const ZONE: &str = "acme.test";
const WANT: &str = "portico-verification=3f9c0a17";
const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn checker(dns: &TestDns) -> DnsChecker {
    DnsChecker::new(Some(vec![dns.addr()]), Duration::from_secs(2)).unwrap()
}

async fn check(checker: &DnsChecker) -> CheckResult {
    evaluate(&checker.txt(NAME, ZONE).await, WANT, T0)
}

fn one(value: &str) -> Vec<Vec<String>> {
    vec![vec![value.to_owned()]]
}

#[tokio::test]
async fn dns_absent_record_is_no_such_name() {
    let dns = TestDns::start().await;
    dns.set_txt("_other.acme.test", one("x"));
    let r = check(&checker(&dns)).await;
    assert_eq!(r.outcome, LookupOutcome::NoSuchName, "{r:?}");
    assert_eq!(
        r.source.as_deref(),
        Some(format!("recursive ({})", dns.addr()).as_str())
    );
    assert_eq!(r.checked_at.unix(), T0);
    assert!(dns.queries() >= 1);
}

#[tokio::test]
async fn dns_name_with_only_an_address_has_no_txt() {
    let dns = TestDns::start().await;
    dns.set_a(NAME, Ipv4Addr::new(192, 0, 2, 7));
    let r = check(&checker(&dns)).await;
    assert_eq!(r.outcome, LookupOutcome::NoTxt, "{r:?}");
    assert!(r.values.is_empty());
}

#[tokio::test]
async fn dns_record_published_while_checking_is_seen_at_once() {
    let dns = TestDns::start().await;
    let c = checker(&dns);
    // The server's NXDOMAIN carries an SOA with a 300 s negative TTL, as real ones do: a
    // resolver cache that honoured it would hide the new record.
    assert_eq!(check(&c).await.outcome, LookupOutcome::NoSuchName);
    dns.set_txt(NAME, one(WANT));
    let r = check(&c).await;
    assert_eq!(r.outcome, LookupOutcome::Found, "{r:?}");
    assert_eq!(r.values, vec![WANT.to_owned()]);
    // And a fixed typo is seen at once too (no positive cache either).
    dns.set_txt(NAME, one("portico-verification=typo"));
    assert_eq!(check(&c).await.outcome, LookupOutcome::WrongValue);
    dns.remove(NAME);
    assert_eq!(check(&c).await.outcome, LookupOutcome::NoSuchName);
}

#[tokio::test]
async fn dns_wrong_value_lists_what_is_there() {
    let dns = TestDns::start().await;
    dns.set_txt(
        NAME,
        vec![
            vec!["portico-verification=3f9c0a18".into()],
            vec!["v=spf1 -all".into()],
        ],
    );
    let r = check(&checker(&dns)).await;
    assert_eq!(r.outcome, LookupOutcome::WrongValue, "{r:?}");
    let mut values = r.values.clone();
    values.sort();
    assert_eq!(
        values,
        vec![
            "portico-verification=3f9c0a18".to_owned(),
            "v=spf1 -all".to_owned()
        ]
    );
    assert_eq!(r.error, None);
}

#[tokio::test]
async fn dns_character_strings_of_one_record_are_joined() {
    let dns = TestDns::start().await;
    dns.set_txt(
        NAME,
        vec![vec![
            "portico-verification=".into(),
            "3f9c".into(),
            "0a17".into(),
        ]],
    );
    let lookup = checker(&dns).txt(NAME, ZONE).await;
    let TxtLookup::Records { values, .. } = &lookup else {
        panic!("{lookup:?}")
    };
    assert_eq!(values, &vec![WANT.to_owned()]);
    assert_eq!(evaluate(&lookup, WANT, T0).outcome, LookupOutcome::Found);
}

#[tokio::test]
async fn dns_one_matching_record_among_several_is_enough() {
    let dns = TestDns::start().await;
    dns.set_txt(
        NAME,
        vec![
            vec!["google-site-verification=abc".into()],
            vec![WANT.into()],
            vec!["portico-verification=old".into()],
        ],
    );
    let r = check(&checker(&dns)).await;
    assert_eq!(r.outcome, LookupOutcome::Found, "{r:?}");
    assert_eq!(r.values.len(), 3);
}

#[tokio::test]
async fn dns_quotes_and_case_are_forgiven() {
    let dns = TestDns::start().await;
    // What a DNS console produces when the admin pastes the value with its quotes.
    dns.set_txt(NAME, one(" \"PORTICO-VERIFICATION=3F9C0A17\" "));
    assert_eq!(check(&checker(&dns)).await.outcome, LookupOutcome::Found);
}

#[tokio::test]
async fn dns_server_failure_is_a_lookup_error_not_a_missing_record() {
    let dns = TestDns::start().await;
    dns.set_txt(NAME, one(WANT));
    dns.set_mode(Mode::ServFail);
    let r = check(&checker(&dns)).await;
    assert_eq!(r.outcome, LookupOutcome::LookupError, "{r:?}");
    assert!(
        r.error.as_deref().is_some_and(|e| e.contains("SERVFAIL")),
        "{r:?}"
    );
    dns.set_mode(Mode::Normal);
    assert_eq!(check(&checker(&dns)).await.outcome, LookupOutcome::Found);
}

#[tokio::test]
async fn dns_silent_server_is_a_lookup_error_within_the_timeout() {
    let dns = TestDns::start().await;
    dns.set_txt(NAME, one(WANT));
    dns.set_mode(Mode::Timeout);
    let c = DnsChecker::new(Some(vec![dns.addr()]), Duration::from_millis(800)).unwrap();
    let start = Instant::now();
    let r = check(&c).await;
    let took = start.elapsed();
    assert_eq!(r.outcome, LookupOutcome::LookupError, "{r:?}");
    assert!(r.error.is_some());
    assert!(took < Duration::from_millis(1000), "took {took:?}");
    assert!(dns.queries() >= 1, "the server was never asked");
}

/// The recursive resolver still holds the NXDOMAIN from before the record was published; the
/// zone's nameserver already has it.
#[tokio::test]
async fn dns_authoritative_servers_are_asked_first() {
    let stale = TestDns::start().await;
    let authoritative = TestDns::start().await;
    stale.set_ns(ZONE, "ns1.acme.test", LOOPBACK);
    authoritative.set_txt(NAME, one(WANT));
    let c = checker(&stale).with_authoritative_port(authoritative.addr().port());
    let r = check(&c).await;
    assert_eq!(r.outcome, LookupOutcome::Found, "{r:?}");
    assert_eq!(
        r.source.as_deref(),
        Some(format!("authoritative (ns1.acme.test, {})", authoritative.addr()).as_str())
    );
    assert_eq!(authoritative.queries(), 1, "one direct TXT query");

    // A hint below the delegated zone walks up to it.
    let lookup = c.txt(NAME, "sub.acme.test").await;
    assert!(lookup.source().starts_with("authoritative"), "{lookup:?}");

    // Without the delegation the same checker only sees the stale answer, so the test above
    // can tell the two apart.
    let undelegated = TestDns::start().await;
    let c2 = checker(&undelegated).with_authoritative_port(authoritative.addr().port());
    assert_eq!(check(&c2).await.outcome, LookupOutcome::NoSuchName);

    // The authoritative server's own negative answers are definitive too.
    authoritative.remove(NAME);
    stale.set_txt(NAME, one(WANT));
    let r = check(&c).await;
    assert_eq!(r.outcome, LookupOutcome::NoSuchName, "{r:?}");
    assert!(
        r.source
            .as_deref()
            .is_some_and(|s| s.starts_with("authoritative")),
        "{r:?}"
    );
}

#[tokio::test]
async fn dns_failing_authoritative_servers_fall_back_to_recursion() {
    let recursive = TestDns::start().await;
    let authoritative = TestDns::start().await;
    recursive.set_ns(ZONE, "ns1.acme.test", LOOPBACK);
    recursive.set_txt(NAME, one(WANT));
    let c = checker(&recursive).with_authoritative_port(authoritative.addr().port());
    for mode in [Mode::ServFail, Mode::Timeout] {
        authoritative.set_mode(mode);
        let r = check(&c).await;
        assert_eq!(r.outcome, LookupOutcome::Found, "{mode:?}: {r:?}");
        assert_eq!(
            r.source.as_deref(),
            Some(format!("recursive ({})", recursive.addr()).as_str()),
            "{mode:?}"
        );
    }
}

#[tokio::test]
async fn dns_nameservers_off_the_machine_are_replaced_by_the_test_servers() {
    let dns = TestDns::start().await;
    dns.set_ns(
        ZONE,
        "ns1.example.net",
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
    );
    dns.set_txt(NAME, one(WANT));
    let r = check(&checker(&dns)).await;
    assert_eq!(r.outcome, LookupOutcome::Found, "{r:?}");
    assert_eq!(
        r.source.as_deref(),
        Some(format!("authoritative (ns1.example.net, {})", dns.addr()).as_str())
    );
}

#[tokio::test]
async fn dns_large_record_sets_come_over_tcp() {
    // Seven 250-byte records do not fit in one UDP answer; both paths retry over TCP.
    let long: Vec<Vec<String>> = (0..7)
        .map(|i| vec![format!("{i}{}", "a".repeat(249))])
        .collect();
    let mut records = long.clone();
    records.push(vec![WANT.into()]);
    let recursive = TestDns::start().await;
    recursive.set_txt(NAME, records.clone());
    let r = check(&checker(&recursive)).await;
    assert_eq!(
        (r.outcome, r.values.len()),
        (LookupOutcome::Found, 8),
        "{r:?}"
    );

    let authoritative = TestDns::start().await;
    recursive.set_ns(ZONE, "ns1.acme.test", LOOPBACK);
    authoritative.set_txt(NAME, records);
    let c = checker(&recursive).with_authoritative_port(authoritative.addr().port());
    let r = check(&c).await;
    assert_eq!(
        (r.outcome, r.values.len()),
        (LookupOutcome::Found, 8),
        "{r:?}"
    );
    assert!(
        r.source
            .as_deref()
            .is_some_and(|s| s.starts_with("authoritative")),
        "{r:?}"
    );
    assert_eq!(authoritative.queries(), 2, "UDP, truncated, then TCP");
}

#[test]
fn dns_checker_settings_are_checked() {
    assert!(DnsChecker::new(Some(vec![]), Duration::from_secs(1)).is_err());
    assert!(DnsChecker::new(Some(vec!["127.0.0.1:53".parse().unwrap()]), Duration::ZERO).is_err());
}
