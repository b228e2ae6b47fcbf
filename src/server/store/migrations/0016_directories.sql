-- Directory sync (issue 17): an organization's directory, its SCIM bearer tokens, the users
-- and groups its identity provider pushes, their memberships, and a short log of SCIM
-- requests for the admin.
--
-- A user or group is stored as the SCIM document the IdP last wrote (`resource`, JSON, without
-- `id`, `meta`, `groups` or `members`, which are ours or derived), beside the columns the
-- service looks things up by. Keys (`*_key`) are the case-folded forms that uniqueness and
-- case-insensitive filters use (RFC 7643: `userName` is unique and not case-exact).
CREATE TABLE directories (
    id                TEXT PRIMARY KEY,
    environment_id    TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    organization_id   TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- A key of the directory-provider catalog (`okta`, `entra_id`, `generic`…).
    provider          TEXT NOT NULL,
    -- pending (no successful SCIM request yet), active, inactive (turned off by the vendor).
    state             TEXT NOT NULL,
    -- JSON object: group id -> role slug, as the admin mapped them.
    role_mapping      TEXT NOT NULL DEFAULT '{}',
    first_request_at  INTEGER,
    last_request_at   INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX directories_by_organization ON directories (organization_id);
CREATE INDEX directories_by_environment ON directories (environment_id, created_at);

-- Bearer tokens, hashed. A regenerated token's predecessor gets `expires_at` (the grace
-- period); a revoked one is deleted.
CREATE TABLE directory_tokens (
    id            TEXT PRIMARY KEY,
    directory_id  TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    -- The first characters, to tell tokens apart in a list.
    token_prefix  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    last_used_at  INTEGER
);
CREATE INDEX directory_tokens_by_directory ON directory_tokens (directory_id);

-- `seq` is creation order (SCIM's startIndex paging and the vendor API's cursor both follow
-- it; ids are random).
CREATE TABLE directory_users (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    directory_id    TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    user_name       TEXT NOT NULL,
    user_name_key   TEXT NOT NULL,
    external_id     TEXT,
    email           TEXT,
    email_key       TEXT,
    first_name      TEXT,
    last_name       TEXT,
    active          INTEGER NOT NULL,
    resource        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- Set by a SCIM DELETE: the IdP no longer sees the user (404), the vendor still does, as
    -- inactive, so its app can act on the departure. Its userName is free again.
    deleted_at      INTEGER
);
CREATE UNIQUE INDEX directory_users_by_user_name ON directory_users (directory_id, user_name_key)
    WHERE deleted_at IS NULL;
CREATE INDEX directory_users_by_external_id ON directory_users (directory_id, external_id);
CREATE INDEX directory_users_by_email ON directory_users (directory_id, email_key);
CREATE INDEX directory_users_by_directory ON directory_users (directory_id, seq);

CREATE TABLE directory_groups (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    directory_id      TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    display_name      TEXT NOT NULL,
    display_name_key  TEXT NOT NULL,
    external_id       TEXT,
    resource          TEXT NOT NULL,
    version           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX directory_groups_by_name ON directory_groups (directory_id, display_name_key);
CREATE INDEX directory_groups_by_external_id ON directory_groups (directory_id, external_id);
CREATE INDEX directory_groups_by_directory ON directory_groups (directory_id, seq);

CREATE TABLE directory_memberships (
    group_id  TEXT NOT NULL REFERENCES directory_groups(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES directory_users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX directory_memberships_by_user ON directory_memberships (user_id, group_id);

-- The last SCIM requests per directory, for the admin's sync log (pruned to the newest few
-- hundred). Never a body, a token or a password: the operation, the resource, the outcome.
CREATE TABLE directory_requests (
    seq            INTEGER PRIMARY KEY,
    directory_id   TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    method         TEXT NOT NULL,
    -- Users, Groups, ServiceProviderConfig…
    resource_type  TEXT NOT NULL,
    resource_id    TEXT,
    -- What it did, in words: "created user ada@example.com", "replaced group Engineering".
    summary        TEXT NOT NULL,
    status         INTEGER NOT NULL,
    scim_type      TEXT,
    detail         TEXT
);
CREATE INDEX directory_requests_by_directory ON directory_requests (directory_id, seq);

-- The vendor's roles per environment (`PUT /api/v1/roles`): JSON `{"roles": […],
-- "default_role": "member"}`.
CREATE TABLE environment_roles (
    environment_id  TEXT PRIMARY KEY REFERENCES environments(id) ON DELETE CASCADE,
    roles           TEXT NOT NULL
);
