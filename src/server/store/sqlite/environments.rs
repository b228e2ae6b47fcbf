//! SQLite: environments, API keys, environment settings, theme, embedding and custom attributes,
//! the server's address.

use super::*;

#[async_trait]
impl EnvironmentStore for SqliteStore {
    async fn create_environment(&self, env: &Environment) -> StoreResult<()> {
        sqlx::query("INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)")
            .bind(&env.id)
            .bind(&env.name)
            .bind(env.created_at)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn environment_by_name(&self, name: &str) -> StoreResult<Option<Environment>> {
        sqlx::query("SELECT * FROM environments WHERE name = ?")
            .bind(name)
            .try_map(env_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_environments(&self) -> StoreResult<Vec<Environment>> {
        sqlx::query("SELECT * FROM environments ORDER BY created_at, name")
            .try_map(env_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn insert_api_key(&self, k: &ApiKey) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO api_keys (id, environment_id, name, key_hash, key_prefix, \
            created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&k.id)
        .bind(&k.environment_id)
        .bind(&k.name)
        .bind(&k.key_hash)
        .bind(&k.key_prefix)
        .bind(k.created_at)
        .bind(k.revoked_at)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKey>> {
        sqlx::query("SELECT * FROM api_keys WHERE key_hash = ?")
            .bind(key_hash)
            .try_map(key_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_api_keys(&self, environment_id: &str) -> StoreResult<Vec<ApiKey>> {
        sqlx::query("SELECT * FROM api_keys WHERE environment_id = ? ORDER BY created_at, id")
            .bind(environment_id)
            .try_map(key_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn revoke_api_key(
        &self,
        environment_id: &str,
        id_or_name: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_keys SET revoked_at = ? WHERE environment_id = ? AND (id \
            = ? OR name = ?) AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(environment_id)
        .bind(id_or_name)
        .bind(id_or_name)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() > 0)
    }

    async fn custom_attributes(&self, environment_id: &str) -> StoreResult<String> {
        let r: Option<(String,)> =
            sqlx::query_as("SELECT custom_attributes FROM environments WHERE id = ?")
                .bind(environment_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
        Ok(r.map(|r| r.0).unwrap_or_else(|| "[]".into()))
    }

    async fn set_custom_attributes(&self, environment_id: &str, json: &str) -> StoreResult<()> {
        sqlx::query("UPDATE environments SET custom_attributes = ? WHERE id = ?")
            .bind(json)
            .bind(environment_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn environment_settings(&self, environment_id: &str) -> StoreResult<String> {
        let r: Option<(String,)> = sqlx::query_as("SELECT settings FROM environments WHERE id = ?")
            .bind(environment_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(r.map(|r| r.0).unwrap_or_else(|| "{}".into()))
    }

    async fn set_environment_settings(&self, environment_id: &str, json: &str) -> StoreResult<()> {
        sqlx::query("UPDATE environments SET settings = ? WHERE id = ?")
            .bind(json)
            .bind(environment_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn environment_theme(&self, environment_id: &str) -> StoreResult<Option<String>> {
        let r: Option<(Option<String>,)> =
            sqlx::query_as("SELECT theme FROM environments WHERE id = ?")
                .bind(environment_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
        Ok(r.and_then(|r| r.0))
    }

    async fn set_environment_theme(
        &self,
        environment_id: &str,
        json: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE environments SET theme = ? WHERE id = ?")
            .bind(json)
            .bind(environment_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn embedding(&self, environment_id: &str) -> StoreResult<EmbeddingRow> {
        let r: Option<(String, bool)> = sqlx::query_as(
            "SELECT embed_allowed_origins, \
            embed_partitioned_cookies FROM environments WHERE id = ?",
        )
        .bind(environment_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        Ok(
            r.map(|(allowed_origins, partitioned_cookies)| EmbeddingRow {
                allowed_origins,
                partitioned_cookies,
            })
            .unwrap_or_else(|| EmbeddingRow {
                allowed_origins: "[]".into(),
                partitioned_cookies: false,
            }),
        )
    }

    async fn set_embedding(&self, environment_id: &str, row: &EmbeddingRow) -> StoreResult<()> {
        sqlx::query("UPDATE environments SET embed_allowed_origins = ?, embed_partitioned_cookies = ? WHERE id = ?")
            .bind(&row.allowed_origins).bind(row.partitioned_cookies).bind(environment_id)
            .execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn set_server_address(&self, row: &ServerAddressRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO server_address (id, public_url, public_url_configured, started_at) VALUES (1, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET public_url = excluded.public_url, public_url_configured \
             = excluded.public_url_configured, started_at = excluded.started_at",
        )
        .bind(&row.public_url).bind(row.public_url_configured).bind(row.started_at)
        .execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn server_address(&self) -> StoreResult<Option<ServerAddressRow>> {
        let r: Option<(String, bool, i64)> = sqlx::query_as(
            "SELECT public_url, public_url_configured, started_at FROM server_address WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        Ok(r.map(
            |(public_url, public_url_configured, started_at)| ServerAddressRow {
                public_url,
                public_url_configured,
                started_at,
            },
        ))
    }
}
