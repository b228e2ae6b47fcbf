//! Metadata published at a URL is re-read on schedule: new certificates are picked up and
//! recorded, and a failing URL keeps the last good configuration.

use crate::*;
use std::sync::Mutex;

/// An IdP's metadata endpoint whose answer the test changes.
pub(super) async fn live_metadata(initial: String) -> (String, Arc<Mutex<(u16, String)>>) {
    let doc = Arc::new(Mutex::new((200u16, initial)));
    let shared = doc.clone();
    let router = axum::Router::new().route(
        "/metadata",
        axum::routing::get(move || {
            let shared = shared.clone();
            async move {
                let (status, body) = shared.lock().unwrap().clone();
                (
                    StatusCode::from_u16(status).unwrap(),
                    [(header::CONTENT_TYPE, "application/xml")],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metadata", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, doc)
}

/// An organization's SAML connection set up by an admin from a metadata URL served here: the
/// organization's and the connection's ids, the handle that changes what the URL serves, and
/// the set-up's answer.
pub(super) async fn metadata_url_connection(
    app: &App,
) -> (String, String, Arc<Mutex<(u16, String)>>, Resp) {
    let (first, _) = idp_metadata("https://idp.example.com", "https://idp.example.com/sso");
    let (url, doc) = live_metadata(first).await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_url", "metadata_url": url })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    (org, conn, doc, r)
}

#[tokio::test]
async fn rotated_certificates_are_picked_up_and_failures_keep_the_last_good_configuration() {
    let app = App::new().await;
    let (_, conn, doc, r) = metadata_url_connection(&app).await;
    let first_fp = r.body["saml"]["certificates"][0]["sha256_fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let next = unix(&r.body["saml"]["refresh"]["next_check_at"]);
    assert!(
        (T0 + 86_400..=T0 + 86_400 + 8_640).contains(&next),
        "daily with up to 10% jitter: {next}"
    );
    assert_eq!(r.body["saml"]["certificate_history"][0]["kind"], "added");

    // Nothing is due yet.
    assert_eq!(
        portico::server::refresh::refresh_due(&app.state)
            .await
            .unwrap(),
        0
    );

    // The IdP rotates its certificate; the next daily check picks it up.
    let (rotated, _) = idp_metadata("https://idp.example.com", "https://idp.example.com/sso");
    doc.lock().unwrap().1 = rotated;
    app.advance(next - T0);
    assert_eq!(
        portico::server::refresh::refresh_due(&app.state)
            .await
            .unwrap(),
        1
    );
    let r = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    let saml = &r.body["saml"];
    let new_fp = saml["certificates"][0]["sha256_fingerprint"]
        .as_str()
        .unwrap();
    assert_ne!(new_fp, first_fp, "the new certificate is in use");
    let kinds: Vec<_> = saml["certificate_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_owned(), unix(&e["at"])))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(
        kinds[1..].iter().all(|(_, at)| *at == next),
        "changes are recorded with their time: {kinds:?}"
    );
    assert!(saml["refresh"]["last_error"].is_null());

    // The URL starts failing: the configuration stays, the failure shows, retries back off.
    doc.lock().unwrap().0 = 500;
    let now = app.state.clock.now();
    app.advance(unix(&saml["refresh"]["next_check_at"]) - now);
    portico::server::refresh::refresh_due(&app.state)
        .await
        .unwrap();
    let r = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    let saml = &r.body["saml"];
    assert_eq!(saml["certificates"][0]["sha256_fingerprint"], new_fp);
    assert!(
        saml["refresh"]["last_error"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{saml}"
    );
    let retry = unix(&saml["refresh"]["next_check_at"]) - app.state.clock.now();
    assert!(
        retry > 0 && retry < 86_400,
        "a failure is retried sooner than daily: {retry}"
    );

    // A URL that now describes another IdP is a failure too, not a silent switch.
    let (other, _) = idp_metadata("https://evil.example.com", "https://evil.example.com/sso");
    *doc.lock().unwrap() = (200, other);
    app.advance(retry);
    portico::server::refresh::refresh_due(&app.state)
        .await
        .unwrap();
    let r = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(r.body["saml"]["idp_entity_id"], "https://idp.example.com");
    assert!(r.body["saml"]["refresh"]["last_error"].is_string());
}

#[tokio::test]
async fn uploaded_metadata_is_not_scheduled_and_replacing_a_certificate_is_recorded() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("entra-saml").await;
    let path = format!("/portal/api/connections/{conn}/saml");
    let (xml, _) = idp_metadata(
        "https://sts.windows.net/t/",
        "https://login.microsoftonline.com/t/saml2",
    );
    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "method": "metadata_xml", "metadata_xml": xml })),
        )
        .await;
    assert!(r.body["saml"]["refresh"].is_null(), "{}", r.text);
    admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/save"),
            Some(json!({})),
        )
        .await;
    // Replacing only the certificate keeps the connection configured.
    let (_, pem) = idp_metadata("x", "https://x");
    app.advance(100);
    let r = admin
        .call(Method::PUT, &path, Some(json!({ "method": "manual", "sso_url": "https://login.microsoftonline.com/t/saml2", "idp_entity_id": "https://sts.windows.net/t/", "certificate": pem })))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "configured");
    let history = r.body["saml"]["certificate_history"].as_array().unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(unix(&history[1]["at"]), T0 + 100);
}
