//! Branding over HTTP: the theme stylesheets and uploaded files pages load, and the public
//! branding the portal shows before sign-in. What a theme is and which applies is
//! [`server::theme`](crate::server::theme).

use super::error::ApiError;
use super::session;
use crate::core::theme as core_theme;
use crate::server::site::Site;
use crate::server::store::StoreError;
use crate::server::theme;
use crate::server::AppState;

/// `GET /theme-assets/{id}`: an uploaded file. Its id is its content, so it is cached for good;
/// SVG is served under a policy that lets it run nothing even when opened on its own.
pub async fn serve_asset(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    match state.store.asset(&id).await {
        Ok(Some(a)) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_owned(),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_owned(),
                ),
            ],
            a.bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "Not found").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The stylesheet URL for a page request: the signed-in organization's theme when the request
/// carries a session cookie, else the theme of the environment the hostname belongs to.
pub async fn url_for_request(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    site: &Site,
) -> Result<(String, Option<String>), StoreError> {
    let cookie = session::cookie_value(&state.settings, headers);
    theme::url_for_session(state, cookie.as_deref(), site).await
}

/// `GET /portal/api/branding`: names, help and footer links of the theme in force. Public, as
/// the page that shows them may come before the session.
pub async fn branding(
    axum::extract::State(state): axum::extract::State<AppState>,
    site: Site,
    headers: axum::http::HeaderMap,
) -> Result<axum::Json<crate::api::theme::Branding>, ApiError> {
    let cookie = session::cookie_value(&state.settings, &headers);
    let (_, t) = theme::for_session(&state, cookie.as_deref(), &site).await?;
    Ok(axum::Json(crate::api::theme::Branding::from(&t)))
}

/// `GET /theme/{scope}/{version}.css`: the theme as CSS custom properties. The current version
/// is cached for a year (a new theme gets a new URL); an old version gets today's theme, uncached.
pub async fn serve_stylesheet(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path((scope, file)): axum::extract::Path<(String, String)>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let found = if scope.starts_with("org_") {
        match state.store.organization_by_id(&scope).await {
            Ok(Some(org)) => theme::effective(&state, &org.environment_id, Some(&org.id))
                .await
                .ok()
                .map(|(_, t)| t),
            _ => None,
        }
    } else if scope == "default" {
        Some(core_theme::default_theme())
    } else {
        match state.store.list_environments().await {
            Ok(envs) if envs.iter().any(|e| e.id == scope) => {
                theme::environment_theme(&state, &scope).await.ok()
            }
            _ => None,
        }
    };
    let Some(t) = found else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            "/* no such theme */",
        )
            .into_response();
    };
    let current = file.strip_suffix(".css") == Some(core_theme::version(&t).as_str());
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        core_theme::stylesheet(&t),
    )
        .into_response()
}
