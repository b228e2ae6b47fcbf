//! The vendor's custom CSS: checked so it cannot load anything from elsewhere, and rewritten so
//! it only reaches elements inside the portal root.
//!
//! Scoping prefixes every selector with [`ROOT_SELECTOR`] rather than wrapping the snippet in a
//! nesting block, because nesting would turn `body { … }` into `#portico-root body`, which
//! matches nothing, while prefixing lets us map `html`, `body` and `:root` onto the root
//! element itself — the one thing a vendor means by them.
//!
//! Rules nested inside a rule's block (CSS nesting) are kept as written, so each is checked to
//! stay inside its parent's reach: `&` only outside `:is()`, `:not()` and other parentheses
//! (`:not(&)` is everything else on the page), and, when the parent is the root itself
//! (`body { … }`), no `+` or `~` from it (`body { & ~ * { … } }` would reach the page beside the
//! portal). A parent strictly inside the root may use them: its siblings are inside the root
//! too. Only `@media`, `@supports`, `@container` and `@layer` nest, and nothing nests inside
//! `@font-face` or a keyframe.
//!
//! What can load or run (`url(`, `@import`, `image-set(`, escapes that spell them, …) is found
//! by the scanner the SVG filter shares ([`super::css_guard`]).
//!
//! Everything is checked on exactly the text that is emitted (comments are removed first), so
//! the browser never sees anything the checks did not.

use std::fmt::Write as _;

use super::css_guard::{first_hazard, ident_end, Hazard, Policy};

/// The id of the element the portal is mounted in; custom CSS is scoped under it.
pub const ROOT_ID: &str = "portico-root";
/// [`ROOT_ID`] as a selector.
pub const ROOT_SELECTOR: &str = "#portico-root";
/// The largest custom CSS snippet accepted, in bytes.
pub const CUSTOM_CSS_MAX: usize = 20 * 1024;
/// Where theme assets (logos, fonts, images) are served; the only place `url(…)` may point.
pub const ASSET_PREFIX: &str = "/theme-assets/";

/// At-rules whose block holds style rules: scoped recursively.
const GROUPING_AT_RULES: [&str; 4] = ["media", "supports", "container", "layer"];
/// Every at-rule custom CSS may use: the grouping ones, and @font-face and @keyframes, whose
/// blocks hold no selectors and are kept as written.
const ALLOWED_AT_RULES: [&str; 7] = [
    "media",
    "supports",
    "container",
    "layer",
    "font-face",
    "keyframes",
    "-webkit-keyframes",
];
/// What custom CSS may load: the theme's own assets, nothing else.
const POLICY: Policy = Policy {
    url_allowed: is_asset_path,
    at_rules: Some(&ALLOWED_AT_RULES),
};

/// Checks a custom CSS snippet and returns it scoped under the portal root.
///
/// Refused, each with a message saying what to remove: more than 20 KB; `@import`, `@charset`,
/// `@namespace` and every at-rule other than `@media`, `@supports`, `@container`, `@layer`,
/// `@font-face` and `@keyframes`; `url(…)` anywhere but a path under `/theme-assets/` (no
/// scheme, no `//`); `expression(…)`, `image-set(…)` and other functions that fetch without
/// `url(`; `behavior` and `-moz-binding`; `javascript:`; `</` (which would close a `<style>`
/// element); backslash escapes outside quotes (they could spell `url(` or `@import` in
/// disguise); unclosed comments, strings, braces, brackets or parentheses; declarations outside
/// a rule; `&` outside a nested rule; nested rules that could reach outside the portal (see the
/// module documentation).
///
/// Every selector is prefixed with `#portico-root`; a leading `html`, `body` or `:root`
/// becomes context around the root, so `body { … }` styles the root element and
/// `:root[data-theme=dark] .card` still follows the dark-mode toggle.
///
/// ```
/// use portico::core::theme::scope_custom_css;
/// let css = scope_custom_css("body { background: navy } .button { font-weight: 700 }").unwrap();
/// assert_eq!(css, "body #portico-root{background: navy}\n#portico-root .button{font-weight: 700}\n");
/// assert!(scope_custom_css("@import url(https://evil.example/x.css);").is_err());
/// ```
pub fn scope_custom_css(css: &str) -> Result<String, String> {
    if css.len() > CUSTOM_CSS_MAX {
        return Err(format!(
            "Custom CSS is limited to {} KB; this is {} KB. Move large styles into the theme's \
                colors and fonts, or trim it.",
            CUSTOM_CSS_MAX / 1024,
            css.len().div_ceil(1024)
        ));
    }
    if let Some(c) = css
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
    {
        return Err(format!(
            "Remove the control character U+{:04X} from the custom CSS.",
            u32::from(c)
        ));
    }
    let text = strip_comments(css)?;
    check_tokens(&text)?;
    let lower = text.to_ascii_lowercase();
    if let Some(at) = lower.find("</") {
        return Err(format!(
            "{}Remove \"</\": it could close the page's <style> element.",
            line_of(&text, at)
        ));
    }
    if let Some(at) = lower.find("javascript:") {
        return Err(format!(
            "{}Remove \"javascript:\": custom CSS cannot run script.",
            line_of(&text, at)
        ));
    }
    let mut out = String::new();
    scope_rules(&text, 0, text.len(), &mut out)?;
    Ok(out)
}

