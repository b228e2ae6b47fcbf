//! One person, one profile: a sign-in's profile carries what the organization's directory
//! knows of the same person (their directory user, groups and role), so the vendor's app makes
//! one call, not two.
//!
//! The match is by the IdP's id first (SAML NameID or OIDC `sub` against the directory user's
//! `externalId`, then its `userName`), else by email: the same IdP usually sends the same id
//! over SSO and SCIM, and emails can be reassigned.

use super::roles;
use crate::api::directory::{DirectoryGroupRef, DirectoryUserState};
use crate::api::sso::SsoProfile;
use crate::server::error::Error;
use crate::server::store::{DirectoryRow, DirectoryUserRow, UserLookup};
use crate::server::AppState;

/// The directory user matching a profile in the organization's directories (not switched off),
/// with its directory.
pub async fn matching(
    state: &AppState,
    environment_id: &str,
    profile: &SsoProfile,
) -> Result<Option<(DirectoryRow, DirectoryUserRow)>, Error> {
    let dirs: Vec<DirectoryRow> = state
        .store
        .list_directories(environment_id, Some(&profile.organization_id))
        .await?
        .into_iter()
        .filter(|d| d.state != "inactive")
        .collect();
    if dirs.is_empty() {
        return Ok(None);
    }
    let mut lookups = vec![
        UserLookup::ExternalId(profile.idp_id.clone()),
        UserLookup::UserNameKey(profile.idp_id.to_lowercase()),
    ];
    if let Some(email) = &profile.email {
        lookups.push(UserLookup::UserNameKey(email.to_lowercase()));
        lookups.push(UserLookup::EmailKey(email.to_lowercase()));
    }
    for lookup in &lookups {
        for dir in &dirs {
            let found = state.store.find_directory_users(&dir.id, lookup, 2).await?;
            // Two users with the same email in one directory: no guess.
            if let [one] = found.as_slice() {
                return Ok(Some((dir.clone(), one.clone())));
            }
        }
    }
    Ok(None)
}

/// Fills the profile's directory fields.
pub async fn enrich(state: &AppState, profile: &mut SsoProfile) -> Result<(), Error> {
    let Some(org) = state
        .store
        .organization_by_id(&profile.organization_id)
        .await?
    else {
        return Ok(());
    };
    let Some((dir, user)) = matching(state, &org.environment_id, profile).await? else {
        return Ok(());
    };
    let groups = state.store.user_groups(&user.id).await?;
    let ids: Vec<String> = groups.iter().map(|(id, _)| id.clone()).collect();
    let roles = roles::get(state, &dir.environment_id).await?;
    let active = user.active && user.deleted_at.is_none();
    profile.directory_user_id = Some(user.id.clone());
    profile.directory_user_state = Some(if active {
        DirectoryUserState::Active
    } else {
        DirectoryUserState::Inactive
    });
    // A deprovisioned user has no role in the app, not the default one.
    profile.role = active
        .then(|| roles::role_of(&roles, &roles::mapping(&dir), &ids))
        .flatten();
    profile.directory_groups = groups
        .into_iter()
        .map(|(id, name)| DirectoryGroupRef { id, name })
        .collect();
    Ok(())
}
