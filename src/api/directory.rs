//! Directory sync as the vendor API returns it (`/api/v1/directories`, `/api/v1/directory_users`,
//! `/api/v1/directory_groups`, `/api/v1/roles`): directories, their users and groups normalized
//! from what the IdP sent over SCIM, the bearer tokens the IdP uses, and the vendor's roles.
//!
//! The SCIM protocol bodies the IdP itself speaks are in [`crate::api::scim`].

use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Longest page of directories, users or groups.
pub const DIRECTORY_LIST_MAX_LIMIT: i64 = 100;

/// Where a directory stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectoryState {
    /// Created; the IdP has not made a successful SCIM request yet.
    Pending,
    /// The IdP's first SCIM request succeeded.
    Active,
    /// Switched off: SCIM requests are refused.
    Inactive,
}

/// A directory: one organization's SCIM connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Directory {
    /// `dir_...`
    pub id: String,
    /// The organization it provisions (`org_...`).
    pub organization_id: String,
    /// The catalog key of the IdP (`okta`, `entra_id`, … or `generic`).
    pub provider: String,
    /// Where it stands.
    pub state: DirectoryState,
    /// The SCIM base URL to give the IdP (`<public URL>/scim/v2/<id>/`).
    pub scim_base_url: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When the IdP's last successful SCIM request arrived, if any did.
    pub last_sync_at: Option<Timestamp>,
    /// How many users it holds (active and inactive).
    pub user_count: u64,
    /// How many groups it holds.
    pub group_count: u64,
}

/// Whether a directory user may use the vendor's app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectoryUserState {
    /// Provisioned and enabled.
    Active,
    /// Deprovisioned (`active: false` or deleted by the IdP): kept so the vendor can act on it.
    Inactive,
}

/// A group a directory user belongs to, as listed on the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryGroupRef {
    /// `dgrp_...`
    pub id: String,
    /// The group's display name.
    pub name: String,
}

/// A user of a directory, normalized from the SCIM User the IdP sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryUser {
    /// `dusr_...`
    pub id: String,
    /// The directory it came from.
    pub directory_id: String,
    /// The directory's organization.
    pub organization_id: String,
    /// The IdP's own id for the user: the SCIM `externalId`, else the `id` the IdP uses.
    pub idp_id: String,
    /// The SCIM `userName`.
    pub username: String,
    /// The primary email (else the work one, else the first), if any.
    pub email: Option<String>,
    /// `name.givenName`.
    pub first_name: Option<String>,
    /// `name.familyName`.
    pub last_name: Option<String>,
    /// Whether it is provisioned and enabled.
    pub state: DirectoryUserState,
    /// The groups it belongs to.
    pub groups: Vec<DirectoryGroupRef>,
    /// The vendor's role slug its groups map to, or the default role; `null` without roles.
    pub role: Option<String>,
    /// The app's custom attributes (`/api/v1/custom_attributes`) as the directory's attribute
    /// mapping reads them (a string, absent when the user has none); then, under names the app
    /// did not declare, the enterprise extension's fields by snake_case name (`department`,
    /// `cost_center`…) and every other extension attribute by its URN-qualified name.
    pub custom_attributes: serde_json::Map<String, serde_json::Value>,
    /// The SCIM User as the IdP last sent it.
    pub raw_attributes: serde_json::Value,
    /// When it was first provisioned.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A group of a directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryGroup {
    /// `dgrp_...`
    pub id: String,
    /// The directory it came from.
    pub directory_id: String,
    /// The directory's organization.
    pub organization_id: String,
    /// The IdP's own id for the group (`externalId`, else the `id` the IdP uses).
    pub idp_id: String,
    /// The SCIM `displayName`.
    pub name: String,
    /// How many users it has.
    pub user_count: u64,
    /// When it was first provisioned.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A bearer token the IdP authenticates its SCIM requests with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryToken {
    /// `dtok_...`
    pub id: String,
    /// The directory it opens.
    pub directory_id: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working (set on the old token when a new one replaces it), if ever.
    pub expires_at: Option<Timestamp>,
    /// When a request last used it.
    pub last_used_at: Option<Timestamp>,
    /// The token itself: only in the answer that created it (it is stored hashed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A role of the vendor's app that directory groups map to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Role {
    /// Its stable key (`admin`, `member`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = crate::api::contract::ROLE_SLUG)))]
    pub slug: String,
    /// Its name as the admin sees it.
    #[cfg_attr(feature = "server", schemars(regex(pattern = crate::api::contract::NAME), length(max = 80)))]
    pub name: String,
}

