//! Theme assets (logos, favicon, font): what a file really is, judged by its bytes rather than
//! its name or the type it was sent with, and SVG checked for anything that could run or load.

use super::css_guard::{first_hazard, Hazard, Policy};

/// What an uploaded file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    /// A logo (light or dark variant).
    Logo,
    /// The browser tab icon.
    Favicon,
    /// A WOFF2 font.
    Font,
}

impl AssetKind {
    /// Parses the `kind` query parameter.
    pub fn parse(s: &str) -> Option<AssetKind> {
        match s {
            "logo" => Some(AssetKind::Logo),
            "favicon" => Some(AssetKind::Favicon),
            "font" => Some(AssetKind::Font),
            _ => None,
        }
    }

    /// The largest file accepted.
    pub fn max_bytes(self) -> usize {
        match self {
            AssetKind::Logo => 512 * 1024,
            AssetKind::Favicon => 128 * 1024,
            AssetKind::Font => 1024 * 1024,
        }
    }
}

/// A file that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAsset {
    /// The type it is served with.
    pub content_type: &'static str,
    /// Its file extension.
    pub extension: &'static str,
}

fn is_png(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG\r\n\x1a\n")
}
fn is_jpeg(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8, 0xFF])
}
fn is_webp(b: &[u8]) -> bool {
    b.len() > 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP"
}
fn is_woff2(b: &[u8]) -> bool {
    // The WOFF2 header: signature, flavor, then the total length, which must match the file.
    b.len() >= 48
        && &b[0..4] == b"wOF2"
        && u32::from_be_bytes([b[8], b[9], b[10], b[11]]) as usize == b.len()
}

/// Elements that run code, embed other documents, or lead elsewhere.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "foreignObject",
    "iframe",
    "embed",
    "object",
    "a",
    "audio",
    "video",
    "animate",
    "set",
    "handler",
    "listener",
];

/// Checks an SVG document: well-formed XML without a DTD, an `<svg>` root, and nothing that can
/// run script (elements, `on…` attributes, `javascript:`) or load anything from elsewhere
/// (`href`s that are not fragment links, and in styles and presentation attributes `url()`
/// that is not `#…`, `@import`, `image-set(…)` and the rest of what [`super::css_guard`]
/// finds, escapes included).
pub fn check_svg(text: &str) -> Result<(), String> {
    // Bounded before any tree is built: a logo nested thousands of levels deep would overflow
    // the parsing thread's stack.
    let doc = crate::core::xml::parse_bounded(text, &crate::core::xml::Limits::SVG).map_err(
        |e| match e {
            crate::core::xml::XmlRefusal::Malformed(e) => format!(
                "This SVG is not well-formed XML \
            ({e}); export it again from your design tool."
            ),
            crate::core::xml::XmlRefusal::Doctype => {
                "This SVG contains a DOCTYPE declaration, which \
            can be used to attack XML readers; export it again without one."
                    .to_owned()
            }
            crate::core::xml::XmlRefusal::Limit(l) => format!(
                "This SVG {}, far beyond what a logo \
            needs; simplify it or export it again from your design tool.",
                l.describe()
            ),
        },
    )?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err("This file is not an SVG image (its root element is not <svg>).".into());
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if FORBIDDEN_ELEMENTS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name))
        {
            return Err(format!(
                "The SVG contains a <{name}> element, which can run code or load \
                other content; remove it (export as plain shapes)."
            ));
        }
        for attr in node.attributes() {
            let (attr_name, value) = (attr.name(), attr.value());
            if attr_name.len() > 2 && attr_name[..2].eq_ignore_ascii_case("on") {
                return Err(format!(
                    "The SVG has an event handler ({attr_name} on <{name}>); remove it."
                ));
            }
            if attr_name == "href" && !value.trim_start().starts_with('#') {
                return Err(format!(
                    "The SVG links to {value:?} (on <{name}>); only links inside the \
                    file (#id) are allowed — embed images instead of referencing them."
                ));
            }
            if value.to_ascii_lowercase().contains("javascript:") {
                return Err("The SVG contains a javascript: address; remove it.".into());
            }
            // Design tools keep their own data (Inkscape's export paths, Illustrator's layer
            // names) in their own namespaces, which no browser reads as CSS.
            let foreign = attr
                .namespace()
                .is_some_and(|ns| ![SVG_NS, XLINK_NS, XML_NS].contains(&ns));
            if !foreign {
                let policy = if attr_name == "style" {
                    &STYLES
                } else {
                    &VALUES
                };
                check_styles(
                    value,
                    policy,
                    &format!("in the {attr_name} attribute of <{name}>"),
                )?;
            }
        }
        if name == "style" {
            // A browser reads the element's text as one stylesheet, joined across the XML
            // comments and CDATA sections that split it (`u<!-- -->rl(` is `url(`), so it is
            // checked joined; an element inside would make "its text" ambiguous.
            if let Some(child) = node.children().find(|n| n.is_element()) {
                return Err(format!(
                    "The SVG's <style> element contains a <{}> element; keep only CSS in it.",
                    child.tag_name().name()
                ));
            }
            let css: String = node
                .children()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect();
            if css.to_ascii_lowercase().contains("javascript:") {
                return Err("The SVG contains a javascript: address; remove it.".into());
            }
            check_styles(&css, &STYLES, "in a <style> element")?;
        }
    }
    Ok(())
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// At-rules a logo's stylesheet may use: none of them loads anything.
const STYLE_AT_RULES: [&str; 8] = [
    "media",
    "supports",
    "container",
    "layer",
    "font-face",
    "keyframes",
    "-webkit-keyframes",
    "charset",
];
/// A `<style>` element or `style` attribute: references inside the file only.
const STYLES: Policy = Policy {
    url_allowed: is_fragment,
    at_rules: Some(&STYLE_AT_RULES),
};
/// Any other attribute, which a browser may read as a CSS value (`fill`, `mask`, `filter`, …):
/// there an `@` is only text.
const VALUES: Policy = Policy {
    url_allowed: is_fragment,
    at_rules: None,
};

