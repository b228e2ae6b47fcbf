//! The rows the store reads and writes: plain structs, JSON columns left as text.

/// An environment (e.g. staging, production): everything else belongs to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `env_...`
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// An API key; only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// `key_...`
    pub id: String,
    /// Owning environment.
    pub environment_id: String,
    /// Label.
    pub name: String,
    /// SHA-256 of the key.
    pub key_hash: String,
    /// The first characters, to recognise it in lists.
    pub key_prefix: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, once revoked.
    pub revoked_at: Option<i64>,
}

/// An organization row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRow {
    /// `org_...`
    pub id: String,
    /// Owning environment.
    pub environment_id: String,
    /// Display name.
    pub name: String,
    /// Vendor's id.
    pub external_id: Option<String>,
    /// JSON array of domains.
    pub domains: Vec<String>,
    /// Accept profiles whose email is outside the organization's verified domains.
    pub allow_profiles_outside_organization: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A portal link row; the token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// SHA-256 of the token.
    pub token_hash: String,
    /// Organization.
    pub organization_id: String,
    /// Wire name of the intent.
    pub intent: String,
    /// "Back to vendor".
    pub return_url: Option<String>,
    /// After completion.
    pub success_url: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds, once redeemed.
    pub used_at: Option<i64>,
    /// The hostname it was minted for; it redeems there only.
    pub host: Option<String>,
}

/// What redeeming a link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The link was valid and is now used.
    Ok(LinkRow),
    /// No such link.
    Unknown,
    /// Past its expiry.
    Expired,
    /// Redeemed before.
    Used,
}

/// A portal session row; the cookie value is stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the cookie value.
    pub id_hash: String,
    /// Organization.
    pub organization_id: String,
    /// Wire names of intents, comma separated.
    pub intents: String,
    /// CSRF token for state-changing calls.
    pub csrf_token: String,
    /// From the link.
    pub return_url: Option<String>,
    /// From the link.
    pub success_url: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last request.
    pub last_seen_at: i64,
    /// Absolute end, unix seconds.
    pub expires_at: i64,
    /// The hostname the session was started on; it works there only.
    pub host: Option<String>,
    /// The hash of the link this session holds but has not used up yet: set when the link was
    /// redeemed from inside a frame, cleared by the first request that carries the cookie.
    pub held_link: Option<String>,
}

/// An environment's embedding settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddingRow {
    /// Allowed parent origins, a JSON list of strings.
    pub allowed_origins: String,
    /// Partitioned (CHIPS) session cookies.
    pub partitioned_cookies: bool,
}

/// A connection row.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionRow {
    /// `conn_...`
    pub id: String,
    /// Organization.
    pub organization_id: String,
    /// Catalog key.
    pub idp: String,
    /// `saml` or `oidc`.
    pub protocol: String,
    /// `draft` or `configured`.
    pub state: String,
    /// JSON of the accepted IdP details, once given.
    pub config: Option<String>,
    /// Encrypted OIDC client secret.
    pub client_secret_enc: Option<Vec<u8>>,
    /// JSON of the admin's unsaved input.
    pub draft: String,
    /// JSON of the attribute mapping; `None` until set (the catalog's defaults apply).
    pub attribute_mapping: Option<String>,
    /// JSON of the vendor's switches (`ConnectionOptions`).
    pub options: String,
    /// Our SP private key for this connection (PEM), encrypted; decrypts encrypted assertions.
    pub sp_key_enc: Option<Vec<u8>>,
    /// The certificate of that key (PEM), published in our SP metadata.
    pub sp_certificate: Option<String>,
    /// Counts changes to the IdP details (not mapping or options).
    pub config_version: i64,
    /// The last finished test.
    pub last_test_id: Option<String>,
    /// Unix seconds it finished.
    pub last_tested_at: Option<i64>,
    /// `success` or `failure`.
    pub last_test_result: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// The base URL its SP values were issued under (`None`: the public URL).
    pub base_url: Option<String>,
}

impl ConnectionRow {
    /// The connection's protocol. Rows are created from the catalog, which has only the two
    /// protocols, so an unreadable value (never written) reads as SAML.
    pub fn protocol(&self) -> crate::api::protocol::Protocol {
        use crate::api::protocol::Protocol;
        Protocol::parse(&self.protocol).unwrap_or(Protocol::Saml)
    }

    /// A new draft connection with nothing configured.
    pub fn new_draft(
        id: String,
        organization_id: String,
        idp: &str,
        protocol: &str,
        now: i64,
    ) -> ConnectionRow {
        ConnectionRow {
            id,
            organization_id,
            idp: idp.to_owned(),
            protocol: protocol.to_owned(),
            state: "draft".to_owned(),
            config: None,
            client_secret_enc: None,
            draft: "{}".to_owned(),
            attribute_mapping: None,
            options: "{}".to_owned(),
            sp_key_enc: None,
            sp_certificate: None,
            config_version: 0,
            last_test_id: None,
            last_tested_at: None,
            last_test_result: None,
            created_at: now,
            updated_at: now,
            base_url: None,
        }
    }
}

