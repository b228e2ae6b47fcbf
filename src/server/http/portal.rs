//! The portal API (`/portal/api/...`): what the admin's browser calls, scoped by the session.
//! Directory sync's wizard is in [`directories`].

mod directories;

use super::error::{ApiError, Json};
use super::session::{self, PortalSession};
use crate::api::connection::{
    ConnectionList, ConnectionState, CreateConnection, OidcInput, SamlInput, SaveDraft,
};
use crate::api::domains::{AddDomain, DomainList};
use crate::api::event::EventType;
use crate::api::mapping::AttributeMapping;
use crate::api::portal::RedeemLink;
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::SignInTestList;
use crate::api::vendor::Intent;
use crate::api::ErrorCode;
use crate::core::catalog;
use crate::server::crypto::{self, hash_token};
use crate::server::site::Site;
use crate::server::store::{ConnectionRow, Redeemed, SessionRow};
use crate::server::{activity, connections, domains, refresh, service, signin, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;

/// The portal routes, relative to `/portal/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(redeem).get(current).delete(end))
        .route("/connections", get(list).post(create))
        .route("/connections/{id}", get(one))
        .route("/connections/{id}/draft", put(save_draft))
        .route("/connections/{id}/saml", put(set_saml))
        .route("/connections/{id}/oidc", put(set_oidc))
        .route("/connections/{id}/save", post(save))
        .route("/connections/{id}/activate", post(activate))
        .route("/connections/{id}/mapping", put(set_mapping))
        .route("/connections/{id}/tests", get(list_tests).post(start_test))
        .route("/connections/{id}/tests/{test_id}", get(one_test))
        .route("/connections/{id}/sign_ins", get(list_sign_ins))
        .route("/connections/{id}/activity", get(connection_activity))
        .route("/guides/{key}", get(guide))
        .route("/branding", get(super::theme::branding))
        .route("/embedding", get(super::embed::portal_settings))
        .route("/domains", get(list_domains).post(add_domain))
        .route("/domains/{id}", axum::routing::delete(remove_domain))
        .route("/domains/{id}/check", post(check_domain))
        .route("/domains/{id}/activity", get(domain_activity))
        .route("/dns_hosts", get(dns_hosts))
        .route("/theme", get(get_theme).put(put_theme))
        .route(
            "/theme/organization",
            get(get_org_theme)
                .put(put_org_theme)
                .delete(delete_org_theme),
        )
        .route("/theme/assets", post(upload_theme_asset))
        .route("/directory_providers", get(directories::providers))
        .route("/directory_guides/{key}", get(directories::guide))
        .route(
            "/directories",
            get(directories::list).post(directories::create),
        )
        .route(
            "/directories/{id}",
            axum::routing::patch(directories::change_provider),
        )
        .route(
            "/directories/{id}/tokens",
            get(directories::list_tokens).post(directories::create_token),
        )
        .route("/directories/{id}/status", get(directories::status))
        .route("/directories/{id}/groups", get(directories::groups))
        .route(
            "/directories/{id}/role_mapping",
            get(directories::get_mapping).put(directories::put_mapping),
        )
        .route(
            "/directories/{id}/role_mapping/preview",
            post(directories::preview_mapping),
        )
        .route(
            "/directories/{id}/attribute_mapping",
            get(directories::get_attributes).put(directories::put_attributes),
        )
}

