//! The groups an identity provider pushes to a directory (issue 17), and their memberships.

use super::{NewEvent, StoreResult};
use async_trait::async_trait;

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

/// Storage for directory groups and memberships.
#[async_trait]
pub trait DirectoryGroupStore: Send + Sync {
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
    /// The groups of each of `user_ids`: (user id, group id, displayName), each user's groups
    /// in the order [`Self::user_groups`] gives them.
    async fn groups_of_users(
        &self,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String, String)>>;
    /// A user's groups, each with its member count, in the order of [`Self::user_groups`].
    async fn user_groups_counted(
        &self,
        user_id: &str,
    ) -> StoreResult<Vec<(DirectoryGroupRow, i64)>>;
    /// How many members a group has.
    async fn group_member_count(&self, group_id: &str) -> StoreResult<i64>;
    /// The ids among `ids` that are members of the group: what a PATCH naming a few members
    /// needs to know, without reading a large group whole.
    async fn group_members_among(&self, group_id: &str, ids: &[String])
        -> StoreResult<Vec<String>>;
}
