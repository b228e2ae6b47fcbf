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
pub fn sp_metadata_xml(sp: &SpValues) -> String {
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
        let xml = sp_metadata_xml(&sp);
        let err = crate::core::metadata::inspect_idp_metadata(&xml, 0).unwrap_err();
        assert_eq!(err.code, "metadata_is_sp");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().attribute("entityID"), Some(sp.entity_id.as_str()));
    }
}
