//! X.509 certificate reading for SAML: PEM or bare base64 in, [`CertificateInfo`] out, plus
//! the validity-window checks and the date arithmetic they need (no date crate on purpose:
//! this module also runs in the browser).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::metadata::{codes, MetadataProblem};

/// One X.509 certificate, as shown to the admin and stored for signature checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject distinguished name, e.g. `C=US, O=Okta, CN=trial-1022863`.
    pub subject: String,
    /// Issuer distinguished name; equal to `subject` for the usual self-signed SAML cert.
    pub issuer: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the DER as uppercase hex pairs joined by colons.
    pub sha256_fingerprint: String,
    /// Normalised PEM: `-----BEGIN CERTIFICATE-----\n`, base64 in 64-column lines, then
    /// `-----END CERTIFICATE-----\n`.
    pub pem: String,
}

/// How long before expiry a certificate earns a `certificate_expiring_soon` warning.
pub const EXPIRY_WARNING_SECS: i64 = 30 * SECS_PER_DAY;

const SECS_PER_DAY: i64 = 86_400;

// Pasted certificates often lose their trailing `=`; accept them either way.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A certificate read from text, with what only the DER can tell us.
struct Decoded {
    info: CertificateInfo,
    /// The hash of the issuer's signature when it is a broken one (SHA-1, MD5).
    weak_hash: Option<&'static str>,
}

/// For the manual-fields path: parse one PEM (or bare base64 DER) certificate the admin
/// pasted, and refuse it unless it is valid at `now_unix` (seconds).
pub fn parse_certificate(text: &str, now_unix: i64) -> Result<CertificateInfo, MetadataProblem> {
    let info = read_certificate(text)?.info;
    validity_problems(std::slice::from_ref(&info), now_unix)?;
    Ok(info)
}

/// Reads one certificate from PEM text or bare base64 DER, ignoring its validity window.
fn read_certificate(text: &str) -> Result<Decoded, MetadataProblem> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(MetadataProblem::new(
            codes::CERTIFICATE_EMPTY,
            "No certificate was entered. Paste the IdP's signing certificate: the text from \
             -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.",
        ));
    }
    let mut der = der_from_text(text)?;
    // Some tools put base64(PEM text) where base64(DER) belongs; unwrap that one extra layer.
    if der.starts_with(b"-----BEGIN") {
        if let Ok(inner) = std::str::from_utf8(&der) {
            der = der_from_text(inner)?;
        }
    }
    decode_der(&der)
}

/// Reads the `X509Certificate` texts of a metadata document's signing keys: deduplicated
/// certificates plus the warnings they earn, or the first one that cannot be read.
pub(crate) fn read_metadata_certificates(
    texts: &[String],
) -> Result<(Vec<CertificateInfo>, Vec<MetadataProblem>), MetadataProblem> {
    let (mut certs, mut warnings) = (Vec::<CertificateInfo>::new(), Vec::new());
    for (index, text) in texts.iter().enumerate() {
        let decoded = read_certificate(text).map_err(|p| {
            if p.code == codes::CERTIFICATE_IS_PRIVATE_KEY {
                return p;
            }
            invalid(format!(
                "Signing certificate {} in the metadata is damaged and cannot be read. Download \
                 the metadata again from your identity provider and upload it unchanged.",
                index + 1
            ))
        })?;
        if certs
            .iter()
            .any(|c| c.sha256_fingerprint == decoded.info.sha256_fingerprint)
        {
            continue;
        }
        if let Some(hash) = decoded.weak_hash {
            warnings.push(MetadataProblem::new(
                codes::CERTIFICATE_WEAK_SIGNATURE,
                format!(
                    "The signing certificate ({}) is itself signed with {hash}, an outdated \
                     algorithm. Sign-in still works, because Portico trusts this exact \
                     certificate rather than whoever issued it, but security scanners may flag \
                     it; choose SHA-256 when you next renew the IdP's certificate.",
                    decoded.info.subject
                ),
            ));
        }
        certs.push(decoded.info);
    }
    Ok((certs, warnings))
}

fn der_from_text(text: &str) -> Result<Vec<u8>, MetadataProblem> {
    if text.contains("PRIVATE KEY") {
        return Err(MetadataProblem::new(
            codes::CERTIFICATE_IS_PRIVATE_KEY,
            "This is a private key — never share it; paste the certificate instead (the block \
             that starts with -----BEGIN CERTIFICATE-----).",
        ));
    }
    if !text.contains("-----BEGIN") {
        return decode_base64(text);
    }
    let mut bodies = Vec::new();
    for block in text.split("-----BEGIN ").skip(1) {
        let (label, rest) = block.split_once("-----").unwrap_or((block, ""));
        let body = rest.split("-----END").next().unwrap_or("");
        match label.trim() {
            "CERTIFICATE" | "X509 CERTIFICATE" => bodies.push(body),
            other => {
                return Err(invalid(format!(
                    "This is a PEM block of type \"{other}\", not a certificate. Paste the \
                     IdP's signing certificate: the block that starts with \
                     -----BEGIN CERTIFICATE-----."
                )))
            }
        }
    }
    match bodies.as_slice() {
        [one] => decode_base64(one),
        many => Err(MetadataProblem::new(
            codes::CERTIFICATE_MULTIPLE,
            format!(
                "You pasted {} certificates. Paste only the IdP's SAML signing certificate, \
                 one BEGIN/END block.",
                many.len()
            ),
        )),
    }
}

