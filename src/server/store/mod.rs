//! Storage behind one narrow interface: SQLite now, PostgreSQL later, handlers unchanged.
//!
//! Rows are plain structs; the store never interprets JSON columns.

mod directories;
mod rows;
mod sqlite;

pub use directories::*;

pub use rows::*;

pub use sqlite::SqliteStore;

use async_trait::async_trait;

impl TestRow {
    /// A new attempt waiting for the IdP's answer.
    pub fn pending(id: String, connection_id: &str, protocol: &str, now: i64) -> TestRow {
        TestRow {
            id,
            connection_id: connection_id.to_owned(),
            protocol: protocol.to_owned(),
            request_id: None,
            state_hash: None,
            secrets_enc: None,
            started_at: now,
            finished_at: None,
            outcome: "pending".into(),
            idp_initiated: false,
            error_code: None,
            result: None,
            config_version: None,
            login: None,
        }
    }
}

/// Why a store call failed.
#[derive(Debug)]
pub enum StoreError {
    /// A uniqueness constraint was violated; the name of the constraint or column.
    Conflict(String),
    /// Anything else: logged, never shown.
    Other(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict(c) => write!(f, "conflict on {c}"),
            StoreError::Other(e) => write!(f, "store error: {e}"),
        }
    }
}

/// Result of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the server stores. Scoping (environment, organization) is part of each call.
#[async_trait]
pub trait Store: DirectoryStore + Send + Sync {
    /// Creates an environment; `Conflict` if the name is taken.
    async fn create_environment(&self, env: &Environment) -> StoreResult<()>;
    /// Finds an environment by name.
    async fn environment_by_name(&self, name: &str) -> StoreResult<Option<Environment>>;
    /// All environments.
    async fn list_environments(&self) -> StoreResult<Vec<Environment>>;

    /// Stores a new API key.
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    /// The key with this hash, revoked or not.
    async fn api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    /// Keys of an environment.
    async fn list_api_keys(&self, environment_id: &str) -> StoreResult<Vec<ApiKey>>;
    /// Revokes a key by id or name; false if none matched.
    async fn revoke_api_key(
        &self,
        environment_id: &str,
        id_or_name: &str,
        now: i64,
    ) -> StoreResult<bool>;

