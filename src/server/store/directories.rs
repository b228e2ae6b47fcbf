//! What directory sync stores (issue 17): directories, their SCIM tokens, the users and groups
//! an identity provider pushes, memberships, the sync log, and the vendor's roles.
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

/// A user an identity provider pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryUserRow {
    /// `dus_...` (the SCIM `id` the IdP refers to it by).
    pub id: String,
    /// Its directory.
    pub directory_id: String,
    /// SCIM `userName`.
    pub user_name: String,
    /// `userName` case-folded (unique per directory among users not deleted).
    pub user_name_key: String,
    /// SCIM `externalId`.
    pub external_id: Option<String>,
    /// The primary (else work, else first) email.
    pub email: Option<String>,
    /// The email case-folded.
    pub email_key: Option<String>,
    /// `name.givenName`.
    pub first_name: Option<String>,
    /// `name.familyName`.
    pub last_name: Option<String>,
    /// SCIM `active`.
    pub active: bool,
    /// The SCIM document as the IdP last wrote it (JSON, without `id`, `meta`, `groups`).
    pub resource: String,
    /// Bumped by every write (the SCIM `meta.version`).
    pub version: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Unix seconds of a SCIM DELETE (then the IdP no longer sees it).
    pub deleted_at: Option<i64>,
}

/// A group an identity provider pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryGroupRow {
    /// `dgr_...`
    pub id: String,
    /// Its directory.
    pub directory_id: String,
    /// SCIM `displayName`.
    pub display_name: String,
    /// `displayName` case-folded.
    pub display_name_key: String,
    /// SCIM `externalId`.
    pub external_id: Option<String>,
    /// The SCIM document as the IdP last wrote it (JSON, without `id`, `meta`, `members`).
    pub resource: String,
    /// Bumped by every write.
    pub version: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
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

/// How a user is looked up by one of its indexed attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserLookup {
    /// By case-folded `userName`.
    UserNameKey(String),
    /// By exact `externalId`.
    ExternalId(String),
    /// By case-folded email.
    EmailKey(String),
}

/// Which users a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserListing {
    /// Only members of this group.
    pub group_id: Option<String>,
    /// Only active (`Some(true)`) or inactive ones.
    pub active: Option<bool>,
    /// Include users deleted by SCIM (the vendor sees them; the IdP does not).
    pub include_deleted: bool,
    /// Start after this user id (creation order).
    pub after: Option<String>,
    /// Skip this many (SCIM `startIndex` - 1).
    pub offset: i64,
    /// At most this many.
    pub limit: i64,
}

