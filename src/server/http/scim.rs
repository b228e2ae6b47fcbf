//! The SCIM 2.0 edge (RFC 7644): `/scim/v2/<directory id>/…`, where a directory's identity
//! provider creates, changes and removes users and groups. The protocol logic is in
//! [`crate::server::directories::scim`]; this file authenticates, bounds and limits requests,
//! turns outcomes into `application/scim+json` answers (errors in RFC 7644's shape, `status` a
//! string), and writes each request to the directory's sync log.
//!
//! Bounds before anything is parsed: the body ([`SCIM_BODY_LIMIT`], [`USER_BODY_LIMIT`] for
//! users, [`SEARCH_BODY_LIMIT`] for searches), the bearer token's
//! length, and two per-minute limits: failed authentications per client address (so guessing
//! costs nothing but the guesser's time), and requests per directory once authenticated (an
//! IdP's first full sync of thousands of users fits; a runaway client gets `429` with
//! `Retry-After`).

use crate::api::scim::ScimType;
use crate::core::scim::resource::MAX_DOCUMENT_BYTES;
use crate::core::scim::ScimError;
use crate::server::directories::query::SEARCH_BODY_LIMIT;
use crate::server::directories::scim::{self as service, Done, ListQuery, Scim};
use crate::server::http::site::client_address;
use crate::server::site::Site;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;

/// Largest SCIM request body: a group sent whole with tens of thousands of members fits.
pub const SCIM_BODY_LIMIT: usize = 4 * 1024 * 1024;

const SCIM_JSON: &str = "application/scim+json";

/// The SCIM routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/{dir}/ServiceProviderConfig", get(discovery))
        .route("/scim/v2/{dir}/ResourceTypes", get(discovery))
        .route("/scim/v2/{dir}/ResourceTypes/{name}", get(discovery_one))
        .route("/scim/v2/{dir}/Schemas", get(discovery))
        .route("/scim/v2/{dir}/Schemas/{name}", get(discovery_one))
        .route("/scim/v2/{dir}/Users", get(list).post(create))
        // A search with its parameters in the body (RFC 7644 §3.4.3); the static segment wins
        // over `{id}`.
        .route("/scim/v2/{dir}/Users/.search", post(search))
        .route(
            "/scim/v2/{dir}/Users/{id}",
            get(one).put(replace).patch(patch).delete(remove),
        )
        .route("/scim/v2/{dir}/Groups", get(list).post(create))
        .route("/scim/v2/{dir}/Groups/.search", post(search))
        .route(
            "/scim/v2/{dir}/Groups/{id}",
            get(one).put(replace).patch(patch).delete(remove),
        )
        // Anything else under the prefix is a SCIM 404, not the portal's page.
        .route("/scim/v2/{dir}/.search", post(search_everything))
        .route("/scim/v2/{dir}/{*rest}", axum::routing::any(not_found))
        .route("/scim/v2/{dir}", axum::routing::any(not_found))
        .route("/scim/v2", axum::routing::any(not_found))
        .layer(DefaultBodyLimit::max(SCIM_BODY_LIMIT))
}

/// An answer in SCIM's media type.
fn scim_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut resp = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    resp
}

fn error_response(e: &ScimError, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_value(e.body()).unwrap_or_default();
    let mut resp = scim_response(status, &body);
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"scim\""),
        );
    }
    if let Some(wait) = retry_after {
        resp.headers_mut().insert(header::RETRY_AFTER, wait.into());
    }
    resp
}

async fn not_found() -> Response {
    error_response(
        &ScimError {
            status: 404,
            scim_type: None,
            detail: "There is no SCIM endpoint at this address. The base URL ends with the \
                     directory id; resources are under /Users and /Groups."
                .into(),
        },
        None,
    )
}

