//! The SQLite store: one file, WAL mode, migrations embedded in the binary.

use super::*;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::Row;
use std::str::FromStr;

mod decode;
use decode::*;

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

/// Appends events on a connection that is inside the change's own transaction: the one place
/// rows enter the event log, so a change and its events commit or roll back together. Every
/// write that causes events calls it before committing. Writers are serialised by SQLite (one
/// write transaction at a time), so `seq`, assigned at insert, follows commit order.
async fn append_events_in(
    conn: &mut sqlx::SqliteConnection,
    events: &[NewEvent],
) -> Result<(), sqlx::Error> {
    for e in events {
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

fn domains_json(d: &[String]) -> String {
    serde_json::to_string(d).unwrap_or_else(|_| "[]".into())
}

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

#[async_trait]
impl OrganizationStore for SqliteStore {
    async fn insert_organization(
        &self,
        o: &OrganizationRow,
        events: &[NewEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO organizations (id, environment_id, name, external_id, domains, \
            created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&o.id)
        .bind(&o.environment_id)
        .bind(&o.name)
        .bind(&o.external_id)
        .bind(domains_json(&o.domains))
        .bind(o.created_at)
        .bind(o.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn update_organization(
        &self,
        o: &OrganizationRow,
        events: &[NewEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query("UPDATE organizations SET name = ?, external_id = ?, domains = ?, \
            allow_profiles_outside_organization = ?, updated_at = ? WHERE id = ? AND environment_id = ?")
            .bind(&o.name).bind(&o.external_id).bind(domains_json(&o.domains)).bind(o.allow_profiles_outside_organization as i64).bind(o.updated_at).bind(&o.id).bind(&o.environment_id)
            .execute(&mut *tx).await.map_err(other)?;
        finish_logged(tx, done.rows_affected(), events)
            .await
            .map(|_| ())
    }

    async fn organization(
        &self,
        environment_id: &str,
        id: &str,
    ) -> StoreResult<Option<OrganizationRow>> {
        sqlx::query("SELECT * FROM organizations WHERE id = ? AND environment_id = ?")
            .bind(id)
            .bind(environment_id)
            .try_map(org_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn organization_by_id(&self, id: &str) -> StoreResult<Option<OrganizationRow>> {
        sqlx::query("SELECT * FROM organizations WHERE id = ?")
            .bind(id)
            .try_map(org_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn list_organizations(
        &self,
        environment_id: &str,
        external_id: Option<&str>,
    ) -> StoreResult<Vec<OrganizationRow>> {
        sqlx::query(
            "SELECT * FROM organizations WHERE environment_id = ? AND (? IS NULL OR \
            external_id = ?) ORDER BY created_at, id",
        )
        .bind(environment_id)
        .bind(external_id)
        .bind(external_id)
        .try_map(org_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn delete_organization(
        &self,
        environment_id: &str,
        id: &str,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query("DELETE FROM organizations WHERE id = ? AND environment_id = ?")
            .bind(id)
            .bind(environment_id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            // Nothing happened, so nothing is logged.
            return Ok(false);
        }
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn insert_link(&self, l: &LinkRow, events: &[NewEvent]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO portal_links (token_hash, organization_id, intent, return_url, \
            success_url, created_at, expires_at, used_at, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&l.token_hash)
        .bind(&l.organization_id)
        .bind(&l.intent)
        .bind(&l.return_url)
        .bind(&l.success_url)
        .bind(l.created_at)
        .bind(l.expires_at)
        .bind(l.used_at)
        .bind(&l.host)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn redeem_link(
        &self,
        token_hash: &str,
        host: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<Redeemed> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // One statement claims the link, so two concurrent redemptions cannot both succeed. A
        // link minted for another hostname is left untouched, as if unknown here.
        let claimed = sqlx::query(
            "UPDATE portal_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND \
                expires_at > ? AND (host IS NULL OR host = ?) RETURNING *",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .bind(host)
        .try_map(link_row)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        if let Some(link) = claimed {
            // A session that only held the link (its cookie never came back) is replaced.
            sqlx::query("DELETE FROM portal_sessions WHERE held_link = ?")
                .bind(token_hash)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            append_events_in(&mut tx, events).await.map_err(other)?;
            tx.commit().await.map_err(other)?;
            return Ok(Redeemed::Ok(link));
        }
        let found = sqlx::query("SELECT * FROM portal_links WHERE token_hash = ?")
            .bind(token_hash)
            .try_map(link_row)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?;
        Ok(match found {
            None => Redeemed::Unknown,
            Some(l) if l.host.as_deref().is_some_and(|h| h != host) => Redeemed::Unknown,
            Some(l) if l.used_at.is_some() => Redeemed::Used,
            Some(_) => Redeemed::Expired,
        })
    }

    async fn link(&self, token_hash: &str) -> StoreResult<Option<LinkRow>> {
        sqlx::query("SELECT * FROM portal_links WHERE token_hash = ?")
            .bind(token_hash)
            .try_map(link_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn insert_session(&self, s: &SessionRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO portal_sessions (id_hash, organization_id, intents, csrf_token, \
            return_url, success_url, created_at, last_seen_at, expires_at, host, held_link) VALUES \
            (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id_hash)
        .bind(&s.organization_id)
        .bind(&s.intents)
        .bind(&s.csrf_token)
        .bind(&s.return_url)
        .bind(&s.success_url)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(&s.host)
        .bind(&s.held_link)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRow>> {
        sqlx::query("SELECT * FROM portal_sessions WHERE id_hash = ?")
            .bind(id_hash)
            .try_map(session_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE portal_sessions SET last_seen_at = ? WHERE id_hash = ?")
            .bind(now)
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM portal_sessions WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn organization_theme(&self, organization_id: &str) -> StoreResult<Option<String>> {
        let r: Option<(Option<String>,)> =
            sqlx::query_as("SELECT theme FROM organizations WHERE id = ?")
                .bind(organization_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
        Ok(r.and_then(|r| r.0))
    }

    async fn set_organization_theme(
        &self,
        organization_id: &str,
        json: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE organizations SET theme = ? WHERE id = ?")
            .bind(json)
            .bind(organization_id)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn hold_link(&self, token_hash: &str, host: &str, now: i64) -> StoreResult<Redeemed> {
        let found = sqlx::query("SELECT * FROM portal_links WHERE token_hash = ?")
            .bind(token_hash)
            .try_map(link_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(match found {
            None => Redeemed::Unknown,
            Some(l) if l.host.as_deref().is_some_and(|h| h != host) => Redeemed::Unknown,
            Some(l) if l.used_at.is_some() => Redeemed::Used,
            Some(l) if l.expires_at <= now => Redeemed::Expired,
            Some(l) => {
                sqlx::query("DELETE FROM portal_sessions WHERE held_link = ?")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(other)?;
                Redeemed::Ok(l)
            }
        })
    }

    async fn use_held_link(
        &self,
        id_hash: &str,
        token_hash: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let used = sqlx::query(
            "UPDATE portal_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected()
            == 1;
        sqlx::query("UPDATE portal_sessions SET held_link = NULL WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        // Whoever used the link first wins; other sessions holding it are gone.
        sqlx::query("DELETE FROM portal_sessions WHERE held_link = ?")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if used {
            append_events_in(&mut tx, events).await.map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(used)
    }
}

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
