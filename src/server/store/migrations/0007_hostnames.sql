-- Custom hostnames: the portal under the vendor's own name (sso.vendor.com), active once DNS
-- points it at the environment's hostname. The check schedule is kept here, as for domains.
CREATE TABLE custom_domains (
    id               TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    -- ASCII (punycode), lowercase, no port.
    hostname         TEXT NOT NULL UNIQUE,
    -- pending | active
    state            TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    last_checked_at  INTEGER,
    -- JSON HostnameCheck.
    last_result      TEXT,
    next_check_at    INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    activated_at     INTEGER,
    warning          TEXT
);
CREATE INDEX custom_domains_due ON custom_domains (next_check_at);
CREATE INDEX custom_domains_by_environment ON custom_domains (environment_id, created_at);

-- A link and the session it starts belong to the hostname the link was minted for.
ALTER TABLE portal_links ADD COLUMN host TEXT;
ALTER TABLE portal_sessions ADD COLUMN host TEXT;
-- The base URL a connection's SP values (ACS URL, entity ID, redirect URI) were issued under:
-- the identity provider is configured with them, so they never move with later hostnames.
ALTER TABLE connections ADD COLUMN base_url TEXT;
