//! The portal API over the inspector: the entity choice, bytes from a URL, manual fields,
//! and time problems that warn instead of refusing.

use super::{corpus_dir, own};
use crate::{assert_error, App};
use axum::http::{header, Method};
use serde_json::{json, Value};

async fn saml_connection(app: &App) -> (crate::Admin<'_>, String) {
    let org = app.org("Federated Uni").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    (admin, conn)
}

/// The stored configuration, as saved (including what the API view leaves out).
async fn stored(app: &App, conn: &str) -> Value {
    let row = app.state.store.connection(conn).await.unwrap().unwrap();
    serde_json::from_str(row.config.as_deref().unwrap()).unwrap()
}

#[tokio::test]
async fn an_aggregate_is_answered_with_the_list_then_saved_with_the_choice() {
    let app = App::new().await;
    let (admin, conn) = saml_connection(&app).await;
    let path = format!("/portal/api/connections/{conn}/saml");
    let xml = std::fs::read_to_string(own("entities-nested-two-idps.xml")).unwrap();
    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "method": "metadata_xml", "metadata_xml": xml })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert_eq!(e["fields"]["metadata_xml"], e["message"]);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("2 identity providers"),
        "{e}"
    );
    assert_eq!(
        e["details"],
        json!({ "entities": [
            { "entity_id": "https://idp.north.example.org/idp", "display_name": "Northern University" },
            { "entity_id": "https://idp.south.example.org/idp", "display_name": "Southern College" },
        ] })
    );

    let choice = json!({ "method": "metadata_xml", "metadata_xml": xml, "entity_id_choice": "https://idp.nowhere.example.org" });
    let r = admin.call(Method::PUT, &path, Some(choice)).await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["metadata_xml"]
            .as_str()
            .unwrap()
            .contains("does not contain the entity"),
        "{e}"
    );
    assert_eq!(e["details"]["entities"].as_array().unwrap().len(), 2);

    let choice = json!({ "method": "metadata_xml", "metadata_xml": xml, "entity_id_choice": "https://idp.south.example.org/idp" });
    let r = admin.call(Method::PUT, &path, Some(choice)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["saml"]["idp_entity_id"],
        "https://idp.south.example.org/idp"
    );
    assert_eq!(
        r.body["saml"]["sso_url"],
        "https://idp.south.example.org/sso"
    );
    assert_eq!(
        r.body["saml"]["certificates"][0]["sha256_fingerprint"],
        super::EC_P384
    );
    // Other refusals carry no details.
    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "method": "metadata_xml", "metadata_xml": "<html/>" })),
        )
        .await;
    assert!(
        assert_error(&r, 422, "validation_failed")
            .get("details")
            .is_none(),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn downloaded_metadata_is_read_as_bytes_so_utf16_works() {
    let body = std::fs::read(own("idp-utf16le.xml")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new().route(
        "/metadata",
        axum::routing::get(move || async move {
            (
                [(header::CONTENT_TYPE, "application/xml; charset=utf-16")],
                body,
            )
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let app = App::new().await;
    let (admin, conn) = saml_connection(&app).await;
    let input = json!({ "method": "metadata_url", "metadata_url": format!("{base}/metadata") });
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(input),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["saml"]["idp_entity_id"],
        "https://utf16.idp.test/saml"
    );
    assert_eq!(r.body["saml"]["sso_binding"], "redirect");
}

#[tokio::test]
async fn an_expired_certificate_is_saved_with_its_warning() {
    let Some(dir) = corpus_dir() else { return };
    let app = App::new().await;
    let (admin, conn) = saml_connection(&app).await;
    let xml = std::fs::read_to_string(dir.join("entra-id-idp-metadata.xml")).unwrap();
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_xml", "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let saved = stored(&app, &conn).await;
    assert_eq!(saved["warnings"][0]["code"], "certificate_expired");
    assert_eq!(saved["certificates"][0]["expired"], true);
    assert_eq!(saved["certificates"][0]["key_algorithm"], "RSA");
}

#[tokio::test]
async fn manual_fields_need_https_but_accept_an_expired_certificate() {
    let app = App::new().await;
    let (admin, conn) = saml_connection(&app).await;
    let path = format!("/portal/api/connections/{conn}/saml");
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["old.idp.test".into()]).unwrap();
    (params.not_before, params.not_after) = (
        rcgen::date_time_ymd(2020, 1, 1),
        rcgen::date_time_ymd(2021, 1, 1),
    );
    let pem = params.self_signed(&key).unwrap().pem();
    let manual = |sso: &str| json!({ "method": "manual", "sso_url": sso, "idp_entity_id": "https://old.idp.test", "certificate": pem });

    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(manual("http://idp.example.com/sso")),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["sso_url"]
            .as_str()
            .unwrap()
            .starts_with("Use the https:// address"),
        "{e}"
    );
    assert!(e["fields"].get("certificate").is_none(), "{e}");

    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(manual("http://localhost:8080/realms/test/protocol/saml")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["saml"]["sso_url"],
        "http://localhost:8080/realms/test/protocol/saml"
    );
    let saved = stored(&app, &conn).await;
    assert_eq!(saved["warnings"][0]["code"], "certificate_expired");
    assert!(saved["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expired on 2021-01-01"));
    assert_eq!(saved["certificates"][0]["expired"], true);
}
