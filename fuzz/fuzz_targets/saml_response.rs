//! Fuzzes the path an anonymous SAMLResponse post takes before any cryptography: decoding,
//! the bounded prescan, the strict parse and the envelope checks (status, signatures'
//! algorithms, transforms and positions). Any bytes in, a result or a typed refusal out,
//! never a panic, a stack overflow or a runaway. Run with `cargo +nightly fuzz run
//! saml_response` (see .ci/test).
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use portico::api::test_sign_in::FailureCode;
use portico::core::saml_response::{decode, parse, precheck, MAX_SIGNATURES};

fuzz_target!(|data: &[u8]| {
    // As the IdP posts it: base64 of the document. Also the raw bytes as a form value, which
    // exercises the decoder's refusals.
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    for value in [encoded.as_str(), &String::from_utf8_lossy(data)] {
        let Ok(text) = decode(value) else { continue };
        let doc = match parse(&text) {
            Ok(doc) => doc,
            Err(r) => {
                assert_eq!(
                    r.code,
                    FailureCode::SamlResponseMalformed,
                    "parse refusals are malformed"
                );
                continue;
            }
        };
        for allow_sha1 in [false, true] {
            if let Ok(envelope) = precheck(&doc, allow_sha1) {
                assert!(
                    envelope.signatures <= MAX_SIGNATURES,
                    "too many signatures passed"
                );
                assert!(
                    envelope.signatures > 0 || envelope.encrypted_assertions > 0,
                    "unsigned passed"
                );
            }
        }
    }
});
