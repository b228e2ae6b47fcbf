//! The SAML service-provider side: our values and metadata for each connection, the
//! AuthnRequest that starts a test sign-in ([`request`]), the checks on the IdP's answer
//! ([`response`]), and our own key pair for encrypted assertions ([`keys`]).
//!
//! Signatures are verified only by libxmlsec1 through samael; this module never
//! canonicalizes or hashes XML itself. See README, "SAML signatures".

use crate::api::connection::SpValues;

mod decrypt;
pub mod keys;
mod pretty;
pub mod request;
pub mod response;
pub mod xmlsec_log;

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

/// Our SP metadata document for one connection. With `encryption_cert_pem`, it also publishes
/// that certificate for encryption, so IdPs that encrypt assertions encrypt them for us.
pub fn sp_metadata_xml(sp: &SpValues, encryption_cert_pem: Option<&str>) -> String {
    let key_descriptor = encryption_cert_pem
        .map(pem_body)
        .filter(|b64| !b64.is_empty())
        .map(|b64| {
            format!(
                r#"    <md:KeyDescriptor use="encryption">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>
    </md:KeyDescriptor>
"#
            )
        })
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
{key_descriptor}    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{acs}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"#,
        entity = html_escape::encode_quoted_attribute(&sp.entity_id),
        acs = html_escape::encode_quoted_attribute(&sp.acs_url)
    )
}

/// The base64 body of a PEM block, on one line (or the input itself, cleaned, if it has no
/// PEM armour).
pub(crate) fn pem_body(pem: &str) -> String {
    pem.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
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
        assert_eq!(
            doc.root_element().attribute("entityID"),
            Some(sp.entity_id.as_str())
        );
        assert!(!xml.contains("KeyDescriptor"));
    }

    #[test]
    fn metadata_publishes_the_encryption_certificate_when_given() {
        let sp = sp_values("https://sso.vendor.com", "conn_1");
        let pair = keys::generate(&sp.entity_id, 1_795_392_000).unwrap();
        let xml = sp_metadata_xml(&sp, Some(&pair.certificate_pem));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let kd = doc
            .descendants()
            .find(|n| n.tag_name().name() == "KeyDescriptor")
            .unwrap();
        assert_eq!(kd.attribute("use"), Some("encryption"));
        let cert = kd
            .descendants()
            .find(|n| n.tag_name().name() == "X509Certificate")
            .unwrap();
        assert_eq!(cert.text(), Some(pem_body(&pair.certificate_pem).as_str()));
        assert!(
            kd.descendants()
                .filter(|n| n.tag_name().name() == "EncryptionMethod")
                .count()
                >= 2
        );
        // Still SP metadata for our inspector.
        assert_eq!(
            crate::core::metadata::inspect_idp_metadata(&xml, 0)
                .unwrap_err()
                .code,
            "metadata_is_sp"
        );
    }
}
