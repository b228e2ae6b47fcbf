//! The AuthnRequest that starts an SP-initiated sign-in, for the HTTP-Redirect or HTTP-POST
//! binding. Unsigned: our metadata says `AuthnRequestsSigned="false"`.

use std::io::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use crate::api::connection::SpValues;
use crate::core::metadata::BINDING_POST;

/// An AuthnRequest ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRequestOut {
    /// Its ID (an NCName like `_3f2a…`), to match InResponseTo later.
    pub id: String,
    /// Redirect binding: the IdP SSO URL with SAMLRequest (deflated, base64, url-encoded) and
    /// RelayState. POST binding: empty.
    pub redirect_url: String,
    /// POST binding: a complete HTML page with a form posting SAMLRequest (base64, not
    /// deflated) and RelayState to the IdP, auto-submitted by a small script, with a visible
    /// "Continue" button for no-script. None for Redirect.
    pub post_form_html: Option<String>,
}

/// Builds an AuthnRequest for `idp_sso_url`. `binding` is "redirect" or "post" (as stored;
/// anything else is treated as redirect); `now` unix seconds for IssueInstant.
pub fn authn_request(
    sp: &SpValues,
    idp_sso_url: &str,
    binding: &str,
    relay_state: &str,
    now: i64,
) -> AuthnRequestOut {
    let id = new_id();
    let xml = request_xml(&id, sp, idp_sso_url, now);
    if binding == BINDING_POST {
        let html = post_form(idp_sso_url, &STANDARD.encode(xml.as_bytes()), relay_state);
        return AuthnRequestOut {
            id,
            redirect_url: String::new(),
            post_form_html: Some(html),
        };
    }
    let redirect_url = redirect_url(
        idp_sso_url,
        &STANDARD.encode(deflate(xml.as_bytes())),
        relay_state,
    );
    AuthnRequestOut {
        id,
        redirect_url,
        post_form_html: None,
    }
}

/// `_` and 32 random hex digits: an NCName (never starts with a digit) with 128 bits of
/// randomness, so it can also serve as an unguessable request handle.
fn new_id() -> String {
    format!("_{}", hex::encode(rand::random::<[u8; 16]>()))
}

fn request_xml(id: &str, sp: &SpValues, destination: &str, now: i64) -> String {
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{instant}" Destination="{destination}" AssertionConsumerServiceURL="{acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>{issuer}</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" AllowCreate="true"/></samlp:AuthnRequest>"#,
        id = html_escape::encode_quoted_attribute(id),
        instant = crate::server::time::rfc3339(now),
        destination = html_escape::encode_quoted_attribute(destination),
        acs = html_escape::encode_quoted_attribute(&sp.acs_url),
        issuer = html_escape::encode_quoted_attribute(&sp.entity_id),
    )
}

