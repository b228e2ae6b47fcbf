//! The `Content-Security-Policy` of Portico's own pages: everything from Portico's origin,
//! WebAssembly allowed, and inline scripts only by the hash of the exact scripts a page carries
//! (Trunk's module loader in the portal's `index.html`, the auto-submit of the SAML POST binding
//! form), so a script injected into a page does not run.
//!
//! Styles stay `'unsafe-inline'`: the portal's components insert their scoped `<style>`
//! elements at run time and the markup carries `style` attributes. CSS cannot run code, and
//! `connect-src`, `img-src` and `font-src` keep what it could load to Portico's own origin.

use base64::Engine;
use sha2::{Digest, Sha256};

/// Where a page's forms may post, beyond its own origin; and which inline scripts it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageSources {
    /// CSP hash sources (`'sha256-…'`) of the page's inline scripts.
    pub script_hashes: Vec<String>,
    /// Origins the page's forms post to besides `'self'` (the IdP of a SAML POST binding).
    pub form_targets: Vec<String>,
}

impl PageSources {
    /// The sources for an HTML page: the hash of every inline script in it.
    pub fn for_html(html: &str) -> PageSources {
        PageSources {
            script_hashes: inline_scripts(html)
                .iter()
                .map(|s| hash_source(s))
                .collect(),
            form_targets: Vec::new(),
        }
    }
}

/// The CSP hash source of one inline script's text, as browsers compute it: SHA-256 over the
/// UTF-8 text after the HTML parser turned CR LF and lone CR into LF.
///
/// ```
/// assert_eq!(portico::core::csp::hash_source("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
/// ```
pub fn hash_source(script: &str) -> String {
    let normalized = script.replace("\r\n", "\n").replace('\r', "\n");
    let digest = Sha256::digest(normalized.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The whole policy for a page: `frame_ancestors` is the directive built from the embedding
/// settings ([`crate::core::embed::frame_ancestors`]).
pub fn page_policy(page: &PageSources, frame_ancestors: &str) -> String {
    let mut script = String::from("'self' 'wasm-unsafe-eval'");
    for h in &page.script_hashes {
        script.push(' ');
        script.push_str(h);
    }
    let mut form = String::from("'self'");
    for t in &page.form_targets {
        form.push(' ');
        form.push_str(t);
    }
    format!(
        "default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action {form}; {frame_ancestors}"
    )
}

/// The text of every inline `<script>` element (one without `src`) in an HTML document, in
/// order. A tolerant scanner, enough for the pages Portico itself builds or serves: comments
/// are skipped, attribute values may hold `>`, and a script's text runs to the first
/// `</script` as in the HTML parser.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        if html[i..].starts_with("<!--") {
            i = match html[i + 4..].find("-->") {
                Some(end) => i + 4 + end + 3,
                None => return out,
            };
            continue;
        }
        if !starts_with_ignore_case(&bytes[i + 1..], b"script")
            || !bytes
                .get(i + 7)
                .is_some_and(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        {
            i += 1;
            continue;
        }
        let Some((tag_end, has_src)) = start_tag_end(bytes, i + 7) else {
            return out;
        };
        let body_start = tag_end + 1;
        let body_end = find_end_tag(bytes, body_start).unwrap_or(bytes.len());
        if !has_src {
            out.push(&html[body_start..body_end]);
        }
        i = body_end;
    }
    out
}

