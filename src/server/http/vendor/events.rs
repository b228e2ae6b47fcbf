//! The vendor API's event log: `GET /api/v1/events`, for backfilling or reconciling after
//! downtime. Paged by cursor (`after` = the last event id seen), oldest first.

use super::VendorEnv;
use crate::api::ErrorCode;
use crate::server::events::{self, ListQuery};
use crate::server::http::error::ApiError;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;

/// The query as sent; every value is read as text and checked by `events::filter`, so a bad
/// one gets a field error rather than a generic rejection.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsQuery {
    after: Option<String>,
    types: Option<String>,
    organization_id: Option<String>,
    limit: Option<String>,
}

pub(super) async fn list_events(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    q: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::new(ErrorCode::ValidationFailed)
            .message(format!("Unsupported query: {}.", e.body_text()))
    })?;
    // Digits only, as the document's integer states (no sign, space or fraction).
    let limit = match q.limit.as_deref() {
        None => None,
        Some(l) if !l.is_empty() && l.len() <= 4 && l.bytes().all(|b| b.is_ascii_digit()) => {
            l.parse::<i64>().ok()
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "limit",
                "Use a whole number from 1 to 100.",
            ))
        }
    };
    let query = ListQuery {
        after: q.after,
        types: q.types,
        organization_id: q.organization_id,
        limit,
    };
    Ok(axum::Json(
        events::list(s.store.as_ref(), &env, &query).await?,
    ))
}