/// Raw DEFLATE (RFC 1951), as the Redirect binding requires.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail; on the impossible error the IdP would see a bad request.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// The SSO URL with SAMLRequest and RelayState added to whatever query it already has
/// (Google's, for one, carries `?idpid=…`).
fn redirect_url(sso_url: &str, saml_request: &str, relay_state: &str) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    params.append_pair("SAMLRequest", saml_request);
    if !relay_state.is_empty() {
        params.append_pair("RelayState", relay_state);
    }
    let query = params.finish();
    let (base, fragment) = sso_url
        .split_once('#')
        .map_or((sso_url, None), |(b, f)| (b, Some(f)));
    let sep = match base.find('?') {
        None => "?",
        Some(i) if i + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{sep}{query}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn post_form(sso_url: &str, saml_request: &str, relay_state: &str) -> String {
    let relay = if relay_state.is_empty() {
        String::new()
    } else {
        format!(
            "\n<input type=\"hidden\" name=\"RelayState\" value=\"{}\">",
            html_escape::encode_quoted_attribute(relay_state)
        )
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Signing in…</title></head>
<body>
<form method="post" action="{action}">
<input type="hidden" name="SAMLRequest" value="{request}">{relay}
<p>Taking you to your identity provider to sign in.</p>
<button type="submit">Continue</button>
</form>
<script>document.forms[0].submit();</script>
</body>
</html>
"#,
        action = html_escape::encode_quoted_attribute(sso_url),
        request = html_escape::encode_quoted_attribute(saml_request),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::metadata::BINDING_REDIRECT;
    use std::io::Read as _;

    const NOW: i64 = 1_795_392_000;

    fn sp() -> SpValues {
        crate::server::saml::sp_values("https://sso.vendor.com", "conn_1&<x>")
    }

    fn check_request(xml: &str, id: &str, sso: &str) {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let r = doc.root_element();
        assert_eq!(r.tag_name().name(), "AuthnRequest");
        assert_eq!(
            r.tag_name().namespace(),
            Some("urn:oasis:names:tc:SAML:2.0:protocol")
        );
        assert_eq!(r.attribute("ID"), Some(id));
        assert_eq!(r.attribute("Version"), Some("2.0"));
        assert_eq!(r.attribute("IssueInstant"), Some("2026-11-23T00:00:00Z"));
        assert_eq!(r.attribute("Destination"), Some(sso));
        assert_eq!(
            r.attribute("AssertionConsumerServiceURL"),
            Some(sp().acs_url.as_str())
        );
        assert_eq!(
            r.attribute("ProtocolBinding"),
            Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
        );
        let issuer = r
            .children()
            .find(|n| n.tag_name().name() == "Issuer")
            .unwrap();
        assert_eq!(
            issuer.tag_name().namespace(),
            Some("urn:oasis:names:tc:SAML:2.0:assertion")
        );
        assert_eq!(issuer.text(), Some(sp().entity_id.as_str()));
        let policy = r
            .children()
            .find(|n| n.tag_name().name() == "NameIDPolicy")
            .unwrap();
        assert_eq!(policy.attribute("AllowCreate"), Some("true"));
        assert_eq!(
            policy.attribute("Format"),
            Some("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
        );
        assert!(!xml.contains("Signature"));
    }

    #[test]
    fn redirect_binding_round_trips() {
        let sso = "https://accounts.google.com/o/saml2/idp?idpid=C0&x=\"y\"";
        let out = authn_request(&sp(), sso, BINDING_REDIRECT, "test_1 &=/+", NOW);
        assert!(out.id.starts_with('_') && out.id.len() == 33, "{}", out.id);
        assert!(out.post_form_html.is_none());
        let url = url::Url::parse(&out.redirect_url).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs[0], ("idpid".into(), "C0".into()));
        assert_eq!(pairs[1], ("x".into(), "\"y\"".into()));
        assert_eq!(pairs[3], ("RelayState".into(), "test_1 &=/+".into()));
        assert_eq!(pairs[2].0, "SAMLRequest");
        let deflated = STANDARD.decode(&pairs[2].1).unwrap();
        let mut xml = String::new();
        flate2::read::DeflateDecoder::new(&deflated[..])
            .read_to_string(&mut xml)
            .unwrap();
        check_request(&xml, &out.id, sso);
        // A second request gets a new ID.
        assert_ne!(
            authn_request(&sp(), sso, BINDING_REDIRECT, "", NOW).id,
            out.id
        );
    }

    #[test]
    fn redirect_url_without_query_or_relay_state() {
        let out = authn_request(&sp(), "https://idp.test/sso", "redirect", "", NOW);
        assert!(
            out.redirect_url
                .starts_with("https://idp.test/sso?SAMLRequest="),
            "{}",
            out.redirect_url
        );
        assert!(!out.redirect_url.contains("RelayState"));
    }

    #[test]
    fn post_binding_builds_an_auto_submitting_form() {
        let sso = "https://idp.test/sso?a=1&b=2";
        let out = authn_request(&sp(), sso, BINDING_POST, "test_\"1\"", NOW);
        assert_eq!(out.redirect_url, "");
        let html = out.post_form_html.unwrap();
        assert!(
            html.contains(r#"<form method="post" action="https://idp.test/sso?a=1&amp;b=2">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<input type="hidden" name="RelayState" value="test_&quot;1&quot;">"#),
            "{html}"
        );
        assert!(html.contains("<button type=\"submit\">Continue</button>"));
        assert!(html.contains("document.forms[0].submit()"));
        let start = html.find(r#"name="SAMLRequest" value=""#).unwrap()
            + r#"name="SAMLRequest" value=""#.len();
        let value = &html[start..start + html[start..].find('"').unwrap()];
        // base64 of the plain XML (not deflated); its escaping only touches no base64 character.
        let xml = String::from_utf8(STANDARD.decode(value).unwrap()).unwrap();
        check_request(&xml, &out.id, sso);
    }
}
