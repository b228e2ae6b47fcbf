//! Decrypting an `EncryptedAssertion` with our SP key (XML Encryption 1.0/1.1): the content
//! key is RSA-wrapped (RSA-OAEP; RSA-1_5 is refused), the assertion AES-CBC or AES-GCM encrypted.
//!
//! openssl does all cryptography; this module only reads the algorithm names and the base64
//! values out of the XML. samael's own helpers are not used because they can panic on short
//! input and only know AES-128.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use openssl::encrypt::Decrypter;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Padding;
use openssl::symm::{Cipher, Crypter, Mode};
use roxmltree::Node;

use crate::core::xml::{self, NS_DSIG, NS_XENC, NS_XENC11};

/// Most wrapped keys tried for one assertion.
pub const MAX_ENCRYPTED_KEYS: usize = 2;

/// Decrypts one `EncryptedAssertion` element and returns the plaintext (an Assertion, as XML
/// text). The error is a sentence for the admin.
pub fn decrypt_assertion(
    encrypted_assertion: Node,
    private_key_pem: &str,
) -> Result<String, String> {
    let key = PKey::private_key_from_pem(private_key_pem.as_bytes())
        .map_err(|_| "our SP private key could not be read".to_owned())?;
    let data = xml::child(encrypted_assertion, NS_XENC, "EncryptedData")
        .ok_or_else(|| "the EncryptedAssertion holds no EncryptedData".to_owned())?;
    let content_alg =
        method(data).ok_or_else(|| "the EncryptedData names no encryption method".to_owned())?;

    // The wrapped key sits in the EncryptedData's KeyInfo, or next to the EncryptedData
    // (referenced by a RetrievalMethod), depending on the IdP.
    let keys: Vec<Node> = xml::child(data, NS_DSIG, "KeyInfo")
        .into_iter()
        .flat_map(|ki| xml::children(ki, NS_XENC, "EncryptedKey").collect::<Vec<_>>())
        .chain(xml::children(encrypted_assertion, NS_XENC, "EncryptedKey"))
        .collect();
    if keys.is_empty() {
        return Err("the EncryptedAssertion holds no EncryptedKey".to_owned());
    }
    // Each try is an RSA private-key operation, and anyone can post an encrypted assertion
    // (our certificate is public): IdPs wrap the key once, for us.
    if keys.len() > MAX_ENCRYPTED_KEYS {
        return Err(format!(
            "the EncryptedAssertion holds {} EncryptedKeys; an IdP wraps the key \
            once for us (at most {MAX_ENCRYPTED_KEYS})",
            keys.len()
        ));
    }
    let mut last_problem = String::new();
    let mut content_key = None;
    for k in keys {
        match unwrap_key(k, &key) {
            Ok(ck) => {
                content_key = Some(ck);
                break;
            }
            Err(p) => last_problem = p,
        }
    }
    let content_key = content_key.ok_or(last_problem)?;
    let cipher_text = cipher_value(data)?;
    let plain = decrypt_content(&content_alg, &content_key, &cipher_text)?;
    String::from_utf8(plain).map_err(|_| "the decrypted assertion is not UTF-8 text".to_owned())
}

fn method(node: Node) -> Option<String> {
    xml::child(node, NS_XENC, "EncryptionMethod").and_then(|m| xml::attr(m, "Algorithm"))
}

fn cipher_value(node: Node) -> Result<Vec<u8>, String> {
    let value = xml::child(node, NS_XENC, "CipherData")
        .and_then(|cd| xml::child(cd, NS_XENC, "CipherValue"))
        .map(xml::text)
        .ok_or_else(|| "a CipherValue is missing (CipherReference is not supported)".to_owned())?;
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(compact)
        .map_err(|_| "a CipherValue is not base64".to_owned())
}

fn digest(uri: &str) -> Option<MessageDigest> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" | "http://www.w3.org/2009/xmlenc11#mgf1sha1" => {
            Some(MessageDigest::sha1())
        }
        "http://www.w3.org/2001/04/xmlenc#sha256"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha256" => Some(MessageDigest::sha256()),
        "http://www.w3.org/2001/04/xmldsig-more#sha384"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha384" => Some(MessageDigest::sha384()),
        "http://www.w3.org/2001/04/xmlenc#sha512"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha512" => Some(MessageDigest::sha512()),
        "http://www.w3.org/2001/04/xmldsig-more#sha224"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha224" => Some(MessageDigest::sha224()),
        _ => None,
    }
}

const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

