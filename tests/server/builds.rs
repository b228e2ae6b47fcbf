//! The two builds stay apart: no server crates in the browser, no browser crates in the server.

fn crates(args: &[&str]) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--manifest-path",
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_wasm_client_pulls_no_server_crates_and_the_server_no_browser_crates() {
    let client = crates(&["--features", "csr", "--target", "wasm32-unknown-unknown"]);
    assert!(
        client.iter().any(|c| c == "leptos"),
        "sanity: the client tree has leptos"
    );
    for c in ["tokio", "sqlx", "axum", "hyper", "reqwest"] {
        assert!(!client.iter().any(|x| x == c), "{c} is in the wasm client");
    }
    let server = crates(&["--features", "server"]);
    assert!(
        server.iter().any(|c| c == "axum"),
        "sanity: the server tree has axum"
    );
    for c in ["web-sys", "js-sys", "leptos", "gloo-net", "wasm-bindgen"] {
        assert!(!server.iter().any(|x| x == c), "{c} is in the server");
    }
}
