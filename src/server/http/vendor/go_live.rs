//! The vendor API for going live: the app's client credentials, its redirect URIs, and each
//! connection's sign-in log.

use super::{conn_or_404, VendorEnv};
use crate::api::ErrorCode;
use crate::server::http::error::{ApiError, Json};
use crate::server::{signin, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

pub(super) async fn get_client(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(
        crate::server::go_live::credentials(&s, &env).await?,
    ))
}

pub(super) async fn create_client_secret(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        axum::Json(crate::server::go_live::create_secret(&s, &env).await?),
    ))
}

pub(super) async fn revoke_client_secret(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if s.store
        .revoke_client_secret(&env, &id, s.clock.now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(ErrorCode::NotFound)
            .message("No live client secret with that id exists in this environment."))
    }
}

pub(super) async fn get_redirect_uris(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    let rows = s.store.list_redirect_uris(&env).await?;
    Ok(axum::Json(crate::api::sso::RedirectUris {
        redirect_uris: rows
            .into_iter()
            .map(|r| crate::api::sso::RedirectUri {
                uri: r.uri,
                default: r.is_default,
            })
            .collect(),
    }))
}

pub(super) async fn put_redirect_uris(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<crate::api::sso::RedirectUris>,
) -> Result<impl IntoResponse, ApiError> {
    let saved = crate::server::go_live::set_redirect_uris(&s, &env, &req.redirect_uris).await?;
    Ok(axum::Json(crate::api::sso::RedirectUris {
        redirect_uris: saved,
    }))
}

pub(super) async fn list_sign_ins(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = conn_or_404(&s, &env, &id).await?;
    Ok(axum::Json(crate::api::sso::SignInList {
        data: signin::sign_ins(&s, &row).await?,
    }))
}
