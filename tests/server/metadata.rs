//! SAML metadata conformance: every document of the shared corpus and our own small documents
//! against a table of expected outcomes; the portal API and the `portico metadata inspect`
//! command on top of the same inspector.

use base64::Engine as _;
use portico::core::metadata::{inspect_idp_metadata_bytes, IdpMetadata, MetadataProblem};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

mod api;
mod cli;
mod corpus;

use Outcome::{Accepted as A, Choose as C, Rejected as R};

/// 2026-11-23T00:00:00Z, the day the corpus was gathered.
const NOW: i64 = crate::T0;
const CORPUS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/saml");
const OWN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/server/data/metadata");

/// What the inspector must make of a document.
pub enum Outcome {
    /// Accepted: entity ID, preferred sign-in URL, signing-certificate fingerprints, warnings.
    Accepted(
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    ),
    /// Refused with this code.
    Rejected(&'static str),
    /// Refused with `metadata_choose_entity`, listing this many identity providers.
    Choose(usize),
}

const RSA_3072: &str = "CC:EF:15:F3:DC:E3:4D:0F:E9:F9:E8:73:1C:A7:8B:8F:C9:C4:7E:BB:2D:7B:0E:19:2A:A2:89:E1:4A:2D:A1:77";
const EC_P384: &str = "33:F0:61:B4:EB:91:B6:05:5D:75:A7:A4:68:90:F2:8A:67:3B:53:5F:C6:5A:AA:16:92:CE:EA:75:60:C0:4C:A5";

/// Our own documents (`tests/server/data/metadata`), for what the corpus lacks: UTF-16,
/// Artifact-only, ECDSA P-384 with POST only, a nested aggregate of two IdPs, and well-formed
/// versions of the corpus's broken "no entity ID" and "no SSO service" files.
#[rustfmt::skip]
const OWN: &[(&str, Option<&str>, Outcome)] = &[
    ("entities-nested-two-idps.xml", None, C(2)),
    ("entities-nested-two-idps.xml", Some("https://idp.north.example.org/idp"),
        A("https://idp.north.example.org/idp", "https://idp.north.example.org/sso", &[RSA_3072], &[])),
    ("entities-nested-two-idps.xml", Some("https://idp.south.example.org/idp"),
        A("https://idp.south.example.org/idp", "https://idp.south.example.org/sso", &[EC_P384], &[])),
    ("entities-nested-two-idps.xml", Some("https://app.example.org/sp"), R("metadata_is_sp")),
    ("entities-nested-two-idps.xml", Some("https://elsewhere.example.org/idp"), R("metadata_entity_not_found")),
    ("idp-artifact-only.xml", None, R("metadata_unsupported_binding")),
    ("idp-ecdsa-p384-post-only.xml", None, A("https://ecdsa.idp.test/saml", "https://ecdsa.idp.test/sso", &[EC_P384], &[])),
    ("idp-encryption-key-only.xml", None, R("metadata_no_certificate")),
    ("idp-no-entity-id.xml", None, R("metadata_no_entity_id")),
    ("idp-no-sso-service.xml", None, R("metadata_no_sso_url")),
    ("idp-utf16be.xml", None, A("https://utf16.idp.test/saml", "https://utf16.idp.test/sso/redirect", &[RSA_3072], &[])),
    ("idp-utf16le.xml", None, A("https://utf16.idp.test/saml", "https://utf16.idp.test/sso/redirect", &[RSA_3072], &[])),
];

/// A path to one of our own documents.
pub fn own(name: &str) -> PathBuf {
    Path::new(OWN_DIR).join(name)
}

/// The corpus folder, or `None` (with a note saying so) when it is not checked out here.
pub fn corpus_dir() -> Option<&'static Path> {
    let dir = Path::new(CORPUS_DIR);
    if dir.is_dir() {
        Some(dir)
    } else {
        // Past the harness's output capture, so a clone without the corpus sees what did not
        // run (`eprintln!` would show only for failing tests).
        let test = std::thread::current().name().unwrap_or("a test").to_owned();
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: the SAML corpus {CORPUS_DIR} is absent (see its INDEX.tsv and SOURCES.txt)"
        );
        None
    }
}

/// Checks each row, and that the table covers exactly the files in `dir` (less `ignored`).
/// Returns (accepted, rejected) counts of the rows.
fn check_table(
    dir: &Path,
    table: &[(&str, Option<&str>, Outcome)],
    ignored: &[&str],
) -> (usize, usize) {
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !ignored.contains(&n.as_str()))
        .collect();
    let listed: BTreeSet<String> = table.iter().map(|row| row.0.to_owned()).collect();
    let missing: Vec<&String> = on_disk.difference(&listed).collect();
    let gone: Vec<&String> = listed.difference(&on_disk).collect();
    assert!(
        missing.is_empty(),
        "files in {} with no expected outcome in the table: {missing:?}",
        dir.display()
    );
    assert!(
        gone.is_empty(),
        "table rows for files not in {}: {gone:?}",
        dir.display()
    );
    let (mut accepted, mut rejected) = (0, 0);
    for (file, choice, expected) in table {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let got = inspect_idp_metadata_bytes(&bytes, NOW, *choice);
        let what = format!("{file} (entity {choice:?})");
        match expected {
            Outcome::Accepted(entity_id, sso, fingerprints, warnings) => {
                let meta = got.unwrap_or_else(|p| panic!("{what}: refused: {p}"));
                check_accepted(&what, &meta, entity_id, sso, fingerprints, warnings);
                accepted += 1;
            }
            Outcome::Rejected(code) => {
                let p = got
                    .err()
                    .unwrap_or_else(|| panic!("{what}: accepted, expected {code}"));
                check_problem(&what, &p, code);
                rejected += 1;
            }
            Outcome::Choose(count) => {
                let p = got
                    .err()
                    .unwrap_or_else(|| panic!("{what}: accepted, expected a choice"));
                check_problem(&what, &p, "metadata_choose_entity");
                assert_eq!(p.entities.len(), *count, "{what}: {:?}", p.entities);
                let text = String::from_utf8_lossy(&bytes);
                for e in &p.entities {
                    assert!(
                        text.contains(&format!("entityID=\"{}\"", e.entity_id)),
                        "{what}: listed {e:?}"
                    );
                }
                rejected += 1;
            }
        }
    }
    (accepted, rejected)
}