/// "Line 3: " for a byte offset, so messages point at the place to fix.
fn line_of(text: &str, at: usize) -> String {
    let line = text
        .as_bytes()
        .iter()
        .take(at)
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    format!("Line {line}: ")
}

/// Index just past the string starting at `start` (a quote), or an error if it never closes.
fn skip_string(text: &str, start: usize) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' | b'\r' | b'\x0c' => break,
            b if b == quote => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(format!(
        "{}Close the quoted text: a {} has no matching end on its line.",
        line_of(text, start),
        quote as char
    ))
}

/// Removes comments. A comment that spans lines leaves its line breaks behind, so line numbers
/// in later messages still match what the vendor wrote.
fn strip_comments(css: &str) -> Result<String, String> {
    let bytes = css.as_bytes();
    let mut out = String::with_capacity(css.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => i = skip_string(css, i)?,
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.push_str(&css[copied..i]);
                let Some(len) = css[i + 2..].find("*/") else {
                    return Err(format!(
                        "{}Close the comment: this /* has no */.",
                        line_of(css, i)
                    ));
                };
                let end = i + 2 + len + 2;
                // A comment separates tokens: it becomes a space (or its line breaks, to keep line
                // numbers), never nothing, or `/` + `/**/` + `*` would join into a new `/*`.
                let breaks = css[i..end].matches('\n').count();
                if breaks == 0 {
                    out.push(' ');
                }
                out.extend(std::iter::repeat_n('\n', breaks));
                i = end;
                copied = end;
            }
            b'*' if bytes.get(i + 1) == Some(&b'/') => {
                return Err(format!(
                    "{}Remove the stray */: no comment is open here.",
                    line_of(css, i)
                ));
            }
            _ => i += 1,
        }
    }
    out.push_str(&css[copied..]);
    Ok(out)
}

