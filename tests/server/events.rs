//! The event log (issue 16 §1): every change writes its event in the same transaction, and the
//! log reads back in commit order.

use crate::*;
use portico::server::store::{EventFilter, EventRow, NewEvent};

/// Every event of the app's environment, oldest first, straight from the store.
pub async fn logged(app: &App) -> Vec<EventRow> {
    app.state
        .store
        .events_after(&EventFilter {
            limit: 10_000,
            ..EventFilter::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn organization_changes_log_the_organization_as_the_api_returns_it() {
    let app = App::new().await;
    let id = app.org("Acme").await;
    app.advance(60);
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/organizations/{id}"),
            Some(json!({ "name": "Acme Inc" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let after_patch = r.body.clone();
    app.advance(60);
    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    // Deleting what is gone changes nothing and logs nothing.
    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    let log = logged(&app).await;
    let types: Vec<_> = log.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "organization.created",
            "organization.updated",
            "organization.deleted"
        ]
    );
    for (e, at) in log.iter().zip([T0, T0 + 60, T0 + 120]) {
        assert!(e.id.starts_with("evt_"), "{}", e.id);
        assert_eq!(e.organization_id.as_deref(), Some(id.as_str()));
        assert_eq!(e.environment_name, "development");
        assert_eq!(e.created_at, at);
    }
    assert!(log.windows(2).all(|w| w[0].seq < w[1].seq));
    let updated: Value = serde_json::from_str(&log[1].data).unwrap();
    assert_eq!(updated, after_patch);
    let deleted: Value = serde_json::from_str(&log[2].data).unwrap();
    assert_eq!(deleted["name"], "Acme Inc");
}

#[tokio::test]
async fn a_change_and_its_event_commit_together_or_not_at_all() {
    let app = App::new().await;
    let org_id = app.org("Acme").await;
    let env = app
        .state
        .store
        .organization_by_id(&org_id)
        .await
        .unwrap()
        .unwrap()
        .environment_id;
    let first = logged(&app).await.remove(0);

    // The change fails (duplicate external id): no event.
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "A", "external_id": "x" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let before = logged(&app).await.len();
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "B", "external_id": "x" })),
        )
        .await;
    assert_error(&r, 409, "duplicate_external_id");
    assert_eq!(logged(&app).await.len(), before);

    // The event fails (its id is taken): the change is rolled back with it.
    let mut org = app
        .state
        .store
        .organization_by_id(&org_id)
        .await
        .unwrap()
        .unwrap();
    org.name = "Renamed".into();
    let clash = NewEvent {
        id: first.id.clone(),
        environment_id: env,
        event_type: "organization.updated".into(),
        organization_id: Some(org_id.clone()),
        created_at: T0,
        data: "{}".into(),
    };
    assert!(app
        .state
        .store
        .update_organization(&org, &[clash])
        .await
        .is_err());
    let kept = app
        .state
        .store
        .organization_by_id(&org_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.name, "Acme");
    assert_eq!(logged(&app).await.len(), before);

    // A write that changes nothing (its row is gone) logs nothing.
    let mut gone = kept.clone();
    gone.id = "org_gone".into();
    let event = portico::server::service::organization_event(
        portico::api::event::EventType::OrganizationUpdated,
        &gone,
        T0,
    )
    .unwrap();
    app.state
        .store
        .update_organization(&gone, &[event])
        .await
        .unwrap();
    assert_eq!(logged(&app).await.len(), before);
}

/// The logged events of one type, their `data` parsed.
async fn of_type(app: &App, t: &str) -> Vec<(EventRow, Value)> {
    logged(app)
        .await
        .into_iter()
        .filter(|e| e.event_type == t)
        .map(|e| {
            let data = serde_json::from_str(&e.data).unwrap();
            (e, data)
        })
        .collect()
}

/// The one event of type `t`, asserting there is exactly one and that it is `org`'s.
async fn one(app: &App, t: &str, org: &str) -> Value {
    let found = of_type(app, t).await;
    assert_eq!(found.len(), 1, "{t}: {found:?}");
    let (e, data) = found.into_iter().next().unwrap();
    assert_eq!(e.organization_id.as_deref(), Some(org), "{t}");
    data
}

