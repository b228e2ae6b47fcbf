//! Directory sync (issue 17): an organization's directory, which its identity provider keeps
//! up to date over SCIM 2.0, and what the vendor's app reads of it.
//!
//! - This file: directories (created by the vendor or in the portal, deleted by the vendor) and
//!   their bearer tokens, which the IdP authenticates its SCIM requests with. Tokens are
//!   stored hashed; a token opens only the directory it was made for; making a new one leaves
//!   the others working for [`TOKEN_GRACE_SECONDS`], so an admin can paste the new one into the
//!   IdP without a gap.
//! - A directory is `pending` until its IdP's first successful SCIM request, then `active`
//!   (`dsync.activated`).
//! - The IT admin's setup wizard in the portal: [`portal`] (providers, directories, groups),
//!   [`status`] (the live status with the sync log explained), [`mapping`] (group → role),
//!   [`attributes`] (custom attribute → SCIM attribute).

pub mod attributes;
mod group_patch;
mod group_reads;
pub mod groups;
pub mod mapping;
mod membership;
pub mod portal;
pub mod profile;
pub mod query;
mod requests;
pub mod roles;
pub mod schemas;
pub mod scim;
pub mod status;
mod stored;
mod user_reads;
pub mod users;
pub mod views;

use crate::api::directory::{Directory, DirectoryState, DirectoryToken, DirectoryTokenList};
use crate::api::event::EventType;
use crate::api::time::Timestamp;
use crate::api::ErrorCode;
use crate::core::directory_catalog;
use crate::server::error::Error;
use crate::server::store::{DirectoryRow, DirectoryTokenRow, NewEvent};
use crate::server::{crypto, events, site, AppState};

/// How long the other tokens of a directory keep working after a new one is made.
pub const TOKEN_GRACE_SECONDS: i64 = 24 * 3600;

/// Most tokens a directory holds at once (expired ones are dropped when a new one is made).
pub const TOKENS_MAX: usize = 5;

/// Most directories one organization may have.
pub const DIRECTORIES_PER_ORGANIZATION: usize = 5;

fn state_of(s: &str) -> DirectoryState {
    match s {
        "active" => DirectoryState::Active,
        "inactive" => DirectoryState::Inactive,
        _ => DirectoryState::Pending,
    }
}

/// The SCIM base URL of a directory: on the environment's preferred hostname.
pub async fn scim_base_url(state: &AppState, row: &DirectoryRow) -> Result<String, Error> {
    let site = site::preferred(state, &row.environment_id).await?;
    Ok(format!(
        "{}/scim/v2/{}",
        site.base_url.trim_end_matches('/'),
        row.id
    ))
}

/// The wire form of a directory.
pub async fn view(state: &AppState, row: &DirectoryRow) -> Result<Directory, Error> {
    let (users, groups) = state.store.directory_counts(&row.id).await?;
    Ok(Directory {
        id: row.id.clone(),
        organization_id: row.organization_id.clone(),
        provider: row.provider.clone(),
        state: state_of(&row.state),
        scim_base_url: scim_base_url(state, row).await?,
        created_at: Timestamp::from_unix(row.created_at),
        last_sync_at: row.last_request_at.map(Timestamp::from_unix),
        user_count: u64::try_from(users).unwrap_or(0),
        group_count: u64::try_from(groups).unwrap_or(0),
    })
}

/// An event about a directory, `data` its wire form.
pub async fn event(
    state: &AppState,
    event_type: EventType,
    row: &DirectoryRow,
    now: i64,
) -> Result<NewEvent, Error> {
    let data = view(state, row).await?;
    events::new(
        &row.environment_id,
        event_type,
        Some(&row.organization_id),
        &data,
        now,
    )
}