/// `POST /.search` at the root searches every resource type at once (RFC 7644 §3.4.3), which no
/// identity provider sends: 501, as §3.12 asks for an operation not supported, so a client
/// knows to search `/Users/.search` or `/Groups/.search` instead. It reads nothing, so it
/// needs no token, like the 404s around it.
async fn search_everything() -> Response {
    error_response(
        &ScimError {
            status: 501,
            scim_type: None,
            detail: "Searching users and groups at once is not supported: search /Users/.search \
                     or /Groups/.search."
                .into(),
        },
        None,
    )
}

/// The resource type of a path: `Users`, `Groups`, or a discovery document.
fn resource_type(path: &str) -> &'static str {
    let after = path.splitn(5, '/').nth(4).unwrap_or("");
    match after.split('/').next().unwrap_or("") {
        "Users" => "Users",
        "Groups" => "Groups",
        "ServiceProviderConfig" => "ServiceProviderConfig",
        "ResourceTypes" => "ResourceTypes",
        "Schemas" => "Schemas",
        _ => "",
    }
}

/// Authenticates a request and checks the limits; the request's work runs in `then`, and its
/// outcome is answered and logged.
async fn serve<F, Fut>(s: &AppState, site: &Site, dir: &str, call: &Call, then: F) -> Response
where
    F: FnOnce(Scim) -> Fut,
    Fut: std::future::Future<Output = Result<Done, (ScimError, String)>>,
{
    let address = client_address(&s.settings, &call.headers, call.peer.map(|p| p.ip()));
    let bearer = call
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or("");
    let what = service::Call {
        method: call.method.as_str(),
        kind: call.kind,
    };
    let scim = match service::authorize(s, site, dir, bearer, address, what).await {
        Ok(scim) => scim,
        Err(service::Denied::Error(e)) => return error_response(&e, None),
        Err(service::Denied::Wait(e, wait)) => return error_response(&e, Some(wait)),
    };
    let outcome = then(scim.clone()).await;
    let (resp, logged) = match outcome {
        Ok(done) => {
            let status = StatusCode::from_u16(done.status).unwrap_or(StatusCode::OK);
            let mut resp = match &done.body {
                Some(body) => scim_response(status, body),
                None => status.into_response(),
            };
            if let Some(loc) = done
                .location
                .as_deref()
                .and_then(|l| HeaderValue::from_str(l).ok())
            {
                resp.headers_mut().insert(header::LOCATION, loc);
            }
            (resp, Ok(done))
        }
        Err((e, summary)) => (error_response(&e, None), Err((e, summary))),
    };
    scim.log(call.method.as_str(), call.kind, logged).await;
    resp
}

fn peer_of(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// Reads a JSON body; `Err` names what is wrong (RFC 7644 `invalidSyntax`).
fn json_body(bytes: &Bytes) -> Result<serde_json::Value, ScimError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ScimError::bad_request(
            ScimType::InvalidSyntax,
            format!("The request body is not valid JSON: {e}."),
        )
    })
}

/// Largest body of a user write: a user's stored document is at most
/// [`MAX_DOCUMENT_BYTES`]; twice that leaves room for indentation and the attributes never kept
/// (`password`, `groups`), and a larger body is refused before it is parsed.
pub const USER_BODY_LIMIT: usize = 2 * MAX_DOCUMENT_BYTES;

/// Reads a write's body within the limit of its resource type (`Users` or `Groups`).
async fn body_of(req: Request, kind: &str) -> Result<Bytes, ScimError> {
    let limit = if kind == "Users" {
        USER_BODY_LIMIT
    } else {
        SCIM_BODY_LIMIT
    };
    body_within(req, limit).await
}

/// Reads a request's body if it is at most `limit` bytes (413 beyond, before any parsing).
async fn body_within(req: Request, limit: usize) -> Result<Bytes, ScimError> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| ScimError {
            status: 413,
            scim_type: None,
            detail: if limit >= 1024 * 1024 {
                format!(
                    "The request body is larger than {} MiB.",
                    limit / 1024 / 1024
                )
            } else {
                format!("The request body is larger than {} KiB.", limit / 1024)
            },
        })
}

async fn discovery(
    State(s): State<AppState>,
    site: Site,
    Path(dir): Path<String>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    serve(&s, &site, &dir, &call, |scim| async move {
        scim.discovery(kind, None)
            .map_err(|e| (e, "read the service's configuration".to_owned()))
    })
    .await
}

