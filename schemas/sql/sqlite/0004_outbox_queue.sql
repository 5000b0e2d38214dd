-- The relay's work queue moves out of service_outbox into a narrow table
-- (see the PostgreSQL migration of the same number for why): an insert
-- trigger enqueues (id, aggregate_id) in outbox_pending in the same
-- transaction as the event; the relay deletes queue rows it published and
-- records them in outbox_published. service_outbox rows are never updated.
CREATE TABLE outbox_pending (
  id            INTEGER PRIMARY KEY,
  aggregate_id  TEXT NOT NULL
);

CREATE TABLE outbox_published (
  id               INTEGER PRIMARY KEY,
  published_at_ms  BIGINT NOT NULL
);
CREATE INDEX outbox_published_at ON outbox_published (published_at_ms, id);

INSERT INTO outbox_pending (id, aggregate_id) SELECT id, aggregate_id FROM service_outbox WHERE published_at_ms IS NULL;
INSERT INTO outbox_published (id, published_at_ms) SELECT id, published_at_ms FROM service_outbox WHERE published_at_ms IS NOT NULL;

CREATE TRIGGER service_outbox_enqueue AFTER INSERT ON service_outbox BEGIN INSERT INTO outbox_pending (id, aggregate_id) VALUES (NEW.id, NEW.aggregate_id); END;

DROP INDEX service_outbox_unpublished;
ALTER TABLE service_outbox DROP COLUMN published_at_ms;
