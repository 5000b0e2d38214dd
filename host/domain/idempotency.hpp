// Idempotency keys as the request layer sees them: begin() makes exactly one
// concurrent request with (scope, key) the owner; the others see a replay of
// its stored response (same request hash, finished), a mismatch (another
// hash) or in_progress. The owner complete()s with its response, or
// abandon()s when it failed before any lasting side effect. When the owner
// died (or the database went away before it could abandon), a retry asks
// what became of the owner's resource and may takeOver() the key.
//
// storage::IdempotencyRepository implements it on the database; handlers
// reach it through core::OrderCore::idempotency() and never see storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace orders::host::core {

struct StoredResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

struct IdempotencyBegin {
  enum class Kind { owner, replay, mismatch, in_progress } kind = Kind::owner;
  std::optional<StoredResponse> response; // for replay
  // For in_progress: what the owner is creating (may be empty) and how long
  // ago it began (or last took the key over).
  std::string resource_id;
  int64_t age_ms = 0;
};

class IdempotencyStore {
public:
  virtual ~IdempotencyStore() = default;
  // `resource_id`: what this request will create if it becomes the owner
  // (a checkout id), stored with the key.
  virtual IdempotencyBegin begin(const std::string &scope, const std::string &key, const std::string &request_hash,
                                 const std::string &resource_id) = 0;
  // Both act only while the key is still in progress for `resource_id`.
  virtual void complete(const std::string &scope, const std::string &key, const std::string &resource_id,
                        const StoredResponse &response) = 0;
  virtual void abandon(const std::string &scope, const std::string &key, const std::string &resource_id) = 0;
  // The key is still in progress for `from`, whose owner is gone: makes the
  // caller the owner, creating `to`. False when someone else did first.
  virtual bool takeOver(const std::string &scope, const std::string &key, const std::string &from,
                        const std::string &to) = 0;
};

} // namespace orders::host::core
