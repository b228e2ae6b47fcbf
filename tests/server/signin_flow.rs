//! Signed SAML round trips through the ACS endpoint, in-process: an IdP key made here signs
//! responses with libxmlsec1 (through samael's signing call), the clock is the test's, and the
//! outcome is read back through the portal and vendor APIs.

use super::signin::url_encode;
use super::*;
use base64::Engine;
use portico::server::saml::keys;
use samael::crypto::{Crypto, CryptoProvider};

pub const IDP: &str = "https://idp.flow.test/saml";

pub struct Idp {
    key_der: Vec<u8>,
    pub cert_pem: String,
}

pub fn new_idp() -> Idp {
    let pair = keys::generate(IDP, T0).unwrap();
    let key_der = openssl::pkey::PKey::private_key_from_pem(pair.private_key_pem.as_bytes())
        .unwrap()
        .private_key_to_der()
        .unwrap();
    Idp {
        key_der,
        cert_pem: pair.certificate_pem,
    }
}

fn iso(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A response for `conn`, answering `request_id` (None: IdP-initiated), signed (response and
/// assertion) by `idp`, with the given attributes.
pub fn response(
    idp: &Idp,
    conn: &str,
    request_id: Option<&str>,
    assertion_id: &str,
    attrs: &[(&str, &str)],
    now: i64,
) -> String {
    response_at(
        "http://portal.test",
        idp,
        conn,
        request_id,
        assertion_id,
        attrs,
        now,
    )
}

/// [`response`] for a server at `base`.
pub fn response_at(
    base: &str,
    idp: &Idp,
    conn: &str,
    request_id: Option<&str>,
    assertion_id: &str,
    attrs: &[(&str, &str)],
    now: i64,
) -> String {
    response_full(
        base,
        idp,
        conn,
        request_id,
        assertion_id,
        (
            "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            "00u-ada",
        ),
        attrs,
        now,
    )
}

/// [`response`] with the NameID given as (format, value); no attributes leaves out the
/// AttributeStatement, as IdPs that send only a NameID do.
pub fn response_for(
    idp: &Idp,
    conn: &str,
    request_id: Option<&str>,
    assertion_id: &str,
    name_id: (&str, &str),
    attrs: &[(&str, &str)],
    now: i64,
) -> String {
    response_full(
        "http://portal.test",
        idp,
        conn,
        request_id,
        assertion_id,
        name_id,
        attrs,
        now,
    )
}

#[allow(clippy::too_many_arguments)]
fn response_full(
    base: &str,
    idp: &Idp,
    conn: &str,
    request_id: Option<&str>,
    assertion_id: &str,
    name_id: (&str, &str),
    attrs: &[(&str, &str)],
    now: i64,
) -> String {
    let acs = format!("{base}/sso/saml/{conn}/acs");
    let audience = format!("{base}/sso/saml/{conn}");
    let irt = request_id
        .map(|r| format!(r#" InResponseTo="{r}""#))
        .unwrap_or_default();
    let cert_b64: String = idp
        .cert_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let sig = |id: &str| {
        format!(
            r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"##
        )
    };
    let attributes: String = attrs
        .iter()
        .map(|(n, v)| format!(r#"<saml:Attribute Name="{n}"><saml:AttributeValue>{v}</saml:AttributeValue></saml:Attribute>"#))
        .collect();
    let attributes = if attrs.is_empty() {
        String::new()
    } else {
        format!("<saml:AttributeStatement>{attributes}</saml:AttributeStatement>")
    };
    let (name_id_format, name_id) = name_id;
    let assertion = format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{assertion_id}" Version="2.0" IssueInstant="{ii}"><saml:Issuer>{IDP}</saml:Issuer>{sig}<saml:Subject><saml:NameID Format="{name_id_format}">{name_id}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{scd}" Recipient="{acs}"{irt}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{nb}" NotOnOrAfter="{noa}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{ii}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>{attributes}</saml:Assertion>"#,
        ii = iso(now - 2),
        sig = sig(assertion_id),
        scd = iso(now + 180),
        nb = iso(now - 30),
        noa = iso(now + 300),
    );
    let assertion = Crypto::sign_xml(assertion.as_bytes(), &idp.key_der).unwrap();
    let assertion = assertion
        .split_once("?>")
        .map(|(_, r)| r.trim_start().to_owned())
        .unwrap_or(assertion);
    let resp = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r{assertion_id}" Version="2.0" IssueInstant="{ii}" Destination="{acs}"{irt}><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{IDP}</saml:Issuer>{sig}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{assertion}</samlp:Response>"#,
        ii = iso(now - 2),
        sig = sig(&format!("_r{assertion_id}")),
    );
    Crypto::sign_xml(resp.as_bytes(), &idp.key_der).unwrap()
}

/// Posts `xml` to the connection's ACS, as the browser carries it from the IdP.
async fn post_acs_raw(app: &App, conn: &str, xml: &str, relay: Option<&str>) -> Resp {
    let mut body = format!(
        "SAMLResponse={}",
        url_encode(&base64::engine::general_purpose::STANDARD.encode(xml))
    );
    if let Some(r) = relay {
        body.push_str(&format!("&RelayState={}", url_encode(r)));
    }
    let req = Request::post(format!("/sso/saml/{conn}/acs"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    app.raw(req).await
}

/// Posts an answer that is recorded; returns the test it landed on.
pub(super) async fn post_acs(app: &App, conn: &str, xml: &str, relay: Option<&str>) -> String {
    let r = post_acs_raw(app, conn, xml, relay).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    r.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .rsplit("test=")
        .next()
        .unwrap()
        .to_owned()
}

/// Posts a response that belongs to no attempt of ours and must be refused on the spot; returns
/// the page.
async fn post_acs_refused(app: &App, conn: &str, xml: &str, relay: Option<&str>) -> String {
    let r = post_acs_raw(app, conn, xml, relay).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("Nothing was recorded"), "{}", r.text);
    r.text
}

/// Starts a test through the portal and follows it to the IdP; returns (test id, request id, relay state).
pub async fn start(admin: &Admin<'_>, conn: &str) -> (String, String, String) {
    let r = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/tests"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let test = r.body["test_id"].as_str().unwrap().to_owned();
    let go = admin
        .app
        .raw(
            Request::get(format!("/sso/saml/{conn}/login/{test}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let location = go.headers[header::LOCATION].to_str().unwrap().to_owned();
    let relay = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "RelayState")
        .unwrap()
        .1
        .into_owned();
    let request_id = admin
        .app
        .state
        .store
        .test(&test)
        .await
        .unwrap()
        .unwrap()
        .request_id
        .unwrap();
    (test, request_id, relay)
}

pub async fn setup(app: &App, idp: &Idp, domains: &[&str]) -> (String, String) {
    let org = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "Flow", "domains": domains })),
        )
        .await;
    let org = org.body["id"].as_str().unwrap().to_owned();
    let r = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/connections"),
            Some(json!({ "idp": "okta-saml", "sso_url": "https://idp.flow.test/sso", "idp_entity_id": IDP, "certificate": idp.cert_pem })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    (org, r.body["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_signed_answer_to_our_request_succeeds_and_the_admin_activates() {
    let app = App::new().await;
    app.vendor(
        Method::PUT,
        "/api/v1/custom_attributes",
        Some(json!({ "data": [{ "name": "department" }] })),
    )
    .await;
    let idp = new_idp();
    let (org, conn) = setup(&app, &idp, &["example.com"]).await;
    app.vendor(Method::PATCH, &format!("/api/v1/connections/{conn}"), Some(json!({ "attribute_mapping": { "email": "email", "name": "displayName", "custom": { "department": "dept" } } }))).await;
    let admin = app.admin(&org, "sso").await;
    let (test, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        &idp,
        &conn,
        Some(&request_id),
        "_a1",
        &[
            ("email", "Ada@Example.com"),
            ("displayName", "Ada Lovelace"),
            ("dept", "Engines"),
        ],
        T0,
    );
    let landed = post_acs(&app, &conn, &xml, Some(&relay)).await;
    assert_eq!(landed, test);
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["outcome"], "success", "{}", t.text);
    let p = &t.body["profile"];
    assert_eq!(p["idp_id"], "00u-ada");
    assert_eq!(p["email"], "ada@example.com");
    assert_eq!(
        (p["first_name"].as_str(), p["last_name"].as_str()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(p["custom_attributes"]["department"], "Engines");
    assert_eq!(t.body["attributes"].as_array().unwrap().len(), 3);
    // No domain is verified yet: the test passes, and says production would refuse it.
    let issues = t.body["mapping_issues"].to_string();
    assert!(
        issues.contains("domain_unverified") && issues.contains("example.com is verified"),
        "{issues}"
    );
    let xml_shown = t.body["saml_response_xml"].as_str().unwrap();
    assert!(
        xml_shown.contains("Ada Lovelace") && xml_shown.contains('…'),
        "pretty XML with shortened signatures: {xml_shown}"
    );
    // The list view stays light.
    let l = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(l.body["data"][0]["saml_response_xml"], Value::Null);

    // Activation, then a change of IdP takes it back to `configured`; a certificate rollover
    // (same IdP, new certificate) does not.
    let a = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/activate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(a.body["state"], "active", "{}", a.text);
    let rolled = new_idp();
    let r = app.vendor(Method::PATCH, &format!("/api/v1/connections/{conn}"), Some(json!({ "sso_url": "https://idp.flow.test/sso", "idp_entity_id": IDP, "certificate": rolled.cert_pem }))).await;
    assert_eq!(r.body["state"], "active", "{}", r.text);
    let r = app.vendor(Method::PATCH, &format!("/api/v1/connections/{conn}"), Some(json!({ "sso_url": "https://idp.flow.test/other", "idp_entity_id": IDP, "certificate": rolled.cert_pem }))).await;
    assert_eq!(r.body["state"], "configured", "{}", r.text);
    // The old successful test does not count for the new settings.
    assert_error(
        &admin
            .call(
                Method::POST,
                &format!("/portal/api/connections/{conn}/activate"),
                Some(json!({})),
            )
            .await,
        409,
        "test_required",
    );
}

#[tokio::test]
async fn anonymous_answers_after_a_passed_test_leave_it_the_last_test() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn) = setup(&app, &idp, &["example.com"]).await;
    let admin = app.admin(&org, "sso").await;
    let (test, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        &idp,
        &conn,
        Some(&request_id),
        "_ok",
        &[("email", "ada@example.com")],
        T0,
    );
    assert_eq!(post_acs(&app, &conn, &xml, Some(&relay)).await, test);
    // What an outsider can send without the IdP's key: the same answer again (its RelayState
    // is used up), one signed by someone else, an unsolicited one, a made-up RelayState.
    let intruder = new_idp();
    post_acs_refused(&app, &conn, &xml, Some(&relay)).await;
    post_acs_refused(
        &app,
        &conn,
        &response(
            &intruder,
            &conn,
            None,
            "_x1",
            &[("email", "eve@example.com")],
            T0,
        ),
        None,
    )
    .await;
    post_acs_refused(
        &app,
        &conn,
        &response(
            &idp,
            &conn,
            None,
            "_x2",
            &[("email", "eve@example.com")],
            T0,
        ),
        None,
    )
    .await;
    post_acs_refused(&app, &conn, "<x/>", Some("forged")).await;
    let tests = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(
        tests.body["data"].as_array().map(Vec::len),
        Some(1),
        "{}",
        tests.text
    );
    let a = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/activate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        a.body["state"], "active",
        "the passed test still counts: {}",
        a.text
    );
}

#[tokio::test]
async fn replays_idp_initiated_responses_and_outside_emails_are_refused() {
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn) = setup(&app, &idp, &["example.com"]).await;
    let admin = app.admin(&org, "sso").await;

    // IdP-initiated: refused by default, with its own code, on the spot and unrecorded.
    let xml = response(
        &idp,
        &conn,
        None,
        "_idp1",
        &[("email", "ada@example.com")],
        T0,
    );
    let page = post_acs_refused(&app, &conn, &xml, None).await;
    assert!(page.contains("saml_idp_initiated_refused"), "{page}");
    let v = app
        .vendor(
            Method::GET,
            &format!("/api/v1/connections/{conn}/tests"),
            None,
        )
        .await;
    assert_eq!(v.body["data"], json!([]), "{}", v.text);

    // Allowed by the vendor (with auto-activation): accepted once, then a replay is refused.
    app.vendor(
        Method::PATCH,
        &format!("/api/v1/connections/{conn}"),
        Some(json!({ "options": { "allow_idp_initiated": true, "auto_activate": true } })),
    )
    .await;
    let xml = response(
        &idp,
        &conn,
        None,
        "_idp2",
        &[("email", "ada@example.com")],
        T0,
    );
    let first = post_acs(&app, &conn, &xml, None).await;
    let v = app
        .vendor(
            Method::GET,
            &format!("/api/v1/connections/{conn}/tests/{first}"),
            None,
        )
        .await;
    assert_eq!(v.body["outcome"], "success", "{}", v.text);
    let c = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(c.body["state"], "active", "auto_activate: {}", c.text);
    assert_eq!(v.body["idp_initiated"], true);
    let page = post_acs_refused(&app, &conn, &xml, None).await;
    assert!(page.contains("saml_replay"), "{page}");
    let c = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(
        (
            c.body["last_test_id"].as_str(),
            c.body["last_test_result"].as_str()
        ),
        (Some(first.as_str()), Some("success")),
        "a replay replaces nothing: {}",
        c.text
    );

    // Once example.com is verified, an email outside it fails the test, naming the domains
    // that count; with the vendor's permission it passes.
    let d = app
        .vendor(
            Method::POST,
            &format!("/api/v1/organizations/{org}/domains"),
            Some(json!({ "domain": "example.com" })),
        )
        .await;
    let d = d.body["id"].as_str().unwrap().to_owned();
    let v = app
        .vendor(
            Method::POST,
            &format!("/api/v1/domains/{d}/verify"),
            Some(json!({ "verified_by": "support@vendor.test" })),
        )
        .await;
    assert_eq!(v.body["verification_method"], "manual", "{}", v.text);
    let (_, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        &idp,
        &conn,
        Some(&request_id),
        "_a3",
        &[("email", "mallory@evil.test")],
        T0,
    );
    let t = post_acs(&app, &conn, &xml, Some(&relay)).await;
    let v = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{t}"),
            None,
        )
        .await;
    assert_eq!(
        v.body["diagnosis"]["code"], "email_outside_organization_domains",
        "{}",
        v.text
    );
    assert!(
        v.body["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("example.com"),
        "{}",
        v.text
    );
    assert_eq!(
        v.body["profile"]["email"], "mallory@evil.test",
        "what arrived is still shown"
    );
    app.vendor(
        Method::PATCH,
        &format!("/api/v1/organizations/{org}"),
        Some(json!({ "allow_profiles_outside_organization": true })),
    )
    .await;
    let (_, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        &idp,
        &conn,
        Some(&request_id),
        "_a3b",
        &[("email", "mallory@evil.test")],
        T0,
    );
    let t = post_acs(&app, &conn, &xml, Some(&relay)).await;
    let v = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{t}"),
            None,
        )
        .await;
    assert_eq!(
        v.body["outcome"], "success",
        "allowed by the vendor: {}",
        v.text
    );
    app.vendor(
        Method::PATCH,
        &format!("/api/v1/organizations/{org}"),
        Some(json!({ "allow_profiles_outside_organization": false })),
    )
    .await;

    // A response signed by another key is a certificate mismatch, with both fingerprints.
    let intruder = new_idp();
    let (_, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        &intruder,
        &conn,
        Some(&request_id),
        "_a4",
        &[("email", "ada@example.com")],
        T0,
    );
    let t = post_acs(&app, &conn, &xml, Some(&relay)).await;
    let v = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{t}"),
            None,
        )
        .await;
    assert_eq!(
        v.body["diagnosis"]["code"], "saml_certificate_mismatch",
        "{}",
        v.text
    );
    let facts = v.body["diagnosis"]["facts"].to_string();
    assert!(
        facts.contains("expected_fingerprint") && facts.contains("presented_fingerprint"),
        "{facts}"
    );

    // Our clock far past the assertion's lifetime: expired, with both clocks.
    let (_, request_id, relay) = start(&admin, &conn).await;
    let xml = response(
        &idp,
        &conn,
        Some(&request_id),
        "_a5",
        &[("email", "ada@example.com")],
        T0 - 600,
    );
    let t = post_acs(&app, &conn, &xml, Some(&relay)).await;
    let v = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{t}"),
            None,
        )
        .await;
    assert_eq!(v.body["diagnosis"]["code"], "saml_expired", "{}", v.text);
    let facts = v.body["diagnosis"]["facts"].to_string();
    assert!(
        facts.contains("our_clock") && facts.contains("not_on_or_after"),
        "{facts}"
    );
}

