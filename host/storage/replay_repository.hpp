// The service-HMAC replay cache in the database (migration 0007), so that
// every replica refuses a header any of them accepted.
//
// Thread-safety: stateless; each call leases its own session.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.hpp"

namespace orders::host::storage {

class ReplayRepository {
public:
  explicit ReplayRepository(Database &db) : db_(db) {}
  // Records `key` until `expires_at_ms`; false when it is already there
  // (a replay). Every 256th call also deletes expired keys.
  bool remember(const std::string &key, int64_t expires_at_ms, int64_t now_ms);

private:
  Database &db_;
};

} // namespace orders::host::storage