/// One test sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRow {
    /// `test_...`
    pub id: String,
    /// The connection tested.
    pub connection_id: String,
    /// `saml` or `oidc`.
    pub protocol: String,
    /// SAML: the AuthnRequest ID we sent.
    pub request_id: Option<String>,
    /// SHA-256 of the RelayState / state that brings the answer back; cleared once used.
    pub state_hash: Option<String>,
    /// OIDC: nonce and PKCE verifier, encrypted.
    pub secrets_enc: Option<Vec<u8>>,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds.
    pub finished_at: Option<i64>,
    /// `pending`, `success` or `failure`.
    pub outcome: String,
    /// The IdP sent a response we did not ask for.
    pub idp_initiated: bool,
    /// The failure code, if any.
    pub error_code: Option<String>,
    /// JSON of the result (see `server::signin`).
    pub result: Option<String>,
    /// The connection's `config_version` the answer was checked against.
    pub config_version: Option<i64>,
    /// For a production sign-in, the vendor app's request (JSON); `None` for a test.
    pub login: Option<String>,
}

/// A domain an organization is proving it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    /// `dom_...`
    pub id: String,
    /// Organization.
    pub organization_id: String,
    /// Its environment (a domain is verified once per environment).
    pub environment_id: String,
    /// ASCII, lowercase.
    pub domain: String,
    /// The TXT record's full name.
    pub record_name: String,
    /// The TXT record's value.
    pub record_value: String,
    /// `pending`, `verified` or `failed`.
    pub state: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds after which a pending domain fails.
    pub fails_at: Option<i64>,
    /// Unix seconds.
    pub last_checked_at: Option<i64>,
    /// JSON of the last `CheckResult`.
    pub last_result: Option<String>,
    /// Unix seconds of the next automatic check.
    pub next_check_at: Option<i64>,
    /// Checks since the state last changed.
    pub attempts: i64,
    /// Unix seconds.
    pub verified_at: Option<i64>,
    /// `dns` or `manual`.
    pub verification_method: Option<String>,
    /// Who marked it, for `manual`.
    pub verified_by: Option<String>,
    /// Unix seconds our record was last seen.
    pub record_last_seen_at: Option<i64>,
    /// A verified domain's record went missing.
    pub warning: Option<String>,
}

/// An uploaded theme file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// Content hash and extension, e.g. `3f9c…a1.svg`.
    pub id: String,
    /// Owning environment.
    pub environment_id: String,
    /// `logo`, `favicon` or `font`.
    pub kind: String,
    /// What it is served as.
    pub content_type: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Unix seconds.
    pub created_at: i64,
}

/// The schedule for re-reading a connection's metadata URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRow {
    /// The connection.
    pub connection_id: String,
    /// Where its metadata is published.
    pub metadata_url: String,
    /// Unix seconds of the next check.
    pub next_at: i64,
    /// Consecutive failed checks.
    pub failures: i64,
    /// Unix seconds of the last check, if any.
    pub last_checked_at: Option<i64>,
    /// What went wrong last time, if it did.
    pub last_error: Option<String>,
}

/// A signing certificate that appeared in or disappeared from a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertEventRow {
    /// The connection.
    pub connection_id: String,
    /// Unix seconds.
    pub at: i64,
    /// `added` or `removed`.
    pub kind: String,
    /// The certificate.
    pub sha256_fingerprint: String,
    /// Its subject.
    pub subject: String,
    /// Its expiry, unix seconds.
    pub not_after: i64,
}

/// A custom hostname of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomDomainRow {
    /// `host_...`
    pub id: String,
    /// Environment.
    pub environment_id: String,
    /// ASCII, lowercase, no port.
    pub hostname: String,
    /// `pending` or `active`.
    pub state: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub last_checked_at: Option<i64>,
    /// JSON of the last check's result.
    pub last_result: Option<String>,
    /// Unix seconds of the next automatic check.
    pub next_check_at: Option<i64>,
    /// Checks since the last change of state, for the backoff.
    pub attempts: i64,
    /// Unix seconds.
    pub activated_at: Option<i64>,
    /// Set on an active hostname whose record has since changed: it stays active.
    pub warning: Option<String>,
}

/// A client secret of an environment (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecretRow {
    /// `cs_...`
    pub id: String,
    /// Environment.
    pub environment_id: String,
    /// SHA-256 of the secret.
    pub secret_hash: String,
    /// The first characters, to tell secrets apart.
    pub prefix: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, once revoked.
    pub revoked_at: Option<i64>,
}

