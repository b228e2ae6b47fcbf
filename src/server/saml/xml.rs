//! Small roxmltree helpers shared by the SAML modules: namespaces and element lookups.

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

/// Parses untrusted XML strictly: no DTD at all (so no entity expansion), no recovery.
pub fn parse(text: &str) -> Result<Document<'_>, String> {
    if has_doctype(text) {
        return Err("it contains a DOCTYPE declaration, which SAML messages never need".to_owned());
    }
    let opts = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    Document::parse_with_options(text, opts).map_err(|e| format!("it is not well-formed XML ({e})"))
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
pub fn children<'a, 'i: 'a>(node: Node<'a, 'i>, ns: &'a str, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
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
    node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<String>().trim().to_owned()
}

/// A trimmed, non-empty attribute value.
pub fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}
