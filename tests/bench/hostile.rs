//! Benchmark (prints figures, asserts nothing): how the release binary serves everyone else
//! while anonymous posts hammer a SAML connection's ACS URL with hostile responses.
//!
//! It starts `portico serve` on a loopback port with a fresh data directory, creates an
//! organization, a SAML connection and an admin session through the vendor API, then measures
//! the latency of `GET /healthz` and of a portal read (`GET /portal/api/connections` with the
//! session) twice: with no attack, and while 20 concurrent posters per kind send each kind of
//! hostile response (5,000 nested levels, an XPath transform over 8,000 elements, a recursive
//! XSLT transform, 40,000 attributes on one element, an oversized response). Last, the
//! server's peak resident memory (VmHWM). It runs twice: with the rate limits off, so every
//! hostile post is parsed and checked (the worst case, as from a botnet of many addresses), and
//! with the shipped limits.
//!
//! Run with `cargo bench --features server --bench hostile`. `PORTICO_BENCH_SECONDS` sets the
//! attack's length (default 30; the quiet phase is a third of it). Only 127.0.0.1 is contacted.

use base64::Engine as _;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const POSTERS_PER_KIND: usize = 20;
const PROBE_EVERY: Duration = Duration::from_millis(20);

/// The server process, killed when dropped.
struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Peak resident memory, from /proc (Linux only).
    fn peak_memory(&self) -> Option<String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .map(|l| l["VmHWM:".len()..].trim().to_owned())
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18_431)
}

fn start(limits: bool) -> Result<(Server, String), String> {
    let bin = env!("CARGO_BIN_EXE_portico");
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let data = dir.path().to_string_lossy().into_owned();
    let key = Command::new(bin)
        .args(["api-key", "create", "--name", "bench", "--data-dir", &data])
        .env_remove("PORTICO_LOG")
        .current_dir(dir.path())
        .output()
        .map_err(|e| format!("cannot run {bin}: {e}"))?;
    let key = String::from_utf8_lossy(&key.stdout).trim().to_owned();
    if !key.starts_with("pk_") {
        return Err(format!("no API key from `portico api-key create`: {key:?}"));
    }
    let port = free_port();
    let child = Command::new(bin)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            &data,
        ])
        .env("PORTICO_LOG", "portico=warn")
        // With the shipped limits most of the attack is turned away at the door (all posters
        // share 127.0.0.1); switched off, every post reaches the parser and the signature gate.
        .env(
            "PORTICO_SIGNIN_RATE_PER_ADDRESS",
            if limits { "120" } else { "0" },
        )
        .env(
            "PORTICO_SIGNIN_RATE_PER_CONNECTION",
            if limits { "600" } else { "0" },
        )
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {bin}: {e}"))?;
    Ok((
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        },
        key,
    ))
}

fn idp_metadata() -> String {
    let cert = rcgen::generate_simple_self_signed(vec!["idp.test".into()])
        .map(|c| c.cert.pem())
        .unwrap_or_default();
    let b64: String = cert.lines().filter(|l| !l.starts_with("-----")).collect();
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.bench.test/entity"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.bench.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
    )
}

const OPEN: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2026-11-23T00:00:00Z"><saml:Issuer>https://idp.bench.test/entity</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#;

fn signed_with(transform: &str, filler: &str) -> String {
    format!(
        r##"{OPEN}<saml:Assertion ID="_a"><saml:Issuer>https://idp.bench.test/entity</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_a"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>{transform}</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>{filler}</saml:Assertion></samlp:Response>"##
    )
}

