//! Tests of the cert module, against hand-made documents and the real-world corpus.
use super::*;

// A self-made test certificate is avoided on purpose: the corpus certificates are real.
fn okta_cert() -> Option<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/saml");
    let Ok(xml) = std::fs::read_to_string(format!("{dir}/okta-idp-metadata.xml")) else {
        eprintln!("skipping: SAML fixtures not found at {dir}");
        return None;
    };
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
fn validity_window() {
    let Some(b64) = okta_cert() else { return };
    let expired = parse_certificate(&b64, OKTA_NOT_AFTER + 1).unwrap_err();
    assert_eq!(expired.code, "certificate_expired");
    assert!(
        expired
            .message
            .starts_with("The certificate expired on 2034-04-25"),
        "{}",
        expired.message
    );
    let early = parse_certificate(&b64, 0).unwrap_err();
    assert_eq!(early.code, "certificate_not_yet_valid");
    assert!(early.message.contains("2024-04-25"), "{}", early.message);
    let info = parse_certificate(&b64, OKTA_NOT_AFTER).unwrap();
    let soon = validity_problems(
        std::slice::from_ref(&info),
        OKTA_NOT_AFTER - 10 * SECS_PER_DAY,
    )
    .unwrap();
    assert_eq!(soon.len(), 1);
    assert_eq!(soon[0].code, "certificate_expiring_soon");
    assert!(
        soon[0].message.contains("in 10 days"),
        "{}",
        soon[0].message
    );
    assert!(
        validity_problems(&[info], OKTA_NOT_AFTER - 31 * SECS_PER_DAY)
            .unwrap()
            .is_empty()
    );
}
