//! `portico metadata inspect` as a support engineer or a script runs it: the real binary, no
//! data directory, any input.

use super::{corpus_dir, own, EC_P384, RSA_3072};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `portico metadata inspect ARGS` in an empty folder with no Portico settings, feeding
/// `stdin`; checks that no data directory appeared.
fn inspect(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portico"));
    cmd.args(["metadata", "inspect"])
        .args(args)
        .current_dir(cwd.path());
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in
        std::env::vars().filter(|(k, _)| k.starts_with("PORTICO_") || k == "DATABASE_URL")
    {
        cmd.env_remove(key);
    }
    cmd.envs(env.iter().copied());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // The command may stop reading early (a size cap); a closed pipe is then expected.
    let _ = input.write_all(stdin);
    drop(input);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(cwd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "metadata inspect wrote {leftovers:?}");
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[test]
fn a_file_gives_a_readable_report() {
    let path = own("idp-ecdsa-p384-post-only.xml");
    let run = inspect(&[path.to_str().unwrap()], b"", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for needle in [
        "https://ecdsa.idp.test/saml",
        "post      https://ecdsa.idp.test/sso",
        "EC 384 bits",
        EC_P384,
        "2045-01-01T00:00:00Z",
        "No warnings",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} missing from:\n{}",
            run.stdout
        );
    }
}

#[test]
fn standard_input_and_json() {
    let utf16 = std::fs::read(own("idp-utf16le.xml")).unwrap();
    let run = inspect(&["-", "--json"], &utf16, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = run.json();
    assert_eq!(
        keys(&v),
        [
            "entity_id",
            "signing_certificates",
            "sso_services",
            "valid_until",
            "warnings"
        ]
    );
    assert_eq!(v["entity_id"], "https://utf16.idp.test/saml");
    assert_eq!(
        v["sso_services"][0],
        serde_json::json!({ "binding": "redirect", "url": "https://utf16.idp.test/sso/redirect" })
    );
    assert_eq!(v["sso_services"][1]["binding"], "post");
    let cert = &v["signing_certificates"][0];
    assert_eq!(
        keys(cert),
        [
            "expired",
            "issuer",
            "key_algorithm",
            "key_bits",
            "not_after",
            "not_before",
            "sha256_fingerprint",
            "subject"
        ]
    );
    assert_eq!(
        (cert["key_algorithm"].as_str(), cert["key_bits"].as_u64()),
        (Some("RSA"), Some(3072))
    );
    assert_eq!(
        (cert["not_before"].as_str(), cert["expired"].as_bool()),
        (Some("2025-01-01T00:00:00Z"), Some(false))
    );
    assert_eq!(cert["sha256_fingerprint"], RSA_3072);
    assert!(cert["subject"]
        .as_str()
        .unwrap()
        .contains("CN=rsa.idp.test"));
    assert_eq!(
        (v["valid_until"].clone(), v["warnings"].clone()),
        (Value::Null, serde_json::json!([]))
    );
}

#[test]
fn an_expired_certificate_is_reported_but_accepted() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join("entra-id-idp-metadata.xml");
    let v = inspect(&[path.to_str().unwrap(), "--json"], b"", &[]).json();
    assert_eq!(v["signing_certificates"][0]["expired"], true);
    assert_eq!(v["warnings"][0]["code"], "certificate_expired");
    let run = inspect(&[path.to_str().unwrap()], b"", &[]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.contains("EXPIRED") && run.stdout.contains("(certificate_expired)"),
        "{}",
        run.stdout
    );
}

