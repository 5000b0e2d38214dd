-- The relay claims queue rows with a lease (claimed_until_ms) in a short
-- transaction, publishes with no transaction open, then marks: no row lock
-- and no transaction is held across the Kafka flush. An event that cannot be
-- encoded is parked (moved out of the queue, with the error), visible at
-- GET /api/admin/outbox, instead of slowing every pass down.
ALTER TABLE outbox_pending ADD COLUMN claimed_until_ms BIGINT;

CREATE TABLE outbox_parked (
  id            BIGINT PRIMARY KEY,
  error         TEXT NOT NULL,
  parked_at_ms  BIGINT NOT NULL
);