async fn redeem(
    State(s): State<AppState>,
    site: Site,
    Json(req): Json<RedeemLink>,
) -> Result<Response, ApiError> {
    let now = s.clock.now();
    let token_hash = hash_token(req.token.trim());
    // A link works on the hostname it was minted for only, so a session never starts on a
    // hostname (and under a theme, with SP values) the vendor did not send the admin to. From
    // inside a frame the browser may refuse the cookie: the session then only holds the link,
    // which stays redeemable (say, in a new tab) until the cookie comes back.
    let redeemed = if req.hold {
        s.store.hold_link(&token_hash, &site.host, now).await?
    } else {
        // Logged only if this call uses the link (the store appends it only then).
        let logged = service::link_redeemed_event(s.store.as_ref(), &token_hash, now).await?;
        s.store
            .redeem_link(&token_hash, &site.host, now, &logged)
            .await?
    };
    let link = match redeemed {
        Redeemed::Ok(link) => link,
        Redeemed::Unknown => return Err(ApiError::new(ErrorCode::LinkUnknown)),
        Redeemed::Expired => return Err(ApiError::new(ErrorCode::LinkExpired)),
        Redeemed::Used => return Err(ApiError::new(ErrorCode::LinkUsed)),
    };
    let org = s
        .store
        .organization_by_id(&link.organization_id)
        .await?
        .filter(|o| o.environment_id == site.environment_id)
        .ok_or_else(|| ApiError::new(ErrorCode::LinkUnknown))?;
    let cookie = crypto::token("");
    let row = SessionRow {
        id_hash: hash_token(&cookie),
        organization_id: org.id.clone(),
        intents: link.intent.clone(),
        csrf_token: crypto::token(""),
        return_url: link.return_url,
        success_url: link.success_url,
        created_at: now,
        last_seen_at: now,
        expires_at: now + s.settings.session_max_seconds,
        host: Some(site.host.clone()),
        held_link: req.hold.then_some(token_hash),
    };
    s.store.insert_session(&row).await?;
    let partitioned = crate::server::embed::settings(&s, &org.environment_id)
        .await?
        .partitioned_cookies;
    let set = session::session_cookie(
        &s.settings,
        cookie,
        s.settings.session_max_seconds,
        partitioned,
    );
    let mut row = row;
    session::derive_intents(&s, &mut row, &org).await?;
    let sess = PortalSession { row, org, site };
    let info = session_info(&s, &sess).await;
    Ok((CookieJar::new().add(set), axum::Json(info)).into_response())
}

async fn current(State(s): State<AppState>, sess: PortalSession) -> impl IntoResponse {
    axum::Json(session_info(&s, &sess).await)
}

/// The session info with its organization's theme stylesheet (the page was loaded before the
/// session existed, so it may carry the environment's theme instead) and what the organization
/// has set up so far, counted only for what the session may see. The counts are a convenience:
/// when the store cannot give them they are left out (the page fetches the lists), so a link
/// just used up still answers with its session.
async fn session_info(s: &AppState, sess: &PortalSession) -> crate::api::portal::SessionInfo {
    let mut info = sess.info(s);
    info.theme_url =
        crate::server::theme::effective(s, &sess.org.environment_id, Some(&sess.org.id))
            .await
            .ok()
            .map(|(scope, t)| crate::server::theme::stylesheet_url(&scope, &t));
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    if info.intents.contains(&Intent::Sso) {
        info.connections = s
            .store
            .list_connections(&sess.org.id)
            .await
            .ok()
            .map(|l| count(l.len()));
    }
    if info.intents.contains(&Intent::Dsync) {
        info.directories = s
            .store
            .list_directories(&sess.org.environment_id, Some(&sess.org.id))
            .await
            .ok()
            .map(|l| count(l.len()));
    }
    info
}

async fn end(State(s): State<AppState>, sess: PortalSession) -> Result<Response, ApiError> {
    s.store.delete_session(&sess.row.id_hash).await?;
    // A partitioned cookie is only cleared by a Set-Cookie that is partitioned too.
    let partitioned = crate::server::embed::settings(&s, &sess.org.environment_id)
        .await?
        .partitioned_cookies;
    let cleared = session::session_cookie(&s.settings, String::new(), 0, partitioned);
    Ok((CookieJar::new().add(cleared), StatusCode::NO_CONTENT).into_response())
}

async fn list(
    State(s): State<AppState>,
    sess: PortalSession,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Sso)?;
    let rows = s.store.list_connections(&sess.org.id).await?;
    Ok(axum::Json(ConnectionList {
        data: rows.iter().map(|r| connections::view(&s, r)).collect(),
    }))
}

