//! `GET /sso/authorize` and `POST /sso/token`: the vendor app's side of a sign-in (see
//! [`server::go_live`](crate::server::go_live)).

use super::error::ApiError;
use crate::api::sso::SignInError;
use crate::api::ErrorCode;
use crate::server::go_live::{self, LoginRequest, TokenRequest};
use crate::server::store::ConnectionRow;
use crate::server::{service, signin, AppState};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Form;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};

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
    super::plain_page::page(
        StatusCode::BAD_REQUEST,
        "This sign-in link is not valid",
        &ApiError::new(code).message(message),
    )
}

fn redirect(url: String) -> Response {
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, url),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// Longest `state` an app may send to `/sso/authorize`.
pub const MAX_STATE_BYTES: usize = 1024;

/// `GET /sso/authorize?client_id=…&redirect_uri=…&state=…&organization=…|connection=…|login_hint=…`
pub async fn authorize(
    State(s): State<AppState>,
    request_id: Option<Extension<tower_http::request_id::RequestId>>,
    q: Result<Query<AuthorizeQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    // The app's state comes back to it verbatim and is stored with the attempt until then.
    if q.state
        .as_deref()
        .is_some_and(|st| st.len() > MAX_STATE_BYTES)
    {
        return refused(ErrorCode::ValidationFailed, &format!("state is longer than {MAX_STATE_BYTES} bytes; send a short random value and keep the rest in your session."));
    }
    // Until the redirect URI is known to be registered, nothing is sent to it.
    let Some(client_id) = q
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return refused(
            ErrorCode::ClientUnknown,
            "the link has no client_id; add PORTICO_CLIENT_ID to it.",
        );
    };
    let env = match go_live::environment_of_client(&s, client_id).await {
        Ok(Some(env)) => env,
        Ok(None) => {
            return refused(
                ErrorCode::ClientUnknown,
                "this client_id is unknown here; check PORTICO_CLIENT_ID.",
            )
        }
        Err(e) => return super::plain_page::failed(e.into()),
    };
    let uris = match s.store.list_redirect_uris(&env.id).await {
        Ok(u) => u,
        Err(e) => return super::plain_page::failed(e.into()),
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
    let login = LoginRequest {
        client_id: client_id.to_owned(),
        redirect_uri,
        state: q.state.clone(),
        code_challenge: q.code_challenge.clone(),
    };
    // From here on, every problem goes back to the app.
    let fail = |error: SignInError, description: &str| {
        redirect(go_live::error_redirect(&login, error, description))
    };
    if q.response_type.as_deref().is_some_and(|r| r != "code") {
        return fail(SignInError::InvalidRequest, "response_type must be code.");
    }
    match (
        q.code_challenge.as_deref(),
        q.code_challenge_method.as_deref(),
    ) {
        (Some(c), Some("S256"))
            if (43..=128).contains(&c.len())
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {}
        (Some(_), Some("S256")) => {
            return fail(
                SignInError::InvalidRequest,
                "code_challenge must be the base64url SHA-256 of the verifier (43 characters).",
            )
        }
        (Some(_), _) => {
            return fail(
                SignInError::InvalidRequest,
                "code_challenge_method must be S256.",
            )
        }
        (None, Some(_)) => {
            return fail(
                SignInError::InvalidRequest,
                "code_challenge_method was sent without a code_challenge.",
            )
        }
        (None, None) => {}
    }
    let row = match find_connection(&s, &env.id, &q).await {
        Ok(Ok(row)) => row,
        Ok(Err(NotFound::Request(error, description))) => return fail(error, &description),
        Ok(Err(NotFound::NoMatch(reason))) => {
            let request_id = request_id
                .and_then(|Extension(id)| id.header_value().to_str().ok().map(str::to_owned))
                .unwrap_or_default();
            tracing::info!(%request_id, client_id, reason, "sign-in link matches no active connection");
            return fail(
                SignInError::ConnectionNotFound,
                &no_match_description(&request_id),
            );
        }
        Err(e) => {
            tracing::error!(code = e.code.as_str(), "authorize failed");
            return fail(
                SignInError::ServerError,
                "Something went wrong on our side; try again.",
            );
        }
    };
    match signin::start_login(&s, &row, login.clone()).await {
        Ok(url) => redirect(url),
        Err(e) => {
            tracing::error!(code = e.code.as_str(), "starting a sign-in failed");
            fail(
                SignInError::ServerError,
                "The sign-in could not be started; try again.",
            )
        }
    }
}

