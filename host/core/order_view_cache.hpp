// GET /api/orders/:id without re-reading and re-rendering an unchanged
// order: rendered views are kept (LRU, `orders.view_cache_entries`) with the
// signature of the rows they were rendered from, and each read first asks
// PostgreSQL for the order's current signature (storage::OrderViewQuery:
// the xmin of the order, item, payment and shipment rows). A change by this
// or any other server process changes the signature, so a read never
// answers a stale view; an unchanged order costs one index-only-sized query
// instead of the full aggregate, its JSON parsing and rendering.
//
// On SQLite (no row signatures; the embedded database is in-process anyway)
// and with capacity 0 every read renders.
//
// Thread-safety: all members may be called from many threads.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/order.hpp"

namespace orders::host::storage {
class Database;
}

namespace orders::host::core {

struct RenderedOrder {
  std::string user_id;                  // for the caller's visibility rules
  std::optional<std::string> seller_id; //
  std::shared_ptr<const std::string> body;
};

class OrderViewCache {
public:
  using Render = std::function<std::string(const OrderView &)>;

  OrderViewCache(storage::Database &db, size_t capacity);

  // The order rendered by `render`, from the cache when its rows are
  // unchanged; nullopt when there is no such order.
  std::optional<RenderedOrder> get(const std::string &order_id, const Render &render);

  size_t size() const;
  // Reads answered from the cache / by rendering (since start).
  size_t hits() const;
  size_t misses() const;

private:
  struct Entry {
    std::string signature;
    RenderedOrder rendered;
    std::list<std::string>::iterator age; // position in lru_
  };
  std::optional<Entry> cached(const std::string &order_id);
  void store(const std::string &order_id, std::string signature, const RenderedOrder &rendered);

  storage::Database &db_;
  const size_t capacity_;
  const bool enabled_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_; // most recently used first
  size_t hits_ = 0, misses_ = 0;
};

} // namespace orders::host::core
