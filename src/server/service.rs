//! Operations shared by the HTTP API and the command line, so both behave the same.

use crate::api::event::EventType;
use crate::api::time::Timestamp;
use crate::api::vendor::{
    CreateOrganization, CreatePortalLink, Intent, Organization, PortalLink, LINK_DEFAULT_SECONDS,
    LINK_MAX_SECONDS,
};
use crate::api::ErrorCode;
use crate::core::validate;
use crate::server::crypto;
use crate::server::error::Error;
use crate::server::store::{ApiKey, Environment, LinkRow, OrganizationRow, Store, StoreError};

pub use crate::server::site::DEFAULT_ENVIRONMENT;

/// Finds an environment by name, creating it if missing.
pub async fn ensure_environment(
    store: &dyn Store,
    name: &str,
    now: i64,
) -> Result<Environment, StoreError> {
    if let Some(env) = store.environment_by_name(name).await? {
        return Ok(env);
    }
    let env = Environment {
        id: crypto::id("env_"),
        name: name.to_owned(),
        created_at: now,
    };
    match store.create_environment(&env).await {
        // Another process created it in between: use theirs.
        Err(StoreError::Conflict(_)) => store
            .environment_by_name(name)
            .await?
            .ok_or(StoreError::Other("environment vanished".into())),
        Err(e) => Err(e),
        Ok(()) => Ok(env),
    }
}

/// Creates an API key and returns it with the only copy of the secret.
pub async fn create_api_key(
    store: &dyn Store,
    env: &Environment,
    name: &str,
    now: i64,
) -> Result<(ApiKey, String), StoreError> {
    let secret = crypto::token("pk_");
    let key = ApiKey {
        id: crypto::id("key_"),
        environment_id: env.id.clone(),
        name: name.to_owned(),
        key_hash: crypto::hash_token(&secret),
        key_prefix: secret.chars().take(10).collect(),
        created_at: now,
        revoked_at: None,
    };
    store.insert_api_key(&key).await?;
    Ok((key, secret))
}

/// The wire form of an organization row.
pub fn organization_view(o: &OrganizationRow) -> Organization {
    Organization {
        id: o.id.clone(),
        name: o.name.clone(),
        external_id: o.external_id.clone(),
        domains: o.domains.clone(),
        allow_profiles_outside_organization: o.allow_profiles_outside_organization,
        created_at: Timestamp::from_unix(o.created_at),
        updated_at: Timestamp::from_unix(o.updated_at),
    }
}

/// An `organization.*` event: `data` is the organization as `GET /organizations/{id}` returns it.
pub fn organization_event(
    event_type: EventType,
    org: &OrganizationRow,
    now: i64,
) -> Result<crate::server::store::NewEvent, Error> {
    crate::server::events::new(
        &org.environment_id,
        event_type,
        Some(&org.id),
        &organization_view(org),
        now,
    )
}

