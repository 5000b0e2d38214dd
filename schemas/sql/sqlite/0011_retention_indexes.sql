-- Retention (issue 17): the sweeps delete rows kept only for a while by age,
-- in bounded batches. Each age gets an index on a column written once (or
-- only when the row finishes), so a sweep reads the rows it deletes and no
-- more, however large the table has grown.
CREATE INDEX checkouts_created ON checkouts (created_at_ms);
CREATE INDEX processed_events_at ON processed_events (processed_at_ms);
CREATE INDEX notification_deliveries_updated ON notification_deliveries (updated_at_ms);
CREATE INDEX idempotency_keys_done ON idempotency_keys (updated_at_ms) WHERE state = 'done';
CREATE INDEX idempotency_keys_in_progress ON idempotency_keys (updated_at_ms) WHERE state = 'in_progress';
