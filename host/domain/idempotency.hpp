// Idempotency keys as the request layer sees them: begin() makes exactly one
// concurrent request with (scope, key) the owner; the others see a replay of
// its stored response (same request hash, finished), a mismatch (another
// hash) or in_progress. The owner complete()s with its response, or
// abandon()s when it failed before any lasting side effect.
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
};

class IdempotencyStore {
public:
  virtual ~IdempotencyStore() = default;
  virtual IdempotencyBegin begin(const std::string &scope, const std::string &key, const std::string &request_hash) = 0;
  virtual void complete(const std::string &scope, const std::string &key, const StoredResponse &response) = 0;
  virtual void abandon(const std::string &scope, const std::string &key) = 0;
};

} // namespace orders::host::core
