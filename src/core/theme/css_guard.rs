//! What custom CSS and an SVG's styles are both checked for: anything that can load from
//! elsewhere or run script. One scanner, so the two filters cannot drift apart.
//!
//! It reads CSS the way a browser's tokenizer does where that matters: comments separate
//! tokens (`u/**/rl(` is the identifier `u` and the function `rl(`, not `url(`), a string ends
//! at its quote, at an unescaped line break or at the end, and function and at-rule names
//! compare without regard to ASCII case. Backslash escapes outside strings are refused rather
//! than decoded: `u\72l(` and `@\69mport` are `url(` and `@import` to a browser, and no
//! legitimate stylesheet needs an escape to spell a property, function or at-rule name.
//! Inside strings escapes stay (`content: "\2014"`); a string can only load something through
//! `url("…")`, whose address must pass the caller's test as written, or through a function or
//! at-rule (`image-set("…")`, `src("…")`, `@import "…"`) that is refused by name.

/// Functions that fetch without `url(` (`image-set("https://…")`, `src("…")`), display other
/// elements, or ran script in old browsers.
pub(super) const FORBIDDEN_FUNCTIONS: [&str; 7] = [
    "expression",
    "image-set",
    "-webkit-image-set",
    "image",
    "src",
    "element",
    "-moz-element",
];

/// Properties that attach code to elements in old browsers (XBL, HTC behaviours).
pub(super) const FORBIDDEN_PROPERTIES: [&str; 3] = ["behavior", "-ms-behavior", "-moz-binding"];

/// What a caller allows.
pub(super) struct Policy {
    /// Whether the address of a `url(…)` (as written, without its quotes) may stay.
    pub url_allowed: fn(&str) -> bool,
    /// The at-rules allowed (lowercase, without `@`), or `None` where at-rules mean nothing
    /// (a presentation attribute's value), so an `@` in `data-author="a@b.example"` is text.
    pub at_rules: Option<&'static [&'static str]>,
}

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Hazard {
    /// A backslash outside a string.
    Escape,
    /// An at-rule the policy does not allow (lowercase name, without `@`; empty for a lone `@`).
    AtRule(String),
    /// A forbidden function (lowercase name).
    Function(String),
    /// A forbidden property (lowercase name).
    Property(String),
    /// A `url(…)` whose address the policy refuses.
    Url(String),
    /// A `url(` with something after its address other than `)`.
    UrlNotClosed,
}

/// A hazard and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub at: usize,
    pub hazard: Hazard,
}

pub(super) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b >= 0x80
}

pub(super) fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_ident_byte(bytes[i]) {
        i += 1;
    }
    i
}

/// Index just past the string opening at `start`, as a browser ends it: at the matching quote,
/// at an unescaped line break (a "bad string", after which tokens resume), or at the end.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' | b'\r' | b'\x0c' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Index just past the comment opening at `start` (the end of the text if it never closes:
/// a browser reads the rest as comment).
fn comment_end(text: &str, start: usize) -> usize {
    text[start + 2..]
        .find("*/")
        .map_or(text.len(), |n| start + 2 + n + 2)
}

