//! Webhook endpoints, deliveries, attempts.

use super::*;
use async_trait::async_trait;

/// Webhook endpoints, their deliveries and each delivery's attempts.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Stores a new webhook endpoint.
    async fn insert_webhook_endpoint(&self, e: &WebhookEndpointRow) -> StoreResult<()>;
    /// A webhook endpoint by id (callers check the environment).
    async fn webhook_endpoint(&self, id: &str) -> StoreResult<Option<WebhookEndpointRow>>;
    /// An environment's webhook endpoints, oldest first.
    async fn list_webhook_endpoints(
        &self,
        environment_id: &str,
    ) -> StoreResult<Vec<WebhookEndpointRow>>;
    /// Writes the columns `change` names from `e`, appending `events` in the same transaction
    /// (an endpoint disabled for failing logs `webhook_endpoint.disabled`); false if it is gone
    /// (or, for [`EndpointChange::DisabledForFailing`], no longer enabled and failing).
    async fn update_webhook_endpoint(
        &self,
        e: &WebhookEndpointRow,
        change: EndpointChange,
        events: &[NewEvent],
    ) -> StoreResult<bool>;
    /// Deletes an endpoint with its deliveries and their attempts; false if none.
    async fn delete_webhook_endpoint(&self, id: &str) -> StoreResult<bool>;
    /// Claims up to `limit` deliveries due at `now`, at most one per endpoint and only the
    /// endpoint's oldest open one (so an endpoint's deliveries go in creation order, and a
    /// newer one never overtakes an older one waiting to be retried). Their next attempt moves
    /// to `lease_until` in the same statement, so no other worker (or a restarted process)
    /// sends them meanwhile. Only enabled endpoints' deliveries are claimed.
    async fn claim_webhook_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryRow>>;
    /// Stores a delivery's state after an attempt and the attempt itself, and updates its
    /// endpoint's `failing_since` (cleared by a success, set by the first failure), atomically.
    async fn record_webhook_attempt(
        &self,
        d: &WebhookDeliveryRow,
        attempt: &WebhookAttemptRow,
        succeeded: bool,
    ) -> StoreResult<()>;
    /// A delivery by id (callers check the endpoint).
    async fn webhook_delivery(&self, id: &str) -> StoreResult<Option<WebhookDeliveryRow>>;
    /// An endpoint's deliveries, newest first; only those older than `before_seq` if given.
    async fn list_webhook_deliveries(
        &self,
        endpoint_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryRow>>;
    /// A delivery's attempts, oldest first.
    async fn webhook_attempts(&self, delivery_id: &str) -> StoreResult<Vec<WebhookAttemptRow>>;
    /// Queues a delivery again, due at `now`, with a fresh retry schedule; false if none.
    async fn retry_webhook_delivery(&self, id: &str, now: i64) -> StoreResult<bool>;
    /// Deletes finished (delivered or dead) deliveries created before `before`, with their
    /// attempts; returns how many went.
    async fn purge_webhook_deliveries(&self, before: i64) -> StoreResult<u64>;
}
