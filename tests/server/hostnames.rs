//! Custom hostnames and the resolution of every request to an environment by its hostname,
//! against a real DNS server on 127.0.0.1 (started in-process) and the in-process router.

use super::dns::dns_server::TestDns;
use super::*;
use axum::extract::ConnectInfo;
use std::net::{Ipv4Addr, SocketAddr};

async fn app_with_dns(dns: &TestDns, adjust: impl FnOnce(&mut Settings)) -> App {
    let addr = dns.addr();
    App::with(move |s| {
        s.dns_servers = Some(vec![addr]);
        adjust(s);
    })
    .await
}

/// A request to `host`, optionally from a peer address (as the real server records it).
fn to_host(
    method: Method,
    path: &str,
    host: &str,
    peer: Option<&str>,
) -> axum::http::request::Builder {
    let b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, host);
    match peer {
        Some(p) => b.extension(ConnectInfo(p.parse::<SocketAddr>().unwrap())),
        None => b,
    }
}

async fn vendor_as(app: &App, key: &str, method: Method, path: &str, body: Option<Value>) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    app.raw(
        b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
            .unwrap(),
    )
    .await
}

async fn add(app: &App, hostname: &str) -> Resp {
    app.vendor(
        Method::POST,
        "/api/v1/custom_domains",
        Some(json!({ "hostname": hostname })),
    )
    .await
}

async fn tls_allowed(app: &App, name: &str) -> StatusCode {
    app.raw(
        Request::get(format!("/internal/tls-allowed?domain={name}"))
            .header(header::HOST, "127.0.0.1:2019")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .status
}

#[tokio::test]
async fn a_custom_hostname_goes_active_once_its_cname_points_at_us() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns, |_| {}).await;

    // Refused with a sentence on the field: URLs, our own hostname, public suffixes.
    for bad in [
        "https://sso.vendor.test/",
        "portal.test",
        "co.uk",
        "sso.vendor.test:8443",
        "",
    ] {
        let r = add(&app, bad).await;
        let e = assert_error(&r, 422, "validation_failed");
        assert!(e["fields"]["hostname"].is_string(), "{bad}: {e}");
    }

    let r = add(&app, "SSO.Vendor.test").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["hostname"], "sso.vendor.test");
    assert_eq!(r.body["state"], "pending");
    assert_eq!(
        r.body["dns_record"],
        json!({ "type": "CNAME", "name": "sso.vendor.test", "value": "portal.test" })
    );
    assert_eq!(r.body["last_check"]["outcome"], "no_record", "{}", r.text);
    assert!(r.body["last_check"]["message"]
        .as_str()
        .unwrap()
        .contains("portal.test"));
    assert_eq!(
        unix(&r.body["next_check_at"]),
        T0 + 60,
        "checked again after a minute"
    );
    assert_eq!(
        tls_allowed(&app, "sso.vendor.test").await,
        StatusCode::NOT_FOUND,
        "pending: no certificate"
    );
    // Not served while pending.
    let page = app
        .raw(
            to_host(Method::GET, "/", "sso.vendor.test", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Pointing elsewhere says where.
    dns.set_cname("sso.vendor.test", "old-provider.test");
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/custom_domains/{id}/check"),
            None,
        )
        .await;
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("pending"), json!("wrong_target")),
        "{}",
        r.text
    );
    assert_eq!(r.body["last_check"]["seen"], json!(["old-provider.test"]));

    // The schedule finds the fixed record by itself.
    dns.remove("sso.vendor.test");
    dns.set_cname("sso.vendor.test", "portal.test");
    app.advance(5 * 60 + 1);
    assert_eq!(
        portico::server::hostnames::sweep(&app.state).await.unwrap(),
        1
    );
    let r = app
        .vendor(Method::GET, &format!("/api/v1/custom_domains/{id}"), None)
        .await;
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("active"), json!("cname")),
        "{}",
        r.text
    );
    assert_eq!(r.body["url"], "http://sso.vendor.test");
    assert_eq!(tls_allowed(&app, "sso.vendor.test").await, StatusCode::OK);
    assert_eq!(
        tls_allowed(&app, "SSO.VENDOR.TEST.").await,
        StatusCode::OK,
        "names are compared normalized"
    );
    assert_eq!(tls_allowed(&app, "other.test").await, StatusCode::NOT_FOUND);
    assert_eq!(
        tls_allowed(&app, "portal.test").await,
        StatusCode::NOT_FOUND,
        "only custom hostnames"
    );
    let r = app
        .raw(
            Request::get("/internal/tls-allowed")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // An apex cannot have a CNAME: A records on our addresses count.
    dns.set_a("portal.test", Ipv4Addr::new(127, 0, 0, 9));
    dns.set_a("vendor-apex.test", Ipv4Addr::new(127, 0, 0, 8));
    let r = add(&app, "vendor-apex.test").await;
    assert_eq!(
        r.body["last_check"]["outcome"], "wrong_target",
        "{}",
        r.text
    );
    assert!(
        r.body["last_check"]["message"]
            .as_str()
            .unwrap()
            .contains("127.0.0.9"),
        "{}",
        r.text
    );
    dns.remove("vendor-apex.test");
    dns.set_a("vendor-apex.test", Ipv4Addr::new(127, 0, 0, 9));
    let apex = r.body["id"].as_str().unwrap().to_owned();
    // Our addresses alone are any environment's: the TXT record says whose the name is.
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/custom_domains/{apex}/check"),
            None,
        )
        .await;
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("pending"), json!("ownership_unproven")),
        "{}",
        r.text
    );
    let txt = r.body["ownership_record"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        r.body["last_check"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "TXT record named _portico.vendor-apex.test with the value {txt}"
            )),
        "{}",
        r.text
    );
    dns.set_txt("_portico.vendor-apex.test", vec![vec![txt]]);
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/custom_domains/{apex}/check"),
            None,
        )
        .await;
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("active"), json!("addresses")),
        "{}",
        r.text
    );

    // One hostname, one environment.
    assert_error(
        &add(&app, "sso.vendor.test").await,
        409,
        "custom_domain_taken",
    );
    let list = app
        .vendor(Method::GET, "/api/v1/custom_domains", None)
        .await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 2);

    // An active hostname whose record moves stays active, with a warning.
    dns.remove("sso.vendor.test");
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/custom_domains/{id}/check"),
            None,
        )
        .await;
    assert_eq!(r.body["state"], "active");
    assert!(
        r.body["warning"]
            .as_str()
            .unwrap()
            .contains("no longer points"),
        "{}",
        r.text
    );

    let r = app
        .vendor(
            Method::DELETE,
            &format!("/api/v1/custom_domains/{id}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        tls_allowed(&app, "sso.vendor.test").await,
        StatusCode::NOT_FOUND
    );
    assert_error(
        &app.vendor(Method::GET, &format!("/api/v1/custom_domains/{id}"), None)
            .await,
        404,
        "custom_domain_not_found",
    );
}