fn check_accepted(
    what: &str,
    meta: &IdpMetadata,
    entity_id: &str,
    sso: &str,
    fingerprints: &[&str],
    warnings: &[&str],
) {
    assert_eq!(meta.entity_id, entity_id, "{what}");
    assert_eq!(
        meta.preferred_sso().map(|s| s.url.as_str()),
        Some(sso),
        "{what}: {:?}",
        meta.sso_services
    );
    let got: Vec<&str> = meta
        .signing_certificates
        .iter()
        .map(|c| c.sha256_fingerprint.as_str())
        .collect();
    assert_eq!(got, fingerprints, "{what}");
    let codes: Vec<&str> = meta.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, warnings, "{what}");
    for c in &meta.signing_certificates {
        // The stored PEM is the certificate the fingerprint names.
        let b64: String = c.pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let hex: Vec<String> = Sha256::digest(&der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(hex.join(":"), c.sha256_fingerprint, "{what}");
        assert_eq!(c.expired, c.not_after < NOW, "{what}");
        assert!(
            !c.key_algorithm.is_empty() && c.key_bits >= 256,
            "{what}: {c:?}"
        );
    }
    for w in &meta.warnings {
        assert!(
            w.message.ends_with('.') && w.message.len() > 40,
            "{what}: {w:?}"
        );
    }
}

fn check_problem(what: &str, p: &MetadataProblem, code: &str) {
    assert_eq!(p.code, code, "{what}: {}", p.message);
    assert!(
        p.message.ends_with('.') && p.message.len() > 40,
        "{what}: {}",
        p.message
    );
}

#[test]
fn every_corpus_document_has_its_expected_outcome() {
    let Some(dir) = corpus_dir() else { return };
    let (accepted, rejected) = check_table(dir, corpus::CORPUS, &["INDEX.tsv", "SOURCES.txt"]);
    eprintln!("corpus: {accepted} rows accepted, {rejected} rejected");
    assert_eq!((accepted, rejected), (32, 70));
}

#[test]
fn our_own_documents_have_their_expected_outcome() {
    let (accepted, rejected) = check_table(Path::new(OWN_DIR), OWN, &[]);
    assert_eq!((accepted, rejected), (5, 7));
}

/// The corpus's own index, written by whoever gathered it, agrees with the table where
/// it can: malformed and DTD files, SAML messages, documents without any IdP, entity IDs.
#[test]
fn the_table_agrees_with_the_corpus_index() {
    let Some(dir) = corpus_dir() else { return };
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let columns: HashMap<&str, Vec<&str>> = index
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .map(|c| (c[0], c))
        .collect();
    for (file, choice, expected) in corpus::CORPUS.iter().filter(|row| row.1.is_none()) {
        let c = columns
            .get(file)
            .unwrap_or_else(|| panic!("{file} is not in INDEX.tsv"));
        let (root, counts, ids) = (
            c[1],
            c.get(2).copied().unwrap_or(""),
            c.get(3).copied().unwrap_or(""),
        );
        match expected {
            Outcome::Rejected(code) if root.starts_with("NOT WELL-FORMED") => {
                assert_eq!(*code, "metadata_not_xml", "{file}")
            }
            Outcome::Rejected(code) if root.starts_with("DOCTYPE") => {
                assert_eq!(*code, "metadata_dtd_forbidden", "{file}")
            }
            Outcome::Rejected(code) if matches!(root, "Response" | "Assertion") => {
                assert_eq!(*code, "metadata_wrong_document", "{file}")
            }
            _ if matches!(root, "Response" | "Assertion")
                || root.starts_with("NOT")
                || root.starts_with("DOCTYPE") =>
            {
                panic!("{file}: INDEX says {root}")
            }
            Outcome::Accepted(entity_id, ..) => {
                assert!(
                    !counts.ends_with("/ 0 IdP"),
                    "{file}: INDEX counts {counts}"
                );
                assert!(
                    ids.split(',').any(|i| i == *entity_id) || ids.contains("(+"),
                    "{file} {choice:?}: {ids}"
                );
            }
            Outcome::Choose(n) => {
                let idps: usize = counts
                    .rsplit("/ ")
                    .next()
                    .unwrap()
                    .trim_end_matches(" IdP")
                    .parse()
                    .unwrap();
                assert!(idps >= *n && *n >= 2, "{file}: INDEX counts {counts}");
            }
            Outcome::Rejected(_) => {}
        }
    }
}
