-- Issue 17, a leaner checkout write set: the saga's last step lives in its
-- checkout's row (updated in place with the lease it renews, in the same
-- statement) instead of one checkout_steps row per step: six inserts fewer
-- per checkout. NULL for checkouts from before this migration, whose steps
-- stay in checkout_steps; nothing writes that table any more, and retention
-- drains it with its checkouts.
ALTER TABLE checkouts ADD COLUMN step TEXT;
