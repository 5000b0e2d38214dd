// Reading service_outbox (rows are written by OrderRepository in the same
// transaction as the change they announce; an insert trigger enqueues each
// in the narrow outbox_pending table). Published = gone from outbox_pending
// and recorded in outbox_published; service_outbox rows are never updated.
#pragma once

#include <Poco/Data/Session.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "domain/outbox.hpp"

namespace orders::host::storage {

using OutboxRow = core::OutboxRow;

class OutboxRepository {
public:
  // Rows with id > after_id, oldest first.
  std::vector<OutboxRow> page(Poco::Data::Session &s, int64_t after_id, int limit, bool unpublished_only,
                              const std::optional<std::string> &aggregate_id = std::nullopt);

  // Up to `limit` unpublished rows whose lease is free (NULL or before
  // `now_ms`), oldest first, locked with `lock_clause`
  // (Database::forUpdateSkipLocked(): call inside a transaction on
  // PostgreSQL so other relays skip them while they are leased).
  std::vector<OutboxRow> claimFree(Poco::Data::Session &s, int limit, const char *lock_clause, int64_t now_ms);
  // Leases `ids` until `until_ms` (NULL: frees them for the next pass).
  void lease(Poco::Data::Session &s, const std::vector<int64_t> &ids, std::optional<int64_t> until_ms);
  // Moves `id` out of the queue into outbox_parked with `error`.
  void park(Poco::Data::Session &s, int64_t id, const std::string &error, int64_t at_ms);
  // Unpublished rows (id, aggregate id) older than the newest of `ids` but
  // not among them, in id order: events another relay holds (its claim is
  // not committed), which must reach Kafka before later events of their
  // order. Usually none; at most what other relays hold.
  std::vector<std::pair<int64_t, std::string>> heldElsewhere(Poco::Data::Session &s, const std::vector<int64_t> &ids);
  // Dequeues `ids` and records them published at `at_ms` (two statements:
  // call inside a transaction).
  size_t markPublished(Poco::Data::Session &s, const std::vector<int64_t> &ids, int64_t at_ms);

  struct Backlog {
    int64_t rows = 0;
    std::optional<int64_t> oldest_created_at_ms;
  };
  Backlog backlog(Poco::Data::Session &s);
  // Deletes up to `limit` rows published before `before_ms` with ids below
  // `below_id` (what every notifier has read); returns how many (several
  // statements: call inside a transaction).
  size_t purgePublished(Poco::Data::Session &s, int64_t before_ms, int limit,
                        int64_t below_id = std::numeric_limits<int64_t>::max());
  // Where the deployment publishes nothing: deletes up to `limit` of the
  // oldest rows created before `before_ms` with ids below `below_id`,
  // whatever their queue state (pending, parked, published); returns how
  // many. Call inside a transaction.
  size_t purgeUnpublishable(Poco::Data::Session &s, int64_t before_ms, int limit, int64_t below_id);

  // An operator's replay (order-service --replay-outbox): the published and
  // parked events with from <= id <= to (`by_time`: from <= created_at_ms
  // <= to) go back in the queue, and a relay publishes them again with
  // their own event ids. Events still queued stay as they are; events
  // retention deleted are gone. Several statements: call inside a
  // transaction.
  struct Requeued {
    int64_t published = 0; // were published, queued again
    int64_t parked = 0;    // were parked, queued again
    int64_t queued = 0;    // in the range and still queued: unchanged
  };
  // `lock_clause`: Database::forUpdate() (the picked rows stay locked until
  // the transaction ends).
  Requeued requeue(Poco::Data::Session &s, int64_t from, int64_t to, bool by_time, const char *lock_clause);
};

} // namespace orders::host::storage
