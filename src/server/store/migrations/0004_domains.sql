-- Domain verification by DNS TXT record. The check schedule lives here (next_check_at), so a
-- restart loses nothing; a claimed row's next_check_at is pushed ahead (a lease) before it is
-- checked, so two workers never check it in the same slot.

ALTER TABLE environments ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE organizations ADD COLUMN allow_profiles_outside_organization INTEGER NOT NULL DEFAULT 0;

CREATE TABLE domains (
    id                   TEXT PRIMARY KEY,
    organization_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    environment_id       TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    -- ASCII (punycode), lowercase.
    domain               TEXT NOT NULL,
    -- Fixed when the domain is added: the record never changes under the admin's feet.
    record_name          TEXT NOT NULL,
    record_value         TEXT NOT NULL,
    state                TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    -- Pending domains become failed after this.
    fails_at             INTEGER,
    last_checked_at      INTEGER,
    -- JSON CheckResult.
    last_result          TEXT,
    -- NULL: no automatic check (failed domains wait for the admin).
    next_check_at        INTEGER,
    -- Checks since the last change of state, for the backoff.
    attempts             INTEGER NOT NULL DEFAULT 0,
    verified_at          INTEGER,
    verification_method  TEXT,
    verified_by          TEXT,
    record_last_seen_at  INTEGER,
    warning              TEXT,
    CONSTRAINT domains_once_per_organization UNIQUE (organization_id, domain)
);

CREATE INDEX domains_due ON domains (next_check_at);
CREATE INDEX domains_by_organization ON domains (organization_id, created_at);
-- A domain can be verified by one organization of an environment only.
CREATE UNIQUE INDEX domains_verified_once ON domains (environment_id, domain) WHERE state = 'verified';