/// Each kind of hostile response, as the form body an attacker posts.
fn payloads() -> Vec<(&'static str, String)> {
    let nested = format!(
        "{OPEN}{}{}</samlp:Response>",
        "<x>".repeat(5_000),
        "</x>".repeat(5_000)
    );
    let xpath = signed_with(
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>count(//. | //@* | //namespace::*)</ds:XPath></ds:Transform>"#,
        &"<saml:Attribute/>".repeat(8_000),
    );
    let xslt = signed_with(
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"><xsl:call-template name="f"><xsl:with-param name="n" select="23"/></xsl:call-template></xsl:template></xsl:stylesheet></ds:Transform>"#,
        "",
    );
    let attributes: String = (0..40_000).map(|i| format!(" a{i}=\"\"")).collect();
    let many_attributes = format!("{OPEN}<saml:Assertion{attributes}/></samlp:Response>");
    let oversized = format!("{OPEN}<x>{}</x></samlp:Response>", "y".repeat(900 * 1024));
    [
        ("nested", nested),
        ("xpath", xpath),
        ("xslt", xslt),
        ("attributes", many_attributes),
        ("oversized", oversized),
    ]
    .into_iter()
    .map(|(name, xml)| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("SAMLResponse", &b64)
            .finish();
        (name, body)
    })
    .collect()
}

/// Latencies of one probe, in milliseconds, and how many probes failed.
#[derive(Default)]
struct Samples {
    ms: Vec<f64>,
    failed: usize,
}

