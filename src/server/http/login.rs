//! `GET /sso/authorize` and `POST /sso/token`: the vendor app's side of a sign-in (see
//! [`server::login`](crate::server::login)).

use super::error::ApiError;
use crate::api::sso::SignInError;
use crate::api::ErrorCode;
use crate::server::login::{self, LoginRequest, TokenRequest};
use crate::server::store::ConnectionRow;
use crate::server::{service, signin, AppState};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

/// `/sso/authorize`'s query.
#[derive(Debug, Default, Deserialize)]
pub struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    organization: Option<String>,
    connection: Option<String>,
    login_hint: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    response_type: Option<String>,
}

/// The page for a request whose redirect URI cannot be trusted: never a redirect. The message
/// is for the person signing in; the detail after it is for the app's developers.
fn refused(code: ErrorCode, detail: &str) -> Response {
    let message = format!("{} (For the app's developers: {detail})", code.message());
    super::sso::page(StatusCode::BAD_REQUEST, "This sign-in link is not valid", &ApiError::new(code).message(message))
}

fn redirect(url: String) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, url), (header::CACHE_CONTROL, "no-store".to_owned())]).into_response()
}

/// `GET /sso/authorize?client_id=…&redirect_uri=…&state=…&organization=…|connection=…|login_hint=…`
pub async fn authorize(State(s): State<AppState>, q: Result<Query<AuthorizeQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    // Until the redirect URI is known to be registered, nothing is sent to it.
    let Some(client_id) = q.client_id.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
        return refused(ErrorCode::ClientUnknown, "the link has no client_id; add PORTICO_CLIENT_ID to it.");
    };
    let env = match login::environment_of_client(&s, client_id).await {
        Ok(Some(env)) => env,
        Ok(None) => return refused(ErrorCode::ClientUnknown, "this client_id is unknown here; check PORTICO_CLIENT_ID."),
        Err(e) => return super::sso::failed(e.into()),
    };
    let uris = match s.store.list_redirect_uris(&env.id).await {
        Ok(u) => u,
        Err(e) => return super::sso::failed(e.into()),
    };
    let redirect_uri = match q.redirect_uri.as_deref() {
        Some(uri) => match uris.iter().find(|u| u.uri == uri) {
            Some(u) => u.uri.clone(),
            None => return refused(ErrorCode::RedirectUriNotRegistered, "redirect_uri must be registered exactly (PUT /api/v1/redirect_uris or `portico redirect-uri add`)."),
        },
        None => match uris.iter().find(|u| u.is_default) {
            Some(u) => u.uri.clone(),
            None => return refused(ErrorCode::RedirectUriNotRegistered, "the link names no redirect_uri and none is registered as the default."),
        },
    };
    let login = LoginRequest { client_id: client_id.to_owned(), redirect_uri, state: q.state.clone(), code_challenge: q.code_challenge.clone() };
    // From here on, every problem goes back to the app.
    let fail = |error: SignInError, description: &str| redirect(login::error_redirect(&login, error, description));
    if q.response_type.as_deref().is_some_and(|r| r != "code") {
        return fail(SignInError::InvalidRequest, "response_type must be code.");
    }
    match (q.code_challenge.as_deref(), q.code_challenge_method.as_deref()) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {}
        (Some(_), Some("S256")) => return fail(SignInError::InvalidRequest, "code_challenge must be the base64url SHA-256 of the verifier (43 characters)."),
        (Some(_), _) => return fail(SignInError::InvalidRequest, "code_challenge_method must be S256."),
        (None, Some(_)) => return fail(SignInError::InvalidRequest, "code_challenge_method was sent without a code_challenge."),
        (None, None) => {}
    }
    let row = match find_connection(&s, &env.id, &q).await {
        Ok(Ok(row)) => row,
        Ok(Err((error, description))) => return fail(error, &description),
        Err(e) => {
            tracing::error!(code = e.code.as_str(), "authorize failed");
            return fail(SignInError::ServerError, "Something went wrong on our side; try again.");
        }
    };
    match signin::start_login(&s, &row, login.clone()).await {
        Ok(url) => redirect(url),
        Err(e) => {
            tracing::error!(code = e.code.as_str(), "starting a sign-in failed");
            fail(SignInError::ServerError, "The sign-in could not be started; try again.")
        }
    }
}

