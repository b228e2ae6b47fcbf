//! Test support: where the real-world SAML corpus lives (`../shared/fixtures/saml`, beside the
//! checkout, never copied into it), and a visible notice when it is absent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The corpus folder.
pub const SAML_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/saml");

/// The corpus folder (`PORTICO_SAML_FIXTURES` overrides [`SAML_DIR`], e.g. to see what a clone
/// without it skips), or `None` after saying which test did not run.
pub fn saml_dir() -> Option<&'static Path> {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        std::env::var_os("PORTICO_SAML_FIXTURES")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(SAML_DIR))
    });
    if dir.is_dir() {
        return Some(dir.as_path());
    }
    skipped(&format!("the SAML corpus {} is absent", dir.display()));
    None
}

/// Tells whoever runs the tests that the current test did not run, and why. The test harness
/// shows `eprintln!` output only for failing tests; a direct write to stderr always shows, so
/// a clone without the corpus knows what it did not check.
pub fn skipped(why: &str) {
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}
