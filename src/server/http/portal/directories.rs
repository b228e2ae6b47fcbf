//! The portal API of the directory setup wizard (issue 17 §1), for sessions whose intents
//! include `dsync`: the provider catalog and its guides, the organization's directories, their
//! bearer tokens, the live status with the sync log, the groups, and the group → role mapping.
//! The logic is in [`crate::server::directories`]; these handlers check the session and the
//! directory's organization, read requests and shape answers.

use crate::api::directory::{ChooseProvider, DirectoryTokenList, RoleMapping};
use crate::api::directory_attributes::DirectoryAttributeMapping;
use crate::api::vendor::Intent;
use crate::api::ErrorCode;
use crate::server::directories::{self, attributes, mapping, portal, status};
use crate::server::http::error::{ApiError, Json};
use crate::server::http::session::PortalSession;
use crate::server::store::DirectoryRow;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

/// The directory, if the session may use the wizard and the directory is its organization's;
/// `directory_not_found` for any other id, so another organization's ids reveal nothing.
async fn owned(s: &AppState, sess: &PortalSession, id: &str) -> Result<DirectoryRow, ApiError> {
    sess.require(Intent::Dsync)?;
    portal::owned(s, &sess.org.environment_id, &sess.org.id, id).await
}

/// `GET /portal/api/directory_providers`: the catalog, in its order.
pub(super) async fn providers(sess: PortalSession) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Dsync)?;
    Ok(axum::Json(portal::providers()))
}

/// `GET /portal/api/directory_guides/{key}`: a provider's setup guide.
pub(super) async fn guide(
    sess: PortalSession,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Dsync)?;
    let guide = crate::server::guides::directory_find(&key)
        .ok_or_else(|| ApiError::new(ErrorCode::GuideNotFound))?;
    Ok(axum::Json(guide))
}

/// `GET /portal/api/directories`: the organization's directories, oldest first.
pub(super) async fn list(
    State(s): State<AppState>,
    sess: PortalSession,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Dsync)?;
    Ok(axum::Json(
        portal::list(&s, &sess.org.environment_id, &sess.org.id).await?,
    ))
}

/// `POST /portal/api/directories`: the provider the admin picked starts a directory.
pub(super) async fn create(
    State(s): State<AppState>,
    sess: PortalSession,
    Json(req): Json<ChooseProvider>,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Dsync)?;
    let row =
        directories::create(&s, &sess.org.environment_id, &sess.org.id, &req.provider).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(directories::view(&s, &row).await?),
    ))
}

/// `PATCH /portal/api/directories/{id}`: another provider, while the directory is `pending`.
pub(super) async fn change_provider(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(req): Json<ChooseProvider>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    let row = portal::change_provider(&s, &dir, &req.provider).await?;
    Ok(axum::Json(directories::view(&s, &row).await?))
}

/// `GET /portal/api/directories/{id}/tokens`: the tokens that still work, without secrets.
pub(super) async fn list_tokens(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<axum::Json<DirectoryTokenList>, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(directories::tokens(&s, &dir).await?))
}

/// `POST /portal/api/directories/{id}/tokens`: a new token, its secret shown this once; the
/// others keep working for a day.
pub(super) async fn create_token(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(directories::create_token(&s, &dir).await?),
    ))
}

/// `GET /portal/api/directories/{id}/status`: what the waiting step polls.
pub(super) async fn status(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(status::status(&s, &dir).await?))
}

/// `GET /portal/api/directories/{id}/groups`: the groups the mapping step maps.
pub(super) async fn groups(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(portal::groups(&s, &dir).await?))
}

/// `GET /portal/api/directories/{id}/role_mapping`: roles, the saved mapping, what it yields.
pub(super) async fn get_mapping(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(mapping::view(&s, &dir).await?))
}

/// `POST /portal/api/directories/{id}/role_mapping/preview`: what a mapping would yield.
pub(super) async fn preview_mapping(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(req): Json<RoleMapping>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(mapping::try_mapping(&s, &dir, &req).await?))
}

/// `PUT /portal/api/directories/{id}/role_mapping`: saves it (`dsync.role_changed` per user
/// whose role changes).
pub(super) async fn put_mapping(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(req): Json<RoleMapping>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(mapping::save(&s, &dir, &req).await?))
}

/// `GET /portal/api/directories/{id}/attribute_mapping`: the app's custom attributes, the mapping
/// in force, and the SCIM attributes the directory's users hold.
pub(super) async fn get_attributes(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(attributes::view(&s, &dir).await?))
}

/// `PUT /portal/api/directories/{id}/attribute_mapping`: saves it (no event: the next read of
/// each user carries it).
pub(super) async fn put_attributes(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(req): Json<DirectoryAttributeMapping>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = owned(&s, &sess, &id).await?;
    Ok(axum::Json(attributes::save(&s, &dir, &req).await?))
}
