//! SQLite: connections, drafts, metadata refresh schedules, test sign-ins and sign-ins,
//! assertion replay, certificate events.

use super::*;

#[async_trait]
impl ConnectionStore for SqliteStore {
    async fn insert_connection(&self, c: &ConnectionRow, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO connections (id, organization_id, idp, protocol, state, config, \
            client_secret_enc, draft, attribute_mapping, options, sp_key_enc, sp_certificate, \
            created_at, updated_at, base_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(&c.organization_id)
        .bind(&c.idp)
        .bind(&c.protocol)
        .bind(&c.state)
        .bind(&c.config)
        .bind(&c.client_secret_enc)
        .bind(&c.draft)
        .bind(&c.attribute_mapping)
        .bind(&c.options)
        .bind(&c.sp_key_enc)
        .bind(&c.sp_certificate)
        .bind(c.created_at)
        .bind(c.updated_at)
        .bind(&c.base_url)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn update_connection(&self, c: &ConnectionRow, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE connections SET state = ?, config = ?, client_secret_enc = ?, \
            attribute_mapping = ?, options = ?, sp_key_enc = ?, sp_certificate = ?, config_version \
            = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&c.state)
        .bind(&c.config)
        .bind(&c.client_secret_enc)
        .bind(&c.attribute_mapping)
        .bind(&c.options)
        .bind(&c.sp_key_enc)
        .bind(&c.sp_certificate)
        .bind(c.config_version)
        .bind(c.updated_at)
        .bind(&c.id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events)
            .await
            .map(|_| ())
    }

    async fn delete_connection(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query("DELETE FROM connections WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn update_draft(&self, id: &str, draft: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE connections SET draft = ?, updated_at = ? WHERE id = ?")
            .bind(draft)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn connection(&self, id: &str) -> StoreResult<Option<ConnectionRow>> {
        sqlx::query("SELECT * FROM connections WHERE id = ?")
            .bind(id)
            .try_map(conn_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_connections(&self, organization_id: &str) -> StoreResult<Vec<ConnectionRow>> {
        sqlx::query(
            "SELECT * FROM connections WHERE organization_id = ? ORDER BY created_at DESC, id",
        )
        .bind(organization_id)
        .try_map(conn_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn upsert_refresh(&self, r: &RefreshRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO metadata_refresh (connection_id, metadata_url, next_at, failures, last_checked_at, last_error) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (connection_id) DO UPDATE SET metadata_url = excluded.metadata_url, next_at = excluded.next_at, failures = excluded.failures, \
             last_checked_at = excluded.last_checked_at, last_error = excluded.last_error",
        )
        .bind(&r.connection_id).bind(&r.metadata_url).bind(r.next_at).bind(r.failures).bind(r.last_checked_at).bind(&r.last_error)
        .execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn delete_refresh(&self, connection_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM metadata_refresh WHERE connection_id = ?")
            .bind(connection_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn refresh(&self, connection_id: &str) -> StoreResult<Option<RefreshRow>> {
        sqlx::query("SELECT * FROM metadata_refresh WHERE connection_id = ?")
            .bind(connection_id)
            .try_map(refresh_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn due_refreshes(&self, now: i64, limit: i64) -> StoreResult<Vec<RefreshRow>> {
        sqlx::query("SELECT * FROM metadata_refresh WHERE next_at <= ? ORDER BY next_at LIMIT ?")
            .bind(now)
            .bind(limit)
            .try_map(refresh_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn insert_test(&self, t: &TestRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_tests (id, connection_id, protocol, request_id, \
            state_hash, secrets_enc, started_at, finished_at, outcome, idp_initiated, error_code, \
            result, login) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&t.id)
        .bind(&t.connection_id)
        .bind(&t.protocol)
        .bind(&t.request_id)
        .bind(&t.state_hash)
        .bind(&t.secrets_enc)
        .bind(t.started_at)
        .bind(t.finished_at)
        .bind(&t.outcome)
        .bind(t.idp_initiated as i64)
        .bind(&t.error_code)
        .bind(&t.result)
        .bind(&t.login)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn set_test_request(
        &self,
        id: &str,
        request_id: &str,
        state_hash: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE sign_in_tests SET request_id = ?, state_hash = ? WHERE id = ? AND outcome = 'pending'")
            .bind(request_id).bind(state_hash).bind(id)
            .execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn test(&self, id: &str) -> StoreResult<Option<TestRow>> {
        sqlx::query("SELECT * FROM sign_in_tests WHERE id = ?")
            .bind(id)
            .try_map(test_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn test_by_state(&self, state_hash: &str) -> StoreResult<Option<TestRow>> {
        sqlx::query("SELECT * FROM sign_in_tests WHERE state_hash = ?")
            .bind(state_hash)
            .try_map(test_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn finish_test(&self, t: &TestRow, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE sign_in_tests SET state_hash = NULL, secrets_enc = NULL, finished_at = ?, outcome = ?, idp_initiated = ?, error_code = ?, result = ?, config_version = ? \
             WHERE id = ? AND (outcome = 'pending' OR finished_at IS NULL)",
        )
        .bind(t.finished_at).bind(&t.outcome).bind(t.idp_initiated as i64).bind(&t.error_code).bind(&t.result).bind(t.config_version).bind(&t.id)
        .execute(&mut *tx).await.map_err(other)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE connections SET last_test_id = ?, last_tested_at = ?, last_test_result = ? WHERE id = ?")
            .bind(&t.id).bind(t.finished_at).bind(&t.outcome).bind(&t.connection_id)
            .execute(&mut *tx).await.map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn list_tests(&self, connection_id: &str, limit: i64) -> StoreResult<Vec<TestRow>> {
        sqlx::query(
            "SELECT * FROM sign_in_tests WHERE connection_id = ? AND login IS NULL ORDER BY \
            started_at DESC, rowid DESC LIMIT ?",
        )
        .bind(connection_id)
        .bind(limit)
        .try_map(test_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn list_sign_ins(&self, connection_id: &str, limit: i64) -> StoreResult<Vec<TestRow>> {
        sqlx::query(
            "SELECT * FROM sign_in_tests WHERE connection_id = ? AND login IS NOT NULL \
            ORDER BY started_at DESC, rowid DESC LIMIT ?",
        )
        .bind(connection_id)
        .bind(limit)
        .try_map(test_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn finish_sign_in(&self, t: &TestRow, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE sign_in_tests SET state_hash = NULL, secrets_enc = NULL, finished_at = ?, outcome = ?, idp_initiated = ?, error_code = ?, result = ?, config_version = ? \
             WHERE id = ? AND login IS NOT NULL AND (outcome = 'pending' OR finished_at IS NULL)",
        )
        .bind(t.finished_at).bind(&t.outcome).bind(t.idp_initiated as i64).bind(&t.error_code).bind(&t.result).bind(t.config_version).bind(&t.id)
        .execute(&mut *tx).await.map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn use_assertion(
        &self,
        connection_id: &str,
        assertion_id: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT INTO used_assertions (connection_id, assertion_id, expires_at) \
            VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(connection_id)
        .bind(assertion_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(r.rows_affected() == 1)
    }

    async fn insert_cert_events(&self, events: &[CertEventRow]) -> StoreResult<()> {
        for e in events {
            sqlx::query(
                "INSERT INTO certificate_events (connection_id, at, kind, \
                sha256_fingerprint, subject, not_after) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&e.connection_id)
            .bind(e.at)
            .bind(&e.kind)
            .bind(&e.sha256_fingerprint)
            .bind(&e.subject)
            .bind(e.not_after)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        }
        Ok(())
    }

    async fn cert_events(&self, connection_id: &str) -> StoreResult<Vec<CertEventRow>> {
        sqlx::query("SELECT * FROM certificate_events WHERE connection_id = ? ORDER BY at, id")
            .bind(connection_id)
            .try_map(event_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }
}
