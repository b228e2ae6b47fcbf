//! The vendor API for directory sync: directories and their tokens, their users and groups,
//! the environment's roles, and each directory's custom attribute mapping. The logic is in [`crate::server::directories`]; these handlers
//! read requests and shape answers.

use super::VendorEnv;
use crate::api::directory::{CreateDirectory, DirectoryList, RolesBody};
use crate::api::directory_attributes::DirectoryAttributeMapping;
use crate::api::ErrorCode;
use crate::server::directories::{self, attributes, groups, roles, users};
use crate::server::http::error::{ApiError, Json};
use crate::server::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(q)| q).map_err(|e| {
        ApiError::new(ErrorCode::ValidationFailed)
            .message(format!("Unsupported query: {}.", e.body_text()))
    })
}

/// A query parameter, with an empty one (`?after=`) read as absent.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

pub(super) async fn create_directory(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(org): Path<String>,
    Json(req): Json<CreateDirectory>,
) -> Result<impl IntoResponse, ApiError> {
    let row = directories::create(&s, &env, &org, &req.provider).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(directories::view(&s, &row).await?),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DirectoriesQuery {
    organization_id: Option<String>,
}

pub(super) async fn list_directories(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    q: Result<Query<DirectoriesQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let q = query(q)?;
    let rows = s
        .store
        .list_directories(&env, q.organization_id.as_deref())
        .await?;
    let mut data = Vec::with_capacity(rows.len());
    for row in &rows {
        data.push(directories::view(&s, row).await?);
    }
    Ok(axum::Json(DirectoryList {
        data,
        has_more: false,
    }))
}

pub(super) async fn get_directory(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = directories::find(&s, &env, &id).await?;
    Ok(axum::Json(directories::view(&s, &row).await?))
}

pub(super) async fn delete_directory(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    directories::delete(&s, &env, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn create_token(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = directories::find(&s, &env, &id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(directories::create_token(&s, &dir).await?),
    ))
}

pub(super) async fn list_tokens(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = directories::find(&s, &env, &id).await?;
    Ok(axum::Json(directories::tokens(&s, &dir).await?))
}

pub(super) async fn revoke_token(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path((id, token)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let dir = directories::find(&s, &env, &id).await?;
    directories::revoke_token(&s, &dir, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UsersQuery {
    group: Option<String>,
    state: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
}

pub(super) async fn list_users(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    q: Result<Query<UsersQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let q = query(q)?;
    let dir = directories::find(&s, &env, &id).await?;
    Ok(axum::Json(
        users::list(
            &s,
            &dir,
            given(&q.group),
            // An empty state is not a state: it is refused, not read as "any".
            q.state.as_deref(),
            given(&q.after),
            q.limit,
        )
        .await?,
    ))
}

pub(super) async fn get_user(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(users::get(&s, &env, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupsQuery {
    after: Option<String>,
    limit: Option<i64>,
}

pub(super) async fn list_groups(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    q: Result<Query<GroupsQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let q = query(q)?;
    let dir = directories::find(&s, &env, &id).await?;
    Ok(axum::Json(
        groups::list(&s, &dir, given(&q.after), q.limit).await?,
    ))
}

pub(super) async fn get_group(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(groups::get(&s, &env, &id).await?))
}

pub(super) async fn get_roles(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(roles::get(&s, &env).await?))
}

pub(super) async fn put_roles(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<RolesBody>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(roles::put(&s, &env, &req).await?))
}

pub(super) async fn get_attributes(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = directories::find(&s, &env, &id).await?;
    Ok(axum::Json(attributes::view(&s, &dir).await?))
}

pub(super) async fn put_attributes(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(req): Json<DirectoryAttributeMapping>,
) -> Result<impl IntoResponse, ApiError> {
    let dir = directories::find(&s, &env, &id).await?;
    Ok(axum::Json(attributes::save(&s, &dir, &req).await?))
}