/// A registered redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUriRow {
    /// Environment.
    pub environment_id: String,
    /// The URI, matched exactly.
    pub uri: String,
    /// The one used when a request names none (and for IdP-initiated sign-ins).
    pub is_default: bool,
    /// Unix seconds.
    pub created_at: i64,
}

/// A one-time authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// SHA-256 of the code.
    pub code_hash: String,
    /// Environment.
    pub environment_id: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The redirect URI it was sent to.
    pub redirect_uri: String,
    /// PKCE S256 challenge, when the app sent one.
    pub code_challenge: Option<String>,
    /// JSON of what the token endpoint returns.
    pub grant: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds, once redeemed.
    pub used_at: Option<i64>,
}

/// What redeeming a code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRedeemed {
    /// First use: the code, now marked used.
    Ok(CodeRow),
    /// Unknown, already used or expired (the caller does not say which to the client).
    Invalid(&'static str),
}

/// Where the server last started with this database serves, for commands run beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddressRow {
    /// Its base URL, without a trailing slash.
    pub public_url: String,
    /// Whether that URL was configured rather than derived from the listen address.
    pub public_url_configured: bool,
    /// Unix seconds.
    pub started_at: i64,
}

/// An event to append to the log, with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// `evt_...`
    pub id: String,
    /// The environment it happened in.
    pub environment_id: String,
    /// Its type's wire name (`connection.activated`).
    pub event_type: String,
    /// The organization it concerns, if any.
    pub organization_id: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// The resource as the vendor API returns it, JSON.
    pub data: String,
}

/// An event as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Its place in the log: increases with every commit, never reused.
    pub seq: i64,
    /// `evt_...`
    pub id: String,
    /// The environment it happened in.
    pub environment_id: String,
    /// That environment's name (empty if it no longer exists).
    pub environment_name: String,
    /// Its type's wire name.
    pub event_type: String,
    /// The organization it concerns, if any.
    pub organization_id: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// JSON.
    pub data: String,
}

/// Which events [`EventStore::events_after`](super::EventStore::events_after) returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this environment's; `None` for every environment (background delivery).
    pub environment_id: Option<String>,
    /// Only events after this place in the log (0: from the start).
    pub after_seq: i64,
    /// Only these types (wire names); empty for all.
    pub types: Vec<String>,
    /// Only this organization's.
    pub organization_id: Option<String>,
    /// At most this many.
    pub limit: i64,
}

/// Which of an endpoint's columns a write changes. Each action writes only its own, so actions
/// that overlap (a PATCH, a secret rotation, the worker disabling a failing endpoint, the CLI in
/// another process) never put back what another one just changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointChange {
    /// url, events, enabled, description; `reenabled` also clears why it was disabled and its
    /// failure streak.
    Settings {
        /// The write turns a disabled endpoint back on.
        reenabled: bool,
    },
    /// The secret and the previous one with its expiry.
    Secret,
    /// Disabled for failing, with the reason: only if it is still enabled and still failing
    /// (the vendor may have re-enabled it meanwhile).
    DisabledForFailing,
}

/// A webhook endpoint of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpointRow {
    /// `we_...`
    pub id: String,
    /// Its environment.
    pub environment_id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// JSON array of event type names, or `["*"]`.
    pub events: String,
    /// Whether new events are queued and sent.
    pub enabled: bool,
    /// The vendor's note.
    pub description: String,
    /// The signing secret, sealed.
    pub secret_enc: Vec<u8>,
    /// The secret before the last rotation, sealed, while it is still signed with.
    pub previous_secret_enc: Option<Vec<u8>>,
    /// Unix seconds when the previous secret stops being signed with.
    pub previous_secret_expires_at: Option<i64>,
    /// Why it was disabled automatically.
    pub disabled_reason: Option<String>,
    /// Unix seconds since every attempt failed.
    pub failing_since: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// One event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDeliveryRow {
    /// Creation order.
    pub seq: i64,
    /// `whd_...`
    pub id: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// The event's place in the log.
    pub event_seq: i64,
    /// `evt_...`
    pub event_id: String,
    /// The event's type name.
    pub event_type: String,
    /// `pending`, `failed`, `delivered` or `dead`.
    pub status: String,
    /// Attempts made in all.
    pub attempts: i64,
    /// Failures in a row (since the last manual retry).
    pub failures: i64,
    /// Unix seconds of the next attempt, while open.
    pub next_attempt_at: Option<i64>,
    /// The last answer's status code.
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub delivered_at: Option<i64>,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttemptRow {
    /// The delivery.
    pub delivery_id: String,
    /// Unix seconds.
    pub at: i64,
    /// The answer's status code, if there was an answer.
    pub status_code: Option<i64>,
    /// How long the attempt took.
    pub latency_ms: i64,
    /// Why it failed.
    pub error: Option<String>,
}
