-- Embedding: which sites may show the portal in an iframe (a JSON list of origins), and whether
-- the session cookie is partitioned (CHIPS) so cross-site embedding works without third-party
-- cookies.
ALTER TABLE environments ADD COLUMN embed_allowed_origins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE environments ADD COLUMN embed_partitioned_cookies INTEGER NOT NULL DEFAULT 0;

-- A session redeemed from inside a frame holds its link instead of using it up: the link is
-- marked used on the session's first request that carries its cookie. If the browser refused
-- the cookie, the admin can still open the same link in a new tab (which replaces the
-- held session).
ALTER TABLE portal_sessions ADD COLUMN held_link TEXT;
CREATE INDEX portal_sessions_by_held_link ON portal_sessions (held_link) WHERE held_link IS NOT NULL;
