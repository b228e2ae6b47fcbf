//! The sign-in URL an admin types in by hand.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{codes, MetadataProblem};
use crate::core::validate;

/// For the manual-fields path: checks the IdP's single sign-on URL and returns it trimmed.
///
/// It must be an absolute `https://` URL; plain `http://` is accepted only for loopback
/// hosts (`localhost`, 127.0.0.0/8, `::1`), where a test IdP runs on the admin's own
/// machine and nothing crosses a network.
pub fn check_sso_url(url: &str) -> Result<String, MetadataProblem> {
    let url = validate::web_url(url, false).map_err(|m| {
        MetadataProblem::new(
            codes::SSO_URL_INVALID,
            format!(
                "{m} Copy the single sign-on URL (also called \"SSO URL\", \"Sign-on URL\" or \
                 \"SAML 2.0 Endpoint\") from your IdP's SAML app."
            ),
        )
    })?;
    let Some(rest) = url.strip_prefix("http://") else {
        return Ok(url);
    };
    if is_loopback(host(rest)) {
        return Ok(url);
    }
    Err(MetadataProblem::new(
        codes::SSO_URL_NOT_HTTPS,
        "Use the https:// address of your IdP's sign-in page: with plain http, sign-ins would \
         travel unencrypted. Plain http is only accepted for a test IdP on this machine \
         (localhost).",
    ))
}

/// The host of a URL given without its scheme: no user info, port or brackets.
fn host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    if let Some(bracketed) = host_port.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or("");
    }
    host_port.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
}
