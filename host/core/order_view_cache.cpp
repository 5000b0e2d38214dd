#include "core/order_view_cache.hpp"

#include <chrono>
#include <limits>

#include "storage/database.hpp"
#include "storage/order_view_query.hpp"

namespace orders::host::core {

namespace {
int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
constexpr int64_t kNeverChecked = std::numeric_limits<int64_t>::min() / 2;
} // namespace

OrderViewCache::OrderViewCache(storage::Database &db, size_t capacity, int64_t max_staleness_ms)
    : db_(db), capacity_(capacity), max_staleness_ms_(max_staleness_ms),
      enabled_(capacity > 0 && storage::OrderViewQuery(db).hasSignatures()) {
  if (enabled_) observer_ = db_.addCommitObserver([this](const std::vector<std::string> &ids) { invalidate(ids); });
}

OrderViewCache::~OrderViewCache() {
  if (observer_ != 0) db_.removeCommitObserver(observer_);
}

std::optional<RenderedOrder> OrderViewCache::get(const std::string &order_id, const Render &render) {
  storage::OrderViewQuery views(db_);
  uint64_t epoch = 0;
  if (enabled_) {
    auto [entry, at_epoch] = cached(order_id);
    epoch = at_epoch;
    const int64_t now = steadyMs();
    if (entry && now - entry->checked_at_ms < max_staleness_ms_) {
      std::lock_guard lock(mutex_);
      ++unchecked_;
      return entry->rendered;
    }
    if (entry) {
      auto lease = db_.lease();
      const auto current = views.signature(**lease, order_id);
      if (!current) return std::nullopt;
      if (*current == entry->signature) {
        checked(order_id, *current, now, epoch);
        return entry->rendered;
      }
    }
  }
  const int64_t read_at = steadyMs();
  auto lease = db_.lease();
  // The view and its signature come from one statement (one snapshot), so a
  // stored view is never older than the signature it is stored with.
  auto loaded = views.load(**lease, order_id);
  lease.reset();
  if (!loaded) return std::nullopt;
  OrderView view{std::move(loaded->order), std::move(loaded->payments), std::move(loaded->shipments)};
  RenderedOrder out{view.order.user_id, view.order.seller_id, std::make_shared<const std::string>(render(view))};
  if (enabled_) store(order_id, std::move(loaded->signature), out, read_at, epoch);
  return out;
}

std::pair<std::optional<OrderViewCache::Entry>, uint64_t> OrderViewCache::cached(const std::string &order_id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(order_id);
  if (it == entries_.end()) return {std::nullopt, epoch_};
  lru_.splice(lru_.begin(), lru_, it->second.age);
  return {it->second, epoch_};
}

void OrderViewCache::checked(const std::string &order_id, const std::string &signature, int64_t at_ms, uint64_t epoch) {
  std::lock_guard lock(mutex_);
  ++hits_;
  // Only when no local commit came in between: the entry found now may be
  // another one than was checked (dropped, then stored again from an older
  // read), whose signature only happens to match.
  if (epoch != epoch_) return;
  auto it = entries_.find(order_id);
  if (it != entries_.end() && it->second.signature == signature)
    it->second.checked_at_ms = std::max(it->second.checked_at_ms, at_ms);
}

void OrderViewCache::store(const std::string &order_id, std::string signature, const RenderedOrder &rendered,
                           int64_t at_ms, uint64_t epoch) {
  std::lock_guard lock(mutex_);
  ++misses_;
  // A local commit since the read began may be newer than this view: keep
  // it, but check it against the database before it answers again.
  const int64_t checked_at = epoch == epoch_ ? at_ms : kNeverChecked;
  auto it = entries_.find(order_id);
  if (it != entries_.end()) {
    it->second.signature = std::move(signature);
    it->second.rendered = rendered;
    it->second.checked_at_ms = checked_at;
    lru_.splice(lru_.begin(), lru_, it->second.age);
    return;
  }
  lru_.push_front(order_id);
  entries_.emplace(order_id, Entry{std::move(signature), rendered, checked_at, lru_.begin()});
  while (entries_.size() > capacity_) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

void OrderViewCache::invalidate(const std::vector<std::string> &order_ids) {
  std::lock_guard lock(mutex_);
  ++epoch_;
  for (const std::string &id : order_ids) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    lru_.erase(it->second.age);
    entries_.erase(it);
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
size_t OrderViewCache::unchecked() const {
  std::lock_guard lock(mutex_);
  return unchecked_;
}

} // namespace orders::host::core
