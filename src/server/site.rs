//! Sites: the hostname a request is for and the environment it belongs to, and where an
//! environment's links point (its first active custom hostname, else its own). How a request's
//! headers are read to find its site is HTTP's business (`http::site`).

use crate::server::config::Settings;
use crate::server::store::{Environment, StoreError};
use crate::server::AppState;

/// The environment every fresh installation starts with (its links use the public URL; other
/// environments may have their own hostname).
pub const DEFAULT_ENVIRONMENT: &str = "development";

/// The hostname a request arrived at and the environment it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The environment.
    pub environment_id: String,
    /// `scheme://host[:port]` as the browser reached us, without a trailing slash.
    pub base_url: String,
    /// The hostname alone: ASCII, lowercase, no port.
    pub host: String,
}

/// The public URL's scheme, hostname and `:port` (empty when it has none).
pub(crate) fn public_parts(settings: &Settings) -> (String, String, String) {
    match url::Url::parse(&settings.public_url) {
        Ok(u) => (
            u.scheme().to_owned(),
            u.host_str()
                .unwrap_or_default()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase(),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
        ),
        Err(_) => ("https".into(), String::new(), String::new()),
    }
}

/// The default environment at the public URL.
pub fn default_site(state: &AppState) -> Site {
    let (_, host, _) = public_parts(&state.settings);
    Site {
        environment_id: state.default_environment_id.to_string(),
        base_url: state.settings.public_url.clone(),
        host,
    }
}

/// An environment's own hostname: the public URL's host for the default environment, or
/// `<name>.<base domain>` for others when a base domain is set. Custom hostnames point here.
pub fn environment_host(settings: &Settings, env: &Environment) -> String {
    let (_, public_host, _) = public_parts(settings);
    match &settings.base_domain {
        Some(base) if env.name != DEFAULT_ENVIRONMENT => {
            format!("{}.{base}", env.name.to_ascii_lowercase())
        }
        _ => public_host,
    }
}

/// The base URL of a hostname of ours: the public URL's scheme and port with that hostname.
pub fn base_for_host(settings: &Settings, host: &str) -> String {
    let (scheme, public_host, port) = public_parts(settings);
    if host == public_host {
        return settings.public_url.clone();
    }
    format!("{scheme}://{host}{port}")
}

/// Whether links made for `site` may be redeemed on that hostname only: always, unless the
/// server was given no public URL and `site` is its own default hostname (then a demo on a LAN
/// address works from other machines too).
pub fn binds_links(state: &AppState, site: &Site) -> bool {
    state.settings.public_url_configured || site.base_url != state.settings.public_url
}

/// Where an environment's links point: its first active custom hostname, else its own.
pub async fn preferred(state: &AppState, environment_id: &str) -> Result<Site, StoreError> {
    let custom = state.store.list_custom_domains(environment_id).await?;
    if let Some(d) = custom
        .iter()
        .filter(|d| d.state == "active")
        .min_by_key(|d| (d.activated_at, d.created_at))
    {
        return Ok(Site {
            environment_id: environment_id.to_owned(),
            base_url: base_for_host(&state.settings, &d.hostname),
            host: d.hostname.clone(),
        });
    }
    let env = state
        .store
        .list_environments()
        .await?
        .into_iter()
        .find(|e| e.id == environment_id);
    match env {
        Some(env) => {
            let host = environment_host(&state.settings, &env);
            Ok(Site {
                environment_id: env.id,
                base_url: base_for_host(&state.settings, &host),
                host,
            })
        }
        None => Ok(default_site(state)),
    }
}
