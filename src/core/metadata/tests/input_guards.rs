//! What reaches the parser: encodings, sizes, hostile and wrong documents.

use super::*;

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    units
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn bytes_code(bytes: &[u8]) -> String {
    inspect_idp_metadata_bytes(bytes, NOW, None)
        .unwrap_err()
        .code
}

#[test]
fn encodings() {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n{}",
        idp_entity(
            "https://idp.example.com/Ünïcode",
            &[(REDIRECT, "https://idp.example.com/sso")],
            &[&ec_cert()]
        )
    );
    let utf8 = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(utf8.entity_id, "https://idp.example.com/Ünïcode");
    for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let meta = inspect_idp_metadata_bytes(&utf16(&xml, big_endian, bom), NOW, None);
        assert_eq!(
            meta.as_ref(),
            Ok(&utf8),
            "big endian {big_endian}, BOM {bom}"
        );
    }
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), xml.as_bytes()].concat();
    assert_eq!(
        inspect_idp_metadata_bytes(&with_bom, NOW, None).as_ref(),
        Ok(&utf8)
    );
    // Declared ISO-8859-1 with a Latin-1 byte in the display name.
    let latin1 = xml
        .replace("UTF-16", "ISO-8859-1")
        .replace("Ünïcode", "plain")
        .replace("<md:KeyDescriptor", "<md:Extensions><mdui:UIInfo \
            xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\"><mdui:DisplayName>Caf\u{0}</mdui:DisplayName></mdui:UIInfo></md:Extensions><md:KeyDescriptor");
    let latin1: Vec<u8> = latin1
        .bytes()
        .map(|b| if b == 0 { 0xE9 } else { b })
        .collect();
    let meta = inspect_idp_metadata_bytes(&latin1, NOW, None).unwrap();
    assert_eq!(meta.display_name.as_deref(), Some("Café"));
    // Undeclared, a stray byte is replaced rather than hiding the whole document.
    let stray: Vec<u8> = [
        b"<!-- \xFF -->".as_slice(),
        xml.split_once("\r\n").unwrap().1.as_bytes(),
    ]
    .concat();
    assert_eq!(
        inspect_idp_metadata_bytes(&stray, NOW, None)
            .unwrap()
            .entity_id,
        utf8.entity_id
    );
    // An odd trailing byte in UTF-16 is dropped; a lone surrogate becomes U+FFFD.
    let mut odd = utf16(&xml, false, true);
    odd.push(b'x');
    assert!(inspect_idp_metadata_bytes(&odd, NOW, None).is_ok());
    assert_eq!(
        bytes_code(&[0xFF, 0xFE, 0x00, 0xD8, b'<', 0]),
        "metadata_not_xml"
    );
}

#[test]
fn not_metadata_at_all() {
    assert_eq!(code("", NOW), "metadata_empty");
    assert_eq!(code("\u{feff} \r\n\t", NOW), "metadata_empty");
    assert_eq!(bytes_code(&[0xFF, 0xFE]), "metadata_empty");
    assert_eq!(code("hello", NOW), "metadata_not_xml");
    assert_eq!(
        code("-----BEGIN CERTIFICATE-----\nMIIB", NOW),
        "metadata_not_xml"
    );
    assert_eq!(
        code("https://idp.example.com/metadata", NOW),
        "metadata_not_xml"
    );
    assert_eq!(
        code("<html><body>Sign in</body></html>", NOW),
        "metadata_wrong_document"
    );
    let pdf = b"%PDF-1.7\n\x93\x8c\x8b\x9e\x00 binary";
    let p = inspect_idp_metadata_bytes(pdf, NOW, None).unwrap_err();
    assert_eq!(p.code, "metadata_not_xml");
    assert!(
        p.message.starts_with("This file is not text"),
        "{}",
        p.message
    );
    assert_eq!(
        bytes_code(&[0x50, 0x4B, 0x03, 0x04, 0xC8, 0x00, 0xFF]),
        "metadata_not_xml"
    );
    assert_eq!(bytes_code(b"<a>\x00</a>"), "metadata_not_xml");
    let big = format!("<a>{}</a>", " ".repeat(MAX_METADATA_BYTES));
    assert_eq!(code(&big, NOW), "metadata_too_large");
    let Some(xml) = fixture("edge-metadata-malformed-xml.xml") else {
        return;
    };
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_not_xml");
    assert!(p.message.contains("at line 13, column 5"), "{}", p.message);
    // Blank lines before the document still count in the position.
    let p = inspect_idp_metadata(&format!("\n\n{xml}"), NOW).unwrap_err();
    assert!(p.message.contains("at line 15, column 5"), "{}", p.message);
    let p = inspect_idp_metadata("  <a></b>", NOW).unwrap_err();
    assert!(p.message.contains("at line 1, column 6"), "{}", p.message);
}

