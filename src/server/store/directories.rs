//! What directory sync stores (issue 17): directories, their SCIM tokens, the sync log, and the
//! vendor's roles. The users and groups an identity provider pushes are in
//! `directory_users.rs` and `directory_groups.rs`.
//!
//! A resource's own trait, so the PostgreSQL store implements it beside the others; `Store`
//! is the union (see `mod.rs`).

use super::{NewEvent, StoreResult};
use async_trait::async_trait;

/// An organization's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRow {
    /// `dir_...`
    pub id: String,
    /// Its environment.
    pub environment_id: String,
    /// Its organization.
    pub organization_id: String,
    /// A directory-provider catalog key.
    pub provider: String,
    /// `pending`, `active` or `inactive`.
    pub state: String,
    /// JSON object: group id -> role slug.
    pub role_mapping: String,
    /// JSON object: custom attribute name -> SCIM attribute path (`""`: not mapped). Written
    /// only by [`DirectoryStore::set_directory_attribute_mapping`], never by
    /// [`DirectoryStore::update_directory`], so a SCIM request noting its time cannot undo a
    /// save that came in meanwhile.
    pub attribute_mapping: String,
    /// Unix seconds of the first successful SCIM request.
    pub first_request_at: Option<i64>,
    /// Unix seconds of the latest SCIM request.
    pub last_request_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A SCIM bearer token of a directory (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryTokenRow {
    /// `dtk_...`
    pub id: String,
    /// Its directory.
    pub directory_id: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// The token's first characters, to tell tokens apart.
    pub token_prefix: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds after which it no longer works (a regenerated token's grace period).
    pub expires_at: Option<i64>,
    /// Unix seconds of its latest use.
    pub last_used_at: Option<i64>,
}

/// One SCIM request in a directory's sync log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRequestRow {
    /// Its directory.
    pub directory_id: String,
    /// Unix seconds.
    pub at: i64,
    /// HTTP method.
    pub method: String,
    /// `Users`, `Groups`, `ServiceProviderConfig`…
    pub resource_type: String,
    /// The user or group it was about.
    pub resource_id: Option<String>,
    /// What it did, in words.
    pub summary: String,
    /// The HTTP status answered.
    pub status: i64,
    /// The SCIM error type, if it failed.
    pub scim_type: Option<String>,
    /// The error's explanation, if it failed.
    pub detail: Option<String>,
}

/// Storage for directory sync.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Creates a directory, with its events.
    async fn insert_directory(&self, d: &DirectoryRow, events: &[NewEvent]) -> StoreResult<()>;
    /// A directory by id.
    async fn directory(&self, id: &str) -> StoreResult<Option<DirectoryRow>>;
    /// An environment's directories, oldest first, of one organization if given.
    async fn list_directories(
        &self,
        environment_id: &str,
        organization_id: Option<&str>,
    ) -> StoreResult<Vec<DirectoryRow>>;
    /// Writes a directory's state, role mapping and request times, with its events; `false` if
    /// it is gone. Not its attribute mapping (see [`Self::set_directory_attribute_mapping`]).
    async fn update_directory(&self, d: &DirectoryRow, events: &[NewEvent]) -> StoreResult<bool>;
    /// Writes a directory's attribute mapping (JSON) alone; `false` if it is gone.
    async fn set_directory_attribute_mapping(
        &self,
        id: &str,
        json: &str,
        now: i64,
    ) -> StoreResult<bool>;
    /// Sets a directory's provider while it is still `pending`; `false` if it is gone or no
    /// longer pending (the check and the write are one statement, so an IdP's first request
    /// cannot slip between them).
    async fn set_pending_directory_provider(
        &self,
        id: &str,
        provider: &str,
        now: i64,
    ) -> StoreResult<bool>;
    /// Makes a `pending` directory `active` (its first successful SCIM request at `now`), with
    /// its events; `false`, and no events, if it was no longer pending: the check and the write
    /// are one statement, so two first requests at once activate it once.
    async fn activate_directory(
        &self,
        id: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool>;
    /// Notes a SCIM request's time (the first one too), without events.
    async fn touch_directory(&self, id: &str, now: i64) -> StoreResult<()>;
    /// Deletes a directory with everything in it, with its events; `false` if it was gone.
    async fn delete_directory(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool>;
    /// Users (not deleted) and groups of a directory.
    async fn directory_counts(&self, id: &str) -> StoreResult<(i64, i64)>;

    /// Stores a new token if the directory then holds at most `max_live` tokens that have not
    /// expired by `now` (expired ones are dropped first), and makes every other token expire at
    /// `others_expire_at` at the latest; `false`, and nothing written, if it already holds
    /// `max_live`. One transaction that starts by writing, so tokens made at once cannot pass
    /// the cap together.
    async fn insert_directory_token(
        &self,
        t: &DirectoryTokenRow,
        max_live: i64,
        now: i64,
        others_expire_at: i64,
    ) -> StoreResult<bool>;
    /// The token with this hash.
    async fn directory_token_by_hash(&self, hash: &str) -> StoreResult<Option<DirectoryTokenRow>>;
    /// A directory's tokens, newest first.
    async fn list_directory_tokens(
        &self,
        directory_id: &str,
    ) -> StoreResult<Vec<DirectoryTokenRow>>;
    /// Deletes a token; `false` if it was not the directory's.
    async fn delete_directory_token(&self, directory_id: &str, id: &str) -> StoreResult<bool>;
    /// Notes a token's use.
    async fn touch_directory_token(&self, id: &str, now: i64) -> StoreResult<()>;

    /// Appends to a directory's sync log, keeping its newest `keep` entries.
    async fn record_directory_request(&self, r: &DirectoryRequestRow, keep: i64)
        -> StoreResult<()>;
    /// A directory's sync log, newest first.
    async fn directory_requests(
        &self,
        directory_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryRequestRow>>;

    /// The vendor's roles of an environment (JSON), if set.
    async fn environment_roles(&self, environment_id: &str) -> StoreResult<Option<String>>;
    /// Sets them.
    async fn set_environment_roles(&self, environment_id: &str, json: &str) -> StoreResult<()>;
}