fn starts_with_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// From just after `<script`: the index of the tag's closing `>` and whether it has a `src`
/// attribute; `None` when the tag never closes.
fn start_tag_end(bytes: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut has_src = false;
    loop {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => return Some((i, has_src)),
            _ => {
                let name_start = i;
                while bytes.get(i).is_some_and(|&b| {
                    !(b.is_ascii_whitespace() || b == b'=' || b == b'>' || b == b'/')
                }) {
                    i += 1;
                }
                if bytes[name_start..i].eq_ignore_ascii_case(b"src") {
                    has_src = true;
                }
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    match bytes.get(i)? {
                        q @ (b'"' | b'\'') => {
                            let q = *q;
                            i += 1;
                            while *bytes.get(i)? != q {
                                i += 1;
                            }
                            i += 1;
                        }
                        _ => {
                            while bytes
                                .get(i)
                                .is_some_and(|&b| !(b.is_ascii_whitespace() || b == b'>'))
                            {
                                i += 1;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The start of the `</script` that ends a script's text (followed by space, `/` or `>`).
fn find_end_tag(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= bytes.len() {
        if bytes[i] == b'<'
            && bytes[i + 1] == b'/'
            && starts_with_ignore_case(&bytes[i + 2..], b"script")
            && bytes
                .get(i + 8)
                .is_none_or(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Trunk 0.21 writes into `index.html` for a Rust app (the shape of its loader).
    const TRUNK_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head>\n\
<link rel=\"modulepreload\" href=\"/portico-11ba1a4ab8013f8a.js\" crossorigin=\"anonymous\" integrity=\"sha384-x\">\n\
<script type=\"module\">\nimport init, * as bindings from '/portico-11ba1a4ab8013f8a.js';\nconst wasm = await init({ module_or_path: '/portico-11ba1a4ab8013f8a_bg.wasm' });\n\nwindow.wasmBindings = bindings;\n\ndispatchEvent(new CustomEvent(\"TrunkApplicationStarted\", {detail: {wasm}}));\n</script>\n\
<script src=\"/other.js\" data-x=\"a > b\"></script>\n\
<!-- <script>not a script</script> -->\n\
<SCRIPT data-note='has > inside'>second()</SCRIPT >\n\
</head><body></body></html>";

    #[test]
    fn inline_scripts_are_found_and_external_ones_and_comments_skipped() {
        let scripts = inline_scripts(TRUNK_PAGE);
        assert_eq!(scripts.len(), 2, "{scripts:?}");
        assert!(
            scripts[0].starts_with("\nimport init") && scripts[0].ends_with("}}));\n"),
            "{:?}",
            scripts[0]
        );
        assert_eq!(scripts[1], "second()");
        assert!(inline_scripts("<html><scripts>x</scripts><p>no scripts</p></html>").is_empty());
        // A script that never ends runs to the end of the document, as in the browser.
        assert_eq!(inline_scripts("<script>tail()"), vec!["tail()"]);
        // A start tag that never closes is no script.
        assert!(inline_scripts("<script type=\"module").is_empty());
    }

    #[test]
    fn hashes_match_what_browsers_compute() {
        // Values from `printf %s 'alert(1)' | openssl dgst -sha256 -binary | base64`.
        assert_eq!(
            hash_source("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
        // The parser turns CR LF into LF before the browser hashes the text.
        assert_eq!(hash_source("a();\r\nb();"), hash_source("a();\nb();"));
        assert_eq!(hash_source("a();\rb();"), hash_source("a();\nb();"));
    }

    #[test]
    fn the_policy_allows_exactly_the_page_scripts_and_form_targets() {
        let page = PageSources {
            script_hashes: vec!["'sha256-abc='".into()],
            form_targets: vec!["https://idp.example.com".into()],
        };
        let p = page_policy(&page, "frame-ancestors 'none'");
        assert!(
            p.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc=';"),
            "{p}"
        );
        assert!(
            p.contains("form-action 'self' https://idp.example.com;"),
            "{p}"
        );
        assert!(
            p.contains("base-uri 'none'")
                && p.contains("object-src 'none'")
                && p.ends_with("frame-ancestors 'none'"),
            "{p}"
        );
        let script_src = p
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(
            !script_src.contains("unsafe-inline") && !script_src.contains("'unsafe-eval'"),
            "{p}"
        );
        assert!(PageSources::for_html("<p>no script</p>")
            .script_hashes
            .is_empty());
    }
}