/// Unwraps the content key with our RSA key.
fn unwrap_key(encrypted_key: Node, key: &PKey<Private>) -> Result<Vec<u8>, String> {
    let m = xml::child(encrypted_key, NS_XENC, "EncryptionMethod")
        .ok_or_else(|| "the EncryptedKey names no encryption method".to_owned())?;
    let alg = xml::attr(m, "Algorithm").unwrap_or_default();
    let wrapped = cipher_value(encrypted_key)?;
    // An RSA-wrapped key is exactly as long as the modulus; anything else is refused before
    // the private key is used.
    if wrapped.len() != key.size() {
        return Err(format!(
            "the wrapped key is {} bytes long, not the {} of our SP key",
            wrapped.len(),
            key.size()
        ));
    }
    let mut d = Decrypter::new(key).map_err(|_| "our SP key cannot decrypt".to_owned())?;
    let setup = |d: &mut Decrypter| -> Result<(), openssl::error::ErrorStack> {
        match alg.as_str() {
            "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
            | "http://www.w3.org/2009/xmlenc11#rsa-oaep" => {
                d.set_rsa_padding(Padding::PKCS1_OAEP)?;
                let md = xml::child(m, NS_DSIG, "DigestMethod")
                    .and_then(|dm| xml::attr(dm, "Algorithm"))
                    .and_then(|u| digest(&u))
                    .unwrap_or_else(MessageDigest::sha1);
                // rsa-oaep-mgf1p fixes MGF1 to SHA-1; xmlenc11#rsa-oaep names it (default SHA-1).
                let mgf = xml::child(m, NS_XENC11, "MGF")
                    .and_then(|g| xml::attr(g, "Algorithm"))
                    .and_then(|u| digest(&u))
                    .unwrap_or_else(MessageDigest::sha1);
                d.set_rsa_oaep_md(md)?;
                d.set_rsa_mgf1_md(mgf)?;
                if let Some(label) = xml::child(m, NS_XENC, "OAEPparams").map(xml::text) {
                    if let Ok(bytes) = STANDARD.decode(label) {
                        d.set_rsa_oaep_label(&bytes)?;
                    }
                }
                Ok(())
            }
            // Refused before this closure runs.
            _ => Ok(()),
        }
    };
    // RSA PKCS#1 v1.5 key transport lets whoever can post responses learn, one padding error
    // at a time, how to decrypt (Bleichenbacher's attack); XML Encryption 1.1 forbids it.
    if alg == RSA_1_5 {
        return Err(
            "the content key is wrapped with RSA-1_5 (RSA PKCS#1 v1.5), which is insecure \
            and not accepted: set the identity provider's key transport algorithm to RSA-OAEP"
                .to_owned(),
        );
    }
    if !matches!(
        alg.as_str(),
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
            | "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    ) {
        return Err(format!(
            "the key transport algorithm {alg} is not supported"
        ));
    }
    setup(&mut d).map_err(|_| "our SP key cannot decrypt".to_owned())?;
    let len = d
        .decrypt_len(&wrapped)
        .map_err(|_| "not encrypted for our certificate".to_owned())?;
    let mut out = vec![0u8; len];
    let n = d
        .decrypt(&wrapped, &mut out)
        .map_err(|_| "not encrypted for our certificate".to_owned())?;
    out.truncate(n);
    Ok(out)
}

fn decrypt_content(alg: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let (cipher, gcm) = match alg {
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => (Cipher::aes_128_cbc(), false),
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => (Cipher::aes_192_cbc(), false),
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => (Cipher::aes_256_cbc(), false),
        "http://www.w3.org/2009/xmlenc11#aes128-gcm" => (Cipher::aes_128_gcm(), true),
        "http://www.w3.org/2009/xmlenc11#aes192-gcm" => (Cipher::aes_192_gcm(), true),
        "http://www.w3.org/2009/xmlenc11#aes256-gcm" => (Cipher::aes_256_gcm(), true),
        other => {
            return Err(format!(
                "the content encryption algorithm {other} is not supported"
            ))
        }
    };
    if key.len() != cipher.key_len() {
        return Err("the unwrapped key does not fit the content encryption algorithm".to_owned());
    }
    let unreadable =
        || "the encrypted assertion could not be decrypted (wrong key or damaged data)".to_owned();
    if gcm {
        // IV (96 bits) ‖ ciphertext ‖ tag (128 bits).
        const IV: usize = 12;
        const TAG: usize = 16;
        if data.len() < IV + TAG {
            return Err(unreadable());
        }
        let (iv, rest) = data.split_at(IV);
        let (ct, tag) = rest.split_at(rest.len() - TAG);
        return openssl::symm::decrypt_aead(cipher, key, Some(iv), &[], ct, tag)
            .map_err(|_| unreadable());
    }
    // IV (128 bits) ‖ ciphertext. XML Encryption's padding only fixes the last byte (the pad
    // length), so padding is removed here rather than by openssl's PKCS#7 check.
    const BLOCK: usize = 16;
    if data.len() < 2 * BLOCK || !data.len().is_multiple_of(BLOCK) {
        return Err(unreadable());
    }
    let (iv, ct) = data.split_at(BLOCK);
    let mut c = Crypter::new(cipher, Mode::Decrypt, key, Some(iv)).map_err(|_| unreadable())?;
    c.pad(false);
    let mut out = vec![0u8; ct.len() + BLOCK];
    let mut n = c.update(ct, &mut out).map_err(|_| unreadable())?;
    n += c.finalize(&mut out[n..]).map_err(|_| unreadable())?;
    out.truncate(n);
    let pad = usize::from(out.last().copied().unwrap_or(0));
    if pad == 0 || pad > BLOCK || pad > out.len() {
        return Err(unreadable());
    }
    out.truncate(out.len() - pad);
    Ok(out)
}
