//! The users an identity provider pushes to a directory (issue 17).

#[cfg(doc)]
use super::standing;
use super::{MemberEvent, NewEvent, StoreResult};
use async_trait::async_trait;

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

/// Storage for directory users.
#[async_trait]
pub trait DirectoryUserStore: Send + Sync {
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
    /// Writes a user if its version is still `expected_version`, with the events that
    /// [`standing`] keeps; `false`, and nothing written, if it changed meanwhile, is gone, or
    /// would leave a group unannounced; `Conflict` if its new `userName` is taken. A user made
    /// inactive or deleted leaves every group in the same transaction.
    async fn update_directory_user(
        &self,
        u: &DirectoryUserRow,
        expected_version: i64,
        events: &[MemberEvent],
    ) -> StoreResult<bool>;
    /// The users of a directory (deleted ones too) among `ids`, in no particular order: the
    /// users of a membership change read in one pass, not one query each.
    async fn directory_users_by_ids(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<DirectoryUserRow>>;
    /// The ids among `ids` that are users of the directory (not deleted).
    async fn existing_directory_users(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<String>>;
}