/// The first hazard in `text`, in order of appearance.
pub(super) fn first_hazard(text: &str, policy: &Policy) -> Option<Found> {
    let bytes = text.as_bytes();
    let found = |at, hazard| Some(Found { at, hazard });
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = comment_end(text, i);
                continue;
            }
            b'"' | b'\'' => {
                i = string_end(bytes, i);
                continue;
            }
            b'\\' => return found(i, Hazard::Escape),
            // `@\69mport` is `@import` to a browser.
            b'@' if bytes.get(i + 1) == Some(&b'\\') => return found(i + 1, Hazard::Escape),
            b'@' => {
                let end = ident_end(bytes, i + 1);
                if let Some(allowed) = policy.at_rules {
                    let name = text[i + 1..end].to_ascii_lowercase();
                    if !allowed.contains(&name.as_str()) {
                        return found(i, Hazard::AtRule(name));
                    }
                }
                i = end;
                continue;
            }
            // An identifier starts here unless it continues one (after a comment the previous
            // byte is `/`, so `u/**/rl(` is two identifiers, as in a browser).
            _ if is_ident_byte(b) && (i == 0 || !is_ident_byte(bytes[i - 1])) => {
                let end = ident_end(bytes, i);
                let name = text[i..end].to_ascii_lowercase();
                if bytes.get(end) == Some(&b'(') {
                    if name == "url" {
                        match url_argument(text, end + 1) {
                            Ok((value, after)) if (policy.url_allowed)(value) => {
                                i = after;
                                continue;
                            }
                            Ok((value, _)) => return found(i, Hazard::Url(value.to_owned())),
                            Err(()) => return found(i, Hazard::UrlNotClosed),
                        }
                    }
                    if FORBIDDEN_FUNCTIONS.contains(&name.as_str()) {
                        return found(i, Hazard::Function(name));
                    }
                } else if FORBIDDEN_PROPERTIES.contains(&name.as_str()) {
                    let rest = text[end..].trim_start_matches([' ', '\t', '\n', '\r', '\x0c']);
                    if rest.starts_with(':') {
                        return found(i, Hazard::Property(name));
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The address of the `url(` whose argument starts at `start`, and the index past its `)`.
/// `Err` when something other than `)` follows the address (the browser would not load it,
/// but nobody writes that on purpose).
fn url_argument(text: &str, start: usize) -> Result<(&str, usize), ()> {
    let bytes = text.as_bytes();
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let i = skip_space(start);
    let (value, after) = match bytes.get(i) {
        Some(b'"' | b'\'') => {
            let end = string_end(bytes, i);
            // Without its quotes; an unclosed string keeps everything after its quote.
            let inner_end = if end > i + 1 && bytes[end - 1] == bytes[i] {
                end - 1
            } else {
                end
            };
            (&text[i + 1..inner_end], skip_space(end))
        }
        _ => {
            // An unquoted address runs to `)`, or to the end of the text, where a browser
            // still loads it.
            let end = text[i..].find(')').map_or(bytes.len(), |n| i + n);
            return Ok((text[i..end].trim_end(), (end + 1).min(bytes.len())));
        }
    };
    if bytes.get(after) == Some(&b')') {
        Ok((value, after + 1))
    } else {
        Err(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAGMENTS_ONLY: Policy = Policy {
        url_allowed: |v| v.starts_with('#') && !v.contains('\\'),
        at_rules: Some(&["media"]),
    };
    const VALUES: Policy = Policy {
        url_allowed: |v| v.starts_with('#'),
        at_rules: None,
    };

    fn hazard(text: &str) -> Option<Hazard> {
        first_hazard(text, &FRAGMENTS_ONLY).map(|f| f.hazard)
    }

    #[test]
    fn disguised_loads_are_found_whatever_their_spelling() {
        let cases: &[(&str, Hazard)] = &[
            ("fill: u\\72l(https://evil.example/x)", Hazard::Escape),
            ("@\\69mport 'x.css';", Hazard::Escape),
            ("@ import 'x.css';", Hazard::AtRule(String::new())),
            ("@import url(x.css);", Hazard::AtRule("import".into())),
            ("@IMPORT 'x.css';", Hazard::AtRule("import".into())),
            (
                "@font-face { src: url(https://evil.example/f.woff2) }",
                Hazard::AtRule("font-face".into()),
            ),
            ("width: \\65xpression(alert(1))", Hazard::Escape),
            (
                "width: expression(alert(1))",
                Hazard::Function("expression".into()),
            ),
            (
                "background: image-set('https://evil.example/x.png' 1x)",
                Hazard::Function("image-set".into()),
            ),
            (
                "background: -WEBKIT-image-set('x.png' 1x)",
                Hazard::Function("-webkit-image-set".into()),
            ),
            (
                "background: src('https://evil.example/x.png')",
                Hazard::Function("src".into()),
            ),
            (
                "background: element(#secret)",
                Hazard::Function("element".into()),
            ),
            (
                "-moz-binding: url(#x)",
                Hazard::Property("-moz-binding".into()),
            ),
            ("behavior : url(#x)", Hazard::Property("behavior".into())),
            (
                "fill: URL( 'https://evil.example/x' )",
                Hazard::Url("https://evil.example/x".into()),
            ),
            (
                "fill: url(https://evil.example/x",
                Hazard::Url("https://evil.example/x".into()),
            ),
            (
                "fill: url(\"#a\" https://evil.example/x)",
                Hazard::UrlNotClosed,
            ),
            ("fill: url('#a\\27 x')", Hazard::Url("#a\\27 x".into())),
            // A line break ends a string: what follows is read as CSS again.
            (
                "content: 'open\nfill: url(https://evil.example/x)",
                Hazard::Url("https://evil.example/x".into()),
            ),
        ];
        for (text, expect) in cases {
            assert_eq!(hazard(text).as_ref(), Some(expect), "{text:?}");
        }
    }

    #[test]
    fn what_a_browser_would_not_read_as_a_load_passes() {
        for text in [
            "fill: url(#g); stroke: url( '#h' )",
            // Comments split tokens in a browser: these are `u` then `rl(`, and `url` then `(`.
            "fill: u/**/rl(https://evil.example/x)",
            "fill: url/**/(https://evil.example/x)",
            "content: 'url(https://evil.example/x) @import \\'x\\''",
            "content: \"\\2014\"",
            "@media (max-width: 10px) { .a { fill: red } }",
            "font-family: my-url(x), xurl(y), image-setting",
            "/* @import url(x) */ .a { fill: red }",
            "a:behavior-like { fill: red }",
        ] {
            assert_eq!(hazard(text), None, "{text:?}");
        }
    }

    #[test]
    fn at_keywords_mean_nothing_in_a_value() {
        assert_eq!(first_hazard("support@acme.example", &VALUES), None);
        assert_eq!(
            first_hazard("support@acme.example", &FRAGMENTS_ONLY).map(|f| f.hazard),
            Some(Hazard::AtRule("acme".into()))
        );
        assert_eq!(
            first_hazard("u\\72l(x)", &VALUES).map(|f| (f.at, f.hazard)),
            Some((1, Hazard::Escape))
        );
    }
}
