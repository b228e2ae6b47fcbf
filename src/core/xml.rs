//! Reading XML that comes from outside (SAML responses, metadata, SVG uploads): a streaming
//! prescan that bounds size, depth and counts before any tree is built, a strict parse behind
//! it, and small roxmltree helpers for namespaced lookups.
//!
//! roxmltree builds elements recursively and checks attributes pairwise, so a hostile document
//! nested a few thousand levels deep overflows the stack of the thread that parses it (a
//! tokio worker, or the browser's) and aborts the process, and one element with tens of
//! thousands of attributes costs seconds. Every caller therefore runs [`prescan`] (or
//! [`parse_bounded`], which runs it) with limits fitted to what it reads, and only recurses
//! over trees that passed it.

use roxmltree::{Document, Node, ParsingOptions};

/// SAML 2.0 assertion namespace.
pub const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 2.0 protocol namespace.
pub const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// XML Signature namespace.
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// XML Encryption namespace.
pub const NS_XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
/// XML Encryption 1.1 namespace.
pub const NS_XENC11: &str = "http://www.w3.org/2009/xmlenc11#";

/// How much of a document a reader accepts, checked by [`prescan`] before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest text, in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Most elements in the whole document.
    pub max_elements: usize,
    /// Most attributes (namespace declarations included) on one element.
    pub max_attributes: usize,
    /// Most namespace declarations in scope at one element: roxmltree copies the parent's
    /// namespaces into every element that declares its own.
    pub max_namespaces_in_scope: usize,
    /// Most namespace entries copied that way over the whole document.
    pub max_namespace_copies: usize,
}

impl Limits {
    /// A SAML protocol message (a Response, possibly with an encrypted assertion). Real ones
    /// nest about ten levels and hold a few hundred elements; an assertion carrying hundreds of
    /// group values stays far below these.
    pub const SAML_MESSAGE: Limits = Limits {
        max_bytes: 512 * 1024,
        max_depth: 32,
        max_elements: 20_000,
        max_attributes: 64,
        max_namespaces_in_scope: 64,
        max_namespace_copies: 200_000,
    };

    /// SAML metadata, up to a federation aggregate (the SWAMID file is 940 KB with about
    /// 50,000 elements).
    pub const METADATA: Limits = Limits {
        max_bytes: 10 * 1024 * 1024,
        max_depth: 64,
        max_elements: 2_000_000,
        max_attributes: 100,
        max_namespaces_in_scope: 100,
        max_namespace_copies: 2_000_000,
    };

    /// An uploaded SVG logo or favicon (at most 512 KB; design tools nest groups deeply but
    /// never hundreds of levels).
    pub const SVG: Limits = Limits {
        max_bytes: 512 * 1024,
        max_depth: 64,
        max_elements: 50_000,
        max_attributes: 100,
        max_namespaces_in_scope: 64,
        max_namespace_copies: 200_000,
    };
}

/// Which limit a document went past, and the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitExceeded {
    /// Longer than `max_bytes` (the limit).
    Size(usize),
    /// Nested deeper than `max_depth`.
    Depth(usize),
    /// More elements than `max_elements`.
    Elements(usize),
    /// An element with more attributes than `max_attributes`.
    Attributes(usize),
    /// More namespaces in scope than `max_namespaces_in_scope`.
    NamespacesInScope(usize),
    /// More namespace copies than `max_namespace_copies`.
    NamespaceCopies(usize),
}

impl LimitExceeded {
    /// The reason, as the end of a sentence starting "The document …" ("is larger than 512 KB").
    pub fn describe(self) -> String {
        match self {
            LimitExceeded::Size(n) => format!("is larger than {} KB", n / 1024),
            LimitExceeded::Depth(n) => format!("nests elements more than {n} levels deep"),
            LimitExceeded::Elements(n) => format!("has more than {n} elements"),
            LimitExceeded::Attributes(n) => format!("has an element with more than {n} attributes"),
            LimitExceeded::NamespacesInScope(n) => {
                format!("declares more than {n} XML namespaces in one place")
            }
            LimitExceeded::NamespaceCopies(n) => {
                format!("declares XML namespaces more than {n} times over")
            }
        }
    }
}

impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the document {}", self.describe())
    }
}