    /// Creates an organization; `Conflict("external_id")` on a duplicate external id.
    ///
    /// A write that takes `events` appends them to the event log in its own transaction (the
    /// outbox, see `events`): both commit, or neither. A write that turns out to change
    /// nothing (no row matched) logs nothing.
    async fn insert_organization(
        &self,
        org: &OrganizationRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// Replaces an organization's fields; same conflicts as insert.
    async fn update_organization(
        &self,
        org: &OrganizationRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// An organization of the environment.
    async fn organization(
        &self,
        environment_id: &str,
        id: &str,
    ) -> StoreResult<Option<OrganizationRow>>;
    /// An organization of any environment, by id (for portal sessions).
    async fn organization_by_id(&self, id: &str) -> StoreResult<Option<OrganizationRow>>;
    /// Organizations of the environment, optionally filtered by external id.
    async fn list_organizations(
        &self,
        environment_id: &str,
        external_id: Option<&str>,
    ) -> StoreResult<Vec<OrganizationRow>>;
    /// Deletes an organization and everything it owns; false if none.
    async fn delete_organization(
        &self,
        environment_id: &str,
        id: &str,
        events: &[NewEvent],
    ) -> StoreResult<bool>;

    /// Stores a new portal link.
    async fn insert_link(&self, link: &LinkRow, events: &[NewEvent]) -> StoreResult<()>;
    /// Marks a link used, atomically, and says what was found; sessions that only held it
    /// (see [`Store::hold_link`]) are deleted. A link minted for a hostname other than `host`
    /// is `Unknown` and stays unused. `events` are logged only if the link was used.
    async fn redeem_link(
        &self,
        token_hash: &str,
        host: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<Redeemed>;
    /// A link by the hash of its token, as stored (used or not).
    async fn link(&self, token_hash: &str) -> StoreResult<Option<LinkRow>>;

    /// Stores a new session.
    async fn insert_session(&self, session: &SessionRow) -> StoreResult<()>;
    /// A session by the hash of its cookie.
    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRow>>;
    /// Records activity.
    async fn touch_session(&self, id_hash: &str, now: i64) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
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
    /// response) are inserted finished with [`Store::insert_test`] and recorded here too.
    async fn finish_test(&self, test: &TestRow, events: &[NewEvent]) -> StoreResult<bool>;
    /// A connection's tests, newest first (production sign-ins are not tests).
    async fn list_tests(&self, connection_id: &str, limit: i64) -> StoreResult<Vec<TestRow>>;
    /// A connection's production sign-ins, newest first.
    async fn list_sign_ins(&self, connection_id: &str, limit: i64) -> StoreResult<Vec<TestRow>>;
    /// Records a production sign-in's result (the connection's last test is untouched); false
    /// if it was no longer pending.
    async fn finish_sign_in(&self, attempt: &TestRow, events: &[NewEvent]) -> StoreResult<bool>;

    /// Adds a client secret.
    async fn insert_client_secret(&self, s: &ClientSecretRow) -> StoreResult<()>;
    /// An environment's client secrets, oldest first, revoked ones included.
    async fn list_client_secrets(&self, environment_id: &str) -> StoreResult<Vec<ClientSecretRow>>;
    /// Revokes one; false if it was not live.
    async fn revoke_client_secret(
        &self,
        environment_id: &str,
        id: &str,
        now: i64,
    ) -> StoreResult<bool>;
    /// An environment's redirect URIs, oldest first.
    async fn list_redirect_uris(&self, environment_id: &str) -> StoreResult<Vec<RedirectUriRow>>;
    /// Replaces them all at once.
    async fn set_redirect_uris(
        &self,
        environment_id: &str,
        uris: &[RedirectUriRow],
    ) -> StoreResult<()>;
    /// Stores a new authorization code.
    async fn insert_code(&self, c: &CodeRow) -> StoreResult<()>;
    /// Marks a code used, atomically: a code works once, before it expires.
    async fn redeem_code(&self, code_hash: &str, now: i64) -> StoreResult<CodeRedeemed>;
    /// A code as stored, used or not, without marking it: the token endpoint checks who asks
    /// before it spends the code.
    async fn code(&self, code_hash: &str) -> StoreResult<Option<CodeRow>>;
    /// Remembers an accepted assertion ID; false if it was seen before (a replay).
    async fn use_assertion(
        &self,
        connection_id: &str,
        assertion_id: &str,
        expires_at: i64,
    ) -> StoreResult<bool>;
    /// The environment's custom profile attributes, as JSON.
    async fn custom_attributes(&self, environment_id: &str) -> StoreResult<String>;
    /// Replaces them.
    async fn set_custom_attributes(&self, environment_id: &str, json: &str) -> StoreResult<()>;

    /// Adds a domain; `Conflict` if the organization has it already.
    async fn insert_domain(&self, d: &DomainRow, events: &[NewEvent]) -> StoreResult<()>;
    /// A domain by id (callers check the organization).
    async fn domain(&self, id: &str) -> StoreResult<Option<DomainRow>>;
    /// An organization's domains, oldest first.
    async fn list_domains(&self, organization_id: &str) -> StoreResult<Vec<DomainRow>>;
    /// Stores a domain's state and schedule; `Conflict` if verifying it would make it verified
    /// twice in the environment.
    async fn update_domain(&self, d: &DomainRow, events: &[NewEvent]) -> StoreResult<()>;
    /// Removes a domain.
    async fn delete_domain(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool>;
    /// Claims up to `limit` domains due at `now`: their next check moves to `lease_until` in
    /// the same statement, so no other worker (or a restarted process) takes them meanwhile.
    async fn claim_due_domains(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DomainRow>>;
    /// The organization that verified `domain` in the environment, if one did.
    async fn domain_verified_by(
        &self,
        environment_id: &str,
        domain: &str,
    ) -> StoreResult<Option<String>>;
    /// Adds a custom hostname; `Conflict` if any environment has it already.
    async fn insert_custom_domain(&self, d: &CustomDomainRow) -> StoreResult<()>;
    /// A custom hostname by id (callers check the environment).
    async fn custom_domain(&self, id: &str) -> StoreResult<Option<CustomDomainRow>>;
    /// A custom hostname by its name (ASCII, lowercase).
    async fn custom_domain_by_hostname(
        &self,
        hostname: &str,
    ) -> StoreResult<Option<CustomDomainRow>>;
    /// An environment's custom hostnames, oldest first.
    async fn list_custom_domains(&self, environment_id: &str) -> StoreResult<Vec<CustomDomainRow>>;
    /// Stores a custom hostname's state and schedule.
    async fn update_custom_domain(
        &self,
        d: &CustomDomainRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// Removes a custom hostname.
    async fn delete_custom_domain(&self, id: &str) -> StoreResult<bool>;
    /// Claims up to `limit` custom hostnames due at `now` (see [`Store::claim_due_domains`]).
    async fn claim_due_custom_domains(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<CustomDomainRow>>;
    /// An environment's settings, as JSON.
    async fn environment_settings(&self, environment_id: &str) -> StoreResult<String>;
    /// Replaces them.
    async fn set_environment_settings(&self, environment_id: &str, json: &str) -> StoreResult<()>;

    /// The environment's theme (JSON), if it has one.
    async fn environment_theme(&self, environment_id: &str) -> StoreResult<Option<String>>;
    /// Sets or clears it.
    async fn set_environment_theme(
        &self,
        environment_id: &str,
        json: Option<&str>,
    ) -> StoreResult<()>;
    /// An organization's own theme (JSON), if it has one.
    async fn organization_theme(&self, organization_id: &str) -> StoreResult<Option<String>>;
    /// Sets or clears it.
    async fn set_organization_theme(
        &self,
        organization_id: &str,
        json: Option<&str>,
    ) -> StoreResult<()>;

    /// Keeps an uploaded file (the same bytes twice are one row).
    async fn insert_asset(&self, a: &AssetRow) -> StoreResult<()>;
    /// An uploaded file by id, any environment (they are public once referenced).
    async fn asset(&self, id: &str) -> StoreResult<Option<AssetRow>>;

    /// The environment's embedding settings (defaults for an unknown environment).
    async fn embedding(&self, environment_id: &str) -> StoreResult<EmbeddingRow>;
    /// Replaces them.
    async fn set_embedding(&self, environment_id: &str, row: &EmbeddingRow) -> StoreResult<()>;
    /// Checks a link as [`Store::redeem_link`] does, but leaves it unused, for a session that
    /// will hold it ([`SessionRow::held_link`]); sessions already holding it are deleted, so
    /// a link has one holder at a time.
    async fn hold_link(&self, token_hash: &str, host: &str, now: i64) -> StoreResult<Redeemed>;
    /// Uses up the link a session holds, now that its cookie came back; false if the link was
    /// used meanwhile (the session must then end). Clears the session's hold either way.
    /// `events` are logged only if the link was used here.
    async fn use_held_link(
        &self,
        id_hash: &str,
        token_hash: &str,
        now: i64,
        events: &[NewEvent],
    ) -> StoreResult<bool>;

    /// Records certificate changes.
    async fn insert_cert_events(&self, events: &[CertEventRow]) -> StoreResult<()>;
    /// A connection's certificate history, oldest first.
    async fn cert_events(&self, connection_id: &str) -> StoreResult<Vec<CertEventRow>>;

    /// Records where the server now starting serves, replacing the previous record.
    async fn set_server_address(&self, row: &ServerAddressRow) -> StoreResult<()>;
    /// Where the server last started with this database serves, if one ever did.
    async fn server_address(&self) -> StoreResult<Option<ServerAddressRow>>;

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
    /// An event by its place in the log, any environment.
    async fn event_by_seq(&self, seq: i64) -> StoreResult<Option<EventRow>>;
    /// Deletes finished (delivered or dead) deliveries created before `before`, with their
    /// attempts; returns how many went.
    async fn purge_webhook_deliveries(&self, before: i64) -> StoreResult<u64>;
}
