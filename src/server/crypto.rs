//! Random tokens, their hashes, and encryption of secrets at rest.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chacha20poly1305::{aead::Aead, AeadCore, KeyInit, XChaCha20Poly1305};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A random token of 256 bits, URL-safe base64, with a prefix saying what it is.
pub fn token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Compares two secrets (or their hashes) in time that depends on their length only, so the
/// time an answer takes says nothing about how much of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

/// A random id like `org_01J...`: a prefix and 26 Crockford base32 characters (128 bits).
pub fn id(prefix: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let mut n = u128::from_be_bytes(bytes);
    let mut out = [0u8; 26];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    format!("{prefix}{}", String::from_utf8_lossy(&out))
}

/// SHA-256 of a token, hex: what the store keeps instead of the token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Encrypts and decrypts secrets (IdP client secrets) with the server's key.
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

/// Why a secret could not be decrypted.
#[derive(Debug, PartialEq, Eq)]
pub struct DecryptError;

impl SecretBox {
    /// A box for a 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// Nonce followed by ciphertext.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        // Encryption with a valid key and a fresh nonce cannot fail for in-memory buffers.
        out.extend(self.cipher.encrypt(&nonce, plaintext).unwrap_or_default());
        out
    }

    /// The plaintext of what [`seal`](Self::seal) produced.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, DecryptError> {
        if sealed.len() < 24 {
            return Err(DecryptError);
        }
        let (nonce, ct) = sealed.split_at(24);
        self.cipher
            .decrypt(nonce.into(), ct)
            .map_err(|_| DecryptError)
    }
}

/// Generates a new key, base64 encoded, for the key file.
pub fn new_key_b64() -> String {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// Decodes a key given as base64 or hex.
pub fn decode_key(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(t)
        .ok()
        .or_else(|| hex::decode(t).ok())?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_long() {
        let a = token("pk_");
        assert!(a.starts_with("pk_") && a.len() == 3 + 43);
        assert_ne!(a, token("pk_"));
        assert_eq!(hash_token(&a).len(), 64);
        let i = id("org_");
        assert_eq!(i.len(), 30);
    }

    #[test]
    fn secrets_round_trip_and_detect_tampering() {
        let key = decode_key(&new_key_b64()).unwrap();
        let b = SecretBox::new(&key);
        let mut sealed = b.seal(b"s3cret");
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(b.open(&sealed).unwrap(), b"s3cret");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(b.open(&sealed), Err(DecryptError));
        let other = SecretBox::new(&decode_key(&new_key_b64()).unwrap());
        assert!(other.open(&b.seal(b"x")).is_err());
    }
}
