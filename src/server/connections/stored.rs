//! What a connection row stores about its IdP (the JSON `config` column), and the values we
//! give the IdP, kept below the connection, sign-in and refresh logic that all read them.

use crate::core::metadata::{self, CertificateInfo, IdpMetadata, MetadataProblem};
use crate::server::store::ConnectionRow;
use crate::server::{saml, AppState};
use serde::{Deserialize, Serialize};

/// What is stored for a SAML connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSaml {
    /// IdP entity ID.
    pub idp_entity_id: String,
    /// SSO URL.
    pub sso_url: String,
    /// `redirect` or `post`.
    pub sso_binding: String,
    /// Signing certificates.
    pub certificates: Vec<CertificateInfo>,
    /// Source URL, if any.
    pub metadata_url: Option<String>,
    /// What the inspector warned about when this was saved (expired certificate, …).
    #[serde(default)]
    pub warnings: Vec<MetadataProblem>,
}

/// What is stored for an OIDC connection (the secret is a separate, encrypted column).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredOidc {
    /// Issuer.
    pub issuer: String,
    /// Client ID.
    pub client_id: String,
    /// From discovery.
    pub authorization_endpoint: String,
    /// From discovery.
    pub token_endpoint: Option<String>,
}

/// The base URL of the hostname a connection was created on (older ones: the public URL).
pub fn base_url<'a>(state: &'a AppState, row: &'a ConnectionRow) -> &'a str {
    row.base_url
        .as_deref()
        .unwrap_or(&state.settings.public_url)
}

/// Our values for a connection, under the base URL it was created on.
pub fn sp_values(state: &AppState, row: &ConnectionRow) -> crate::api::connection::SpValues {
    saml::sp_values(base_url(state, row), &row.id)
}

pub fn from_metadata(meta: IdpMetadata, metadata_url: Option<String>) -> StoredSaml {
    // The inspector refuses documents without a Redirect or POST service.
    let (sso_url, sso_binding) = match meta.preferred_sso() {
        Some(s) => (s.url.clone(), s.binding.clone()),
        None => (String::new(), metadata::BINDING_REDIRECT.to_owned()),
    };
    StoredSaml {
        idp_entity_id: meta.entity_id,
        sso_url,
        sso_binding,
        certificates: meta.signing_certificates,
        metadata_url,
        warnings: meta.warnings,
    }
}

/// The connection's mapping, or the catalog's defaults until one is saved.
pub fn mapping_of(row: &ConnectionRow) -> crate::api::mapping::AttributeMapping {
    row.attribute_mapping
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or_else(|| crate::core::mapping::default_mapping(&row.idp))
}

/// The vendor's switches for the connection.
pub fn options_of(row: &ConnectionRow) -> crate::api::connection::ConnectionOptions {
    serde_json::from_str(&row.options).unwrap_or_default()
}

/// The environment's custom profile attributes.
pub async fn custom_attributes(
    state: &AppState,
    environment_id: &str,
) -> Result<Vec<crate::api::mapping::CustomAttribute>, crate::server::error::Error> {
    let json = state.store.custom_attributes(environment_id).await?;
    Ok(serde_json::from_str(&json).unwrap_or_default())
}
