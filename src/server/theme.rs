//! Branding: which theme applies, checking a theme before it is saved, and the versioned
//! stylesheet the portal loads before its own code runs.
//!
//! The theme itself (tokens, contrast, CSS) is shared logic in [`core::theme`](crate::core::theme).

use crate::api::theme::{ProblemKind, Theme, ThemeInput};
use crate::api::ErrorCode;
use crate::core::theme;
use crate::server::http::error::ApiError;
use crate::server::store::StoreError;
use crate::server::AppState;

/// Whose theme a stylesheet is: the environment's, or an organization's override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `env_…`
    Environment(String),
    /// `org_…`
    Organization(String),
}

impl Scope {
    /// The id in the stylesheet's URL.
    pub fn id(&self) -> &str {
        match self {
            Scope::Environment(id) | Scope::Organization(id) => id,
        }
    }
}

fn parse(json: Option<String>) -> Option<Theme> {
    json.and_then(|j| serde_json::from_str(&j).ok())
}

/// The environment's theme, or the default one.
pub async fn environment_theme(state: &AppState, environment_id: &str) -> Result<Theme, StoreError> {
    Ok(parse(state.store.environment_theme(environment_id).await?).unwrap_or_else(theme::default_theme))
}

/// The theme an organization's admins see, and whose it is: the organization's override, or
/// else the environment's.
pub async fn effective(state: &AppState, environment_id: &str, organization_id: Option<&str>) -> Result<(Scope, Theme), StoreError> {
    if let Some(org) = organization_id {
        if let Some(t) = parse(state.store.organization_theme(org).await?) {
            return Ok((Scope::Organization(org.to_owned()), t));
        }
    }
    Ok((Scope::Environment(environment_id.to_owned()), environment_theme(state, environment_id).await?))
}

/// The URL of a theme's stylesheet; its version changes whenever the theme does, so it can be
/// cached for a year.
pub fn stylesheet_url(scope: &Scope, t: &Theme) -> String {
    format!("/theme/{}/{}.css", scope.id(), theme::version(t))
}

/// Checks a theme the way every entry point must (API, CLI, the editor's "Publish"): invalid
/// values always refuse; low contrast refuses unless the caller accepted it explicitly.
pub fn accept(input: ThemeInput) -> Result<Theme, ApiError> {
    let problems = theme::check(&input.theme);
    let blocking: Vec<_> = problems.iter().filter(|p| p.kind == ProblemKind::Invalid || !input.accept_low_contrast).collect();
    if blocking.is_empty() {
        return Ok(input.theme);
    }
    let only_contrast = blocking.iter().all(|p| p.kind == ProblemKind::LowContrast);
    let mut err = if only_contrast {
        ApiError::new(ErrorCode::LowContrast)
    } else {
        ApiError::new(ErrorCode::ValidationFailed).message("Some theme values need attention; see `fields`.")
    };
    for p in &blocking {
        err.fields.insert(p.field.clone(), p.message.clone());
    }
    Err(err.details(serde_json::json!({ "problems": blocking })))
}

/// Stores an environment's theme (`None` goes back to the default).
pub async fn save_environment(state: &AppState, environment_id: &str, t: Option<&Theme>) -> Result<(), ApiError> {
    let json = t.map(serde_json::to_string).transpose().map_err(ApiError::internal)?;
    state.store.set_environment_theme(environment_id, json.as_deref()).await?;
    Ok(())
}

/// Stores an organization's override (`None` removes it).
pub async fn save_organization(state: &AppState, organization_id: &str, t: Option<&Theme>) -> Result<(), ApiError> {
    let json = t.map(serde_json::to_string).transpose().map_err(ApiError::internal)?;
    state.store.set_organization_theme(organization_id, json.as_deref()).await?;
    Ok(())
}

/// Puts the theme's stylesheet link into the portal's `index.html`, right before `</head>`, so
/// it loads before the app and overrides the default tokens (no flash of the default theme).
pub fn inject(index_html: &str, url: &str) -> String {
    let link = format!("<link rel=\"stylesheet\" href=\"{url}\" data-portico-theme>");
    match index_html.rfind("</head>") {
        Some(i) => format!("{}{link}{}", &index_html[..i], &index_html[i..]),
        None => format!("{link}{index_html}"),
    }
}

/// The stylesheet URL for a page request: the signed-in organization's theme when the request
/// carries a session cookie, else the default environment's (hostnames choose environments
/// once custom domains exist).
pub async fn url_for_request(state: &AppState, headers: &axum::http::HeaderMap) -> Result<String, StoreError> {
    let (scope, t) = for_request(state, headers).await?;
    Ok(stylesheet_url(&scope, &t))
}

/// `GET /portal/api/branding`: names, help and footer links of the theme in force. Public, as
/// the page that shows them may come before the session.
pub async fn branding(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<axum::Json<crate::api::theme::Branding>, ApiError> {
    let (_, t) = for_request(&state, &headers).await?;
    Ok(axum::Json(crate::api::theme::Branding::from(&t)))
}

/// The theme for a request, and whose it is.
async fn for_request(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(Scope, Theme), StoreError> {
    let session = match crate::server::http::session::cookie_value(headers) {
        Some(v) => state.store.session(&crate::server::crypto::hash_token(&v)).await?,
        None => None,
    };
    let org = match session {
        Some(s) => state.store.organization_by_id(&s.organization_id).await?,
        None => None,
    };
    let env_id = match &org {
        Some(o) => o.environment_id.clone(),
        None => match state.store.environment_by_name(crate::server::service::DEFAULT_ENVIRONMENT).await? {
            Some(e) => e.id,
            None => return Ok((Scope::Environment("default".into()), theme::default_theme())),
        },
    };
    effective(state, &env_id, org.as_ref().map(|o| o.id.as_str())).await
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
            Ok(Some(org)) => effective(&state, &org.environment_id, Some(&org.id)).await.ok().map(|(_, t)| t),
            _ => None,
        }
    } else if scope == "default" {
        Some(theme::default_theme())
    } else {
        match state.store.list_environments().await {
            Ok(envs) if envs.iter().any(|e| e.id == scope) => environment_theme(&state, &scope).await.ok(),
            _ => None,
        }
    };
    let Some(t) = found else {
        return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/css; charset=utf-8")], "/* no such theme */").into_response();
    };
    let current = file.strip_suffix(".css") == Some(theme::version(&t).as_str());
    let cache = if current { "public, max-age=31536000, immutable" } else { "no-cache" };
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, cache)], theme::stylesheet(&t)).into_response()
}
