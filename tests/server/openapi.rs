//! The OpenAPI document: served, complete (every vendor and SSO route is in it, and nothing
//! that is not a route), with schemas generated from the wire types.

use super::*;

/// `(method, path)` of every route registered in a router file, read from its source: the
/// `.route("…", get(…).post(…))` calls, with `prefix` added.
fn routes_in(file: &str, prefix: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap();
    let mut out = Vec::new();
    for chunk in text.split(".route(").skip(1) {
        // The path may stand on the next line.
        let Some(chunk) = chunk.trim_start().strip_prefix('"') else {
            continue;
        };
        let (path, rest) = chunk.split_once('"').unwrap();
        // The handlers: the rest of the .route( call, up to its closing parenthesis (it may
        // span lines).
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(rest.len(), |(i, _)| i);
        let handlers = &rest[..end];
        for m in ["get", "post", "put", "patch", "delete"] {
            if handlers.contains(&format!("{m}("))
                && (handlers.contains(&format!(" {m}("))
                    || handlers.contains(&format!(".{m}("))
                    || handlers.contains(&format!(":{m}("))
                    || handlers.contains(&format!("({m}(")))
            {
                out.push((m.to_owned(), format!("{prefix}{path}")));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_lists_every_route_and_only_routes() {
    let app = App::new().await;
    let r = app
        .raw(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "public, no API key: {}", r.text);
    assert_eq!(r.body["openapi"], "3.1.0");
    let paths = r.body["paths"].as_object().unwrap();

    let mut routes = routes_in("src/server/http/vendor.rs", "/api/v1");
    routes.extend(routes_in("src/server/http/sso.rs", ""));
    assert!(routes.len() > 40, "the scan found the routes: {routes:?}");
    assert!(
        routes.contains(&("post".into(), "/sso/token".into())),
        "{routes:?}"
    );
    let missing: Vec<_> = routes
        .iter()
        .filter(|(m, p)| paths.get(p).and_then(|o| o.get(m)).is_none())
        .collect();
    assert!(missing.is_empty(), "routes missing from the OpenAPI document (add them to server::openapi::operations): {missing:?}");
    let documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), p.clone()))
        })
        .collect();
    let stale: Vec<_> = documented.iter().filter(|r| !routes.contains(r)).collect();
    assert!(
        stale.is_empty(),
        "documented operations that are not routes: {stale:?}"
    );
}