/// Validates every domain, reporting the first bad one under `domains`; removes duplicates.
pub fn validate_domains(domains: &[String]) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for d in domains {
        let d = validate::domain(d).map_err(|m| Error::invalid("domains", m))?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// Maps a store conflict on organizations to the vendor-facing error.
pub fn organization_conflict(e: StoreError) -> Error {
    match e {
        StoreError::Conflict(_) => Error::new(ErrorCode::DuplicateExternalId)
            .field("external_id", "Already used by another organization."),
        e => Error::from(e),
    }
}

/// Creates an organization after validating the request.
pub async fn create_organization(
    store: &dyn Store,
    env_id: &str,
    req: CreateOrganization,
    now: i64,
) -> Result<OrganizationRow, Error> {
    let mut err = Error::new(ErrorCode::ValidationFailed);
    let name = validate::name(&req.name)
        .map_err(|m| err.fields.insert("name".into(), m))
        .ok();
    let external_id = match req.external_id.as_deref() {
        None => None,
        Some(x) => validate::external_id(x)
            .map_err(|m| err.fields.insert("external_id".into(), m))
            .ok(),
    };
    let domains = validate_domains(&req.domains)
        .map_err(|e| err.fields.extend(e.fields))
        .ok();
    let (Some(name), Some(domains)) = (name, domains) else {
        return Err(err);
    };
    if !err.fields.is_empty() {
        return Err(err);
    }
    let org = OrganizationRow {
        id: crypto::id("org_"),
        environment_id: env_id.to_owned(),
        name,
        external_id,
        domains,
        allow_profiles_outside_organization: req
            .allow_profiles_outside_organization
            .unwrap_or(false),
        created_at: now,
        updated_at: now,
    };
    let created = organization_event(EventType::OrganizationCreated, &org, now)?;
    store
        .insert_organization(&org, &[created])
        .await
        .map_err(organization_conflict)?;
    Ok(org)
}

/// Finds an organization by id, or else by external id, within the environment.
pub async fn find_organization(
    store: &dyn Store,
    env_id: &str,
    id_or_external: &str,
) -> Result<Option<OrganizationRow>, StoreError> {
    if let Some(o) = store.organization(env_id, id_or_external).await? {
        return Ok(Some(o));
    }
    Ok(store
        .list_organizations(env_id, Some(id_or_external))
        .await?
        .into_iter()
        .next())
}

/// Mints a portal link; the token is returned once, inside the URL, and stored only as a hash.
/// The link lives on `site`'s hostname (the environment's preferred one) and, when `bind`, redeems
/// only there.
pub async fn create_portal_link(
    store: &dyn Store,
    env_id: &str,
    site: &crate::server::site::Site,
    bind: bool,
    req: CreatePortalLink,
    now: i64,
) -> Result<PortalLink, Error> {
    let mut err = Error::new(ErrorCode::ValidationFailed);
    let lifetime = req.expires_in_seconds.unwrap_or(LINK_DEFAULT_SECONDS);
    if !(60..=LINK_MAX_SECONDS).contains(&lifetime) {
        err.fields.insert(
            "expires_in_seconds".into(),
            format!("Use a lifetime from 60 to {LINK_MAX_SECONDS} seconds (30 days)."),
        );
    }
    for (field, value) in [
        ("return_url", &req.return_url),
        ("success_url", &req.success_url),
    ] {
        if let Some(v) = value {
            if let Err(m) = validate::web_url(v, false) {
                err.fields.insert(field.into(), m);
            }
        }
    }
    if !err.fields.is_empty() {
        return Err(err);
    }
    let org = store
        .organization(env_id, &req.organization_id)
        .await?
        .ok_or_else(|| {
            Error::new(ErrorCode::OrganizationNotFound).field(
                "organization_id",
                "No such organization in this environment.",
            )
        })?;
    let token = crypto::token("");
    let link = LinkRow {
        token_hash: crypto::hash_token(&token),
        organization_id: org.id.clone(),
        intent: req.intent.as_str().to_owned(),
        return_url: req.return_url.map(|s| s.trim().to_owned()),
        success_url: req.success_url.map(|s| s.trim().to_owned()),
        created_at: now,
        expires_at: now + lifetime,
        used_at: None,
        host: bind.then(|| site.host.clone()),
    };
    let created = link_event(
        EventType::PortalLinkCreated,
        &org.environment_id,
        &link,
        now,
    )?;
    store.insert_link(&link, &[created]).await?;
    // A theme link opens where the designer's module starts (the page's loader picks the
    // module by path), so the theme editor never downloads the admin's screens first.
    let setup = match req.intent {
        Intent::Theme => "/theme/setup",
        _ => "/setup",
    };
    Ok(PortalLink {
        url: format!("{}{setup}?token={token}", site.base_url),
        expires_at: Timestamp::from_unix(link.expires_at),
    })
}

/// A `portal_link.*` event: `data` is `{organization_id, intent, expires_at}` (never the token
/// or the URL, which only the vendor's first answer carries).
fn link_event(
    event_type: EventType,
    environment_id: &str,
    link: &LinkRow,
    now: i64,
) -> Result<crate::server::store::NewEvent, Error> {
    let data = serde_json::json!({
        "organization_id": link.organization_id,
        "intent": link.intent,
        "expires_at": Timestamp::from_unix(link.expires_at),
    });
    crate::server::events::new(
        environment_id,
        event_type,
        Some(&link.organization_id),
        &data,
        now,
    )
}

/// The `portal_link.redeemed` event for the link with this token hash, to hand to the call
/// that uses it (the store logs it only if that call does use the link); none for an unknown
/// link, which nothing will use.
pub async fn link_redeemed_event(
    store: &dyn Store,
    token_hash: &str,
    now: i64,
) -> Result<Vec<crate::server::store::NewEvent>, Error> {
    let Some(link) = store.link(token_hash).await? else {
        return Ok(Vec::new());
    };
    let Some(org) = store.organization_by_id(&link.organization_id).await? else {
        return Ok(Vec::new());
    };
    Ok(vec![link_event(
        EventType::PortalLinkRedeemed,
        &org.environment_id,
        &link,
        now,
    )?])
}
