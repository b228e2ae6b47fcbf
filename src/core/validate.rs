//! Field validation shared by the portal (instant feedback) and the server (the authority).
//!
//! Each check returns the message an admin or developer sees next to the field.

/// Longest display name accepted.
pub const NAME_MAX: usize = 200;
/// Longest URL accepted.
pub const URL_MAX: usize = 2048;

/// A display name: not blank, not too long, no control characters.
pub fn name(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Enter a name.".into());
    }
    if v.chars().count() > NAME_MAX {
        return Err(format!("Use at most {NAME_MAX} characters."));
    }
    if v.chars().any(char::is_control) {
        return Err("Remove line breaks and other control characters.".into());
    }
    Ok(v.to_owned())
}

/// A vendor's external id: 1–200 printable characters without spaces.
pub fn external_id(value: &str) -> Result<String, String> {
    let v = value.trim();
    // Characters, as the message (and the OpenAPI document's maxLength) says, not bytes.
    if v.is_empty() || v.chars().count() > NAME_MAX {
        return Err(format!("Use 1 to {NAME_MAX} characters."));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("Spaces and control characters are not allowed.".into());
    }
    Ok(v.to_owned())
}

/// An email domain as given by the vendor: lowercased, labels of letters, digits and hyphens.
///
/// Full public-suffix and internationalized-name handling belongs to domain verification.
pub fn domain(value: &str) -> Result<String, String> {
    let v = value.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = v.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if v.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!(
            "\"{}\" is not a domain name like example.com.",
            value.trim()
        ));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("Use a domain name, not an IP address.".into());
    }
    Ok(v)
}

/// An absolute `http` or `https` URL with a host. `https_only` refuses plain `http`.
pub fn web_url(value: &str, https_only: bool) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Enter a URL.".into());
    }
    if v.len() > URL_MAX {
        return Err(format!("Use a URL of at most {URL_MAX} characters."));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("A URL cannot contain spaces.".into());
    }
    let rest = if let Some(r) = v.strip_prefix("https://") {
        r
    } else if let Some(r) = v.strip_prefix("http://") {
        if https_only {
            return Err("Use an https:// URL.".into());
        }
        r
    } else {
        return Err("Enter a full URL starting with https://.".into());
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("The URL has no host name.".into());
    }
    Ok(v.to_owned())
}

/// A client ID or similar opaque identifier typed by an admin.
pub fn identifier(value: &str, what: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(format!("Enter the {what}."));
    }
    if v.len() > 1024 || v.chars().any(char::is_control) {
        return Err(format!(
            "That does not look like a {what}: check for line breaks or extra text."
        ));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name("  Acme  ").unwrap(), "Acme");
        assert!(name("   ").is_err());
        assert!(name(&"x".repeat(201)).is_err());
        assert!(name("a\nb").is_err());
    }

    #[test]
    fn domains() {
        assert_eq!(domain("Example.COM.").unwrap(), "example.com");
        assert_eq!(domain("sub.acme.co.uk").unwrap(), "sub.acme.co.uk");
        for bad in [
            "localhost",
            "10.0.0.1",
            "-a.com",
            "a..com",
            "exa mple.com",
            "",
        ] {
            assert!(domain(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn urls() {
        assert!(web_url("https://idp.example.com/metadata", true).is_ok());
        assert!(web_url("http://127.0.0.1:9000/x", false).is_ok());
        assert_eq!(
            web_url("http://idp.example.com", true).unwrap_err(),
            "Use an https:// URL."
        );
        assert!(web_url("idp.example.com", false).is_err());
        assert!(web_url("https:///path", false).is_err());
        assert!(web_url("https://a b", false).is_err());
        assert!(web_url("javascript:alert(1)", false).is_err());
    }

    #[test]
    fn identifiers() {
        assert_eq!(identifier(" 0oa1 ", "client ID").unwrap(), "0oa1");
        assert_eq!(
            identifier("", "client ID").unwrap_err(),
            "Enter the client ID."
        );
    }
}
