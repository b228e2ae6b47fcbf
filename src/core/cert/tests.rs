//! Tests of the cert module, against hand-made documents and the real-world corpus.
use super::date::{civil_from_days, days_from_civil, SECS_PER_DAY};
use super::*;

// A self-made test certificate is avoided on purpose: the corpus certificates are real.
fn okta_cert() -> Option<String> {
    let dir = crate::core::fixtures::saml_dir()?;
    let xml = std::fs::read_to_string(dir.join("okta-idp-metadata.xml")).ok()?;
    let start = xml.find("<ds:X509Certificate>")? + "<ds:X509Certificate>".len();
    let end = xml.find("</ds:X509Certificate>")?;
    Some(xml[start..end].to_owned())
}

const OKTA_NOT_AFTER: i64 = 2_029_609_862; // 2034-04-25T20:31:02Z
const NOW: i64 = 1_795_392_000; // 2026-11-23

#[test]
fn dates_round_trip_against_a_day_counter() {
    let (mut y, mut m, mut d) = (1900, 1, 1);
    let mut days = days_from_civil(1900, 1, 1);
    assert_eq!(days, -25_567);
    while y < 2101 {
        assert_eq!(civil_from_days(days), (y, m, d));
        assert_eq!(days_from_civil(y, m, d), days);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        d += 1;
        if d > len[m as usize - 1] {
            (d, m) = (1, m + 1);
            if m > 12 {
                (m, y) = (1, y + 1);
            }
        }
        days += 1;
    }
    assert_eq!(format_date(0), "1970-01-01");
    assert_eq!(format_date(-1), "1969-12-31");
    assert_eq!(format_date(NOW), "2026-11-23");
    assert_eq!(format_date(33_255_100_800), "3023-10-25");
}

#[test]
fn xml_datetimes() {
    assert_eq!(parse_xml_datetime("2026-11-23T00:00:00Z"), Some(NOW));
    assert_eq!(parse_xml_datetime("2026-11-23T00:00:00.910Z"), Some(NOW));
    assert_eq!(parse_xml_datetime("2026-11-23T01:30:00+01:30"), Some(NOW));
    assert_eq!(parse_xml_datetime("2026-11-22T23:00:00-01:00"), Some(NOW));
    assert_eq!(parse_xml_datetime("2026-11-23"), None);
    assert_eq!(parse_xml_datetime("2026-13-23T00:00:00Z"), None);
    assert_eq!(parse_xml_datetime("soon"), None);
}

