//! The TLS proxy's question about custom hostnames. Managing them is
//! [`server::hostnames`](crate::server::hostnames).

use super::error::ApiError;
use crate::server::hostnames;
use crate::server::AppState;

/// `?domain=` of [`tls_allowed`].
#[derive(serde::Deserialize)]
pub struct TlsQuery {
    domain: Option<String>,
}

/// `GET /internal/tls-allowed?domain=sso.vendor.com`: 200 when the name is an active custom
/// hostname, so the TLS proxy in front (Caddy's on-demand TLS `ask`) gets it a certificate;
/// 404 for anything else, so nobody can make the proxy request certificates for arbitrary names.
pub async fn tls_allowed(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Query(q): axum::extract::Query<TlsQuery>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let Some(hostname) = q
        .domain
        .as_deref()
        .and_then(|d| hostnames::normalize(d).ok())
    else {
        return (StatusCode::BAD_REQUEST, "Ask with ?domain=<hostname>.\n").into_response();
    };
    match state.store.custom_domain_by_hostname(&hostname).await {
        Ok(Some(d)) if d.state == "active" => (StatusCode::OK, "yes\n").into_response(),
        Ok(_) => (StatusCode::NOT_FOUND, "no\n").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