/// Why no connection was found.
enum NotFound {
    /// The request itself is wrong; the description says how, and says nothing about what
    /// exists here.
    Request(SignInError, String),
    /// Nothing active matches: which organization, connection or domain is for the log only,
    /// since the request needs no more than the public client id.
    NoMatch(String),
}

type Found = Result<ConnectionRow, NotFound>;

/// Longest `organization` (id or external id) looked up, in bytes.
const MAX_ORGANIZATION: usize = 256;
/// Longest `connection` looked up, in bytes.
const MAX_CONNECTION: usize = 128;
/// Most domains (the email's, then its parents) a `login_hint` is looked up under.
const MAX_HINT_LOOKUPS: usize = 6;

/// Longest `login_hint` looked up, in bytes (an email address is at most 254).
const MAX_LOGIN_HINT: usize = 320;

/// The one answer to every request that matches no active connection, whatever the reason, so
/// a caller holding only the public client id learns nothing about which organizations,
/// connections or verified domains exist. The app's developers find the reason in the log,
/// under the request id.
fn no_match_description(request_id: &str) -> String {
    format!(
        "This sign-in link could not be used: it matches no organization with an active SSO connection. Ask the application's administrator. \
         (For the app's developers: Portico's log gives the reason under request id {request_id}; the vendor API lists organizations, domains and connections.)"
    )
}

/// The active connection the request points at: by `connection`, by `organization` (id or
/// external id), or by the verified domain of the `login_hint` email.
async fn find_connection(
    s: &AppState,
    env_id: &str,
    q: &AuthorizeQuery,
) -> Result<Found, ApiError> {
    let active =
        |row: &ConnectionRow| row.state == crate::api::connection::ConnectionState::Active.as_str();
    let too_long = |name: &str, max: usize| {
        Err(NotFound::Request(
            SignInError::InvalidRequest,
            format!("{name} is longer than {max} bytes."),
        ))
    };
    if let Some(id) = q.connection.as_deref().filter(|c| !c.is_empty()) {
        if id.len() > MAX_CONNECTION {
            return Ok(too_long("connection", MAX_CONNECTION));
        }
        let row = s.store.connection(id).await?;
        let org = match &row {
            Some(r) => s.store.organization_by_id(&r.organization_id).await?,
            None => None,
        };
        return Ok(match (row, org) {
            (Some(row), Some(org)) if org.environment_id == env_id && active(&row) => Ok(row),
            (Some(_), Some(org)) if org.environment_id == env_id => Err(NotFound::NoMatch(
                format!("connection {id} is not active yet"),
            )),
            _ => Err(NotFound::NoMatch(format!(
                "no connection {id} exists for this app"
            ))),
        });
    }
    let org = if let Some(o) = q.organization.as_deref().filter(|o| !o.is_empty()) {
        if o.len() > MAX_ORGANIZATION {
            return Ok(too_long("organization", MAX_ORGANIZATION));
        }
        match service::find_organization(s.store.as_ref(), env_id, o).await? {
            Some(org) => org,
            None => {
                return Ok(Err(NotFound::NoMatch(format!(
                    "no organization {o} exists for this app"
                ))))
            }
        }
    } else if let Some(hint) = q.login_hint.as_deref().filter(|h| !h.is_empty()) {
        if hint.len() > MAX_LOGIN_HINT {
            return Ok(too_long("login_hint", MAX_LOGIN_HINT));
        }
        let Some((_, domain)) = hint.trim().rsplit_once('@') else {
            return Ok(Err(NotFound::Request(
                SignInError::InvalidRequest,
                "login_hint must be an email address.".to_owned(),
            )));
        };
        let domain = idna::domain_to_ascii(domain).unwrap_or_default();
        // The email's domain or a parent of it, verified by an organization of this app.
        // At most MAX_HINT_LOOKUPS of them: each is a query, and the request is anonymous.
        let mut candidate = domain.as_str();
        let mut found = None;
        let mut lookups = 0;
        while found.is_none() && candidate.contains('.') && lookups < MAX_HINT_LOOKUPS {
            found = s.store.domain_verified_by(env_id, candidate).await?;
            candidate = candidate.split_once('.').map_or("", |(_, rest)| rest);
            lookups += 1;
        }
        let org = match found {
            Some(org_id) => s.store.organization_by_id(&org_id).await?,
            None => None,
        };
        match org {
            Some(org) => org,
            None => {
                return Ok(Err(NotFound::NoMatch(format!(
                    "no organization has verified {domain}"
                ))))
            }
        }
    } else {
        return Ok(Err(NotFound::Request(
            SignInError::InvalidRequest,
            "Send one of organization, connection or login_hint.".to_owned(),
        )));
    };
    let rows = s.store.list_connections(&org.id).await?;
    Ok(match rows.into_iter().find(|r| active(r)) {
        Some(row) => Ok(row),
        None => Err(NotFound::NoMatch(format!(
            "organization {} ({}) has no active connection yet",
            org.id, org.name
        ))),
    })
}