#[tokio::test]
async fn schemas_come_from_the_wire_types() {
    let doc = portico::server::openapi::document();
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Organization",
        "Connection",
        "SsoProfile",
        "TokenResponse",
        "CustomDomain",
        "Theme",
        "ApiErrorBody",
    ] {
        assert!(
            schemas[name].is_object(),
            "{name} missing: {}",
            serde_json::to_string(schemas).unwrap()
        );
    }
    // The profile has exactly the fields the token endpoint returns.
    let mut fields: Vec<&str> = schemas["SsoProfile"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    let mut want = vec![
        "id",
        "idp_id",
        "email",
        "first_name",
        "last_name",
        "groups",
        "custom_attributes",
        "raw_attributes",
        "organization_id",
        "connection_id",
        "connection_type",
        "directory_user_id",
        "directory_user_state",
        "directory_groups",
        "role",
    ];
    want.sort();
    assert_eq!(fields, want);
    let token = &doc["paths"]["/sso/token"]["post"];
    assert_eq!(
        token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/TokenResponse"
    );
    assert!(token["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
    assert_eq!(
        doc["paths"]["/api/v1/organizations"]["post"]["security"][0]["apiKey"],
        json!([])
    );
    // Vendors learn the reserved NameID source from the schema itself.
    let email = schemas["AttributeMapping"]["properties"]["email"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        email.contains("$nameid") && email.contains("NameID"),
        "{}",
        schemas["AttributeMapping"]
    );
}

/// The contract the document states is the one the server keeps: ranges and value rules are
/// in the schemas, every operation documents its errors, and query parameters are listed.
#[tokio::test]
async fn the_document_states_ranges_errors_and_query_parameters() {
    let doc = portico::server::openapi::document();
    let schemas = &doc["components"]["schemas"];
    let link = &schemas["CreatePortalLink"]["properties"]["expires_in_seconds"];
    assert_eq!(link["minimum"], 60, "{link}");
    assert_eq!(link["maximum"], 2_592_000, "{link}");
    assert!(
        schemas["CreatePortalLink"]["properties"]["success_url"]["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("https?://")),
        "{}",
        schemas["CreatePortalLink"]
    );
    assert_eq!(
        schemas["DomainSettings"]["properties"]["domain_verification_days"]["maximum"],
        365
    );
    // OpenAPI 3.1 schemas: `null` is a type, never the 3.0 `nullable` flag.
    let text = doc.to_string();
    assert!(
        !text.contains("\"nullable\""),
        "3.0 keyword in a 3.1 document"
    );
    // Every operation lists its statuses one by one (no catch-all `default`), each error
    // status naming the codes behind it.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.get("default").is_none()
                    && (responses.len() >= 2 || path == "/api/v1/openapi.json"),
                "{method} {path} does not list its statuses: {}",
                op["responses"]
            );
        }
    }
    let patch = &doc["paths"]["/api/v1/connections/{id}"]["patch"]["responses"];
    for (status, code) in [
        ("401", "unauthorized"),
        ("404", "connection_not_found"),
        ("409", "test_required"),
        ("400", "malformed_json"),
        ("415", "unsupported_media_type"),
        ("413", "payload_too_large"),
        ("422", "validation_failed"),
        ("500", "internal_error"),
    ] {
        let text = patch[status]["description"].as_str().unwrap_or_default();
        assert!(text.contains(&format!("`{code}`")), "{status}: {patch}");
    }
    let assets = &doc["paths"]["/api/v1/theme/assets"]["post"]["parameters"][0];
    assert_eq!(assets["name"], "kind");
    assert_eq!(assets["required"], true);
    assert_eq!(assets["schema"]["enum"], json!(["logo", "favicon", "font"]));
    let create = &doc["paths"]["/api/v1/organizations/{id}/connections"]["post"];
    assert!(
        create["requestBody"]
            .to_string()
            .contains("\"required\":[\"idp\"]"),
        "{create}"
    );
}

