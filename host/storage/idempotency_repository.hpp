// idempotency_keys and processed_events.
//
// Idempotency: begin() inserts (scope, key, request hash) as in_progress in
// its own short transaction; the unique key makes exactly one concurrent
// request the owner. Others see a replay (same hash, done), a mismatch
// (other hash: 422) or in_progress (409). The owner later complete()s with
// the response, or abandon()s when it failed before any side effect.
//
// Inbox: record() inserts (source, event id) inside the caller's transaction;
// false means the event was already processed.
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>

#include "domain/idempotency.hpp"
#include "storage/database.hpp"

namespace orders::host::storage {

using StoredResponse = core::StoredResponse;
using IdempotencyBegin = core::IdempotencyBegin;

class IdempotencyRepository : public core::IdempotencyStore {
public:
  explicit IdempotencyRepository(Database &db) : db_(db) {}
  IdempotencyBegin begin(const std::string &scope, const std::string &key, const std::string &request_hash,
                         const std::string &resource_id) override;
  void complete(const std::string &scope, const std::string &key, const std::string &resource_id,
                const StoredResponse &response) override;
  void abandon(const std::string &scope, const std::string &key, const std::string &resource_id) override;
  bool takeOver(const std::string &scope, const std::string &key, const std::string &from,
                const std::string &to) override;
  // Deletes finished keys older than `before_ms`, and keys whose owner died
  // (in progress for 15 minutes), in batches; returns how many.
  int purge(int64_t before_ms);

private:
  Database &db_;
};

class InboxRepository {
public:
  // True when this (source, event_id) is new and is now recorded.
  bool record(Poco::Data::Session &s, const std::string &source, const std::string &event_id,
              const std::string &order_id, const std::string &event_type, const std::string &outcome,
              const std::string &payload);
};

} // namespace orders::host::storage
