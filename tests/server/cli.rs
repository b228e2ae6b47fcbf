//! The `portico` binary itself: commands, configuration errors, and `serve` with graceful
//! shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portico"));
        c.args(args)
            .arg("--data-dir")
            .arg(self.dir.path())
            .current_dir(self.dir.path());
        for var in [
            "PORTICO_LISTEN",
            "PORTICO_PUBLIC_URL",
            "PORTICO_DATA_DIR",
            "DATABASE_URL",
            "PORTICO_SECRET_KEY",
        ] {
            c.env_remove(var);
        }
        c
    }

    /// Runs a command; returns (success, stdout, stderr).
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = self.cmd(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

#[test]
fn environments_keys_and_links_from_the_command_line() {
    let cli = Cli::new();
    let (ok, out, err) = cli.run(&["env", "list"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("\tdevelopment"),
        "the first run makes development: {out}"
    );
    assert!(cli.dir.path().join("secret.key").exists());
    assert!(err.contains("back it up"), "{err}");

    assert!(cli.run(&["env", "create", "staging"]).0);
    let (ok, _, err) = cli.run(&["env", "create", "staging"]);
    assert!(!ok && err.contains("already exists"), "{err}");

    let (ok, key, _) = cli.run(&["api-key", "create", "--name", "ci", "--env", "staging"]);
    assert!(ok && key.trim().starts_with("pk_"), "{key}");
    let (_, list, _) = cli.run(&["api-key", "list", "--env", "staging"]);
    assert!(
        list.contains("\tci\t") && list.contains("active") && !list.contains(key.trim()),
        "{list}"
    );
    assert!(cli.run(&["api-key", "revoke", "ci", "--env", "staging"]).0);
    let (_, list, _) = cli.run(&["api-key", "list", "--env", "staging"]);
    assert!(list.contains("revoked"), "{list}");
    let (ok, _, err) = cli.run(&["api-key", "list", "--env", "nope"]);
    assert!(!ok && err.contains("portico env create nope"), "{err}");

    let (ok, _, err) = cli.run(&["link", "--org", "missing"]);
    assert!(!ok && err.contains("no organization"), "{err}");
}

#[test]
fn bad_configuration_fails_with_one_line_naming_the_setting() {
    let cli = Cli::new();
    let out = cli
        .cmd(&["env", "list"])
        .env("PORTICO_PUBLIC_URL", "not a url")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("PORTICO_PUBLIC_URL"), "{err}");
    // A flag overrides the environment.
    let out = cli
        .cmd(&["--public-url", "https://sso.example.com", "env", "list"])
        .env("PORTICO_PUBLIC_URL", "not a url")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The environment overrides .env.
    std::fs::write(
        cli.dir.path().join(".env"),
        "PORTICO_SESSION_IDLE_SECONDS=oops\n",
    )
    .unwrap();
    let out = cli.cmd(&["env", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORTICO_SESSION_IDLE_SECONDS"));
    let out = cli
        .cmd(&["env", "list"])
        .env("PORTICO_SESSION_IDLE_SECONDS", "60")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn serve_demo_prints_a_working_link_and_stops_cleanly_on_sigterm() {
    let cli = Cli::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = cli
        .cmd(&["serve", "--demo", "--listen", &listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let link = lines.by_ref().map_while(Result::ok).find_map(|l| {
        l.trim()
            .strip_prefix(&format!("http://{listen}/setup?token="))
            .map(str::to_owned)
    });
    let token = link.expect("serve --demo printed no link");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        let client = reqwest::Client::new();
        let r = client
            .post(format!("http://{listen}/portal/api/session"))
            .json(&serde_json::json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["organization_name"], "Acme Corp (demo)");
        client
            .get(format!("http://{listen}/healthz"))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let code = child.wait().unwrap();
    assert!(code.success(), "graceful shutdown exits 0, got {code:?}");

    // The demo organization has the external id `demo`; links can be minted for it by that id,
    // and they point at the server last started with this data directory.
    let (ok, out, err) = cli.run(&["link", "--org", "demo", "--intent", "domain_verification"]);
    assert!(ok, "{err}");
    assert!(
        out.trim()
            .starts_with(&format!("http://{listen}/setup?token=")),
        "{out}"
    );
    assert!(
        err.contains("valid for 5 minutes, until ") && err.contains("usable once"),
        "{err}"
    );
    let (ok, _, err) = cli.run(&["link", "--org", "demo", "--intent", "audit_logs"]);
    assert!(!ok && err.contains("--intent"), "{err}");
    assert!(err.contains("dsync"), "the error lists the intents: {err}");
    // A directory-sync link, for the directory wizard.
    let (ok, out, err) = cli.run(&["link", "--org", "demo", "--intent", "dsync"]);
    assert!(ok, "{err}");
    assert!(
        out.trim()
            .starts_with(&format!("http://{listen}/setup?token=")),
        "{out}"
    );
}

/// Starts `serve --demo` on a free port other than the default; returns the child and its address
/// once it printed the demo link (so it has recorded where it serves).
fn serve_on_free_port(cli: &Cli, extra: &[&str]) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    assert_ne!(port, 8080);
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--demo", "--listen", &listen];
    args.extend_from_slice(extra);
    let mut child = cli
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("/setup?token=")),
        "serve --demo printed no link"
    );
    (child, listen)
}

fn stop(mut child: std::process::Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    assert!(child.wait().unwrap().success());
}

#[test]
fn link_beside_a_server_on_another_port_points_at_that_server_and_says_how_long_it_lives() {
    let cli = Cli::new();
    // Before any server ran, the link uses the derived default and says so.
    assert!(cli.run(&["env", "list"]).0);
    let (ok, _, err) = cli.run(&["link", "--org", "nobody"]);
    assert!(
        !ok && err.contains("derived from the listen address"),
        "{err}"
    );

    let (child, listen) = serve_on_free_port(&cli, &[]);
    // Only the data directory: no --listen, no --public-url.
    let (ok, out, err) = cli.run(&["link", "--org", "demo"]);
    assert!(ok, "{err}");
    let token = out
        .trim()
        .strip_prefix(&format!("http://{listen}/setup?token="))
        .unwrap_or_else(|| panic!("link on the server's port: {out}"))
        .to_owned();
    assert!(
        err.contains(&format!(
            "using http://{listen}, the address of the server last started"
        )),
        "the fallback is named: {err}"
    );
    assert!(
        err.contains("valid for 5 minutes, until ")
            && err.contains(" UTC, usable once")
            && err.contains("--expires-in"),
        "{err}"
    );
    // The link works on that server.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("http://{listen}/portal/api/session"))
            .json(&serde_json::json!({ "token": token }))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    // A longer lifetime, with a unit; beyond 30 days is refused.
    let (ok, _, err) = cli.run(&["link", "--org", "demo", "--expires-in", "24h"]);
    assert!(ok && err.contains("valid for 1 day, until "), "{err}");
    let (ok, _, err) = cli.run(&["link", "--org", "demo", "--expires-in", "31d"]);
    assert!(!ok && err.contains("30 days"), "{err}");
    let (ok, _, err) = cli.run(&["link", "--org", "demo", "--expires-in", "soon"]);
    assert!(!ok && err.contains("--expires-in"), "{err}");

    // A URL given explicitly wins over the server's, silently.
    let (ok, out, err) = cli.run(&[
        "link",
        "--org",
        "demo",
        "--public-url",
        "https://sso.example.com",
    ]);
    assert!(
        ok && out
            .trim()
            .starts_with("https://sso.example.com/setup?token="),
        "{out}"
    );
    assert!(!err.contains("using "), "{err}");
    let out = cli
        .cmd(&["link", "--org", "demo"])
        .env("PORTICO_PUBLIC_URL", "https://env.example.com")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout)
        .trim()
        .starts_with("https://env.example.com/setup?token="));
    stop(child);

    // A server with its own public URL: the link carries it.
    let (child, _) = serve_on_free_port(&cli, &["--public-url", "https://portal.example.org"]);
    let (ok, out, err) = cli.run(&["link", "--org", "demo"]);
    assert!(
        ok && out
            .trim()
            .starts_with("https://portal.example.org/setup?token="),
        "{out} {err}"
    );
    stop(child);
}

#[test]
fn libxmlsec_errors_go_to_the_structured_log_not_raw_to_stderr() {
    use base64::Engine;
    let cli = Cli::new();
    let (ok, key, err) = cli.run(&["api-key", "create", "--name", "t"]);
    assert!(ok, "{err}");
    let key = key.trim().to_owned();
    let log_path = cli.dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let child = cli
        .cmd(&["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("PORTICO_LOG", "portico=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();

    let idp = super::signin_flow::new_idp();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        let client = reqwest::Client::new();
        let started = std::time::Instant::now();
        while client.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "the server did not start");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let vendor = |m: reqwest::Method, path: &str| client.request(m, format!("{base}{path}")).bearer_auth(&key);
        let org: serde_json::Value = vendor(reqwest::Method::POST, "/api/v1/organizations").json(&serde_json::json!({ "name": "Raw" })).send().await.unwrap().json().await.unwrap();
        let org = org["id"].as_str().unwrap().to_owned();
        let body = serde_json::json!({ "idp": "okta-saml", "sso_url": "https://idp.flow.test/sso", "idp_entity_id": super::signin_flow::IDP, "certificate": idp.cert_pem });
        let conn: serde_json::Value = vendor(reqwest::Method::POST, &format!("/api/v1/organizations/{org}/connections")).json(&body).send().await.unwrap().json().await.unwrap();
        let conn = conn["id"].as_str().unwrap().to_owned();
        let opts = serde_json::json!({ "options": { "allow_idp_initiated": true } });
        assert!(vendor(reqwest::Method::PATCH, &format!("/api/v1/connections/{conn}")).json(&opts).send().await.unwrap().status().is_success());

        // A correctly signed response whose first signature value is then altered.
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let xml = super::signin_flow::response_at(&base, &idp, &conn, None, "_raw1", &[("email", "ada@example.com")], now);
        let at = xml.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
        let flipped = if &xml[at..at + 1] == "A" { "B" } else { "A" };
        let xml = format!("{}{flipped}{}", &xml[..at], &xml[at + 1..]);
        let form = [("SAMLResponse", base64::engine::general_purpose::STANDARD.encode(&xml))];
        client.post(format!("{base}/sso/saml/{conn}/acs")).form(&form).send().await.unwrap().status()
    });
    stop(child);
    assert!(
        status.is_client_error() || status.is_redirection(),
        "the forged response is refused: {status}"
    );

    let log = std::fs::read_to_string(&log_path).unwrap();
    let raw: Vec<&str> = log.lines().filter(|l| l.starts_with("func=")).collect();
    assert!(raw.is_empty(), "libxmlsec1 printed raw lines: {raw:#?}");
    assert!(
        log.lines().any(|l| l.contains("DEBUG")
            && l.contains("libxmlsec1:")
            && l.contains("func=xmlSecOpenSSLEvpSignatureVerify")
            && l.contains("signature verification failed")),
        "its errors are in the structured log, with fields: {log}"
    );
    assert!(log.contains("saml_signature_invalid"), "{log}");
}