/// Walks the markup once, without building anything or recursing, and refuses what would make
/// a tree parser recurse too deep or do quadratic work. Malformed markup is left for the parser
/// to report: it stops at the first error, never deeper than this walk has checked. Runs in
/// time linear in the text.
pub fn prescan(text: &str, limits: &Limits) -> Result<(), LimitExceeded> {
    if text.len() > limits.max_bytes {
        return Err(LimitExceeded::Size(limits.max_bytes));
    }
    let b = text.as_bytes();
    let (mut i, mut scopes, mut copies, mut elements) = (0, Vec::<usize>::new(), 0usize, 0usize);
    while let Some(offset) = b[i..].iter().position(|&c| c == b'<') {
        i += offset;
        let rest = &b[i..];
        i = if rest.starts_with(b"<!--") {
            skip_past(b, i + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_past(b, i + 9, b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_past(b, i + 2, b"?>")
        } else if rest.starts_with(b"<!") {
            // A DOCTYPE: every reader here refuses it before reading further.
            return Ok(());
        } else if rest.starts_with(b"</") {
            scopes.pop();
            skip_past(b, i + 2, b">")
        } else {
            elements += 1;
            if elements > limits.max_elements {
                return Err(LimitExceeded::Elements(limits.max_elements));
            }
            let tag = scan_tag(b, i + 1, limits.max_attributes);
            if tag.attributes > limits.max_attributes {
                return Err(LimitExceeded::Attributes(limits.max_attributes));
            }
            let parent = scopes.last().copied().unwrap_or(0);
            let scope = parent + tag.namespaces;
            if scope > limits.max_namespaces_in_scope {
                return Err(LimitExceeded::NamespacesInScope(
                    limits.max_namespaces_in_scope,
                ));
            }
            if tag.namespaces > 0 {
                copies += scope;
                if copies > limits.max_namespace_copies {
                    return Err(LimitExceeded::NamespaceCopies(limits.max_namespace_copies));
                }
            }
            if !tag.self_closing {
                scopes.push(scope);
                if scopes.len() > limits.max_depth {
                    return Err(LimitExceeded::Depth(limits.max_depth));
                }
            }
            tag.end
        };
    }
    Ok(())
}

/// The index just past `needle` at or after `from`, or the end of the text.
fn skip_past(b: &[u8], from: usize, needle: &[u8]) -> usize {
    let from = from.min(b.len());
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map_or(b.len(), |p| from + p + needle.len())
}

struct Tag {
    end: usize,
    attributes: usize,
    namespaces: usize,
    self_closing: bool,
}

/// Reads a start tag from just after its `<` to just past its `>`, outside quotes, in one
/// forward pass (a backward search per `=` would be quadratic on a hostile tag). Stops
/// counting once past `max_attributes`.
fn scan_tag(b: &[u8], start: usize, max_attributes: usize) -> Tag {
    let (mut j, mut quote, mut attributes, mut namespaces) = (start, None, 0, 0);
    // The name being read, and the last complete one (for `name = "value"` with spaces).
    let (mut token, mut last) = (None::<usize>, (start, start));
    while j < b.len() {
        let c = b[j];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'>' => break,
            None if c == b'"' || c == b'\'' => (quote, token) = (Some(c), None),
            None if c.is_ascii_whitespace() => {
                if let Some(s) = token.take() {
                    last = (s, j);
                }
            }
            None if c == b'=' => {
                let (s, e) = token.take().map_or(last, |s| (s, j));
                let name = &b[s..e];
                if name == b"xmlns" || name.starts_with(b"xmlns:") {
                    namespaces += 1;
                }
                attributes += 1;
                if attributes > max_attributes {
                    break;
                }
            }
            None => {
                token.get_or_insert(j);
            }
        }
        j += 1;
    }
    let self_closing = j > start && b.get(j - 1) == Some(&b'/');
    Tag {
        end: (j + 1).min(b.len()),
        attributes,
        namespaces,
        self_closing,
    }
}

/// Why [`parse_bounded`] refused a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlRefusal {
    /// Past one of the limits.
    Limit(LimitExceeded),
    /// A DOCTYPE declaration: no message Portico reads needs one, and DTDs are how entity
    /// expansion attacks start.
    Doctype,
    /// Not well-formed; roxmltree's description.
    Malformed(String),
}

impl std::fmt::Display for XmlRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XmlRefusal::Limit(l) => write!(f, "it {}", l.describe()),
            XmlRefusal::Doctype => {
                f.write_str("it contains a DOCTYPE declaration, which SAML messages never need")
            }
            XmlRefusal::Malformed(e) => write!(f, "it is not well-formed XML ({e})"),
        }
    }
}