/// Checks a provider key against the catalog: known, and able to push over SCIM.
pub fn check_provider(key: &str) -> Result<&'static str, Error> {
    let Some(entry) = directory_catalog::find(key) else {
        let known: Vec<&str> = directory_catalog::DIRECTORY_CATALOG
            .iter()
            .filter(|e| e.scim)
            .map(|e| e.key)
            .collect();
        let shown: String = key.chars().take(40).collect();
        return Err(Error::invalid(
            "provider",
            format!(
                "`{shown}` is not a directory provider; use one of: {}.",
                known.join(", ")
            ),
        ));
    };
    if !entry.scim {
        return Err(Error::invalid(
            "provider",
            format!(
                "{} does not send users to other applications over SCIM, so it cannot be \
                 connected as a directory; its users can sign in with SSO instead.",
                entry.name
            ),
        ));
    }
    Ok(entry.key)
}

/// Creates a directory for an organization of the environment.
pub async fn create(
    state: &AppState,
    environment_id: &str,
    organization_id: &str,
    provider: &str,
) -> Result<DirectoryRow, Error> {
    let provider = check_provider(provider)?;
    let org = state
        .store
        .organization(environment_id, organization_id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::OrganizationNotFound))?;
    let existing = state
        .store
        .list_directories(environment_id, Some(&org.id))
        .await?;
    if existing.len() >= DIRECTORIES_PER_ORGANIZATION {
        return Err(Error::new(ErrorCode::InvalidState).message(format!(
            "An organization has at most {DIRECTORIES_PER_ORGANIZATION} directories; delete one \
             it no longer uses first."
        )));
    }
    let now = state.clock.now();
    let row = DirectoryRow {
        id: crypto::id("dir_"),
        environment_id: environment_id.to_owned(),
        organization_id: org.id.clone(),
        provider: provider.to_owned(),
        state: "pending".into(),
        role_mapping: "{}".into(),
        attribute_mapping: "{}".into(),
        first_request_at: None,
        last_request_at: None,
        created_at: now,
        updated_at: now,
    };
    state.store.insert_directory(&row, &[]).await?;
    Ok(row)
}

/// A directory of the environment.
pub async fn find(state: &AppState, environment_id: &str, id: &str) -> Result<DirectoryRow, Error> {
    if id.len() > 64 {
        return Err(Error::new(ErrorCode::DirectoryNotFound));
    }
    state
        .store
        .directory(id)
        .await?
        .filter(|d| d.environment_id == environment_id)
        .ok_or_else(|| Error::new(ErrorCode::DirectoryNotFound))
}

/// Deletes a directory with its users, groups and tokens (`dsync.deleted`).
pub async fn delete(state: &AppState, environment_id: &str, id: &str) -> Result<(), Error> {
    let row = find(state, environment_id, id).await?;
    let now = state.clock.now();
    let ev = event(state, EventType::DsyncDeleted, &row, now).await?;
    if !state.store.delete_directory(&row.id, &[ev]).await? {
        return Err(Error::new(ErrorCode::DirectoryNotFound));
    }
    Ok(())
}

/// The wire form of a token (without its secret).
pub fn token_view(row: &DirectoryTokenRow) -> DirectoryToken {
    DirectoryToken {
        id: row.id.clone(),
        directory_id: row.directory_id.clone(),
        created_at: Timestamp::from_unix(row.created_at),
        expires_at: row.expires_at.map(Timestamp::from_unix),
        last_used_at: row.last_used_at.map(Timestamp::from_unix),
        secret: None,
    }
}

/// Makes a new bearer token, returned once with its secret. Every other token of the directory
/// keeps working for [`TOKEN_GRACE_SECONDS`] at most; expired ones are dropped.
pub async fn create_token(state: &AppState, dir: &DirectoryRow) -> Result<DirectoryToken, Error> {
    let now = state.clock.now();
    let secret = crypto::token("scim_");
    let row = DirectoryTokenRow {
        id: crypto::id("dtok_"),
        directory_id: dir.id.clone(),
        token_hash: crypto::hash_token(&secret),
        token_prefix: secret.chars().take(12).collect(),
        created_at: now,
        expires_at: None,
        last_used_at: None,
    };
    // The count and the insert are one transaction: tokens made at once (two admins, a
    // script) cannot pass the cap together.
    let max = i64::try_from(TOKENS_MAX).unwrap_or(i64::MAX);
    if !state
        .store
        .insert_directory_token(&row, max, now, now + TOKEN_GRACE_SECONDS)
        .await?
    {
        return Err(Error::new(ErrorCode::InvalidState).message(format!(
            "This directory has {TOKENS_MAX} tokens already; revoke one that is no longer used \
             first."
        )));
    }
    let mut out = token_view(&row);
    out.secret = Some(secret);
    Ok(out)
}