#[tokio::test]
async fn an_idp_that_sends_the_email_only_as_the_name_id_passes_once_the_mapping_reads_it() {
    const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    let app = App::new().await;
    let idp = new_idp();
    let (org, conn) = setup(&app, &idp, &["example.com"]).await;
    let admin = app.admin(&org, "sso").await;
    let only_name_id = |request_id: &str, assertion_id: &str| {
        response_for(
            &idp,
            &conn,
            Some(request_id),
            assertion_id,
            (EMAIL_FORMAT, "Ada@Example.com"),
            &[],
            T0,
        )
    };

    // Okta's defaults read an `email` attribute: refused, and the NameID is offered instead.
    let (test, request_id, relay) = start(&admin, &conn).await;
    post_acs(&app, &conn, &only_name_id(&request_id, "_n1"), Some(&relay)).await;
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["outcome"], "failure", "{}", t.text);
    assert_eq!(t.body["diagnosis"]["code"], "email_missing", "{}", t.text);
    let issue = t.body["mapping_issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["field"] == "email")
        .cloned()
        .unwrap_or_else(|| panic!("{}", t.text));
    assert_eq!(issue["suggestion"], "$nameid", "{issue}");
    assert!(
        t.body["diagnosis"]["fix"]
            .to_string()
            .contains("Use the NameID"),
        "{}",
        t.text
    );

    // The vendor API takes the choice, in any case, and returns it in one spelling.
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/connections/{conn}"),
            Some(json!({ "attribute_mapping": { "email": "$NameID" } })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["attribute_mapping"]["email"], "$nameid",
        "{}",
        r.text
    );
    let g = app
        .vendor(Method::GET, &format!("/api/v1/connections/{conn}"), None)
        .await;
    assert_eq!(
        g.body["attribute_mapping"]["email"], "$nameid",
        "{}",
        g.text
    );
    let (test, request_id, relay) = start(&admin, &conn).await;
    post_acs(&app, &conn, &only_name_id(&request_id, "_n2"), Some(&relay)).await;
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["outcome"], "success", "{}", t.text);
    assert_eq!(t.body["profile"]["email"], "ada@example.com", "{}", t.text);
    assert_eq!(t.body["profile"]["idp_id"], "Ada@Example.com", "{}", t.text);

    // A NameID that is an identifier is refused, saying the NameID is what is wrong.
    let (test, request_id, relay) = start(&admin, &conn).await;
    let persistent = response(
        &idp,
        &conn,
        Some(&request_id),
        "_n3",
        &[("firstName", "Ada")],
        T0,
    );
    post_acs(&app, &conn, &persistent, Some(&relay)).await;
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["diagnosis"]["code"], "email_invalid", "{}", t.text);
    assert!(
        t.body["diagnosis"]["title"]
            .as_str()
            .unwrap()
            .contains("NameID"),
        "{}",
        t.text
    );
    assert!(
        t.body["diagnosis"]["facts"].to_string().contains("00u-ada"),
        "{}",
        t.text
    );

    // The portal saves the same choice, and refuses it where the NameID makes no sense.
    let mapping_url = format!("/portal/api/connections/{conn}/mapping");
    let put = |body: Value| admin.call(Method::PUT, &mapping_url, Some(body));
    let e = assert_error(
        &put(json!({ "email": "email", "first_name": "$nameid" })).await,
        422,
        "validation_failed",
    );
    assert!(
        e["fields"]["first_name"]
            .as_str()
            .unwrap()
            .contains("only the email and the user ID"),
        "{e}"
    );
    let r = put(json!({ "email": "email" })).await;
    assert_eq!(r.body["attribute_mapping"]["email"], "email", "{}", r.text);
    let r = put(json!({ "email": "$nameid", "first_name": "firstName" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["attribute_mapping"]["email"], "$nameid",
        "{}",
        r.text
    );
    let (test, request_id, relay) = start(&admin, &conn).await;
    post_acs(&app, &conn, &only_name_id(&request_id, "_n4"), Some(&relay)).await;
    let t = admin
        .call(
            Method::GET,
            &format!("/portal/api/connections/{conn}/tests/{test}"),
            None,
        )
        .await;
    assert_eq!(t.body["outcome"], "success", "{}", t.text);
    let a = admin
        .call(
            Method::POST,
            &format!("/portal/api/connections/{conn}/activate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(a.body["state"], "active", "{}", a.text);
}

#[tokio::test]
async fn idps_set_up_with_the_email_as_name_id_start_with_the_name_id_as_email() {
    let app = App::new().await;
    let org = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "Defaults" })),
        )
        .await;
    let org = org.body["id"].as_str().unwrap().to_owned();
    for (idp, email) in [
        ("google-saml", "$nameid"),
        ("jumpcloud-saml", "$nameid"),
        ("generic-saml", "$nameid"),
        ("okta-saml", "email"),
    ] {
        let r = app
            .vendor(
                Method::POST,
                &format!("/api/v1/organizations/{org}/connections"),
                Some(json!({ "idp": idp })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(
            r.body["attribute_mapping"]["email"], email,
            "{idp}: {}",
            r.text
        );
    }
}
