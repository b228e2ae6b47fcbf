//! The SCIM 2.0 service provider (RFC 7643, RFC 7644) behind `/scim/v2/<directory id>/`: who
//! may call it (a directory's bearer token, within the limits), the discovery documents, and the
//! sync log every request leaves. List queries are read in [`super::query`]; users and groups
//! themselves are in [`super::users`] and [`super::groups`].
//!
//! Errors are [`ScimError`]s (status, `scimType`, a detail an IdP's admin can act on): the HTTP
//! edge writes them in RFC 7644's shape.

pub use super::query::ListQuery;
use super::{schemas, DirectoryRow, Refused};
use crate::core::rate::FixedWindow;
use crate::core::scim::ScimError;
use crate::server::site::Site;
use crate::server::store::{DirectoryRequestRow, StoreError};
use crate::server::AppState;
use serde_json::Value;
use std::net::IpAddr;
use std::sync::Mutex;

/// Requests per minute one directory's IdP may make: an IdP's first full sync of 10,000 users
/// (one request each, plus a lookup before each with some IdPs) takes a few minutes at this
/// pace; a runaway client is held here rather than in the database.
pub const REQUESTS_PER_MINUTE: u32 = 12_000;

/// Failed authentications per minute from one client address.
pub const FAILED_AUTH_PER_MINUTE: u32 = 30;

/// Sync-log entries kept per directory.
pub const LOG_KEEP: i64 = 200;

/// The per-minute limits of the SCIM endpoints (bounded tables).
pub struct ScimLimits {
    per_directory: Mutex<FixedWindow>,
    failed_auth: Mutex<FixedWindow>,
    /// Refused requests written to a directory's sync log: one a minute per directory.
    refused_logged: Mutex<FixedWindow>,
}

impl Default for ScimLimits {
    fn default() -> Self {
        ScimLimits {
            per_directory: Mutex::new(FixedWindow::new(REQUESTS_PER_MINUTE, 60, 50_000)),
            failed_auth: Mutex::new(FixedWindow::new(FAILED_AUTH_PER_MINUTE, 60, 50_000)),
            refused_logged: Mutex::new(FixedWindow::new(1, 60, 10_000)),
        }
    }
}

fn lock(m: &Mutex<FixedWindow>) -> std::sync::MutexGuard<'_, FixedWindow> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> ScimError {
        tracing::error!(error = %e, "SCIM request failed in the store");
        ScimError {
            status: 500,
            scim_type: None,
            detail: "Something went wrong on our side; the request can be retried.".into(),
        }
    }
}

impl From<crate::server::error::Error> for ScimError {
    fn from(e: crate::server::error::Error) -> ScimError {
        ScimError {
            status: e.code.status(),
            scim_type: None,
            detail: e.message.unwrap_or_else(|| e.code.message().to_owned()),
        }
    }
}

/// A 404 for a resource of this directory.
pub fn not_found(kind: &str, id: &str) -> ScimError {
    let shown: String = id.chars().take(64).collect();
    ScimError {
        status: 404,
        scim_type: None,
        detail: format!("No {kind} with id {shown} exists in this directory."),
    }
}

/// A write refused because what it read changed before it wrote (`what`: "The group"…):
/// nothing was written, and sending it again reads afresh.
pub fn changed_meanwhile(what: &str) -> ScimError {
    ScimError {
        status: 409,
        scim_type: None,
        detail: format!("{what} changed while this request was read; send it again."),
    }
}

/// Why a request was refused before any work.
pub enum Denied {
    /// Refused (401, 404…).
    Error(ScimError),
    /// Over a limit: wait this many seconds (429).
    Wait(ScimError, u64),
}

/// What a request did: the answer and its line in the sync log.
#[derive(Debug, Clone)]
pub struct Done {
    /// HTTP status.
    pub status: u16,
    /// The body, if any.
    pub body: Option<Value>,
    /// The `Location` of a created resource.
    pub location: Option<String>,
    /// For the sync log: what it did, in words ("created user ada@example.com").
    pub summary: String,
    /// The user or group it was about.
    pub resource_id: Option<String>,
}

