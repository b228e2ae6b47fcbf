//! X.509 certificate reading for SAML: PEM or bare base64 in, [`CertificateInfo`] out, plus
//! the warnings a certificate earns (validity window, weak signature).
//!
//! Time problems are warnings, never refusals: an expired IdP certificate is the IdP's to
//! rotate, and the admin should be able to save the connection now and learn why sign-in
//! will fail, rather than be blocked with nothing to do on this side.

use std::collections::HashSet;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::metadata::{codes, MetadataProblem};

mod date;
mod der;
mod warnings;

pub(crate) use date::parse_xml_datetime;
pub use date::{format_date, format_datetime, format_time_of_day};
pub use warnings::certificate_warnings;

/// One X.509 certificate, as shown to the admin and stored for signature checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject distinguished name, e.g. `C=US, O=Okta, CN=trial-1022863`.
    pub subject: String,
    /// Issuer distinguished name; equal to `subject` for the usual self-signed SAML cert.
    pub issuer: String,
    /// Serial number as uppercase hex, as `openssl x509 -serial` prints it.
    #[serde(default)]
    pub serial: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the DER as uppercase hex pairs joined by colons.
    pub sha256_fingerprint: String,
    /// The public key's family: `RSA`, `EC`, `DSA`, `Ed25519`, `Ed448`, or the OID.
    #[serde(default)]
    pub key_algorithm: String,
    /// The key size in bits (the curve size for EC), 0 when unknown.
    #[serde(default)]
    pub key_bits: u32,
    /// How the issuer signed the certificate, e.g. `RSA-SHA256`, `ECDSA-SHA384`, `RSA-SHA1`.
    #[serde(default)]
    pub signature_algorithm: String,
    /// Whether `not_after` had passed when the certificate was inspected.
    #[serde(default)]
    pub expired: bool,
    /// Normalised PEM: `-----BEGIN CERTIFICATE-----\n`, base64 in 64-column lines, then
    /// `-----END CERTIFICATE-----\n`.
    pub pem: String,
}

/// How long before expiry a certificate earns a `certificate_expiring_soon` warning.
pub const EXPIRY_WARNING_SECS: i64 = 30 * date::SECS_PER_DAY;

// Pasted certificates often lose their trailing `=`; accept them either way.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// For the manual-fields path: parse one PEM (or bare base64 DER) certificate the admin
/// pasted. Keys, several certificates and unreadable text are refused; an expired or
/// not-yet-valid certificate is accepted with `expired` set, and [`certificate_warnings`]
/// says what that means for sign-in.
pub fn parse_certificate(text: &str, now_unix: i64) -> Result<CertificateInfo, MetadataProblem> {
    let mut info = read_certificate(text)?;
    info.expired = info.not_after < now_unix;
    Ok(info)
}

/// Reads one certificate from PEM text or bare base64 DER, ignoring its validity window.
fn read_certificate(text: &str) -> Result<CertificateInfo, MetadataProblem> {
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
    der::decode_der(&der)
}

/// Reads the `X509Certificate` texts of a metadata document's signing keys: deduplicated
/// certificates with `expired` set at `now`, plus a warning for each one that could not be
/// read. Fails on a private key, or when not one certificate is readable.
pub(crate) fn read_metadata_certificates(
    texts: &[String],
    now: i64,
) -> Result<(Vec<CertificateInfo>, Vec<MetadataProblem>), MetadataProblem> {
    let (mut certs, mut unreadable, mut seen) =
        (Vec::<CertificateInfo>::new(), Vec::new(), HashSet::new());
    for (index, text) in texts.iter().enumerate() {
        let mut info = match read_certificate(text) {
            Ok(info) => info,
            Err(p) if p.code == codes::CERTIFICATE_IS_PRIVATE_KEY => return Err(p),
            Err(_) => {
                unreadable.push(index + 1);
                continue;
            }
        };
        if !seen.insert(info.sha256_fingerprint.clone()) {
            continue;
        }
        info.expired = info.not_after < now;
        certs.push(info);
    }
    if certs.is_empty() && !unreadable.is_empty() {
        return Err(invalid(
            "The signing certificate in the metadata is damaged and cannot be read. Download \
             the metadata again from your identity provider and upload it unchanged."
                .into(),
        ));
    }
    // One damaged certificate must not be stored: signature libraries then fail for every
    // certificate of the connection. Leaving it out keeps the readable ones working.
    let warnings = match unreadable.as_slice() {
        [] => Vec::new(),
        [n] => vec![MetadataProblem::new(
            codes::CERTIFICATE_UNREADABLE,
            format!(
                "Signing certificate {n} in the metadata is damaged and was left out; the \
                 other signing certificates were kept. If sign-in fails, download the \
                 metadata again from your identity provider."
            ),
        )],
        many => vec![MetadataProblem::new(
            codes::CERTIFICATE_UNREADABLE,
            format!(
                "{} signing certificates in the metadata are damaged and were left out; the \
                 other signing certificates were kept. If sign-in fails, download the \
                 metadata again from your identity provider.",
                many.len()
            ),
        )],
    };
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

#[cfg(test)]
mod tests;
