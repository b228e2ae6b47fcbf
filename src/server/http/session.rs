//! The portal session: redeemed from a setup link, carried in an HttpOnly cookie, read once
//! per request by the [`PortalSession`] extractor, which also enforces CSRF and expiry.

use super::error::ApiError;
use crate::api::portal::SessionInfo;
use crate::api::vendor::Intent;
use crate::api::{ErrorCode, CSRF_HEADER};
use crate::server::config::Settings;
use crate::server::crypto::hash_token;
use crate::server::site::Site;
use crate::server::store::{OrganizationRow, SessionRow};
use crate::server::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use time::Duration;

/// The cookie's name on plain http (local development).
pub const COOKIE: &str = "portico_session";

/// The cookie's name when the public URL is https. Browsers accept a `__Host-` cookie only
/// when it is `Secure`, for `Path=/` and without `Domain`, so a sibling subdomain (another
/// environment's hostname under the same base domain, say) can neither set nor shadow it.
pub const HOST_COOKIE: &str = "__Host-portico_session";

/// The session cookie's name in use: the `__Host-` one on https, the plain one on http (where
/// browsers would refuse a `__Host-` cookie).
pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        HOST_COOKIE
    } else {
        COOKIE
    }
}

/// A live, checked portal session and its organization.
pub struct PortalSession {
    /// The stored session.
    pub row: SessionRow,
    /// The organization it is for.
    pub org: OrganizationRow,
    /// The hostname it is used on (the one it was started on).
    pub site: Site,
}

impl PortalSession {
    /// The intents the session carries.
    pub fn intents(&self) -> Vec<Intent> {
        self.row
            .intents
            .split(',')
            .filter_map(Intent::parse)
            .collect()
    }

    /// Fails unless the session's link covered `intent`.
    pub fn require(&self, intent: Intent) -> Result<(), ApiError> {
        if self.intents().contains(&intent) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::IntentNotAllowed))
        }
    }

    /// The session as the portal sees it.
    pub fn info(&self, state: &AppState) -> SessionInfo {
        SessionInfo {
            organization_id: self.org.id.clone(),
            organization_name: self.org.name.clone(),
            intents: self.intents(),
            csrf_token: self.row.csrf_token.clone(),
            idle_expires_at: crate::api::time::Timestamp::from_unix(
                (self.row.last_seen_at + state.settings.session_idle_seconds)
                    .min(self.row.expires_at),
            ),
            expires_at: crate::api::time::Timestamp::from_unix(self.row.expires_at),
            server_now: crate::api::time::Timestamp::from_unix(state.clock.now()),
            return_url: self.row.return_url.clone(),
            success_url: self.row.success_url.clone(),
            theme_url: None,
            connections: None,
            directories: None,
        }
    }
}

/// Adds the intents a session's link implies: an `sso` session also covers `dsync` once the
/// vendor enabled directory sync for the organization (it has a directory), so the admin who
/// sets up SSO finds the directory wizard beside it. Derived on every request, not stored, so
/// a directory the vendor creates after the link was minted counts too.
pub async fn derive_intents(
    state: &AppState,
    row: &mut SessionRow,
    org: &OrganizationRow,
) -> Result<(), ApiError> {
    let intents: Vec<Intent> = row.intents.split(',').filter_map(Intent::parse).collect();
    if intents.contains(&Intent::Sso)
        && !intents.contains(&Intent::Dsync)
        && crate::server::directories::portal::enabled(state, &org.environment_id, &org.id).await?
    {
        row.intents.push_str(",dsync");
    }
    Ok(())
}

/// The session cookie's value, if the request has one under the name in use
/// ([`cookie_name`]); on https a cookie under the plain name is not ours and is ignored.
pub fn cookie_value(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(cookie_name(settings))
        .map(|c| c.value().to_owned())
}

/// The session cookie to set for a new session, or for clearing it when `value` is empty (with
/// `max_age` 0); the caller adds it to a [`CookieJar`] it answers with.
///
/// `partitioned` (the environment opted in for cross-site embedding) gives a CHIPS cookie,
/// `SameSite=None; Secure; Partitioned`: the browser sends it to the portal inside the vendor's
/// page, keyed to that page's site, even when it blocks third-party cookies. Browsers require
/// `Secure` for it, and treat `http://localhost` and `127.0.0.1` as secure for cookies. Otherwise
/// `SameSite=Lax` suffices, embedded by the vendor's own site included (same-site).
///
/// On https the name is [`HOST_COOKIE`]; both forms then meet its rules (`Secure`, `Path=/`,
/// no `Domain`). A cleared cookie carries `Max-Age=0` alone (no `Expires`), as a set one does.
pub fn session_cookie(
    settings: &Settings,
    value: String,
    max_age: i64,
    partitioned: bool,
) -> Cookie<'static> {
    let same_site = if partitioned {
        SameSite::None
    } else {
        SameSite::Lax
    };
    Cookie::build((cookie_name(settings), value))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(partitioned || settings.secure_cookies())
        .partitioned(partitioned)
        .max_age(Duration::seconds(max_age))
        .build()
}

impl FromRequestParts<AppState> for PortalSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let value = cookie_value(&state.settings, &parts.headers)
            .ok_or_else(|| ApiError::new(ErrorCode::SessionMissing))?;
        let id_hash = hash_token(&value);
        let row = state
            .store
            .session(&id_hash)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::SessionMissing))?;
        let now = state.clock.now();
        if now >= row.expires_at || now >= row.last_seen_at + state.settings.session_idle_seconds {
            state.store.delete_session(&id_hash).await?;
            return Err(ApiError::new(ErrorCode::SessionMissing));
        }
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !crate::server::crypto::constant_time_eq(sent.as_bytes(), row.csrf_token.as_bytes())
            {
                return Err(ApiError::new(ErrorCode::CsrfFailed));
            }
        }
        let org = state
            .store
            .organization_by_id(&row.organization_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::SessionMissing))?;
        // A session belongs to its hostname: on another (another vendor's, or this vendor's
        // other name) it does not exist.
        let site = Site::from_request_parts(parts, state).await?;
        if org.environment_id != site.environment_id
            || row.host.as_deref().is_some_and(|h| h != site.host)
        {
            return Err(ApiError::new(ErrorCode::SessionMissing));
        }
        let mut row = row;
        // The cookie came back: the link this session held is used up now.
        if let Some(link) = row.held_link.take() {
            let logged =
                crate::server::service::link_redeemed_event(state.store.as_ref(), &link, now)
                    .await?;
            if !state
                .store
                .use_held_link(&id_hash, &link, now, &logged)
                .await?
            {
                state.store.delete_session(&id_hash).await?;
                return Err(ApiError::new(ErrorCode::SessionMissing));
            }
        }
        state.store.touch_session(&id_hash, now).await?;
        row.last_seen_at = now;
        derive_intents(state, &mut row, &org).await?;
        Ok(PortalSession { row, org, site })
    }
}
