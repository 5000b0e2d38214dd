// Retention: the rows the server keeps only for a while (finished checkouts
// and their step logs, processed provider events, notification deliveries,
// finished idempotency keys), deleted by age in bounded batches so each
// table stays bounded under steady load. Each call deletes at most `limit`
// rows in one short transaction and returns how many; drain() repeats a
// call while its batches come back full.
//
// The ages are configuration (orders.retention, orders.idempotency_ttl_
// seconds); OrderCore's sweep and the notification dispatcher run them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace orders::host::storage {

class Database;

class RetentionRepository {
public:
  explicit RetentionRepository(Database &db) : db_(db) {}

  // Checkouts no longer `running` that were created before `before_ms`,
  // with their step logs. A running checkout is never deleted (its lease
  // decides, and recovery may still need it).
  size_t finishedCheckouts(int64_t before_ms, int limit);
  // processed_events (the inbox that makes provider events at-most-once)
  // recorded before `before_ms`.
  size_t processedEvents(int64_t before_ms, int limit);
  // Idempotency keys finished (`done`) before `done_before_ms`, and keys
  // still `in_progress` whose owner last touched them before
  // `stale_before_ms` (an owner that died).
  size_t idempotencyKeys(int64_t done_before_ms, int64_t stale_before_ms, int limit);
  // `notifier`'s deliveries that are over (`sent` or `dead`), last written
  // before `before_ms`, whose event lies below `below_id` (no rescan of the
  // notifier reaches it again) or has left the outbox.
  size_t notificationDeliveries(const std::string &notifier, int64_t before_ms, int64_t below_id, int limit);

  // Calls `batch` until it returns less than `limit` or `max_batches` calls
  // were made; returns the sum.
  static size_t drain(const std::function<size_t()> &batch, int limit, int max_batches = 50);

private:
  Database &db_;
};

} // namespace orders::host::storage
