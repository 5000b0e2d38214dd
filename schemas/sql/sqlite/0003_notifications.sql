-- Notifications: which outbox events each notifier instance has handled
-- (at-least-once delivery, deduplicated by event id) and how far it read.
CREATE TABLE notifier_cursors (
  notifier   TEXT PRIMARY KEY,
  last_id    BIGINT NOT NULL
);

CREATE TABLE notification_deliveries (
  notifier            TEXT NOT NULL,
  event_id            TEXT NOT NULL,
  status              TEXT NOT NULL,
  attempts            INTEGER NOT NULL,
  last_error          TEXT,
  next_attempt_at_ms  BIGINT NOT NULL,
  updated_at_ms       BIGINT NOT NULL,
  PRIMARY KEY (notifier, event_id)
);
CREATE INDEX notification_deliveries_retry ON notification_deliveries (notifier, status, next_attempt_at_ms);
