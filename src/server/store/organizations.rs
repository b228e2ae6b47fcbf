//! Organizations, their theme, portal links, sessions and held links.

use super::*;
use async_trait::async_trait;

/// Organizations and their portal access: the organization's theme, portal links, sessions and
/// the links sessions hold.
#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// Creates an organization; `Conflict("external_id")` on a duplicate external id.
    ///
    /// A write that takes `events` appends them to the event log in its own transaction (the
    /// outbox, see `events`): both commit, or neither. A write that turns out to change
    /// nothing (no row matched) logs nothing.
    async fn insert_organization(
        &self,
        org: &OrganizationRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// Replaces an organization's fields; same conflicts as insert.
    async fn update_organization(
        &self,
        org: &OrganizationRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// An organization of the environment.
    async fn organization(
        &self,
        environment_id: &str,
        id: &str,
    ) -> StoreResult<Option<OrganizationRow>>;
    /// An organization of any environment, by id (for portal sessions).
    async fn organization_by_id(&self, id: &str) -> StoreResult<Option<OrganizationRow>>;
    /// Organizations of the environment, optionally filtered by external id.
    async fn list_organizations(
        &self,
        environment_id: &str,
        external_id: Option<&str>,
    ) -> StoreResult<Vec<OrganizationRow>>;
    /// Deletes an organization and everything it owns; false if none.
    async fn delete_organization(
        &self,
        environment_id: &str,
        id: &str,
        events: &[NewEvent],
    ) -> StoreResult<bool>;

    /// Stores a new portal link.
    async fn insert_link(&self, link: &LinkRow, events: &[NewEvent]) -> StoreResult<()>;
    /// Marks a link used, atomically, and says what was found; sessions that only held it
    /// (see [`OrganizationStore::hold_link`]) are deleted. A link minted for a hostname other than `host`
    /// is `Unknown` and stays unused. `events` are logged only if the link was used.
    async fn redeem_link(
        &self,
        token_hash: &str,
        host: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<Redeemed>;
    /// A link by the hash of its token, as stored (used or not).
    async fn link(&self, token_hash: &str) -> StoreResult<Option<LinkRow>>;

    /// Stores a new session.
    async fn insert_session(&self, session: &SessionRow) -> StoreResult<()>;
    /// A session by the hash of its cookie.
    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRow>>;
    /// Records activity.
    async fn touch_session(&self, id_hash: &str, now: i64) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    /// An organization's own theme (JSON), if it has one.
    async fn organization_theme(&self, organization_id: &str) -> StoreResult<Option<String>>;
    /// Sets or clears it.
    async fn set_organization_theme(
        &self,
        organization_id: &str,
        json: Option<&str>,
    ) -> StoreResult<()>;
    /// Checks a link as [`OrganizationStore::redeem_link`] does, but leaves it unused, for a session that
    /// will hold it ([`SessionRow::held_link`]); sessions already holding it are deleted, so
    /// a link has one holder at a time.
    async fn hold_link(&self, token_hash: &str, host: &str, now: i64) -> StoreResult<Redeemed>;
    /// Uses up the link a session holds, now that its cookie came back; false if the link was
    /// used meanwhile (the session must then end). Clears the session's hold either way.
    /// `events` are logged only if the link was used here.
    async fn use_held_link(
        &self,
        id_hash: &str,
        token_hash: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool>;
}
