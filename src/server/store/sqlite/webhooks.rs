//! SQLite: webhook endpoints, deliveries, attempts.

use super::*;

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn insert_webhook_endpoint(&self, e: &WebhookEndpointRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, environment_id, url, events, enabled, description, \
            secret_enc, previous_secret_enc, previous_secret_expires_at, disabled_reason, \
            failing_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&e.id)
        .bind(&e.environment_id)
        .bind(&e.url)
        .bind(&e.events)
        .bind(e.enabled as i64)
        .bind(&e.description)
        .bind(&e.secret_enc)
        .bind(&e.previous_secret_enc)
        .bind(e.previous_secret_expires_at)
        .bind(&e.disabled_reason)
        .bind(e.failing_since)
        .bind(e.created_at)
        .bind(e.updated_at)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn webhook_endpoint(&self, id: &str) -> StoreResult<Option<WebhookEndpointRow>> {
        sqlx::query("SELECT * FROM webhook_endpoints WHERE id = ?")
            .bind(id)
            .try_map(webhook_endpoint_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_webhook_endpoints(
        &self,
        environment_id: &str,
    ) -> StoreResult<Vec<WebhookEndpointRow>> {
        sqlx::query(
            "SELECT * FROM webhook_endpoints WHERE environment_id = ? ORDER BY created_at, id",
        )
        .bind(environment_id)
        .try_map(webhook_endpoint_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn update_webhook_endpoint(
        &self,
        e: &WebhookEndpointRow,
        change: EndpointChange,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let q = match change {
            EndpointChange::Settings { reenabled } => sqlx::query(
                "UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?, description = ?, \
                disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END, \
                failing_since = CASE WHEN ? THEN NULL ELSE failing_since END, \
                updated_at = ? WHERE id = ?",
            )
            .bind(&e.url)
            .bind(&e.events)
            .bind(e.enabled as i64)
            .bind(&e.description)
            .bind(reenabled)
            .bind(reenabled),
            EndpointChange::Secret => sqlx::query(
                "UPDATE webhook_endpoints SET secret_enc = ?, previous_secret_enc = ?, \
                previous_secret_expires_at = ?, updated_at = ? WHERE id = ?",
            )
            .bind(&e.secret_enc)
            .bind(&e.previous_secret_enc)
            .bind(e.previous_secret_expires_at),
            EndpointChange::DisabledForFailing => sqlx::query(
                "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? \
                WHERE id = ? AND enabled = 1 AND failing_since IS NOT NULL",
            )
            .bind(&e.disabled_reason),
        };
        let r = q
            .bind(e.updated_at)
            .bind(&e.id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        finish_logged(tx, r.rows_affected(), events).await
    }

    async fn delete_webhook_endpoint(&self, id: &str) -> StoreResult<bool> {
        // Deliveries and their attempts go by cascade.
        self.delete_by_id("webhook_endpoints", id).await
    }

    async fn claim_webhook_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryRow>> {
        // The worker asks every second: a read first, so a quiet server (no endpoint, or
        // nothing due) never takes SQLite's one write lock for a claim that finds nothing.
        let due: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM webhook_endpoints w JOIN webhook_deliveries d ON d.seq = \
            (SELECT MIN(o.seq) FROM webhook_deliveries o WHERE o.endpoint_id = w.id \
            AND o.status IN ('pending', 'failed')) WHERE w.enabled = 1 AND d.next_attempt_at <= ?)",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        if !due {
            return Ok(Vec::new());
        }
        sqlx::query(
            // Endpoints are few (capped per environment): for each enabled one, its head (the
            // oldest open delivery, from the partial index), taken if due. Among the due heads
            // the draw is random, not oldest first: an endpoint with a long backlog has the
            // oldest heads and would otherwise take every slot, pass after pass.
            "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE seq IN (\
            SELECT d.seq FROM webhook_endpoints w JOIN webhook_deliveries d ON d.seq = \
            (SELECT MIN(o.seq) FROM webhook_deliveries o WHERE o.endpoint_id = w.id \
            AND o.status IN ('pending', 'failed')) \
            WHERE w.enabled = 1 AND d.next_attempt_at <= ? \
            ORDER BY random() LIMIT ?) RETURNING *",
        )
        .bind(lease_until)
        .bind(now)
        .bind(limit)
        .try_map(webhook_delivery_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn record_webhook_attempt(
        &self,
        d: &WebhookDeliveryRow,
        a: &WebhookAttemptRow,
        succeeded: bool,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "UPDATE webhook_deliveries SET status = ?, attempts = ?, failures = ?, next_attempt_at = ?, \
            last_status_code = ?, last_error = ?, delivered_at = ? WHERE id = ?",
        )
        .bind(&d.status)
        .bind(d.attempts)
        .bind(d.failures)
        .bind(d.next_attempt_at)
        .bind(d.last_status_code)
        .bind(&d.last_error)
        .bind(d.delivered_at)
        .bind(&d.id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, at, status_code, latency_ms, error) \
            SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?)",
        )
        .bind(&a.delivery_id)
        .bind(a.at)
        .bind(a.status_code)
        .bind(a.latency_ms)
        .bind(&a.error)
        .bind(&a.delivery_id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        let q = if succeeded {
            sqlx::query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?")
                .bind(&d.endpoint_id)
        } else {
            sqlx::query(
                "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?",
            )
            .bind(a.at)
            .bind(&d.endpoint_id)
        };
        q.execute(&mut *tx).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn webhook_delivery(&self, id: &str) -> StoreResult<Option<WebhookDeliveryRow>> {
        sqlx::query("SELECT * FROM webhook_deliveries WHERE id = ?")
            .bind(id)
            .try_map(webhook_delivery_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_webhook_deliveries(
        &self,
        endpoint_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryRow>> {
        sqlx::query(
            "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND seq < ? \
            ORDER BY seq DESC LIMIT ?",
        )
        .bind(endpoint_id)
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .try_map(webhook_delivery_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn webhook_attempts(&self, delivery_id: &str) -> StoreResult<Vec<WebhookAttemptRow>> {
        sqlx::query("SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id")
            .bind(delivery_id)
            .try_map(webhook_attempt_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn retry_webhook_delivery(&self, id: &str, now: i64) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', failures = 0, next_attempt_at = ?, \
            delivered_at = NULL WHERE id = ?",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(r.rows_affected() > 0)
    }

    async fn purge_webhook_deliveries(&self, before: i64) -> StoreResult<u64> {
        let r = sqlx::query(
            // Creation time grows with `seq`: the old rows are those before the first recent
            // one, a range of the primary key (no index on the time to keep up per insert).
            "DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'dead') AND seq < \
            COALESCE((SELECT seq FROM webhook_deliveries WHERE created_at >= ?1 ORDER BY seq LIMIT 1), \
            (SELECT MAX(seq) + 1 FROM webhook_deliveries))",
        )
        .bind(before)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(r.rows_affected())
    }
}
