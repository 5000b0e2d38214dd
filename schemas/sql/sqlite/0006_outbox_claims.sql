-- See the PostgreSQL migration of the same number.
ALTER TABLE outbox_pending ADD COLUMN claimed_until_ms BIGINT;

CREATE TABLE outbox_parked (
  id            INTEGER PRIMARY KEY,
  error         TEXT NOT NULL,
  parked_at_ms  BIGINT NOT NULL
);
