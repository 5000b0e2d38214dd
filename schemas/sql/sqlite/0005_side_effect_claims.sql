-- Side-effect rows (payments, shipments, reservations) are claimed before
-- the reconciler calls a plugin for them, so replicas never work the same
-- row at once: claimed_until_ms is the claim's lease (NULL: free). A failed
-- attempt counts in attempts and pushes next_attempt_ms back (exponential
-- backoff), so rows of a provider that is down, or a row that cannot be
-- processed, never starve the others. Status writes are compare-and-set on
-- the status the reconciler read.
ALTER TABLE payments ADD COLUMN claimed_until_ms BIGINT;
ALTER TABLE payments ADD COLUMN next_attempt_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN claimed_until_ms BIGINT;
ALTER TABLE shipments ADD COLUMN next_attempt_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reservations ADD COLUMN claimed_until_ms BIGINT;
ALTER TABLE reservations ADD COLUMN next_attempt_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reservations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX payments_due ON payments (next_attempt_ms) WHERE status IN ('refund_pending', 'void_pending');
CREATE INDEX shipments_due ON shipments (next_attempt_ms) WHERE status IN ('confirm_pending', 'cancel_pending');
CREATE INDEX reservations_due ON reservations (next_attempt_ms) WHERE status IN ('commit_pending', 'release_pending', 'restock_pending');
