//! What the IT admin's directory setup wizard does (`/portal/api/directories…`), scoped to the
//! organization of the portal session: the provider catalog, the organization's directories,
//! changing the provider before the IdP's first request, and the groups the mapping step shows.
//! Status is in [`super::status`], the role mapping in [`super::mapping`].

use super::{groups, DirectoryRow};
use crate::api::directory::{DirectoryGroupList, DirectoryProvider};
use crate::api::ErrorCode;
use crate::core::directory_catalog::DIRECTORY_CATALOG;
use crate::server::error::Error;
use crate::server::AppState;

/// Groups the mapping step lists at most.
pub const GROUPS_SHOWN: i64 = 500;

/// The provider catalog, in its order; providers that cannot push over SCIM (Google Workspace)
/// are listed too, with `scim: false`, so the admin who looks for them learns why.
pub fn providers() -> Vec<DirectoryProvider> {
    DIRECTORY_CATALOG
        .iter()
        .map(|e| DirectoryProvider {
            key: e.key.to_owned(),
            name: e.name.to_owned(),
            logo: e.logo.to_owned(),
            aliases: e.aliases.to_owned(),
            scim: e.scim,
            base_url_label: e.base_url_label.map(str::to_owned),
            token_label: e.token_label.map(str::to_owned),
            sync_cycle_minutes: e.sync_cycle_minutes,
        })
        .collect()
}

/// The directory, if it belongs to the organization (of the environment); `directory_not_found`
/// otherwise, so another organization's ids reveal nothing.
pub async fn owned(
    state: &AppState,
    environment_id: &str,
    organization_id: &str,
    id: &str,
) -> Result<DirectoryRow, Error> {
    let row = super::find(state, environment_id, id).await?;
    if row.organization_id != organization_id {
        return Err(Error::new(ErrorCode::DirectoryNotFound));
    }
    Ok(row)
}

/// Whether the vendor enabled directory sync for the organization: it has a directory (made by
/// the vendor API, or earlier in the portal). An `sso` session then reaches the directory
/// wizard too.
pub async fn enabled(
    state: &AppState,
    environment_id: &str,
    organization_id: &str,
) -> Result<bool, Error> {
    Ok(!state
        .store
        .list_directories(environment_id, Some(organization_id))
        .await?
        .is_empty())
}

/// The organization's directories, oldest first.
pub async fn list(
    state: &AppState,
    environment_id: &str,
    organization_id: &str,
) -> Result<Vec<crate::api::directory::Directory>, Error> {
    let rows = state
        .store
        .list_directories(environment_id, Some(organization_id))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(super::view(state, row).await?);
    }
    Ok(out)
}

/// The admin went back to the first step and picked another provider: allowed until the IdP's
/// first request (`pending`), `invalid_state` after, since the IdP already holds the values.
pub async fn change_provider(
    state: &AppState,
    dir: &DirectoryRow,
    provider: &str,
) -> Result<DirectoryRow, Error> {
    let provider = super::check_provider(provider)?;
    let refused = || {
        Error::new(ErrorCode::InvalidState).message(
            "The identity provider has already connected to this directory, so its provider \
             can no longer change; ask the app's support to delete it to start over.",
        )
    };
    if dir.state != "pending" {
        return Err(refused());
    }
    let now = state.clock.now();
    if !state
        .store
        .set_pending_directory_provider(&dir.id, provider, now)
        .await?
    {
        return Err(match state.store.directory(&dir.id).await? {
            Some(_) => refused(),
            None => Error::new(ErrorCode::DirectoryNotFound),
        });
    }
    let mut row = dir.clone();
    row.provider = provider.to_owned();
    row.updated_at = now;
    Ok(row)
}

/// The directory's groups for the mapping step, with their member counts (the first
/// [`GROUPS_SHOWN`]; `has_more` says if there are more).
pub async fn groups(state: &AppState, dir: &DirectoryRow) -> Result<DirectoryGroupList, Error> {
    groups::page(state, dir, None, GROUPS_SHOWN).await
}
