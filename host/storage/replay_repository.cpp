#include "storage/replay_repository.hpp"

#include <atomic>

namespace orders::host::storage {

bool ReplayRepository::remember(const std::string &key, int64_t expires_at_ms, int64_t now_ms) {
  static std::atomic<uint32_t> calls{0};
  size_t inserted = 0;
  db_.autocommit([&](Poco::Data::Session &s) {
    inserted = db_.exec(s,
                        "INSERT INTO service_auth_replays (auth_key, expires_at_ms) VALUES ($1, $2) "
                        "ON CONFLICT (auth_key) DO NOTHING",
                        key, expires_at_ms);
  });
  if ((calls.fetch_add(1) & 255u) == 0)
    db_.autocommit([&](Poco::Data::Session &s) {
      db_.exec(s, "DELETE FROM service_auth_replays WHERE expires_at_ms < $1", now_ms);
    });
  return inserted == 1;
}

} // namespace orders::host::storage
