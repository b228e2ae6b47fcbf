//! The vendor API for webhook endpoints (`/api/v1/webhook_endpoints`): the logic is in
//! [`crate::server::webhooks`]; these handlers only read requests and shape answers.

use super::VendorEnv;
use crate::api::webhook::{CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookEndpointList};
use crate::api::ErrorCode;
use crate::server::http::error::{ApiError, Json};
use crate::server::{webhooks, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

pub(super) async fn list_endpoints(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(WebhookEndpointList {
        data: webhooks::list(&s, &env).await?,
    }))
}

pub(super) async fn create_endpoint(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<CreateWebhookEndpoint>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        axum::Json(webhooks::create(&s, &env, &req).await?),
    ))
}

pub(super) async fn get_endpoint(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = webhooks::endpoint(&s, &env, &id).await?;
    Ok(axum::Json(webhooks::view(&row)))
}

pub(super) async fn update_endpoint(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(req): Json<UpdateWebhookEndpoint>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(webhooks::update(&s, &env, &id, &req).await?))
}

pub(super) async fn delete_endpoint(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    webhooks::delete(&s, &env, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn rotate_secret(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(webhooks::rotate_secret(&s, &env, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeliveriesQuery {
    before: Option<String>,
    limit: Option<i64>,
}

pub(super) async fn list_deliveries(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    q: Result<Query<DeliveriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::new(ErrorCode::ValidationFailed)
            .message(format!("Unsupported query: {}.", e.body_text()))
    })?;
    Ok(axum::Json(
        webhooks::deliveries(&s, &env, &id, q.before.as_deref(), q.limit).await?,
    ))
}

pub(super) async fn retry_delivery(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(
        webhooks::retry(&s, &env, &id, &delivery_id).await?,
    ))
}

pub(super) async fn test_endpoint(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(webhooks::test(&s, &env, &id).await?))
}
