//! SQLite: organizations, their theme, portal links, sessions and held links.

use super::*;

/// An organization's domains as the JSON array its row stores.
fn domains_json(d: &[String]) -> String {
    serde_json::to_string(d).unwrap_or_else(|_| "[]".into())
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
