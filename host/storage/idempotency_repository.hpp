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

#include "storage/database.hpp"

namespace orders::host::storage {

struct StoredResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

struct IdempotencyBegin {
  enum class Kind { owner, replay, mismatch, in_progress } kind = Kind::owner;
  std::optional<StoredResponse> response; // for replay
};

class IdempotencyRepository {
public:
  explicit IdempotencyRepository(Database &db) : db_(db) {}
  IdempotencyBegin begin(const std::string &scope, const std::string &key, const std::string &request_hash);
  void complete(const std::string &scope, const std::string &key, const StoredResponse &response);
  void abandon(const std::string &scope, const std::string &key);
  // Deletes finished keys older than `before_ms`; returns how many.
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
