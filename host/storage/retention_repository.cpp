#include "storage/retention_repository.hpp"

#include <Poco/Data/Statement.h>

#include <vector>

#include "storage/database.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

namespace {

// A SQL string literal (both engines use standard quoting: '' for ').
std::string quoted(const std::string &text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

} // namespace

size_t RetentionRepository::finishedCheckouts(int64_t before_ms, int limit) {
  size_t deleted = 0;
  db_.transaction([&](Poco::Data::Session &s) {
    // The ids first (locked, skipped by another replica's sweep), then the
    // step logs that reference them, then the checkouts.
    Poco::Data::Statement pick(s);
    Poco::Int64 before = before_ms;
    pick << "SELECT id FROM checkouts WHERE created_at_ms < $1 AND status <> 'running' ORDER BY created_at_ms LIMIT " +
                std::to_string(limit) + db_.forUpdateSkipLocked(),
        use(before);
    pick.execute();
    std::string ids;
    for (Rows r(pick); r.valid(); r.next())
      ids += (ids.empty() ? "" : ",") + quoted(r.str("id"));
    if (ids.empty()) return;
    Poco::Data::Statement steps(s);
    steps << "DELETE FROM checkout_steps WHERE checkout_id IN (" + ids + ")";
    steps.execute();
    Poco::Data::Statement checkouts(s);
    checkouts << "DELETE FROM checkouts WHERE id IN (" + ids + ")";
    deleted = checkouts.execute();
  });
  return deleted;
}

size_t RetentionRepository::processedEvents(int64_t before_ms, int limit) {
  size_t deleted = 0;
  db_.autocommit([&](Poco::Data::Session &s) {
    deleted = db_.exec(s,
                       "DELETE FROM processed_events WHERE (source, event_id) IN (SELECT source, event_id FROM "
                       "processed_events WHERE processed_at_ms < $1 ORDER BY processed_at_ms LIMIT " +
                           std::to_string(limit) + ")",
                       before_ms);
  });
  return deleted;
}

size_t RetentionRepository::idempotencyKeys(int64_t done_before_ms, int64_t stale_before_ms, int limit) {
  size_t deleted = 0;
  const std::string batch = " ORDER BY updated_at_ms LIMIT " + std::to_string(limit) + ")";
  db_.transaction([&](Poco::Data::Session &s) {
    deleted = db_.exec(s,
                       "DELETE FROM idempotency_keys WHERE (scope, idem_key) IN (SELECT scope, idem_key FROM "
                       "idempotency_keys WHERE state = 'done' AND updated_at_ms < $1" +
                           batch,
                       done_before_ms);
    deleted += db_.exec(s,
                        "DELETE FROM idempotency_keys WHERE (scope, idem_key) IN (SELECT scope, idem_key FROM "
                        "idempotency_keys WHERE state = 'in_progress' AND updated_at_ms < $1" +
                            batch,
                        stale_before_ms);
  });
  return deleted;
}

size_t RetentionRepository::notificationDeliveries(const std::string &notifier, int64_t before_ms, int64_t below_id,
                                                   int limit) {
  size_t deleted = 0;
  db_.autocommit([&](Poco::Data::Session &s) {
    deleted = db_.exec(s,
                       "DELETE FROM notification_deliveries WHERE (notifier, event_id) IN (SELECT d.notifier, "
                       "d.event_id FROM notification_deliveries d LEFT JOIN service_outbox o ON o.event_id = "
                       "d.event_id WHERE d.notifier = $1 AND d.status IN ('sent', 'dead') AND d.updated_at_ms < $2 "
                       "AND (o.id IS NULL OR o.id < $3) ORDER BY d.updated_at_ms LIMIT " +
                           std::to_string(limit) + ")",
                       notifier, before_ms, below_id);
  });
  return deleted;
}

size_t RetentionRepository::drain(const std::function<size_t()> &batch, int limit, int max_batches) {
  size_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    const size_t n = batch();
    total += n;
    if (n < static_cast<size_t>(limit)) break;
  }
  return total;
}

} // namespace orders::host::storage
