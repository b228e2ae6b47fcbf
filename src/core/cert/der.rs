//! What only the DER can tell: names, serial, validity, key and signature algorithms.

use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::{fingerprint, invalid, to_pem, CertificateInfo};
use crate::core::metadata::MetadataProblem;

/// Reads a DER certificate into a [`CertificateInfo`] (with `expired` false: the caller
/// knows the clock).
pub(super) fn decode_der(der: &[u8]) -> Result<CertificateInfo, MetadataProblem> {
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
    let (key_algorithm, key_bits) = key(cert.public_key());
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: serial_hex(cert.raw_serial()),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        sha256_fingerprint: fingerprint(der),
        key_algorithm,
        key_bits,
        signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
        expired: false,
        pem: to_pem(der),
    })
}

/// The serial as uppercase hex without the DER sign byte, as `openssl x509 -serial` shows it.
fn serial_hex(raw: &[u8]) -> String {
    let start = raw
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    raw[start..].iter().map(|b| format!("{b:02X}")).collect()
}

/// The key's family ("RSA", "EC", …) and size in bits (0 when unknown).
fn key(spki: &SubjectPublicKeyInfo) -> (String, u32) {
    let oid = spki.algorithm.algorithm.to_id_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            // x509-parser's own key_size() miscounts moduli without a leading zero byte.
            let bits = match spki.parsed() {
                Ok(PublicKey::RSA(rsa)) => significant_bits(rsa.modulus),
                _ => 0,
            };
            ("RSA".into(), bits)
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            let bits = match curve.as_deref() {
                Some("1.2.840.10045.3.1.7" | "1.3.132.0.10") => 256,
                Some("1.3.132.0.34") => 384,
                Some("1.3.132.0.35") => 521,
                // An uncompressed point is 0x04, X, Y: each coordinate is the field size.
                _ => (spki.subject_public_key.data.len().saturating_sub(1) / 2 * 8) as u32,
            };
            ("EC".into(), bits)
        }
        "1.2.840.10040.4.1" => {
            let bits = match spki.parsed() {
                Ok(PublicKey::DSA(y)) => significant_bits(y),
                _ => 0,
            };
            ("DSA".into(), bits)
        }
        "1.3.101.112" => ("Ed25519".into(), 256),
        "1.3.101.113" => ("Ed448".into(), 456),
        other => (other.to_owned(), 0),
    }
}

/// The bit length of a big-endian unsigned integer.
fn significant_bits(bytes: &[u8]) -> u32 {
    match bytes.iter().position(|b| *b != 0) {
        Some(i) => ((bytes.len() - i - 1) * 8) as u32 + (8 - bytes[i].leading_zeros()),
        None => 0,
    }
}

/// A readable name for the issuer's signature algorithm, e.g. `RSA-SHA256`.
fn signature_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.1.2" => "RSA-MD2",
        "1.2.840.113549.1.1.4" => "RSA-MD5",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "RSA-SHA1",
        "1.2.840.113549.1.1.10" => "RSA-PSS",
        "1.2.840.113549.1.1.11" => "RSA-SHA256",
        "1.2.840.113549.1.1.12" => "RSA-SHA384",
        "1.2.840.113549.1.1.13" => "RSA-SHA512",
        "1.2.840.113549.1.1.14" => "RSA-SHA224",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.1" => "ECDSA-SHA224",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.2.840.10040.4.3" => "DSA-SHA1",
        "2.16.840.1.101.3.4.3.2" => "DSA-SHA256",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        other => other,
    };
    name.to_owned()
}

/// The broken hash in a signature algorithm name, if it uses one.
pub(super) fn weak_hash(signature_algorithm: &str) -> Option<&'static str> {
    ["SHA1", "MD5", "MD2"]
        .into_iter()
        .find(|h| signature_algorithm.ends_with(h))
        .map(|h| match h {
            "SHA1" => "SHA-1",
            other => other,
        })
}
