//! The protocol endpoints IdPs and browsers reach directly (`/sso/...`): our SP metadata, the
//! start of a SAML test, the ACS URL and the OIDC redirect URI.
//!
//! These answer browsers in the middle of a sign-in, so failures are small HTML pages rather than
//! JSON; results themselves are shown by the portal's test page.

use super::error::ApiError;
use super::plain_page::{failed, page};
use crate::core::csp::PageSources;
use crate::server::{saml, signin, AppState};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::net::SocketAddr;

/// The `/sso` routes. Those anyone can call to start or finish a sign-in (the ACS URLs, OIDC
/// callbacks and `/sso/authorize`) are limited per client address before any other work;
/// `/sso/token` keeps its own failure budgets.
pub fn routes(state: &AppState) -> Router<AppState> {
    let limited = Router::new()
        .route("/sso/saml/{connection_id}/acs", post(acs))
        .route("/sso/oidc/{connection_id}/callback", get(callback))
        .route("/sso/authorize", get(super::go_live::authorize))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_by_address,
        ));
    Router::new()
        .route("/sso/saml/{connection_id}/metadata.xml", get(sp_metadata))
        .route("/sso/saml/{connection_id}/login/{test_id}", get(login))
        .route(
            "/sso/token",
            post(super::go_live::token).layer(DefaultBodyLimit::max(
                crate::server::go_live::TOKEN_BODY_LIMIT,
            )),
        )
        .merge(limited)
}

/// Middleware: too many requests from one address get `429` with `Retry-After`, before the
/// body is read.
async fn limit_by_address(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let address = super::site::client_address(&s.settings, req.headers(), peer);
    if let Err(wait) = s.answer_limits.admit(address, s.clock.now()) {
        return too_many(wait);
    }
    next.run(req).await
}

/// `GET /sso/saml/{id}/metadata.xml`: our SP metadata, public so IdPs can fetch it.
async fn sp_metadata(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let row = s
        .store
        .connection(&id)
        .await?
        .ok_or_else(|| ApiError::new(crate::api::ErrorCode::ConnectionNotFound))?;
    let xml = saml::sp_metadata_xml(
        &crate::server::connections::sp_values(&s, &row),
        row.sp_certificate.as_deref(),
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/samlmetadata+xml".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"portico-{}-metadata.xml\"", row.id),
            ),
        ],
        xml,
    )
        .into_response())
}

/// `GET /sso/saml/{id}/login/{test}`: sends the browser to the IdP with a fresh AuthnRequest.
async fn login(State(s): State<AppState>, Path((id, test_id)): Path<(String, String)>) -> Response {
    match signin::launch_saml(&s, &id, &test_id).await {
        Ok(signin::Launch::Redirect(url)) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, url),
                (header::CACHE_CONTROL, "no-store".into()),
            ],
        )
            .into_response(),
        Ok(signin::Launch::Post { html, action }) => {
            // The page's one inline script submits the form, and its form posts to the IdP: the
            // policy allows exactly that script and that origin.
            let mut sources = PageSources::for_html(&html);
            sources.form_targets.extend(form_target(&action));
            let mut resp = (
                StatusCode::OK,
                [(header::CACHE_CONTROL, "no-store")],
                Html(html),
            )
                .into_response();
            resp.extensions_mut().insert(sources);
            resp
        }
        Ok(signin::Launch::Result(path)) => Redirect::to(&path).into_response(),
        Err(e) => failed(e),
    }
}

/// The origin a form posting to `url` needs in `form-action`; none for a URL that has no
/// origin a policy can name (the form then stays blocked rather than the policy widened).
fn form_target(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    matches!(u.scheme(), "https" | "http")
        .then(|| u.origin().ascii_serialization())
        .filter(|o| o != "null")
}

/// The HTTP-POST binding's form fields.
#[derive(Deserialize)]
struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    saml_response: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// Answers an IdP's answer: to the result page or the app (303, so a reload does not post it
/// again), or, when it belonged to no attempt of ours, a page saying why.
fn land(landing: signin::Landing) -> Response {
    match landing {
        signin::Landing::Refused {
            code,
            title,
            message,
            fix,
        } => {
            let steps: String = fix
                .iter()
                .map(|f| format!("<li>{}</li>", html_escape::encode_quoted_attribute(f)))
                .collect();
            let body = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                 <title>{t}</title></head><body style=\"font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem\">\
                 <h1>{t}</h1><p>{m}</p><ol>{steps}</ol><p>Nothing was recorded. Error code: <code>{c}</code></p></body></html>",
                t = html_escape::encode_quoted_attribute(&title),
                m = html_escape::encode_quoted_attribute(&message),
                c = code.as_str()
            );
            (
                StatusCode::BAD_REQUEST,
                [(header::CACHE_CONTROL, "no-store")],
                Html(body),
            )
                .into_response()
        }
        signin::Landing::Wait(wait) => too_many(wait),
        other => Redirect::to(&other.location().unwrap_or_default()).into_response(),
    }
}

/// `429` with `Retry-After`.
fn too_many(wait: u64) -> Response {
    let err = ApiError::new(crate::api::ErrorCode::RateLimited)
        .message(format!("Too many sign-in requests arrived from here or for this connection. Try again in {wait} seconds."));
    let mut resp = page(StatusCode::TOO_MANY_REQUESTS, "Please wait a moment", &err);
    if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// `POST /sso/saml/{id}/acs`: the IdP's answer.
async fn acs(
    State(s): State<AppState>,
    Path(id): Path<String>,
    form: Result<Form<AcsForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (response, relay) = match &form {
        Ok(Form(f)) => (f.saml_response.as_deref(), f.relay_state.as_deref()),
        Err(_) => (None, None),
    };
    match signin::receive_saml(&s, &id, response, relay).await {
        Ok(landing) => land(landing),
        Err(e) => failed(e),
    }
}

/// The OIDC redirect's query.
#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /sso/oidc/{id}/callback`: the provider's answer.
async fn callback(
    State(s): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or(CallbackQuery {
        code: None,
        state: None,
        error: None,
        error_description: None,
    });
    match signin::receive_oidc(
        &s,
        &id,
        q.code.as_deref(),
        q.state.as_deref(),
        q.error.as_deref(),
        q.error_description.as_deref(),
    )
    .await
    {
        Ok(landing) => land(landing),
        Err(e) => failed(e),
    }
}
