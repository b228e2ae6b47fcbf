//! Uploaded files.

use super::*;
use async_trait::async_trait;

/// Uploaded files (logos and other theme images).
#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Keeps an uploaded file (the same bytes twice are one row).
    async fn insert_asset(&self, a: &AssetRow) -> StoreResult<()>;
    /// An uploaded file by id, any environment (they are public once referenced).
    async fn asset(&self, id: &str) -> StoreResult<Option<AssetRow>>;
}