type Found = Result<ConnectionRow, (SignInError, String)>;

/// The active connection the request points at: by `connection`, by `organization` (id or
/// external id), or by the verified domain of the `login_hint` email.
async fn find_connection(s: &AppState, env_id: &str, q: &AuthorizeQuery) -> Result<Found, ApiError> {
    let active = |row: &ConnectionRow| row.state == crate::api::portal::ConnectionState::Active.as_str();
    if let Some(id) = q.connection.as_deref().filter(|c| !c.is_empty()) {
        let row = s.store.connection(id).await?;
        let org = match &row {
            Some(r) => s.store.organization_by_id(&r.organization_id).await?,
            None => None,
        };
        return Ok(match (row, org) {
            (Some(row), Some(org)) if org.environment_id == env_id && active(&row) => Ok(row),
            (Some(_), Some(org)) if org.environment_id == env_id => Err((SignInError::ConnectionNotFound, format!("Connection {id} is not active yet."))),
            _ => Err((SignInError::ConnectionNotFound, format!("No connection {id} exists for this app."))),
        });
    }
    let org = if let Some(o) = q.organization.as_deref().filter(|o| !o.is_empty()) {
        match service::find_organization(s.store.as_ref(), env_id, o).await? {
            Some(org) => org,
            None => return Ok(Err((SignInError::OrganizationNotFound, format!("No organization {o} exists for this app.")))),
        }
    } else if let Some(hint) = q.login_hint.as_deref().filter(|h| !h.is_empty()) {
        let Some((_, domain)) = hint.trim().rsplit_once('@') else {
            return Ok(Err((SignInError::InvalidRequest, "login_hint must be an email address.".to_owned())));
        };
        let domain = idna::domain_to_ascii(domain).unwrap_or_default();
        // The email's domain or a parent of it, verified by an organization of this app.
        let mut candidate = domain.as_str();
        let mut found = None;
        while found.is_none() && candidate.contains('.') {
            found = s.store.domain_verified_by(env_id, candidate).await?;
            candidate = candidate.split_once('.').map_or("", |(_, rest)| rest);
        }
        match found {
            Some(org_id) => match s.store.organization_by_id(&org_id).await? {
                Some(org) => org,
                None => return Ok(Err((SignInError::OrganizationNotFound, format!("No organization has verified {domain}.")))),
            },
            None => return Ok(Err((SignInError::OrganizationNotFound, format!("No organization has verified {domain}.")))),
        }
    } else {
        return Ok(Err((SignInError::InvalidRequest, "Send one of organization, connection or login_hint.".to_owned())));
    };
    let rows = s.store.list_connections(&org.id).await?;
    Ok(match rows.into_iter().find(|r| active(r)) {
        Some(row) => Ok(row),
        None => Err((SignInError::ConnectionNotFound, format!("{} has no active connection yet.", org.name))),
    })
}

/// `Authorization: Basic base64(client_id:client_secret)`, if sent.
fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// `POST /sso/token` (form-encoded): the code for the profile.
pub async fn token(State(s): State<AppState>, headers: HeaderMap, form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>) -> Response {
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    let req = match form {
        Ok(Form(r)) => r,
        Err(e) => {
            let body = crate::api::sso::TokenError { error: "invalid_request".into(), error_description: format!("Send the parameters form-encoded: {e}.") };
            return (StatusCode::BAD_REQUEST, no_store, axum::Json(body)).into_response();
        }
    };
    match login::token(&s, basic_auth(&headers), req).await {
        Ok(t) => (StatusCode::OK, no_store, axum::Json(t)).into_response(),
        Err(r) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = crate::api::sso::TokenError { error: r.error.to_owned(), error_description: r.description };
            (status, no_store, axum::Json(body)).into_response()
        }
    }
}
