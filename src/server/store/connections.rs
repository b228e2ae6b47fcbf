//! Connections, drafts, metadata refresh schedules, test sign-ins and sign-ins, assertion replay,
//! certificate events.

use super::*;
use async_trait::async_trait;

/// Connections and what happens to them: drafts, metadata refresh schedules, test sign-ins and
/// production sign-ins (with SAML assertion replay), certificate events.
#[async_trait]
pub trait ConnectionStore: Send + Sync {
    /// Stores a new connection.
    async fn insert_connection(&self, conn: &ConnectionRow, events: &[NewEvent])
        -> StoreResult<()>;
    /// Replaces a connection's state, configuration and secret (not its draft, which the
    /// admin's browser saves on its own schedule and must not overwrite a configuration).
    async fn update_connection(&self, conn: &ConnectionRow, events: &[NewEvent])
        -> StoreResult<()>;
    /// Deletes a connection and everything it owns; false if there was none.
    async fn delete_connection(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool>;
    /// Replaces only a connection's draft.
    async fn update_draft(&self, id: &str, draft: &str, now: i64) -> StoreResult<()>;
    /// A connection by id (callers check the organization).
    async fn connection(&self, id: &str) -> StoreResult<Option<ConnectionRow>>;
    /// Connections of an organization, newest first.
    async fn list_connections(&self, organization_id: &str) -> StoreResult<Vec<ConnectionRow>>;

    /// Creates or replaces a connection's refresh schedule.
    async fn upsert_refresh(&self, row: &RefreshRow) -> StoreResult<()>;
    /// Removes it (the connection no longer comes from a URL).
    async fn delete_refresh(&self, connection_id: &str) -> StoreResult<()>;
    /// A connection's refresh schedule.
    async fn refresh(&self, connection_id: &str) -> StoreResult<Option<RefreshRow>>;
    /// Schedules due at `now`, oldest first.
    async fn due_refreshes(&self, now: i64, limit: i64) -> StoreResult<Vec<RefreshRow>>;
    /// Stores a new test attempt.
    async fn insert_test(&self, test: &TestRow) -> StoreResult<()>;
    /// Records the request a pending test sent (a new one each time the browser starts it).
    async fn set_test_request(
        &self,
        id: &str,
        request_id: &str,
        state_hash: &str,
    ) -> StoreResult<()>;
    /// A test by id (callers check the connection).
    async fn test(&self, id: &str) -> StoreResult<Option<TestRow>>;
    /// The pending test a RelayState / state belongs to.
    async fn test_by_state(&self, state_hash: &str) -> StoreResult<Option<TestRow>>;
    /// Records a test's result and makes it the connection's last test, atomically. Only a
    /// pending test can finish (its state is cleared, so an answer is used once); returns
    /// false if it had already finished. Tests that were never pending (an IdP-initiated
    /// response) are inserted finished with [`ConnectionStore::insert_test`] and recorded here too.
    async fn finish_test(&self, test: &TestRow, events: &[NewEvent]) -> StoreResult<bool>;
    /// A connection's tests, newest first (production sign-ins are not tests).
    async fn list_tests(&self, connection_id: &str, limit: i64) -> StoreResult<Vec<TestRow>>;
    /// A connection's production sign-ins, newest first.
    async fn list_sign_ins(&self, connection_id: &str, limit: i64) -> StoreResult<Vec<TestRow>>;
    /// Records a production sign-in's result (the connection's last test is untouched); false
    /// if it was no longer pending.
    async fn finish_sign_in(&self, attempt: &TestRow, events: &[NewEvent]) -> StoreResult<bool>;
    /// Remembers an accepted assertion ID; false if it was seen before (a replay).
    async fn use_assertion(
        &self,
        connection_id: &str,
        assertion_id: &str,
        expires_at: i64,
    ) -> StoreResult<bool>;

    /// Records certificate changes.
    async fn insert_cert_events(&self, events: &[CertEventRow]) -> StoreResult<()>;
    /// A connection's certificate history, oldest first.
    async fn cert_events(&self, connection_id: &str) -> StoreResult<Vec<CertEventRow>>;
}
