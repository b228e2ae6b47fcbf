//! Configuring connections: SAML by file, URL and fields; OIDC with discovery; secrets.

use crate::*;

async fn saml_admin(app: &App) -> (Admin<'_>, String, String) {
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    (admin, org, conn)
}

#[tokio::test]
async fn saml_from_metadata_xml_is_saved_and_visible_to_the_vendor() {
    let app = App::new().await;
    let (admin, org, conn) = saml_admin(&app).await;
    let (xml, _) = idp_metadata(
        "http://www.okta.com/exk1",
        "https://acme.okta.com/app/sso/saml",
    );
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_xml", "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["saml"]["idp_entity_id"], "http://www.okta.com/exk1");
    assert_eq!(r.body["saml"]["sso_binding"], "redirect");
    assert_eq!(r.body["state"], "draft");
    let r = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/save"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.body["state"], "configured", "{}", r.text);

    // The portal's overview decodes only what it shows of each connection (a smaller download):
    // the same answer, read both ways, agrees.
    let r = admin
        .call(Method::GET, "/portal/api/connections", None)
        .await;
    let full: portico::api::connection::ConnectionList = serde_json::from_str(&r.text).unwrap();
    let overview: portico::api::connection::ConnectionOverviewList =
        serde_json::from_str(&r.text).unwrap();
    let (c, o) = (&full.data[0], &overview.data[0]);
    assert_eq!(
        (&o.id, &o.idp, o.protocol, o.state),
        (&c.id, &c.idp, c.protocol, c.state)
    );
    assert!(o.oidc.is_none());
    let (full_saml, read_saml) = (c.saml.as_ref().unwrap(), o.saml.as_ref().unwrap());
    assert_eq!(read_saml.certificates.len(), 1);
    for (read, cert) in read_saml.certificates.iter().zip(&full_saml.certificates) {
        assert_eq!(read.not_after, cert.not_after);
    }
    assert_eq!(read_saml.certificates.len(), full_saml.certificates.len());

    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/organizations/{org}/connections"),
            None,
        )
        .await;
    let c = &r.body["data"][0];
    assert_eq!(c["id"], conn.as_str());
    assert_eq!(c["state"], "configured");
    assert_eq!(
        c["sp"]["acs_url"],
        format!("http://portal.test/sso/saml/{conn}/acs")
    );
    assert_eq!(c["saml"]["certificates"].as_array().unwrap().len(), 1);
    let r = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(
        r.body["saml"]["sso_url"],
        "https://acme.okta.com/app/sso/saml"
    );

    let r = app
        .raw(
            Request::get(format!("/sso/saml/{conn}/metadata.xml"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r
        .text
        .contains(&format!("entityID=\"http://portal.test/sso/saml/{conn}\"")));
}

#[tokio::test]
async fn wrong_saml_documents_are_explained_next_to_the_field_and_nothing_is_lost() {
    let app = App::new().await;
    let (admin, _, conn) = saml_admin(&app).await;
    let (good, _) = idp_metadata("https://idp.example.com", "https://idp.example.com/sso");
    admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_xml", "metadata_xml": good })),
        )
        .await;
    let sp_xml = portico::server::saml::sp_metadata_xml(
        &portico::server::saml::sp_values("https://x", "conn_x"),
        None,
    );
    for (doc, needle) in [
        (sp_xml.as_str(), "service-provider"),
        ("<html>oops</html>", ""),
        ("", ""),
    ] {
        let r = admin
            .call(
                Method::PUT,
                &format!("/portal/api/connections/{conn}/saml"),
                Some(json!({ "method": "metadata_xml", "metadata_xml": doc })),
            )
            .await;
        let e = assert_error(&r, 422, "validation_failed");
        let msg = e["fields"]["metadata_xml"].as_str().unwrap_or_default();
        assert!(!msg.is_empty() && msg.contains(needle), "{e}");
    }
    // The earlier, valid configuration is still there.
    let r = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}"),
            None,
        )
        .await;
    assert_eq!(r.body["saml"]["idp_entity_id"], "https://idp.example.com");
}

