//! Embedding over HTTP: the `Content-Security-Policy` every HTML response carries (its
//! `frame-ancestors` from the environment's allowed origins), the portal's read of those
//! origins, and `/embed.js`. The settings themselves are [`server::embed`](crate::server::embed).

use super::error::ApiError;
use crate::api::embed::Embedding;
use crate::core::csp::{self, PageSources};
use crate::core::embed as rules;
use crate::server::embed;
use crate::server::site::Site;
use crate::server::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Pages the portal frames itself: the theme editor shows its preview in an iframe.
const SELF_FRAMED: &[&str] = &["/theme/preview"];

/// Middleware: every HTML response gets Portico's page policy ([`csp::page_policy`]): scripts
/// only from Portico's origin plus the inline ones the handler vouched for by hash (a
/// [`PageSources`] in the response's extensions; none when it put none there), and which sites
/// may frame it (`frame-ancestors`, from the environment's allowed origins, `'none'` when there
/// are none). `X-Frame-Options` is never sent: it cannot list origins and would contradict the
/// policy. A response that set its own policy keeps it.
pub async fn content_security_policy(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let site = req.extensions().get::<Site>().cloned();
    let with_self = SELF_FRAMED.contains(&req.uri().path().trim_end_matches('/'));
    let mut resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || resp.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        return resp;
    }
    let origins = match embed::for_request(&state, site.as_ref()).await {
        Ok(e) => e.allowed_origins,
        Err(e) => {
            // Failing closed: a page nobody may frame is better than one anybody may.
            tracing::warn!(error = %e, "could not read the embedding settings; the page may not be framed");
            Vec::new()
        }
    };
    let sources = resp
        .extensions_mut()
        .remove::<PageSources>()
        .unwrap_or_default();
    let policy = csp::page_policy(&sources, &rules::frame_ancestors(&origins, with_self));
    match HeaderValue::from_str(&policy) {
        Ok(v) => {
            resp.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
        Err(_) => {
            // Only a form target could make the value unsendable; the page is not served
            // without a policy.
            tracing::warn!(
                "a page's Content-Security-Policy is not a valid header value; refusing the page"
            );
            return (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "This page could not be served safely.",
            )
                .into_response();
        }
    }
    resp
}

/// `GET /portal/api/embedding`: the allowed origins of the page's environment, so the portal
/// knows which parent it may post events to. Public, like the header it mirrors.
pub async fn portal_settings(
    State(state): State<AppState>,
    site: Site,
) -> Result<axum::Json<Embedding>, ApiError> {
    Ok(axum::Json(embed::for_request(&state, Some(&site)).await?))
}

/// The embed script vendors load from Portico (`public/embed.js`).
const EMBED_JS: &str = include_str!("../../../public/embed.js");

/// `GET /embed.js`: served by every Portico (no CDN), revalidated hourly so upgrades reach
/// vendors' pages soon.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            // Loaded by the vendor's pages, on another origin, as a plain <script>.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        EMBED_JS,
    )
        .into_response()
}