#[test]
fn anything_else_fails_with_exit_1_and_a_reason() {
    let mut garbage = vec![0u8; 4096];
    let mut x: u32 = 0x9E37_79B9;
    for b in garbage.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let huge = vec![b'<'; 6 * 1024 * 1024];
    let deep = "<a>".repeat(300_000);
    for (input, code) in [
        (garbage.as_slice(), "metadata_not_xml"),
        (b"".as_slice(), "metadata_empty"),
        (huge.as_slice(), "metadata_too_large"),
        (deep.as_bytes(), "metadata_too_complex"),
        (b"<md:EntityDescriptor".as_slice(), "metadata_not_xml"),
    ] {
        let run = inspect(&["-", "--json"], input, &[]);
        assert_eq!(run.code, Some(1), "{code}: {}", run.stderr);
        let v = run.json();
        assert_eq!(keys(&v), ["error"]);
        assert_eq!(keys(&v["error"]), ["code", "message"]);
        assert_eq!(v["error"]["code"], code);
        let readable = inspect(&["-"], input, &[]);
        assert_eq!((readable.code, readable.stdout.as_str()), (Some(1), ""));
        assert!(
            readable.stderr.starts_with("portico: ")
                && readable.stderr.trim_end().ends_with(&format!("({code})")),
            "{}",
            readable.stderr
        );
    }
    let run = inspect(&["/no/such/file.xml", "--json"], b"", &[]);
    assert_eq!(
        (run.code, run.json()["error"]["code"].as_str()),
        (Some(1), Some("source_unreadable"))
    );
    let run = inspect(&[own("").to_str().unwrap(), "--json"], b"", &[]);
    assert_eq!(
        (run.code, run.json()["error"]["code"].as_str()),
        (Some(1), Some("source_unreadable"))
    );
}

#[test]
fn aggregates_list_their_idps_until_one_is_chosen() {
    let path = own("entities-nested-two-idps.xml");
    let path = path.to_str().unwrap();
    let run = inspect(&[path, "--json"], b"", &[]);
    assert_eq!(run.code, Some(1));
    let e = &run.json()["error"];
    assert_eq!(e["code"], "metadata_choose_entity");
    assert_eq!(
        e["entities"][0],
        serde_json::json!({ "entity_id": "https://idp.north.example.org/idp", "display_name": "Northern University" })
    );
    assert_eq!(e["entities"][1]["display_name"], "Southern College");
    let run = inspect(&[path], b"", &[]);
    assert!(
        run.stderr
            .contains("  https://idp.south.example.org/idp  (Southern College)\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--entity"), "{}", run.stderr);

    let run = inspect(
        &[
            path,
            "--json",
            "--entity",
            "https://idp.south.example.org/idp",
        ],
        b"",
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["entity_id"], "https://idp.south.example.org/idp");
    assert_eq!(v["signing_certificates"][0]["sha256_fingerprint"], EC_P384);
    assert_eq!(v["entities"].as_array().unwrap().len(), 2);
    let run = inspect(
        &[path, "--entity", "https://idp.north.example.org/idp"],
        b"",
        &[],
    );
    assert!(
        run.stdout.contains("Name          Northern University"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("This file lists 2 identity providers"),
        "{}",
        run.stdout
    );
    let run = inspect(
        &[path, "--json", "--entity", "https://nowhere.example.org"],
        b"",
        &[],
    );
    assert_eq!(
        (run.code, run.json()["error"]["code"].as_str()),
        (Some(1), Some("metadata_entity_not_found"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn urls_are_downloaded_through_the_guarded_fetcher() {
    let xml = std::fs::read_to_string(own("idp-ecdsa-p384-post-only.xml")).unwrap();
    let base = crate::serve_docs(vec![("/metadata", xml, "application/samlmetadata+xml")]).await;
    let url = format!("{base}/metadata");
    let (refused, allowed) = tokio::task::spawn_blocking(move || {
        let refused = inspect(&[&url, "--json"], b"", &[]);
        let allowed = inspect(
            &[&url, "--json"],
            b"",
            &[("PORTICO_FETCH_ALLOWLIST", "127.0.0.1")],
        );
        (refused, allowed)
    })
    .await
    .unwrap();
    // 127.0.0.1 is a loopback address: only the operator's allow-list opens it.
    assert_eq!(refused.code, Some(1));
    let e = &refused.json()["error"];
    assert_eq!(e["code"], "metadata_fetch_failed");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("is a loopback address (127.0.0.0/8), which Portico never fetches from"),
        "{e}"
    );
    assert_eq!(allowed.code, Some(0), "{}", allowed.stderr);
    assert_eq!(allowed.json()["entity_id"], "https://ecdsa.idp.test/saml");
}
