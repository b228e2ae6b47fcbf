//! The vendor API: `/api/v1/...`, authenticated by a bearer API key scoped to one environment.

use super::error::{ApiError, Json};
use crate::api::connection::ConnectionList;
use crate::api::domains::{AddDomain, DomainList, VerifyDomain};
use crate::api::event::EventType;
use crate::api::mapping::CustomAttributeList;
use crate::api::test_sign_in::SignInTestList;
use crate::api::theme::{OrganizationTheme, ThemeInput};
use crate::api::vendor::ConnectionInput;
use crate::api::vendor::{
    CreateOrganization, CreatePortalLink, OrganizationList, UpdateOrganization,
};
use crate::api::ErrorCode;
use crate::core::catalog;
use crate::core::validate;
use crate::server::crypto::hash_token;
use crate::server::store::ConnectionRow;
use crate::server::{connections, domains, service, signin, theme, AppState};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

/// The environment an authenticated API key belongs to.
pub struct VendorEnv(pub String);

impl FromRequestParts<AppState> for VendorEnv {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
        match state.store.api_key_by_hash(&hash_token(key)).await? {
            Some(k) if k.revoked_at.is_none() => Ok(VendorEnv(k.environment_id)),
            Some(_) => Err(ApiError::new(ErrorCode::Unauthorized).message(
                "This API key was revoked. Create a new one with `portico api-key create`.",
            )),
            None => Err(ApiError::new(ErrorCode::Unauthorized)),
        }
    }
}

mod directories;
mod events;
mod go_live;
mod hosting;
mod webhooks;

/// The vendor routes, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route(
            "/organizations",
            get(list_organizations).post(create_organization),
        )
        .route(
            "/organizations/{id}",
            get(get_organization)
                .patch(update_organization)
                .delete(delete_organization),
        )
        .route(
            "/organizations/{id}/connections",
            get(list_connections).post(create_connection),
        )
        .route(
            "/connections/{id}",
            get(get_connection)
                .patch(update_connection)
                .delete(delete_connection),
        )
        .route("/events", get(events::list_events))
        .route("/connections/{id}/tests", get(list_tests))
        .route("/connections/{id}/tests/{test_id}", get(one_test))
        .route(
            "/custom_attributes",
            get(get_custom_attributes).put(put_custom_attributes),
        )
        .route(
            "/organizations/{id}/domains",
            get(list_domains).post(add_domain),
        )
        .route("/domains/{id}", get(get_domain).delete(delete_domain))
        .route("/domains/{id}/check", axum::routing::post(check_domain))
        .route("/domains/{id}/verify", axum::routing::post(verify_domain))
        .route(
            "/environment",
            get(get_environment).patch(patch_environment),
        )
        .route("/theme", get(get_theme).put(put_theme))
        .route("/theme/assets", axum::routing::post(upload_asset))
        .route(
            "/organizations/{id}/theme",
            get(get_org_theme)
                .put(put_org_theme)
                .delete(delete_org_theme),
        )
        .route("/portal_links", axum::routing::post(create_portal_link))
        .route("/client", get(go_live::get_client))
        .route(
            "/client/secrets",
            axum::routing::post(go_live::create_client_secret),
        )
        .route(
            "/client/secrets/{id}",
            axum::routing::delete(go_live::revoke_client_secret),
        )
        .route(
            "/redirect_uris",
            get(go_live::get_redirect_uris).put(go_live::put_redirect_uris),
        )
        .route("/connections/{id}/sign_ins", get(go_live::list_sign_ins))
        .route(
            "/custom_domains",
            get(hosting::list_custom_domains).post(hosting::add_custom_domain),
        )
        .route(
            "/custom_domains/{id}",
            get(hosting::get_custom_domain).delete(hosting::delete_custom_domain),
        )
        .route(
            "/custom_domains/{id}/check",
            axum::routing::post(hosting::check_custom_domain),
        )
        .route(
            "/webhook_endpoints",
            get(webhooks::list_endpoints).post(webhooks::create_endpoint),
        )
        .route(
            "/webhook_endpoints/{id}",
            get(webhooks::get_endpoint)
                .patch(webhooks::update_endpoint)
                .delete(webhooks::delete_endpoint),
        )
        .route(
            "/webhook_endpoints/{id}/rotate_secret",
            axum::routing::post(webhooks::rotate_secret),
        )
        .route(
            "/webhook_endpoints/{id}/test",
            axum::routing::post(webhooks::test_endpoint),
        )
        .route(
            "/webhook_endpoints/{id}/deliveries",
            get(webhooks::list_deliveries),
        )
        .route(
            "/webhook_endpoints/{id}/deliveries/{delivery_id}/retry",
            axum::routing::post(webhooks::retry_delivery),
        )
        .route(
            "/embedding",
            get(hosting::get_embedding).put(hosting::put_embedding),
        )
        .route(
            "/organizations/{id}/directories",
            axum::routing::post(directories::create_directory),
        )
        .route("/directories", get(directories::list_directories))
        .route(
            "/directories/{id}",
            get(directories::get_directory).delete(directories::delete_directory),
        )
        .route(
            "/directories/{id}/tokens",
            get(directories::list_tokens).post(directories::create_token),
        )
        .route(
            "/directories/{id}/tokens/{token_id}",
            axum::routing::delete(directories::revoke_token),
        )
        .route("/directories/{id}/users", get(directories::list_users))
        .route("/directory_users/{id}", get(directories::get_user))
        .route("/directories/{id}/groups", get(directories::list_groups))
        .route("/directory_groups/{id}", get(directories::get_group))
        .route(
            "/directories/{id}/attribute_mapping",
            get(directories::get_attributes).put(directories::put_attributes),
        )
        .route(
            "/roles",
            get(directories::get_roles).put(directories::put_roles),
        )
}

