-- Issue 17, a leaner checkout write set: the saga's last step lives in its
-- checkout's row (updated in place with the lease it renews, in the same
-- statement) instead of one checkout_steps row per step: six inserts fewer
-- per checkout. NULL for checkouts from before this migration, whose steps
-- stay in checkout_steps; nothing writes that table any more, and retention
-- drains it with its checkouts.
ALTER TABLE checkouts ADD COLUMN step TEXT;

-- The lease a step renews is no longer indexed: the recovery sweep finds
-- running checkouts (those in flight, a few hundred at most) by a partial
-- index and reads their leases, so a step's update changes no indexed
-- column and PostgreSQL can keep it on its page (a HOT update: no new
-- entries in the table's three indexes, four times per checkout).
DROP INDEX checkouts_running;
CREATE INDEX checkouts_in_flight ON checkouts (created_at_ms) WHERE status = 'running';
