//! Portico: a self-hostable, self-serve SSO onboarding portal.
//!
//! One crate, two builds. `api` and `core` compile for both the browser (feature `csr`) and
//! the server (feature `server`); `client` and `server` never import each other.

pub mod api;
pub mod core;

#[cfg(feature = "csr")]
pub mod client;

#[cfg(feature = "server")]
pub mod server;

#[cfg(all(feature = "csr", feature = "server"))]
compile_error!("features `csr` and `server` build different targets; enable one at a time");