fn decode_base64(text: &str) -> Result<Vec<u8>, MetadataProblem> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(invalid(
            "The certificate is empty. Copy it again from your IdP.".into(),
        ));
    }
    LENIENT_B64.decode(compact.as_bytes()).map_err(|_| {
        invalid(
            "This is not a certificate. Paste the IdP's signing certificate as PEM text \
             (from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----) or the base64 \
             block inside it."
                .into(),
        )
    })
}

fn decode_der(der: &[u8]) -> Result<Decoded, MetadataProblem> {
    let damaged = || {
        invalid(
            "This text decodes, but it is not a complete X.509 certificate. Copy the \
             certificate again, including every line between BEGIN and END, or download it as \
             a file from your IdP."
                .into(),
        )
    };
    let (rest, cert) = x509_parser::parse_x509_certificate(der).map_err(|_| damaged())?;
    if !rest.is_empty() {
        return Err(damaged());
    }
    let weak_hash = match cert.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3" => {
            Some("SHA-1")
        }
        "1.2.840.113549.1.1.4" | "1.2.840.113549.1.1.2" => Some("MD5"),
        _ => None,
    };
    let info = CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        sha256_fingerprint: fingerprint(der),
        pem: to_pem(der),
    };
    Ok(Decoded { info, weak_hash })
}

fn invalid(message: String) -> MetadataProblem {
    MetadataProblem::new(codes::CERTIFICATE_INVALID, message)
}

/// SHA-256 of the DER as uppercase hex pairs joined by colons.
fn fingerprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    let pairs: Vec<String> = digest.iter().map(|b| format!("{b:02X}")).collect();
    pairs.join(":")
}

/// The normalised PEM form: 64-column base64 lines between the standard markers.
fn to_pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// Checks a set of signing certificates against `now`: an error when none is usable, else
/// the warnings worth showing.
pub(crate) fn validity_problems(
    certs: &[CertificateInfo],
    now: i64,
) -> Result<Vec<MetadataProblem>, MetadataProblem> {
    let current = |c: &&CertificateInfo| c.not_before <= now && now <= c.not_after;
    if !certs.iter().any(|c| current(&c)) {
        if let Some(c) = certs
            .iter()
            .filter(|c| c.not_before > now)
            .min_by_key(|c| c.not_before)
        {
            return Err(MetadataProblem::new(
                codes::CERTIFICATE_NOT_YET_VALID,
                format!(
                    "The certificate is not valid until {} ({}). Check that your IdP's \
                     certificate is the active one and that this computer's clock is right, \
                     or wait until that date.",
                    format_date(c.not_before),
                    c.subject
                ),
            ));
        }
        if let Some(c) = certs.iter().max_by_key(|c| c.not_after) {
            let lead = match certs.len() {
                1 => String::from("The certificate"),
                2 => String::from("Both signing certificates have expired; the newer one"),
                n => format!("All {n} signing certificates have expired; the newest"),
            };
            return Err(MetadataProblem::new(
                codes::CERTIFICATE_EXPIRED,
                format!(
                    "{lead} expired on {} ({}). Sign-ins signed with it will be refused. In \
                     your IdP's admin console, create or activate a new SAML signing \
                     certificate, then download the metadata or certificate again.",
                    format_date(c.not_after),
                    c.subject
                ),
            ));
        }
        return Ok(Vec::new());
    }
    let mut warnings = Vec::new();
    for c in certs {
        let (code, message) = if c.not_after < now {
            (
                codes::CERTIFICATE_SOME_EXPIRED,
                format!(
                    "One of the signing certificates ({}) expired on {}. The others are still \
                     valid, so you can continue; remove the old certificate from your IdP \
                     when convenient.",
                    c.subject,
                    format_date(c.not_after)
                ),
            )
        } else if c.not_before > now {
            (
                codes::CERTIFICATE_SOME_NOT_YET_VALID,
                format!(
                    "One of the signing certificates ({}) only becomes valid on {}. This is \
                     normal during a certificate rollover; no action is needed now.",
                    c.subject,
                    format_date(c.not_before)
                ),
            )
        } else if c.not_after - now <= EXPIRY_WARNING_SECS {
            (
                codes::CERTIFICATE_EXPIRING_SOON,
                format!(
                    "The signing certificate ({}) expires on {}, in {} days. Sign-ins will \
                     stop working then unless your IdP switches to a new certificate and you \
                     update this connection; plan the rollover now.",
                    c.subject,
                    format_date(c.not_after),
                    (c.not_after - now) / SECS_PER_DAY
                ),
            )
        } else {
            continue;
        };
        warnings.push(MetadataProblem::new(code, message));
    }
    Ok(warnings)
}

/// A Unix time as a `YYYY-MM-DD` date in UTC.
pub fn format_date(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(SECS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

// Both conversions count from 0000-03-01 so that February, with its leap day, ends each
// year; eras of 400 years (146 097 days) then repeat exactly.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    era * 146_097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year - 719_468
}

/// Parses an `xs:dateTime` such as `2026-06-22T18:39:53.000Z` to Unix seconds; a missing
/// zone is taken as UTC.
pub(crate) fn parse_xml_datetime(value: &str) -> Option<i64> {
    let v = value.trim();
    let num = |range: std::ops::Range<usize>| v.get(range)?.parse::<i64>().ok();
    let b = v.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let (month, day) = (num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let secs = days_from_civil(num(0..4)?, month, day) * SECS_PER_DAY
        + num(11..13)? * 3_600
        + num(14..16)? * 60
        + num(17..19)?;
    let zone = v[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "" | "Z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => {
            let minutes =
                z.get(1..3)?.parse::<i64>().ok()? * 60 + z.get(4..6)?.parse::<i64>().ok()?;
            if z.starts_with('-') {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
        _ => return None,
    };
    Some(secs - offset)
}

#[cfg(test)]
mod tests;
