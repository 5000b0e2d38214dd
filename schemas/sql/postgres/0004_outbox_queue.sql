-- The relay's work queue moves out of service_outbox into a narrow table.
-- Before: the relay locked and then UPDATEd each wide outbox row
-- (published_at_ms), a non-HOT update that rewrote the row and inserted into
-- every index. Now an insert trigger enqueues (id, aggregate_id) in
-- outbox_pending in the same transaction as the event; the relay locks and
-- deletes narrow queue rows and records the publication in outbox_published.
-- service_outbox rows are never updated again.
CREATE TABLE outbox_pending (
  id            BIGINT PRIMARY KEY,
  aggregate_id  TEXT NOT NULL
);

CREATE TABLE outbox_published (
  id               BIGINT PRIMARY KEY,
  published_at_ms  BIGINT NOT NULL
);
CREATE INDEX outbox_published_at ON outbox_published (published_at_ms, id);

INSERT INTO outbox_pending (id, aggregate_id) SELECT id, aggregate_id FROM service_outbox WHERE published_at_ms IS NULL;
INSERT INTO outbox_published (id, published_at_ms) SELECT id, published_at_ms FROM service_outbox WHERE published_at_ms IS NOT NULL;

CREATE FUNCTION service_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO outbox_pending (id, aggregate_id) VALUES (NEW.id, NEW.aggregate_id); RETURN NULL; END $$;
CREATE TRIGGER service_outbox_enqueue AFTER INSERT ON service_outbox FOR EACH ROW EXECUTE FUNCTION service_outbox_enqueue();

DROP INDEX service_outbox_unpublished;
ALTER TABLE service_outbox DROP COLUMN published_at_ms;
