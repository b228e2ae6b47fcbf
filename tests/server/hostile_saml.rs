//! Hostile SAML at the edge (issue 13, points 1 and 2): what an anonymous poster can send to
//! an ACS URL, and a theme session's SVG upload. Each case must be refused with a typed reason,
//! quickly, without taking the server down, and without keeping the hostile bytes.

use super::*;
use base64::Engine as _;
use std::time::{Duration, Instant};

/// Far above what any of these takes once bounded, far below what they took before.
const FAST: Duration = Duration::from_secs(2);

/// A SAML connection, an admin session and a pending test's RelayState.
struct Pending<'a> {
    admin: Admin<'a>,
    conn: String,
}

async fn saml_connection(app: &App) -> Pending<'_> {
    let org = app.org("Acme").await;
    let admin = app.admin(&org, "sso").await;
    let conn = admin.connection("okta-saml").await;
    let (xml, _) = idp_metadata("https://idp.acme.test/entity", "https://idp.acme.test/sso");
    let r = admin
        .call(
            Method::PUT,
            &format!("/portal/api/connections/{conn}/saml"),
            Some(json!({ "method": "metadata_xml", "metadata_xml": xml })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    Pending { admin, conn }
}

impl Pending<'_> {
    /// Starts a test and returns (test id, RelayState), as the IdP would receive them.
    async fn start(&self) -> (String, String) {
        let r = self
            .admin
            .call(
                Method::POST,
                &format!("/portal/api/connections/{}/tests", self.conn),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let test = r.body["test_id"].as_str().unwrap().to_owned();
        let url = r.body["url"]
            .as_str()
            .unwrap()
            .trim_start_matches("http://portal.test")
            .to_owned();
        let go = self
            .admin
            .app
            .raw(Request::get(url).body(Body::empty()).unwrap())
            .await;
        let location = url::Url::parse(go.headers[header::LOCATION].to_str().unwrap()).unwrap();
        let relay = location
            .query_pairs()
            .find(|(k, _)| k == "RelayState")
            .unwrap()
            .1
            .into_owned();
        (test, relay)
    }

    /// Posts `xml` (base64-encoded here) as the answer to a fresh test; returns the test as the
    /// portal shows it, and how long the post took.
    async fn answer(&self, xml: &str) -> (Value, Duration) {
        let (test, relay) = self.start().await;
        let encoded = base64::engine::general_purpose::STANDARD.encode(xml);
        let body = format!(
            "SAMLResponse={}&RelayState={}",
            super::signin::url_encode(&encoded),
            super::signin::url_encode(&relay)
        );
        let req = Request::post(format!("/sso/saml/{}/acs", self.conn))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let started = Instant::now();
        let r = self.admin.app.raw(req).await;
        let took = started.elapsed();
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let t = self
            .admin
            .call(
                Method::GET,
                &format!("/portal/api/connections/{}/tests/{test}", self.conn),
                None,
            )
            .await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.text);
        (t.body, took)
    }
}

const RESPONSE_OPEN: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2026-11-23T00:00:00Z"><saml:Issuer>https://idp.acme.test/entity</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#;

/// An assertion with a signature naming `transforms`; the values are junk, so it could only
/// ever fail, but libxmlsec1 would run the transforms before finding out.
fn signed_with(transforms: &str, filler: &str) -> String {
    format!(
        r##"{RESPONSE_OPEN}<saml:Assertion ID="_a" Version="2.0" IssueInstant="2026-11-23T00:00:00Z"><saml:Issuer>https://idp.acme.test/entity</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_a"><ds:Transforms>{transforms}</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature><saml:Subject><saml:NameID>a@acme.test</saml:NameID></saml:Subject>{filler}</saml:Assertion></samlp:Response>"##
    )
}