#[tokio::test]
async fn a_connection_s_life_and_its_sign_ins_each_log_their_event() {
    use crate::login_flow::{authorize, live, sign_in, CALLBACK};
    use crate::signin_flow::{new_idp, post_acs, response, start};
    let app = App::new().await;
    let idp = new_idp();
    // Organization, connection (created and configured through the vendor API), a verified
    // domain, a portal link used, a passed test, activation.
    let (org, conn, client, _) = live(&app, &idp).await;

    // A production sign-in that passes, and one the organization refuses (outside its domains).
    for (email, id) in [("ada@example.com", "_ok"), ("eve@elsewhere.test", "_no")] {
        let started = authorize(
            &app,
            &[
                ("client_id", &client),
                ("redirect_uri", CALLBACK),
                ("organization", &org),
            ],
        )
        .await;
        sign_in(&app, &idp, &conn, &started, email, id).await;
    }
    // A test answered by another key fails with its diagnosis.
    let admin = app.admin(&org, "sso").await;
    let (_, request_id, relay) = start(&admin, &conn).await;
    let intruder = new_idp();
    let xml = response(
        &intruder,
        &conn,
        Some(&request_id),
        "_x",
        &[("email", "ada@example.com")],
        T0,
    );
    post_acs(&app, &conn, &xml, Some(&relay)).await;
    // The vendor takes it out of use, then deletes it.
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{conn}"),
            Some(json!({ "state": "configured" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_error(
        &app.vendor(Method::DELETE, &format!("/api/v1/connections/{conn}"), None)
            .await,
        404,
        "connection_not_found",
    );

    // Each type, once, about this organization, with the resource as the API shows it.
    assert_eq!(
        one(&app, "organization.created", &org).await["id"],
        org.as_str()
    );
    let created = one(&app, "connection.created", &org).await;
    assert_eq!(
        (created["id"].as_str(), created["state"].as_str()),
        (Some(conn.as_str()), Some("draft"))
    );
    let configured = one(&app, "connection.configured", &org).await;
    assert_eq!(configured["state"], "configured");
    assert_eq!(
        configured["saml"]["idp_entity_id"],
        crate::signin_flow::IDP,
        "{configured}"
    );
    assert_eq!(
        one(&app, "connection.activated", &org).await["state"],
        "active"
    );
    assert_eq!(
        one(&app, "connection.deactivated", &org).await["state"],
        "configured"
    );
    assert_eq!(
        one(&app, "connection.deleted", &org).await["id"],
        conn.as_str()
    );
    let passed = one(&app, "connection.test_succeeded", &org).await;
    assert_eq!(
        (
            passed["connection"]["id"].as_str(),
            passed["test"]["outcome"].as_str()
        ),
        (Some(conn.as_str()), Some("success")),
        "{passed}"
    );
    let failed = one(&app, "connection.test_failed", &org).await;
    assert_eq!(
        failed["error_code"], "saml_certificate_mismatch",
        "{failed}"
    );
    assert_eq!(
        failed["test"]["diagnosis"]["code"],
        "saml_certificate_mismatch"
    );
    let domain = one(&app, "domain.created", &org).await;
    assert_eq!(domain["domain"], "example.com");
    let verified = one(&app, "domain.verified", &org).await;
    assert_eq!(
        (
            verified["state"].as_str(),
            verified["verification_method"].as_str()
        ),
        (Some("verified"), Some("manual"))
    );
    // Two links were minted (the test's admin and this one) and both used.
    let links = of_type(&app, "portal_link.created").await;
    assert_eq!(links.len(), 2);
    assert!(links
        .iter()
        .all(|(e, d)| e.organization_id.as_deref() == Some(&org)
            && d["intent"] == "sso"
            && d.get("url").is_none()));
    assert_eq!(of_type(&app, "portal_link.redeemed").await.len(), 2);
    let ok = one(&app, "sign_in.succeeded", &org).await;
    assert_eq!(
        (ok["connection_id"].as_str(), ok["outcome"].as_str()),
        (Some(conn.as_str()), Some("success")),
        "{ok}"
    );
    assert!(
        ok["profile_id"]
            .as_str()
            .is_some_and(|p| p.starts_with("prof_")),
        "{ok}"
    );
    let refused = one(&app, "sign_in.failed", &org).await;
    assert_eq!(
        refused["error_code"], "email_outside_organization_domains",
        "{refused}"
    );

    // In commit order: the test passed before the connection was activated, which came before
    // its deactivation and deletion.
    let order: Vec<String> = logged(&app)
        .await
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    let at = |t: &str| order.iter().position(|x| x == t).unwrap();
    assert!(at("organization.created") < at("connection.created"));
    assert!(at("connection.created") < at("connection.configured"));
    assert!(at("connection.test_succeeded") < at("connection.activated"));
    assert!(at("connection.activated") < at("connection.deactivated"));
    assert!(at("connection.deactivated") < at("connection.deleted"));
}

#[tokio::test]
async fn domains_log_added_verified_failed_and_removed() {
    use crate::dns::dns_server::TestDns;
    let dns = TestDns::start().await;
    let addr = dns.addr();
    let app = App::with(move |s| s.dns_servers = Some(vec![addr])).await;
    let org = app.org("Acme").await;
    let add = |d: &'static str| {
        let app = &app;
        let org = org.clone();
        async move {
            let r = app
                .vendor(
                    Method::POST,
                    &format!("/api/v1/organizations/{org}/domains"),
                    Some(json!({ "domain": d })),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.body
        }
    };
    // Verified by its TXT record, found by a check.
    let good = add("good.test").await;
    dns.set_txt(
        good["record_name"].as_str().unwrap(),
        vec![vec![good["record_value"].as_str().unwrap().into()]],
    );
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/domains/{}/check", good["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(r.body["state"], "verified", "{}", r.text);
    // A check that finds it again is no news.
    app.vendor(
        Method::POST,
        &format!("/api/v1/domains/{}/check", good["id"].as_str().unwrap()),
        None,
    )
    .await;
    // Never published: the window ends and the background check fails it.
    let late = add("late.test").await;
    app.clock
        .0
        .store(T0 + 31 * 86_400, std::sync::atomic::Ordering::SeqCst);
    portico::server::domains::sweep(&app.state).await.unwrap();
    let r = app
        .vendor(
            Method::DELETE,
            &format!("/api/v1/domains/{}", late["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);

    let created = of_type(&app, "domain.created").await;
    assert_eq!(created.len(), 2);
    let verified = one(&app, "domain.verified", &org).await;
    assert_eq!(
        (
            verified["id"].clone(),
            verified["verification_method"].clone()
        ),
        (good["id"].clone(), json!("dns")),
        "{verified}"
    );
    let failed = one(&app, "domain.verification_failed", &org).await;
    assert_eq!(
        (failed["id"].clone(), failed["state"].clone()),
        (late["id"].clone(), json!("failed"))
    );
    let deleted = one(&app, "domain.deleted", &org).await;
    assert_eq!(deleted["id"], late["id"]);
}

#[tokio::test]
async fn custom_hostnames_log_when_they_go_live_and_when_dns_moves_away() {
    use crate::dns::dns_server::TestDns;
    let dns = TestDns::start().await;
    let addr = dns.addr();
    let app = App::with(move |s| s.dns_servers = Some(vec![addr])).await;
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/custom_domains",
            Some(json!({ "hostname": "sso.vendor.test" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let check = || {
        app.vendor(
            Method::POST,
            Box::leak(format!("/api/v1/custom_domains/{id}/check").into_boxed_str()),
            None,
        )
    };
    check().await;
    assert!(
        of_type(&app, "custom_domain.failed").await.is_empty(),
        "waiting for DNS is not a failure"
    );
    dns.set_cname("sso.vendor.test", "portal.test");
    assert_eq!(check().await.body["state"], "active");
    check().await;
    dns.remove("sso.vendor.test");
    dns.set_cname("sso.vendor.test", "elsewhere.test");
    let r = check().await;
    assert!(r.body["warning"].is_string(), "{}", r.text);
    check().await;

    let verified = of_type(&app, "custom_domain.verified").await;
    assert_eq!(verified.len(), 1);
    assert_eq!(
        (
            verified[0].1["id"].as_str(),
            verified[0].1["state"].as_str()
        ),
        (Some(id.as_str()), Some("active"))
    );
    assert_eq!(
        verified[0].0.organization_id, None,
        "a hostname is the environment's"
    );
    let failed = of_type(&app, "custom_domain.failed").await;
    assert_eq!(failed.len(), 1, "once, when the warning appears");
    assert!(failed[0].1["warning"].is_string());
}

#[tokio::test]
async fn certificates_warn_before_expiry_once_per_threshold_and_rotation_is_logged() {
    use crate::refresh::metadata_url_connection;
    let app = App::new().await;
    let (org, conn, doc, _) = metadata_url_connection(&app).await;
    let row = app.state.store.connection(&conn).await.unwrap().unwrap();
    let saml: portico::server::connections::StoredSaml =
        serde_json::from_str(row.config.as_deref().unwrap()).unwrap();
    let cert = &saml.certificates[0];
    let not_after = cert.not_after;
    let warn = || portico::server::refresh::expiry_warnings(&app.state);
    let set = |t: i64| app.clock.0.store(t, std::sync::atomic::Ordering::SeqCst);

    // Far from expiry: nothing. 89 days before: the 90-day warning, once.
    set(not_after - 200 * 86_400);
    assert_eq!(warn().await.unwrap(), 0);
    set(not_after - 89 * 86_400);
    assert_eq!(warn().await.unwrap(), 1);
    assert_eq!(warn().await.unwrap(), 0, "once per threshold");
    // Skipping past 30 straight to 6.5 days before: only the nearest threshold fires.
    set(not_after - 6 * 86_400 - 43_200);
    assert_eq!(warn().await.unwrap(), 1);
    set(not_after - 3_600);
    assert_eq!(warn().await.unwrap(), 1);
    set(not_after + 1);
    assert_eq!(warn().await.unwrap(), 0, "expired is no longer 'expiring'");
    let warnings = of_type(&app, "connection.certificate_expiring").await;
    let days: Vec<_> = warnings
        .iter()
        .map(|(_, d)| {
            (
                d["threshold_days"].as_i64().unwrap(),
                d["days_until_expiry"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(days, [(90, 89), (7, 7), (1, 1)]);
    for (e, d) in &warnings {
        assert_eq!(e.organization_id.as_deref(), Some(org.as_str()));
        assert_eq!(d["connection"]["id"], conn.as_str());
        assert_eq!(
            d["certificate"]["sha256_fingerprint"],
            cert.sha256_fingerprint.as_str()
        );
    }

    // A refresh that brings a new signing certificate logs the rotation.
    let (rotated, _) = idp_metadata("https://idp.example.com", "https://idp.example.com/sso");
    doc.lock().unwrap().1 = rotated;
    set(T0 + 3 * 86_400);
    assert_eq!(
        portico::server::refresh::refresh_due(&app.state)
            .await
            .unwrap(),
        1
    );
    let rotation = one(&app, "connection.certificate_rotated", &org).await;
    assert_eq!(rotation["connection"]["id"], conn.as_str());
    assert_eq!(rotation["added"].as_array().unwrap().len(), 1, "{rotation}");
    assert_eq!(
        rotation["removed"][0]["sha256_fingerprint"],
        cert.sha256_fingerprint.as_str()
    );
    // Re-reading the same document is no rotation.
    set(T0 + 6 * 86_400);
    portico::server::refresh::refresh_due(&app.state)
        .await
        .unwrap();
    assert_eq!(
        of_type(&app, "connection.certificate_rotated").await.len(),
        1
    );
}

#[tokio::test]
async fn the_vendor_api_pages_the_log_by_cursor_and_filters_it() {
    let app = App::new().await;
    let a = app.org("A").await;
    let b = app.org("B").await;
    for (org, name) in [(&a, "A2"), (&b, "B2"), (&a, "A3")] {
        let r = app
            .vendor(
                Method::PATCH,
                &format!("/api/v1/organizations/{org}"),
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // 5 events: created A, created B, updated A, updated B, updated A.
    let r = app
        .vendor(Method::GET, "/api/v1/events?limit=2", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["has_more"], true);
    let e = &r.body["data"][0];
    assert_eq!(
        (e["type"].as_str(), e["organization_id"].as_str()),
        (Some("organization.created"), Some(a.as_str()))
    );
    assert_eq!(
        (e["environment"].as_str(), e["created_at"].as_str()),
        (Some("development"), Some("2026-11-23T00:00:00Z"))
    );
    assert_eq!(e["data"]["name"], "A");
    let mut seen: Vec<String> = Vec::new();
    let mut after = String::new();
    loop {
        let r = app
            .vendor(
                Method::GET,
                &format!("/api/v1/events?limit=2&after={after}"),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        for e in r.body["data"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_owned());
        }
        after = r.body["next_after"].as_str().unwrap().to_owned();
        if r.body["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(&after, seen.last().unwrap());
    // An empty page keeps the cursor, to poll again with.
    let r = app
        .vendor(Method::GET, &format!("/api/v1/events?after={after}"), None)
        .await;
    assert_eq!(
        (r.body["data"].clone(), r.body["next_after"].clone()),
        (json!([]), json!(after))
    );

    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/events?organization_id={b}&types=organization.updated"),
            None,
        )
        .await;
    let data = r.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{}", r.text);
    assert_eq!(data[0]["data"]["name"], "B2");
    let r = app
        .vendor(
            Method::GET,
            "/api/v1/events?types=organization.created,connection.activated",
            None,
        )
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 2, "{}", r.text);

    // Refusals name the field and say what to do.
    let e = assert_error(
        &app.vendor(
            Method::GET,
            "/api/v1/events?types=organization.exploded",
            None,
        )
        .await,
        422,
        "validation_failed",
    );
    let m = e["fields"]["types"].as_str().unwrap();
    assert!(
        m.contains("organization.exploded") && m.contains("organization.created"),
        "{m}"
    );
    let e = assert_error(
        &app.vendor(Method::GET, "/api/v1/events?after=evt_nope", None)
            .await,
        422,
        "validation_failed",
    );
    assert!(
        e["fields"]["after"].as_str().unwrap().contains("evt_nope"),
        "{e}"
    );
    for bad in [
        "types=",
        "types=organization.created,",
        "types=organization.created,%20domain.verified",
    ] {
        let e = assert_error(
            &app.vendor(Method::GET, &format!("/api/v1/events?{bad}"), None)
                .await,
            422,
            "validation_failed",
        );
        assert!(e["fields"]["types"].is_string(), "{bad}: {e}");
    }
    for bad in [
        "limit=0",
        "limit=101",
        "limit=ten",
        "limit=",
        "limit=%205",
        "limit=+5",
    ] {
        let e = assert_error(
            &app.vendor(Method::GET, &format!("/api/v1/events?{bad}"), None)
                .await,
            422,
            "validation_failed",
        );
        assert!(e["fields"]["limit"].is_string(), "{bad}: {e}");
    }
    assert_error(
        &app.vendor(Method::GET, "/api/v1/events?since=1", None)
            .await,
        422,
        "validation_failed",
    );
    assert_error(
        &app.raw(Request::get("/api/v1/events").body(Body::empty()).unwrap())
            .await,
        401,
        "unauthorized",
    );

    // Another environment's key sees none of these, and cannot use their ids as cursors.
    let staging =
        portico::server::service::ensure_environment(app.state.store.as_ref(), "staging", T0)
            .await
            .unwrap();
    let (_, key) =
        portico::server::service::create_api_key(app.state.store.as_ref(), &staging, "s", T0)
            .await
            .unwrap();
    let as_staging = |path: String| {
        let req = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .body(Body::empty())
            .unwrap();
        app.raw(req)
    };
    assert_eq!(
        as_staging("/api/v1/events".into()).await.body["data"],
        json!([])
    );
    assert_error(
        &as_staging(format!("/api/v1/events?after={after}")).await,
        422,
        "validation_failed",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paging_while_others_write_sees_every_event_once_in_order() {
    let app = Arc::new(App::new().await);
    const WRITERS: usize = 4;
    const EACH: usize = 15;
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let app = app.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                let r = app
                    .vendor(
                        Method::POST,
                        "/api/v1/organizations",
                        Some(json!({ "name": format!("W{w}-{i}") })),
                    )
                    .await;
                assert_eq!(r.status, 201, "{}", r.text);
            }
        }));
    }
    let reader = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut seen: Vec<String> = Vec::new();
            let mut after = String::new();
            let mut idle = 0;
            while seen.len() < WRITERS * EACH && idle < 2_000 {
                let r = app
                    .vendor(
                        Method::GET,
                        &format!("/api/v1/events?limit=3&after={after}"),
                        None,
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
                let page = r.body["data"].as_array().unwrap().clone();
                if page.is_empty() {
                    idle += 1;
                    tokio::task::yield_now().await;
                }
                for e in page {
                    seen.push(e["data"]["name"].as_str().unwrap().to_owned());
                }
                if let Some(n) = r.body["next_after"].as_str() {
                    after = n.to_owned();
                }
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = reader.await.unwrap();
    // Everything, once.
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (WRITERS * EACH, WRITERS * EACH));
    // In the order of the log (commit order), which keeps each writer's own order.
    let log: Vec<String> = logged(&app)
        .await
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(&e.data).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(seen, log);
    for w in 0..WRITERS {
        let mine: Vec<_> = seen
            .iter()
            .filter(|n| n.starts_with(&format!("W{w}-")))
            .cloned()
            .collect();
        let expected: Vec<_> = (0..EACH).map(|i| format!("W{w}-{i}")).collect();
        assert_eq!(mine, expected);
    }
}

#[tokio::test]
async fn old_events_are_purged_after_the_retention() {
    let app = App::with(|s| s.event_retention_seconds = 10 * 86_400).await;
    app.org("Old").await;
    app.advance(9 * 86_400);
    app.org("Recent").await;
    app.advance(86_400 + 1);
    assert_eq!(
        portico::server::jobs::purge_events(&app.state)
            .await
            .unwrap(),
        1
    );
    let left = logged(&app).await;
    assert_eq!(left.len(), 1);
    assert!(left[0].data.contains("Recent"));
}

#[tokio::test]
async fn the_command_line_lists_and_tails_the_log() {
    use std::io::{BufRead, BufReader};
    let app = App::new().await;
    let org = app.org("Acme").await;
    app.vendor(
        Method::PATCH,
        &format!("/api/v1/organizations/{org}"),
        Some(json!({ "name": "Acme 2" })),
    )
    .await;
    let (ok, out, err) = portico_cli(app.dir.path(), &["events", "list"]);
    assert!(ok, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[1]["type"], "organization.updated");
    let first = lines[0]["id"].as_str().unwrap();
    let (ok, out, _) = portico_cli(app.dir.path(), &["events", "list", "--after", first]);
    assert!(ok);
    assert_eq!(out.lines().count(), 1);
    let (ok, out, _) = portico_cli(
        app.dir.path(),
        &["events", "list", "--type", "organization.created"],
    );
    assert!(ok);
    assert_eq!(out.lines().count(), 1);
    let (ok, _, err) = portico_cli(app.dir.path(), &["events", "list", "--type", "org.made"]);
    assert!(!ok && err.contains("org.made"), "{err}");

    // `tail` prints what happens from now on, not what was before.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .args([
            "events",
            "tail",
            "--type",
            "organization.created",
            "--data-dir",
        ])
        .arg(app.dir.path())
        .current_dir(app.dir.path())
        .env_remove("PORTICO_SECRET_KEY")
        .env_remove("PORTICO_DATA_DIR")
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Give it time to find the end of the log, then make news.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    app.vendor(
        Method::PATCH,
        &format!("/api/v1/organizations/{org}"),
        Some(json!({ "name": "Acme 3" })),
    )
    .await;
    let new_org = app.org("Globex").await;
    let line = rx.recv_timeout(std::time::Duration::from_secs(10));
    let _ = child.kill();
    let _ = child.wait();
    let event: Value = serde_json::from_str(&line.unwrap()).unwrap();
    assert_eq!(
        (event["type"].as_str(), event["organization_id"].as_str()),
        (Some("organization.created"), Some(new_org.as_str()))
    );
    assert!(
        rx.try_recv().is_err(),
        "only the one new event of that type"
    );
}

#[test]
fn the_readme_lists_every_event_type_and_only_those() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("<!-- event-types:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- event-types:end -->").next())
        .expect("README has the event-types markers");
    // Every `a.b` in backticks in the section is a type name.
    let mut listed: Vec<String> = section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| w.contains('.') && !w.contains(' '))
        .map(str::to_owned)
        .collect();
    listed.sort();
    listed.dedup();
    let mut known: Vec<String> = portico::api::event::EventType::ALL
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    known.sort();
    assert_eq!(
        listed, known,
        "README's Events list and EventType::ALL differ"
    );
}

#[tokio::test]
async fn events_leave_out_the_admins_unsaved_form_input() {
    // A draft may hold a pasted metadata document: copied into every event and webhook it would
    // only cost space, and it is no fact about the connection.
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    let big = "x".repeat(200_000);
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/draft"),
            Some(json!({ "draft": { "metadata_xml": big } })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let log = logged(&app).await;
    let deleted = log
        .iter()
        .find(|e| e.event_type == "connection.deleted")
        .expect("connection.deleted");
    let data: Value = serde_json::from_str(&deleted.data).unwrap();
    assert_eq!(data["id"], conn.as_str());
    assert_eq!(data["draft"], json!({}));
    assert!(deleted.data.len() < 20_000, "{} bytes", deleted.data.len());
}

#[tokio::test]
async fn failed_sign_ins_past_the_minute_s_cap_stay_out_of_the_event_log() {
    use crate::login_flow::{authorize, live, sign_in, CALLBACK};
    use crate::signin_flow::new_idp;
    let app = App::with(|s| s.signin_failure_events_per_connection = 2).await;
    let idp = new_idp();
    let (org, conn, client, _) = live(&app, &idp).await;
    let attempt = |n: usize, email: &'static str| {
        let (app, idp, conn, client, org) = (&app, &idp, &conn, &client, &org);
        async move {
            let started = authorize(
                app,
                &[
                    ("client_id", client),
                    ("redirect_uri", CALLBACK),
                    ("organization", org),
                ],
            )
            .await;
            sign_in(app, idp, conn, &started, email, &format!("_a{n}")).await;
        }
    };
    // Three refusals in one minute (outside the organization's domains), then a success.
    for n in 0..3 {
        attempt(n, "eve@elsewhere.test").await;
    }
    attempt(3, "ada@example.com").await;
    assert_eq!(of_type(&app, "sign_in.failed").await.len(), 2);
    assert_eq!(
        of_type(&app, "sign_in.succeeded").await.len(),
        1,
        "successes are never capped"
    );
    // All three failures are in the connection's sign-in log.
    let log = app
        .vendor(
            Method::GET,
            &format!("/api/v1/connections/{conn}/sign_ins"),
            None,
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    let failed = log.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "failure")
        .count();
    assert_eq!(failed, 3, "{}", log.text);
    // The next minute has its own allowance.
    app.advance(60);
    attempt(4, "eve@elsewhere.test").await;
    assert_eq!(of_type(&app, "sign_in.failed").await.len(), 3);
}
