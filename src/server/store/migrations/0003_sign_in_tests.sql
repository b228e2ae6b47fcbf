-- Test sign-ins and attribute mapping. A connection keeps its mapping, the vendor's switches
-- and its own SP key (for encrypted assertions); every test attempt is kept as history.

ALTER TABLE connections ADD COLUMN attribute_mapping TEXT;
ALTER TABLE connections ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE connections ADD COLUMN sp_key_enc BLOB;
ALTER TABLE connections ADD COLUMN sp_certificate TEXT;
-- Counts changes to the IdP details: activation needs a successful test of the current version.
ALTER TABLE connections ADD COLUMN config_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN last_test_id TEXT;
ALTER TABLE connections ADD COLUMN last_tested_at INTEGER;
ALTER TABLE connections ADD COLUMN last_test_result TEXT;

ALTER TABLE environments ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '[]';

CREATE TABLE sign_in_tests (
    id                 TEXT PRIMARY KEY,
    connection_id      TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    protocol           TEXT NOT NULL,
    -- SAML: our AuthnRequest ID. OIDC: unused.
    request_id         TEXT,
    -- SHA-256 of the RelayState (SAML) or state (OIDC) that brings the answer back to this row.
    state_hash         TEXT UNIQUE,
    -- OIDC: nonce and PKCE verifier, encrypted.
    secrets_enc        BLOB,
    started_at         INTEGER NOT NULL,
    finished_at        INTEGER,
    outcome            TEXT NOT NULL,
    idp_initiated      INTEGER NOT NULL DEFAULT 0,
    error_code         TEXT,
    -- JSON: diagnosis, profile, mapping issues, attributes, response XML or ID token claims.
    result             TEXT,
    -- The connection's config_version the answer was checked against.
    config_version     INTEGER
);

CREATE INDEX sign_in_tests_by_connection ON sign_in_tests (connection_id, started_at);

-- Assertion IDs already accepted, kept until the assertion would have expired anyway.
CREATE TABLE used_assertions (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    assertion_id   TEXT NOT NULL,
    expires_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, assertion_id)
);
