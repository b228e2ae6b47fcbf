-- Uploaded theme files (logos, favicon, font), checked by content before they are kept. The id
-- is derived from the bytes, so a file's URL never changes and can be cached for good.
CREATE TABLE theme_assets (
    id              TEXT PRIMARY KEY,
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    bytes           BLOB NOT NULL,
    created_at      INTEGER NOT NULL
);
