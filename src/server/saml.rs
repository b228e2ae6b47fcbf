//! The SAML service-provider side: our values for each connection and our SP metadata.

use crate::api::portal::SpValues;

/// The values an admin copies into their IdP for one connection.
pub fn sp_values(public_url: &str, connection_id: &str) -> SpValues {
    let base = format!("{public_url}/sso/saml/{connection_id}");
    SpValues {
        acs_url: format!("{base}/acs"),
        entity_id: base.clone(),
        metadata_url: format!("{base}/metadata.xml"),
        redirect_uri: format!("{public_url}/sso/oidc/{connection_id}/callback"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Our SP metadata document for one connection.
pub fn sp_metadata_xml(sp: &SpValues, _enc: Option<&str>) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{acs}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"#,
        entity = escape(&sp.entity_id),
        acs = escape(&sp.acs_url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_metadata_is_recognised_as_sp_metadata_by_our_own_inspector() {
        let sp = sp_values("https://sso.vendor.com", "conn_1");
        assert_eq!(sp.acs_url, "https://sso.vendor.com/sso/saml/conn_1/acs");
        let xml = sp_metadata_xml(&sp, None);
        let err = crate::core::metadata::inspect_idp_metadata(&xml, 0).unwrap_err();
        assert_eq!(err.code, "metadata_is_sp");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().attribute("entityID"), Some(sp.entity_id.as_str()));
    }
}

// STUB-BEGIN (temporary until the saml-sp branch merges)
pub mod request {
    pub struct AuthnRequestOut { pub id: String, pub redirect_url: String, pub post_form_html: Option<String> }
    pub fn authn_request(_sp: &crate::api::portal::SpValues, idp_sso_url: &str, _binding: &str, relay_state: &str, _now: i64) -> AuthnRequestOut {
        AuthnRequestOut { id: "_stub".into(), redirect_url: format!("{idp_sso_url}?RelayState={relay_state}"), post_form_html: None }
    }
}
pub mod response {
    use crate::api::signin::{ReceivedAttribute, Rejection, FailureCode};
    pub struct Expectations<'a> {
        pub idp_entity_id: &'a str, pub certificates: &'a [crate::core::cert::CertificateInfo], pub sp_entity_id: &'a str, pub acs_url: &'a str,
        pub request_id: Option<&'a str>, pub allow_idp_initiated: bool, pub allow_sha1: bool, pub now: i64, pub skew_seconds: i64, pub decryption_key_pem: Option<&'a str>,
    }
    pub struct Validated { pub response_id: Option<String>, pub assertion_id: String, pub issuer: String, pub name_id: String, pub name_id_format: Option<String>,
        pub in_response_to: Option<String>, pub session_index: Option<String>, pub not_on_or_after: Option<i64>, pub attributes: Vec<ReceivedAttribute>, pub pretty_xml: String }
    pub fn validate(_r: &str, _e: &Expectations) -> Result<Validated, (Rejection, Option<String>)> { Err((Rejection::new(FailureCode::SamlResponseMalformed), None)) }
}
pub mod keys {
    pub struct SpKeyPair { pub private_key_pem: String, pub certificate_pem: String }
    pub fn generate(_e: &str, _now: i64) -> Result<SpKeyPair, String> { Ok(SpKeyPair { private_key_pem: String::new(), certificate_pem: String::new() }) }
}
// STUB-END