async fn create(
    State(s): State<AppState>,
    sess: PortalSession,
    Json(req): Json<CreateConnection>,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Sso)?;
    let entry = catalog::find(&req.idp)
        .ok_or_else(|| ApiError::invalid("idp", "Choose an identity provider from the list."))?;
    let now = s.clock.now();
    let row = connections::new_row(&s, &sess.org.id, entry, &sess.site.base_url, now).await?;
    let created = connections::event(&s, EventType::ConnectionCreated, &row, now).await?;
    s.store.insert_connection(&row, &[created]).await?;
    Ok((StatusCode::CREATED, axum::Json(connections::view(&s, &row))))
}

/// The connection, if it belongs to the session's organization; 404 otherwise, so other
/// organizations' ids reveal nothing.
async fn owned(s: &AppState, sess: &PortalSession, id: &str) -> Result<ConnectionRow, ApiError> {
    sess.require(Intent::Sso)?;
    match s.store.connection(id).await? {
        Some(row) if row.organization_id == sess.org.id => Ok(row),
        _ => Err(ApiError::new(ErrorCode::ConnectionNotFound)),
    }
}

async fn one(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned(&s, &sess, &id).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

async fn save_draft(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(req): Json<SaveDraft>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = owned(&s, &sess, &id).await?;
    if !req.draft.is_object() {
        return Err(ApiError::invalid(
            "draft",
            "Send the draft as a JSON object.",
        ));
    }
    row.draft = req.draft.to_string();
    row.updated_at = s.clock.now();
    s.store
        .update_draft(&row.id, &row.draft, row.updated_at)
        .await?;
    Ok(axum::Json(connections::view(&s, &row)))
}

fn expect_protocol(row: &ConnectionRow, p: Protocol) -> Result<(), ApiError> {
    if row.protocol == p.as_str() {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::ValidationFailed).message(format!(
            "This connection uses {}, not {}. Start a new connection to switch protocols.",
            row.protocol.to_uppercase(),
            p.as_str().to_uppercase()
        )))
    }
}

async fn set_saml(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(input): Json<SamlInput>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = owned(&s, &sess, &id).await?;
    let before = row.clone();
    expect_protocol(&row, Protocol::Saml)?;
    let now = s.clock.now();
    let stored = connections::accept_saml(&s, &input, now).await?;
    let previous = row
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str::<connections::StoredSaml>(c).ok());
    let changes = refresh::certificate_changes(
        &row.id,
        previous
            .map(|p| p.certificates)
            .as_deref()
            .unwrap_or_default(),
        &stored.certificates,
        now,
    );
    connections::apply_saml(&mut row, &stored, now)?;
    connections::save_logged(&s, &before, &row).await?;
    s.store.insert_cert_events(&changes).await?;
    refresh::schedule(&s, &row.id, &stored, now).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

