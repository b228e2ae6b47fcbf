//! From uploaded bytes to a parsed XML tree, refusing whatever cannot be metadata or could
//! hurt the parser: oversized, binary, deeply nested, DTDs, not well-formed.

use std::borrow::Cow;

use roxmltree::Document;

use super::{codes, MetadataProblem, GET_METADATA, MAX_METADATA_BYTES};

/// Deepest element nesting read. roxmltree parses elements recursively, so a document
/// nested a few thousand levels deep overflows the stack (a tokio worker's or the
/// browser's) and aborts the process; real metadata nests about a dozen levels.
const MAX_DEPTH: usize = 64;
/// Most attributes on one element: roxmltree checks duplicates pairwise.
const MAX_ATTRIBUTES: usize = 100;
/// Most namespace declarations in scope at one element: roxmltree copies the parent's
/// namespaces into every element that declares its own.
const MAX_NAMESPACES_IN_SCOPE: usize = 100;
/// Most namespace entries copied that way over the whole document.
const MAX_NAMESPACE_COPIES: usize = 2_000_000;

/// Decodes uploaded bytes: UTF-8 (a byte-order mark is dropped later), UTF-16 LE or BE by
/// its byte-order mark (or, without one, by the `<` every XML document starts with), and
/// ISO-8859-1 when the XML declaration says so.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, MetadataProblem> {
    if bytes.len() > MAX_METADATA_BYTES {
        return Err(MetadataProblem::new(
            codes::METADATA_TOO_LARGE,
            format!(
                "This file is larger than the {} MB Portico reads. An identity provider's own \
                 metadata is a few kilobytes, so this is probably a large federation's \
                 metadata. {GET_METADATA}",
                MAX_METADATA_BYTES / (1024 * 1024)
            ),
        ));
    }
    match bytes {
        [0xFF, 0xFE, rest @ ..] => Ok(Cow::Owned(utf16(rest, u16::from_le_bytes))),
        [0xFE, 0xFF, rest @ ..] => Ok(Cow::Owned(utf16(rest, u16::from_be_bytes))),
        [b'<', 0, ..] => Ok(Cow::Owned(utf16(bytes, u16::from_le_bytes))),
        [0, b'<', ..] => Ok(Cow::Owned(utf16(bytes, u16::from_be_bytes))),
        _ => utf8(bytes),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, MetadataProblem> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head.starts_with("<?xml")
        && ["iso-8859-1", "latin1", "latin-1", "windows-1252"]
            .iter()
            .any(|e| head.contains(&format!("encoding=\"{e}\"")) || head.contains(&format!("encoding='{e}'")));
    if declared {
        // ISO-8859-1 maps each byte to the code point of the same number.
        return Ok(Cow::Owned(bytes.iter().map(|b| char::from(*b)).collect()));
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if bytes.contains(&0) || first != Some(&b'<') {
        return Err(MetadataProblem::new(
            codes::METADATA_NOT_XML,
            format!(
                "This file is not text, so it cannot be SAML metadata: it may be a PDF, an \
                 image, a zip archive or a certificate in binary form. {GET_METADATA}"
            ),
        ));
    }
    // A stray non-UTF-8 byte (a hand-edited display name) should not hide the rest.
    Ok(Cow::Owned(String::from_utf8_lossy(bytes).into_owned()))
}

/// Parses decoded text into a tree after the cheap checks that protect the parser.
pub(super) fn parse(text: &str) -> Result<Document<'_>, MetadataProblem> {
    let trimmed = text.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if trimmed.trim_end().is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_EMPTY,
            format!("The metadata is empty. {GET_METADATA}"),
        ));
    }
    prescan(trimmed)?;
    let skipped = &text[..text.len() - trimmed.len()];
    Document::parse(trimmed).map_err(|e| xml_problem(&e, trimmed, skipped))
}

fn too_complex(what: &str) -> MetadataProblem {
    MetadataProblem::new(
        codes::METADATA_TOO_COMPLEX,
        format!(
            "This file {what}, far beyond what SAML metadata contains, so Portico does not \
             read it. {GET_METADATA}"
        ),
    )
}

