//! Embedding rules both sides apply: what counts as an allowed parent origin, and the
//! `frame-ancestors` policy built from the list.
//!
//! The server checks the vendor's list before storing it and turns it into the
//! `Content-Security-Policy` header; the browser matches its parent's origin against the same
//! normalized list before it posts any event.

/// Most origins an environment may list: each one lengthens every page's CSP header.
pub const MAX_ORIGINS: usize = 50;

/// Hosts that may be listed with plain `http://`: they never leave the vendor's machine or
/// test network (`.test` and `.localhost` are reserved names, RFC 6761).
fn local_host(host: &str) -> bool {
    host == "localhost"
        || host == "127.0.0.1"
        || host == "[::1]"
        || host.ends_with(".localhost")
        || host.ends_with(".test")
}

fn valid_dns_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

fn valid_ip_literal(host: &str) -> bool {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => host.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

/// Checks one allowed parent origin and returns it normalized (`https://app.vendor.com`,
/// lowercase, no default port, no trailing slash); the error says what to change.
///
/// ```
/// use portico::core::embed::parse_origin;
/// assert_eq!(parse_origin("HTTPS://App.Vendor.com:443/").unwrap(), "https://app.vendor.com");
/// assert_eq!(parse_origin("http://localhost:3000").unwrap(), "http://localhost:3000");
/// assert!(parse_origin("http://app.vendor.com").is_err());
/// assert!(parse_origin("https://app.vendor.com/settings").is_err());
/// ```
pub fn parse_origin(input: &str) -> Result<String, String> {
    let raw = input.trim();
    if raw.is_empty() {
        return Err("Enter an origin such as https://app.vendor.com.".into());
    }
    if raw.starts_with('\'') || raw == "*" {
        return Err(format!(
            "`{raw}` is not an origin: list each site that may embed the portal, \
            such as https://app.vendor.com."
        ));
    }
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Err(format!("`{raw}` needs its scheme: write https://{raw}."));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(format!(
            "`{raw}`: only https:// origins can embed the portal."
        ));
    }
    // One trailing slash is what browsers show in the address bar; anything after it is a path.
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(i) = authority.find(['/', '?', '#']) {
        return Err(format!(
            "`{raw}` has a path: an origin is only scheme, host and port, such as {scheme}://{}.",
            &authority[..i]
        ));
    }
    if authority.contains('@') {
        return Err(format!(
            "`{raw}` contains a user name: an origin is only scheme, host and port."
        ));
    }
    if !authority.is_ascii() {
        return Err(format!(
            "`{raw}`: write the host in its ASCII (punycode) form, as the browser \
            sends it, e.g. https://xn--bcher-kva.example."
        ));
    }
    let authority = authority.to_ascii_lowercase();
    // An IPv6 literal has colons inside its brackets; the port comes after the `]`.
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority.as_str(), None),
    };
    if host.contains('*') {
        return Err(format!(
            "`{raw}`: wildcards are not supported; list each origin that embeds the portal."
        ));
    }
    if !(valid_dns_name(host) || valid_ip_literal(host)) {
        return Err(format!("`{raw}` does not have a valid host name."));
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => Some(n),
            _ => {
                return Err(format!(
                    "`{raw}` has an invalid port: use a number from 1 to 65535."
                ))
            }
        },
    };
    if scheme == "http" && !local_host(host) {
        return Err(format!(
            "`{raw}` uses http://: use https://{host}{}. Plain http is accepted only \
            for localhost, 127.0.0.1 and .test hosts.",
            port.map(|p| format!(":{p}")).unwrap_or_default()
        ));
    }
    let default_port = if scheme == "https" { 443 } else { 80 };
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Checks a whole list: the normalized list, or every problem keyed `allowed_origins[i]`.
pub fn parse_origins(
    list: &[String],
) -> Result<Vec<String>, std::collections::BTreeMap<String, String>> {
    let mut problems = std::collections::BTreeMap::new();
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    if list.len() > MAX_ORIGINS {
        problems.insert(
            "allowed_origins".into(),
            format!("List at most {MAX_ORIGINS} origins."),
        );
    }
    for (i, entry) in list.iter().enumerate() {
        match parse_origin(entry) {
            Ok(o) if out.contains(&o) => {
                problems.insert(
                    format!("allowed_origins[{i}]"),
                    format!("`{o}` is listed twice."),
                );
            }
            Ok(o) => out.push(o),
            Err(m) => {
                problems.insert(format!("allowed_origins[{i}]"), m);
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The `Content-Security-Policy` value for a portal page: exactly the allowed origins, `'none'`
/// when there are none; `with_self` adds the portal itself (for pages the portal frames).
pub fn frame_ancestors(origins: &[String], with_self: bool) -> String {
    let mut sources: Vec<&str> = Vec::with_capacity(origins.len() + 1);
    if with_self {
        sources.push("'self'");
    }
    sources.extend(origins.iter().map(String::as_str));
    if sources.is_empty() {
        "frame-ancestors 'none'".into()
    } else {
        format!("frame-ancestors {}", sources.join(" "))
    }
}

/// The origin of a URL the browser reports (a referrer, an ancestor origin), if it is listed.
pub fn allowed_match<'a>(url: &str, origins: &'a [String]) -> Option<&'a str> {
    // Browsers report origins normalized already; a referrer has a path to cut off first.
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let origin = parse_origin(&format!("{scheme}://{authority}")).ok()?;
    origins.iter().find(|o| **o == origin).map(String::as_str)
}

/// The screen's name for `portico.step_changed`: the wizard step's slug for
/// `/sso/setup/<step>` or `/directory/setup/<step>` (the `path` tells the two wizards apart), else
/// the first path segment (`setup`, `sso`, `domains`, `directory`, `theme`), and
/// `home` for `/`.
pub fn step_name(path: &str) -> String {
    let wizard = path
        .strip_prefix("/sso/setup/")
        .or_else(|| path.strip_prefix("/directory/setup/"));
    if let Some(rest) = wizard {
        return rest.split('/').next().unwrap_or(rest).to_owned();
    }
    // A theme link is redeemed at /theme/setup (where the designer's module starts): to the
    // vendor's page it is the same step as any link's redemption.
    if path == "/theme/setup" {
        return "setup".to_owned();
    }
    match path.trim_start_matches('/').split('/').next() {
        Some("") | None => "home".to_owned(),
        Some(first) => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized() {
        assert_eq!(
            parse_origin(" https://App.Vendor.COM ").unwrap(),
            "https://app.vendor.com"
        );
        assert_eq!(
            parse_origin("https://app.vendor.com:8443/").unwrap(),
            "https://app.vendor.com:8443"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:80").unwrap(),
            "http://127.0.0.1"
        );
        assert_eq!(
            parse_origin("http://[::1]:3000").unwrap(),
            "http://[::1]:3000"
        );
        assert_eq!(
            parse_origin("http://app.other.test:9000").unwrap(),
            "http://app.other.test:9000"
        );
        assert_eq!(
            parse_origin("https://10.0.0.5").unwrap(),
            "https://10.0.0.5"
        );
    }

    #[test]
    fn bad_origins_say_what_to_change() {
        for (bad, hint) in [
            ("app.vendor.com", "https://app.vendor.com"),
            ("http://app.vendor.com", "use https://app.vendor.com"),
            ("https://app.vendor.com/settings", "has a path"),
            ("https://app.vendor.com?x=1", "has a path"),
            ("https://*.vendor.com", "wildcards"),
            ("ftp://app.vendor.com", "only https://"),
            ("https://user@app.vendor.com", "user name"),
            ("https://app.vendor.com:99999", "invalid port"),
            ("https://app_vendor.com", "valid host"),
            ("https://bücher.example", "punycode"),
            ("'self'", "not an origin"),
            ("*", "not an origin"),
            ("", "Enter an origin"),
        ] {
            let e = parse_origin(bad).unwrap_err();
            assert!(e.contains(hint), "{bad}: {e}");
        }
    }

    #[test]
    fn lists_report_each_entry() {
        let list = vec![
            "https://a.example".to_owned(),
            "http://b.example".to_owned(),
            "https://A.example/".to_owned(),
        ];
        let problems = parse_origins(&list).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems["allowed_origins[1]"].contains("https://b.example"));
        assert!(problems["allowed_origins[2]"].contains("twice"));
    }

    #[test]
    fn the_policy_lists_exactly_the_origins() {
        assert_eq!(frame_ancestors(&[], false), "frame-ancestors 'none'");
        assert_eq!(frame_ancestors(&[], true), "frame-ancestors 'self'");
        let o = vec![
            "https://a.example".to_owned(),
            "http://localhost:3000".to_owned(),
        ];
        assert_eq!(
            frame_ancestors(&o, false),
            "frame-ancestors https://a.example http://localhost:3000"
        );
        assert_eq!(
            frame_ancestors(&o, true),
            "frame-ancestors 'self' https://a.example http://localhost:3000"
        );
    }

    #[test]
    fn a_parent_matches_only_a_listed_origin() {
        let o = vec![
            "https://app.vendor.com".to_owned(),
            "http://localhost:3000".to_owned(),
        ];
        assert_eq!(
            allowed_match("https://app.vendor.com/settings/sso?x=1", &o),
            Some("https://app.vendor.com")
        );
        assert_eq!(
            allowed_match("http://localhost:3000", &o),
            Some("http://localhost:3000")
        );
        assert_eq!(allowed_match("http://localhost:3001/", &o), None);
        assert_eq!(
            allowed_match("https://app.vendor.com.evil.example/", &o),
            None
        );
        assert_eq!(allowed_match("", &o), None);
    }

    #[test]
    fn steps_are_named_by_the_wizard_slug_or_the_screen() {
        assert_eq!(step_name("/sso/setup/provider"), "provider");
        assert_eq!(step_name("/sso/setup/mapping"), "mapping");
        assert_eq!(step_name("/directory/setup/connect"), "connect");
        assert_eq!(step_name("/directory"), "directory");
        assert_eq!(step_name("/sso"), "sso");
        assert_eq!(step_name("/domains"), "domains");
        assert_eq!(step_name("/theme/preview"), "theme");
        assert_eq!(step_name("/setup"), "setup");
        assert_eq!(step_name("/theme/setup"), "setup");
        assert_eq!(step_name("/"), "home");
    }
}