/// `GET /api/v1/openapi.json`: the document [`openapi::document`](crate::server::openapi::document)
/// builds.
async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(crate::server::openapi::document())
}

async fn create_organization(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<CreateOrganization>,
) -> Result<impl IntoResponse, ApiError> {
    let org = service::create_organization(s.store.as_ref(), &env, req, s.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(service::organization_view(&org)),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    external_id: Option<String>,
}

async fn list_organizations(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::new(ErrorCode::ValidationFailed)
            .message(format!("Unsupported query: {}.", e.body_text()))
    })?;
    let rows = s
        .store
        .list_organizations(&env, q.external_id.as_deref())
        .await?;
    Ok(axum::Json(OrganizationList {
        data: rows.iter().map(service::organization_view).collect(),
    }))
}

async fn org_or_404(
    s: &AppState,
    env: &str,
    id: &str,
) -> Result<crate::server::store::OrganizationRow, ApiError> {
    s.store
        .organization(env, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::OrganizationNotFound))
}

async fn get_organization(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(service::organization_view(
        &org_or_404(&s, &env, &id).await?,
    )))
}

async fn update_organization(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(req): Json<UpdateOrganization>,
) -> Result<impl IntoResponse, ApiError> {
    let mut org = org_or_404(&s, &env, &id).await?;
    if let Some(name) = &req.name {
        org.name = validate::name(name).map_err(|m| ApiError::invalid("name", m))?;
    }
    if let Some(ext) = &req.external_id {
        org.external_id = match ext {
            Some(x) => {
                Some(validate::external_id(x).map_err(|m| ApiError::invalid("external_id", m))?)
            }
            None => None,
        };
    }
    if let Some(domains) = &req.domains {
        org.domains = service::validate_domains(domains)?;
    }
    if let Some(allow) = req.allow_profiles_outside_organization {
        org.allow_profiles_outside_organization = allow;
    }
    org.updated_at = s.clock.now();
    let updated =
        service::organization_event(EventType::OrganizationUpdated, &org, org.updated_at)?;
    s.store
        .update_organization(&org, &[updated])
        .await
        .map_err(service::organization_conflict)?;
    Ok(axum::Json(service::organization_view(&org)))
}

async fn delete_organization(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    let deleted = service::organization_event(EventType::OrganizationDeleted, &org, s.clock.now())?;
    if s.store.delete_organization(&env, &id, &[deleted]).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(ErrorCode::OrganizationNotFound))
    }
}

async fn list_connections(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    let rows = s.store.list_connections(&org.id).await?;
    let mut data = Vec::with_capacity(rows.len());
    for r in &rows {
        data.push(connections::view_full(&s, r).await?);
    }
    Ok(axum::Json(ConnectionList { data }))
}

/// A connection of the environment; others' ids are simply not found.
async fn conn_or_404(s: &AppState, env: &str, id: &str) -> Result<ConnectionRow, ApiError> {
    let row = s
        .store
        .connection(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::ConnectionNotFound))?;
    s.store
        .organization(env, &row.organization_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::ConnectionNotFound))?;
    Ok(row)
}

