//! [`DirectoryStore`] on SQLite: directories, tokens, the sync log, roles.

use super::super::directories::*;
use super::super::{NewEvent, StoreResult};
use super::{append_events_in, finish_logged, other, SqliteStore};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

/// Ids bound per statement when a list of ids goes into `IN (…)` (SQLite's default limit on
/// variables is 32,766; chunks keep statements small).
pub(super) const ID_CHUNK: usize = 500;

fn directory_row(r: SqliteRow) -> Result<DirectoryRow, sqlx::Error> {
    Ok(DirectoryRow {
        id: r.try_get("id")?,
        environment_id: r.try_get("environment_id")?,
        organization_id: r.try_get("organization_id")?,
        provider: r.try_get("provider")?,
        state: r.try_get("state")?,
        role_mapping: r.try_get("role_mapping")?,
        attribute_mapping: r.try_get("attribute_mapping")?,
        first_request_at: r.try_get("first_request_at")?,
        last_request_at: r.try_get("last_request_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn token_row(r: SqliteRow) -> Result<DirectoryTokenRow, sqlx::Error> {
    Ok(DirectoryTokenRow {
        id: r.try_get("id")?,
        directory_id: r.try_get("directory_id")?,
        token_hash: r.try_get("token_hash")?,
        token_prefix: r.try_get("token_prefix")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

fn request_row(r: SqliteRow) -> Result<DirectoryRequestRow, sqlx::Error> {
    Ok(DirectoryRequestRow {
        directory_id: r.try_get("directory_id")?,
        at: r.try_get("at")?,
        method: r.try_get("method")?,
        resource_type: r.try_get("resource_type")?,
        resource_id: r.try_get("resource_id")?,
        summary: r.try_get("summary")?,
        status: r.try_get("status")?,
        scim_type: r.try_get("scim_type")?,
        detail: r.try_get("detail")?,
    })
}

/// `(?, ?, …)`: one bound parameter per id (callers chunk by [`ID_CHUNK`]).
pub(super) fn push_ids(q: &mut QueryBuilder<'_, Sqlite>, ids: &[String]) {
    q.push("(");
    let mut sep = q.separated(", ");
    for id in ids {
        sep.push_bind(id.clone());
    }
    q.push(")");
}

/// The ids among `ids` that `head` selects: `head` ends with a comparison whose value is `key`
/// (`… WHERE group_id = `), and is followed by ` AND {column} IN (…)` for each chunk of
/// [`ID_CHUNK`] ids; the first column of each row is gathered.
pub(super) async fn ids_among(
    pool: &sqlx::SqlitePool,
    head: &'static str,
    key: &str,
    column: &'static str,
    ids: &[String],
) -> StoreResult<Vec<String>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(head);
        q.push_bind(key.to_owned());
        q.push(format_args!(" AND {column} IN "));
        push_ids(&mut q, chunk);
        let found: Vec<String> = q
            .build_query_scalar()
            .fetch_all(pool)
            .await
            .map_err(other)?;
        out.extend(found);
    }
    Ok(out)
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn insert_directory(&self, d: &DirectoryRow, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO directories (id, environment_id, organization_id, provider, state, \
            role_mapping, attribute_mapping, first_request_at, last_request_at, created_at, \
            updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&d.id)
        .bind(&d.environment_id)
        .bind(&d.organization_id)
        .bind(&d.provider)
        .bind(&d.state)
        .bind(&d.role_mapping)
        .bind(&d.attribute_mapping)
        .bind(d.first_request_at)
        .bind(d.last_request_at)
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn directory(&self, id: &str) -> StoreResult<Option<DirectoryRow>> {
        sqlx::query("SELECT * FROM directories WHERE id = ?")
            .bind(id)
            .try_map(directory_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_directories(
        &self,
        environment_id: &str,
        organization_id: Option<&str>,
    ) -> StoreResult<Vec<DirectoryRow>> {
        sqlx::query(
            "SELECT * FROM directories WHERE environment_id = ? \
            AND (?2 IS NULL OR organization_id = ?2) ORDER BY created_at, id",
        )
        .bind(environment_id)
        .bind(organization_id)
        .try_map(directory_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn update_directory(&self, d: &DirectoryRow, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE directories SET state = ?, role_mapping = ?, first_request_at = ?, \
            last_request_at = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&d.state)
        .bind(&d.role_mapping)
        .bind(d.first_request_at)
        .bind(d.last_request_at)
        .bind(d.updated_at)
        .bind(&d.id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn set_directory_attribute_mapping(
        &self,
        id: &str,
        json: &str,
        now: i64,
    ) -> StoreResult<bool> {
        set_one(
            &self.pool,
            "UPDATE directories SET attribute_mapping = ?, updated_at = ? WHERE id = ?",
            json,
            now,
            id,
        )
        .await
    }

    async fn set_pending_directory_provider(
        &self,
        id: &str,
        provider: &str,
        now: i64,
    ) -> StoreResult<bool> {
        set_one(
            &self.pool,
            "UPDATE directories SET provider = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
            provider,
            now,
            id,
        )
        .await
    }

    async fn activate_directory(
        &self,
        id: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE directories SET state = 'active', first_request_at = ?1, \
            last_request_at = ?1, updated_at = ?1 WHERE id = ?2 AND state = 'pending'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn touch_directory(&self, id: &str, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE directories SET last_request_at = ?1, \
            first_request_at = COALESCE(first_request_at, ?1) WHERE id = ?2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn delete_directory(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query("DELETE FROM directories WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn directory_counts(&self, id: &str) -> StoreResult<(i64, i64)> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM directory_users WHERE directory_id = ?1 \
            AND deleted_at IS NULL) AS users, \
            (SELECT COUNT(*) FROM directory_groups WHERE directory_id = ?1) AS groups",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        Ok((
            row.try_get("users").map_err(other)?,
            row.try_get("groups").map_err(other)?,
        ))
    }

    async fn insert_directory_token(
        &self,
        t: &DirectoryTokenRow,
        max_live: i64,
        now: i64,
        others_expire_at: i64,
    ) -> StoreResult<bool> {
        // The transaction's first statement writes, so it holds SQLite's write lock from the
        // start: a second creation waits here, then counts this one.
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "DELETE FROM directory_tokens WHERE directory_id = ? AND expires_at IS NOT NULL \
            AND expires_at <= ?",
        )
        .bind(&t.directory_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        let done = sqlx::query(
            "INSERT INTO directory_tokens (id, directory_id, token_hash, token_prefix, created_at, \
            expires_at, last_used_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
            WHERE (SELECT COUNT(*) FROM directory_tokens WHERE directory_id = ?2) < ?8",
        )
        .bind(&t.id)
        .bind(&t.directory_id)
        .bind(&t.token_hash)
        .bind(&t.token_prefix)
        .bind(t.created_at)
        .bind(t.expires_at)
        .bind(t.last_used_at)
        .bind(max_live)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE directory_tokens SET expires_at = MIN(COALESCE(expires_at, ?1), ?1) \
            WHERE directory_id = ?2 AND id != ?3",
        )
        .bind(others_expire_at)
        .bind(&t.directory_id)
        .bind(&t.id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn directory_token_by_hash(&self, hash: &str) -> StoreResult<Option<DirectoryTokenRow>> {
        sqlx::query("SELECT * FROM directory_tokens WHERE token_hash = ?")
            .bind(hash)
            .try_map(token_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_directory_tokens(
        &self,
        directory_id: &str,
    ) -> StoreResult<Vec<DirectoryTokenRow>> {
        sqlx::query(
            "SELECT * FROM directory_tokens WHERE directory_id = ? ORDER BY created_at DESC, id",
        )
        .bind(directory_id)
        .try_map(token_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn delete_directory_token(&self, directory_id: &str, id: &str) -> StoreResult<bool> {
        let r = sqlx::query("DELETE FROM directory_tokens WHERE id = ? AND directory_id = ?")
            .bind(id)
            .bind(directory_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(r.rows_affected() > 0)
    }

    async fn touch_directory_token(&self, id: &str, now: i64) -> StoreResult<()> {
        // At most once a minute per token: a first sync makes thousands of requests, and each
        // would otherwise take the write lock for this.
        sqlx::query(
            "UPDATE directory_tokens SET last_used_at = ?1 WHERE id = ?2 \
            AND (last_used_at IS NULL OR last_used_at < ?1 - 60)",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn record_directory_request(
        &self,
        r: &DirectoryRequestRow,
        keep: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO directory_requests (directory_id, at, method, resource_type, resource_id, \
            summary, status, scim_type, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.directory_id)
        .bind(r.at)
        .bind(&r.method)
        .bind(&r.resource_type)
        .bind(&r.resource_id)
        .bind(&r.summary)
        .bind(r.status)
        .bind(&r.scim_type)
        .bind(&r.detail)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        // Pruned as it goes: the entry `keep` places back goes when a new one arrives.
        sqlx::query(
            "DELETE FROM directory_requests WHERE directory_id = ?1 AND seq <= \
            (SELECT seq FROM directory_requests WHERE directory_id = ?1 ORDER BY seq DESC \
            LIMIT 1 OFFSET ?2)",
        )
        .bind(&r.directory_id)
        .bind(keep)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn directory_requests(
        &self,
        directory_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryRequestRow>> {
        sqlx::query(
            "SELECT * FROM directory_requests WHERE directory_id = ? ORDER BY seq DESC LIMIT ?",
        )
        .bind(directory_id)
        .bind(limit)
        .try_map(request_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn environment_roles(&self, environment_id: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT roles FROM environment_roles WHERE environment_id = ?")
            .bind(environment_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn set_environment_roles(&self, environment_id: &str, json: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO environment_roles (environment_id, roles) VALUES (?, ?) \
            ON CONFLICT (environment_id) DO UPDATE SET roles = excluded.roles",
        )
        .bind(environment_id)
        .bind(json)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }
}

/// Runs `sql`, an update of one directory binding a value, the time and the id in that order;
/// whether a row changed.
async fn set_one(
    pool: &sqlx::SqlitePool,
    sql: &str,
    value: &str,
    now: i64,
    id: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(sql)
        .bind(value)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map_err(other)?;
    Ok(done.rows_affected() > 0)
}