/// Longest `Authorization` header read for HTTP Basic: the longest client id and secret
/// accepted, base64-encoded, with room to spare.
const MAX_BASIC_HEADER: usize = 1024;

/// `Authorization: Basic base64(client_id:client_secret)`, if sent; `Err` when the header is
/// too long to hold credentials Portico issued (refused before it is decoded).
fn basic_auth(headers: &HeaderMap) -> Result<Option<(String, String)>, ()> {
    use base64::Engine;
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    if value.len() > MAX_BASIC_HEADER {
        return Err(());
    }
    let Ok(value) = value.to_str() else {
        return Ok(None);
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Ok(None);
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return Ok(None);
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return Ok(None);
    };
    Ok(text
        .split_once(':')
        .map(|(id, secret)| (id.to_owned(), secret.to_owned())))
}

/// The caller's address ([`site::client_address`](super::site::client_address)); `None`
/// in-process, where there is no peer.
fn caller_address(
    s: &AppState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> Option<IpAddr> {
    super::site::client_address(
        &s.settings,
        headers,
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    )
}

fn token_error(status: StatusCode, error: &str, description: String) -> Response {
    let body = crate::api::sso::TokenError {
        error: error.to_owned(),
        error_description: description,
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

/// `POST /sso/token` (form-encoded, at most [`go_live::TOKEN_BODY_LIMIT`] bytes): the code for
/// the profile.
pub async fn token(
    State(s): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Response {
    let req = match form {
        Ok(Form(r)) => r,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let description = format!("The request body is larger than {} bytes; send only the token request's parameters.", go_live::TOKEN_BODY_LIMIT);
            return token_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                description,
            );
        }
        Err(e) => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("Send the parameters form-encoded: {e}."),
            )
        }
    };
    let Ok(basic) = basic_auth(&headers) else {
        let description = format!("The Authorization header is longer than {MAX_BASIC_HEADER} bytes; send the client ID and secret Portico issued.");
        return token_error(StatusCode::BAD_REQUEST, "invalid_request", description);
    };
    let caller = caller_address(&s, &headers, &extensions);
    match go_live::token(&s, caller, basic, req).await {
        Ok(t) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(t),
        )
            .into_response(),
        Err(r) => token_error(
            StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST),
            r.error,
            r.description,
        ),
    }
}
