//! Every kind of bad request gets the one error shape, with a request id.

use crate::*;

#[tokio::test]
async fn missing_and_wrong_api_keys_are_401() {
    let app = App::new().await;
    let r = app
        .raw(
            Request::get("/api/v1/organizations")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, 401, "unauthorized");
    let r = app
        .raw(
            Request::get("/api/v1/organizations")
                .header("authorization", "Bearer pk_nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, 401, "unauthorized");
}

#[tokio::test]
async fn malformed_json_unknown_fields_and_wrong_types_are_reported() {
    let app = App::new().await;
    let send = |body: &'static str, ctype: Option<&'static str>| {
        let mut b = Request::post("/api/v1/organizations")
            .header("authorization", format!("Bearer {}", app.key));
        if let Some(c) = ctype {
            b = b.header("content-type", c);
        }
        app.raw(b.body(Body::from(body)).unwrap())
    };
    let r = send("{not json", Some("application/json")).await;
    assert_error(&r, 400, "malformed_json");
    let r = send(
        r#"{"name": "A", "colour": "red"}"#,
        Some("application/json"),
    )
    .await;
    let e = assert_error(&r, 400, "malformed_json");
    assert!(e["message"].as_str().unwrap().contains("colour"), "{e}");
    let r = send(r#"{"name": 5}"#, Some("application/json")).await;
    assert_error(&r, 400, "malformed_json");
    let r = send(r#"{"name": "A"}"#, Some("text/plain")).await;
    assert_error(&r, 415, "unsupported_media_type");
    let r = send(r#"{"name": "A"}"#, None).await;
    assert_error(&r, 415, "unsupported_media_type");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = App::new().await;
    let big = format!(
        r#"{{"name": "{}"}}"#,
        "a".repeat(portico::server::http::BODY_LIMIT + 10)
    );
    let r = app
        .raw(
            Request::post("/api/v1/organizations")
                .header("authorization", format!("Bearer {}", app.key))
                .header("content-type", "application/json")
                .body(Body::from(big))
                .unwrap(),
        )
        .await;
    assert_error(&r, 413, "payload_too_large");
}

#[tokio::test]
async fn unknown_api_paths_and_methods_get_json_errors() {
    let app = App::new().await;
    let r = app.vendor(Method::GET, "/api/v1/nothing-here", None).await;
    assert_error(&r, 404, "not_found");
    let r = app.vendor(Method::GET, "/api/v2/organizations", None).await;
    assert_error(&r, 404, "not_found");
    let r = app.vendor(Method::PUT, "/api/v1/organizations", None).await;
    assert_error(&r, 405, "method_not_allowed");
    let r = app.vendor(Method::GET, "/portal/api/whatever", None).await;
    assert_error(&r, 404, "not_found");
}

#[tokio::test]
async fn validation_errors_name_each_field() {
    let app = App::new().await;
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "  ", "external_id": "has space", "domains": ["localhost"] })),
        )
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    for f in ["name", "external_id", "domains"] {
        assert!(
            e["fields"][f].as_str().is_some(),
            "no problem reported for {f}: {e}"
        );
    }
}

#[tokio::test]
async fn every_response_has_a_request_id_and_safe_headers() {
    let app = App::new().await;
    let r = app
        .raw(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, 200);
    assert!(r.headers["x-request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
}

/// An error body's id is the response header's, and a well-formed id the request came with
/// (a proxy's, say) is kept; any other is replaced by a fresh one of ours.
#[tokio::test]
async fn a_well_formed_incoming_request_id_is_kept_and_others_replaced() {
    let app = App::new().await;
    let with_id = |id: &str| {
        Request::get("/api/v1/organizations")
            .header("x-request-id", id)
            .body(Body::empty())
            .unwrap()
    };
    let r = app.raw(with_id("proxy-7f3a.01_b")).await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "unauthorized", "{}", r.text);
    assert_eq!(
        r.body["error"]["request_id"], "proxy-7f3a.01_b",
        "{}",
        r.text
    );
    assert_eq!(r.headers["x-request-id"], "proxy-7f3a.01_b");

    let long = "a".repeat(65);
    for bad in ["two words", "<b>", long.as_str()] {
        let r = app.raw(with_id(bad)).await;
        // `assert_error` also checks that the body's id is the header's, and one of ours.
        let e = assert_error(&r, 401, "unauthorized");
        assert_ne!(e["request_id"], bad, "{}", r.text);
    }
    // Two ids: neither is trusted.
    let r = app
        .raw(
            Request::get("/healthz")
                .header("x-request-id", "one")
                .header("x-request-id", "two")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.headers["x-request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    // Fresh ids differ between requests.
    let a = app
        .raw(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    let b = app
        .raw(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_ne!(a.headers["x-request-id"], b.headers["x-request-id"]);
}

#[tokio::test]
async fn client_routes_fall_back_to_the_app_and_assets_are_cached() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>portal</title>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("portico-0123456789abcdef_bg.wasm"),
        vec![0u8; 4096],
    )
    .unwrap();
    let dir = dist.path().to_path_buf();
    let app = App::with(move |s| s.dist = Some(dir)).await;
    for path in [
        "/sso",
        "/sso/setup/provider?connection=x",
        "/setup?token=abc",
    ] {
        let r = app
            .raw(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.text.contains("<title>portal</title>"), "{path}");
        assert_eq!(r.headers["cache-control"], "no-cache");
    }
    let r = app
        .raw(
            Request::get("/portico-0123456789abcdef_bg.wasm")
                .header("accept-encoding", "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "application/wasm");
    assert_eq!(
        r.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(r.headers["content-encoding"], "br");
    std::fs::write(dist.path().join("inspector_bg.wasm"), vec![1u8; 64]).unwrap();
    let r = app
        .raw(
            Request::get("/inspector_bg.wasm")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        r.headers["cache-control"], "no-cache",
        "unhashed files are revalidated"
    );
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    let r = app
        .raw(
            Request::get("/inspector_bg.wasm")
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 304);
    std::fs::write(dist.path().join("inspector_bg.wasm.br"), b"small").unwrap();
    let r = app
        .raw(
            Request::get("/inspector_bg.wasm")
                .header("accept-encoding", "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        (
            r.headers["content-encoding"].to_str().unwrap(),
            r.headers["cache-control"].to_str().unwrap()
        ),
        ("br", "no-cache")
    );
    assert_ne!(
        r.headers["etag"].to_str().unwrap(),
        etag,
        "each representation has its own tag"
    );
    // A precompressed copy made at build time is preferred when the browser takes it.
    std::fs::write(
        dist.path().join("portico-0123456789abcdef_bg.wasm.br"),
        b"precompressed",
    )
    .unwrap();
    let r = app
        .raw(
            Request::get("/portico-0123456789abcdef_bg.wasm")
                .header("accept-encoding", "gzip, deflate, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        (
            r.headers["content-encoding"].to_str().unwrap(),
            r.text.as_str()
        ),
        ("br", "precompressed")
    );
    assert_eq!(r.headers["content-type"], "application/wasm");
    let r = app
        .raw(
            Request::get("/portico-0123456789abcdef_bg.wasm")
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        r.headers["content-encoding"], "gzip",
        "no .gz copy: compressed on the fly"
    );
    let r = app
        .raw(Request::get("/missing.js").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .raw(Request::get("/../secret.key").body(Body::empty()).unwrap())
        .await;
    assert_ne!(r.status, 200);
}

#[tokio::test]
async fn compressed_error_bodies_decode_to_the_error_shape() {
    use std::io::Read;
    let app = App::new().await;
    let req = Request::get("/api/v1/organizations")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let resp = portico::server::http::router(app.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let mut body = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut body)
        .unwrap();
    let v: Value = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("not JSON after decoding ({e}): {body:?}"));
    assert_eq!(v["error"]["code"], "unauthorized");
    assert!(v["error"]["request_id"]
        .as_str()
        .unwrap()
        .starts_with("req_"));
}
