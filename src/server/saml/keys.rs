//! Our SP key pair: an RSA key and a self-signed certificate that IdPs encrypt assertions for.
//! SAML only uses the certificate as a carrier for the public key, so self-signed is normal.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use openssl::x509::{X509NameBuilder, X509};

/// An SP private key and its certificate, both PEM.
#[derive(Clone)]
pub struct SpKeyPair {
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub private_key_pem: String,
    /// The self-signed certificate, PEM.
    pub certificate_pem: String,
}

impl std::fmt::Debug for SpKeyPair {
    // Keep the private key out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpKeyPair")
            .field("certificate_pem", &self.certificate_pem)
            .finish_non_exhaustive()
    }
}

/// Why a key pair could not be made: the step that failed and openssl's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not make the SP key pair: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

/// Turns an openssl error into a sentence naming the step that failed.
fn err(what: &'static str) -> impl Fn(openssl::error::ErrorStack) -> KeyError {
    move |e| KeyError(format!("{what}: {e}"))
}

const TEN_YEARS_SECS: i64 = 10 * 365 * 24 * 3600 + 3 * 24 * 3600;

/// [`generate`] on tokio's blocking pool, for async code: finding an RSA-2048 prime takes tens
/// to hundreds of milliseconds of CPU, and on an async worker it would hold up every other
/// request that worker serves. Anyone able to start a connection can ask for one.
pub async fn generate_off_thread(entity_id: &str, now: i64) -> Result<SpKeyPair, KeyError> {
    let entity_id = entity_id.to_owned();
    tokio::task::spawn_blocking(move || generate(&entity_id, now))
        .await
        .map_err(|e| KeyError(format!("the key generation task did not finish: {e}")))?
}

/// A fresh RSA-2048 key and a self-signed certificate (CN = a label derived from `entity_id`,
/// valid 10 years from `now`, unix seconds), via openssl, on the calling thread (async code
/// uses [`generate_off_thread`]).
pub fn generate(entity_id: &str, now: i64) -> Result<SpKeyPair, KeyError> {
    let rsa = Rsa::generate(2048).map_err(err("generating the RSA key"))?;
    let key = PKey::from_rsa(rsa).map_err(err("wrapping the RSA key"))?;

    let mut name = X509NameBuilder::new().map_err(err("building the name"))?;
    name.append_entry_by_text("CN", &common_name(entity_id))
        .map_err(err("setting the common name"))?;
    let name = name.build();

    let mut serial = BigNum::new().map_err(err("making the serial"))?;
    serial
        .rand(127, MsbOption::MAYBE_ZERO, false)
        .map_err(err("making the serial"))?;
    let serial = serial.to_asn1_integer().map_err(err("making the serial"))?;

    // Backdate a little so an IdP whose clock is slightly behind still accepts it.
    let not_before = Asn1Time::from_unix(now - 3600).map_err(err("setting the start date"))?;
    let not_after =
        Asn1Time::from_unix(now + TEN_YEARS_SECS).map_err(err("setting the end date"))?;

    let mut b = X509::builder().map_err(err("building the certificate"))?;
    b.set_version(2).map_err(err("setting the version"))?;
    b.set_serial_number(&serial)
        .map_err(err("setting the serial"))?;
    b.set_subject_name(&name)
        .map_err(err("setting the subject"))?;
    b.set_issuer_name(&name)
        .map_err(err("setting the issuer"))?;
    b.set_pubkey(&key).map_err(err("setting the public key"))?;
    b.set_not_before(&not_before)
        .map_err(err("setting the start date"))?;
    b.set_not_after(&not_after)
        .map_err(err("setting the end date"))?;
    let bc = BasicConstraints::new()
        .critical()
        .build()
        .map_err(err("adding basic constraints"))?;
    b.append_extension(bc)
        .map_err(err("adding basic constraints"))?;
    let ku = KeyUsage::new()
        .digital_signature()
        .key_encipherment()
        .data_encipherment()
        .build()
        .map_err(err("adding key usage"))?;
    b.append_extension(ku).map_err(err("adding key usage"))?;
    let ski = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(None, None))
        .map_err(err("adding the key identifier"))?;
    b.append_extension(ski)
        .map_err(err("adding the key identifier"))?;
    b.sign(&key, MessageDigest::sha256())
        .map_err(err("signing the certificate"))?;
    let cert = b.build();

    let private_key_pem = key
        .private_key_to_pem_pkcs8()
        .map_err(err("writing the key"))?;
    let certificate_pem = cert.to_pem().map_err(err("writing the certificate"))?;
    Ok(SpKeyPair {
        private_key_pem: String::from_utf8_lossy(&private_key_pem).into_owned(),
        certificate_pem: String::from_utf8_lossy(&certificate_pem).into_owned(),
    })
}