/// A directory's tokens, newest first.
pub async fn tokens(state: &AppState, dir: &DirectoryRow) -> Result<DirectoryTokenList, Error> {
    let now = state.clock.now();
    Ok(DirectoryTokenList {
        data: state
            .store
            .list_directory_tokens(&dir.id)
            .await?
            .iter()
            .filter(|t| t.expires_at.is_none_or(|e| e > now))
            .map(token_view)
            .collect(),
    })
}

/// Revokes a token at once.
pub async fn revoke_token(state: &AppState, dir: &DirectoryRow, id: &str) -> Result<(), Error> {
    if id.len() > 64 || !state.store.delete_directory_token(&dir.id, id).await? {
        return Err(Error::new(ErrorCode::DirectoryTokenNotFound));
    }
    Ok(())
}

/// Why a SCIM request's bearer token was refused. The IdP is told only "unauthorized": which
/// of these it was is for the server's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No token, or not one of ours.
    Unknown,
    /// A token of another directory.
    OtherDirectory,
    /// Expired after a newer token replaced it.
    Expired,
    /// The directory was switched off.
    Inactive,
}

/// The directory a SCIM request's bearer token opens: the one in the URL, and only if the token
/// was made for it and is still valid.
pub async fn authenticate(
    state: &AppState,
    directory_id: &str,
    bearer: &str,
) -> Result<Result<DirectoryRow, Refused>, Error> {
    let now = state.clock.now();
    // Ours are short; a long header is not worth hashing.
    if bearer.is_empty() || bearer.len() > 200 {
        return Ok(Err(Refused::Unknown));
    }
    let Some(token) = state
        .store
        .directory_token_by_hash(&crypto::hash_token(bearer))
        .await?
    else {
        return Ok(Err(Refused::Unknown));
    };
    if !crypto::constant_time_eq(token.directory_id.as_bytes(), directory_id.as_bytes()) {
        return Ok(Err(Refused::OtherDirectory));
    }
    if token.expires_at.is_some_and(|t| t <= now) {
        return Ok(Err(Refused::Expired));
    }
    let Some(dir) = state.store.directory(directory_id).await? else {
        return Ok(Err(Refused::Unknown));
    };
    if dir.state == "inactive" {
        return Ok(Err(Refused::Inactive));
    }
    state.store.touch_directory_token(&token.id, now).await?;
    Ok(Ok(dir))
}

/// Notes a successful SCIM request: the directory's last request time and, on its first,
/// `pending` → `active` with `dsync.activated` (once, however many first requests race).
pub async fn note_success(state: &AppState, dir: &DirectoryRow) -> Result<(), Error> {
    let now = state.clock.now();
    if dir.state == "pending" {
        let mut row = dir.clone();
        row.state = "active".into();
        row.first_request_at = Some(now);
        row.last_request_at = Some(now);
        row.updated_at = now;
        let ev = event(state, EventType::DsyncActivated, &row, now).await?;
        // Only if still pending, in one statement: the IdP's first requests often come
        // several at once, each having read the directory as pending, and only one of them
        // activates it (and announces it).
        state.store.activate_directory(&dir.id, now, &[ev]).await?;
        return Ok(());
    }
    // At most once a minute: a first sync makes thousands of requests.
    if dir.last_request_at.is_none_or(|t| t < now - 60) {
        state.store.touch_directory(&dir.id, now).await?;
    }
    Ok(())
}
