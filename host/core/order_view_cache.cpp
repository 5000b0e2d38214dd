#include "core/order_view_cache.hpp"

#include "storage/database.hpp"
#include "storage/order_view_query.hpp"

namespace orders::host::core {

OrderViewCache::OrderViewCache(storage::Database &db, size_t capacity)
    : db_(db), capacity_(capacity), enabled_(capacity > 0 && storage::OrderViewQuery(db).hasSignatures()) {}

std::optional<RenderedOrder> OrderViewCache::get(const std::string &order_id, const Render &render) {
  storage::OrderViewQuery views(db_);
  auto lease = db_.lease();
  if (enabled_) {
    if (auto entry = cached(order_id)) {
      const auto now = views.signature(**lease, order_id);
      if (!now) return std::nullopt;
      if (*now == entry->signature) {
        std::lock_guard lock(mutex_);
        ++hits_;
        return entry->rendered;
      }
    }
  }
  // The view and its signature come from one statement (one snapshot), so a
  // stored view is never older than the signature it is stored with.
  auto loaded = views.load(**lease, order_id);
  lease.reset();
  if (!loaded) return std::nullopt;
  OrderView view{std::move(loaded->order), std::move(loaded->payments), std::move(loaded->shipments)};
  RenderedOrder out{view.order.user_id, view.order.seller_id, std::make_shared<const std::string>(render(view))};
  if (enabled_) store(order_id, std::move(loaded->signature), out);
  return out;
}

std::optional<OrderViewCache::Entry> OrderViewCache::cached(const std::string &order_id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(order_id);
  if (it == entries_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second.age);
  return it->second;
}

void OrderViewCache::store(const std::string &order_id, std::string signature, const RenderedOrder &rendered) {
  std::lock_guard lock(mutex_);
  ++misses_;
  auto it = entries_.find(order_id);
  if (it != entries_.end()) {
    it->second.signature = std::move(signature);
    it->second.rendered = rendered;
    lru_.splice(lru_.begin(), lru_, it->second.age);
    return;
  }
  lru_.push_front(order_id);
  entries_.emplace(order_id, Entry{std::move(signature), rendered, lru_.begin()});
  while (entries_.size() > capacity_) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

size_t OrderViewCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}
size_t OrderViewCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}
size_t OrderViewCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

} // namespace orders::host::core