async fn get_connection(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = conn_or_404(&s, &env, &id).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

async fn create_connection(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(input): Json<ConnectionInput>,
) -> Result<impl IntoResponse, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    let key = input.idp.as_deref().map(str::trim).unwrap_or_default();
    let entry = catalog::find(key).ok_or_else(|| {
        ApiError::invalid("idp", if key.is_empty() { "Send `idp`, a catalog key such as `okta-saml`.".to_owned() } else { format!("`{key}` is not in the catalog; use a key such as `okta-saml` or `generic-oidc`.") })
    })?;
    // Created through the API, a connection lives on the environment's preferred hostname.
    let site = crate::server::site::preferred(&s, &env).await?;
    let now = s.clock.now();
    let mut row = connections::new_row(&s, &org.id, entry, &site.base_url, now).await?;
    let created = connections::event(&s, EventType::ConnectionCreated, &row, now).await?;
    s.store.insert_connection(&row, &[created]).await?;
    // Input the connection cannot take undoes the creation, and the log says so.
    if let Err(e) = connections::apply_input(&s, &mut row, input, &env).await {
        let deleted = connections::event(&s, EventType::ConnectionDeleted, &row, now).await;
        let _ = match deleted {
            Ok(deleted) => s.store.delete_connection(&row.id, &[deleted]).await,
            Err(_) => s.store.delete_connection(&row.id, &[]).await,
        };
        return Err(e);
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(connections::view_full(&s, &row).await?),
    ))
}

async fn update_connection(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(input): Json<ConnectionInput>,
) -> Result<impl IntoResponse, ApiError> {
    let mut row = conn_or_404(&s, &env, &id).await?;
    if let Some(idp) = input.idp.as_deref() {
        if idp.trim() != row.idp {
            return Err(ApiError::invalid("idp", "The identity provider of a connection cannot change; create a new connection instead."));
        }
    }
    connections::apply_input(&s, &mut row, input, &env).await?;
    Ok(axum::Json(connections::view_full(&s, &row).await?))
}

async fn delete_connection(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let row = conn_or_404(&s, &env, &id).await?;
    let deleted = connections::event(&s, EventType::ConnectionDeleted, &row, s.clock.now()).await?;
    if s.store.delete_connection(&row.id, &[deleted]).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(ErrorCode::ConnectionNotFound))
    }
}

async fn list_tests(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = conn_or_404(&s, &env, &id).await?;
    Ok(axum::Json(SignInTestList {
        data: signin::list(&s, &row).await?,
    }))
}

async fn one_test(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path((id, test_id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let row = conn_or_404(&s, &env, &id).await?;
    Ok(axum::Json(signin::one(&s, &row, &test_id).await?))
}

async fn get_custom_attributes(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(CustomAttributeList {
        data: signin::custom_attributes(&s, &env).await?,
    }))
}

async fn put_custom_attributes(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(list): Json<CustomAttributeList>,
) -> Result<impl IntoResponse, ApiError> {
    let mut err = ApiError::new(ErrorCode::ValidationFailed);
    let mut seen = std::collections::HashSet::new();
    for (i, a) in list.data.iter().enumerate() {
        let ok = !a.name.is_empty()
            && a.name.len() <= 64
            && a.name.starts_with(|c: char| c.is_ascii_lowercase())
            && a.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            err.fields.insert(format!("data[{i}].name"), "Use snake_case: lowercase letters, digits and `_`, starting with a letter, up to 64 characters.".into());
        } else if RESERVED.contains(&a.name.as_str()) {
            err.fields.insert(
                format!("data[{i}].name"),
                format!("`{}` is already a profile field.", a.name),
            );
        } else if !seen.insert(a.name.clone()) {
            err.fields.insert(
                format!("data[{i}].name"),
                format!("`{}` appears twice.", a.name),
            );
        }
        if a.description.as_deref().is_some_and(|d| d.len() > 500) {
            err.fields.insert(
                format!("data[{i}].description"),
                "Keep the description under 500 characters.".into(),
            );
        }
    }
    if !err.fields.is_empty() {
        return Err(err);
    }
    s.store
        .set_custom_attributes(
            &env,
            &serde_json::to_string(&list.data).map_err(ApiError::internal)?,
        )
        .await?;
    Ok(axum::Json(list))
}

/// Profile fields every profile has; custom attributes cannot reuse their names.
const RESERVED: &[&str] = &[
    "id",
    "idp_id",
    "email",
    "first_name",
    "last_name",
    "name",
    "groups",
    "raw_attributes",
    "custom_attributes",
    "organization_id",
    "connection_id",
    "connection_type",
];

async fn create_portal_link(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<CreatePortalLink>,
) -> Result<impl IntoResponse, ApiError> {
    let site = crate::server::site::preferred(&s, &env).await?;
    let link = service::create_portal_link(
        s.store.as_ref(),
        &env,
        &site,
        crate::server::site::binds_links(&s, &site),
        req,
        s.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(link)))
}

async fn list_domains(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    let rows = s.store.list_domains(&org.id).await?;
    Ok(axum::Json(DomainList {
        data: rows.iter().map(domains::view).collect(),
    }))
}