/// The vendor's roles (`GET`/`PUT /api/v1/roles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RolesBody {
    /// The roles, in the order the admin sees them.
    #[cfg_attr(feature = "server", schemars(length(max = 50)))]
    pub roles: Vec<Role>,
    /// The slug of the role a user without a mapped group gets, if any.
    #[serde(default)]
    pub default_role: Option<String>,
}

/// `POST /api/v1/organizations/{id}/directories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDirectory {
    /// The directory-provider catalog key (`okta`, `entra_id`, `onelogin`, `jumpcloud`,
    /// `pingone`, `pingfederate`, `rippling`, `generic`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = crate::api::contract::DIRECTORY_PROVIDER)))]
    pub provider: String,
}

/// A page of directories, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryList {
    /// Oldest first.
    pub data: Vec<Directory>,
    /// True if more matched than this page holds: pass the last id as `after`.
    pub has_more: bool,
}

/// A page of directory users, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryUserList {
    /// Oldest first.
    pub data: Vec<DirectoryUser>,
    /// True if more matched than this page holds: pass the last id as `after`.
    pub has_more: bool,
}

/// A page of directory groups, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryGroupList {
    /// Oldest first.
    pub data: Vec<DirectoryGroup>,
    /// True if more matched than this page holds: pass the last id as `after`.
    pub has_more: bool,
}

/// A directory's tokens, oldest first (without their secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryTokenList {
    /// Oldest first.
    pub data: Vec<DirectoryToken>,
}

/// A directory provider the portal offers (a row of the directory-provider catalog).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryProvider {
    /// Catalog key (`okta`, `entra_id`, …).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Logo file under `/logos/`.
    pub logo: String,
    /// Words the search box also matches.
    pub aliases: String,
    /// Whether it can push users over SCIM (Google Workspace cannot).
    pub scim: bool,
    /// The provider's label for the field our SCIM base URL goes in.
    pub base_url_label: Option<String>,
    /// The provider's label for the field our token goes in.
    pub token_label: Option<String>,
    /// Minutes between the provider's sync cycles, when it runs on a schedule.
    pub sync_cycle_minutes: Option<u32>,
}

/// `POST /portal/api/directories`: the provider the admin picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChooseProvider {
    /// Catalog key.
    pub provider: String,
}

/// One line of a directory's sync log, for the admin: never a body, a token or a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SyncLogEntry {
    /// When the request arrived.
    pub at: Timestamp,
    /// HTTP method (`POST`, `PATCH`…).
    pub method: String,
    /// `Users`, `Groups`, …
    pub resource_type: String,
    /// What it did, in words ("created user ada@example.com"), or what it tried
    /// ("could not create a user").
    pub summary: String,
    /// The status answered.
    pub status: u16,
    /// For a failure: what went wrong, in words an admin understands, and what to do.
    pub explanation: Option<String>,
}

/// `GET /portal/api/directories/{id}/status`: what the setup page shows live (it polls this).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryStatus {
    /// The directory (state, counts, SCIM base URL, last sync).
    pub directory: Directory,
    /// When the IdP's first successful request arrived, if one has.
    pub first_request_at: Option<Timestamp>,
    /// The latest requests, newest first.
    pub recent: Vec<SyncLogEntry>,
}

/// A directory group → role mapping, as the admin saves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleMapping {
    /// Group id (`dgrp_…`) → role slug. Unmapped groups give no role.
    pub mapping: std::collections::BTreeMap<String, String>,
}

/// The role mapping page: the vendor's roles, the mapping, and how many users each role would
/// get with it (users in no mapped group get the default role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RoleMappingView {
    /// The vendor's roles and default.
    pub roles: RolesBody,
    /// The mapping (saved, or proposed for a preview).
    pub mapping: std::collections::BTreeMap<String, String>,
    /// Role slug → active users it yields; `""` counts users left with no role.
    pub preview: std::collections::BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_are_snake_case_and_a_token_hides_an_absent_secret() {
        assert_eq!(
            serde_json::to_value(DirectoryState::Pending).unwrap_or_default(),
            json!("pending")
        );
        assert_eq!(
            serde_json::to_value(DirectoryUserState::Inactive).unwrap_or_default(),
            json!("inactive")
        );
        let token = DirectoryToken {
            id: "dtok_1".into(),
            directory_id: "dir_1".into(),
            created_at: Timestamp::from_unix(0),
            expires_at: None,
            last_used_at: None,
            secret: None,
        };
        let v = serde_json::to_value(&token).unwrap_or_default();
        assert!(v.get("secret").is_none(), "{v}");
        assert_eq!(v["created_at"], "1970-01-01T00:00:00Z");
    }
}
