//! Sample data for the theme editor's preview: a connection, test results, a domain and a broken
//! metadata document, in the portal's own wire types, so the preview renders the real page
//! components with believable content and no server behind them.
//!
//! Built through the real logic where the designer's module can afford it (the diagnosis of a
//! failed test), or held to it by a test where it cannot (the metadata inspector's complaint),
//! so the preview says exactly what the portal would.

use crate::api::connection::{Connection, SpValues};
use crate::api::domains::{CheckResult, Domain, DomainState, LookupOutcome};
use crate::api::mapping::Profile;
use crate::api::test_sign_in::{
    FailureCode, ReceivedAttribute, Rejection, SignInTest, TestOutcome,
};
use crate::api::time::Timestamp;
use crate::core::diagnosis::diagnose;

/// The sample customer's domain.
pub const SAMPLE_DOMAIN: &str = "acme.example";
/// The sample identity provider (a catalog key).
pub const SAMPLE_IDP: &str = "okta";
const CONNECTION_ID: &str = "conn_sample";

fn sp() -> SpValues {
    let base = format!("https://sso.vendor.example/sso/saml/{CONNECTION_ID}");
    SpValues {
        acs_url: format!("{base}/acs"),
        entity_id: base.clone(),
        metadata_url: format!("{base}/metadata"),
        redirect_uri: format!("https://sso.vendor.example/sso/oidc/{CONNECTION_ID}/callback"),
    }
}

/// A configured Okta SAML connection, tested once.
pub fn connection() -> Connection {
    let sp = sp();
    let json = serde_json::json!({
        "id": CONNECTION_ID,
        "organization_id": "org_sample",
        "idp": SAMPLE_IDP,
        "protocol": "saml",
        "state": "configured",
        "sp": sp,
        "acs_url": sp.acs_url,
        "sp_entity_id": sp.entity_id,
        "sp_metadata_url": sp.metadata_url,
        "saml": null,
        "oidc": null,
        "attribute_mapping": {
            "idp_id": null, "email": "email", "first_name": "firstName", "last_name": "lastName",
            "name": null, "groups": "groups", "custom": {}
        },
        "created_at": "2026-01-05T09:00:00Z",
        "updated_at": "2026-01-05T09:00:00Z"
    });
    // The shape is the portal's own; a test below proves this parses.
    serde_json::from_value(json).unwrap_or_else(|_| fallback_connection(sp))
}

fn fallback_connection(sp: SpValues) -> Connection {
    Connection {
        id: CONNECTION_ID.into(),
        organization_id: "org_sample".into(),
        idp: SAMPLE_IDP.into(),
        protocol: crate::api::protocol::Protocol::Saml,
        state: crate::api::connection::ConnectionState::Configured,
        acs_url: Some(sp.acs_url.clone()),
        sp_entity_id: Some(sp.entity_id.clone()),
        sp_metadata_url: Some(sp.metadata_url.clone()),
        redirect_uri: None,
        sp,
        saml: None,
        oidc: None,
        draft: serde_json::Value::Null,
        attribute_mapping: Default::default(),
        custom_attributes: Vec::new(),
        options: Default::default(),
        last_tested_at: None,
        last_test_result: None,
        last_test_id: None,
        created_at: Timestamp::default(),
        updated_at: Timestamp::default(),
    }
}

fn attribute(name: &str, value: &str) -> ReceivedAttribute {
    ReceivedAttribute {
        name: name.into(),
        format: None,
        friendly_name: None,
        values: vec![value.into()],
    }
}

/// A test sign-in that worked: Jane's profile and what Okta sent.
pub fn test_success(now: i64) -> SignInTest {
    SignInTest {
        id: "test_sample_ok".into(),
        connection_id: CONNECTION_ID.into(),
        protocol: crate::api::protocol::Protocol::Saml,
        started_at: Timestamp::from_unix(now - 40),
        finished_at: Some(Timestamp::from_unix(now - 30)),
        outcome: TestOutcome::Success,
        idp_initiated: false,
        diagnosis: None,
        profile: Some(Profile {
            idp_id: format!("jane@{SAMPLE_DOMAIN}"),
            email: Some(format!("jane@{SAMPLE_DOMAIN}")),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            groups: vec!["Engineering".into(), "Admins".into()],
            custom_attributes: Default::default(),
        }),
        mapping_issues: Vec::new(),
        attributes: vec![
            attribute("email", &format!("jane@{SAMPLE_DOMAIN}")),
            attribute("firstName", "Jane"),
            attribute("lastName", "Doe"),
            ReceivedAttribute {
                name: "groups".into(),
                format: None,
                friendly_name: None,
                values: vec!["Engineering".into(), "Admins".into()],
            },
        ],
        saml_response_xml: None,
        id_token_claims: None,
    }
}