/// Checks everything outside quoted text: what could load or run (the shared scanner), and
/// that braces, brackets and parentheses nest properly (a `}` inside an unclosed `(` would make
/// the browser see different rules than we scoped).
fn check_tokens(text: &str) -> Result<(), String> {
    if let Some(found) = first_hazard(text, &POLICY) {
        let line = line_of(text, found.at);
        return Err(match found.hazard {
            Hazard::Escape => format!("{line}Remove the backslash escape: outside quotes, escapes \
                could disguise url( or @import."),
            Hazard::AtRule(name) => at_rule_message(&name, &line),
            Hazard::Function(name) => format!(
                "{line}Remove {name}(…): custom CSS may only use url(/theme-assets/…) to load \
                    images and fonts, and cannot run script."
            ),
            Hazard::Property(name) => format!("{line}Remove the {name} property: it attaches code \
                to elements, and custom CSS cannot run script."),
            Hazard::Url(value) => format!(
                "{line}url({value}) is not allowed: custom CSS may only load the theme's own \
                    assets, with a path like url({ASSET_PREFIX}background.png) (no https://, no //, no ..)."
            ),
            Hazard::UrlNotClosed => format!("{line}Close the url(…) right after its address."),
        });
    }
    let bytes = text.as_bytes();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' => {
                i = skip_string(text, i)?;
                continue;
            }
            b'(' | b'[' | b'{' => open.push((b, i)),
            b')' | b']' | b'}' => {
                let want = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match open.pop() {
                    Some((o, _)) if o == want => {}
                    Some((o, at)) => {
                        return Err(format!(
                            "{}Unbalanced braces: this {} closes the {} opened on {}. Close each bracket in order.",
                            line_of(text, i),
                            b as char,
                            o as char,
                            line_of(text, at).trim_end_matches(": ").to_ascii_lowercase()
                        ));
                    }
                    None => {
                        return Err(format!(
                            "{}Unbalanced braces: remove this {} or add its opening.",
                            line_of(text, i),
                            b as char
                        ));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some((o, at)) = open.pop() {
        return Err(format!(
            "{}Unbalanced braces: this {o} is never closed.",
            line_of(text, at),
            o = o as char
        ));
    }
    Ok(())
}

fn at_rule_message(name: &str, line: &str) -> String {
    match name {
        "import" => format!(
            "{line}Remove the @import: custom CSS cannot load other stylesheets. \
            Put the rules here instead."
        ),
        "charset" => {
            format!("{line}Remove the @charset rule: the theme stylesheet is always UTF-8.")
        }
        "namespace" => format!("{line}Remove the @namespace rule: the portal is plain HTML."),
        "" => format!("{line}Remove the stray @."),
        other => format!(
            "{line}Remove @{other}: custom CSS may use @media, @supports, @container, @layer, \
                @font-face and @keyframes."
        ),
    }
}

/// Whether a `url(…)` address is a path under [`ASSET_PREFIX`]: no scheme, no `//`, no `..`,
/// nothing a browser would decode into something else.
fn is_asset_path(value: &str) -> bool {
    value.strip_prefix(ASSET_PREFIX).is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !rest.contains("..")
            && !rest.contains("//")
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_' | b'~'))
    })
}

/// Index of the first `;`, `{` or `}` at or after `from`, outside quotes and parentheses.
fn prelude_end(text: &str, from: usize, to: usize) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < to {
        match bytes[i] {
            b'"' | b'\'' => {
                i = skip_string(text, i)?;
                continue;
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b';' | b'{' | b'}' if depth == 0 => return Ok(i),
            _ => {}
        }
        i += 1;
    }
    Ok(to)
}

/// Index of the `}` matching the `{` at `open`. Brackets were checked to nest, so counting
/// braces outside quotes is enough.
fn block_end(text: &str, open: usize, to: usize) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < to {
        match bytes[i] {
            b'"' | b'\'' => {
                i = skip_string(text, i)?;
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(format!(
        "{}Unbalanced braces: this {{ is never closed.",
        line_of(text, open)
    ))
}

/// Scopes the rules in `text[from..to]` (a whole snippet, or a grouping at-rule's block) into
/// `out`, one rule per line.
fn scope_rules(text: &str, from: usize, to: usize, out: &mut String) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        while i < to && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= to {
            return Ok(());
        }
        let end = prelude_end(text, i, to)?;
        let prelude = text[i..end].trim();
        // Worked out only for a message: counting lines for every rule would be quadratic.
        let line = || line_of(text, i);
        if bytes[i] == b'@' {
            let name_end = ident_end(bytes, i + 1);
            let name = text[i + 1..name_end].to_ascii_lowercase();
            match bytes.get(end) {
                Some(b';') if name == "layer" => {
                    let _ = writeln!(out, "{prelude};");
                    i = end + 1;
                }
                Some(b'{') => {
                    let close = block_end(text, end, to)?;
                    if GROUPING_AT_RULES.contains(&name.as_str()) {
                        let _ = writeln!(out, "{prelude}{{");
                        scope_rules(text, end + 1, close, out)?;
                        out.push_str("}\n");
                    } else {
                        // @font-face holds declarations, @keyframes keyframes that hold
                        // declarations: any deeper block is something else in disguise.
                        let depth = if name == "font-face" { 0 } else { 1 };
                        check_depth(text, end + 1, close, depth, &name)?;
                        let _ = writeln!(out, "{prelude}{{{}}}", text[end + 1..close].trim());
                    }
                    i = close + 1;
                }
                _ => return Err(format!("{}Give @{name} a {{ … }} block.", line())),
            }
            continue;
        }
        if bytes.get(end) != Some(&b'{') {
            return Err(format!(
                "{}Put declarations inside a rule with a selector, like .card {{ border-width: 2px; }}.",
                line()
            ));
        }
        if prelude.is_empty() {
            return Err(format!(
                "{}This rule has no selector: add one before the {{.",
                line()
            ));
        }
        let close = block_end(text, end, to)?;
        let (selectors, is_root) =
            scope_selector_list(prelude).map_err(|e| format!("{}{e}", line()))?;
        check_nested(text, end + 1, close, is_root)?;
        let _ = writeln!(out, "{selectors}{{{}}}", text[end + 1..close].trim());
        i = close + 1;
    }
}