/// How a group write changes its members: computed by the service from a SCIM request, so a
/// one-member PATCH on a group of thousands writes one row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberDelta {
    /// Replace every member with these (a PUT, or a PATCH replacing `members`).
    pub replace_all: Option<Vec<String>>,
    /// Add these (after any replacement).
    pub add: Vec<String>,
    /// Remove these.
    pub remove: Vec<String>,
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
    /// Notes a SCIM request's time (the first one too), without events.
    async fn touch_directory(&self, id: &str, now: i64) -> StoreResult<()>;
    /// Deletes a directory with everything in it, with its events; `false` if it was gone.
    async fn delete_directory(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool>;
    /// Users (not deleted) and groups of a directory.
    async fn directory_counts(&self, id: &str) -> StoreResult<(i64, i64)>;

    /// Stores a new token.
    async fn insert_directory_token(&self, t: &DirectoryTokenRow) -> StoreResult<()>;
    /// The token with this hash.
    async fn directory_token_by_hash(&self, hash: &str) -> StoreResult<Option<DirectoryTokenRow>>;
    /// A directory's tokens, newest first.
    async fn list_directory_tokens(
        &self,
        directory_id: &str,
    ) -> StoreResult<Vec<DirectoryTokenRow>>;
    /// Makes every other token of the directory expire at `at` at the latest (a new token's
    /// grace period for the old ones).
    async fn expire_directory_tokens(
        &self,
        directory_id: &str,
        except_id: &str,
        at: i64,
    ) -> StoreResult<()>;
    /// Deletes a token; `false` if it was not the directory's.
    async fn delete_directory_token(&self, directory_id: &str, id: &str) -> StoreResult<bool>;
    /// Notes a token's use.
    async fn touch_directory_token(&self, id: &str, now: i64) -> StoreResult<()>;

    /// Creates a user, with its events; `Conflict` if its `userName` is taken.
    async fn insert_directory_user(
        &self,
        u: &DirectoryUserRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// A user by id (deleted ones too).
    async fn directory_user(&self, id: &str) -> StoreResult<Option<DirectoryUserRow>>;
    /// Users of a directory (not deleted) with this indexed attribute, at most `limit`.
    async fn find_directory_users(
        &self,
        directory_id: &str,
        lookup: &UserLookup,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryUserRow>>;
    /// Users of a directory in creation order.
    async fn list_directory_users(
        &self,
        directory_id: &str,
        listing: &UserListing,
    ) -> StoreResult<Vec<DirectoryUserRow>>;
    /// The SCIM documents of a directory's newest users (not deleted), newest first, at most
    /// `limit`: what the attribute mapping step shows as received.
    async fn latest_directory_user_resources(
        &self,
        directory_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<String>>;
    /// How many users a listing (without its paging) holds.
    async fn count_directory_users(
        &self,
        directory_id: &str,
        listing: &UserListing,
    ) -> StoreResult<i64>;
    /// Writes a user if its version is still `expected_version`, with its events; `false` if
    /// it changed meanwhile or is gone; `Conflict` if its new `userName` is taken. A user
    /// made inactive or deleted leaves every group in the same transaction.
    async fn update_directory_user(
        &self,
        u: &DirectoryUserRow,
        expected_version: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool>;
    /// The ids among `ids` that are users of the directory (not deleted).
    async fn existing_directory_users(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<String>>;

    /// Creates a group with its members, with its events.
    async fn insert_directory_group(
        &self,
        g: &DirectoryGroupRow,
        members: &[String],
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// A group by id.
    async fn directory_group(&self, id: &str) -> StoreResult<Option<DirectoryGroupRow>>;
    /// Groups of a directory with this case-folded name or exact external id, at most `limit`.
    async fn find_directory_groups(
        &self,
        directory_id: &str,
        name_key: Option<&str>,
        external_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryGroupRow>>;
    /// Groups of a directory in creation order: after a group id, or from an offset.
    async fn list_directory_groups(
        &self,
        directory_id: &str,
        after: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryGroupRow>>;
    /// Writes a group and changes its members if its version is still `expected_version`,
    /// with its events; `false` if it changed meanwhile or is gone.
    async fn update_directory_group(
        &self,
        g: &DirectoryGroupRow,
        expected_version: i64,
        members: &MemberDelta,
        events: &[NewEvent],
    ) -> StoreResult<bool>;
    /// Deletes a group (its memberships go with it), with its events.
    async fn delete_directory_group(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool>;
    /// A group's members: (user id, userName), at most `limit`.
    async fn group_members(&self, group_id: &str, limit: i64)
        -> StoreResult<Vec<(String, String)>>;
    /// How many members each of a directory's groups has: (group id, count).
    async fn group_member_counts(&self, directory_id: &str) -> StoreResult<Vec<(String, i64)>>;
    /// Every user of a directory (not deleted) with each of its groups: (user id, whether it
    /// is active, group id), a user in no group once with `None`; grouped by user in creation
    /// order. One query for the roles of a whole directory.
    async fn directory_user_groups(
        &self,
        directory_id: &str,
    ) -> StoreResult<Vec<(String, bool, Option<String>)>>;
    /// A user's groups: (group id, displayName).
    async fn user_groups(&self, user_id: &str) -> StoreResult<Vec<(String, String)>>;

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
