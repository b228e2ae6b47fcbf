//! Which environment a request is for, decided by its hostname, before any handler runs (the
//! [`Site`] itself, and where an environment's links point, are domain: `server::site`).
//!
//! A hostname is served when it is the public URL's host (the default environment), an
//! environment's own `<name>.<PORTICO_BASE_DOMAIN>`, or an active custom hostname; any other
//! gets a plain 404, never another vendor's portal. `X-Forwarded-Host` and `-Proto` count only
//! from the trusted proxies (`PORTICO_TRUSTED_PROXIES`), so nobody else can pick a vendor by
//! sending a header.

use crate::server::config::Settings;
use crate::server::site::{default_site, public_parts, Site};
use crate::server::store::StoreError;
use crate::server::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// Paths that answer on any hostname: health checks, and the proxy's questions (it asks with
/// its own Host before a custom hostname has a certificate).
fn hostless(path: &str) -> bool {
    path == "/healthz" || path.starts_with("/internal/")
}

/// Middleware: resolves the [`Site`] and puts it in the request, or answers 404.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if hostless(req.uri().path()) {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let authority = req.uri().authority().map(|a| a.as_str().to_owned());
    match site_for(&state, req.headers(), authority.as_deref(), peer).await {
        Ok(Some(site)) => {
            req.extensions_mut().insert(site);
            next.run(req).await
        }
        Ok(None) => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found: this hostname is not served here.\n",
        )
            .into_response(),
        Err(e) => crate::server::http::error::ApiError::from(e).into_response(),
    }
}

impl FromRequestParts<AppState> for Site {
    type Rejection = crate::server::http::error::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Site, Self::Rejection> {
        if let Some(site) = parts.extensions.get::<Site>() {
            return Ok(site.clone());
        }
        // Routes outside the middleware (none today) get the default environment.
        Ok(default_site(state))
    }
}

/// Most `X-Forwarded-For` hops read (from the right) when looking for the client's address.
const MAX_FORWARDED_HOPS: usize = 16;

/// The address a request came from: the peer, or, when the peer is a trusted proxy, the
/// nearest address in `X-Forwarded-For` (read from the right) that is not a trusted proxy;
/// the ones further left the client could have written itself.
pub fn client_address(
    settings: &Settings,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Option<IpAddr> {
    let peer = peer?;
    let trusted = |ip: IpAddr| settings.trusted_proxies.iter().any(|r| r.contains(ip));
    if !trusted(peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut caller = peer;
    for hop in hops.iter().rev().take(MAX_FORWARDED_HOPS) {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted(ip) => caller = ip,
            Ok(ip) => return Some(ip),
            Err(_) => break,
        }
    }
    Some(caller)
}

/// The first value of a forwarded header, when the peer is a trusted proxy.
fn forwarded<'a>(headers: &'a HeaderMap, name: &str, trusted: bool) -> Option<&'a str> {
    if !trusted {
        return None;
    }
    headers
        .get(name)?
        .to_str()
        .ok()?
        .split(',')
        .next()
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// `host[:port]` split into a lowercase hostname (brackets kept off IPv6) and the rest.
fn split_authority(authority: &str) -> (String, &str) {
    let authority = authority.trim();
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => (h, p),
            None => (rest, ""),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, &authority[h.len()..]),
            _ => (authority, ""),
        }
    };
    (host.trim_end_matches('.').to_ascii_lowercase(), port)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The site a request is for, or `None` when its hostname is not served here.
pub async fn site_for(
    state: &AppState,
    headers: &HeaderMap,
    uri_authority: Option<&str>,
    peer: Option<IpAddr>,
) -> Result<Option<Site>, StoreError> {
    let trusted = peer.is_some_and(|ip| {
        state
            .settings
            .trusted_proxies
            .iter()
            .any(|r| r.contains(ip))
    });
    let host_header = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let Some(authority) = forwarded(headers, "x-forwarded-host", trusted)
        .or(host_header)
        .or(uri_authority)
    else {
        // No hostname at all (an in-process test's request): the default environment.
        return Ok(Some(default_site(state)));
    };
    let (public_scheme, public_host, _) = public_parts(&state.settings);
    let scheme = match forwarded(headers, "x-forwarded-proto", trusted) {
        Some(p) if p.eq_ignore_ascii_case("https") => "https".to_owned(),
        Some(p) if p.eq_ignore_ascii_case("http") => "http".to_owned(),
        _ => public_scheme,
    };
    let (host, _) = split_authority(authority);
    let base_url = format!("{scheme}://{}", authority.trim().to_ascii_lowercase());
    if host == public_host {
        return Ok(Some(default_site(state)));
    }
    // A server on loopback answers to every loopback name, so `localhost` works in development.
    if is_loopback(&public_host) && is_loopback(&host) {
        let default = default_site(state);
        return Ok(Some(Site {
            base_url,
            host,
            ..default
        }));
    }
    if let Some(base) = &state.settings.base_domain {
        if let Some(label) = host
            .strip_suffix(base.as_str())
            .and_then(|l| l.strip_suffix('.'))
            .filter(|l| !l.contains('.'))
        {
            if let Some(env) = state.store.environment_by_name(label).await? {
                return Ok(Some(Site {
                    environment_id: env.id,
                    base_url,
                    host,
                }));
            }
        }
    }
    match state.store.custom_domain_by_hostname(&host).await? {
        Some(d) if d.state == "active" => Ok(Some(Site {
            environment_id: d.environment_id,
            base_url,
            host,
        })),
        // Without a configured public URL (a demo on a LAN address, say) there is no way to tell
        // a wrong hostname from the one people use: every other name is the default environment.
        _ if !state.settings.public_url_configured => {
            let default = default_site(state);
            Ok(Some(Site {
                base_url,
                host,
                ..default
            }))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_split_into_hostname_and_port() {
        assert_eq!(
            split_authority("SSO.Vendor.com:8443"),
            ("sso.vendor.com".into(), ":8443")
        );
        assert_eq!(
            split_authority("sso.vendor.com."),
            ("sso.vendor.com".into(), "")
        );
        assert_eq!(split_authority("[::1]:80"), ("::1".into(), ":80"));
        assert_eq!(split_authority("127.0.0.1"), ("127.0.0.1".into(), ""));
        assert!(
            is_loopback("localhost")
                && is_loopback("127.0.0.1")
                && is_loopback("::1")
                && !is_loopback("sso.vendor.com")
        );
    }
}
