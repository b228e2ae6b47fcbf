//! Embedding the portal in the vendor's app: the allowed parent origins per environment and the
//! cookie mode. The `Content-Security-Policy` built from them and `/embed.js` are served by
//! `http::embed`.

use crate::api::embed::Embedding;
use crate::api::ErrorCode;
use crate::core::embed as rules;
use crate::server::error::Error;
use crate::server::site::Site;
use crate::server::store::{EmbeddingRow, StoreError};
use crate::server::AppState;

/// An environment's settings; a stored list that no longer parses counts as empty (nothing
/// may frame the portal), never as "anything may".
pub async fn settings(state: &AppState, environment_id: &str) -> Result<Embedding, StoreError> {
    let row = state.store.embedding(environment_id).await?;
    Ok(Embedding {
        allowed_origins: serde_json::from_str(&row.allowed_origins).unwrap_or_default(),
        partitioned_cookies: row.partitioned_cookies,
    })
}

/// Checks new settings (every bad origin reported under `allowed_origins[i]`) and stores them
/// normalized.
pub async fn save(
    state: &AppState,
    environment_id: &str,
    input: Embedding,
) -> Result<Embedding, Error> {
    let allowed_origins = rules::parse_origins(&input.allowed_origins).map_err(|problems| {
        let mut err = Error::new(ErrorCode::ValidationFailed)
            .message("Some allowed origins need attention; see `fields`.");
        err.fields = problems;
        err
    })?;
    let out = Embedding {
        allowed_origins,
        partitioned_cookies: input.partitioned_cookies,
    };
    let row = EmbeddingRow {
        allowed_origins: serde_json::to_string(&out.allowed_origins).map_err(Error::internal)?,
        partitioned_cookies: out.partitioned_cookies,
    };
    state.store.set_embedding(environment_id, &row).await?;
    Ok(out)
}

/// The settings of the environment a request's hostname belongs to; none for the few paths
/// served on any hostname (they are not pages).
pub async fn for_request(state: &AppState, site: Option<&Site>) -> Result<Embedding, StoreError> {
    match site {
        Some(site) => settings(state, &site.environment_id).await,
        None => Ok(Embedding::default()),
    }
}
