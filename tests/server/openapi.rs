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
