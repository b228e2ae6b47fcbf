-- Go-live: the vendor app's sign-ins through Portico. A production sign-in is an attempt like a
-- test sign-in (same table, same checks) that carries the vendor app's request (`login`, JSON:
-- client, redirect URI, state, PKCE challenge); it ends at the app with a one-time code.
ALTER TABLE sign_in_tests ADD COLUMN login TEXT;
CREATE INDEX sign_in_tests_logins ON sign_in_tests (connection_id, started_at) WHERE login IS NOT NULL;

-- Client secrets of an environment (its client ID is derived from the environment's id); at
-- most two live at once, so a rotation never locks the app out.
CREATE TABLE client_secrets (
    id              TEXT PRIMARY KEY,
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    secret_hash     TEXT NOT NULL UNIQUE,
    prefix          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);

-- Where the app may be sent back to, matched exactly; one is the default.
CREATE TABLE redirect_uris (
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    uri             TEXT NOT NULL,
    is_default      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (environment_id, uri)
);

-- One-time codes, bound to the client, the redirect URI and the PKCE challenge; the profile
-- waits here (for ten minutes at most) until the app fetches it.
CREATE TABLE authorization_codes (
    code_hash             TEXT PRIMARY KEY,
    environment_id        TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    client_id             TEXT NOT NULL,
    redirect_uri          TEXT NOT NULL,
    code_challenge        TEXT,
    -- JSON: the profile and whether the sign-in was IdP-initiated.
    grant                 TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    expires_at            INTEGER NOT NULL,
    used_at               INTEGER
);
