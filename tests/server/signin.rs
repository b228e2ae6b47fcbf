//! Test sign-in, attribute mapping and activation through the portal and vendor APIs, in-process.
//! The signed round trips are in `signin_flow.rs`; these cover everything around them.

use super::*;

/// A SAML connection configured through the vendor API; returns (org, connection id).
async fn vendor_saml_connection(app: &App, idp: &str) -> (String, String) {
    let org = app.org("Acme").await;
    let (xml, _) = idp_metadata("https://idp.acme.test/entity", "https://idp.acme.test/sso");
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": idp, "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["state"], "configured", "{}", r.text);
    (org, r.body["id"].as_str().unwrap().to_owned())
}

fn form(path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{}={}", k, url_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn custom_attributes_are_validated_and_kept_per_environment() {
    let app = App::new().await;
    let r = app
        .vendor(Method::GET, "/api/v1/custom_attributes", None)
        .await;
    assert_eq!(r.body["data"], json!([]), "{}", r.text);
    let bad = app
        .vendor(Method::PUT, "/api/v1/custom_attributes", Some(json!({ "data": [
            { "name": "Department" }, { "name": "email" }, { "name": "cost_center" }, { "name": "cost_center" }
        ] })))
        .await;
    let e = assert_error(&bad, 422, "validation_failed");
    assert!(
        e["fields"]["data[0].name"]
            .as_str()
            .unwrap()
            .contains("snake_case"),
        "{e}"
    );
    assert!(
        e["fields"]["data[1].name"]
            .as_str()
            .unwrap()
            .contains("already a profile field"),
        "{e}"
    );
    assert!(
        e["fields"]["data[3].name"]
            .as_str()
            .unwrap()
            .contains("twice"),
        "{e}"
    );
    let ok = app
        .vendor(Method::PUT, "/api/v1/custom_attributes", Some(json!({ "data": [{ "name": "department", "required": true, "description": "Team" }] })))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let r = app
        .vendor(Method::GET, "/api/v1/custom_attributes", None)
        .await;
    assert_eq!(r.body["data"][0]["name"], "department");
    assert_eq!(r.body["data"][0]["required"], true);
}

#[tokio::test]
async fn vendor_creates_and_updates_connections_through_the_wizards_validation() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    // Unknown catalog key, missing key, wrong protocol's fields: each explained, nothing created.
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "nope" })),
        )
        .await;
    assert!(assert_error(&r, 422, "validation_failed")["fields"]["idp"]
        .as_str()
        .unwrap()
        .contains("catalog"));
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "okta-saml", "issuer": "https://x" })),
        )
        .await;
    assert!(assert_error(&r, 422, "validation_failed")["message"]
        .as_str()
        .unwrap()
        .contains("SAML"));
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "okta-saml", "metadata_xml": "<nope/>" })),
        )
        .await;
    assert_error(&r, 422, "validation_failed");
    let list = app
        .vendor(
            Method::GET,
            &format!("/api/v1/organizations/{org}/connections"),
            None,
        )
        .await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        0,
        "failed creations must not leave drafts: {}",
        list.text
    );

    let (xml, _) = idp_metadata("https://idp.acme.test/entity", "https://idp.acme.test/sso");
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "entra-saml", "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    // The catalog's defaults for Entra ID are Microsoft's claim URIs.
    assert_eq!(
        r.body["attribute_mapping"]["email"],
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    );
    assert_eq!(
        r.body["sp"]["acs_url"],
        format!("http://portal.test/sso/saml/{id}/acs")
    );
    assert_eq!(r.body["acs_url"], r.body["sp"]["acs_url"]);
    assert_eq!(
        r.body["sp_entity_id"],
        format!("http://portal.test/sso/saml/{id}")
    );
    assert_eq!(
        r.body["sp_metadata_url"],
        format!("http://portal.test/sso/saml/{id}/metadata.xml")
    );
    assert_eq!(r.body["redirect_uri"], Value::Null);
    assert_eq!(r.body["last_test_result"], Value::Null);

    // Mapping: email is required; unknown custom attributes are refused.
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{id}"),
            Some(json!({ "attribute_mapping": { "email": "" } })),
        )
        .await;
    assert!(
        assert_error(&r, 422, "validation_failed")["fields"]["email"]
            .as_str()
            .is_some()
    );
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{id}"),
            Some(json!({ "attribute_mapping": { "email": "mail", "custom": { "dept": "x" } } })),
        )
        .await;
    assert!(
        assert_error(&r, 422, "validation_failed")["fields"]["custom.dept"]
            .as_str()
            .is_some()
    );
    let r = app
        .vendor(Method::PATCH, &format!("/api/v1/connections/{id}"), Some(json!({ "attribute_mapping": { "email": " mail ", "name": "displayName" }, "options": { "allow_sha1": true } })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["attribute_mapping"]["email"], "mail");
    assert_eq!(r.body["attribute_mapping"]["first_name"], Value::Null);
    assert_eq!(r.body["options"]["allow_sha1"], true);

    // Activation needs a successful test; the IdP cannot change.
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{id}"),
            Some(json!({ "state": "active" })),
        )
        .await;
    assert_error(&r, 409, "test_required");
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{id}"),
            Some(json!({ "idp": "okta-saml" })),
        )
        .await;
    assert!(assert_error(&r, 422, "validation_failed")["fields"]["idp"]
        .as_str()
        .unwrap()
        .contains("cannot change"));
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{id}"),
            Some(json!({ "state": "draft" })),
        )
        .await;
    assert_error(&r, 409, "invalid_state");

    // Another environment's key sees nothing.
    let store = app.state.store.as_ref();
    let other = portico::server::service::ensure_environment(store, "production", T0)
        .await
        .unwrap();
    let (_, other_key) = portico::server::service::create_api_key(store, &other, "p", T0)
        .await
        .unwrap();
    let req = Request::get(format!("/api/v1/connections/{id}/tests"))
        .header(header::AUTHORIZATION, format!("Bearer {other_key}"))
        .body(Body::empty())
        .unwrap();
    assert_error(&app.raw(req).await, 404, "connection_not_found");
}

