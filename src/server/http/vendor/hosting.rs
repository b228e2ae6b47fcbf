//! The vendor API for where the portal is served: custom hostnames, and which sites may embed it.

use super::VendorEnv;
use crate::api::hostnames::{CreateCustomDomain, CustomDomainList};
use crate::api::ErrorCode;
use crate::server::http::error::{ApiError, Json};
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

pub(super) async fn list_custom_domains(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    let target = crate::server::hostnames::target(&s, &env).await?;
    let rows = s.store.list_custom_domains(&env).await?;
    Ok(axum::Json(CustomDomainList {
        data: rows
            .iter()
            .map(|r| crate::server::hostnames::view(&s, r, &target))
            .collect(),
    }))
}

pub(super) async fn add_custom_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<CreateCustomDomain>,
) -> Result<impl IntoResponse, ApiError> {
    let row = crate::server::hostnames::add(&s, &env, &req.hostname).await?;
    let target = crate::server::hostnames::target(&s, &env).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(crate::server::hostnames::view(&s, &row, &target)),
    ))
}

/// A custom hostname of the environment; others' ids are simply not found.
pub(super) async fn custom_domain_or_404(
    s: &AppState,
    env: &str,
    id: &str,
) -> Result<crate::server::store::CustomDomainRow, ApiError> {
    s.store
        .custom_domain(id)
        .await?
        .filter(|d| d.environment_id == env)
        .ok_or_else(|| ApiError::new(ErrorCode::CustomDomainNotFound))
}

pub(super) async fn get_custom_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = custom_domain_or_404(&s, &env, &id).await?;
    let target = crate::server::hostnames::target(&s, &env).await?;
    Ok(axum::Json(crate::server::hostnames::view(
        &s, &row, &target,
    )))
}

pub(super) async fn check_custom_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = custom_domain_or_404(&s, &env, &id).await?;
    let row = crate::server::hostnames::check(&s, row).await?;
    let target = crate::server::hostnames::target(&s, &env).await?;
    Ok(axum::Json(crate::server::hostnames::view(
        &s, &row, &target,
    )))
}

pub(super) async fn delete_custom_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let row = custom_domain_or_404(&s, &env, &id).await?;
    s.store.delete_custom_domain(&row.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which sites may embed the portal, and the cookie mode for cross-site embedding.
pub(super) async fn get_embedding(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(crate::server::embed::settings(&s, &env).await?))
}

/// Replaces the settings; every bad origin is named under `allowed_origins[i]`.
pub(super) async fn put_embedding(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(input): Json<crate::api::embed::Embedding>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(
        crate::server::embed::save(&s, &env, input).await?,
    ))
}
