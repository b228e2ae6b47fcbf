//! Wire types both sides speak: every request and response body of the vendor and portal
//! APIs, and the error shape with its stable codes.

pub mod activity;
pub mod connection;
pub mod contract;
pub mod directory;
pub mod directory_attributes;
pub mod dns_hosts;
pub mod domains;
pub mod embed;
pub mod error;
pub mod event;
pub mod guide;
pub mod hostnames;
pub mod mapping;
pub mod portal;
pub mod protocol;
pub mod scim;
pub mod sso;
pub mod test_sign_in;
pub mod theme;
pub mod time;
pub mod vendor;
pub mod webhook;

pub use error::{ApiErrorBody, ErrorCode, ErrorDetail};

/// The header the portal sends its per-session CSRF token in on every state-changing call.
pub const CSRF_HEADER: &str = "x-portico-csrf";
/// The header every response carries its request id in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
