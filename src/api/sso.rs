//! The SSO login API a vendor's app uses to sign its users in through Portico: client
//! credentials, redirect URIs, the profile `POST /sso/token` returns, the errors sent back to
//! the app, and the sign-in log.

#[cfg(feature = "server")]
use crate::api::contract as rule;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An environment's client: its ID and its secrets (never the secrets themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ClientCredentials {
    /// `client_...`: the app's `PORTICO_CLIENT_ID`.
    pub client_id: String,
    /// Live and revoked secrets, oldest first.
    pub secrets: Vec<ClientSecretInfo>,
}

/// A client secret as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ClientSecretInfo {
    /// `cs_...`
    pub id: String,
    /// The secret's first characters, to tell them apart.
    pub prefix: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked, once it is.
    pub revoked_at: Option<Timestamp>,
}

/// A new secret: shown once, only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CreatedClientSecret {
    /// `cs_...`
    pub id: String,
    /// The client it belongs to.
    pub client_id: String,
    /// The secret: the app's `PORTICO_CLIENT_SECRET`.
    pub client_secret: String,
}

/// A redirect URI the app may be sent back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedirectUri {
    /// Matched exactly: no wildcards, no prefixes.
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::REDIRECT_URI)))]
    pub uri: String,
    /// Used when a request names none, and for IdP-initiated sign-ins.
    #[serde(default)]
    pub default: bool,
}

/// `GET/PUT /api/v1/redirect_uris`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedirectUris {
    /// All of them; exactly one is the default when there are any.
    pub redirect_uris: Vec<RedirectUri>,
}

/// The person who signed in, as `POST /sso/token` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SsoProfile {
    /// `prof_...`: the same for the same person on the same connection, every time.
    pub id: String,
    /// The IdP's identifier (SAML NameID or OIDC `sub`, or the mapped attribute).
    pub idp_id: String,
    /// Email, when mapped.
    pub email: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Groups.
    pub groups: Vec<String>,
    /// The environment's custom attributes that arrived.
    pub custom_attributes: BTreeMap<String, String>,
    /// Every attribute or claim as received, by name.
    pub raw_attributes: BTreeMap<String, Vec<String>>,
    /// The organization: trust this (and `connection_id`), not the email's domain.
    pub organization_id: String,
    /// The connection it came through.
    pub connection_id: String,
    /// The protocol it came through.
    pub connection_type: crate::api::protocol::Protocol,
    /// The same person in the organization's directory (directory sync), matched by the IdP's
    /// id (the directory user's `externalId` or `userName`), else by email; `null` when no
    /// directory knows them.
    #[serde(default)]
    pub directory_user_id: Option<String>,
    /// Whether the directory has them active; `inactive` means their IdP deprovisioned them
    /// (the app decides whether to let them in).
    #[serde(default)]
    pub directory_user_state: Option<crate::api::directory::DirectoryUserState>,
    /// Their groups in the directory.
    #[serde(default)]
    pub directory_groups: Vec<crate::api::directory::DirectoryGroupRef>,
    /// The app role their directory groups map to (or the default role).
    #[serde(default)]
    pub role: Option<String>,
}

/// `POST /sso/token`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct TokenResponse {
    /// The profile.
    pub profile: SsoProfile,
    /// True when the sign-in began at the IdP (its dashboard), not at the app.
    pub idp_initiated: bool,
}

/// An OAuth-style error body of `POST /sso/token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct TokenError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`, `slow_down`.
    pub error: String,
    /// A sentence for the developer.
    pub error_description: String,
}

/// Errors sent to the app's redirect URI (`?error=…&error_description=…&state=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignInError {
    /// A parameter is missing or wrong (e.g. an unsupported `code_challenge_method`).
    InvalidRequest,
    /// Nothing the request names leads to an active connection: the organization, the
    /// connection or the `login_hint`'s verified domain is unknown, or has no active connection.
    /// One code for all of them, so the public client id does not tell anyone which
    /// organizations or domains exist; Portico's log has the reason under the request id.
    ConnectionNotFound,
    /// The IdP refused, or its answer failed our checks (`error_description` says which).
    AccessDenied,
    /// The email is outside the organization's verified domains.
    EmailOutsideOrganizationDomains,
    /// The sign-in took too long, or its answer was used already.
    SignInExpired,
    /// Something broke on our side.
    ServerError,
}

impl SignInError {
    /// Every code, for the documentation.
    pub const ALL: [SignInError; 6] = [
        SignInError::InvalidRequest,
        SignInError::ConnectionNotFound,
        SignInError::AccessDenied,
        SignInError::EmailOutsideOrganizationDomains,
        SignInError::SignInExpired,
        SignInError::ServerError,
    ];

    /// The wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            SignInError::InvalidRequest => "invalid_request",
            SignInError::ConnectionNotFound => "connection_not_found",
            SignInError::AccessDenied => "access_denied",
            SignInError::EmailOutsideOrganizationDomains => "email_outside_organization_domains",
            SignInError::SignInExpired => "sign_in_expired",
            SignInError::ServerError => "server_error",
        }
    }
}

/// One production sign-in, for the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SignInRecord {
    /// `test_...` (sign-ins and tests share their ids' space).
    pub id: String,
    /// The connection.
    pub connection_id: String,
    /// When it started.
    pub started_at: Timestamp,
    /// When it finished.
    pub finished_at: Option<Timestamp>,
    /// Where it stands.
    pub outcome: crate::api::test_sign_in::TestOutcome,
    /// The failure code, if any.
    pub error_code: Option<String>,
    /// The profile's id on success.
    pub profile_id: Option<String>,
    /// Began at the IdP.
    pub idp_initiated: bool,
}

/// A connection's sign-ins, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SignInList {
    /// Newest first.
    pub data: Vec<SignInRecord>,
}
