// GET /api/orders/:id without re-reading and re-rendering an unchanged
// order: rendered views are kept (LRU, `orders.view_cache_entries`) with the
// signature of the rows they were rendered from, and each read first asks
// PostgreSQL for the order's current signature (storage::OrderViewQuery:
// the xmin of the order row, which carries its items, and of its payment
// and shipment rows). A change by this
// or any other server process changes the signature, so a read never
// answers a stale view; an unchanged order costs one index-only-sized query
// instead of the full aggregate, its JSON parsing and rendering.
//
// On SQLite (no row signatures; the embedded database is in-process anyway)
// and with capacity 0 every read renders.
//
// `max_staleness_ms` > 0 (`orders.view_cache_max_staleness_ms`) lets a view
// checked less than that long ago answer without asking the database: the
// read may then miss a change another server process committed within that
// window. Changes committed through this process drop the order's view at
// their commit (storage::Database::touch), so a client still reads its own
// writes through the same process.
//
// Thread-safety: all members may be called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/order.hpp"

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

  OrderViewCache(storage::Database &db, size_t capacity, int64_t max_staleness_ms = 0);
  ~OrderViewCache();
  OrderViewCache(const OrderViewCache &) = delete;
  OrderViewCache &operator=(const OrderViewCache &) = delete;

  // The order rendered by `render`, from the cache when its rows are
  // unchanged; nullopt when there is no such order.
  std::optional<RenderedOrder> get(const std::string &order_id, const Render &render);

  size_t size() const;
  // Reads answered from the cache / by rendering (since start).
  size_t hits() const;      // checked against the database and still current
  size_t misses() const;    // rendered and stored
  size_t unchecked() const; // answered within max_staleness_ms without a check

  // Drops the views of these orders (the commit observer).
  void invalidate(const std::vector<std::string> &order_ids);

private:
  struct Entry {
    std::string signature;
    RenderedOrder rendered;
    int64_t checked_at_ms;                // steady clock: when its signature was last read
    std::list<std::string>::iterator age; // position in lru_
  };
  // The entry (if any) and the invalidation epoch at this moment.
  std::pair<std::optional<Entry>, uint64_t> cached(const std::string &order_id);
  void checked(const std::string &order_id, const std::string &signature, int64_t at_ms, uint64_t epoch);
  void store(const std::string &order_id, std::string signature, const RenderedOrder &rendered, int64_t at_ms,
             uint64_t epoch);

  storage::Database &db_;
  const size_t capacity_;
  const int64_t max_staleness_ms_;
  const bool enabled_;
  size_t observer_ = 0;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_; // most recently used first
  uint64_t epoch_ = 0;         // bumped by every invalidate()
  size_t hits_ = 0, misses_ = 0, unchecked_ = 0;
};

} // namespace orders::host::core
