//! The designer's theme editor API: a portal link with intent `theme` reads and publishes the
//! environment's theme through the vendor API's validation, and reaches nothing else.

use super::*;

fn with_primary(primary: &str) -> Value {
    let mut t = serde_json::to_value(portico::core::theme::default_theme()).unwrap();
    t["light"]["primary"] = json!(primary);
    t
}

#[tokio::test]
async fn a_theme_link_reads_and_publishes_the_environment_theme_with_the_api_checks() {
    let app = App::new().await;
    let org = app.org("Design agency").await;
    let designer = app.admin(&org, "theme").await;

    let r = designer.call(Method::GET, "/portal/api/theme", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["light"]["primary"], "#2848c7",
        "the default theme until one is saved"
    );

    // An invalid colour is refused on its field, as by PUT /api/v1/theme.
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": with_primary("#12345z") })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(e["fields"]["light.primary"].is_string(), "{e}");

    // Low contrast needs the explicit yes.
    let mut low = with_primary("#f0f0f0");
    low["light"]["on_primary"] = json!("#ffffff");
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": low })),
        )
        .await;
    let e = assert_error(&r, 422, "low_contrast");
    assert!(e["fields"]["light.on_primary"].is_string(), "{e}");
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/theme", None).await.body["light"]["primary"],
        "#2848c7",
        "nothing saved"
    );
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": low, "accept_low_contrast": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A good theme is published for the whole environment.
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": with_primary("#0b5d3b") })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["light"]["primary"], "#0b5d3b");
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/theme", None).await.body["light"]["primary"],
        "#0b5d3b"
    );
    assert_eq!(
        designer
            .call(Method::GET, "/portal/api/theme", None)
            .await
            .body["light"]["primary"],
        "#0b5d3b"
    );

    // Malformed bodies are refused like the vendor API's (unknown fields).
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": with_primary("#0b5d3b"), "extra": 1 })),
        )
        .await;
    assert_eq!(r.status.as_u16() / 100, 4, "{}", r.text);
}

#[tokio::test]
async fn only_theme_sessions_reach_the_theme_and_they_reach_nothing_else() {
    let app = App::new().await;
    let org = app.org("Acme").await;

    let admin = app.admin(&org, "sso").await;
    assert_error(
        &admin.call(Method::GET, "/portal/api/theme", None).await,
        403,
        "intent_not_allowed",
    );
    let r = admin
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": with_primary("#0b5d3b") })),
        )
        .await;
    assert_error(&r, 403, "intent_not_allowed");
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/theme", None).await.body["light"]["primary"],
        "#2848c7"
    );

    let designer = app.admin(&org, "theme").await;
    assert_error(
        &designer
            .call(Method::GET, "/portal/api/connections", None)
            .await,
        403,
        "intent_not_allowed",
    );
    assert_error(
        &designer
            .call(
                Method::POST,
                "/portal/api/connections",
                Some(json!({ "idp": "okta-saml" })),
            )
            .await,
        403,
        "intent_not_allowed",
    );
    assert_error(
        &designer
            .call(Method::GET, "/portal/api/domains", None)
            .await,
        403,
        "intent_not_allowed",
    );
    let info = designer
        .call(Method::GET, "/portal/api/session", None)
        .await;
    assert_eq!(info.body["intents"], json!(["theme"]), "{}", info.text);
}

#[tokio::test]
async fn the_theme_page_is_unauthenticated_without_a_session() {
    let app = App::new().await;
    let r = app
        .raw(
            Request::get("/portal/api/theme")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
}

/// A raw upload as the designer's browser sends it.
async fn upload(designer: &Admin<'_>, kind: &str, content_type: &str, bytes: &[u8]) -> Resp {
    let req = Request::post(format!("/portal/api/theme/assets?kind={kind}"))
        .header(header::COOKIE, &designer.cookie)
        .header("x-portico-csrf", &designer.csrf)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    designer.app.raw(req).await
}

#[tokio::test]
async fn a_designer_uploads_logos_checked_like_the_vendor_apis() {
    let app = App::new().await;
    let org = app.org("Design agency").await;
    let designer = app.admin(&org, "theme").await;

    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 1"><rect width="4" height="1" fill="#0b5d3b"/></svg>"##;
    let r = upload(&designer, "logo", "image/svg+xml", svg).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["url"], format!("/theme-assets/{id}"));

    // The file is the environment's: a theme naming it publishes.
    let mut t = with_primary("#0b5d3b");
    t["logo_light"] = json!(id);
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme",
            Some(json!({ "theme": t })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // HTML calling itself a PNG, and a script inside an SVG, are refused with a reason.
    let r = upload(
        &designer,
        "logo",
        "image/png",
        b"<html><script>alert(1)</script></html>",
    )
    .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(e["fields"]["file"].is_string(), "{e}");
    let r = upload(
        &designer,
        "logo",
        "image/svg+xml",
        br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
    )
    .await;
    assert_error(&r, 422, "validation_failed");
    let r = upload(&designer, "banner", "image/svg+xml", svg).await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(e["fields"]["kind"].is_string(), "{e}");

    // Only theme sessions may upload.
    let admin = app.admin(&org, "sso").await;
    assert_error(
        &upload(&admin, "logo", "image/svg+xml", svg).await,
        403,
        "intent_not_allowed",
    );
}

#[tokio::test]
async fn a_designer_publishes_for_their_organization_only_and_can_remove_it() {
    let app = App::new().await;
    let org = app.org("White label customer").await;
    let other = app.org("Someone else").await;
    let designer = app.admin(&org, "theme").await;

    let r = designer
        .call(Method::GET, "/portal/api/theme/organization", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["inherited"], true, "{}", r.text);

    // The same checks as everywhere: an invalid colour saves nothing.
    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme/organization",
            Some(json!({ "theme": with_primary("nope") })),
        )
        .await;
    assert_error(&r, 422, "validation_failed");
    assert_eq!(
        app.vendor(
            Method::GET,
            &format!("/api/v1/organizations/{org}/theme"),
            None
        )
        .await
        .body["inherited"],
        true
    );

    let r = designer
        .call(
            Method::PUT,
            "/portal/api/theme/organization",
            Some(json!({ "theme": with_primary("#5b2a86") })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["inherited"], false);
    let own = app
        .vendor(
            Method::GET,
            &format!("/api/v1/organizations/{org}/theme"),
            None,
        )
        .await;
    assert_eq!(
        (
            own.body["inherited"].clone(),
            own.body["theme"]["light"]["primary"].clone()
        ),
        (json!(false), json!("#5b2a86"))
    );
    // Neither the environment nor another organization changed.
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/theme", None).await.body["light"]["primary"],
        "#2848c7"
    );
    assert_eq!(
        app.vendor(
            Method::GET,
            &format!("/api/v1/organizations/{other}/theme"),
            None
        )
        .await
        .body["inherited"],
        true
    );

    let r = designer
        .call(Method::DELETE, "/portal/api/theme/organization", None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        designer
            .call(Method::GET, "/portal/api/theme/organization", None)
            .await
            .body["inherited"],
        true
    );

    let admin = app.admin(&org, "sso").await;
    assert_error(
        &admin
            .call(Method::DELETE, "/portal/api/theme/organization", None)
            .await,
        403,
        "intent_not_allowed",
    );
}
