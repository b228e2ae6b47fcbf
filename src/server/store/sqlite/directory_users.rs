//! [`DirectoryUserStore`] on SQLite.

use super::super::directory_groups::{standing, MemberEvent};
use super::super::directory_users::*;
use super::super::{NewEvent, StoreResult};
use super::directories::{ids_among, push_ids, ID_CHUNK};
use super::{append_events_in, other, SqliteStore};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashSet;

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
#[async_trait]
impl DirectoryUserStore for SqliteStore {
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
        events: &[MemberEvent],
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
        let mut left = HashSet::new();
        if done.rows_affected() > 0 && (!u.active || u.deleted_at.is_some()) {
            // Deprovisioned: out of every group, in the same transaction as the change.
            let groups: Vec<String> = sqlx::query_scalar(
                "DELETE FROM directory_memberships WHERE user_id = ? RETURNING group_id",
            )
            .bind(&u.id)
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?;
            left.extend(groups.into_iter().map(|g| (g, u.id.clone())));
        }
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let Some(events) = standing(events, &HashSet::new(), &left) else {
            return Ok(false);
        };
        append_events_in(&mut tx, &events).await.map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn directory_users_by_ids(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<DirectoryUserRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ID_CHUNK) {
            // By id, the directory only checked (see `existing_directory_users`).
            let mut q =
                QueryBuilder::<Sqlite>::new("SELECT * FROM directory_users WHERE +directory_id = ");
            q.push_bind(directory_id.to_owned());
            q.push(" AND id IN ");
            push_ids(&mut q, chunk);
            let rows = q
                .build()
                .try_map(user_row)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
            out.extend(rows);
        }
        Ok(out)
    }

    async fn existing_directory_users(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<String>> {
        // `+directory_id`: looked up by id (the unique index), the directory only checked;
        // otherwise SQLite walks the directory's whole index once per batch.
        ids_among(
            &self.pool,
            "SELECT id FROM directory_users WHERE deleted_at IS NULL AND +directory_id = ",
            directory_id,
            "id",
            ids,
        )
        .await
    }
}
