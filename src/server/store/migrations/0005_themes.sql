-- Branding: a theme per environment, optionally overridden per organization (JSON; NULL means
-- the default theme, or the environment's for an organization).
ALTER TABLE environments ADD COLUMN theme TEXT;
ALTER TABLE organizations ADD COLUMN theme TEXT;
