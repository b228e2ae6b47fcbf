//! Pure logic both sides run: the IdP and directory-provider catalogs, the SAML metadata
//! inspector, validation, the address policy for outbound connections, and retry schedules.

pub mod address;
pub mod backoff;
pub mod catalog;
pub mod cert;
pub mod csp;
pub mod diagnosis;
pub mod directory_catalog;
pub mod embed;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod lifecycle;
pub mod mapping;
pub mod metadata;
pub mod prose;
pub mod rate;
pub mod saml_response;
pub mod scim;
pub mod theme;
pub mod validate;
pub mod xml;
