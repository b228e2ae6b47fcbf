//! One error shape for every failure, with a stable code per failure and a human message.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The body of every error response: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ApiErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// What went wrong, what to do next, and the request id to quote to support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// A stable snake_case code; see [`ErrorCode`].
    pub code: String,
    /// What happened and what to do, in words the reader understands.
    pub message: String,
    /// Per-field problems, keyed by the request field's name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// The id of the request, as logged by the server.
    #[serde(default)]
    pub request_id: String,
    /// Structured data for the failure, when the client can act on it; for example
    /// `{"entities": [{"entity_id", "display_name"}]}` when the admin must pick one IdP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:literal, $message:literal;)*) => {
        /// Every failure the APIs report, each with its code, HTTP status and default message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant,)* }

        impl ErrorCode {
            /// All codes, for documentation and tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable snake_case code sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status this failure is sent with.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// The default human message: what happened and what to do next.
            pub fn message(self) -> &'static str {
                match self { $(ErrorCode::$variant => $message,)* }
            }

            /// The code for a wire string, if it is one of ours.
            pub fn parse(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", 400, "The request body is not valid JSON for this endpoint.";
    UnsupportedMediaType = "unsupported_media_type", 415, "Send the request body as JSON with \
        `Content-Type: application/json`.";
    PayloadTooLarge = "payload_too_large", 413, "The request body is too large.";
    ValidationFailed = "validation_failed", 422, "Some fields need attention; see `fields`.";
    Unauthorized = "unauthorized", 401, "Send a valid API key as `Authorization: Bearer pk_...`.";
    NotFound = "not_found", 404, "Nothing exists at this address.";
    MethodNotAllowed = "method_not_allowed", 405, "This endpoint does not accept that HTTP method.";
    OrganizationNotFound = "organization_not_found", 404, "No organization with that id exists in this environment.";
    GuideNotFound = "guide_not_found", 404, "There is no setup guide for that identity provider.";
    ConnectionNotFound = "connection_not_found", 404, "No connection with that id exists here.";
    DuplicateExternalId = "duplicate_external_id", 409, "Another organization in this environment \
        already uses that external_id.";
    LinkUnknown = "link_unknown", 404, "This setup link is not valid. Ask your vendor for a new link.";
    LinkExpired = "link_expired", 410, "This setup link has expired. Ask your vendor for a new link.";
    LinkUsed = "link_used", 410, "This setup link has already been used. Ask your vendor for a new link.";
    SessionMissing = "session_missing", 401, "Your setup session has ended. Open a new setup link \
        from your vendor to continue; your progress was saved.";
    CsrfFailed = "csrf_failed", 403, "This request was blocked as a possible cross-site request. \
        Reload the page and try again.";
    IntentNotAllowed = "intent_not_allowed", 403, "This setup link does not cover that part of the \
        portal. Ask your vendor for a link that does.";
    ConnectionIncomplete = "connection_incomplete", 409, "Finish entering your identity provider's \
        details before saving.";
    MetadataFetchFailed = "metadata_fetch_failed", 422, "We could not download the metadata from that URL.";
    OidcDiscoveryFailed = "oidc_discovery_failed", 422, "We could not read the OpenID Connect \
        discovery document for that issuer.";
    DomainNotFound = "domain_not_found", 404, "No domain with that id exists here.";
    DomainDuplicate = "domain_duplicate", 409, "That domain is already in this organization's list.";
    DomainTaken = "domain_taken", 409, "That domain is already verified by another organization. \
        Contact your vendor if it is yours.";
    ClientUnknown = "client_unknown", 400, "This sign-in link does not name an app Portico knows. \
        Go back to the app and try again; if it keeps happening, tell the app's support team.";
    RedirectUriNotRegistered = "redirect_uri_not_registered", 400, "This sign-in link would send \
        you to an address the app did not register, so it was stopped. Go back to the app and try \
        again; if it keeps happening, tell the app's support team.";
    CustomDomainNotFound = "custom_domain_not_found", 404, "No custom hostname with that id exists \
        in this environment.";
    CustomDomainTaken = "custom_domain_taken", 409, "That hostname is already registered with this Portico server.";
    LowContrast = "low_contrast", 422, "Some colour pairs are hard to read (below WCAG AA \
        contrast); see `fields`. Change them, or send `accept_low_contrast: true` to save anyway.";
    TestNotFound = "test_not_found", 404, "No test sign-in with that id exists for this connection.";
    TestRequired = "test_required", 409, "Run a successful test sign-in with the current settings \
        before activating this connection.";
    WebhookEndpointNotFound = "webhook_endpoint_not_found", 404, "No webhook endpoint with that id \
        exists in this environment.";
    WebhookDeliveryNotFound = "webhook_delivery_not_found", 404, "No delivery with that id exists \
        for this webhook endpoint.";
    DuplicateRole = "duplicate_role", 409, "Two roles have the same slug; give each role its own.";
    DirectoryNotFound = "directory_not_found", 404, "No directory with that id exists in this \
        environment.";
    DirectoryTokenNotFound = "directory_token_not_found", 404, "No token with that id exists for \
        this directory.";
    DirectoryUserNotFound = "directory_user_not_found", 404, "No directory user with that id \
        exists in this environment.";
    DirectoryGroupNotFound = "directory_group_not_found", 404, "No directory group with that id \
        exists in this environment.";
    UnknownCustomAttribute = "unknown_custom_attribute", 422, "A mapped name is not one of the \
        custom attributes the app declared; see `fields`.";
    InvalidAttributePath = "invalid_attribute_path", 422, "A source is not a SCIM attribute path \
        such as `title`, `name.formatted` or `addresses[type eq \"work\"].country`; see `fields`.";
    InvalidState = "invalid_state", 409, "That change is not possible in the connection's current state.";
    RateLimited = "rate_limited", 429, "Too many requests; wait a moment and try again.";
    Internal = "internal_error", 500, "Something went wrong on our side. Try again; if it keeps \
        happening, quote the request id to your vendor.";
}

impl ErrorDetail {
    /// A detail with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        ErrorDetail {
            code: code.as_str().to_owned(),
            message: code.message().to_owned(),
            fields: BTreeMap::new(),
            request_id: String::new(),
            details: None,
        }
    }

    /// The code as our enum, if the server sent one we know.
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{s} is not snake_case"
            );
            assert_eq!(ErrorCode::parse(s), Some(*code));
            assert!((400..600).contains(&code.status()));
            assert!(
                code.message().ends_with('.'),
                "{s}: message should be a sentence"
            );
        }
    }

    #[test]
    fn fields_are_omitted_when_empty() {
        let body = ApiErrorBody {
            error: ErrorDetail::new(ErrorCode::NotFound),
        };
        let json = serde_json::to_value(&body).unwrap();
        assert!(json["error"].get("fields").is_none());
        assert!(json["error"].get("details").is_none());
        assert_eq!(json["error"]["code"], "not_found");
    }
}
