//! Serving the built portal ([`Assets`](crate::server::assets::Assets)).
//!
//! Client routes fall back to `index.html`; Trunk's hashed file names are cached for a year.

use crate::server::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::Digest;

/// Trunk names built files like `portico-4f2a9c1d3e5b7a90_bg.wasm`: those never change.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    stem.split(['-', '_'])
        .any(|part| part.len() >= 12 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

const SERVER_PREFIXES: [&str; 4] = ["api/", "portal/api/", "sso/saml/", "sso/oidc/"];

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Portico</title>\
<p>The portal has not been built. Run <code>trunk build --release</code> and restart, or start the server with <code>--dist dist</code>.</p></html>";

/// Serves a portal file, or `index.html` for client routes.
pub async fn serve(
    State(s): State<AppState>,
    site: crate::server::site::Site,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return crate::server::http::error::method_not_allowed()
            .await
            .into_response();
    }
    let path = uri.path().trim_start_matches('/');
    // Server paths that matched no route get the API's 404, not the app shell.
    if SERVER_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return crate::server::http::error::api_not_found()
            .await
            .into_response();
    }
    if !path.is_empty() && path != "index.html" {
        if let Some(body) = s.assets.get(path) {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            let content_type = HeaderValue::from_str(mime.as_ref())
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let mut resp_headers = axum::http::HeaderMap::new();
            resp_headers.insert(header::CONTENT_TYPE, content_type);
            // Built files come with brotli and gzip copies made at build time (.ci/precompress);
            // without one, the compression layer compresses on the fly.
            let accepts = headers
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let packed = [("br", "br"), ("gzip", "gz")]
                .into_iter()
                .find_map(|(encoding, ext)| {
                    let wanted = accepts
                        .split(',')
                        .any(|a| a.split(';').next().unwrap_or("").trim() == encoding);
                    wanted
                        .then(|| s.assets.get(&format!("{path}.{ext}")))
                        .flatten()
                        .map(|b| (encoding, b))
                });
            let body = match packed {
                Some((encoding, packed)) => {
                    resp_headers
                        .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
                    resp_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                    packed
                }
                None => body,
            };
            if is_hashed(path) {
                resp_headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                );
                return (resp_headers, body.into_owned()).into_response();
            }
            // Unhashed names (logos, the inspector worker) change in place on upgrade: revalidate
            // every time, so an old worker script is never paired with a new wasm module.
            let etag = format!("\"{}\"", hex::encode(&sha2::Sha256::digest(&body)[..12]));
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                == Some(etag.as_str())
            {
                return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
            }
            resp_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            if let Ok(v) = HeaderValue::from_str(&etag) {
                resp_headers.insert(header::ETAG, v);
            }
            return (resp_headers, body.into_owned()).into_response();
        }
        // A missing file with an extension is a 404, not the app shell.
        if path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
        {
            return (StatusCode::NOT_FOUND, "Not found").into_response();
        }
    }
    match s.assets.get("index.html") {
        Some(body) => {
            let html = String::from_utf8_lossy(&body);
            // The theme is linked into the page itself, so it applies before the app starts.
            let html = match super::theme::url_for_request(&s, &headers, &site).await {
                Ok((url, favicon)) => crate::server::theme::inject(&html, &url, favicon.as_deref()),
                Err(e) => {
                    tracing::warn!(error = %e, "could not look up the theme; serving the default");
                    html.into_owned()
                }
            };
            // Trunk's module loader is an inline script: the page's policy allows it by the hash
            // of the text served, read from the very file (a rebuilt `dist/` needs no restart).
            let sources = crate::core::csp::PageSources::for_html(&html);
            let mut resp = (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                html,
            )
                .into_response();
            resp.extensions_mut().insert(sources);
            resp
        }
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_names() {
        assert!(super::is_hashed("portico-4f2a9c1d3e5b7a90_bg.wasm"));
        assert!(super::is_hashed("style-0123456789abcdef.css"));
        assert!(super::is_hashed("portico-11ba1a4ab8013f8.js"));
        assert!(!super::is_hashed("logos/okta.svg"));
        assert!(!super::is_hashed("index.html"));
    }

    #[test]
    fn the_built_portal_is_what_the_binary_serves_by_default() {
        let index = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/index.html");
        if !index.exists() {
            eprintln!("skipped: no dist/ yet (run `trunk build --release` first)");
            return;
        }
        assert!(
            crate::server::assets::Assets::Embedded.has_index(),
            "dist/index.html exists but the embedded assets do not include it"
        );
    }
}