#[tokio::test]
async fn each_hostname_serves_its_own_environment_and_nothing_crosses_over() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns, |s| {
        s.trusted_proxies = vec![portico::server::config::IpRange::parse("10.0.0.1").unwrap()]
    })
    .await;
    // Vendor B: its own environment and API key.
    let env_b =
        portico::server::service::ensure_environment(app.state.store.as_ref(), "vendor-b", T0)
            .await
            .unwrap();
    let (_, key_b) =
        portico::server::service::create_api_key(app.state.store.as_ref(), &env_b, "b", T0)
            .await
            .unwrap();
    let env_a = app
        .state
        .store
        .environment_by_name("development")
        .await
        .unwrap()
        .unwrap();

    dns.set_cname("sso.vendor-a.test", "portal.test");
    dns.set_cname("sso.vendor-b.test", "portal.test");
    // Without a base domain both environments' hostname is portal.test: each name's TXT
    // record says which environment it is for.
    for (host, env) in [
        ("sso.vendor-a.test", &env_a.id),
        ("sso.vendor-b.test", &env_b.id),
    ] {
        let record = portico::server::hostnames::ownership_record(env, host);
        dns.set_txt(&record.name, vec![vec![record.value]]);
    }
    let a = add(&app, "sso.vendor-a.test").await;
    assert_eq!(a.body["state"], "active", "{}", a.text);
    let b = vendor_as(
        &app,
        &key_b,
        Method::POST,
        "/api/v1/custom_domains",
        Some(json!({ "hostname": "sso.vendor-b.test" })),
    )
    .await;
    assert_eq!(b.body["state"], "active", "{}", b.text);

    // Each hostname's page carries its environment's theme; an unknown one is a plain 404.
    let page = |host: &'static str| {
        app.raw(
            to_host(Method::GET, "/sso", host, None)
                .body(Body::empty())
                .unwrap(),
        )
    };
    assert!(page("sso.vendor-a.test")
        .await
        .text
        .contains(&format!("/theme/{}/", env_a.id)));
    assert!(page("sso.vendor-b.test")
        .await
        .text
        .contains(&format!("/theme/{}/", env_b.id)));
    let unknown = page("sso.stranger.test").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        !unknown.text.contains("<html") && !unknown.text.contains("/theme/"),
        "{}",
        unknown.text
    );

    // Links are minted on the environment's custom hostname.
    let org_b = vendor_as(
        &app,
        &key_b,
        Method::POST,
        "/api/v1/organizations",
        Some(json!({ "name": "B's customer" })),
    )
    .await;
    let org_b = org_b.body["id"].as_str().unwrap().to_owned();
    let link = vendor_as(
        &app,
        &key_b,
        Method::POST,
        "/api/v1/portal_links",
        Some(json!({ "organization_id": org_b, "intent": "sso" })),
    )
    .await;
    let url = link.body["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://sso.vendor-b.test/setup?token="),
        "{url}"
    );
    let token = url.split("token=").nth(1).unwrap();

    // On another hostname the link is unknown, and stays unused for its own.
    let redeem = |host: &'static str| {
        app.raw(
            to_host(Method::POST, "/portal/api/session", host, None)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({ "token": token }).to_string()))
                .unwrap(),
        )
    };
    assert_error(&redeem("sso.vendor-a.test").await, 404, "link_unknown");
    assert_error(&redeem("portal.test").await, 404, "link_unknown");
    let ok = redeem("sso.vendor-b.test").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let cookie = ok.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = ok.body["csrf_token"].as_str().unwrap().to_owned();

    // The session works on its hostname only.
    let session = |host: &'static str| {
        app.raw(
            to_host(Method::GET, "/portal/api/session", host, None)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
    };
    assert_eq!(session("sso.vendor-b.test").await.status, StatusCode::OK);
    assert_error(&session("sso.vendor-a.test").await, 401, "session_missing");

    // SP values follow the hostname the admin is on, and stay with the connection.
    let created = app
        .raw(
            to_host(
                Method::POST,
                "/portal/api/connections",
                "sso.vendor-b.test",
                None,
            )
            .header(header::COOKIE, &cookie)
            .header("x-portico-csrf", &csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "idp": "okta-saml" }).to_string()))
            .unwrap(),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let conn = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.body["sp"]["acs_url"],
        format!("http://sso.vendor-b.test/sso/saml/{conn}/acs"),
        "{}",
        created.text
    );
    assert_eq!(
        created.body["sp"]["entity_id"],
        format!("http://sso.vendor-b.test/sso/saml/{conn}")
    );
    let metadata = app
        .raw(
            to_host(
                Method::GET,
                &format!("/sso/saml/{conn}/metadata.xml"),
                "sso.vendor-b.test",
                None,
            )
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert!(
        metadata.text.contains(&format!(
            "entityID=\"http://sso.vendor-b.test/sso/saml/{conn}\""
        )),
        "{}",
        metadata.text
    );

    // Forwarded headers count from the trusted proxy only.
    let via = |peer: &'static str| {
        app.raw(
            to_host(Method::GET, "/sso", "portal.test", Some(peer))
                .header("x-forwarded-host", "sso.vendor-b.test")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
    };
    assert!(
        via("10.0.0.1:5000")
            .await
            .text
            .contains(&format!("/theme/{}/", env_b.id)),
        "the trusted proxy picks the hostname"
    );
    assert!(
        via("10.0.0.2:5000")
            .await
            .text
            .contains(&format!("/theme/{}/", env_a.id)),
        "anyone else's header is ignored"
    );
}

