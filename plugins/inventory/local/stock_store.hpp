// inventory/local: the plugin's own tables behind a pool of database sessions
// (connection_pool.hpp) on which the hot statements are prepared once.
//
// StockStore owns three tables (created at open(), versioned by the row in
// inventory_schema):
//   inventory_stock(product_key, on_hand, reserved)      units per product key
//   inventory_reservations(id, reference, idempotency_key, status, lines,
//                          created_at_ms, expires_at_ms)  one row per hold
// and keeps `0 <= reserved <= on_hand` with conditional updates backed by
// CHECK constraints. Every write runs in one transaction: on SQLite it starts
// with BEGIN IMMEDIATE so writers queue on the file lock (busy_timeout)
// instead of failing on a lock upgrade; on PostgreSQL rows are locked in
// product-key order so concurrent writers do not deadlock.
//
// Thread-safety: every method may be called concurrently; each call borrows
// one pooled connection for its duration (waiting up to 10 s for a free one).
// Database failures come back as `unavailable` errors carrying the
// database's message; no exception escapes.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "orders/sdk/result.hpp"

namespace orders::plugins::inventory {

class ConnectionPool;

// Units per product key, ordered by key (the order rows are locked in).
using Units = std::map<std::string, int64_t>;

// The inventory_stock key: productId, or productId + ":" + variantId.
std::string productKey(const std::string &product_id, const std::optional<std::string> &variant_id);

// One row of inventory_reservations.
struct Reservation {
  std::string id;
  std::string reference;
  std::string idempotencyKey;
  std::string status;    // held | committed | released | expired
  std::string linesJson; // the StockLine[] of the reserve() request, as JSON
  int64_t createdAtMs = 0;
  int64_t expiresAtMs = 0;
};

struct ReserveResult {
  bool reserved = false; // `reservation` is set: a new hold, or a replay
  bool replayed = false; // the idempotency key was seen before
  Reservation reservation;
  Units shortages; // when !reserved: product key -> units available now
};

enum class Settlement { commit, release };

class StockStore {
public:
  // `connector` is "sqlite" or "postgresql" and `connection` its connection
  // string (see orders::dburl). Creates the tables when missing; fails when
  // the database is unreachable or its schema is newer than this code.
  static sdk::Result<std::unique_ptr<StockStore>> open(const std::string &connector, const std::string &connection,
                                                       int pool_size);
  // Prefer open(), which also creates the tables; this only takes the pool.
  StockStore(std::unique_ptr<ConnectionPool> pool, bool sqlite);
  ~StockStore();
  StockStore(const StockStore &) = delete;
  StockStore &operator=(const StockStore &) = delete;

  // Inserts on_hand for each key that has no row yet; existing rows keep
  // their stock. Returns how many rows were inserted.
  sdk::Result<int64_t> seed(const Units &on_hand);

  // Holds `demand` and stores `candidate` in one transaction, all or
  // nothing: when a key lacks units, no line is held and `shortages` names
  // every key that cannot be met. Held reservations whose expiry is before
  // candidate.createdAtMs give their units back first when the last such
  // sweep is a second old, and always before a refusal (which then tries
  // once more). A known idempotency key replays the stored reservation
  // whatever its status.
  sdk::Result<ReserveResult> reserve(const Reservation &candidate, const Units &demand);

  // Moves a held reservation to committed (on_hand and reserved drop) or
  // released (reserved drops) and answers the reservation's final status; a
  // reservation no longer held is left as it is. Committing a hold past its
  // expiry expires it instead. not_found for an unknown id.
  sdk::Result<std::string> settle(const std::string &id, Settlement how, int64_t now_ms);

  // Releases every held reservation made for `reference`; answers how many.
  // sql::restock in a transaction (with the retries every write gets).
  sdk::Result<std::string> restock(const std::string &id);
  sdk::Result<int64_t> releaseHeldByReference(const std::string &reference);

  // `SELECT 1` on a pooled connection.
  sdk::Status ping();

private:
  template <class T, class Work> sdk::Result<T> run(Work &&work);

  std::unique_ptr<ConnectionPool> pool_;
  const bool sqlite_;
  std::atomic<int64_t> last_expiry_ms_{0}; // reserve()'s last sweep of overdue holds
};

} // namespace orders::plugins::inventory