impl Done {
    /// A 200 with a body that changed nothing (reads and discovery are not logged one by one).
    pub fn read(body: Value) -> Done {
        Done {
            status: 200,
            body: Some(body),
            location: None,
            summary: String::new(),
            resource_id: None,
        }
    }
}

/// An authenticated SCIM caller: its directory, and the base URL it reached us at.
#[derive(Clone)]
pub struct Scim {
    /// The server.
    pub state: AppState,
    /// The directory the token opened.
    pub dir: DirectoryRow,
    /// `<scheme>://<host>/scim/v2/<directory id>`.
    pub base: String,
}

/// What a SCIM request is, for its line in the sync log: the HTTP method and the resource type
/// (`Users`, `Groups`, a discovery document).
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// `GET`, `POST`…
    pub method: &'a str,
    /// `Users`, `Groups`…
    pub kind: &'a str,
}

/// Checks the bearer token and the limits; on success, the caller. A token that opens nothing
/// here (unknown, another directory's, expired, a directory switched off, another environment's
/// hostname) is one answer, 401, so a caller learns nothing by trying; the directory named in
/// the URL, if it is one of this environment's, gets a line in its sync log (see
/// [`note_refused`]).
pub async fn authorize(
    state: &AppState,
    site: &Site,
    directory_id: &str,
    bearer: &str,
    address: Option<IpAddr>,
    call: Call<'_>,
) -> Result<Scim, Denied> {
    let now = state.clock.now();
    let key = address.map(|ip| crate::core::rate::client_key(ip).to_string());
    if let Some(k) = &key {
        if lock(&state.scim_limits.failed_auth).over(k, now) {
            return Err(Denied::Wait(
                too_many("Too many requests with a wrong token came from this address."),
                60,
            ));
        }
    }
    let unauthorized = ScimError {
        status: 401,
        scim_type: None,
        detail: "The bearer token is missing, or does not open this directory. Use the token \
                 the portal gave you for this SCIM base URL (a new one can be generated there)."
            .into(),
    };
    let found = super::authenticate(state, directory_id, bearer)
        .await
        .map_err(|e| Denied::Error(e.into()))?;
    let dir = match found {
        Ok(dir) if dir.environment_id == site.environment_id => dir,
        other => {
            let why = match other {
                Err(r) => r,
                Ok(_) => Refused::OtherDirectory,
            };
            tracing::info!(directory = %directory_id.chars().take(64).collect::<String>(), reason = ?why, "SCIM request refused");
            if let Some(k) = &key {
                lock(&state.scim_limits.failed_auth).count(k, now);
            }
            // A switched-off directory says so in its state; its log would blame the token.
            if why != Refused::Inactive {
                note_refused(state, site, directory_id, call, now).await;
            }
            return Err(Denied::Error(unauthorized));
        }
    };
    if let Err(wait) = lock(&state.scim_limits.per_directory).hit(&dir.id, now) {
        return Err(Denied::Wait(
            too_many(&format!(
                "This directory sent more than {REQUESTS_PER_MINUTE} requests in a minute; \
                 try again in {wait} seconds."
            )),
            wait,
        ));
    }
    let base = format!("{}/scim/v2/{}", site.base_url.trim_end_matches('/'), dir.id);
    Ok(Scim {
        state: state.clone(),
        dir,
        base,
    })
}

/// Writes a refused request (401) to the sync log of the directory in its URL, so the admin
/// waiting in the portal sees that the IdP reached us with a wrong token: the most common
/// setup mistake. Bounded: only for a directory of the hostname's environment (one lookup by
/// id, after the per-address limit on failed attempts), at most one line a minute per
/// directory, and never the token itself.
async fn note_refused(state: &AppState, site: &Site, directory_id: &str, call: Call<'_>, now: i64) {
    if directory_id.len() > 64 || !directory_id.starts_with("dir_") {
        return;
    }
    let dir = match state.store.directory(directory_id).await {
        Ok(Some(d)) if d.environment_id == site.environment_id => d,
        Ok(_) => return,
        Err(e) => {
            tracing::error!(error = %e, "refused SCIM request not logged");
            return;
        }
    };
    if lock(&state.scim_limits.refused_logged)
        .hit(&dir.id, now)
        .is_err()
    {
        return;
    }
    let row = DirectoryRequestRow {
        directory_id: dir.id,
        at: now,
        method: call.method.to_owned(),
        resource_type: call.kind.to_owned(),
        resource_id: None,
        summary: "refused: the bearer token does not open this directory".into(),
        status: 401,
        scim_type: None,
        detail: None,
    };
    if let Err(e) = state.store.record_directory_request(&row, LOG_KEEP).await {
        tracing::error!(error = %e, "refused SCIM request not logged");
    }
}

