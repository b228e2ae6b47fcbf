//! The warnings a set of signing certificates earns at a given time. None of them blocks
//! saving: each says what will happen at sign-in and who can fix it.

use super::date::{format_date, SECS_PER_DAY};
use super::{der::weak_hash, CertificateInfo, EXPIRY_WARNING_SECS};
use crate::core::metadata::{codes, MetadataProblem};

/// The warnings for an IdP's signing certificates at `now` (Unix seconds): an expired or
/// not-yet-valid set (sign-in fails until the IdP rotates), one stale or future certificate
/// among valid ones, expiry within 30 days, and SHA-1 or MD5 signatures.
pub fn certificate_warnings(certs: &[CertificateInfo], now: i64) -> Vec<MetadataProblem> {
    let mut warnings = Vec::new();
    let current = |c: &CertificateInfo| c.not_before <= now && now <= c.not_after;
    if !certs.iter().any(current) {
        // Nothing verifies today; prefer the explanation that has an end in sight.
        if let Some(c) = certs
            .iter()
            .filter(|c| c.not_before > now)
            .min_by_key(|c| c.not_before)
        {
            warnings.push(MetadataProblem::new(
                codes::CERTIFICATE_NOT_YET_VALID,
                format!(
                    "The signing certificate ({}) only becomes valid on {}, so sign-in will \
                     fail until then. You can save now; if that date is unexpected, check that \
                     your IdP's active certificate is the one in this file and that this \
                     computer's clock is right.",
                    c.subject,
                    format_date(c.not_before)
                ),
            ));
        } else if let Some(c) = certs.iter().max_by_key(|c| c.not_after) {
            let lead = match certs.len() {
                1 => String::from("The signing certificate"),
                2 => String::from("Both signing certificates have expired; the newer one"),
                n => format!("All {n} signing certificates have expired; the newest"),
            };
            warnings.push(MetadataProblem::new(
                codes::CERTIFICATE_EXPIRED,
                format!(
                    "{lead} ({}) expired on {}. You can save this connection, but sign-in \
                     will fail until your identity provider rotates it: in the IdP's admin \
                     console, create or activate a new SAML signing certificate, then upload \
                     the new metadata or certificate here.",
                    c.subject,
                    format_date(c.not_after)
                ),
            ));
        }
    } else {
        for c in certs {
            let (code, message) = if c.not_after < now {
                (
                    codes::CERTIFICATE_SOME_EXPIRED,
                    format!(
                        "One of the signing certificates ({}) expired on {}. The others are \
                         still valid, so you can continue; remove the old certificate from \
                         your IdP when convenient.",
                        c.subject,
                        format_date(c.not_after)
                    ),
                )
            } else if c.not_before > now {
                (
                    codes::CERTIFICATE_SOME_NOT_YET_VALID,
                    format!(
                        "One of the signing certificates ({}) only becomes valid on {}. This \
                         is normal during a certificate rollover; no action is needed now.",
                        c.subject,
                        format_date(c.not_before)
                    ),
                )
            } else if c.not_after - now <= EXPIRY_WARNING_SECS {
                (
                    codes::CERTIFICATE_EXPIRING_SOON,
                    format!(
                        "The signing certificate ({}) expires on {}, in {} days. Sign-ins will \
                         stop working then unless your IdP switches to a new certificate and \
                         you update this connection; plan the rollover now.",
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
    }
    for c in certs {
        if let Some(hash) = weak_hash(&c.signature_algorithm) {
            warnings.push(MetadataProblem::new(
                codes::CERTIFICATE_WEAK_SIGNATURE,
                format!(
                    "The signing certificate ({}) is itself signed with {hash}, an outdated \
                     algorithm. Sign-in still works, because Portico trusts this exact \
                     certificate rather than whoever issued it, but security scanners may flag \
                     it; choose SHA-256 when you next renew the IdP's certificate.",
                    c.subject
                ),
            ));
        }
    }
    warnings
}
