-- The address the server last started with serves at, so commands run beside it (`portico link`)
-- print links to that server even when they were not given its flags. One row.
CREATE TABLE server_address (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_url TEXT NOT NULL,
    -- 1 when the public URL was configured, 0 when it was derived from the listen address.
    public_url_configured INTEGER NOT NULL,
    started_at INTEGER NOT NULL
);
