//! The domain's one error type: what every server module below `http/` returns when an
//! operation is refused or fails.
//!
//! It carries what the caller needs to act (a stable [`ErrorCode`], an optional message, per-field
//! problems, structured details) and nothing about transport: the HTTP layer turns it into a
//! response (`http::error`), the command line into a line of text. Keeping it here, with no axum
//! in sight, is what lets domain modules stay below `http/` (see the architecture test).

use crate::api::ErrorCode;
use crate::server::store::StoreError;
use std::collections::BTreeMap;

/// A refusal or failure, with the stable code the wire reports.
#[derive(Debug, Clone)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// Replaces the code's default message when set.
    pub message: Option<String>,
    /// Per-field problems.
    pub fields: BTreeMap<String, String>,
    /// Structured data for the caller (the response body's `details`).
    pub details: Option<serde_json::Value>,
    /// Seconds the caller should wait before trying again (a `429`'s `Retry-After`).
    pub retry_after: Option<u64>,
}

impl Error {
    /// An error with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        Error {
            code,
            message: None,
            fields: BTreeMap::new(),
            details: None,
            retry_after: None,
        }
    }

    /// Replaces the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Adds a field problem.
    pub fn field(mut self, field: &str, problem: impl Into<String>) -> Self {
        self.fields.insert(field.to_owned(), problem.into());
        self
    }

    /// Attaches structured data the client can act on (the body's `details`).
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// `rate_limited`, to be tried again in `seconds` (sent as `Retry-After` and in `details`).
    pub fn rate_limited(seconds: u64, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorCode::RateLimited)
            .message(message)
            .details(serde_json::json!({ "retry_after_seconds": seconds }));
        e.retry_after = Some(seconds);
        e
    }

    /// A validation failure on one field.
    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        Error::new(ErrorCode::ValidationFailed).field(field, problem)
    }

    /// An internal error: logged here with its cause, shown only as `internal_error`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Error::new(ErrorCode::Internal)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::internal(e)
    }
}