fn too_many(detail: &str) -> ScimError {
    ScimError {
        status: 429,
        scim_type: None,
        detail: detail.to_owned(),
    }
}

impl Scim {
    /// The discovery documents: `ServiceProviderConfig`, `ResourceTypes[/name]`,
    /// `Schemas[/urn]`.
    pub fn discovery(&self, kind: &str, name: Option<&str>) -> Result<Done, ScimError> {
        let docs = "https://github.com/portico-sso/portico#directory-sync";
        let list = |items: Vec<Value>| -> Result<Done, ScimError> {
            match name {
                None => {
                    let n = items.len() as u64;
                    Ok(Done::read(
                        serde_json::to_value(crate::api::scim::ListResponse::new(items, n, 1))
                            .unwrap_or_default(),
                    ))
                }
                Some(want) => items
                    .into_iter()
                    .find(|i| {
                        i["id"]
                            .as_str()
                            .is_some_and(|id| id.eq_ignore_ascii_case(want))
                    })
                    .map(Done::read)
                    .ok_or_else(|| not_found(kind.trim_end_matches('s'), want)),
            }
        };
        match kind {
            "ServiceProviderConfig" => Ok(Done::read(schemas::service_provider_config(
                &self.base, docs,
            ))),
            "ResourceTypes" => list(schemas::resource_types(&self.base)),
            _ => list(schemas::all(&self.base)),
        }
    }

    /// Writes a request's line to the sync log: every write, and every failure (reads that
    /// succeed are many and say nothing new; the first one still activates the directory).
    pub async fn log(
        &self,
        method: &str,
        resource_type: &str,
        outcome: Result<Done, (ScimError, String)>,
    ) {
        let now = self.state.clock.now();
        let row = match outcome {
            Ok(done) if done.summary.is_empty() => {
                if let Err(e) = super::note_success(&self.state, &self.dir).await {
                    tracing::error!(code = %e.code.as_str(), "SCIM read not noted");
                }
                return;
            }
            Ok(done) => DirectoryRequestRow {
                directory_id: self.dir.id.clone(),
                at: now,
                method: method.to_owned(),
                resource_type: resource_type.to_owned(),
                resource_id: done.resource_id,
                summary: done.summary.chars().take(200).collect(),
                status: i64::from(done.status),
                scim_type: None,
                detail: None,
            },
            Err((e, what)) => DirectoryRequestRow {
                directory_id: self.dir.id.clone(),
                at: now,
                method: method.to_owned(),
                resource_type: resource_type.to_owned(),
                resource_id: None,
                summary: format!("could not {what}").chars().take(200).collect(),
                status: i64::from(e.status),
                scim_type: e.scim_type.map(|t| t.as_str().to_owned()),
                detail: Some(e.detail.chars().take(500).collect()),
            },
        };
        if let Err(e) = self
            .state
            .store
            .record_directory_request(&row, LOG_KEEP)
            .await
        {
            tracing::error!(error = %e, "SCIM sync log not written");
        }
    }

    /// A resource's `meta` (RFC 7643 §3.1): `kind` is `Users` or `Groups`.
    pub fn meta(&self, kind: &str, id: &str, created: i64, updated: i64, version: i64) -> Value {
        serde_json::json!({
            "resourceType": singular_type(kind),
            "created": crate::server::time::rfc3339(created),
            "lastModified": crate::server::time::rfc3339(updated),
            "location": self.location(kind, id),
            "version": format!("W/\"{version}\""),
        })
    }

    /// `<base>/<Users|Groups>/<id>`.
    pub fn location(&self, kind: &str, id: &str) -> String {
        format!("{}/{kind}/{id}", self.base)
    }
}

fn singular_type(kind: &str) -> &'static str {
    match kind {
        "Users" => "User",
        _ => "Group",
    }
}
