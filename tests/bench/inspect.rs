//! Benchmark (prints figures, asserts nothing): how long the metadata inspector takes natively
//! on a single IdP document and on the 940 KB SWAMID federation file, listing its IdPs and
//! then reading one of them. Run with `cargo bench --bench inspect`.

use portico::core::metadata::inspect_idp_metadata_bytes;
use std::time::{Duration, Instant};

const NOW: i64 = 1_795_392_000; // 2026-11-23

fn time(label: &str, bytes: &[u8], entity: Option<&str>) {
    // Warm up, then run for about a second.
    let _ = inspect_idp_metadata_bytes(bytes, NOW, entity);
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        let _ = std::hint::black_box(inspect_idp_metadata_bytes(
            std::hint::black_box(bytes),
            NOW,
            entity,
        ));
        runs += 1;
    }
    let per = start.elapsed() / runs;
    println!(
        "{label:<48} {:>9} bytes {:>10.3} ms/run ({runs} runs)",
        bytes.len(),
        per.as_secs_f64() * 1e3
    );
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/saml/");
    let read = |name: &str| std::fs::read(format!("{dir}{name}"));
    let (Ok(okta), Ok(swamid)) = (
        read("okta-idp-metadata.xml"),
        read("entities-swamid-1.0-federation-large.xml"),
    ) else {
        println!("skipped: the SAML corpus is not at {dir}");
        return;
    };
    println!("metadata inspector, native, release build");
    time("Okta IdP metadata", &okta, None);
    time("SWAMID federation: list the IdPs", &swamid, None);
    let first = match inspect_idp_metadata_bytes(&swamid, NOW, None) {
        Err(p) => p.entities.first().map(|e| e.entity_id.clone()),
        Ok(m) => Some(m.entity_id),
    };
    if let Some(entity) = first {
        time(
            "SWAMID federation: read one chosen IdP",
            &swamid,
            Some(&entity),
        );
    }
}