/// A readable CN for an entity ID: its host and path without the scheme, at most 64
/// characters (the X.520 limit), never empty.
fn common_name(entity_id: &str) -> String {
    let trimmed = entity_id.trim();
    let label = trimmed
        .split_once("://")
        .map_or(trimmed, |(_, rest)| rest)
        .trim_end_matches('/');
    let label: String = label.chars().filter(|c| !c.is_control()).take(64).collect();
    if label.is_empty() {
        "Portico SAML SP".to_owned()
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_392_000;

    #[test]
    fn generates_a_certificate_our_own_reader_accepts() {
        let pair = generate("https://sso.vendor.com/sso/saml/conn_1", NOW).unwrap();
        assert!(pair
            .private_key_pem
            .starts_with("-----BEGIN PRIVATE KEY-----"));
        let info = crate::core::metadata::parse_certificate(&pair.certificate_pem, NOW).unwrap();
        assert_eq!(info.subject, "CN=sso.vendor.com/sso/saml/conn_1");
        assert_eq!(info.subject, info.issuer);
        assert_eq!(info.key_algorithm, "RSA");
        assert_eq!(info.key_bits, 2048);
        assert!(!info.expired);
        assert!(info.not_before <= NOW);
        assert!(info.not_after >= NOW + 10 * 365 * 24 * 3600);
        // The key matches the certificate.
        let key = PKey::private_key_from_pem(pair.private_key_pem.as_bytes()).unwrap();
        let cert = X509::from_pem(pair.certificate_pem.as_bytes()).unwrap();
        assert!(cert.public_key().unwrap().public_eq(&key));
        assert!(!format!("{pair:?}").contains("PRIVATE"));
    }

    /// With one async worker, a task beside key generation keeps running: the work is on the
    /// blocking pool. Were it on the worker, the ticker would not tick until it was done.
    #[tokio::test(flavor = "current_thread")]
    async fn keys_are_made_off_the_async_worker() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let ticks = Arc::new(AtomicUsize::new(0));
        let ticker = {
            let ticks = ticks.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_millis(5));
                // No catching up in bursts after a stall: a stalled worker shows as few ticks.
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    every.tick().await;
                    ticks.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        tokio::task::yield_now().await;
        let start = std::time::Instant::now();
        let before = ticks.load(Ordering::SeqCst);
        let mut made = 0;
        while start.elapsed() < std::time::Duration::from_millis(150) {
            let pair = generate_off_thread("https://sso.vendor.com/sso/saml/conn_1", NOW)
                .await
                .unwrap();
            assert!(pair
                .private_key_pem
                .starts_with("-----BEGIN PRIVATE KEY-----"));
            made += 1;
        }
        let during = ticks.load(Ordering::SeqCst) - before;
        ticker.abort();
        assert!(
            during >= 5,
            "the worker stalled: {during} ticks in {:?} while {made} keys were made",
            start.elapsed()
        );
    }

    #[test]
    fn common_names_are_short_and_never_empty() {
        assert_eq!(common_name("urn:example:sp"), "urn:example:sp");
        assert_eq!(common_name("  "), "Portico SAML SP");
        assert_eq!(
            common_name(&format!("https://{}", "a".repeat(100))).len(),
            64
        );
    }
}
