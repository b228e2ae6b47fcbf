//! Fuzzes the pasted-certificate reader (PEM or bare base64 DER). Run with
//! `cargo +nightly fuzz run certificate` from the repo root (see .ci/test).
#![no_main]

use libfuzzer_sys::fuzz_target;
use portico::core::cert::parse_certificate;

/// A fixed "now" (2025-11-23) so a crash reproduces whatever the date.
const NOW: i64 = 1_763_856_000;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(info) = parse_certificate(&text, NOW) {
        // The normalised PEM is what Portico stores; it must read back identically.
        let again = parse_certificate(&info.pem, NOW).expect("normalised PEM reads back");
        assert_eq!(again, info, "normalised PEM reads back differently");
    }
});
