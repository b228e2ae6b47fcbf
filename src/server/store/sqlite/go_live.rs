//! SQLite: client secrets, redirect URIs, authorization codes.

use super::*;

#[async_trait]
impl GoLiveStore for SqliteStore {
    async fn insert_client_secret(&self, c: &ClientSecretRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO client_secrets (id, environment_id, secret_hash, prefix, \
            created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(&c.environment_id)
        .bind(&c.secret_hash)
        .bind(&c.prefix)
        .bind(c.created_at)
        .bind(c.revoked_at)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn list_client_secrets(&self, environment_id: &str) -> StoreResult<Vec<ClientSecretRow>> {
        sqlx::query("SELECT * FROM client_secrets WHERE environment_id = ? ORDER BY created_at, id")
            .bind(environment_id)
            .try_map(client_secret_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn revoke_client_secret(
        &self,
        environment_id: &str,
        id: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE client_secrets SET revoked_at = ? WHERE environment_id = ? AND \
            id = ? AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(environment_id)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(r.rows_affected() > 0)
    }

    async fn list_redirect_uris(&self, environment_id: &str) -> StoreResult<Vec<RedirectUriRow>> {
        sqlx::query("SELECT * FROM redirect_uris WHERE environment_id = ? ORDER BY created_at, uri")
            .bind(environment_id)
            .try_map(redirect_uri_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn set_redirect_uris(
        &self,
        environment_id: &str,
        uris: &[RedirectUriRow],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query("DELETE FROM redirect_uris WHERE environment_id = ?")
            .bind(environment_id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        for u in uris {
            sqlx::query("INSERT INTO redirect_uris (environment_id, uri, is_default, created_at) VALUES (?, ?, ?, ?)")
                .bind(environment_id).bind(&u.uri).bind(u.is_default as i64).bind(u.created_at)
                .execute(&mut *tx).await.map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn insert_code(&self, c: &CodeRow) -> StoreResult<()> {
        sqlx::query("INSERT INTO authorization_codes (code_hash, environment_id, client_id, \
            redirect_uri, code_challenge, grant, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(&c.code_hash).bind(&c.environment_id).bind(&c.client_id).bind(&c.redirect_uri).bind(&c.code_challenge).bind(&c.grant)
            .bind(c.created_at).bind(c.expires_at).bind(c.used_at)
            .execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn redeem_code(&self, code_hash: &str, now: i64) -> StoreResult<CodeRedeemed> {
        // One statement claims the code, so two concurrent redemptions cannot both succeed.
        let claimed = sqlx::query(
            "UPDATE authorization_codes SET used_at = ? WHERE code_hash = ? \
            AND used_at IS NULL AND expires_at > ? RETURNING *",
        )
        .bind(now)
        .bind(code_hash)
        .bind(now)
        .try_map(code_row)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        if let Some(c) = claimed {
            return Ok(CodeRedeemed::Ok(c));
        }
        let found: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT used_at FROM authorization_codes WHERE code_hash = ?")
                .bind(code_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
        Ok(CodeRedeemed::Invalid(match found {
            None => "unknown",
            Some((Some(_),)) => "used",
            Some((None,)) => "expired",
        }))
    }

    async fn code(&self, code_hash: &str) -> StoreResult<Option<CodeRow>> {
        sqlx::query("SELECT * FROM authorization_codes WHERE code_hash = ?")
            .bind(code_hash)
            .try_map(code_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }
}
