//! [`DirectoryStore`] on SQLite.

use super::super::directories::*;
use super::super::{NewEvent, StoreResult};
use super::{append_events_in, finish_logged, other, SqliteStore};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

/// Ids bound per statement when a list of ids goes into `IN (…)` (SQLite's default limit on
/// variables is 32,766; chunks keep statements small).
const ID_CHUNK: usize = 500;

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

fn user_row(r: SqliteRow) -> Result<DirectoryUserRow, sqlx::Error> {
    Ok(DirectoryUserRow {
        id: r.try_get("id")?,
        directory_id: r.try_get("directory_id")?,
        user_name: r.try_get("user_name")?,
        user_name_key: r.try_get("user_name_key")?,
        external_id: r.try_get("external_id")?,
        email: r.try_get("email")?,
        email_key: r.try_get("email_key")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        active: r.try_get::<i64, _>("active")? != 0,
        resource: r.try_get("resource")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        deleted_at: r.try_get("deleted_at")?,
    })
}

fn group_row(r: SqliteRow) -> Result<DirectoryGroupRow, sqlx::Error> {
    Ok(DirectoryGroupRow {
        id: r.try_get("id")?,
        directory_id: r.try_get("directory_id")?,
        display_name: r.try_get("display_name")?,
        display_name_key: r.try_get("display_name_key")?,
        external_id: r.try_get("external_id")?,
        resource: r.try_get("resource")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
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

/// The `WHERE` of a user listing (after `directory_id = ?`).
fn push_listing(q: &mut QueryBuilder<'_, Sqlite>, directory_id: &str, l: &UserListing) {
    q.push(" WHERE u.directory_id = ");
    q.push_bind(directory_id.to_owned());
    if !l.include_deleted {
        q.push(" AND u.deleted_at IS NULL");
    }
    if let Some(active) = l.active {
        q.push(" AND u.active = ");
        q.push_bind(i64::from(active));
    }
    if let Some(g) = &l.group_id {
        q.push(" AND EXISTS (SELECT 1 FROM directory_memberships m WHERE m.user_id = u.id AND m.group_id = ");
        q.push_bind(g.clone());
        q.push(")");
    }
}

/// Adds members (skipping ids that are not users of the group's directory, and ones already
/// there).
async fn add_members(
    conn: &mut sqlx::SqliteConnection,
    group_id: &str,
    directory_id: &str,
    ids: &[String],
) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(ID_CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO directory_memberships (group_id, user_id) SELECT ",
        );
        q.push_bind(group_id.to_owned());
        // Only active users join groups: a deprovisioned one stays out until its IdP
        // activates it again.
        q.push(
            ", id FROM directory_users WHERE deleted_at IS NULL AND active = 1 AND directory_id = ",
        );
        q.push_bind(directory_id.to_owned());
        q.push(" AND id IN (");
        let mut sep = q.separated(", ");
        for id in chunk {
            sep.push_bind(id.clone());
        }
        q.push(")");
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn remove_members(
    conn: &mut sqlx::SqliteConnection,
    group_id: &str,
    ids: &[String],
) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(ID_CHUNK) {
        let mut q =
            QueryBuilder::<Sqlite>::new("DELETE FROM directory_memberships WHERE group_id = ");
        q.push_bind(group_id.to_owned());
        q.push(" AND user_id IN (");
        let mut sep = q.separated(", ");
        for id in chunk {
            sep.push_bind(id.clone());
        }
        q.push(")");
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
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
        let done = sqlx::query(
            "UPDATE directories SET attribute_mapping = ?, updated_at = ? WHERE id = ?",
        )
        .bind(json)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_pending_directory_provider(
        &self,
        id: &str,
        provider: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE directories SET provider = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
        )
        .bind(provider)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() > 0)
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

    async fn insert_directory_token(&self, t: &DirectoryTokenRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_tokens (id, directory_id, token_hash, token_prefix, created_at, \
            expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&t.id)
        .bind(&t.directory_id)
        .bind(&t.token_hash)
        .bind(&t.token_prefix)
        .bind(t.created_at)
        .bind(t.expires_at)
        .bind(t.last_used_at)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
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

    async fn expire_directory_tokens(
        &self,
        directory_id: &str,
        except_id: &str,
        at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE directory_tokens SET expires_at = MIN(COALESCE(expires_at, ?1), ?1) \
            WHERE directory_id = ?2 AND id != ?3",
        )
        .bind(at)
        .bind(directory_id)
        .bind(except_id)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        Ok(())
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

    async fn insert_directory_user(
        &self,
        u: &DirectoryUserRow,
        events: &[NewEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO directory_users (id, directory_id, user_name, user_name_key, external_id, \
            email, email_key, first_name, last_name, active, resource, version, created_at, \
            updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&u.id)
        .bind(&u.directory_id)
        .bind(&u.user_name)
        .bind(&u.user_name_key)
        .bind(&u.external_id)
        .bind(&u.email)
        .bind(&u.email_key)
        .bind(&u.first_name)
        .bind(&u.last_name)
        .bind(i64::from(u.active))
        .bind(&u.resource)
        .bind(u.version)
        .bind(u.created_at)
        .bind(u.updated_at)
        .bind(u.deleted_at)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn directory_user(&self, id: &str) -> StoreResult<Option<DirectoryUserRow>> {
        sqlx::query("SELECT * FROM directory_users WHERE id = ?")
            .bind(id)
            .try_map(user_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn find_directory_users(
        &self,
        directory_id: &str,
        lookup: &UserLookup,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryUserRow>> {
        let (column, value) = match lookup {
            UserLookup::UserNameKey(v) => ("user_name_key", v),
            UserLookup::ExternalId(v) => ("external_id", v),
            UserLookup::EmailKey(v) => ("email_key", v),
        };
        // `column` is one of three names above, never input.
        sqlx::query(&format!(
            "SELECT * FROM directory_users WHERE directory_id = ? AND {column} = ? \
            AND deleted_at IS NULL ORDER BY seq LIMIT ?"
        ))
        .bind(directory_id)
        .bind(value)
        .bind(limit)
        .try_map(user_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn list_directory_users(
        &self,
        directory_id: &str,
        listing: &UserListing,
    ) -> StoreResult<Vec<DirectoryUserRow>> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT u.* FROM directory_users u");
        push_listing(&mut q, directory_id, listing);
        if let Some(after) = &listing.after {
            q.push(" AND u.seq > (SELECT seq FROM directory_users WHERE id = ");
            q.push_bind(after.clone());
            q.push(")");
        }
        q.push(" ORDER BY u.seq LIMIT ");
        q.push_bind(listing.limit);
        q.push(" OFFSET ");
        q.push_bind(listing.offset);
        q.build()
            .try_map(user_row)
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }

    async fn latest_directory_user_resources(
        &self,
        directory_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        // Newest by creation (`seq`), so the `(directory_id, seq)` index reads `limit` rows
        // only, however large the directory.
        sqlx::query_scalar(
            "SELECT resource FROM directory_users WHERE directory_id = ? AND deleted_at IS NULL \
            ORDER BY seq DESC LIMIT ?",
        )
        .bind(directory_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn count_directory_users(
        &self,
        directory_id: &str,
        listing: &UserListing,
    ) -> StoreResult<i64> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM directory_users u");
        push_listing(&mut q, directory_id, listing);
        q.build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(other)
    }

    async fn update_directory_user(
        &self,
        u: &DirectoryUserRow,
        expected_version: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE directory_users SET user_name = ?, user_name_key = ?, external_id = ?, \
            email = ?, email_key = ?, first_name = ?, last_name = ?, active = ?, resource = ?, \
            version = ?, updated_at = ?, deleted_at = ? WHERE id = ? AND version = ?",
        )
        .bind(&u.user_name)
        .bind(&u.user_name_key)
        .bind(&u.external_id)
        .bind(&u.email)
        .bind(&u.email_key)
        .bind(&u.first_name)
        .bind(&u.last_name)
        .bind(i64::from(u.active))
        .bind(&u.resource)
        .bind(u.version)
        .bind(u.updated_at)
        .bind(u.deleted_at)
        .bind(&u.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        if done.rows_affected() > 0 && (!u.active || u.deleted_at.is_some()) {
            // Deprovisioned: out of every group, in the same transaction as the change.
            sqlx::query("DELETE FROM directory_memberships WHERE user_id = ?")
                .bind(&u.id)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn existing_directory_users(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(ID_CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT id FROM directory_users WHERE deleted_at IS NULL AND directory_id = ",
            );
            q.push_bind(directory_id.to_owned());
            q.push(" AND id IN (");
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(id.clone());
            }
            q.push(")");
            let found: Vec<String> = q
                .build_query_scalar()
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
            out.extend(found);
        }
        Ok(out)
    }

    async fn insert_directory_group(
        &self,
        g: &DirectoryGroupRow,
        members: &[String],
        events: &[NewEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query(
            "INSERT INTO directory_groups (id, directory_id, display_name, display_name_key, \
            external_id, resource, version, created_at, updated_at) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&g.id)
        .bind(&g.directory_id)
        .bind(&g.display_name)
        .bind(&g.display_name_key)
        .bind(&g.external_id)
        .bind(&g.resource)
        .bind(g.version)
        .bind(g.created_at)
        .bind(g.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        add_members(&mut tx, &g.id, &g.directory_id, members)
            .await
            .map_err(other)?;
        append_events_in(&mut tx, events).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn directory_group(&self, id: &str) -> StoreResult<Option<DirectoryGroupRow>> {
        sqlx::query("SELECT * FROM directory_groups WHERE id = ?")
            .bind(id)
            .try_map(group_row)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn find_directory_groups(
        &self,
        directory_id: &str,
        name_key: Option<&str>,
        external_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryGroupRow>> {
        sqlx::query(
            "SELECT * FROM directory_groups WHERE directory_id = ? \
            AND (?2 IS NULL OR display_name_key = ?2) AND (?3 IS NULL OR external_id = ?3) \
            ORDER BY seq LIMIT ?4",
        )
        .bind(directory_id)
        .bind(name_key)
        .bind(external_id)
        .bind(limit)
        .try_map(group_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn list_directory_groups(
        &self,
        directory_id: &str,
        after: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryGroupRow>> {
        sqlx::query(
            "SELECT * FROM directory_groups WHERE directory_id = ?1 AND (?2 IS NULL OR \
            seq > (SELECT seq FROM directory_groups WHERE id = ?2)) ORDER BY seq LIMIT ?3 OFFSET ?4",
        )
        .bind(directory_id)
        .bind(after)
        .bind(limit)
        .bind(offset)
        .try_map(group_row)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn update_directory_group(
        &self,
        g: &DirectoryGroupRow,
        expected_version: i64,
        members: &MemberDelta,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query(
            "UPDATE directory_groups SET display_name = ?, display_name_key = ?, external_id = ?, \
            resource = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?",
        )
        .bind(&g.display_name)
        .bind(&g.display_name_key)
        .bind(&g.external_id)
        .bind(&g.resource)
        .bind(g.version)
        .bind(g.updated_at)
        .bind(&g.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        if done.rows_affected() > 0 {
            if let Some(all) = &members.replace_all {
                sqlx::query("DELETE FROM directory_memberships WHERE group_id = ?")
                    .bind(&g.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
                add_members(&mut tx, &g.id, &g.directory_id, all)
                    .await
                    .map_err(other)?;
            }
            add_members(&mut tx, &g.id, &g.directory_id, &members.add)
                .await
                .map_err(other)?;
            remove_members(&mut tx, &g.id, &members.remove)
                .await
                .map_err(other)?;
        }
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn delete_directory_group(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let done = sqlx::query("DELETE FROM directory_groups WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        finish_logged(tx, done.rows_affected(), events).await
    }

    async fn group_members(
        &self,
        group_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(String, String)>> {
        sqlx::query_as(
            "SELECT u.id, u.user_name FROM directory_memberships m JOIN directory_users u \
            ON u.id = m.user_id WHERE m.group_id = ? ORDER BY u.seq LIMIT ?",
        )
        .bind(group_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn group_member_counts(&self, directory_id: &str) -> StoreResult<Vec<(String, i64)>> {
        sqlx::query_as(
            "SELECT g.id, (SELECT COUNT(*) FROM directory_memberships m WHERE m.group_id = g.id) \
            FROM directory_groups g WHERE g.directory_id = ? ORDER BY g.seq",
        )
        .bind(directory_id)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn directory_user_groups(
        &self,
        directory_id: &str,
    ) -> StoreResult<Vec<(String, bool, Option<String>)>> {
        sqlx::query_as(
            "SELECT u.id, u.active != 0, m.group_id FROM directory_users u \
            LEFT JOIN directory_memberships m ON m.user_id = u.id \
            WHERE u.directory_id = ? AND u.deleted_at IS NULL ORDER BY u.seq, m.group_id",
        )
        .bind(directory_id)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn user_groups(&self, user_id: &str) -> StoreResult<Vec<(String, String)>> {
        sqlx::query_as(
            "SELECT g.id, g.display_name FROM directory_memberships m JOIN directory_groups g \
            ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.display_name_key, g.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
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