async fn add_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(req): Json<AddDomain>,
) -> Result<impl IntoResponse, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    let row = domains::add(&s, &org, &req.domain).await?;
    Ok((StatusCode::CREATED, axum::Json(domains::view(&row))))
}

/// A domain of the environment; others' ids are simply not found.
async fn domain_or_404(
    s: &AppState,
    env: &str,
    id: &str,
) -> Result<crate::server::store::DomainRow, ApiError> {
    match s.store.domain(id).await? {
        Some(d) if d.environment_id == env => Ok(d),
        _ => Err(ApiError::new(ErrorCode::DomainNotFound)),
    }
}

async fn get_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(domains::view(
        &domain_or_404(&s, &env, &id).await?,
    )))
}

async fn check_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = domain_or_404(&s, &env, &id).await?;
    Ok(axum::Json(domains::view(
        &domains::check(&s, row, true).await?,
    )))
}

/// The body is optional (`{"verified_by": "…"}`), so it is read by hand.
async fn verify_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let row = domain_or_404(&s, &env, &id).await?;
    let req: VerifyDomain = if body.iter().all(u8::is_ascii_whitespace) {
        VerifyDomain::default()
    } else {
        let value = serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(ErrorCode::MalformedJson).message(format!(
                "The body is not valid JSON for this endpoint: {e}."
            ))
        })?;
        super::error::from_json_value(value)?
    };
    let by = req.verified_by;
    Ok(axum::Json(domains::view(
        &domains::verify_manually(&s, row, by).await?,
    )))
}

async fn delete_domain(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let row = domain_or_404(&s, &env, &id).await?;
    let deleted = domains::event(EventType::DomainDeleted, &row, s.clock.now())?;
    s.store.delete_domain(&row.id, &[deleted]).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_environment(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(domains::settings(&s, &env).await?))
}

async fn patch_environment(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(req): Json<domains::DomainSettings>,
) -> Result<impl IntoResponse, ApiError> {
    let mut current = domains::settings(&s, &env).await?;
    if req.domain_record_prefix.is_some() {
        current.domain_record_prefix = req.domain_record_prefix;
    }
    if req.domain_value_prefix.is_some() {
        current.domain_value_prefix = req.domain_value_prefix;
    }
    if req.domain_verification_days.is_some() {
        current.domain_verification_days = req.domain_verification_days;
    }
    let problems = current.check();
    if !problems.is_empty() {
        let mut err = ApiError::new(ErrorCode::ValidationFailed);
        err.fields = problems;
        return Err(err);
    }
    s.store
        .set_environment_settings(
            &env,
            &serde_json::to_string(&current).map_err(ApiError::internal)?,
        )
        .await?;
    Ok(axum::Json(current))
}

async fn get_theme(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(theme::environment_theme(&s, &env).await?))
}

async fn put_theme(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Json(input): Json<crate::api::theme::ThemeWrite>,
) -> Result<impl IntoResponse, ApiError> {
    let input = ThemeInput::from(input);
    let t = theme::accept_in(&s, &env, input).await?;
    theme::save_environment(&s, &env, Some(&t)).await?;
    Ok(axum::Json(t))
}

/// An organization's theme: its override if it has one, else the environment's (`inherited`).
async fn get_org_theme(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    let (scope, t) = theme::effective(&s, &env, Some(&org.id)).await?;
    Ok(axum::Json(OrganizationTheme {
        theme: t,
        inherited: scope == theme::Scope::Environment(env),
    }))
}

async fn put_org_theme(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
    Json(input): Json<crate::api::theme::ThemeWrite>,
) -> Result<impl IntoResponse, ApiError> {
    let input = ThemeInput::from(input);
    let org = org_or_404(&s, &env, &id).await?;
    let t = theme::accept_in(&s, &env, input).await?;
    theme::save_organization(&s, &org.id, Some(&t)).await?;
    Ok(axum::Json(OrganizationTheme {
        theme: t,
        inherited: false,
    }))
}

async fn delete_org_theme(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let org = org_or_404(&s, &env, &id).await?;
    theme::save_organization(&s, &org.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct AssetQuery {
    kind: Option<String>,
}

/// The file is the raw request body; what it is comes from its bytes, not from any header.
async fn upload_asset(
    State(s): State<AppState>,
    VendorEnv(env): VendorEnv,
    q: Result<Query<AssetQuery>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse, ApiError> {
    // A query string axum cannot read (`?kind=a&kind=b`) is reported in the one error shape.
    let Query(q) = q.map_err(|e| {
        ApiError::new(ErrorCode::ValidationFailed).field("kind", format!("{}.", e.body_text()))
    })?;
    let kind = q.kind.unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        axum::Json(theme::upload(&s, &env, &kind, &body).await?),
    ))
}
