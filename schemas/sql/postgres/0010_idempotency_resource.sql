-- What an idempotent request is creating (a checkout's id), written with the
-- key. When the owner dies before answering, a retry with the same key asks
-- what became of that resource instead of waiting out the stale timeout:
-- completed -> the stored answer is rebuilt, undone -> the retry takes over.
-- complete() and abandon() only touch the row while it still names their
-- resource, so a late owner cannot clobber the one that took over.
ALTER TABLE idempotency_keys ADD COLUMN resource_id TEXT NOT NULL DEFAULT '';