/// A test sign-in that failed: the IdP's audience was not our entity ID, diagnosed for Okta.
pub fn test_failure(now: i64) -> SignInTest {
    let rejection = Rejection::new(FailureCode::SamlAudienceMismatch)
        .fact("expected", "We expected", sp().entity_id)
        .fact("received", "Okta sent", "https://vendor.example/saml");
    SignInTest {
        id: "test_sample_failed".into(),
        connection_id: CONNECTION_ID.into(),
        protocol: crate::api::protocol::Protocol::Saml,
        started_at: Timestamp::from_unix(now - 100),
        finished_at: Some(Timestamp::from_unix(now - 90)),
        outcome: TestOutcome::Failure,
        idp_initiated: false,
        diagnosis: Some(diagnose(
            &rejection,
            SAMPLE_IDP,
            &sp(),
            &[SAMPLE_DOMAIN.to_owned()],
        )),
        profile: None,
        mapping_issues: Vec::new(),
        attributes: Vec::new(),
        saml_response_xml: None,
        id_token_claims: None,
    }
}

/// A domain waiting for its TXT record; the last check found none.
pub fn domain(now: i64) -> Domain {
    Domain {
        id: "dom_sample".into(),
        domain: SAMPLE_DOMAIN.into(),
        display_name: SAMPLE_DOMAIN.into(),
        state: DomainState::Pending,
        record_type: "TXT".into(),
        record_name: format!("_portico-challenge.{SAMPLE_DOMAIN}"),
        record_value: "portico-verification=3f9c0d2a7b5e4c18a6d1".into(),
        created_at: Timestamp::from_unix(now - 600),
        last_checked_at: Some(Timestamp::from_unix(now - 120)),
        last_result: Some(CheckResult {
            outcome: LookupOutcome::NoTxt,
            values: Vec::new(),
            error: None,
            source: None,
            checked_at: Timestamp::from_unix(now - 120),
        }),
        next_check_at: Some(Timestamp::from_unix(now + 780)),
        verified_at: None,
        verification_method: None,
        verified_by: None,
        record_last_seen_at: None,
        warning: None,
        fails_at: Some(Timestamp::from_unix(now + 30 * 86_400)),
    }
}

/// Metadata pasted half-way, as admins often do.
pub const BROKEN_METADATA: &str = "<md:EntityDescriptor \
    xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"http://www.okta.com/exk1fxp\">\n  \
        <md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n    <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\"";

/// What the metadata inspector says about [`BROKEN_METADATA`], written out rather than computed
/// so that the preview (the designer's wasm module) does not carry the inspector, which lives in
/// its worker; a test holds this to the inspector's own words.
pub const BROKEN_METADATA_PROBLEM: &str = "The metadata is not well-formed XML (the root node was \
    opened but never closed). The file may be cut short or edited by hand. Download the metadata \
    again from your identity provider and upload it unchanged.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_connection_parses_as_the_portal_sends_it() {
        let json = serde_json::to_value(connection()).unwrap_or_default();
        assert_eq!(json["id"], CONNECTION_ID);
        // The fallback is dated 1970: seeing the JSON's creation date proves the JSON parsed.
        assert_eq!(connection().created_at.to_string(), "2026-01-05T09:00:00Z");
        assert_eq!(
            connection().attribute_mapping.email.as_deref(),
            Some("email")
        );
    }

    #[test]
    fn the_failed_sample_is_diagnosed_for_okta_and_names_our_entity_id() {
        let t = test_failure(1_000_000);
        let d = t
            .diagnosis
            .as_ref()
            .map(|d| (d.code, d.copy.iter().any(|c| c.value == sp().entity_id)));
        assert_eq!(d, Some((FailureCode::SamlAudienceMismatch, true)));
    }

    #[test]
    fn the_broken_metadata_gets_the_inspectors_own_complaint() {
        let said = crate::core::metadata::inspect_idp_metadata(BROKEN_METADATA, 1_000_000)
            .map(|_| String::new())
            .unwrap_or_else(|p| p.message);
        assert_eq!(said, BROKEN_METADATA_PROBLEM);
    }
}
