//! SQLite: domains and custom domains (hostnames).

use super::*;

#[async_trait]
impl DomainStore for SqliteStore {
    async fn insert_domain(&self, d: &DomainRow, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO domains (id, organization_id, environment_id, domain, record_name, record_value, state, created_at, fails_at, last_checked_at, last_result, \
             next_check_at, attempts, verified_at, verification_method, verified_by, \
             record_last_seen_at, warning) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&d.id).bind(&d.organization_id).bind(&d.environment_id).bind(&d.domain).bind(&d.record_name).bind(&d.record_value).bind(&d.state)
        .bind(d.created_at).bind(d.fails_at).bind(d.last_checked_at).bind(&d.last_result).bind(d.next_check_at).bind(d.attempts)
        .bind(d.verified_at).bind(&d.verification_method).bind(&d.verified_by).bind(d.record_last_seen_at).bind(&d.warning)
        .execute(&mut *tx).await.map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn domain(&self, id: &str) -> StoreResult<Option<DomainRow>> {
        sqlx::query("SELECT * FROM domains WHERE id = ?")
            .bind(id)
            .try_map(domain_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_domains(&self, organization_id: &str) -> StoreResult<Vec<DomainRow>> {
        sqlx::query("SELECT * FROM domains WHERE organization_id = ? ORDER BY created_at, id")
            .bind(organization_id)
            .try_map(domain_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn update_domain(&self, d: &DomainRow, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE domains SET state = ?, fails_at = ?, last_checked_at = ?, last_result = ?, next_check_at = ?, attempts = ?, verified_at = ?, \
             verification_method = ?, verified_by = ?, record_last_seen_at = ?, warning = ? WHERE id = ?",
        )
        .bind(&d.state).bind(d.fails_at).bind(d.last_checked_at).bind(&d.last_result).bind(d.next_check_at).bind(d.attempts).bind(d.verified_at)
        .bind(&d.verification_method).bind(&d.verified_by).bind(d.record_last_seen_at).bind(&d.warning).bind(&d.id)
        .execute(&mut *tx).await.map_err(other)?;
        finish_logged(tx, done.rows_affected(), events)
            .await
            .map(|_| ())
    }

    async fn delete_domain(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query("DELETE FROM domains WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn claim_due_domains(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DomainRow>> {
        self.claim_due("domains", domain_row, now, lease_until, limit)
            .await
    }

    async fn domain_verified_by(
        &self,
        environment_id: &str,
        domain: &str,
    ) -> StoreResult<Option<String>> {
        let r: Option<(String,)> = sqlx::query_as(
            "SELECT organization_id FROM domains WHERE \
            environment_id = ? AND domain = ? AND state = 'verified'",
        )
        .bind(environment_id)
        .bind(domain)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        Ok(r.map(|r| r.0))
    }

    async fn insert_custom_domain(&self, d: &CustomDomainRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO custom_domains (id, environment_id, hostname, state, created_at, last_checked_at, last_result, next_check_at, attempts, activated_at, warning) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&d.id).bind(&d.environment_id).bind(&d.hostname).bind(&d.state).bind(d.created_at).bind(d.last_checked_at).bind(&d.last_result)
        .bind(d.next_check_at).bind(d.attempts).bind(d.activated_at).bind(&d.warning)
        .execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn custom_domain(&self, id: &str) -> StoreResult<Option<CustomDomainRow>> {
        sqlx::query("SELECT * FROM custom_domains WHERE id = ?")
            .bind(id)
            .try_map(custom_domain_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn custom_domain_by_hostname(
        &self,
        hostname: &str,
    ) -> StoreResult<Option<CustomDomainRow>> {
        sqlx::query("SELECT * FROM custom_domains WHERE hostname = ?")
            .bind(hostname)
            .try_map(custom_domain_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_custom_domains(&self, environment_id: &str) -> StoreResult<Vec<CustomDomainRow>> {
        sqlx::query("SELECT * FROM custom_domains WHERE environment_id = ? ORDER BY created_at, id")
            .bind(environment_id)
            .try_map(custom_domain_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn update_custom_domain(
        &self,
        d: &CustomDomainRow,
        events: &[NewEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE custom_domains SET state = ?, last_checked_at = ?, last_result = ?, \
                next_check_at = ?, attempts = ?, activated_at = ?, warning = ? WHERE id = ?",
        )
        .bind(&d.state)
        .bind(d.last_checked_at)
        .bind(&d.last_result)
        .bind(d.next_check_at)
        .bind(d.attempts)
        .bind(d.activated_at)
        .bind(&d.warning)
        .bind(&d.id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events)
            .await
            .map(|_| ())
    }

    async fn delete_custom_domain(&self, id: &str) -> StoreResult<bool> {
        self.delete_by_id("custom_domains", id).await
    }

    async fn claim_due_custom_domains(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<CustomDomainRow>> {
        self.claim_due("custom_domains", custom_domain_row, now, lease_until, limit)
            .await
    }
}