/// `#id`: a reference to something inside the same file.
fn is_fragment(address: &str) -> bool {
    address.starts_with('#')
        && !address.contains(|c: char| {
            c == '\\' || c == '"' || c == '\'' || c == '(' || c == ')' || c.is_whitespace()
        })
}

/// Refuses what could load or run in CSS text found `place` ("in a <style> element").
fn check_styles(css: &str, policy: &Policy, place: &str) -> Result<(), String> {
    let Some(found) = first_hazard(css, policy) else {
        return Ok(());
    };
    Err(match found.hazard {
        Hazard::Escape => format!(
            "The SVG's styles use a backslash escape {place}, which could \
            disguise url( or @import; remove it (export the SVG again with plain styles)."
        ),
        Hazard::AtRule(name) if name == "import" => format!(
            "The SVG's styles import another \
            stylesheet (@import) {place}; remove it."
        ),
        Hazard::AtRule(name) => {
            format!("The SVG's styles use @{name} {place}, which a logo does not need; remove it.")
        }
        Hazard::Function(name) => format!(
            "The SVG's styles use {name}(…) {place}, which can load \
            other files or run code; remove it."
        ),
        Hazard::Property(name) => format!(
            "The SVG's styles use the {name} property {place}, which \
            can run code; remove it."
        ),
        Hazard::Url(address) => format!(
            "The SVG refers to another file with url({address}) \
            {place}; only references inside the file (url(#id)) are allowed."
        ),
        Hazard::UrlNotClosed => format!(
            "The SVG has a url(…) with something after its address \
            {place}; write it as url(#id)."
        ),
    })
}

/// Judges an upload by its content for the given kind.
pub fn check_asset(kind: AssetKind, bytes: &[u8]) -> Result<CheckedAsset, String> {
    if bytes.is_empty() {
        return Err("The file is empty.".into());
    }
    if bytes.len() > kind.max_bytes() {
        return Err(format!(
            "The file is {} KB; the limit for this kind of file is {} KB.",
            bytes.len().div_ceil(1024),
            kind.max_bytes() / 1024
        ));
    }
    let checked = |content_type, extension| {
        Ok(CheckedAsset {
            content_type,
            extension,
        })
    };
    match kind {
        AssetKind::Font => {
            if is_woff2(bytes) {
                checked("font/woff2", "woff2")
            } else {
                Err(
                    "This is not a WOFF2 font file. Convert the font to WOFF2 (for example with \
                    Google's woff2_compress) and upload that."
                        .into(),
                )
            }
        }
        AssetKind::Logo | AssetKind::Favicon => {
            if is_png(bytes) {
                checked("image/png", "png")
            } else if is_jpeg(bytes) && kind == AssetKind::Logo {
                checked("image/jpeg", "jpg")
            } else if is_webp(bytes) && kind == AssetKind::Logo {
                checked("image/webp", "webp")
            } else {
                let text = std::str::from_utf8(bytes).map_err(|_| wrong_format(kind))?;
                let trimmed = text.trim_start_matches('\u{feff}').trim_start();
                // An XML prolog or a DOCTYPE may come first; the parser then judges the rest.
                let looks_svg = trimmed.starts_with("<svg")
                    || ((trimmed.starts_with("<?xml") || trimmed.starts_with("<!DOCTYPE"))
                        && trimmed.contains("<svg"));
                if !looks_svg {
                    return Err(wrong_format(kind));
                }
                check_svg(trimmed)?;
                checked("image/svg+xml", "svg")
            }
        }
    }
}

