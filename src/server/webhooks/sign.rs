//! Standard Webhooks signatures: `webhook-signature: v1,<base64 HMAC-SHA256>` of
//! `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed with the bytes the secret's base64 (after
//! `whsec_`) encodes. Several signatures are separated by spaces (during a rotation, one per
//! live secret), which the specification's libraries accept when any one matches.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sha2::Sha256;

/// What every secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// Bytes of key in a new secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut key = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The key bytes of a secret; `None` if it is not `whsec_` and base64.
pub fn key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()
}

/// One `v1,<base64>` signature of a message with this secret; `None` for a malformed secret.
pub fn signature(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = key(secret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: one signature per secret, newest secret first, separated
/// by spaces. Malformed secrets (never stored so) are skipped.
pub fn header(secrets: &[String], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|s| signature(s, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_base64_of_32_bytes() {
        let s = new_secret();
        assert!(s.starts_with("whsec_"), "{s}");
        assert_eq!(key(&s).map(|k| k.len()), Some(32));
        assert_ne!(s, new_secret());
        assert_eq!(key("whsec_!!"), None);
        assert_eq!(key("sk_abc"), None);
    }

    #[test]
    fn the_signature_is_the_hmac_of_id_timestamp_and_body() {
        // The specification's published example: this secret, id, timestamp and body sign to
        // this value (standard-webhooks, spec "Signature scheme").
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let sig = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        let two = header(
            &[secret.to_owned(), new_secret()],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
        );
        let parts: Vec<&str> = two.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
