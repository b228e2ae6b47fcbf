//! Domain verification against a real DNS server on 127.0.0.1 (started in-process, records
//! changed while it runs), through the portal and vendor APIs, with the test's clock.

use super::dns::dns_server::{Mode, TestDns};
use super::*;

async fn app_with_dns(dns: &TestDns) -> App {
    let addr = dns.addr();
    App::with(move |s| s.dns_servers = Some(vec![addr])).await
}

async fn add(app: &App, org: &str, domain: &str) -> Resp {
    app.vendor(
        Method::POST,
        &format!("/api/v1/organizations/{org}/domains"),
        Some(json!({ "domain": domain })),
    )
    .await
}

async fn check(app: &App, id: &str) -> Value {
    let r = app
        .vendor(Method::POST, &format!("/api/v1/domains/{id}/check"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

async fn sweep(app: &App) -> portico::server::domains::SweepStats {
    portico::server::domains::sweep(&app.state).await.unwrap()
}

#[tokio::test]
async fn domains_are_validated_stored_in_ascii_and_shown_in_unicode() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let org = app.org("Acme").await;
    for (bad, says) in [
        ("co.uk", "public suffix"),
        ("192.0.2.1", "IP address"),
        ("localhost", "localhost"),
        ("https://acme.com/login", "without https://"),
        ("ada@acme.com", "domain part"),
        ("acme", "not a domain name"),
    ] {
        let r = add(&app, &org, bad).await;
        let e = assert_error(&r, 422, "validation_failed");
        assert!(
            e["fields"]["domain"].as_str().unwrap().contains(says),
            "{bad}: {e}"
        );
    }
    let r = add(&app, &org, " Bücher.Example. ").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["domain"], "xn--bcher-kva.example");
    assert_eq!(r.body["display_name"], "bücher.example");
    assert_eq!(r.body["state"], "pending");
    assert_eq!(r.body["record_type"], "TXT");
    assert_eq!(
        r.body["record_name"],
        "_portico-challenge.xn--bcher-kva.example"
    );
    let value = r.body["record_value"].as_str().unwrap();
    assert!(
        value.starts_with("portico-verification=")
            && value.len() == "portico-verification=".len() + 32,
        "{value}"
    );
    assert_error(
        &add(&app, &org, "bücher.example").await,
        409,
        "domain_duplicate",
    );
    // A subdomain of a registrable domain is fine.
    assert_eq!(
        add(&app, &org, "eu.acme.co.uk").await.status,
        StatusCode::CREATED
    );

    // Verified by one organization: refused for another, without saying which.
    let id = add(&app, &org, "acme.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.vendor(Method::POST, &format!("/api/v1/domains/{id}/verify"), None)
        .await;
    let other = app.org("Other").await;
    let r = add(&app, &other, "ACME.com").await;
    let e = assert_error(&r, 409, "domain_taken");
    assert!(
        !e.to_string().contains(&org) && !e.to_string().contains("Acme"),
        "{e}"
    );
}

#[tokio::test]
async fn check_now_reports_what_dns_says_until_the_record_is_right() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let org = app.org("Acme").await;
    let d = add(&app, &org, "acme.test").await.body;
    let (id, name, value) = (
        d["id"].as_str().unwrap().to_owned(),
        d["record_name"].as_str().unwrap().to_owned(),
        d["record_value"].as_str().unwrap().to_owned(),
    );

    let r = check(&app, &id).await;
    assert_eq!(r["state"], "pending");
    assert_eq!(r["last_result"]["outcome"], "no_such_name", "{r}");
    assert_eq!(unix(&r["last_checked_at"]), T0);

    // A typo in the value is shown as found.
    dns.set_txt(&name, vec![vec!["portico-verification=nope".into()]]);
    let r = check(&app, &id).await;
    assert_eq!(r["last_result"]["outcome"], "wrong_value", "{r}");
    assert_eq!(
        r["last_result"]["values"],
        json!(["portico-verification=nope"])
    );

    // The name exists with another type only.
    dns.remove(&name);
    dns.set_a(&name, "192.0.2.10".parse().unwrap());
    assert_eq!(check(&app, &id).await["last_result"]["outcome"], "no_txt");

    // A timeout is a lookup error: retried, never "not found", state unchanged.
    dns.set_mode(Mode::Timeout);
    let r = check(&app, &id).await;
    assert_eq!(r["last_result"]["outcome"], "lookup_error", "{r}");
    assert_eq!(r["state"], "pending");
    assert!(opt_unix(&r["next_check_at"]).is_some());
    dns.set_mode(Mode::ServFail);
    assert_eq!(
        check(&app, &id).await["last_result"]["outcome"],
        "lookup_error"
    );
    dns.set_mode(Mode::Normal);

    // Several records, one of them ours in two character-strings, with quotes and other case.
    let (head, tail) = value.split_at(12);
    dns.set_txt(
        &name,
        vec![
            vec!["v=spf1 -all".into()],
            vec![head.to_uppercase(), format!("{tail}")],
        ],
    );
    let r = check(&app, &id).await;
    assert_eq!(r["state"], "verified", "{r}");
    assert_eq!(r["verification_method"], "dns");
    assert_eq!(unix(&r["verified_at"]), T0);

    // The portal shows the same, to the organization's admin only.
    let admin = app.admin(&org, "domain_verification").await;
    let l = admin.call(Method::GET, "/portal/api/domains", None).await;
    assert_eq!(l.body["data"][0]["state"], "verified", "{}", l.text);
    let other = app.org("Other").await;
    let stranger = app.admin(&other, "domain_verification").await;
    assert_error(
        &stranger
            .call(
                Method::POST,
                &format!("/portal/api/domains/{id}/check"),
                Some(json!({})),
            )
            .await,
        404,
        "domain_not_found",
    );
    assert_eq!(
        stranger
            .call(Method::GET, "/portal/api/domains", None)
            .await
            .body["data"],
        json!([])
    );
}

#[tokio::test]
async fn the_schedule_backs_off_rechecks_verified_domains_daily_and_survives_a_restart() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let org = app.org("Acme").await;
    let d = add(&app, &org, "sched.test").await.body;
    let (id, name, value) = (
        d["id"].as_str().unwrap().to_owned(),
        d["record_name"].as_str().unwrap().to_owned(),
        d["record_value"].as_str().unwrap().to_owned(),
    );
    assert_eq!(unix(&d["next_check_at"]), T0 + 60);
    assert_eq!(sweep(&app).await.checked, 0, "nothing is due yet");

    // 1 min, 5 min, 15 min, then hourly.
    let mut at = T0;
    for wait in [60, 300, 900, 3600, 3600] {
        at += wait;
        app.clock.0.store(at, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(sweep(&app).await.checked, 1, "checked at +{}", at - T0);
        let v = app
            .vendor(Method::GET, &format!("/api/v1/domains/{id}"), None)
            .await;
        assert_eq!(unix(&v.body["last_checked_at"]), at);
    }

    // Restart safety: a worker claims the domain and dies before checking it. Another process
    // (a new state on the same database) finds nothing due, so nothing is checked twice; after
    // the lease the domain is checked exactly once, and nothing was lost.
    at += 3600;
    app.clock.0.store(at, std::sync::atomic::Ordering::SeqCst);
    let claimed = app
        .state
        .store
        .claim_due_domains(at, at + portico::server::domains::LEASE_SECONDS, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let mut settings = (*app.state.settings).clone();
    settings.dns_servers = Some(vec![dns.addr()]);
    let restarted = portico::server::cli::build_state(settings, app.clock.clone())
        .await
        .unwrap();
    let before = dns.queries();
    assert_eq!(
        portico::server::domains::sweep(&restarted)
            .await
            .unwrap()
            .checked,
        0
    );
    assert_eq!(dns.queries(), before, "no lookup for a claimed domain");
    app.clock.0.store(
        at + portico::server::domains::LEASE_SECONDS,
        std::sync::atomic::Ordering::SeqCst,
    );
    dns.set_txt(&name, vec![vec![value.clone()]]);
    let s = portico::server::domains::sweep(&restarted).await.unwrap();
    assert_eq!((s.checked, s.verified), (1, 1));
    assert_eq!(
        portico::server::domains::sweep(&restarted)
            .await
            .unwrap()
            .checked,
        0,
        "not checked twice in one slot"
    );

    // Verified: re-checked daily; a record that disappears leaves it verified, with a warning.
    let verified_at = at + portico::server::domains::LEASE_SECONDS;
    dns.remove(&name);
    app.clock
        .0
        .store(verified_at + 86_400, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(sweep(&app).await.checked, 1);
    let v = app
        .vendor(Method::GET, &format!("/api/v1/domains/{id}"), None)
        .await;
    assert_eq!(v.body["state"], "verified");
    assert_eq!(unix(&v.body["record_last_seen_at"]), verified_at);
    assert!(
        v.body["warning"].as_str().unwrap().contains("no longer"),
        "{}",
        v.text
    );
    // Back again: the warning goes.
    dns.set_txt(&name, vec![vec![value]]);
    app.clock.0.store(
        verified_at + 2 * 86_400,
        std::sync::atomic::Ordering::SeqCst,
    );
    sweep(&app).await;
    let v = app
        .vendor(Method::GET, &format!("/api/v1/domains/{id}"), None)
        .await;
    assert_eq!(v.body["warning"], Value::Null, "{}", v.text);
}

#[tokio::test]
async fn pending_domains_fail_after_the_window_and_can_be_retried() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let r = app
        .vendor(
            Method::PATCH,
            "/api/v1/environment",
            Some(json!({ "domain_verification_days": 0, "domain_record_prefix": "bad prefix" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["domain_verification_days"].is_string()
            && e["fields"]["domain_record_prefix"].is_string(),
        "{e}"
    );
    let r = app.vendor(Method::PATCH, "/api/v1/environment", Some(json!({ "domain_verification_days": 2, "domain_record_prefix": "_vendor-challenge", "domain_value_prefix": "vendor-verification" }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let org = app.org("Acme").await;
    let d = add(&app, &org, "late.test").await.body;
    assert_eq!(d["record_name"], "_vendor-challenge.late.test");
    assert!(d["record_value"]
        .as_str()
        .unwrap()
        .starts_with("vendor-verification="));
    assert_eq!(unix(&d["fails_at"]), T0 + 2 * 86_400);
    let id = d["id"].as_str().unwrap().to_owned();
    app.clock
        .0
        .store(T0 + 3 * 86_400, std::sync::atomic::Ordering::SeqCst);
    sweep(&app).await;
    let v = app
        .vendor(Method::GET, &format!("/api/v1/domains/{id}"), None)
        .await;
    assert_eq!(v.body["state"], "failed", "{}", v.text);
    assert_eq!(
        v.body["next_check_at"],
        Value::Null,
        "a failed domain waits for the admin"
    );
    // "Try again" gives it a new window.
    let r = check(&app, &id).await;
    assert_eq!(r["state"], "pending");
    assert_eq!(unix(&r["fails_at"]), T0 + 5 * 86_400);
    // And the vendor can remove it.
    assert_eq!(
        app.vendor(Method::DELETE, &format!("/api/v1/domains/{id}"), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &app.vendor(Method::GET, &format!("/api/v1/domains/{id}"), None)
            .await,
        404,
        "domain_not_found",
    );
}

/// A check result stored before instants were RFC 3339 strings (its `checked_at` in unix
/// seconds) still reads, and goes out in the one format.
#[tokio::test]
async fn a_check_result_stored_with_unix_seconds_still_reads() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let org = app.org("Acme").await;
    let id = add(&app, &org, "legacy.test").await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    check(&app, &id).await;
    let store = app.state.store.as_ref();
    let mut row = store.domain(&id).await.unwrap().unwrap();
    let mut stored: Value = serde_json::from_str(row.last_result.as_deref().unwrap()).unwrap();
    assert_eq!(
        stored["checked_at"], "2026-11-23T00:00:00Z",
        "new results store the string"
    );
    stored["checked_at"] = json!(T0 - 3600);
    row.last_result = Some(stored.to_string());
    store.update_domain(&row).await.unwrap();

    let v = app
        .vendor(Method::GET, &format!("/api/v1/domains/{id}"), None)
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(
        v.body["last_result"]["outcome"], "no_such_name",
        "{}",
        v.text
    );
    assert_eq!(unix(&v.body["last_result"]["checked_at"]), T0 - 3600);
}
