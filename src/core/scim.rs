//! SCIM 2.0 (RFC 7643, RFC 7644) service provider logic, independent of storage and HTTP: the
//! filter language, PATCH paths and operations, reading a User or Group the IdP sent into plain
//! fields, and the `attributes`/`excludedAttributes` projection.
//!
//! Everything here works on `serde_json::Value` documents (a resource as the IdP sent it, with its
//! extensions), is bounded before or while it reads outside input, and fails with a [`ScimError`]
//! the server turns into the RFC 7644 error body ([`crate::api::scim::ScimErrorBody`]).
//!
//! Entry points for the server:
//! - `GET …?filter=`: [`filter::Filter::parse`], then [`filter::Filter::as_simple_eq`] for an
//!   indexed lookup (`path.is("userName")`), else [`filter::Filter::matches`] on each resource.
//! - `POST` / `PUT`: [`resource::parse_user`] / [`resource::parse_group`] on the body.
//! - `PATCH`: [`patch::apply_patch`] on the stored document with the body's
//!   [`crate::api::scim::PatchRequest::operations`], then `parse_user` / `parse_group` on the result
//!   (the same checks as a PUT).
//! - Every response: [`projection::Projection::parse`] on `attributes` / `excludedAttributes`, then
//!   [`projection::Projection::apply`].
//! - Errors: [`ScimError::body`], with [`ScimError::status`] as the HTTP status.
//! - The vendor's custom attributes on directory users: [`attributes::resolve`] reads a mapped
//!   source on a stored User, [`attributes::present`] lists what the admin can map.

pub mod attributes;
pub mod filter;
pub mod patch;
pub mod path;
pub mod projection;
pub mod resource;

use crate::api::scim::{ScimErrorBody, ScimType};
use std::fmt;

/// A failure of the SCIM logic: the HTTP status, the RFC 7644 `scimType` when there is one, and a
/// message for the IdP's admin (it ends up in the IdP's provisioning log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    /// The HTTP status (400 for almost everything here).
    pub status: u16,
    /// The RFC 7644 §3.12 keyword.
    pub scim_type: Option<ScimType>,
    /// What was wrong, in words.
    pub detail: String,
}

impl ScimError {
    /// A 400 with `scim_type`.
    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> ScimError {
        ScimError {
            status: 400,
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    /// The RFC 7644 error body for it.
    pub fn body(&self) -> ScimErrorBody {
        ScimErrorBody::new(self.status, self.scim_type, self.detail.clone())
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scim_type {
            Some(t) => write!(f, "{} {}: {}", self.status, t.as_str(), self.detail),
            None => write!(f, "{}: {}", self.status, self.detail),
        }
    }
}

impl std::error::Error for ScimError {}
