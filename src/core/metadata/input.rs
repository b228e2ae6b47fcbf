//! From uploaded bytes to a parsed XML tree, refusing whatever cannot be metadata or could
//! hurt the parser: oversized, binary, deeply nested, DTDs, not well-formed.

use std::borrow::Cow;

use roxmltree::Document;

use crate::core::xml::{self, LimitExceeded, Limits};

use super::{codes, MetadataProblem, GET_METADATA, MAX_METADATA_BYTES};

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
            .any(|e| {
                head.contains(&format!("encoding=\"{e}\""))
                    || head.contains(&format!("encoding='{e}'"))
            });
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

/// Refuses, before roxmltree runs, what would make it recurse too deep or do quadratic
/// work (see [`crate::core::xml::prescan`]); the size was checked when the bytes were decoded.
fn prescan(text: &str) -> Result<(), MetadataProblem> {
    let limits = Limits {
        max_bytes: usize::MAX,
        ..Limits::METADATA
    };
    xml::prescan(text, &limits).map_err(|exceeded| match exceeded {
        LimitExceeded::Attributes(_) => too_complex("has an element with hundreds of attributes"),
        LimitExceeded::NamespacesInScope(_) => too_complex("declares hundreds of XML namespaces"),
        LimitExceeded::NamespaceCopies(_) => too_complex("declares millions of XML namespaces"),
        other => too_complex(&other.describe()),
    })
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
    let detail = detail
        .strip_suffix(&format!(" at {pos}"))
        .unwrap_or(&detail);
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
    not_xml(format!(
        "The metadata is not well-formed XML{place} ({detail}). {hint}"
    ))
}