#[test]
fn hostile_documents() {
    let Some(xml) = fixture("attack-billion-laughs-ruby-saml.xml") else {
        return;
    };
    assert_eq!(code(&xml, NOW), "metadata_dtd_forbidden");
    let xxe = r#"<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
    assert_eq!(code(xxe, NOW), "metadata_dtd_forbidden");
    let after_comment = r#"<?xml version="1.0"?><!-- hi --><!DOCTYPE d><d/>"#;
    assert_eq!(code(after_comment, NOW), "metadata_dtd_forbidden");
    // Deep nesting would overflow the parser's stack and abort the process.
    for depth in [65, 10_000, 500_000] {
        let deep = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        assert_eq!(code(&deep, NOW), "metadata_too_complex", "{depth}");
        assert_eq!(
            code(&"<a>".repeat(depth), NOW),
            "metadata_too_complex",
            "unclosed {depth}"
        );
    }
    let fine = format!("{}{}", "<a>".repeat(63), "</a>".repeat(63));
    assert_eq!(code(&fine, NOW), "metadata_wrong_document");
    // Self-closing siblings, comments, CDATA and quoted '>' do not count as depth.
    let flat = format!(
        "<a>{}</a>",
        "<b x='>'/><!-- <c> --><![CDATA[<d>]]><?p <e>?>".repeat(10_000)
    );
    assert_eq!(code(&flat, NOW), "metadata_wrong_document");
    // Quadratic work in the parser: many attributes, many namespaces.
    let attributes: String = (0..101).map(|i| format!(" a{i}=\"\"")).collect();
    assert_eq!(
        code(&format!("<a{attributes}/>"), NOW),
        "metadata_too_complex"
    );
    let namespaces: String = (0..60).map(|i| format!(" xmlns:p{i}=\"u\"")).collect();
    let nested = format!("<a{namespaces}><b{namespaces}/></a>");
    assert_eq!(code(&nested, NOW), "metadata_too_complex");
    let copies = format!("<a{namespaces}>{}</a>", "<b xmlns:q='u'/>".repeat(40_000));
    assert_eq!(code(&copies, NOW), "metadata_too_complex");
    let ordinary = format!("<a{namespaces}>{}</a>", "<b xmlns:q='u'/>".repeat(1_000));
    assert_eq!(code(&ordinary, NOW), "metadata_wrong_document");
}

#[test]
fn saml_messages_are_not_metadata() {
    let Some(dir) = crate::core::fixtures::saml_dir() else {
        return;
    };
    let mut documents = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let is_message = name.contains("response")
            || name.contains("assertion")
            || (name.starts_with("invalid-") || name.starts_with("attack-"))
                && !name.contains("billion");
        if !is_message || !name.ends_with(".xml") {
            continue;
        }
        let p = inspect_idp_metadata(&fixture(&name).unwrap(), NOW).unwrap_err();
        assert_eq!(p.code, "metadata_wrong_document", "{name}: {}", p.message);
        assert!(
            p.message.contains("SAML response") || p.message.contains("SAML assertion"),
            "{name}: {}",
            p.message
        );
        documents += 1;
    }
    assert!(documents >= 50, "only {documents} responses found");
}

/// Repetition a hostile file can pack into the size cap must cost linear time, not more.
#[test]
fn repeated_elements_stay_cheap() {
    let started = std::time::Instant::now();
    let tiny = "<md:EntityDescriptor entityID=\"x\"><md:IDPSSODescriptor/></md:EntityDescriptor>";
    let ids: String = (0..40_000)
        .map(|i| tiny.replace("\"x\"", &format!("\"https://e{i}\"")))
        .collect();
    let xml = format!(
        "<md:EntitiesDescriptor \
        xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">{ids}</md:EntitiesDescriptor>"
    );
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(
        (p.code.as_str(), p.entities.len()),
        ("metadata_choose_entity", MAX_ENTITY_CHOICES)
    );
    let cert = ec_cert();
    let services: Vec<(String, String)> = (0..20_000)
        .map(|i| (REDIRECT.to_owned(), format!("http://idp.example.com/{i}")))
        .collect();
    let services: Vec<(&str, &str)> = services
        .iter()
        .map(|(b, l)| (b.as_str(), l.as_str()))
        .collect();
    let xml = idp_entity("https://idp.example.com", &services, &[&cert]).replace(
        "</md:IDPSSODescriptor>",
        &format!(
            "{}</md:IDPSSODescriptor>",
            "<md:NameIDFormat>f</md:NameIDFormat>".repeat(20_000)
        ),
    );
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(
        (
            meta.sso_services.len(),
            meta.warnings.len(),
            meta.name_id_formats.len()
        ),
        (20_000, 20_000, 1)
    );
    let tag = format!("<a {}>", "=".repeat(3_000_000));
    assert_eq!(code(&tag, NOW), "metadata_too_complex");
    let damaged = vec!["AAAA"; 10_000];
    let xml = idp_entity(
        "https://idp.example.com",
        &[(REDIRECT, "https://idp.example.com/sso")],
        &[&[cert.as_str()], damaged.as_slice()].concat(),
    );
    assert_eq!(
        warning_codes(&inspect_idp_metadata(&xml, NOW).unwrap()),
        ["certificate_unreadable"]
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}
