//! The vendor API: organizations, links, environments and keys.

use crate::*;

#[tokio::test]
async fn organizations_crud_and_external_id_conflicts() {
    let app = App::new().await;
    let r = app.vendor(Method::POST, "/api/v1/organizations", Some(json!({ "name": "Acme", "external_id": "acme-1", "domains": ["Acme.COM", "acme.com"] }))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("org_"));
    assert_eq!(r.body["domains"], json!(["acme.com"]));
    assert_eq!(r.body["created_at"], "2026-11-23T00:00:00Z");

    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "Other", "external_id": "acme-1" })),
        )
        .await;
    let e = assert_error(&r, 409, "duplicate_external_id");
    assert!(e["fields"]["external_id"].is_string());

    let r = app
        .vendor(
            Method::GET,
            "/api/v1/organizations?external_id=acme-1",
            None,
        )
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["data"][0]["id"], id.as_str());
    let r = app
        .vendor(
            Method::GET,
            "/api/v1/organizations?external_id=nobody",
            None,
        )
        .await;
    assert_eq!(r.body["data"], json!([]));

    app.advance(60);
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/organizations/{id}"),
            Some(json!({ "name": "Acme Inc", "external_id": null })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "Acme Inc");
    assert_eq!(r.body["external_id"], Value::Null);
    assert_eq!(r.body["updated_at"], "2026-11-23T00:01:00Z");
    let r = app
        .vendor(Method::GET, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(r.body["name"], "Acme Inc");

    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .vendor(Method::GET, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_error(&r, 404, "organization_not_found");
}

#[tokio::test]
async fn api_keys_see_only_their_environment_and_revocation_works() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let store = app.state.store.as_ref();
    let staging = portico::server::service::ensure_environment(store, "staging", T0)
        .await
        .unwrap();
    let (_, staging_key) = portico::server::service::create_api_key(store, &staging, "s", T0)
        .await
        .unwrap();
    let get = |key: String, path: String| {
        app.raw(
            Request::get(path)
                .header("authorization", format!("Bearer {key}"))
                .body(Body::empty())
                .unwrap(),
        )
    };
    let r = get(staging_key.clone(), format!("/api/v1/organizations/{org}")).await;
    assert_error(&r, 404, "organization_not_found");
    let r = get(staging_key.clone(), "/api/v1/organizations".into()).await;
    assert_eq!(r.body["data"], json!([]));
    assert!(store.revoke_api_key(&staging.id, "s", T0).await.unwrap());
    let r = get(staging_key, "/api/v1/organizations".into()).await;
    let e = assert_error(&r, 401, "unauthorized");
    assert!(e["message"].as_str().unwrap().contains("revoked"));
    // Only the hash is stored.
    let keys = store.list_api_keys(&staging.id).await.unwrap();
    assert_eq!(keys[0].key_hash.len(), 64);
}

#[tokio::test]
async fn portal_links_validate_and_carry_a_256_bit_token() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(json!({ "organization_id": org, "intent": "sso" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let url = r.body["url"].as_str().unwrap();
    assert!(url.starts_with("http://portal.test/setup?token="), "{url}");
    assert_eq!(
        url.split("token=").nth(1).unwrap().len(),
        43,
        "32 bytes in unpadded base64url"
    );
    assert_eq!(r.body["expires_at"], "2026-11-23T00:05:00Z");

    // A theme link opens where the designer's module starts (the page's loader picks by path),
    // and the portal serves its app shell there.
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(json!({ "organization_id": org, "intent": "theme" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let url = r.body["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://portal.test/theme/setup?token="),
        "{url}"
    );

    let r = app.vendor(Method::POST, "/api/v1/portal_links", Some(json!({ "organization_id": org, "intent": "sso", "expires_in_seconds": 2_592_001, "return_url": "javascript:alert(1)" }))).await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["expires_in_seconds"].is_string() && e["fields"]["return_url"].is_string(),
        "{e}"
    );
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(json!({ "organization_id": org, "intent": "audit_logs" })),
        )
        .await;
    assert_error(&r, 400, "malformed_json");
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(json!({ "organization_id": "org_missing", "intent": "sso" })),
        )
        .await;
    assert_error(&r, 404, "organization_not_found");
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(
                json!({ "organization_id": org, "intent": "sso", "expires_in_seconds": 2_592_000 }),
            ),
        )
        .await;
    assert_eq!(r.body["expires_at"], "2026-12-23T00:00:00Z");
}
