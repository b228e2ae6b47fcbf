//! The event log, certificate expiry notices, purges.

use super::*;
use async_trait::async_trait;

/// The event log, certificate expiry notices, and the purges the clean-up job runs.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Deletes sessions idle since before `idle_before` or past their lifetime, links that
    /// expired before `links_before`, and expired assertion IDs and authorization codes;
    /// returns how many rows went.
    async fn purge_expired(
        &self,
        now: i64,
        idle_before: i64,
        links_before: i64,
    ) -> StoreResult<u64>;
    /// Deletes test sign-ins and sign-in log entries that started before `finished_before`,
    /// and attempts nobody answered that started before `abandoned_before`; a connection's
    /// last test stays (activation reads it). Returns how many rows went.
    async fn purge_history(&self, finished_before: i64, abandoned_before: i64) -> StoreResult<u64>;

    /// Appends events in one transaction of their own. A change that causes events passes
    /// them to its own write instead, which appends them in the change's transaction (the
    /// outbox): this is for callers whose change is already an event alone.
    async fn append_events(&self, events: &[NewEvent]) -> StoreResult<()>;
    /// Events matching `filter`, in log order (oldest first). Log order is commit order, so
    /// a reader that pages with the last `seq` it saw sees every event exactly once, even
    /// while others write.
    async fn events_after(&self, filter: &EventFilter) -> StoreResult<Vec<EventRow>>;
    /// An organization's latest events of these types (wire names), newest first: what the
    /// portal shows as a resource's recent activity.
    async fn recent_events(
        &self,
        organization_id: &str,
        types: &[&str],
        limit: i64,
    ) -> StoreResult<Vec<EventRow>>;
    /// The place in the log of an environment's event, by id (a cursor); `None` if the
    /// environment has no such event (never was, or purged).
    async fn event_seq(&self, environment_id: &str, id: &str) -> StoreResult<Option<i64>>;
    /// Remembers that the `days`-before-expiry warning for a connection's certificate was sent,
    /// logging `events` with it; false (and nothing logged) if it was sent before.
    async fn record_expiry_notice(
        &self,
        connection_id: &str,
        sha256_fingerprint: &str,
        days: i64,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool>;
    /// Deletes the events created before `before`, from the start of the log up to the first
    /// one created since (the log is in time order; one logged under a clock that went back
    /// waits for the events before it); returns how many went.
    async fn purge_events(&self, before: i64) -> StoreResult<u64>;
    /// An event by its place in the log, any environment.
    async fn event_by_seq(&self, seq: i64) -> StoreResult<Option<EventRow>>;
}
