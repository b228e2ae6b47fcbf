//! Indented XML for people, with the long base64 blobs cut short.

use roxmltree::{Node, NodeType};

/// Elements whose text is a base64 blob nobody reads in full.
const SHORTENED: &[&str] = &["SignatureValue", "X509Certificate", "CipherValue"];

/// Most bytes of pretty XML kept for people; past that the text is cut with a note, so a
/// large response never becomes a larger stored copy.
pub const MAX_PRETTY_BYTES: usize = 128 * 1024;

/// Indented XML for people: each element on its own line, attributes kept, text kept,
/// SignatureValue/X509Certificate/CipherValue contents shortened to the first 12 and last 6
/// characters with "…" between, and the whole cut at [`MAX_PRETTY_BYTES`]. Input that is not
/// XML, or goes past the SAML message limits, is returned as is (cut the same way): the
/// recursion below only ever walks a tree whose depth the prescan bounded.
pub fn pretty_print(xml: &str) -> String {
    let Ok(doc) = crate::core::xml::parse_bounded(xml, &crate::core::xml::Limits::SAML_MESSAGE)
    else {
        return cap(xml.to_owned());
    };
    let mut out = String::new();
    for node in doc.root().children() {
        write_node(xml, node, 0, &mut out);
        if out.len() > MAX_PRETTY_BYTES {
            break;
        }
    }
    cap(out)
}

/// Cuts text at [`MAX_PRETTY_BYTES`] (on a character boundary) with a note saying so.
fn cap(mut text: String) -> String {
    if text.len() <= MAX_PRETTY_BYTES {
        return text;
    }
    let mut end = MAX_PRETTY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let total = text.len();
    text.truncate(end);
    text.push_str(&format!(
        "\n<!-- Cut here: the first {} KB of {} KB are shown. -->\n",
        end / 1024,
        total.div_ceil(1024)
    ));
    text
}

fn write_node(src: &str, node: Node, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match node.node_type() {
        NodeType::Element => write_element(src, node, depth, out),
        NodeType::Text => {
            let t = node.text().unwrap_or_default().trim();
            if !t.is_empty() {
                out.push_str(&format!(
                    "{indent}{}\n",
                    html_escape::encode_quoted_attribute(t)
                ));
            }
        }
        NodeType::Comment => out.push_str(&format!(
            "{indent}<!--{}-->\n",
            node.text().unwrap_or_default()
        )),
        NodeType::PI => {
            if let Some(pi) = node.pi() {
                out.push_str(&format!(
                    "{indent}<?{} {}?>\n",
                    pi.target,
                    pi.value.unwrap_or_default()
                ));
            }
        }
        NodeType::Root => {}
    }
}

fn write_element(src: &str, node: Node, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let (start_tag, qname) = start_tag(src, node);
    let content: Vec<Node> = node
        .children()
        .filter(|c| !(c.is_text() && c.text().unwrap_or_default().trim().is_empty()))
        .collect();
    if content.is_empty() {
        // Always written as an empty-element tag, whatever the source did.
        let open = start_tag
            .trim_end_matches('>')
            .trim_end_matches('/')
            .trim_end();
        out.push_str(&format!("{indent}{open}/>\n"));
        return;
    }
    if let [only] = content.as_slice() {
        if only.is_text() {
            let mut t = only.text().unwrap_or_default().trim().to_owned();
            if SHORTENED.contains(&node.tag_name().name()) {
                t = shorten(&t);
            }
            out.push_str(&format!(
                "{indent}{start_tag}{}</{qname}>\n",
                html_escape::encode_quoted_attribute(&t)
            ));
            return;
        }
    }
    out.push_str(&format!("{indent}{start_tag}\n"));
    for c in content {
        write_node(src, c, depth + 1, out);
    }
    out.push_str(&format!("{indent}</{qname}>\n"));
}

/// The element's start tag exactly as written (prefixes, namespace declarations and attribute
/// quoting kept), with line breaks between attributes folded to spaces, and its qualified name.
fn start_tag<'a>(src: &'a str, node: Node) -> (String, &'a str) {
    let rest = src.get(node.range().start..).unwrap_or_default();
    let mut quote: Option<char> = None;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => {
                end = i + 1;
                break;
            }
            _ => {}
        }
    }
    let raw = rest.get(..end).unwrap_or(rest);
    let qname_end = raw
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_whitespace() || *c == '>' || *c == '/')
        .map_or(raw.len(), |(i, _)| i);
    let qname = raw.get(1..qname_end).unwrap_or_default();
    let mut folded = String::with_capacity(raw.len());
    let mut last_space = false;
    let mut quote: Option<char> = None;
    for c in raw.chars() {
        match quote {
            Some(q) => {
                folded.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {
                if !last_space {
                    folded.push(' ');
                }
                last_space = true;
                continue;
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                folded.push(c);
            }
        }
        last_space = false;
    }
    (folded, qname)
}

/// First 12 and last 6 characters of a blob (whitespace removed) with "…" between.
fn shorten(text: &str) -> String {
    let compact: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() <= 12 + 6 + 3 {
        return compact.into_iter().collect();
    }
    let head: String = compact[..12].iter().collect();
    let tail: String = compact[compact.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_shortens_signature_values() {
        let sig = "A".repeat(10) + "BCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + "xyz123";
        let xml = format!(
            r#"<?xml version="1.0"?><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
   ID="_1" Version="2.0"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp/&amp;x</saml:Issuer><!-- note --><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>
{sig}
</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIC1234567890abcdefghijklmnopqrstuvwxyzEND==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"></samlp:StatusCode></samlp:Status></samlp:Response>"#
        );
        let p = pretty_print(&xml);
        let expected = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0">
  <saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp/&amp;x</saml:Issuer>
  <!-- note -->
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
    <ds:SignatureValue>AAAAAAAAAABC…xyz123</ds:SignatureValue>
    <ds:KeyInfo>
      <ds:X509Data>
        <ds:X509Certificate>MIIC12345678…zEND==</ds:X509Certificate>
      </ds:X509Data>
    </ds:KeyInfo>
  </ds:Signature>
  <samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </samlp:Status>
</samlp:Response>
"#;
        assert_eq!(p, expected);
        // The result is itself XML.
        roxmltree::Document::parse(&p).unwrap();
    }

    #[test]
    fn returns_non_xml_unchanged() {
        assert_eq!(pretty_print("not <xml"), "not <xml");
        assert_eq!(pretty_print(""), "");
    }
}
