-- The event log (an outbox): every change a vendor cares about writes its event in the same
-- transaction as the change. `seq` is the order of commit: SQLite lets one writer at a time
-- hold the database, and AUTOINCREMENT never reuses or goes back, so a reader paging by `seq`
-- sees every event once, in the order the changes committed. Events outlive what they are
-- about (no foreign keys): an organization's deletion is an event too.
CREATE TABLE events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    environment_id   TEXT NOT NULL,
    type             TEXT NOT NULL,
    organization_id  TEXT,
    created_at       INTEGER NOT NULL,
    -- The resource as the vendor API returns it, JSON.
    data             TEXT NOT NULL
);
CREATE INDEX events_by_environment ON events (environment_id, seq);
CREATE INDEX events_by_organization ON events (organization_id, seq);
CREATE INDEX events_by_age ON events (created_at);

-- Which certificate-expiry warnings were sent (90, 30, 7, 1 days before notAfter), so each
-- fires once per certificate of a connection.
CREATE TABLE certificate_expiry_notices (
    connection_id       TEXT NOT NULL,
    sha256_fingerprint  TEXT NOT NULL,
    days                INTEGER NOT NULL,
    sent_at             INTEGER NOT NULL,
    PRIMARY KEY (connection_id, sha256_fingerprint, days)
);