async fn healthy(app: &App) {
    let r = app
        .raw(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_response_nested_five_thousand_levels_deep_is_refused_without_a_crash() {
    let app = App::new().await;
    let p = saml_connection(&app).await;
    let depth = 5_000;
    let xml = format!(
        "{RESPONSE_OPEN}{}{}</samlp:Response>",
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    );
    let (t, took) = p.answer(&xml).await;
    assert_eq!(t["diagnosis"]["code"], "saml_response_malformed", "{t}");
    assert!(t.to_string().contains("levels deep"), "{t}");
    // Not pretty-printed, not kept.
    assert!(t["saml_response_xml"].is_null(), "{t}");
    assert!(took < FAST, "{took:?}");
    healthy(&app).await;
}

#[tokio::test]
async fn forty_thousand_attributes_on_one_element_are_refused_at_once() {
    let app = App::new().await;
    let p = saml_connection(&app).await;
    let attributes: String = (0..40_000).map(|i| format!(" a{i}=\"\"")).collect();
    let xml = format!("{RESPONSE_OPEN}<saml:Assertion{attributes}/></samlp:Response>");
    let (t, took) = p.answer(&xml).await;
    assert_eq!(t["diagnosis"]["code"], "saml_response_malformed", "{t}");
    assert!(t.to_string().contains("attributes"), "{t}");
    assert!(took < FAST, "{took:?}");
}

#[tokio::test]
async fn xpath_and_xslt_transforms_never_reach_libxmlsec() {
    let app = App::new().await;
    let p = saml_connection(&app).await;
    let enveloped =
        r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#;
    // An XPath over 8,000 elements took 30 s in libxmlsec1.
    let xpath = format!(
        r#"{enveloped}<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>count(//. | //@* | //namespace::*)</ds:XPath></ds:Transform>"#
    );
    let filler = "<saml:Attribute/>".repeat(8_000);
    // A recursive XSLT doubled its time per level (20 s at depth 23).
    let xslt = format!(
        r#"{enveloped}<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"><xsl:call-template name="f"><xsl:with-param name="n" select="23"/></xsl:call-template></xsl:template></xsl:stylesheet></ds:Transform>"#
    );
    for (transforms, filler, algorithm) in [(xpath, filler.as_str(), "xpath"), (xslt, "", "xslt")] {
        let (t, took) = p.answer(&signed_with(&transforms, filler)).await;
        assert_eq!(t["diagnosis"]["code"], "saml_algorithm_not_allowed", "{t}");
        assert!(t.to_string().contains(algorithm), "{t}");
        assert!(took < FAST, "{took:?}");
    }
    healthy(&app).await;
}

#[tokio::test]
async fn an_oversized_response_is_refused_before_it_is_decoded() {
    let app = App::new().await;
    let p = saml_connection(&app).await;
    let xml = format!(
        "{RESPONSE_OPEN}<x>{}</x></samlp:Response>",
        "y".repeat(900 * 1024)
    );
    let (t, took) = p.answer(&xml).await;
    assert_eq!(t["diagnosis"]["code"], "saml_response_malformed", "{t}");
    assert!(t.to_string().contains("KB"), "{t}");
    assert!(t["saml_response_xml"].is_null(), "{t}");
    assert!(took < FAST, "{took:?}");
}

#[tokio::test]
async fn a_deeply_nested_svg_logo_is_refused_and_not_stored() {
    let app = App::new().await;
    let org = app.org("Design agency").await;
    let designer = app.admin(&org, "theme").await;
    let depth = 5_000;
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">{}{}</svg>"#,
        "<g>".repeat(depth),
        "</g>".repeat(depth)
    );
    let req = Request::post("/portal/api/theme/assets?kind=logo")
        .header(header::COOKIE, &designer.cookie)
        .header("x-portico-csrf", &designer.csrf)
        .header(header::CONTENT_TYPE, "image/svg+xml")
        .body(Body::from(svg))
        .unwrap();
    let started = Instant::now();
    let r = app.raw(req).await;
    assert!(started.elapsed() < FAST);
    let e = assert_error(&r, 422, "validation_failed");
    assert!(e.to_string().contains("levels deep"), "{e}");
    healthy(&app).await;
}

/// Posts `xml` to the connection's ACS with no RelayState (as anyone can), from `from`.
fn unsolicited(conn: &str, xml: &str, from: Option<[u8; 4]>) -> Request<Body> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(xml);
    let mut req = Request::post(format!("/sso/saml/{conn}/acs"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "SAMLResponse={}",
            super::signin::url_encode(&encoded)
        )))
        .unwrap();
    if let Some(ip) = from {
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40_000,
            ))));
    }
    req
}

