//! Text written for people by the server (diagnoses, mapping remarks) marks attribute names and
//! values as inline code between backticks; the portal shows those parts as code, never the
//! backticks themselves.

/// `text` with its first letter in upper case: a name at the start of a sentence ("Your
/// directory", "Okta").
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One part of a text: plain words, or inline code (without its backticks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span<'a> {
    /// Words.
    Text(&'a str),
    /// An attribute name, a value: shown as code.
    Code(&'a str),
}

/// Splits `text` into plain and code parts. A backtick without its pair stays as written.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            out.push(Span::Text(&rest[..open]));
        }
        out.push(Span::Code(&rest[open + 1..open + 1 + len]));
        rest = &rest[open + 1 + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Span::Text(rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_mark_code_and_never_show() {
        assert_eq!(
            spans("`mail` arrived and looks right; map `email` to it."),
            [
                Span::Code("mail"),
                Span::Text(" arrived and looks right; map "),
                Span::Code("email"),
                Span::Text(" to it.")
            ]
        );
        assert_eq!(spans("No code here."), [Span::Text("No code here.")]);
        assert_eq!(spans("A lone ` stays."), [Span::Text("A lone ` stays.")]);
        assert_eq!(spans(""), []);
        assert_eq!(spans("``"), [Span::Code("")]);
    }
}