#[tokio::test]
async fn without_a_configured_public_url_any_hostname_is_the_default_environment() {
    // A demo on a LAN address: nobody told Portico its name, so it cannot tell a wrong one.
    let open = App::with(|s| s.public_url_configured = false).await;
    let r = open
        .raw(
            to_host(Method::GET, "/healthz", "192.168.1.5:8080", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let link = open.link(&open.org("LAN Co").await, "sso").await;
    let r = open
        .raw(
            to_host(
                Method::POST,
                "/portal/api/session",
                "192.168.1.5:8080",
                None,
            )
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "token": link }).to_string()))
            .unwrap(),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the link works on the address people use: {}",
        r.text
    );
    let cookie = r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let session = |host: &'static str| {
        open.raw(
            to_host(Method::GET, "/portal/api/session", host, None)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
    };
    assert_eq!(session("192.168.1.5:8080").await.status, StatusCode::OK);
    assert_error(&session("portal.test").await, 401, "session_missing");
    let page = open
        .raw(
            to_host(Method::GET, "/sso", "192.168.1.5:8080", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    // With a configured public URL, the same request is refused.
    let strict = App::new().await;
    let page = strict
        .raw(
            to_host(Method::GET, "/sso", "192.168.1.5:8080", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

/// Two environments on one server under a base domain: their own hostnames share the server's
/// address, so A records on that address say nothing about which environment a name is for.
async fn shared_server(dns: &TestDns) -> (App, String) {
    let app = app_with_dns(dns, |s| s.base_domain = Some("portico.test".into())).await;
    let staging =
        portico::server::service::ensure_environment(app.state.store.as_ref(), "staging", T0)
            .await
            .unwrap();
    let (_, key_s) =
        portico::server::service::create_api_key(app.state.store.as_ref(), &staging, "s", T0)
            .await
            .unwrap();
    for name in ["portal.test", "staging.portico.test"] {
        dns.set_a(name, Ipv4Addr::new(127, 0, 0, 9));
    }
    (app, key_s)
}

#[tokio::test]
async fn addresses_of_the_shared_server_do_not_let_another_environment_claim_a_hostname() {
    let dns = TestDns::start().await;
    let (app, key_s) = shared_server(&dns).await;
    let staging = app
        .state
        .store
        .environment_by_name("staging")
        .await
        .unwrap()
        .unwrap();
    let page = |host: &'static str| {
        app.raw(
            to_host(Method::GET, "/sso", host, None)
                .body(Body::empty())
                .unwrap(),
        )
    };

    // Staging's vendor points its apex at the shared server; development registers it first.
    dns.set_a("vendor-s.test", Ipv4Addr::new(127, 0, 0, 9));
    let r = add(&app, "vendor-s.test").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("pending"), json!("ownership_unproven")),
        "A records on the shared address prove nothing: {}",
        r.text
    );
    let dev_id = r.body["id"].as_str().unwrap().to_owned();
    let dev_txt = r.body["ownership_record"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(r.body["ownership_record"]["type"], "TXT");
    assert_eq!(r.body["ownership_record"]["name"], "_portico.vendor-s.test");
    assert!(
        dev_txt.starts_with("portico-hostname=") && dev_txt.len() > 30,
        "{dev_txt}"
    );
    let message = r.body["last_check"]["message"].as_str().unwrap();
    assert!(
        message.contains("_portico.vendor-s.test") && message.contains(&dev_txt),
        "the vendor is told the exact record: {message}"
    );
    assert_eq!(
        tls_allowed(&app, "vendor-s.test").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(page("vendor-s.test").await.status, StatusCode::NOT_FOUND);
    // The schedule does not activate it either.
    app.advance(5 * 60 + 1);
    portico::server::hostnames::sweep(&app.state).await.unwrap();
    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/custom_domains/{dev_id}"),
            None,
        )
        .await;
    assert_eq!(r.body["state"], "pending", "{}", r.text);

    // Staging is refused while nothing names it, and told the exact record that would.
    let r = vendor_as(
        &app,
        &key_s,
        Method::POST,
        "/api/v1/custom_domains",
        Some(json!({ "hostname": "vendor-s.test" })),
    )
    .await;
    let e = assert_error(&r, 409, "custom_domain_taken");
    let record = e["details"]["ownership_record"].clone();
    assert_eq!(record["name"], "_portico.vendor-s.test", "{e}");
    let staging_txt = record["value"].as_str().unwrap().to_owned();
    assert_ne!(staging_txt, dev_txt, "the value is the environment's own");
    assert!(e["message"].as_str().unwrap().contains(&staging_txt), "{e}");
    assert_eq!(
        app.vendor(
            Method::GET,
            &format!("/api/v1/custom_domains/{dev_id}"),
            None
        )
        .await
        .status,
        StatusCode::OK,
        "nothing moved"
    );

    // Another environment's value does not count.
    dns.set_txt("_portico.vendor-s.test", vec![vec![dev_txt.clone()]]);
    let r = vendor_as(
        &app,
        &key_s,
        Method::POST,
        "/api/v1/custom_domains",
        Some(json!({ "hostname": "vendor-s.test" })),
    )
    .await;
    assert_error(&r, 409, "custom_domain_taken");
    // The name's owner publishes staging's value: the name moves to staging, development's
    // registration goes.
    dns.set_txt("_portico.vendor-s.test", vec![vec![staging_txt.clone()]]);
    let r = vendor_as(
        &app,
        &key_s,
        Method::POST,
        "/api/v1/custom_domains",
        Some(json!({ "hostname": "vendor-s.test" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("active"), json!("addresses")),
        "{}",
        r.text
    );
    let staging_id = r.body["id"].as_str().unwrap().to_owned();
    assert_error(
        &app.vendor(
            Method::GET,
            &format!("/api/v1/custom_domains/{dev_id}"),
            None,
        )
        .await,
        404,
        "custom_domain_not_found",
    );
    assert_eq!(tls_allowed(&app, "vendor-s.test").await, StatusCode::OK);
    assert!(
        page("vendor-s.test")
            .await
            .text
            .contains(&format!("/theme/{}/", staging.id)),
        "served as staging"
    );

    // Development cannot take it back while DNS names staging, even with its own value beside.
    assert!(assert_error(
        &add(&app, "vendor-s.test").await,
        409,
        "custom_domain_taken"
    )["message"]
        .as_str()
        .unwrap()
        .contains(&dev_txt));
    dns.set_txt(
        "_portico.vendor-s.test",
        vec![vec![staging_txt.clone()], vec![dev_txt.clone()]],
    );
    let e = assert_error(
        &add(&app, "vendor-s.test").await,
        409,
        "custom_domain_taken",
    );
    assert!(
        e["message"].as_str().unwrap().contains("still shows"),
        "{e}"
    );

    // An active hostname whose proof goes stays active (links keep working), with a warning.
    dns.remove("_portico.vendor-s.test");
    let r = vendor_as(
        &app,
        &key_s,
        Method::POST,
        &format!("/api/v1/custom_domains/{staging_id}/check"),
        None,
    )
    .await;
    assert_eq!(r.body["state"], "active", "{}", r.text);
    assert!(
        r.body["warning"]
            .as_str()
            .unwrap()
            .contains("_portico.vendor-s.test"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn a_cname_to_a_hostname_of_one_environment_alone_is_proof_enough() {
    let dns = TestDns::start().await;
    let (app, key_s) = shared_server(&dns).await;
    dns.set_cname("sso.vendor-s.test", "staging.portico.test");
    // Development's hostname is portal.test: the CNAME is not for it.
    let r = add(&app, "sso.vendor-s.test").await;
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("pending"), json!("wrong_target")),
        "{}",
        r.text
    );
    // Staging's own `<name>.<base domain>` names staging: no TXT record needed, and the
    // registration development could not prove gives way.
    let r = vendor_as(
        &app,
        &key_s,
        Method::POST,
        "/api/v1/custom_domains",
        Some(json!({ "hostname": "sso.vendor-s.test" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        (
            r.body["state"].clone(),
            r.body["last_check"]["outcome"].clone()
        ),
        (json!("active"), json!("cname")),
        "{}",
        r.text
    );
    assert_eq!(r.body["dns_record"]["value"], "staging.portico.test");
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/custom_domains", None)
            .await
            .body["data"],
        json!([])
    );
}

/// A hostname check stored before instants were RFC 3339 strings (its `checked_at` in unix
/// seconds) still reads, and goes out in the one format.
#[tokio::test]
async fn a_hostname_check_stored_with_unix_seconds_still_reads() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns, |_| {}).await;
    let r = add(&app, "legacy.vendor.test").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let store = app.state.store.as_ref();
    let mut row = store.custom_domain(&id).await.unwrap().unwrap();
    let mut stored: Value = serde_json::from_str(row.last_result.as_deref().unwrap()).unwrap();
    assert!(
        stored["checked_at"].is_string(),
        "new checks store the string: {stored}"
    );
    stored["checked_at"] = json!(T0 - 3600);
    row.last_result = Some(stored.to_string());
    store.update_custom_domain(&row).await.unwrap();

    let v = app
        .vendor(Method::GET, &format!("/api/v1/custom_domains/{id}"), None)
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(
        v.body["last_check"]["outcome"], stored["outcome"],
        "{}",
        v.text
    );
    assert_eq!(unix(&v.body["last_check"]["checked_at"]), T0 - 3600);
}