#[tokio::test]
async fn hostile_posts_nobody_asked_for_are_refused_and_write_nothing() {
    let app = App::new().await;
    let p = saml_connection(&app).await;
    let db = app.dir.path().join("portico.db");
    let size = || {
        std::fs::metadata(&db).unwrap().len()
            + std::fs::metadata(app.dir.path().join("portico.db-wal"))
                .map(|m| m.len())
                .unwrap_or(0)
    };
    // Warm the database up so its size only moves with what these posts would write.
    let before_size = size();
    let nested = format!(
        "{RESPONSE_OPEN}{}{}</samlp:Response>",
        "<x>".repeat(5_000),
        "</x>".repeat(5_000)
    );
    let big = format!(
        "{RESPONSE_OPEN}<x>{}</x></samlp:Response>",
        "y".repeat(400 * 1024)
    );
    let xpath = signed_with(
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform>"#,
        "",
    );
    for (xml, code) in [
        (&nested, "saml_response_malformed"),
        (&big, "saml_unsigned"),
        (&xpath, "saml_algorithm_not_allowed"),
    ] {
        for _ in 0..5 {
            let started = Instant::now();
            let r = app.raw(unsolicited(&p.conn, xml, None)).await;
            assert!(started.elapsed() < FAST);
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
            assert!(r.text.contains(code), "{code}: {}", r.text);
            assert!(r.text.len() < 8 * 1024, "the page does not echo the post");
        }
    }
    let tests = p
        .admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{}/tests", p.conn),
            None,
        )
        .await;
    assert_eq!(tests.body["data"], json!([]), "{}", tests.text);
    // 15 posts of up to 540 KB (base64): the database did not grow by a post's worth.
    assert!(
        size() < before_size + 200 * 1024,
        "{} -> {}",
        before_size,
        size()
    );
    healthy(&app).await;
}

#[tokio::test]
async fn answers_are_rate_limited_per_address_and_per_connection_with_retry_after() {
    let app = App::with(|s| {
        s.signin_rate_per_address = 3;
        s.signin_rate_per_connection = 5;
    })
    .await;
    let p = saml_connection(&app).await;
    let limited = |r: &Resp| {
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        let wait: u64 = r.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(r.text.contains("rate_limited"), "{}", r.text);
    };
    // One address: three answers a minute, then 429 (before the body is even read).
    for _ in 0..3 {
        assert_eq!(
            app.raw(unsolicited(&p.conn, "<x/>", Some([198, 51, 100, 7])))
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
    }
    limited(
        &app.raw(unsolicited(&p.conn, "<x/>", Some([198, 51, 100, 7])))
            .await,
    );
    // Other addresses still get through, until the connection's own budget for unsolicited
    // answers (5) is spent (the refused fourth did not count).
    assert_eq!(
        app.raw(unsolicited(&p.conn, "<x/>", Some([203, 0, 113, 9])))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.raw(unsolicited(&p.conn, "<x/>", Some([203, 0, 113, 10])))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    limited(
        &app.raw(unsolicited(&p.conn, "<x/>", Some([192, 0, 2, 1])))
            .await,
    );
    // The OIDC callback shares the per-address limit; a minute later everyone may answer again.
    let mut callback = Request::get(format!("/sso/oidc/{}/callback?state=x&code=y", p.conn))
        .body(Body::empty())
        .unwrap();
    callback
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [198, 51, 100, 7],
            40_000,
        ))));
    limited(&app.raw(callback).await);
    app.advance(61);
    assert_eq!(
        app.raw(unsolicited(&p.conn, "<x/>", Some([198, 51, 100, 7])))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn what_an_unsigned_error_response_quotes_is_kept_short() {
    let app = App::new().await;
    let p = saml_connection(&app).await;
    // An unsigned Responder status is reported (IdPs send their errors unsigned), quoting its
    // message: a 300 KB message is cut before it is stored.
    let message = "m".repeat(300 * 1024);
    let xml = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2026-11-23T00:00:00Z"><saml:Issuer>https://idp.acme.test/entity</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/><samlp:StatusMessage>{message}</samlp:StatusMessage></samlp:Status></samlp:Response>"#
    );
    let (t, _) = p.answer(&xml).await;
    assert_eq!(
        t["diagnosis"]["code"],
        "saml_status_not_success",
        "{}",
        &t.to_string()[..500]
    );
    let facts = t["diagnosis"]["facts"].as_array().unwrap();
    assert!(!facts.is_empty());
    for f in facts {
        assert!(
            f["value"].as_str().unwrap().len()
                <= portico::api::test_sign_in::Fact::MAX_VALUE_BYTES + 3,
            "{}",
            f["key"]
        );
    }
    let stored = app
        .state
        .store
        .test(t["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let xml_kept = t["saml_response_xml"].as_str().map_or(0, str::len);
    assert!(
        stored.result.unwrap().len() < 200 * 1024,
        "stored result bounded (pretty copy {xml_kept} bytes)"
    );
}