/// Refuses blocks nested more than `max` deep inside `text[from..to]` (the inside of an
/// `@name` rule).
fn check_depth(text: &str, from: usize, to: usize, max: usize, name: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < to {
        match bytes[i] {
            b'"' | b'\'' => {
                i = skip_string(text, i)?;
                continue;
            }
            b'{' => {
                depth += 1;
                if depth > max {
                    let what = if max == 0 {
                        "declarations"
                    } else {
                        "keyframes with declarations"
                    };
                    return Err(format!(
                        "{}@{name} holds only {what}: remove this nested block.",
                        line_of(text, i)
                    ));
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Checks the rules nested in a style rule's block `text[from..to]` (CSS nesting), which are
/// emitted as written: each selector must stay within its parent's reach. `parent_is_root`
/// says whether the parent can be the portal root itself (`body { … }`), whose siblings are
/// the page outside the portal.
fn check_nested(text: &str, from: usize, to: usize, parent_is_root: bool) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        while i < to && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= to {
            return Ok(());
        }
        let end = prelude_end(text, i, to)?;
        if end >= to || bytes[end] != b'{' {
            // A declaration (or `@layer a;`): nothing nested.
            i = end + 1;
            continue;
        }
        let close = block_end(text, end, to)?;
        let line = || line_of(text, i);
        if bytes[i] == b'@' {
            let name = text[i + 1..ident_end(bytes, i + 1)].to_ascii_lowercase();
            if !GROUPING_AT_RULES.contains(&name.as_str()) {
                return Err(format!(
                    "{}Move @{name} out of the rule it is nested in, to the top level.",
                    line()
                ));
            }
            // Rules inside a nested @media still nest in the same parent.
            check_nested(text, end + 1, close, parent_is_root)?;
        } else {
            let mut any_root = false;
            for (a, b) in split_top_level(&text[i..end], |c| c == b',') {
                let selector = text[i + a..i + b].trim();
                if selector.is_empty() {
                    return Err(format!(
                        "{}Remove the empty selector: a comma has nothing on one side.",
                        line()
                    ));
                }
                any_root |= check_nested_selector(selector, parent_is_root)
                    .map_err(|e| format!("{}{e}", line()))?;
            }
            check_nested(text, end + 1, close, any_root)?;
        }
        i = close + 1;
    }
}

/// Where `&` appears in a selector outside quotes: at the top level, and inside parentheses or
/// brackets.
fn ampersands(s: &str) -> (bool, bool) {
    let bytes = s.as_bytes();
    let (mut top, mut inner, mut depth, mut i) = (false, false, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                i = skip_string(s, i).unwrap_or(bytes.len());
                continue;
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'&' if depth == 0 => top = true,
            b'&' => inner = true,
            _ => {}
        }
        i += 1;
    }
    (top, inner)
}

/// Checks one nested selector; returns whether what it matches can be the portal root itself.
///
/// A nested selector reaches from its parent through the combinator after its last `&` (or
/// its leading combinator, or a descendant step when it has no `&`): down is always inside
/// the parent; beside (`+`, `~`) is inside the portal unless the parent is the root.
fn check_nested_selector(selector: &str, parent_is_root: bool) -> Result<bool, String> {
    let (_, in_parens) = ampersands(selector);
    if in_parens {
        return Err(format!(
            "\"{selector}\": & inside :is(), :not(), :has() or brackets could match elements \
                outside the portal. Use & at the start of a selector, like &:hover or &.active."
        ));
    }
    let parts = compounds(selector);
    let last_amp = parts.iter().rposition(|(_, c)| ampersands(c).0);
    let step = match last_amp {
        Some(k) => parts.get(k + 1).map(|(comb, _)| comb.as_str()),
        None => parts.first().map(|(comb, _)| comb.as_str()),
    };
    if parent_is_root && matches!(step, Some("+" | "~")) {
        return Err(format!(
            "\"{selector}\" would reach elements beside the portal, not inside it. Inside html, \
                body or :root, nest only selectors that go down, like .card or > main."
        ));
    }
    // Still the root when the selector ends at its `&` (`&:hover`, `.dark &`).
    Ok(parent_is_root && last_amp.is_some() && step.is_none())
}

/// Splits `s` at `sep` bytes outside quotes, parentheses and brackets.
fn split_top_level(s: &str, is_sep: impl Fn(u8) -> bool) -> Vec<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                // Strings were checked to close; fall back to the end if not.
                i = skip_string(s, i).unwrap_or(bytes.len());
                continue;
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b if depth == 0 && is_sep(b) => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, bytes.len()));
    parts
}