async fn discovery_one(
    State(s): State<AppState>,
    site: Site,
    Path((dir, name)): Path<(String, String)>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    serve(&s, &site, &dir, &call, |scim| async move {
        scim.discovery(kind, Some(&name))
            .map_err(|e| (e, "read the service's configuration".to_owned()))
    })
    .await
}

/// What [`serve`] needs of a request besides its body.
struct Call {
    method: Method,
    /// `Users`, `Groups` or a discovery document.
    kind: &'static str,
    headers: HeaderMap,
    peer: Option<SocketAddr>,
}

fn parts(req: &Request) -> Call {
    Call {
        method: req.method().clone(),
        kind: resource_type(req.uri().path()),
        headers: req.headers().clone(),
        peer: peer_of(req),
    }
}

async fn list(
    State(s): State<AppState>,
    site: Site,
    Path(dir): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    serve(&s, &site, &dir, &call, |scim| async move {
        let query = ListQuery::from_params(&q).map_err(|e| (e, format!("list {kind}")))?;
        scim.list(kind, &query).await
    })
    .await
}

/// `POST /Users/.search`, `POST /Groups/.search`: a list read whose parameters come in a
/// `SearchRequest` body, bounded as a query string is.
async fn search(
    State(s): State<AppState>,
    site: Site,
    Path(dir): Path<String>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    serve(&s, &site, &dir, &call, |scim| async move {
        let what = || format!("search {kind}");
        let body = body_within(req, SEARCH_BODY_LIMIT)
            .await
            .and_then(|b| json_body(&b))
            .map_err(|e| (e, what()))?;
        let query = ListQuery::from_search(&body).map_err(|e| (e, what()))?;
        scim.list(kind, &query).await
    })
    .await
}

async fn one(
    State(s): State<AppState>,
    site: Site,
    Path((dir, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    serve(&s, &site, &dir, &call, |scim| async move {
        let query = ListQuery::from_params(&q).map_err(|e| (e, format!("read {kind}")))?;
        scim.get(kind, &id, &query).await
    })
    .await
}

async fn create(
    State(s): State<AppState>,
    site: Site,
    Path(dir): Path<String>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    // The body is read only once the token is accepted: an anonymous caller gets its 401 (or
    // 429) without sending us megabytes first.
    serve(&s, &site, &dir, &call, |scim| async move {
        let body = body_of(req, kind).await;
        let what = format!("create in {kind}");
        let body = body
            .and_then(|b| json_body(&b))
            .map_err(|e| (e, what.clone()))?;
        scim.create(kind, body).await
    })
    .await
}

async fn replace(
    State(s): State<AppState>,
    site: Site,
    Path((dir, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    // The body is read only once the token is accepted: an anonymous caller gets its 401 (or
    // 429) without sending us megabytes first.
    serve(&s, &site, &dir, &call, |scim| async move {
        let body = body_of(req, kind).await;
        let what = format!("replace in {kind}");
        let body = body
            .and_then(|b| json_body(&b))
            .map_err(|e| (e, what.clone()))?;
        scim.replace(kind, &id, body).await
    })
    .await
}

async fn patch(
    State(s): State<AppState>,
    site: Site,
    Path((dir, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    // The body is read only once the token is accepted: an anonymous caller gets its 401 (or
    // 429) without sending us megabytes first.
    serve(&s, &site, &dir, &call, |scim| async move {
        let body = body_of(req, kind).await;
        let what = format!("update in {kind}");
        let body = body
            .and_then(|b| json_body(&b))
            .map_err(|e| (e, what.clone()))?;
        scim.patch(kind, &id, body).await
    })
    .await
}

async fn remove(
    State(s): State<AppState>,
    site: Site,
    Path((dir, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    let call = parts(&req);
    let kind = call.kind;
    serve(&s, &site, &dir, &call, |scim| async move {
        scim.delete(kind, &id).await
    })
    .await
}
