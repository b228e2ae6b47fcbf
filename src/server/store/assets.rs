//! Uploaded theme files.

use super::*;
use async_trait::async_trait;

/// Uploaded theme files (logos, favicons, fonts).
#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Keeps an uploaded file (the same bytes twice are one row).
    async fn insert_asset(&self, a: &AssetRow) -> StoreResult<()>;
    /// An uploaded file by id, any environment (they are public once referenced).
    async fn asset(&self, id: &str) -> StoreResult<Option<AssetRow>>;
}
