-- Connections configured from a metadata URL are re-read on a schedule; certificate changes
-- found that way (or by the admin) are kept as a history.

CREATE TABLE metadata_refresh (
    connection_id    TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    metadata_url     TEXT NOT NULL,
    next_at          INTEGER NOT NULL,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_checked_at  INTEGER,
    last_error       TEXT
);

CREATE INDEX metadata_refresh_due ON metadata_refresh (next_at);

CREATE TABLE certificate_events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id       TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    at                  INTEGER NOT NULL,
    kind                TEXT NOT NULL,
    sha256_fingerprint  TEXT NOT NULL,
    subject             TEXT NOT NULL,
    not_after           INTEGER NOT NULL
);

CREATE INDEX certificate_events_by_connection ON certificate_events (connection_id, at);