/// Walks the markup without building anything, to refuse what would make roxmltree
/// recurse too deep or do quadratic work. Malformed markup is left for the parser to
/// report: it stops at the first error, never deeper than this walk has checked.
fn prescan(text: &str) -> Result<(), MetadataProblem> {
    let b = text.as_bytes();
    let (mut i, mut scopes, mut copies) = (0, Vec::<usize>::new(), 0usize);
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
            // A DOCTYPE: the parser refuses it before reading further.
            return Ok(());
        } else if rest.starts_with(b"</") {
            scopes.pop();
            skip_past(b, i + 2, b">")
        } else {
            let tag = scan_tag(b, i + 1);
            if tag.attributes > MAX_ATTRIBUTES {
                return Err(too_complex("has an element with hundreds of attributes"));
            }
            let parent = scopes.last().copied().unwrap_or(0);
            let scope = parent + tag.namespaces;
            if scope > MAX_NAMESPACES_IN_SCOPE {
                return Err(too_complex("declares hundreds of XML namespaces"));
            }
            if tag.namespaces > 0 {
                copies += scope;
                if copies > MAX_NAMESPACE_COPIES {
                    return Err(too_complex("declares millions of XML namespaces"));
                }
            }
            if !tag.self_closing {
                scopes.push(scope);
                if scopes.len() > MAX_DEPTH {
                    return Err(too_complex(&format!(
                        "nests elements more than {MAX_DEPTH} levels deep"
                    )));
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
/// forward pass (a backward search per `=` would be quadratic on a hostile tag).
fn scan_tag(b: &[u8], start: usize) -> Tag {
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
                if attributes > MAX_ATTRIBUTES {
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
    Tag { end: (j + 1).min(b.len()), attributes, namespaces, self_closing }
}

fn xml_problem(err: &roxmltree::Error, text: &str, skipped: &str) -> MetadataProblem {
    use roxmltree::Error as E;
    if matches!(err, E::DtdDetected) {
        return MetadataProblem::new(
            codes::METADATA_DTD_FORBIDDEN,
            "This file contains a DOCTYPE (DTD) declaration. SAML metadata never needs one and \
             it can be used to attack XML readers, so Portico refuses it. Download the metadata \
             again straight from your identity provider and upload it unedited.",
        );
    }
    let not_xml = |message: String| MetadataProblem::new(codes::METADATA_NOT_XML, message);
    if text.starts_with("-----BEGIN") {
        return not_xml(
            "This is a certificate or key, not a metadata file. Upload your identity \
             provider's metadata XML, or enter the details manually and paste the certificate \
             there."
                .into(),
        );
    }
    if text.starts_with("http://") || text.starts_with("https://") {
        return not_xml(
            "This is a web address, not the metadata itself. Use the metadata URL option, or \
             open the address in a browser, save what it shows as an .xml file and upload that."
                .into(),
        );
    }
    if !text.starts_with('<') {
        return not_xml(format!(
            "This is not XML, so it cannot be SAML metadata. Check that you picked the \
             metadata .xml file, not a certificate, PDF or screenshot. {GET_METADATA}"
        ));
    }
    let hint = if matches!(err, E::UnexpectedDeclaration(_)) {
        "The <?xml …?> line must come first in the file: delete anything above it, or download \
         the metadata again."
    } else {
        "The file may be cut short or edited by hand. Download the metadata again from your \
         identity provider and upload it unchanged."
    };
    let pos = err.pos();
    let detail = err.to_string();
    let detail = detail.strip_suffix(&format!(" at {pos}")).unwrap_or(&detail);
    // Positions count from the start of the upload, including the blank lines trimmed off.
    let lines_skipped = skipped.matches('\n').count() as u32;
    let col = match (pos.row, skipped.rsplit('\n').next()) {
        (1, Some(tail)) => pos.col + tail.chars().filter(|c| *c != '\u{feff}').count() as u32,
        _ => pos.col,
    };
    let place = match err {
        E::NoRootNode
        | E::UnclosedRootNode
        | E::UnexpectedEndOfStream
        | E::NodesLimitReached
        | E::AttributesLimitReached
        | E::NamespacesLimitReached => String::new(),
        _ => format!(" at line {}, column {col}", pos.row + lines_skipped),
    };
    not_xml(format!("The metadata is not well-formed XML{place} ({detail}). {hint}"))
}
