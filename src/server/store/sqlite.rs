//! The SQLite store: one file, WAL mode, migrations embedded in the binary. This file opens it and
//! holds the helpers every resource's writes share; `sqlite/<resource>.rs` implements its trait.

use super::*;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use std::str::FromStr;

mod decode;
use decode::*;

// One file per resource, each `impl XStore for SqliteStore`, using the helpers below.
mod assets;
mod connections;
mod directories;
mod directory_groups;
mod directory_users;
mod domains;
mod environments;
mod events;
mod go_live;
mod organizations;
mod webhooks;

/// SQLite-backed [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

fn other(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error() {
        if db.is_unique_violation() {
            // SQLite reports the columns rather than the constraint name, e.g.
            // "UNIQUE constraint failed: organizations.environment_id, organizations.external_id".
            let what = db
                .constraint()
                .map(str::to_owned)
                .unwrap_or_else(|| db.message().rsplit('.').next().unwrap_or("").to_owned());
            return StoreError::Conflict(what);
        }
    }
    StoreError::Other(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the database and applies migrations. A database file is
    /// made owner-only (0600) before SQLite opens it, so the WAL and shared-memory files SQLite
    /// creates beside it, which take its mode, are private too.
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(other)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        // An in-memory database has no file to protect.
        if !(url.contains(":memory:") || url.contains("mode=memory")) {
            let path = options.get_filename();
            crate::server::private_files::ensure_database(path).map_err(|e| {
                StoreError::Other(format!("could not make {} private: {e}", path.display()))
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(other)?;
        sqlx::migrate!("src/server/store/migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Other(format!("migration failed: {e}")))?;
        Ok(SqliteStore { pool })
    }

    /// Claims up to `limit` rows of a table with a check schedule (`next_check_at`) that are due
    /// at `now`, moving their next check to `lease_until` in the same statement, so no other
    /// worker takes them meanwhile. `table` is one of ours, never input.
    async fn claim_due<T: Send + Unpin>(
        &self,
        table: &'static str,
        decode: fn(SqliteRow) -> Result<T, sqlx::Error>,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<T>> {
        let sql = format!(
            "UPDATE {table} SET next_check_at = ? WHERE id IN \
             (SELECT id FROM {table} WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER \
             BY next_check_at, id LIMIT ?) RETURNING *"
        );
        sqlx::query(&sql)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .try_map(decode)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    /// Deletes a row by id from one of our tables; false if there was none.
    async fn delete_by_id(&self, table: &'static str, id: &str) -> StoreResult<bool> {
        let sql = format!("DELETE FROM {table} WHERE id = ?");
        let r = sqlx::query(&sql)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(r.rows_affected() > 0)
    }
}

/// Events inserted by one statement when a change logs many.
const EVENT_BATCH: usize = 50;

/// Appends events on a connection that is inside the change's own transaction: the one place
/// rows enter the event log, so a change and its events commit or roll back together. Every
/// write that causes events calls it before committing. Writers are serialised by SQLite (one
/// write transaction at a time), so `seq`, assigned at insert, follows commit order.
async fn append_events_in(
    conn: &mut sqlx::SqliteConnection,
    events: &[NewEvent],
) -> Result<(), sqlx::Error> {
    // A change of thousands of memberships logs thousands of events: whole batches go in one
    // statement each (rows are inserted, and numbered, in the order listed), the rest one by
    // one, so the statements stay two shapes the connection's cache keeps prepared.
    let mut batches = events.chunks_exact(EVENT_BATCH);
    for batch in batches.by_ref() {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO events (id, environment_id, type, organization_id, created_at, data) ",
        );
        q.push_values(batch, |mut row, e| {
            row.push_bind(&e.id)
                .push_bind(&e.environment_id)
                .push_bind(&e.event_type)
                .push_bind(&e.organization_id)
                .push_bind(e.created_at)
                .push_bind(&e.data);
        });
        q.build().execute(&mut *conn).await?;
    }
    for e in batches.remainder() {
        sqlx::query(
            "INSERT INTO events (id, environment_id, type, organization_id, created_at, data) \
            VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&e.id)
        .bind(&e.environment_id)
        .bind(&e.event_type)
        .bind(&e.organization_id)
        .bind(e.created_at)
        .bind(&e.data)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ends a write that logs `events` when it changed something: if it changed no row, nothing
/// happened, so nothing is logged and the transaction is dropped (rolled back); otherwise the
/// events join it and both commit. Returns whether a row changed.
async fn finish_logged(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    rows_changed: u64,
    events: &[NewEvent],
) -> StoreResult<bool> {
    if rows_changed == 0 {
        return Ok(false);
    }
    append_events_in(&mut tx, events).await.map_err(other)?;
    tx.commit().await.map_err(other)?;
    Ok(true)
}