#[test]
fn pem_and_bare_base64_give_the_same_certificate() {
    let Some(b64) = okta_cert() else { return };
    let bare = parse_certificate(&b64, NOW).unwrap();
    assert_eq!(bare.not_after, OKTA_NOT_AFTER);
    assert!(
        bare.subject.contains("CN=trial-1022863"),
        "{}",
        bare.subject
    );
    assert_eq!(bare.sha256_fingerprint.len(), 32 * 3 - 1);
    assert!(bare
        .sha256_fingerprint
        .chars()
        .all(|c| c == ':' || c.is_ascii_hexdigit()));
    assert_eq!(
        bare.sha256_fingerprint,
        bare.sha256_fingerprint.to_uppercase()
    );
    assert!(bare.pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(bare.pem.ends_with("\n-----END CERTIFICATE-----\n"));
    assert!(bare.pem.lines().all(|l| l.len() <= 64));
    // The normalised PEM, pasted back with a BOM and CRLF line ends, reads the same.
    let crlf = format!("\u{feff}\r\n{}", bare.pem.replace('\n', "\r\n"));
    assert_eq!(parse_certificate(&crlf, NOW).unwrap(), bare);
    let unpadded = b64.trim().trim_end_matches('=');
    assert_eq!(parse_certificate(unpadded, NOW).unwrap(), bare);
    // base64 of the PEM text, as some tools write it.
    let wrapped = base64::engine::general_purpose::STANDARD.encode(&bare.pem);
    assert_eq!(parse_certificate(&wrapped, NOW).unwrap(), bare);
}

#[test]
fn refusals_have_their_own_codes() {
    let code = |t: &str| parse_certificate(t, NOW).unwrap_err().code;
    assert_eq!(code("  \n "), "certificate_empty");
    assert_eq!(
        code("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"),
        "certificate_is_private_key"
    );
    assert_eq!(
        code("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"),
        "certificate_is_private_key"
    );
    assert_eq!(code("hello, world"), "certificate_invalid");
    assert_eq!(code("aGVsbG8gd29ybGQ="), "certificate_invalid");
    assert_eq!(
        code("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"),
        "certificate_invalid"
    );
    let key = parse_certificate("-----BEGIN OPENSSH PRIVATE KEY-----", NOW).unwrap_err();
    assert!(key
        .message
        .starts_with("This is a private key — never share it"));
    let Some(b64) = okta_cert() else { return };
    let pem = parse_certificate(&b64, NOW).unwrap().pem;
    assert_eq!(code(&format!("{pem}{pem}")), "certificate_multiple");
    let truncated = &b64.trim()[..b64.trim().len() / 2];
    assert_eq!(code(truncated), "certificate_invalid");
}

#[test]
fn time_problems_are_warnings_not_refusals() {
    let Some(b64) = okta_cert() else { return };
    let codes = |now: i64| -> Vec<String> {
        let info = parse_certificate(&b64, now).unwrap();
        certificate_warnings(&[info], now)
            .into_iter()
            .map(|w| w.code)
            .collect()
    };
    let expired = parse_certificate(&b64, OKTA_NOT_AFTER + 1).unwrap();
    assert!(expired.expired);
    let warnings = certificate_warnings(std::slice::from_ref(&expired), OKTA_NOT_AFTER + 1);
    assert_eq!(warnings[0].code, "certificate_expired");
    assert!(
        warnings[0]
            .message
            .starts_with("The signing certificate (C=US"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[0].message.contains("expired on 2034-04-25"),
        "{}",
        warnings[0].message
    );
    assert!(warnings[0]
        .message
        .contains("sign-in will fail until your identity provider rotates it"));
    let early = parse_certificate(&b64, 0).unwrap();
    assert!(!early.expired);
    let warnings = certificate_warnings(&[early], 0);
    assert_eq!(warnings[0].code, "certificate_not_yet_valid");
    assert!(
        warnings[0].message.contains("2024-04-25"),
        "{}",
        warnings[0].message
    );
    assert_eq!(
        codes(OKTA_NOT_AFTER - 10 * SECS_PER_DAY),
        ["certificate_expiring_soon"]
    );
    let info = parse_certificate(&b64, NOW).unwrap();
    let soon = certificate_warnings(
        std::slice::from_ref(&info),
        OKTA_NOT_AFTER - 10 * SECS_PER_DAY,
    );
    assert!(
        soon[0].message.contains("in 10 days"),
        "{}",
        soon[0].message
    );
    assert!(codes(OKTA_NOT_AFTER - 31 * SECS_PER_DAY).is_empty());
    assert!(codes(NOW).is_empty());
}

#[test]
fn key_serial_and_signature_details() {
    let Some(b64) = okta_cert() else { return };
    let info = parse_certificate(&b64, NOW).unwrap();
    assert_eq!((info.key_algorithm.as_str(), info.key_bits), ("RSA", 2048));
    assert_eq!(info.signature_algorithm, "RSA-SHA256");
    assert!(
        !info.serial.is_empty() && info.serial.len().is_multiple_of(2),
        "{}",
        info.serial
    );
    assert!(!info.serial.starts_with("00"), "{}", info.serial);
    // Stored connections written before these fields existed still load.
    let mut old = serde_json::to_value(&info).unwrap();
    for field in [
        "serial",
        "key_algorithm",
        "key_bits",
        "signature_algorithm",
        "expired",
    ] {
        old.as_object_mut().unwrap().remove(field);
    }
    let loaded: CertificateInfo = serde_json::from_value(old).unwrap();
    assert_eq!(
        (loaded.sha256_fingerprint, loaded.key_bits),
        (info.sha256_fingerprint, 0)
    );
}

#[test]
fn weak_signatures_are_named() {
    assert_eq!(der::weak_hash("RSA-SHA1"), Some("SHA-1"));
    assert_eq!(der::weak_hash("ECDSA-SHA1"), Some("SHA-1"));
    assert_eq!(der::weak_hash("RSA-MD5"), Some("MD5"));
    assert_eq!(der::weak_hash("RSA-SHA256"), None);
    assert_eq!(der::weak_hash("ECDSA-SHA512"), None);
}
