// customer/http: a short-lived, bounded cache of looked-up customers.
//
// Entries live `ttl_ms` by the host's clock (so FakeHost::setNowUnixMs moves
// them); at most `max_entries` are kept and the oldest goes first (with one
// TTL for all, the oldest is also the next to expire). ttl_ms 0 disables it.
// Only successful lookups are put here: a failure is asked again next time.
//
// Thread-safety: every method locks; entries are copied in and out.
#pragma once

#include <cstdint>
#include <iterator>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "orders/sdk/types.hpp"

namespace orders::plugins::customer {

class PartyCache {
public:
  PartyCache(int64_t ttl_ms, size_t max_entries) : ttl_ms_(ttl_ms), max_entries_(max_entries) {}

  bool enabled() const noexcept { return ttl_ms_ > 0; }

  // The customer cached for `user_id`, or nullopt when absent or expired at `now`.
  std::optional<sdk::Party> get(const std::string &user_id, int64_t now) {
    if (ttl_ms_ <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(user_id);
    if (it == entries_.end()) return std::nullopt;
    if (now >= it->second.expires_at) {
      order_.erase(it->second.position);
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.party;
  }

  void put(const std::string &user_id, const sdk::Party &party, int64_t now) {
    if (ttl_ms_ <= 0 || max_entries_ == 0) return;
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(user_id); it != entries_.end()) {
      order_.erase(it->second.position);
      entries_.erase(it);
    }
    while (!order_.empty() && entries_.size() >= max_entries_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    order_.push_back(user_id);
    entries_.emplace(user_id, Entry{party, now + ttl_ms_, std::prev(order_.end())});
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

private:
  struct Entry {
    sdk::Party party;
    int64_t expires_at = 0;
    std::list<std::string>::iterator position;
  };
  const int64_t ttl_ms_;
  const size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_; // oldest first
};

} // namespace orders::plugins::customer
