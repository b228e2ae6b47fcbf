//! Fuzzes the SAML IdP metadata inspector: any bytes in, a result or a problem out, never a
//! panic, an abort or a runaway. Run with `cargo +nightly fuzz run metadata` (see .ci/test).
//!
//! Both entry points are driven: `inspect_idp_metadata` (text, as the browser passes it) and
//! `inspect_idp_metadata_bytes` (raw upload, with and without an entity choice).
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use portico::core::metadata::{
    codes, inspect_idp_metadata, inspect_idp_metadata_bytes, IdpMetadata, MetadataProblem,
};

/// A fixed "now" (2025-11-23) so a crash reproduces whatever the date.
const NOW: i64 = 1_763_856_000;

fuzz_target!(|data: &[u8]| {
    // The text entry point. Lossy decoding keeps valid UTF-8 exactly as it is.
    let text = String::from_utf8_lossy(data);
    let from_text = inspect_idp_metadata(&text, NOW);
    check(&from_text);

    // The bytes entry point: for valid UTF-8 the text call above was this very call, so only
    // bytes that are not UTF-8 (UTF-16, Latin-1, stray bytes, binary) need another run.
    let from_bytes = match text {
        Cow::Borrowed(_) => from_text,
        Cow::Owned(_) => {
            let result = inspect_idp_metadata_bytes(data, NOW, None);
            check(&result);
            result
        }
    };

    match from_bytes {
        // An aggregate of several IdPs: choose one of those offered (which one depends on
        // the input) and read it.
        Err(problem) if problem.code == codes::METADATA_CHOOSE_ENTITY => {
            assert!(
                !problem.entities.is_empty(),
                "choose_entity without entities"
            );
            let wanted = &problem.entities[data.len() % problem.entities.len()].entity_id;
            let chosen = inspect_idp_metadata_bytes(data, NOW, Some(wanted));
            check(&chosen);
            if let Ok(meta) = chosen {
                assert_eq!(
                    &meta.entity_id, wanted,
                    "read another entity than the one chosen"
                );
            }
        }
        // A single IdP: choosing it by its own entityID must change nothing.
        Ok(meta) => {
            let again = inspect_idp_metadata_bytes(data, NOW, Some(&meta.entity_id));
            assert_eq!(
                again,
                Ok(meta),
                "choosing the only entity changed the result"
            );
        }
        Err(_) => {}
    }
});

/// The result travels to the browser as JSON: it must survive the round trip unchanged.
fn check(result: &Result<IdpMetadata, MetadataProblem>) {
    let json = serde_json::to_string(result).expect("result serialises");
    let back: Result<IdpMetadata, MetadataProblem> =
        serde_json::from_str(&json).expect("result deserialises");
    assert_eq!(&back, result, "JSON round trip changed the result");
}