#[tokio::test]
async fn sp_metadata_publishes_an_encryption_certificate_per_connection() {
    let app = App::new().await;
    let (_, a) = vendor_saml_connection(&app, "okta-saml").await;
    let (_, b) = vendor_saml_connection(&app, "okta-saml").await;
    let get = |id: String| {
        let app = &app;
        async move {
            app.raw(
                Request::get(format!("/sso/saml/{id}/metadata.xml"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let (ma, mb) = (get(a.clone()).await, get(b).await);
    assert_eq!(ma.status, StatusCode::OK);
    let doc = roxmltree::Document::parse(&ma.text).unwrap();
    let enc = doc
        .descendants()
        .find(|n| n.has_tag_name("KeyDescriptor") && n.attribute("use") == Some("encryption"))
        .expect("encryption key published");
    let cert_a = enc
        .descendants()
        .find(|n| n.has_tag_name("X509Certificate"))
        .and_then(|n| n.text())
        .unwrap()
        .trim()
        .to_owned();
    assert!(cert_a.len() > 500, "a real certificate: {cert_a}");
    assert!(
        !mb.text.contains(&cert_a),
        "each connection has its own key"
    );
    // The private key is stored encrypted, never as PEM.
    let row = app.state.store.connection(&a).await.unwrap().unwrap();
    let sealed = row.sp_key_enc.unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("PRIVATE KEY"));
    assert!(String::from_utf8(app.state.secrets.open(&sealed).unwrap())
        .unwrap()
        .contains("PRIVATE KEY"));
}

#[tokio::test]
async fn a_saml_test_starts_with_an_authn_request_bound_to_the_test() {
    let app = App::new().await;
    let (org, conn) = vendor_saml_connection(&app, "okta-saml").await;
    let admin = app.admin(&org, "sso").await;
    let r = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/tests"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let test = r.body["test_id"].as_str().unwrap().to_owned();
    let url = r.body["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        format!("http://portal.test/sso/saml/{conn}/login/{test}")
    );

    let go = app
        .raw(
            Request::get(url.trim_start_matches("http://portal.test"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(go.status, StatusCode::FOUND, "{}", go.text);
    let location = go.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("https://idp.acme.test/sso?"),
        "{location}"
    );
    let parsed = url::Url::parse(&location).unwrap();
    let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    let relay = q.get("RelayState").expect("RelayState").clone();
    let deflated = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        q.get("SAMLRequest").unwrap(),
    )
    .unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::DeflateDecoder::new(&deflated[..]),
        &mut xml,
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let req = doc.root_element();
    assert_eq!(req.tag_name().name(), "AuthnRequest");
    assert_eq!(
        req.attribute("AssertionConsumerServiceURL"),
        Some(format!("http://portal.test/sso/saml/{conn}/acs").as_str())
    );
    let stored = app.state.store.test(&test).await.unwrap().unwrap();
    assert_eq!(stored.request_id.as_deref(), req.attribute("ID"));
    assert_eq!(
        stored.state_hash.as_deref(),
        Some(portico::server::crypto::hash_token(&relay).as_str())
    );

    // The test is listed as pending until the IdP answers; other organizations cannot see it.
    let list = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(list.body["data"][0]["outcome"], "pending", "{}", list.text);
    let other_org = app.org("Other").await;
    let other = app.admin(&other_org, "sso").await;
    assert_error(
        &other
            .call(
                Method::GET,
                &format!("/portal/api/connections/{conn}/tests/{test}"),
                None,
            )
            .await,
        404,
        "connection_not_found",
    );

    // A garbage answer with the right RelayState is recorded against this test, with a diagnosis.
    let ans = app
        .raw(form(
            &format!("/sso/saml/{conn}/acs"),
            &[("SAMLResponse", "bm90IHhtbA=="), ("RelayState", &relay)],
        ))
        .await;
    assert_eq!(ans.status, StatusCode::SEE_OTHER, "{}", ans.text);
    assert_eq!(
        ans.headers[header::LOCATION],
        format!("/sso/setup/test?connection={conn}&test={test}")
    );
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["outcome"], "failure", "{}", t.text);
    assert_eq!(
        t.body["diagnosis"]["code"], "saml_response_malformed",
        "{}",
        t.text
    );
    assert!(t.body["diagnosis"]["title"].as_str().unwrap().len() > 5);
    // The RelayState is used up: posting again is an unknown test, refused and not recorded.
    let again = app
        .raw(form(
            &format!("/sso/saml/{conn}/acs"),
            &[("SAMLResponse", "bm90IHhtbA=="), ("RelayState", &relay)],
        ))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.text);
    assert!(again.text.contains("test_unknown"), "{}", again.text);
    let again = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/tests"),
            Some(json!({})),
        )
        .await;
    let again_id = again.body["test_id"].as_str().unwrap().to_owned();
    let go = app
        .raw(
            Request::get(format!("/sso/saml/{conn}/login/{again_id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let location = go.headers[header::LOCATION].to_str().unwrap().to_owned();
    let relay = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "RelayState")
        .unwrap()
        .1
        .into_owned();
    app.raw(form(
        &format!("/sso/saml/{conn}/acs"),
        &[("SAMLResponse", "bm90IHhtbA=="), ("RelayState", &relay)],
    ))
    .await;

    // The vendor sees the same history, newest first, and the connection's last result.
    let v = app
        .vendor(
            Method::GET,
            &format!("/api/v1/connections/{conn}/tests"),
            None,
        )
        .await;
    let data = v.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "{}", v.text);
    assert_eq!(data[0]["id"], again_id.as_str());
    let c = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(c.body["last_test_result"], "failure");
    assert_eq!(c.body["last_test_id"], again_id.as_str());
    assert_eq!(c.body["state"], "configured");
}

#[tokio::test]
async fn responses_nobody_asked_for_are_explained_and_not_kept() {
    let app = App::new().await;
    let (org, conn) = vendor_saml_connection(&app, "okta-saml").await;
    let admin = app.admin(&org, "sso").await;
    // No form at all, garbage, and a RelayState of no test of ours: each is explained on the
    // spot, and none is written down (anyone can post to a public ACS URL).
    let posts = [
        (
            Request::post(format!("/sso/saml/{conn}/acs"))
                .body(Body::empty())
                .unwrap(),
            "saml_response_missing",
        ),
        (
            form(
                &format!("/sso/saml/{conn}/acs"),
                &[("SAMLResponse", "eA==")],
            ),
            "saml_response_malformed",
        ),
        (
            form(
                &format!("/sso/saml/{conn}/acs"),
                &[("SAMLResponse", "eA=="), ("RelayState", "made-up")],
            ),
            "test_unknown",
        ),
    ];
    for (request, code) in posts {
        let r = app.raw(request).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{code}: {}", r.text);
        assert!(
            r.text.contains(code)
                && r.text.contains("Nothing was recorded")
                && r.text.contains("<h1>"),
            "{code}: {}",
            r.text
        );
    }
    let list = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(list.body["data"], json!([]), "{}", list.text);
    let c = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(c.body["last_test_result"], Value::Null, "{}", c.text);
    // An unknown connection gets a page, not a redirect into someone's portal.
    let r = app
        .raw(form("/sso/saml/conn_nope/acs", &[("SAMLResponse", "eA==")]))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.text.contains("connection_not_found") && r.text.contains("<h1>"),
        "{}",
        r.text
    );
    // An expired test is reported as such, even with a valid RelayState.
    let start = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/tests"),
            Some(json!({})),
        )
        .await;
    let test = start.body["test_id"].as_str().unwrap().to_owned();
    let go = app
        .raw(
            Request::get(format!("/sso/saml/{conn}/login/{test}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let location = go.headers[header::LOCATION].to_str().unwrap().to_owned();
    let relay = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "RelayState")
        .unwrap()
        .1
        .into_owned();
    app.advance(16 * 60);
    app.raw(form(
        &format!("/sso/saml/{conn}/acs"),
        &[("SAMLResponse", "eA=="), ("RelayState", &relay)],
    ))
    .await;
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["diagnosis"]["code"], "test_expired", "{}", t.text);
    // A finished test's login URL leads to its result, not to the IdP again.
    let go = app
        .raw(
            Request::get(format!("/sso/saml/{conn}/login/{test}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        go.headers[header::LOCATION],
        format!("/sso/setup/test?connection={conn}&test={test}")
    );
}

#[tokio::test]
async fn an_oidc_callback_without_our_state_is_refused_and_not_kept() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-oidc").await;
    let r = app
        .raw(
            Request::get(format!("/sso/oidc/{conn}/callback?code=abc&state=forged"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        r.text.contains("oidc_state_mismatch") && r.text.contains("Nothing was recorded"),
        "{}",
        r.text
    );
    let list = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(list.body["data"], json!([]), "{}", list.text);
    // Starting a test on an unconfigured connection says what is missing.
    assert_error(
        &admin
            .call(
                Method::POST,
                &format!("/portal/api/connections/{conn}/tests"),
                Some(json!({})),
            )
            .await,
        409,
        "connection_incomplete",
    );
}

#[tokio::test]
async fn the_portal_saves_a_mapping_and_checks_required_fields() {
    let app = App::new().await;
    app.vendor(
        Method::PUT,
        "/api/v1/custom_attributes",
        Some(json!({ "data": [{ "name": "department", "required": true }] })),
    )
    .await;
    let (org, conn) = vendor_saml_connection(&app, "google-saml").await;
    let admin = app.admin(&org, "sso").await;
    let c = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}"),
            None,
        )
        .await;
    assert_eq!(
        c.body["custom_attributes"][0]["name"], "department",
        "{}",
        c.text
    );
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/mapping"),
            Some(json!({ "email": "email" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["custom.department"]
            .as_str()
            .unwrap()
            .contains("requires"),
        "{e}"
    );
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/mapping"),
            Some(json!({ "email": "email", "custom": { "department": "dept" } })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["attribute_mapping"]["custom"]["department"], "dept");
    // Activation from the portal needs a successful test too.
    assert_error(
        &admin
            .call(
                Method::POST,
                &format!("/portal/api/connections/{conn}/activate"),
                Some(json!({})),
            )
            .await,
        409,
        "test_required",
    );
}

#[tokio::test]
async fn history_is_purged_by_age_but_the_last_test_stays() {
    let app = App::new().await;
    let (org, conn) = vendor_saml_connection(&app, "okta-saml").await;
    let admin = app.admin(&org, "sso").await;
    let start = || async {
        let r = admin
            .call(
                Method::POST,
                &format!("/portal/api/connections/{conn}/tests"),
                Some(json!({})),
            )
            .await;
        let test = r.body["test_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{}", r.text))
            .to_owned();
        let go = app
            .raw(
                Request::get(format!("/sso/saml/{conn}/login/{test}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let location = go.headers[header::LOCATION].to_str().unwrap().to_owned();
        (
            test,
            url::Url::parse(&location)
                .unwrap()
                .query_pairs()
                .find(|(k, _)| k == "RelayState")
                .unwrap()
                .1
                .into_owned(),
        )
    };
    let (app_ref, conn_ref) = (&app, &conn);
    let answer = |relay: String| async move {
        app_ref
            .raw(form(
                &format!("/sso/saml/{conn_ref}/acs"),
                &[("SAMLResponse", "eA=="), ("RelayState", &relay)],
            ))
            .await
    };
    let (old, relay) = start().await;
    answer(relay).await;
    let (abandoned, _) = start().await;
    app.advance(600);
    let (last, relay) = start().await;
    answer(relay).await;
    let ids = || async {
        let l = app
            .vendor(
                Method::GET,
                &format!("/api/v1/connections/{conn}/tests"),
                None,
            )
            .await;
        l.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids().await, [last.clone(), abandoned.clone(), old.clone()]);
    // A day on, the attempt nobody answered goes; finished ones stay for the retention period.
    app.advance(2 * 86_400);
    portico::server::jobs::purge(&app.state).await.unwrap();
    assert_eq!(ids().await, [last.clone(), old]);
    // Past it (90 days by default), only the connection's last test is kept: activation reads it.
    app.advance(91 * 86_400);
    portico::server::jobs::purge(&app.state).await.unwrap();
    assert_eq!(ids().await, std::slice::from_ref(&last));
    let c = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(c.body["last_test_id"], last.as_str());
}
