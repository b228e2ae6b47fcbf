-- The portal's activity view reads an organization's latest events of a few types
-- (`Store::recent_events`): with the type in the index, frequent events of other types
-- (sign-ins, possibly thousands a day) are skipped without being read.
CREATE INDEX events_by_organization_type ON events (organization_id, type, seq);