impl Samples {
    fn line(&mut self, label: &str) -> String {
        self.ms.sort_by(f64::total_cmp);
        let at = |q: f64| {
            self.ms
                .get(((self.ms.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        format!(
            "{label:<34} n={:<6} p50={:>7.2} ms  p99={:>8.2} ms  max={:>8.2} ms  failed={}",
            self.ms.len(),
            at(0.5),
            at(0.99),
            self.ms.last().copied().unwrap_or(f64::NAN),
            self.failed
        )
    }
}

/// Probes `url` every [`PROBE_EVERY`] until `stop`.
async fn probe(
    client: reqwest::Client,
    url: String,
    cookie: Option<String>,
    stop: Arc<AtomicBool>,
) -> Samples {
    let mut s = Samples::default();
    while !stop.load(Ordering::Relaxed) {
        let mut req = client.get(&url);
        if let Some(c) = &cookie {
            req = req.header("cookie", c);
        }
        let started = Instant::now();
        let ok = match req.send().await {
            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
            Err(_) => false,
        };
        if ok {
            s.ms.push(started.elapsed().as_secs_f64() * 1000.0);
        } else {
            s.failed += 1;
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
    s
}

/// Measures both probes for `secs`, with the attack running when `attack` is given.
async fn phase(
    server: &Server,
    cookie: &str,
    acs: &str,
    secs: u64,
    attack: Option<&[(&'static str, String)]>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap_or_default();
    let stop = Arc::new(AtomicBool::new(false));
    // The probes are other people: their own connections, never one an attacker's post left.
    let people = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap_or_default();
    let health = tokio::spawn(probe(
        people.clone(),
        format!("{}/healthz", server.base),
        None,
        stop.clone(),
    ));
    let portal = tokio::spawn(probe(
        people,
        format!("{}/portal/api/connections", server.base),
        Some(cookie.to_owned()),
        stop.clone(),
    ));
    let sent = Arc::new(Mutex::new(Vec::<(&'static str, usize, usize, usize)>::new()));
    let mut posters = Vec::new();
    for (kind, body) in attack.unwrap_or(&[]) {
        let counts = Arc::new((
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        ));
        for _ in 0..POSTERS_PER_KIND {
            let (client, body, stop, counts, acs) = (
                client.clone(),
                body.clone(),
                stop.clone(),
                counts.clone(),
                acs.to_owned(),
            );
            posters.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let r = client
                        .post(&acs)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                        .send()
                        .await;
                    let answered = matches!(r, Ok(ref r) if r.status().as_u16() < 500);
                    let limited = matches!(r, Ok(ref r) if r.status().as_u16() == 429);
                    if let Ok(r) = r {
                        let _ = r.bytes().await;
                    }
                    counts.0.fetch_add(1, Ordering::Relaxed);
                    if limited {
                        counts.2.fetch_add(1, Ordering::Relaxed);
                    }
                    if !answered {
                        counts.1.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }));
        }
        let (sent, counts) = (sent.clone(), counts.clone());
        let kind = *kind;
        posters.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            if let Ok(mut s) = sent.lock() {
                s.push((
                    kind,
                    counts.0.load(Ordering::Relaxed),
                    counts.1.load(Ordering::Relaxed),
                    counts.2.load(Ordering::Relaxed),
                ));
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for p in posters {
        let _ = p.await;
    }
    let label = if attack.is_some() {
        "under attack"
    } else {
        "quiet"
    };
    if let Ok(mut h) = health.await {
        println!("{}", h.line(&format!("GET /healthz, {label}")));
    }
    if let Ok(mut p) = portal.await {
        println!(
            "{}",
            p.line(&format!("GET /portal/api/connections, {label}"))
        );
    }
    let counts: Vec<(&'static str, usize, usize, usize)> =
        sent.lock().map(|s| s.clone()).unwrap_or_default();
    for (kind, n, failed, limited) in counts {
        println!("  hostile {kind:<11} posts={n:<6} ({:.1}/s)  429={limited:<6} not answered or 5xx={failed}", n as f64 / secs as f64);
    }
}

async fn run() -> Result<(), String> {
    for limits in [false, true] {
        scenario(limits).await?;
        println!();
    }
    Ok(())
}

/// One server, measured quiet and under attack: with the shipped rate limits, or without any.
async fn scenario(limits: bool) -> Result<(), String> {
    let secs: u64 = std::env::var("PORTICO_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let (server, key) = start(limits)?;
    let client = reqwest::Client::new();
    let ready = Instant::now();
    while client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .is_err()
    {
        if ready.elapsed() > Duration::from_secs(30) {
            return Err("the server did not answer /healthz within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let vendor = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{}{path}", server.base))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let json = |r: reqwest::Response| async move {
        r.json::<serde_json::Value>()
            .await
            .map_err(|e| e.to_string())
    };
    let org = json(
        vendor(
            "/api/v1/organizations",
            serde_json::json!({ "name": "Bench" }),
        )
        .await
        .map_err(|e| e.to_string())?,
    )
    .await?;
    let org = org["id"].as_str().ok_or("no organization id")?.to_owned();
    let conn = json(
        vendor(
            &format!("/api/v1/organizations/{org}/connections"),
            serde_json::json!({ "idp": "okta-saml", "metadata_xml": idp_metadata() }),
        )
        .await
        .map_err(|e| e.to_string())?,
    )
    .await?;
    let conn = conn["id"]
        .as_str()
        .ok_or(format!("no connection id: {conn}"))?
        .to_owned();
    let link = json(
        vendor(
            "/api/v1/portal_links",
            serde_json::json!({ "organization_id": org, "intent": "sso" }),
        )
        .await
        .map_err(|e| e.to_string())?,
    )
    .await?;
    let token = link["url"]
        .as_str()
        .and_then(|u| u.split("token=").nth(1))
        .ok_or("no link")?
        .to_owned();
    let session = client
        .post(format!("{}/portal/api/session", server.base))
        .json(&serde_json::json!({ "token": token }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let cookie = session
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .ok_or("no session cookie")?
        .to_owned();
    let acs = format!("{}/sso/saml/{conn}/acs", server.base);
    let attack = payloads();

    println!(
        "hostile ACS posts against the release binary ({} cores; {POSTERS_PER_KIND} posters per kind, {} kinds; {})",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        attack.len(),
        if limits { "shipped rate limits" } else { "rate limits off: every post is parsed and checked" }
    );
    phase(&server, &cookie, &acs, (secs / 3).max(3), None).await;
    phase(&server, &cookie, &acs, secs, Some(&attack)).await;
    match server.peak_memory() {
        Some(m) => println!("server peak memory (VmHWM): {m}"),
        None => println!("server peak memory: not available on this system"),
    }
    Ok(())
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return println!("skipped: no runtime ({e})"),
    };
    if let Err(e) = rt.block_on(run()) {
        println!("skipped: {e}");
    }
}
