//! SQLite: the event log, certificate expiry notices, purges.

use super::*;

#[async_trait]
impl EventStore for SqliteStore {
    async fn purge_expired(
        &self,
        now: i64,
        idle_before: i64,
        links_before: i64,
    ) -> StoreResult<u64> {
        let sessions =
            sqlx::query("DELETE FROM portal_sessions WHERE expires_at <= ? OR last_seen_at < ?")
                .bind(now)
                .bind(idle_before)
                .execute(&self.pool)
                .await
                .map_err(other)?;
        let links = sqlx::query("DELETE FROM portal_links WHERE expires_at < ?")
            .bind(links_before)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        let assertions = sqlx::query("DELETE FROM used_assertions WHERE expires_at < ?")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        // A code (and the profile waiting with it) is of no use once expired.
        let codes = sqlx::query("DELETE FROM authorization_codes WHERE expires_at < ?")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(sessions.rows_affected()
            + links.rows_affected()
            + assertions.rows_affected()
            + codes.rows_affected())
    }

    async fn purge_history(&self, finished_before: i64, abandoned_before: i64) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM sign_in_tests WHERE ((outcome != 'pending' AND started_at < ?) OR (outcome = 'pending' AND started_at < ?)) \
             AND id NOT IN (SELECT last_test_id FROM connections WHERE last_test_id IS NOT NULL)",
        )
        .bind(finished_before).bind(abandoned_before)
        .execute(&self.pool).await.map_err(other)?;
        Ok(done.rows_affected())
    }

    async fn append_events(&self, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn events_after(&self, f: &EventFilter) -> StoreResult<Vec<EventRow>> {
        let mut sql = String::from(
            "SELECT e.*, COALESCE(env.name, '') AS environment_name FROM events e \
            LEFT JOIN environments env ON env.id = e.environment_id WHERE e.seq > ?",
        );
        if f.environment_id.is_some() {
            sql.push_str(" AND e.environment_id = ?");
        }
        if f.organization_id.is_some() {
            sql.push_str(" AND e.organization_id = ?");
        }
        if !f.types.is_empty() {
            sql.push_str(" AND e.type IN (");
            sql.push_str(&vec!["?"; f.types.len()].join(", "));
            sql.push(')');
        }
        sql.push_str(" ORDER BY e.seq LIMIT ?");
        let mut q = sqlx::query(&sql).bind(f.after_seq);
        if let Some(env) = &f.environment_id {
            q = q.bind(env);
        }
        if let Some(org) = &f.organization_id {
            q = q.bind(org);
        }
        for t in &f.types {
            q = q.bind(t);
        }
        q.bind(f.limit)
            .try_map(log_event_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn recent_events(
        &self,
        organization_id: &str,
        types: &[&str],
        limit: i64,
    ) -> StoreResult<Vec<EventRow>> {
        // Reads the (organization, type, seq) index (0014) for just the types asked for, so
        // frequent events of other types (sign-ins) are never read.
        let sql = format!(
            "SELECT e.*, COALESCE(env.name, '') AS environment_name FROM events e \
            LEFT JOIN environments env ON env.id = e.environment_id \
            WHERE e.organization_id = ? AND e.type IN ({}) ORDER BY e.seq DESC LIMIT ?",
            vec!["?"; types.len().max(1)].join(", ")
        );
        let mut q = sqlx::query(&sql).bind(organization_id);
        if types.is_empty() {
            q = q.bind("");
        }
        for t in types {
            q = q.bind(*t);
        }
        q.bind(limit)
            .try_map(log_event_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn event_seq(&self, environment_id: &str, id: &str) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT seq FROM events WHERE id = ? AND environment_id = ?")
            .bind(id)
            .bind(environment_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn record_expiry_notice(
        &self,
        connection_id: &str,
        sha256_fingerprint: &str,
        days: i64,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "INSERT INTO certificate_expiry_notices (connection_id, sha256_fingerprint, days, \
            sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(connection_id)
        .bind(sha256_fingerprint)
        .bind(days)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn purge_events(&self, before: i64) -> StoreResult<u64> {
        // From the start of the log, a batch at a time (short write transactions, so writers
        // with events never wait long behind a purge), up to the first event young enough to
        // keep: the log is in time order.
        let mut gone = 0;
        loop {
            let r = sqlx::query(
                "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq < \
                COALESCE((SELECT seq FROM events WHERE created_at >= ? ORDER BY seq LIMIT 1), \
                9223372036854775807) ORDER BY seq LIMIT 1000)",
            )
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(other)?;
            gone += r.rows_affected();
            if r.rows_affected() < 1000 {
                return Ok(gone);
            }
        }
    }

    async fn event_by_seq(&self, seq: i64) -> StoreResult<Option<EventRow>> {
        sqlx::query(
            "SELECT e.*, COALESCE(env.name, '') AS environment_name FROM events e \
            LEFT JOIN environments env ON env.id = e.environment_id WHERE e.seq = ?",
        )
        .bind(seq)
        .try_map(log_event_row)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)
    }
}
