//! SQLite: uploaded theme files.

use super::*;
use sqlx::Row;

#[async_trait]
impl AssetStore for SqliteStore {
    async fn insert_asset(&self, a: &AssetRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO theme_assets (id, environment_id, kind, content_type, bytes, \
            created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&a.id)
        .bind(&a.environment_id)
        .bind(&a.kind)
        .bind(&a.content_type)
        .bind(&a.bytes)
        .bind(a.created_at)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn asset(&self, id: &str) -> StoreResult<Option<AssetRow>> {
        sqlx::query("SELECT * FROM theme_assets WHERE id = ?")
            .bind(id)
            .try_map(|r: SqliteRow| {
                Ok(AssetRow {
                    id: r.try_get("id")?,
                    environment_id: r.try_get("environment_id")?,
                    kind: r.try_get("kind")?,
                    content_type: r.try_get("content_type")?,
                    bytes: r.try_get("bytes")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }
}