async fn set_oidc(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(input): Json<OidcInput>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = owned(&s, &sess, &id).await?;
    let before = row.clone();
    expect_protocol(&row, Protocol::Oidc)?;
    let secret = input
        .client_secret
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if secret.is_none() && row.client_secret_enc.is_none() {
        return Err(ApiError::invalid(
            "client_secret",
            "Enter the client secret.",
        ));
    }
    let stored = connections::accept_oidc(&s, &input).await?;
    connections::apply_oidc(
        &mut row,
        &stored,
        secret.map(|v| s.secrets.seal(v.as_bytes())),
        s.clock.now(),
    )?;
    connections::save_logged(&s, &before, &row).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

/// The review step's "Save": the details are complete; next comes the test sign-in.
async fn save(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = owned(&s, &sess, &id).await?;
    let before = row.clone();
    if row.config.is_none() {
        return Err(ApiError::new(ErrorCode::ConnectionIncomplete));
    }
    if row.state == ConnectionState::Draft.as_str() {
        row.state = ConnectionState::Configured.as_str().to_owned();
    }
    row.draft = "{}".into();
    row.updated_at = s.clock.now();
    connections::save_logged(&s, &before, &row).await?;
    s.store
        .update_draft(&row.id, &row.draft, row.updated_at)
        .await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

/// The admin confirms a connection whose test succeeded: it goes live.
async fn activate(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = owned(&s, &sess, &id).await?;
    connections::activate(&s, &mut row).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

async fn set_mapping(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
    Json(m): Json<AttributeMapping>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = owned(&s, &sess, &id).await?;
    let before = row.clone();
    let custom = signin::custom_attributes(&s, &sess.org.environment_id).await?;
    connections::apply_mapping(&mut row, m, &custom, s.clock.now())?;
    connections::save_logged(&s, &before, &row).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

async fn start_test(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned(&s, &sess, &id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(signin::start(&s, &row).await?),
    ))
}

async fn list_tests(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned(&s, &sess, &id).await?;
    Ok(axum::Json(SignInTestList {
        data: signin::list(&s, &row).await?,
    }))
}

/// `GET /portal/api/connections/{id}/sign_ins`: the connection's sign-in log, for its admins.
async fn list_sign_ins(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned(&s, &sess, &id).await?;
    Ok(axum::Json(crate::api::sso::SignInList {
        data: signin::sign_ins(&s, &row).await?,
    }))
}

/// `GET /portal/api/connections/{id}/activity`: what happened to the connection, newest first.
async fn connection_activity(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned(&s, &sess, &id).await?;
    let subject = activity::Subject::Connection(&row.id);
    Ok(axum::Json(
        activity::recent(s.store.as_ref(), &row.organization_id, subject).await?,
    ))
}

async fn one_test(
    State(s): State<AppState>,
    sess: PortalSession,
    Path((id, test_id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned(&s, &sess, &id).await?;
    Ok(axum::Json(signin::one(&s, &row, &test_id).await?))
}

/// `GET /portal/api/guides/{key}`: public content, so no session is needed.
async fn guide(Path(key): Path<String>) -> Result<impl IntoResponse, ApiError> {
    let guide =
        crate::server::guides::find(&key).ok_or_else(|| ApiError::new(ErrorCode::GuideNotFound))?;
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=3600")],
        axum::Json(guide),
    ))
}

/// Domains belong to the domain-verification intent, and to SSO setup, which ends with them.
fn domains_allowed(sess: &PortalSession) -> Result<(), ApiError> {
    sess.require(Intent::DomainVerification)
        .or_else(|_| sess.require(Intent::Sso))
}

async fn owned_domain(
    s: &AppState,
    sess: &PortalSession,
    id: &str,
) -> Result<crate::server::store::DomainRow, ApiError> {
    domains_allowed(sess)?;
    match s.store.domain(id).await? {
        Some(d) if d.organization_id == sess.org.id => Ok(d),
        _ => Err(ApiError::new(ErrorCode::DomainNotFound)),
    }
}

async fn list_domains(
    State(s): State<AppState>,
    sess: PortalSession,
) -> Result<impl IntoResponse, ApiError> {
    domains_allowed(&sess)?;
    let rows = s.store.list_domains(&sess.org.id).await?;
    Ok(axum::Json(DomainList {
        data: rows.iter().map(domains::view).collect(),
    }))
}

async fn add_domain(
    State(s): State<AppState>,
    sess: PortalSession,
    Json(req): Json<AddDomain>,
) -> Result<impl IntoResponse, ApiError> {
    domains_allowed(&sess)?;
    let row = domains::add(&s, &sess.org, &req.domain).await?;
    Ok((StatusCode::CREATED, axum::Json(domains::view(&row))))
}

/// "Check now": looks at DNS while the admin waits (a few seconds at most).
async fn check_domain(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned_domain(&s, &sess, &id).await?;
    Ok(axum::Json(domains::view(
        &domains::check(&s, row, true).await?,
    )))
}

async fn remove_domain(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned_domain(&s, &sess, &id).await?;
    let deleted = domains::event(EventType::DomainDeleted, &row, s.clock.now())?;
    s.store.delete_domain(&row.id, &[deleted]).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /portal/api/domains/{id}/activity`: what happened to the domain, newest first.
async fn domain_activity(
    State(s): State<AppState>,
    sess: PortalSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = owned_domain(&s, &sess, &id).await?;
    let subject = activity::Subject::Domain(&row.id);
    Ok(axum::Json(
        activity::recent(s.store.as_ref(), &row.organization_id, subject).await?,
    ))
}

/// `GET /portal/api/dns_hosts`: how to add a TXT record at common DNS hosts; public content.
async fn dns_hosts() -> impl IntoResponse {
    let list = crate::api::dns_hosts::DnsHostList {
        data: crate::server::dns_hosts::all().to_vec(),
    };
    (
        [(header::CACHE_CONTROL, "public, max-age=3600")],
        axum::Json(list),
    )
}

/// `GET /portal/api/theme`: the environment's theme, for the designer's editor. The link was
/// minted for one organization, but designers brand the whole environment.
async fn get_theme(
    State(s): State<AppState>,
    sess: PortalSession,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Theme)?;
    Ok(axum::Json(
        crate::server::theme::environment_theme(&s, &sess.org.environment_id).await?,
    ))
}

/// `PUT /portal/api/theme`: the editor's "Publish", through the same checks as `PUT /api/v1/theme`.
async fn put_theme(
    State(s): State<AppState>,
    sess: PortalSession,
    Json(input): Json<crate::api::theme::ThemeInput>,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Theme)?;
    let env = &sess.org.environment_id;
    let t = crate::server::theme::accept_in(&s, env, input).await?;
    crate::server::theme::save_environment(&s, env, Some(&t)).await?;
    Ok(axum::Json(t))
}

/// `GET /portal/api/theme/organization`: the theme of the organization the designer link was
/// minted for: its own, or the environment's when it has none (`inherited`).
async fn get_org_theme(
    State(s): State<AppState>,
    sess: PortalSession,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Theme)?;
    let (scope, t) =
        crate::server::theme::effective(&s, &sess.org.environment_id, Some(&sess.org.id)).await?;
    let inherited =
        scope == crate::server::theme::Scope::Environment(sess.org.environment_id.clone());
    Ok(axum::Json(crate::api::theme::OrganizationTheme {
        theme: t,
        inherited,
    }))
}

/// `PUT /portal/api/theme/organization`: publishes a theme for this organization only, through
/// the same checks as the vendor API's `PUT /api/v1/organizations/{id}/theme`.
async fn put_org_theme(
    State(s): State<AppState>,
    sess: PortalSession,
    Json(input): Json<crate::api::theme::ThemeInput>,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Theme)?;
    let t = crate::server::theme::accept_in(&s, &sess.org.environment_id, input).await?;
    crate::server::theme::save_organization(&s, &sess.org.id, Some(&t)).await?;
    Ok(axum::Json(crate::api::theme::OrganizationTheme {
        theme: t,
        inherited: false,
    }))
}

/// `DELETE /portal/api/theme/organization`: the organization goes back to the environment's theme.
async fn delete_org_theme(
    State(s): State<AppState>,
    sess: PortalSession,
) -> Result<StatusCode, ApiError> {
    sess.require(Intent::Theme)?;
    crate::server::theme::save_organization(&s, &sess.org.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct AssetQuery {
    kind: Option<String>,
}

/// `POST /portal/api/theme/assets?kind=logo|favicon|font`: the designer's upload; the same
/// content checks as the vendor API's, and the file belongs to the environment.
async fn upload_theme_asset(
    State(s): State<AppState>,
    sess: PortalSession,
    axum::extract::Query(q): axum::extract::Query<AssetQuery>,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse, ApiError> {
    sess.require(Intent::Theme)?;
    let asset = crate::server::theme::upload(
        &s,
        &sess.org.environment_id,
        &q.kind.unwrap_or_default(),
        &body,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(asset)))
}
