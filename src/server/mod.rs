//! The server: configuration, command line, HTTP API, storage and protocol code.
//!
//! Layers, from the bottom: wire types (`api`) and pure logic (`core`), then the domain modules
//! here (storage, protocols, the features' rules), which report failures as [`error::Error`]
//! and never import [`http`]. `http/` and `cli` are the edges on top: `http/` holds every
//! handler, router and middleware and alone turns errors into responses; `cli` calls domain
//! code only, and gets the HTTP application to serve from the binary (`src/main.rs`), the one
//! place that wires the two. `tests/server/architecture.rs` keeps these walls.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod activity;
pub mod assets;
pub mod cli;
pub mod config;
pub mod connections;
pub mod crypto;
pub mod directories;
pub mod dns;
pub mod dns_hosts;
pub mod domains;
pub mod embed;
pub mod error;
pub mod events;
pub mod fetch;
pub mod go_live;
pub mod guides;
pub mod hostnames;
// The HTTP edge: declared here, used by nothing else in this file (see the module doc).
pub mod http;
pub mod jobs;
pub mod oidc;
pub mod openapi;
pub mod private_files;
pub mod refresh;
pub mod saml;
pub mod service;
pub mod signin;
pub mod site;
pub mod store;
pub mod theme;
pub mod time;
pub mod webhooks;

use std::sync::Arc;

/// Where the server reads the time, so tests control it.
pub trait Clock: Send + Sync {
    /// Unix seconds now.
    fn now(&self) -> i64;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn store::Store>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Settings the handlers read.
    pub settings: Arc<config::Settings>,
    /// Encrypts secrets at rest.
    pub secrets: Arc<crypto::SecretBox>,
    /// Downloads from customer-supplied URLs, guarded against server-side request forgery.
    pub fetcher: Arc<fetch::Fetcher>,
    /// The same guard for webhook deliveries, with its own allow-list
    /// (`PORTICO_WEBHOOK_ALLOWLIST`), so a receiver on a private address opens nothing to the
    /// URLs portal admins type.
    pub webhook_fetcher: Arc<fetch::Fetcher>,
    /// The built portal.
    pub assets: Arc<assets::Assets>,
    /// DNS lookups for domain verification.
    pub dns: Arc<dns::DnsChecker>,
    /// Keeps domain verification under its queries-per-second cap, across all checks (the
    /// checker above takes a token from it before every query).
    pub dns_limiter: Arc<dns::RateLimiter>,
    /// The default environment's id: it exists from start-up on and never changes, so the
    /// hostname of every request is resolved without asking the store for it.
    pub default_environment_id: Arc<str>,
    /// Failed `/sso/token` requests in the current minute, per authenticated client and per
    /// caller address, bounded in size (see [`go_live::TokenBudgets`]).
    pub token_failures: Arc<go_live::TokenBudgets>,
    /// Limits how many SAML responses are checked at once, off the async workers.
    pub saml_gate: Arc<saml::response::VerifyGate>,
    /// How many IdP answers (ACS posts, OIDC callbacks) each address and connection may send.
    pub answer_limits: Arc<signin::AnswerLimits>,
    /// How many test messages each webhook endpoint may be sent per minute
    /// ([`webhooks::TestLimit`]).
    pub webhook_tests: Arc<webhooks::TestLimit>,
    /// The SCIM endpoints' per-minute limits ([`directories::scim::ScimLimits`]).
    pub scim_limits: Arc<directories::scim::ScimLimits>,
}