/// The scoped selector list, and whether one of its selectors is the portal root itself.
fn scope_selector_list(prelude: &str) -> Result<(String, bool), String> {
    let mut scoped = Vec::new();
    let mut any_root = false;
    for (a, b) in split_top_level(prelude, |c| c == b',') {
        let selector = prelude[a..b].trim();
        if selector.is_empty() {
            return Err("Remove the empty selector: a comma has nothing on one side.".into());
        }
        if ampersands(selector) != (false, false) {
            return Err(format!(
                "\"{selector}\": & stands for the selector of the rule it is nested in, and this \
                    rule is not nested. Write the selector out."
            ));
        }
        let (s, is_root) = scope_selector(selector)?;
        any_root |= is_root;
        scoped.push(s);
    }
    Ok((scoped.join(", "), any_root))
}

/// A compound selector that names the page itself: `html`, `body` or `:root`, possibly with
/// more conditions (`:root[data-theme=dark]`, `body.x`).
fn names_page(compound: &str) -> bool {
    let lower = compound.to_ascii_lowercase();
    ["html", "body", ":root"].iter().any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '#', '[', ':']))
    })
}

/// A complex selector as (combinator before, compound) pairs; combinators are "" (none, for a
/// selector that starts with a compound), " ", ">", "+" or "~".
fn compounds(selector: &str) -> Vec<(String, String)> {
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut pending = String::new();
    for (a, b) in split_top_level(selector, |c| {
        c.is_ascii_whitespace() || matches!(c, b'>' | b'+' | b'~')
    }) {
        // The separator byte is just before `a` (except for the first piece).
        if a > 0 {
            let sep = selector.as_bytes()[a - 1];
            if matches!(sep, b'>' | b'+' | b'~') {
                pending = (sep as char).to_string();
            } else if pending.is_empty() {
                pending = " ".into();
            }
        }
        let compound = &selector[a..b];
        if !compound.is_empty() {
            parts.push((std::mem::take(&mut pending), compound.to_owned()));
        }
    }
    parts
}

/// Prefixes one complex selector with the root, turning leading page selectors into context;
/// also says whether the result is the root itself (`body`, `:root[data-theme=dark]`).
fn scope_selector(selector: &str) -> Result<(String, bool), String> {
    let parts = compounds(selector);
    let context = parts.iter().take_while(|(_, c)| names_page(c)).count();
    let mut out = String::new();
    for (i, (comb, compound)) in parts.iter().enumerate() {
        if i == context {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(ROOT_SELECTOR);
            match comb.as_str() {
                "+" | "~" => {
                    return Err(format!(
                        "\"{selector}\" would reach elements beside the portal, not inside it. \
                            Start the selector inside the portal."
                    ))
                }
                ">" => out.push_str(" > "),
                _ => out.push(' '),
            }
        } else if i > 0 {
            match comb.as_str() {
                " " | "" => out.push(' '),
                c => {
                    out.push(' ');
                    out.push_str(c);
                    out.push(' ');
                }
            }
        }
        out.push_str(compound);
    }
    if context == parts.len() {
        // `body::before` means the root's pseudo-element: move it past the root, where a
        // pseudo-element must stay last.
        // Only when the last compound is plain, so a "::" inside quotes or brackets is never
        // mistaken for one.
        let plain = parts
            .last()
            .is_some_and(|(_, c)| !c.contains(['[', '(', '"', '\'']));
        let pseudo = match out.rfind("::") {
            Some(at) if plain && parts.last().is_some_and(|(_, c)| c.contains("::")) => {
                out.split_off(at)
            }
            _ => String::new(),
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(ROOT_SELECTOR);
        out.push_str(&pseudo);
    }
    Ok((out, context == parts.len()))
}