#[tokio::test]
async fn saml_manual_fields_are_each_checked() {
    let app = App::new().await;
    let (admin, _, conn) = saml_admin(&app).await;
    let r = admin
        .call(Method::PUT, &format!("/portal/api/connections/{conn}/saml"), Some(json!({ "method": "manual", "sso_url": "not a url", "idp_entity_id": "", "certificate": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" })))
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    for f in ["sso_url", "idp_entity_id", "certificate"] {
        assert!(e["fields"][f].is_string(), "{f}: {e}");
    }
    assert!(e["fields"]["certificate"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("private key"));
    let (_, pem) = idp_metadata("x", "https://x");
    let r = admin
        .call(Method::PUT, &format!("/portal/api/connections/{conn}/saml"), Some(json!({ "method": "manual", "sso_url": "https://idp.example.com/sso", "idp_entity_id": "https://idp.example.com", "certificate": pem })))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["saml"]["certificates"][0]["sha256_fingerprint"]
            .as_str()
            .unwrap()
            .len(),
        95
    );
}

#[tokio::test]
async fn saml_metadata_url_is_downloaded_but_private_addresses_need_the_allow_list() {
    let (xml, _) = idp_metadata("https://idp.example.com", "https://idp.example.com/sso");
    let base = serve_docs(vec![("/metadata", xml, "application/xml")]).await;
    let app = App::new().await;
    let (admin, _, conn) = saml_admin(&app).await;
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_url", "metadata_url": format!("{base}/metadata") })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["saml"]["metadata_url"], format!("{base}/metadata"));
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_url", "metadata_url": format!("{base}/missing") })),
        )
        .await;
    let e = assert_error(&r, 422, "metadata_fetch_failed");
    assert!(e["fields"]["metadata_url"]
        .as_str()
        .unwrap()
        .contains("404"));

    let strict = App::with(|s| s.fetch_allowlist.clear()).await;
    let (admin, _, conn) = saml_admin(&strict).await;
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_url", "metadata_url": format!("{base}/metadata") })),
        )
        .await;
    let e = assert_error(&r, 422, "metadata_fetch_failed");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("is a loopback address (127.0.0.0/8), which Portico never fetches from"),
        "{e}"
    );
}

fn discovery_docs() -> Vec<(&'static str, String, &'static str)> {
    let discovery = json!({
        "issuer": "{BASE}",
        "authorization_endpoint": "{BASE}/auth",
        "token_endpoint": "{BASE}/token",
        "jwks_uri": "{BASE}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    vec![
        (
            "/.well-known/openid-configuration",
            discovery.to_string(),
            "application/json",
        ),
        (
            "/jwks",
            json!({ "keys": [] }).to_string(),
            "application/json",
        ),
    ]
}

#[tokio::test]
async fn oidc_secrets_are_write_only_and_encrypted_at_rest() {
    let base = serve_docs(discovery_docs()).await;
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-oidc").await;
    let secret = "very-secret-client-secret-value-42";
    let path = format!("/portal/api/connections/{conn}/oidc");

    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "issuer": base, "client_id": "portico" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["client_secret"].is_string(),
        "a first save needs the secret"
    );

    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "issuer": base, "client_id": "portico", "client_secret": secret })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["oidc"]["client_secret_set"], true);
    assert_eq!(
        r.body["oidc"]["authorization_endpoint"],
        format!("{base}/auth")
    );
    // Saving the same details again keeps the stored secret; a new client ID needs its own.
    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "issuer": base, "client_id": "portico-2" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["client_secret"]
            .as_str()
            .unwrap()
            .contains("client ID changed"),
        "{e}"
    );
    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "issuer": base, "client_id": "portico" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["oidc"]["client_secret_set"], true);
    admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/save"),
            Some(json!({})),
        )
        .await;

    let mut texts = vec![r.text];
    texts.push(
        admin
            .call(
                Method::GET,
                &format!("/portal/api/connections/{conn}"),
                None,
            )
            .await
            .text,
    );
    texts.push(
        admin
            .call(Method::GET, "/portal/api/connections", None)
            .await
            .text,
    );
    texts.push(
        app.vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
            .await
            .text,
    );
    texts.push(
        app.vendor(
            Method::GET,
            &format!("/api/v1/organizations/{org}/connections"),
            None,
        )
        .await
        .text,
    );
    for t in &texts {
        assert!(!t.contains(secret), "secret leaked: {t}");
        assert!(t.contains("client_secret_set"), "{t}");
    }
    let row = app.state.store.connection(&conn).await.unwrap().unwrap();
    let sealed = row.client_secret_enc.unwrap();
    assert_eq!(app.state.secrets.open(&sealed).unwrap(), secret.as_bytes());
    for f in ["portico.db", "portico.db-wal"] {
        if let Ok(bytes) = std::fs::read(app.dir.path().join(f)) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "secret in plain text in {f}"
            );
        }
    }
}

#[tokio::test]
async fn oidc_discovery_problems_are_explained() {
    let base = serve_docs(discovery_docs()).await;
    let app = App::new().await;
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("generic-oidc").await;
    let path = format!("/portal/api/connections/{conn}/oidc");
    // The document names a different issuer than the one typed (trailing path).
    let r = admin.call(Method::PUT, &path, Some(json!({ "issuer": format!("{base}/tenant"), "client_id": "c", "client_secret": "s" }))).await;
    assert_error(&r, 422, "oidc_discovery_failed");
    let r = admin
        .call(
            Method::PUT,
            &path,
            Some(json!({ "issuer": "ftp://x", "client_id": "", "client_secret": "s" })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(e["fields"]["issuer"].is_string() && e["fields"]["client_id"].is_string());
    // A SAML connection does not take OIDC details.
    let saml = admin.connection("okta-saml").await;
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{saml}/oidc"),
            Some(json!({ "issuer": base, "client_id": "c", "client_secret": "s" })),
        )
        .await;
    assert_error(&r, 422, "validation_failed");
}

#[tokio::test]
async fn a_draft_saved_at_the_same_time_never_overwrites_the_configuration() {
    let app = App::new().await;
    let (admin, _, conn) = saml_admin(&app).await;
    // The browser saves drafts while it submits: a draft write that started before the
    // submission must not put the old (empty) configuration back.
    let (xml, _) = idp_metadata("https://idp.example.com", "https://idp.example.com/sso");
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_xml", "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.state
        .store
        .update_draft(&conn, r#"{"method":"metadata_xml"}"#, T0)
        .await
        .unwrap();
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/draft"),
            Some(json!({ "draft": { "method": "metadata_url" } })),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}"),
            None,
        )
        .await;
    assert_eq!(r.body["saml"]["idp_entity_id"], "https://idp.example.com");
    assert_eq!(r.body["draft"]["method"], "metadata_url");
}