/// A body of the wrong JSON type is refused in the error shape, and nothing changes: serde
/// alone would read a struct from an array (`[null, null]` as `{name: null, external_id:
/// null}`).
#[tokio::test]
async fn bodies_of_the_wrong_json_type_are_refused() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/organizations/{org}"),
            json!([null, null]),
        ),
        (
            Method::PATCH,
            format!("/api/v1/organizations/{org}"),
            json!({ "domains": "acme.com" }),
        ),
        (
            Method::PATCH,
            "/api/v1/environment".to_owned(),
            json!([null, null, null]),
        ),
        (
            Method::POST,
            "/api/v1/organizations".to_owned(),
            json!(["Beta"]),
        ),
        (
            Method::PUT,
            "/api/v1/theme".to_owned(),
            json!({ "theme": [] }),
        ),
    ] {
        let r = app.vendor(method.clone(), &path, Some(body.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{method} {path} {body}: {}",
            r.text
        );
        assert_eq!(r.body["error"]["code"], "malformed_json", "{}", r.text);
        assert!(
            !r.body["error"]["request_id"]
                .as_str()
                .unwrap_or("")
                .is_empty(),
            "{}",
            r.text
        );
    }
    // An optional body, read by the handler itself, is held to the same rule.
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/domains"),
            Some(json!({ "domain": "acme.com" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let domain = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/domains/{domain}/verify"),
            Some(json!([])),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "malformed_json", "{}", r.text);
    let r = app
        .vendor(Method::GET, &format!("/api/v1/domains/{domain}"), None)
        .await;
    assert_ne!(r.body["state"], "verified", "unchanged: {}", r.text);
    let r = app
        .vendor(Method::GET, &format!("/api/v1/organizations/{org}"), None)
        .await;
    assert_eq!(r.body["name"], "Acme", "unchanged: {}", r.text);
    let r = app.vendor(Method::GET, "/api/v1/organizations", None).await;
    assert_eq!(
        r.body["data"].as_array().unwrap().len(),
        1,
        "nothing created: {}",
        r.text
    );
}

/// JSON Schema counts `60.0` as an integer, so the server does too.
#[tokio::test]
async fn a_number_without_a_fraction_is_an_integer() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(json!({ "organization_id": org, "intent": "sso", "expires_in_seconds": 600.0 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/portal_links",
            Some(json!({ "organization_id": org, "intent": "sso", "expires_in_seconds": 600.5 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "malformed_json", "{}", r.text);
}

/// A theme reads and writes in the same shape: what `GET` returns can be `PUT` back as it is,
/// and `{"theme": …}` still works.
#[tokio::test]
async fn a_theme_is_written_in_the_shape_it_is_read() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let got = app.vendor(Method::GET, "/api/v1/theme", None).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let mut theme = got.body.clone();
    theme["display_name"] = json!("Acme Portal");
    let r = app
        .vendor(Method::PUT, "/api/v1/theme", Some(theme.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["display_name"], "Acme Portal", "{}", r.text);
    let again = app.vendor(Method::GET, "/api/v1/theme", None).await;
    assert_eq!(again.body, r.body, "saved as sent");

    let path = format!("/api/v1/organizations/{org}/theme");
    let mut org_theme = app.vendor(Method::GET, &path, None).await.body;
    assert_eq!(org_theme["inherited"], true, "{org_theme}");
    org_theme["theme"]["display_name"] = json!("Acme's own");
    let r = app.vendor(Method::PUT, &path, Some(org_theme)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["inherited"], false, "{}", r.text);
    assert_eq!(r.body["theme"]["display_name"], "Acme's own", "{}", r.text);

    theme["display_name"] = json!("Wrapped");
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/theme",
            Some(json!({ "theme": theme, "accept_low_contrast": false })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["display_name"], "Wrapped", "{}", r.text);
    // An unknown field is still named, whichever shape was sent.
    theme["colour"] = json!("red");
    let r = app.vendor(Method::PUT, "/api/v1/theme", Some(theme)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("colour"), "{}", r.text);
}

/// A theme sent in the shape `GET` returns may carry `60.0`-style integers too (the body is
/// matched to the shape it has, then held to that shape's types).
#[tokio::test]
async fn a_theme_in_the_read_shape_takes_integral_floats() {
    let app = App::new().await;
    let mut theme = app.vendor(Method::GET, "/api/v1/theme", None).await.body;
    theme["radius_px"] = json!(12.0);
    let r = app.vendor(Method::PUT, "/api/v1/theme", Some(theme)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["radius_px"], 12, "{}", r.text);
}

/// The body is parsed (with serde_json's depth limit) before the schema check walks it, so a
/// body nested far beyond any wire type is refused as malformed, quickly, and changes nothing.
#[tokio::test]
async fn a_body_nested_a_hundred_thousand_deep_is_refused_and_changes_nothing() {
    let app = App::new().await;
    let org = app.org("Acme").await;
    let before = app
        .vendor(Method::GET, &format!("/api/v1/organizations/{org}"), None)
        .await;
    let deep = format!(
        "{{\"name\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let started = std::time::Instant::now();
    let req = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/organizations/{org}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.key))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(deep))
        .unwrap();
    let r = app.raw(req).await;
    assert!(
        r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::PAYLOAD_TOO_LARGE,
        "{}: {}",
        r.status,
        r.text
    );
    assert!(
        r.body["error"]["code"].is_string(),
        "a typed error: {}",
        r.text
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let after = app
        .vendor(Method::GET, &format!("/api/v1/organizations/{org}"), None)
        .await;
    assert_eq!(before.body, after.body, "nothing changed");
}

/// The statuses the document lists are the ones the server answers: every operation, called
/// without an API key, with ids that name nothing, and with a malformed or mistyped body,
/// answers a status its entry lists (schemathesis checks the same from generated requests in
/// `.ci/api-contract`).
#[tokio::test]
async fn every_operation_answers_only_statuses_it_documents() {
    let app = App::new().await;
    let doc = portico::server::openapi::document();
    let mut checked = 0;
    let mut undocumented = Vec::new();
    for op in portico::server::openapi::operations() {
        let documented: Vec<u16> = op.statuses();
        let listed = &doc["paths"][op.path][op.method]["responses"];
        for s in &documented {
            assert!(
                listed[s.to_string()].is_object(),
                "{} {}: {s} not in {listed}",
                op.method,
                op.path
            );
        }
        let path = op
            .path
            .replace("{connection_id}", "conn_nothing")
            .replace("{test_id}", "test_nothing")
            .replace("{id}", "nothing_here");
        let method = Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let json_body = matches!(
            op.body,
            Some(
                portico::server::openapi::Body::Json(_)
                    | portico::server::openapi::Body::OptionalJson(_)
            )
        );
        let mut tries: Vec<(&str, Request<Body>)> = vec![(
            "no API key, ids that name nothing",
            Request::builder()
                .method(method.clone())
                .uri(&path)
                .body(Body::empty())
                .unwrap(),
        )];
        if op.auth == portico::server::openapi::Auth::ApiKey {
            let authed = |content_type: &str, body: &str| {
                Request::builder()
                    .method(method.clone())
                    .uri(&path)
                    .header("authorization", format!("Bearer {}", app.key))
                    .header("content-type", content_type)
                    .body(Body::from(body.to_owned()))
                    .unwrap()
            };
            tries.push(("ids that name nothing", authed("application/json", "{}")));
            if json_body {
                tries.push(("malformed JSON", authed("application/json", "{")));
                tries.push((
                    "a body of the wrong JSON type",
                    authed("application/json", "[null, 7]"),
                ));
                tries.push(("a body that is not JSON", authed("text/plain", "hello")));
            }
        }
        for (what, req) in tries {
            let r = app.raw(req).await;
            if !documented.contains(&r.status.as_u16()) {
                undocumented.push(format!(
                    "{} {} with {what} answered {}, which its entry does not list ({documented:?}): {}",
                    op.method,
                    op.path,
                    r.status,
                    r.text.chars().take(300).collect::<String>()
                ));
            }
            checked += 1;
        }
    }
    assert!(undocumented.is_empty(), "{}", undocumented.join("\n"));
    assert!(checked > 80, "{checked} requests");
}

/// Every instant on the wire is one format, RFC 3339 (issue 15): any property named like an
/// instant (`…_at`, `at`, `not_after`, `server_now`), in any schema of the document, must be
/// `{"type": "string", "format": "date-time"}`, directly or through a `$ref`, or that or null.
#[tokio::test]
async fn every_instant_is_an_rfc3339_date_time() {
    let doc = portico::server::openapi::document();
    let mut instants = 0;
    let mut wrong = Vec::new();
    walk_properties(&doc, &doc, "#", &mut instants, &mut wrong);
    assert!(
        wrong.is_empty(),
        "instants not typed as RFC 3339 date-times:\n{}",
        wrong.join("\n")
    );
    // The walk found the fields it is about (guards against a document shape it cannot read).
    assert!(instants >= 20, "only {instants} instants found");
}

fn is_instant_name(name: &str) -> bool {
    name.ends_with("_at") || ["at", "not_after", "not_before", "server_now"].contains(&name)
}

/// Visits every `properties` map anywhere in `v`, checking the instant-named ones.
fn walk_properties(
    doc: &Value,
    v: &Value,
    at: &str,
    instants: &mut usize,
    wrong: &mut Vec<String>,
) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, schema) in props.iter().filter(|(n, _)| is_instant_name(n)) {
                    *instants += 1;
                    if !is_date_time(doc, schema, 0) {
                        wrong.push(format!("{at}/properties/{name}: {schema}"));
                    }
                }
            }
            for (k, child) in map {
                walk_properties(doc, child, &format!("{at}/{k}"), instants, wrong);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk_properties(doc, child, &format!("{at}/{i}"), instants, wrong);
            }
        }
        _ => {}
    }
}

/// Whether `schema` is an RFC 3339 date-time (or that or null), following `$ref`s in `doc`.
fn is_date_time(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) else {
            return false;
        };
        return is_date_time(doc, target, depth + 1);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema[key].as_array() {
            let (null, other): (Vec<&Value>, Vec<&Value>) =
                branches.iter().partition(|b| b["type"] == "null");
            return null.len() <= 1
                && !other.is_empty()
                && other.iter().all(|b| is_date_time(doc, b, depth + 1));
        }
    }
    let string = schema["type"] == "string" || schema["type"] == json!(["string", "null"]);
    string && schema["format"] == "date-time"
}
