-- Webhook delivery (issue 16 §2).
--
-- Fan-out happens in the event's own statement: a trigger on `events` inserts a delivery for
-- every enabled endpoint of the environment that wants the type. So an event commits with its
-- deliveries or not at all, whichever write appended it, and a crash between "event written"
-- and "delivery queued" cannot happen. (A cursor per endpoint over the log would have to
-- survive retention purges and endpoint edits; a row per delivery is also where each
-- delivery's attempts and state live. In SQL rather than in the store's code, the fan-out costs
-- no extra round trip per event: with no endpoint it is one indexed lookup.)
CREATE TABLE webhook_endpoints (
    id                            TEXT PRIMARY KEY,
    environment_id                TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    url                           TEXT NOT NULL,
    -- JSON array of event type names, or ["*"] for every type.
    events                        TEXT NOT NULL,
    enabled                       INTEGER NOT NULL DEFAULT 1,
    description                   TEXT NOT NULL DEFAULT '',
    -- The signing secret (`whsec_…`), sealed with the server key.
    secret_enc                    BLOB NOT NULL,
    -- The secret before the last rotation, still signed with until it expires.
    previous_secret_enc           BLOB,
    previous_secret_expires_at    INTEGER,
    -- Why the endpoint was disabled automatically (NULL when enabled, or disabled by hand).
    disabled_reason               TEXT,
    -- Since when every attempt failed (NULL after a success).
    failing_since                 INTEGER,
    created_at                    INTEGER NOT NULL,
    updated_at                    INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_environment ON webhook_endpoints (environment_id, enabled);

-- One event to one endpoint. `seq` is creation order (a rowid: always above every row that
-- exists, which is all ordering needs; no AUTOINCREMENT bookkeeping per insert). Per endpoint,
-- only the oldest open delivery (pending or failed) is ever sent, so deliveries arrive in the
-- order of their events. Indexes are kept to what the writes need to stay cheap (every event
-- inserts a row per endpoint): by id, the open ones per endpoint (the worker's head lookup, one
-- per endpoint), and all per endpoint newest first (the listing).
CREATE TABLE webhook_deliveries (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_seq         INTEGER NOT NULL,
    event_id          TEXT NOT NULL,
    event_type        TEXT NOT NULL,
    -- pending (not tried yet), failed (tried, retried at next_attempt_at), delivered, dead.
    status            TEXT NOT NULL,
    -- Attempts made in all, and failures in a row since the last (manual) retry.
    attempts          INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    last_status_code  INTEGER,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    delivered_at      INTEGER
);
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (endpoint_id, seq)
    WHERE status IN ('pending', 'failed');
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, seq DESC);

-- Every attempt of a delivery.
CREATE TABLE webhook_attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id   TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    status_code   INTEGER,
    latency_ms    INTEGER NOT NULL,
    error         TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);

-- The fan-out (see the top of this file): due at once, in the order of the events.
CREATE TRIGGER events_fan_out_to_webhooks AFTER INSERT ON events
BEGIN
    INSERT INTO webhook_deliveries (id, endpoint_id, event_seq, event_id, event_type, status,
        next_attempt_at, created_at)
    SELECT 'whd_' || upper(hex(randomblob(16))), w.id, NEW.seq, NEW.id, NEW.type, 'pending',
        NEW.created_at, NEW.created_at
    FROM webhook_endpoints w
    WHERE w.environment_id = NEW.environment_id AND w.enabled = 1
      AND EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value IN ('*', NEW.type))
    ORDER BY w.created_at, w.id;
END;
