//! How to add a TXT record at common DNS hosts, for domain verification: rendered from
//! Markdown at build time and served by `GET /portal/api/dns_hosts`.

use serde::{Deserialize, Serialize};

/// The placeholders a guide's HTML may contain, filled in by the browser with the admin's own
/// record: `host` (the name without the domain, e.g. `_portico-challenge`), `name` (the full
/// record name), `value` (the TXT value) and `domain`.
pub const PLACEHOLDERS: [&str; 4] = ["host", "name", "value", "domain"];

/// The short steps for one DNS host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DnsHostGuide {
    /// File name in `public/dns-hosts/`, e.g. `cloudflare`.
    pub key: String,
    /// The host's name, e.g. "Cloudflare".
    pub name: String,
    /// The steps as HTML (our own content; raw HTML is escaped at build time), with
    /// `{{host}}`-style placeholders (see [`PLACEHOLDERS`]).
    pub html: String,
}

/// Every DNS host guide, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DnsHostList {
    /// The guides.
    pub data: Vec<DnsHostGuide>,
}

impl DnsHostGuide {
    /// The guide's HTML with each placeholder replaced by its value, HTML-escaped; a
    /// placeholder without a value is left as it is.
    pub fn fill(&self, values: &[(&str, &str)]) -> String {
        let mut out = self.html.clone();
        for (key, value) in values {
            out = out.replace(
                &format!("{{{{{key}}}}}"),
                &html_escape::encode_quoted_attribute(value),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder_and_escapes_values() {
        let g = DnsHostGuide {
            key: "x".into(),
            name: "X".into(),
            html: "<p>Type <code>{{host}}</code>, then <code>{{value}}</code> ({{host}}).</p>"
                .into(),
        };
        let html = g.fill(&[("host", "_portico-challenge"), ("value", "a<b>&\"c\"")]);
        assert_eq!(
            html,
            "<p>Type <code>_portico-challenge</code>, then \
            <code>a&lt;b&gt;&amp;&quot;c&quot;</code> (_portico-challenge).</p>"
        );
    }
}
