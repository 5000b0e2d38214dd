// catalog/http: a short-lived, bounded cache of fetched product documents.
//
// Entries live `ttl_ms` by the host's clock (so FakeHost::setNowUnixMs moves
// them); at most `max_entries` are kept and the oldest goes first (with one
// TTL for all, the oldest is also the next to expire). ttl_ms 0 disables it.
//
// Thread-safety: every method locks; documents are immutable and shared.
#pragma once

#include <cstdint>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "product_mapping.hpp"

namespace orders::plugins::catalog {

using DocPtr = std::shared_ptr<const ProductDoc>;

class ProductCache {
public:
  ProductCache(int64_t ttl_ms, size_t max_entries) : ttl_ms_(ttl_ms), max_entries_(max_entries) {}

  // The document cached for `id`, or nullptr when absent or expired at `now`.
  DocPtr get(const std::string &id, int64_t now) {
    if (ttl_ms_ <= 0) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    if (now >= it->second.expires_at) {
      order_.erase(it->second.position);
      entries_.erase(it);
      return nullptr;
    }
    return it->second.doc;
  }

  void put(const std::string &id, DocPtr doc, int64_t now) {
    if (ttl_ms_ <= 0) return;
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end()) {
      order_.erase(it->second.position);
      entries_.erase(it);
    }
    while (!order_.empty() && entries_.size() >= max_entries_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    order_.push_back(id);
    entries_.emplace(id, Entry{std::move(doc), now + ttl_ms_, std::prev(order_.end())});
  }

private:
  struct Entry {
    DocPtr doc;
    int64_t expires_at = 0;
    std::list<std::string>::iterator position;
  };
  const int64_t ttl_ms_;
  const size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_; // oldest first
};

} // namespace orders::plugins::catalog
