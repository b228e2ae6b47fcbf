//! Webhook endpoints and their deliveries (`/api/v1/webhook_endpoints`): where Portico POSTs
//! each event of the log, signed per the Standard Webhooks specification.

#[cfg(feature = "server")]
use crate::api::contract as rule;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Longest endpoint URL accepted.
pub const WEBHOOK_URL_MAX_LEN: usize = 2048;
/// Longest description accepted, in characters.
pub const WEBHOOK_DESCRIPTION_MAX_LEN: usize = 500;
/// Most entries in `events`.
pub const WEBHOOK_EVENTS_MAX: usize = 64;

/// An endpoint: where events are sent, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WebhookEndpoint {
    /// `we_...`
    pub id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// Event type names it receives, or `["*"]` for every type.
    pub events: Vec<String>,
    /// Whether events are sent to it. New events are not queued for a disabled endpoint;
    /// those already queued wait and go when it is enabled again.
    pub enabled: bool,
    /// The vendor's note.
    pub description: String,
    /// Why Portico disabled it (it kept failing), if it did.
    pub disabled_reason: Option<String>,
    /// Since when every delivery attempt failed; `null` while it answers.
    pub failing_since: Option<Timestamp>,
    /// Until when the secret before the last rotation is still signed with.
    pub previous_secret_expires_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// An endpoint with its signing secret: the answer to creating one (the secret is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CreatedWebhookEndpoint {
    /// The endpoint.
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// `whsec_` and the base64 of the key: give it to a Standard Webhooks library as it is.
    pub secret: String,
}

/// A new signing secret (`POST …/rotate_secret`); the one before stays valid until
/// `previous_secret_expires_at`, and deliveries carry a signature by each meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RotatedWebhookSecret {
    /// The new secret, shown once.
    pub secret: String,
    /// Until when the previous secret is signed with too.
    pub previous_secret_expires_at: Timestamp,
}

/// `POST /api/v1/webhook_endpoints`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpoint {
    /// `https://…`; `http://` only to loopback or a host the operator allow-listed.
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::WEB_URL), length(max = 2048)))]
    pub url: String,
    /// Event type names, or `["*"]` (the default) for every type.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(length(min = 1, max = 64)))]
    pub events: Option<Vec<EventSelector>>,
    /// Defaults to true.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// A note for the vendor.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::DESCRIPTION), length(max = 500)))]
    pub description: Option<String>,
}

/// `PATCH /api/v1/webhook_endpoints/{id}`: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookEndpoint {
    /// As on creation.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::WEB_URL), length(max = 2048)))]
    pub url: Option<String>,
    /// As on creation.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(length(min = 1, max = 64)))]
    pub events: Option<Vec<EventSelector>>,
    /// Enabling clears `disabled_reason` and `failing_since`.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// As on creation.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::DESCRIPTION), length(max = 500)))]
    pub description: Option<String>,
}

/// An entry of `events`: an event type's name, or `*` for all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventSelector(pub String);

#[cfg(feature = "server")]
impl schemars::JsonSchema for EventSelector {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EventSelector".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut names: Vec<&str> = vec!["*"];
        names.extend(crate::api::event::EventType::ALL.iter().map(|t| t.as_str()));
        schemars::json_schema!({
            "type": "string",
            "enum": names,
            "description": "An event type's name, or `*` for every type."
        })
    }
}

/// The endpoints of an environment, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WebhookEndpointList {
    /// Oldest first.
    pub data: Vec<WebhookEndpoint>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not tried yet (or queued again by a retry).
    Pending,
    /// The last attempt failed; the next is at `next_attempt_at`.
    Failed,
    /// The receiver answered 2xx.
    Delivered,
    /// Every retry failed; no further attempt unless retried by hand.
    Dead,
}

/// One attempt to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WebhookAttempt {
    /// When the attempt was made.
    pub at: Timestamp,
    /// The receiver's status code, if it answered.
    pub status_code: Option<i64>,
    /// How long the attempt took.
    pub latency_ms: i64,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// One event sent to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WebhookDelivery {
    /// `whd_...`
    pub id: String,
    /// The event (`evt_...`), also the `webhook-id` header: the same on every attempt.
    pub event_id: String,
    /// The event's type.
    pub event_type: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due, while pending or failed.
    pub next_attempt_at: Option<Timestamp>,
    /// The last answer's status code.
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was delivered.
    pub delivered_at: Option<Timestamp>,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<WebhookAttempt>,
}

/// An endpoint's deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WebhookDeliveryList {
    /// Newest first.
    pub data: Vec<WebhookDelivery>,
    /// True if older deliveries exist: pass the last id as `before`.
    pub has_more: bool,
}

/// What a test message (`POST …/{id}/test`) got back. A test is sent at once, signed like
/// every delivery, with `"type": "webhook.test"`; it is not an event of the log and is not
/// retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WebhookTestResult {
    /// True if the receiver answered 2xx.
    pub delivered: bool,
    /// The `webhook-id` sent (`msg_...`).
    pub webhook_id: String,
    /// The receiver's status code, if it answered.
    pub status_code: Option<i64>,
    /// How long it took.
    pub latency_ms: i64,
    /// Why it failed, if it did.
    pub error: Option<String>,
}