fn wrong_format(kind: AssetKind) -> String {
    match kind {
        AssetKind::Favicon => "This is not a PNG or SVG image, whatever its name says. Upload the \
            icon as PNG or SVG."
            .into(),
        _ => "This is not a PNG, JPEG, WebP or SVG image, whatever its name says. Export the logo \
            in one of those formats."
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>"##;

    #[test]
    fn real_images_are_recognised_by_their_bytes() {
        assert_eq!(
            check_asset(AssetKind::Logo, b"\x89PNG\r\n\x1a\n rest")
                .unwrap()
                .content_type,
            "image/png"
        );
        assert_eq!(
            check_asset(AssetKind::Logo, &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2])
                .unwrap()
                .extension,
            "jpg"
        );
        assert_eq!(
            check_asset(AssetKind::Logo, b"RIFF\x10\0\0\0WEBPVP8 ")
                .unwrap()
                .content_type,
            "image/webp"
        );
        assert_eq!(
            check_asset(AssetKind::Logo, SVG.as_bytes())
                .unwrap()
                .content_type,
            "image/svg+xml"
        );
        assert_eq!(
            check_asset(AssetKind::Favicon, SVG.as_bytes())
                .unwrap()
                .extension,
            "svg"
        );
        // A favicon must be PNG or SVG.
        assert!(check_asset(AssetKind::Favicon, &[0xFF, 0xD8, 0xFF, 0xE0]).is_err());
    }

    #[test]
    fn a_png_that_is_really_html_is_refused() {
        let e =
            check_asset(AssetKind::Logo, b"<!doctype html><script>alert(1)</script>").unwrap_err();
        assert!(e.contains("not a PNG, JPEG, WebP or SVG"), "{e}");
        assert!(check_asset(AssetKind::Logo, b"")
            .unwrap_err()
            .contains("empty"));
        let big = vec![0x89u8; 600 * 1024];
        assert!(check_asset(AssetKind::Logo, &big)
            .unwrap_err()
            .contains("limit"));
    }

    #[test]
    fn malicious_svgs_are_refused_with_the_reason() {
        let cases = [
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
                "<script>",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
                "event handler",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="x()"/></svg>"#,
                "event handler",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>"#,
                "foreignObject",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.test/x.png"/></svg>"#,
                "links to",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>"#,
                "links to",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.test/a.css);</style></svg>"#,
                "@import",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.test/p)"/></svg>"#,
                "url(",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>"#,
                "<a>",
            ),
            (
                r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>"#,
                "DOCTYPE",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect"#,
                "not well-formed",
            ),
        ];
        for (svg, says) in cases {
            let e = check_asset(AssetKind::Logo, svg.as_bytes()).expect_err(svg);
            assert!(e.contains(says), "{svg}: {e}");
        }
    }

    /// Issue 13: CSS escapes, comments and the other loaders pass no SVG filter, whether in a
    /// `<style>` element, a `style` attribute or a presentation attribute.
    #[test]
    fn disguised_loads_in_svg_styles_are_refused_with_the_place() {
        let svg = |body: &str| format!(r#"<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>"#);
        let cases = [
            (
                r#"<rect style="fill: u\72l(https://evil.test/p)"/>"#,
                "backslash escape in the style attribute of <rect>",
            ),
            (
                r#"<rect style="fill: u&#92;72l(https://evil.test/p)"/>"#,
                "backslash escape in the style attribute of <rect>",
            ),
            (
                r#"<rect fill="u\72l(https://evil.test/p)"/>"#,
                "backslash escape in the fill attribute of <rect>",
            ),
            (
                r#"<style>@\69mport url(https://evil.test/a.css);</style>"#,
                "backslash escape in a <style> element",
            ),
            (
                r#"<style>@import 'https://evil.test/a.css';</style>"#,
                "(@import) in a <style> element",
            ),
            (
                r#"<style><![CDATA[.a { fill: \75rl(https://evil.test/p) }]]></style>"#,
                "backslash escape",
            ),
            (
                r#"<style>.a { fill: u<!-- split -->rl(https://evil.test/p) }</style>"#,
                "url(https://evil.test/p) in a <style> element",
            ),
            (
                r#"<style>.a { fill: u<![CDATA[rl(https://evil.test/p)]]> }</style>"#,
                "url(https://evil.test/p)",
            ),
            (
                r#"<style>.a { fill: u<g/>rl(https://evil.test/p) }</style>"#,
                "contains a <g> element",
            ),
            (
                r#"<style>.a { background: image-set('https://evil.test/p' 1x) }</style>"#,
                "image-set(…) in a <style> element",
            ),
            (
                r#"<style>.a { background: src('https://evil.test/p') }</style>"#,
                "src(…)",
            ),
            (
                r#"<style>.a { width: expression(alert(1)) }</style>"#,
                "expression(…)",
            ),
            (
                r#"<style>@font-face { font-family: x; src: url(https://evil.test/f.woff2) }</style>"#,
                "url(https://evil.test/f.woff2)",
            ),
            (
                r#"<style>.a { -moz-binding: url(#x) }</style>"#,
                "the -moz-binding property",
            ),
            (
                r#"<rect style="behavior: url(#x)"/>"#,
                "the behavior property in the style attribute of <rect>",
            ),
            (r#"<style>@namespace x url(#y);</style>"#, "@namespace"),
            (
                r#"<rect mask="url( 'https://evil.test/m' )"/>"#,
                "url(https://evil.test/m) in the mask attribute of <rect>",
            ),
            (
                r#"<rect style="content: 'x&#10;fill: url(https://evil.test/p)"/>"#,
                "url(https://evil.test/p)",
            ),
        ];
        for (body, says) in cases {
            let e = check_asset(AssetKind::Logo, svg(body).as_bytes()).expect_err(body);
            assert!(e.contains(says), "{body}: {e}");
        }
    }

    /// What design tools export keeps passing: fragment references, media queries, comments
    /// that split no load, escapes in quoted text, and editor metadata in its own namespace.
    #[test]
    fn ordinary_svg_styles_pass() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" data-author="studio@acme.example" inkscape:export-filename="C:\Users\me\logo.png">
            <style><![CDATA[
                /* Illustrator */ .cls-1 { fill: url( '#g' ); } .cls-2 { fill: u/**/rl(#g) }
                @media (prefers-color-scheme: dark) { .cls-1 { fill: #fff } }
                text::before { content: "\2014" }
            ]]></style>
            <linearGradient id="g"/>
            <rect class="cls-1" style="stroke: url(#g); opacity: .5" fill="url(#g)" aria-label="Acme's logo"/>
        </svg>"##;
        assert_eq!(
            check_asset(AssetKind::Logo, svg.as_bytes()).map(|a| a.extension),
            Ok("svg")
        );
    }

    #[test]
    fn a_deeply_nested_svg_is_refused_without_overflowing_the_stack() {
        let depth = 5_000;
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg">{}{}</svg>"#,
            "<g>".repeat(depth),
            "</g>".repeat(depth)
        );
        let e = check_asset(AssetKind::Logo, svg.as_bytes()).unwrap_err();
        assert!(e.contains("levels deep"), "{e}");
        let many: String = (0..200).map(|i| format!(" data-a{i}=\"x\"")).collect();
        let e = check_asset(
            AssetKind::Logo,
            format!(r#"<svg xmlns="http://www.w3.org/2000/svg"><rect{many}/></svg>"#).as_bytes(),
        )
        .unwrap_err();
        assert!(e.contains("attributes"), "{e}");
    }

    #[test]
    fn fonts_must_be_woff2_with_a_consistent_header() {
        let mut font = vec![0u8; 64];
        font[0..4].copy_from_slice(b"wOF2");
        font[8..12].copy_from_slice(&64u32.to_be_bytes());
        assert_eq!(
            check_asset(AssetKind::Font, &font).unwrap().content_type,
            "font/woff2"
        );
        font[8..12].copy_from_slice(&65u32.to_be_bytes());
        assert!(check_asset(AssetKind::Font, &font)
            .unwrap_err()
            .contains("WOFF2"));
        assert!(
            check_asset(AssetKind::Font, b"wOFF....").is_err(),
            "WOFF 1 is not WOFF2"
        );
    }
}
