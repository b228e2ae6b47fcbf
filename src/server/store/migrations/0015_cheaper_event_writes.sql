-- Cheaper writes for changes with events and webhooks (issue 16's latency target: every API
-- write pays for these pages).
--
-- `events_by_age` is not read: the retention purge walks the log from its start in `seq`
-- order (creation order), stopping at the first event young enough to keep. One index fewer
-- to update per event.
DROP INDEX IF EXISTS events_by_age;

-- A delivery's id was random, so each new delivery wrote a leaf at a random place of the id
-- index. It is now the event's seq (fixed width) and the endpoint's rowid: unique (one
-- delivery per event and endpoint), and growing with every event, so new ids go at the end
-- of the index like the rows themselves. Ids already given out stay as they are.
DROP TRIGGER IF EXISTS events_fan_out_to_webhooks;
CREATE TRIGGER events_fan_out_to_webhooks AFTER INSERT ON events
BEGIN
    INSERT INTO webhook_deliveries (id, endpoint_id, event_seq, event_id, event_type, status,
        next_attempt_at, created_at)
    SELECT 'whd_' || printf('%016X', NEW.seq) || printf('%X', w.rowid), w.id, NEW.seq, NEW.id,
        NEW.type, 'pending', NEW.created_at, NEW.created_at
    FROM webhook_endpoints w
    WHERE w.environment_id = NEW.environment_id AND w.enabled = 1
      AND EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value IN ('*', NEW.type))
    ORDER BY w.created_at, w.id;
END;
