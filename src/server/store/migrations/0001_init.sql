-- Portico's first schema. Times are unix seconds; secrets and tokens are stored only as hashes
-- or ciphertext.

CREATE TABLE environments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    key_prefix      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);

CREATE TABLE organizations (
    id              TEXT PRIMARY KEY,
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    external_id     TEXT,
    domains         TEXT NOT NULL DEFAULT '[]',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CONSTRAINT organizations_external_id UNIQUE (environment_id, external_id)
);

CREATE TABLE portal_links (
    token_hash       TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    intent           TEXT NOT NULL,
    return_url       TEXT,
    success_url      TEXT,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);

CREATE TABLE portal_sessions (
    id_hash          TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    intents          TEXT NOT NULL,
    csrf_token       TEXT NOT NULL,
    return_url       TEXT,
    success_url      TEXT,
    created_at       INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);

CREATE TABLE connections (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    idp                TEXT NOT NULL,
    protocol           TEXT NOT NULL,
    state              TEXT NOT NULL,
    config             TEXT,
    client_secret_enc  BLOB,
    draft              TEXT NOT NULL DEFAULT '{}',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE INDEX connections_by_org ON connections (organization_id, created_at);