/// Parses untrusted XML strictly: the prescan first, then no DTD at all (so no entity
/// expansion) and no recovery, with roxmltree's own node limit set from the same limits.
pub fn parse_bounded<'i>(text: &'i str, limits: &Limits) -> Result<Document<'i>, XmlRefusal> {
    prescan(text, limits).map_err(XmlRefusal::Limit)?;
    if has_doctype(text) {
        return Err(XmlRefusal::Doctype);
    }
    // Nodes count text and attributes' neighbours too: a generous multiple of the elements.
    let nodes_limit = u32::try_from(limits.max_elements.saturating_mul(4)).unwrap_or(u32::MAX);
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit,
    };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlRefusal::Doctype,
        roxmltree::Error::NodesLimitReached => {
            XmlRefusal::Limit(LimitExceeded::Elements(limits.max_elements))
        }
        other => XmlRefusal::Malformed(other.to_string()),
    })
}

/// Whether the text declares a DTD anywhere (before or after the root).
pub fn has_doctype(text: &str) -> bool {
    text.contains("<!DOCTYPE") || text.contains("<!doctype")
}

/// Whether `node` is the element `{ns}name`.
pub fn is(node: Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(ns)
}

/// The first child element `{ns}name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(*c, ns, name))
}

/// Every child element `{ns}name`.
pub fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is(*c, ns, name))
}

/// Every descendant element `{ns}name`, the node itself included.
pub fn descendants<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.descendants().filter(move |c| is(*c, ns, name))
}

/// All text inside an element, comments skipped and text nodes joined, trimmed. Joining is
/// what makes `user@a.com<!---->.evil.com` read as the whole string rather than its first part.
pub fn text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A trimmed, non-empty attribute value.
pub fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth))
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let limits = Limits::SAML_MESSAGE;
        assert_eq!(prescan(&nested(32), &limits), Ok(()));
        assert_eq!(prescan(&nested(33), &limits), Err(LimitExceeded::Depth(32)));
        // The size of the crash report: 5,000 levels would overflow a worker's stack.
        assert_eq!(
            parse_bounded(&nested(5_000), &limits).err(),
            Some(XmlRefusal::Limit(LimitExceeded::Depth(32)))
        );
    }

    #[test]
    fn self_closing_and_closed_siblings_do_not_count_as_depth() {
        let doc = format!("<r>{}</r>", "<a/><b></b>".repeat(1000));
        assert_eq!(prescan(&doc, &Limits::SAML_MESSAGE), Ok(()));
    }

    #[test]
    fn attribute_and_element_counts_are_bounded() {
        let many: String = (0..65).map(|i| format!(" a{i}=\"x\"")).collect();
        assert_eq!(
            prescan(&format!("<r{many}/>"), &Limits::SAML_MESSAGE),
            Err(LimitExceeded::Attributes(64))
        );
        let wide = format!("<r>{}</r>", "<a/>".repeat(20_000));
        assert_eq!(
            prescan(&wide, &Limits::SAML_MESSAGE),
            Err(LimitExceeded::Elements(20_000))
        );
    }

    #[test]
    fn markup_inside_comments_cdata_and_quotes_is_not_counted() {
        let hidden = "<a>".repeat(100);
        let doc = format!("<r><!--{hidden}--><![CDATA[{hidden}]]><x v=\"{hidden}\"/></r>");
        assert_eq!(prescan(&doc, &Limits::SAML_MESSAGE), Ok(()));
    }

    #[test]
    fn size_is_checked_first() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::SAML_MESSAGE
        };
        assert_eq!(
            prescan("<r>0123456789</r>", &limits),
            Err(LimitExceeded::Size(10))
        );
    }

    #[test]
    fn doctype_and_malformed_input_are_refused_with_their_reason() {
        let limits = Limits::SAML_MESSAGE;
        assert_eq!(
            parse_bounded("<!DOCTYPE r [<!ENTITY a 'b'>]><r>&a;</r>", &limits).err(),
            Some(XmlRefusal::Doctype)
        );
        assert!(matches!(
            parse_bounded("<r><a></r>", &limits),
            Err(XmlRefusal::Malformed(_))
        ));
        assert!(parse_bounded("<r><a/></r>", &limits).is_ok());
    }

    #[test]
    fn a_hostile_tag_is_scanned_in_linear_time() {
        // 200,000 '=' signs outside quotes once cost a backward search each.
        let doc = format!("<r {}/>", "a=".repeat(200_000));
        let limits = Limits {
            max_bytes: 1 << 20,
            ..Limits::SAML_MESSAGE
        };
        assert_eq!(prescan(&doc, &limits), Err(LimitExceeded::Attributes(64)));
    }
}
