//! [`DirectoryGroupStore`] on SQLite: groups and memberships.

use super::super::directory_groups::*;
use super::super::StoreResult;
use super::directories::{ids_among, push_ids, ID_CHUNK};
use super::{append_events_in, other, SqliteStore};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashSet;

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

/// Adds members (skipping ids that are not users of the group's directory, and ones already
/// there); the pairs (group id, user id) it added.
async fn add_members(
    conn: &mut sqlx::SqliteConnection,
    group_id: &str,
    directory_id: &str,
    ids: &[String],
) -> Result<HashSet<(String, String)>, sqlx::Error> {
    let mut out = HashSet::new();
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
        q.push(" AND id IN ");
        push_ids(&mut q, chunk);
        // Rows ignored as already there are not returned.
        q.push(" RETURNING user_id");
        let added: Vec<String> = q.build_query_scalar().fetch_all(&mut *conn).await?;
        out.extend(added.into_iter().map(|u| (group_id.to_owned(), u)));
    }
    Ok(out)
}

/// Removes members; the pairs (group id, user id) it removed.
async fn remove_members(
    conn: &mut sqlx::SqliteConnection,
    group_id: &str,
    ids: &[String],
) -> Result<HashSet<(String, String)>, sqlx::Error> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let mut q =
            QueryBuilder::<Sqlite>::new("DELETE FROM directory_memberships WHERE group_id = ");
        q.push_bind(group_id.to_owned());
        q.push(" AND user_id IN ");
        push_ids(&mut q, chunk);
        q.push(" RETURNING user_id");
        let removed: Vec<String> = q.build_query_scalar().fetch_all(&mut *conn).await?;
        out.extend(removed.into_iter().map(|u| (group_id.to_owned(), u)));
    }
    Ok(out)
}

/// Commits a membership write with the events that [`standing`] keeps; `false` (rolled back)
/// if it changed no row, or a membership that no event announces.
async fn finish_members(
    mut tx: sqlx::Transaction<'_, Sqlite>,
    rows_changed: u64,
    events: &[MemberEvent],
    added: &HashSet<(String, String)>,
    removed: &HashSet<(String, String)>,
) -> StoreResult<bool> {
    if rows_changed == 0 {
        return Ok(false);
    }
    let Some(events) = standing(events, added, removed) else {
        return Ok(false);
    };
    append_events_in(&mut tx, &events).await.map_err(other)?;
    tx.commit().await.map_err(other)?;
    Ok(true)
}

#[async_trait]
impl DirectoryGroupStore for SqliteStore {
    async fn insert_directory_group(
        &self,
        g: &DirectoryGroupRow,
        members: &[String],
        events: &[MemberEvent],
    ) -> StoreResult<bool> {
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
        let added = add_members(&mut tx, &g.id, &g.directory_id, members)
            .await
            .map_err(other)?;
        finish_members(tx, 1, events, &added, &HashSet::new()).await
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
        events: &[MemberEvent],
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
        let (mut added, mut removed) = (HashSet::new(), HashSet::new());
        if done.rows_affected() > 0 {
            if let Some(all) = &members.replace_all {
                let gone: Vec<String> = sqlx::query_scalar(
                    "DELETE FROM directory_memberships WHERE group_id = ? RETURNING user_id",
                )
                .bind(&g.id)
                .fetch_all(&mut *tx)
                .await
                .map_err(other)?;
                removed.extend(gone.into_iter().map(|u| (g.id.clone(), u)));
                added.extend(
                    add_members(&mut tx, &g.id, &g.directory_id, all)
                        .await
                        .map_err(other)?,
                );
            }
            added.extend(
                add_members(&mut tx, &g.id, &g.directory_id, &members.add)
                    .await
                    .map_err(other)?,
            );
            let gone = remove_members(&mut tx, &g.id, &members.remove)
                .await
                .map_err(other)?;
            for pair in gone {
                // Added then removed by this write: no change.
                if !added.remove(&pair) {
                    removed.insert(pair);
                }
            }
        }
        finish_members(tx, done.rows_affected(), events, &added, &removed).await
    }

    async fn delete_directory_group(&self, id: &str, events: &[MemberEvent]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        // The memberships first, to know which this delete ends (a user deprovisioned
        // meanwhile has left already, and was announced then).
        let gone: Vec<String> = sqlx::query_scalar(
            "DELETE FROM directory_memberships WHERE group_id = ? RETURNING user_id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(other)?;
        let removed = gone.into_iter().map(|u| (id.to_owned(), u)).collect();
        let done = sqlx::query("DELETE FROM directory_groups WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        finish_members(tx, done.rows_affected(), events, &HashSet::new(), &removed).await
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

    async fn groups_of_users(
        &self,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String, String)>> {
        let mut out = Vec::new();
        for chunk in user_ids.chunks(ID_CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT m.user_id, g.id, g.display_name FROM directory_memberships m \
                JOIN directory_groups g ON g.id = m.group_id WHERE m.user_id IN ",
            );
            push_ids(&mut q, chunk);
            q.push(" ORDER BY m.user_id, g.display_name_key, g.id");
            let rows: Vec<(String, String, String)> = q
                .build_query_as()
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
            out.extend(rows);
        }
        Ok(out)
    }

    async fn user_groups_counted(
        &self,
        user_id: &str,
    ) -> StoreResult<Vec<(DirectoryGroupRow, i64)>> {
        sqlx::query(
            "SELECT g.*, (SELECT COUNT(*) FROM directory_memberships c WHERE c.group_id = g.id) \
            AS member_count FROM directory_memberships m JOIN directory_groups g \
            ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.display_name_key, g.id",
        )
        .bind(user_id)
        .try_map(|r: SqliteRow| {
            let count: i64 = r.try_get("member_count")?;
            Ok((group_row(r)?, count))
        })
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn group_member_count(&self, group_id: &str) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM directory_memberships WHERE group_id = ?")
            .bind(group_id)
            .fetch_one(&self.pool)
            .await
            .map_err(other)
    }

    async fn group_members_among(
        &self,
        group_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<String>> {
        ids_among(
            &self.pool,
            "SELECT user_id FROM directory_memberships WHERE group_id = ",
            group_id,
            "user_id",
            ids,
        )
        .await
    }
}
