// inventory/local: StockStore lends pooled sessions to the statements in
// stock_sql.cpp and turns their exceptions into Result errors.
#include "stock_store.hpp"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>

#include <chrono>
#include <thread>

#include "orders/sdk/json.hpp"
#include "stock_sql.hpp"

namespace orders::plugins::inventory {

using Poco::Data::Session;

namespace {

constexpr int kAttempts = 3;
constexpr auto kSessionWait = std::chrono::seconds(10);

void registerConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

ReserveResult replay(Reservation known) {
  ReserveResult result;
  result.reserved = true;
  result.replayed = true;
  result.reservation = std::move(known);
  return result;
}

} // namespace

std::string productKey(const std::string &product_id, const std::optional<std::string> &variant_id) {
  return variant_id ? product_id + ":" + *variant_id : product_id;
}

// A pooled session plus the slot that entitles the caller to it.
class StockStore::Lease {
public:
  explicit Lease(StockStore &store) : slot_(store), session_(store.pool_->get()) {}
  ~Lease() {
    try {
      session_.close(); // back to the pool before the slot is freed, so the pool never sees one caller too many
    } catch (...) {
    }
  }
  Lease(const Lease &) = delete;
  Lease &operator=(const Lease &) = delete;
  Session &session() { return session_; }

private:
  struct Slot {
    explicit Slot(StockStore &owner) : store(owner) { store.acquireSlot(); }
    ~Slot() { store.releaseSlot(); }
    StockStore &store;
  };
  Slot slot_;
  Session session_;
};

template <class T, class Work> sdk::Result<T> StockStore::run(Work &&work) {
  for (int attempt = 1;; ++attempt) {
    try {
      Lease lease(*this);
      return work(lease.session());
    } catch (const Poco::Exception &e) {
      // A deadlock victim (PostgreSQL) or a lock wait that ran out (SQLite)
      // was rolled back whole; a fresh attempt usually goes through.
      if (attempt < kAttempts && sql::isTransient(e.displayText())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
        continue;
      }
      return sdk::unavailable("inventory database: " + e.displayText());
    } catch (const sdk::DecodeError &e) {
      return sdk::internalError(std::string("inventory database holds an unreadable reservation: ") + e.what());
    }
  }
}

sdk::Result<std::unique_ptr<StockStore>> StockStore::open(const std::string &connector, const std::string &connection,
                                                          int pool_size) {
  if (connector != "sqlite" && connector != "postgresql")
    return sdk::invalidArgument("database connector '" + connector + "' is not supported");
  registerConnectors();
  const bool sqlite = connector == "sqlite";
  // Every connection to ":memory:" opens a database of its own: keep one.
  if (sqlite && connection == ":memory:") pool_size = 1;
  std::unique_ptr<StockStore> store;
  try {
    store = std::make_unique<StockStore>(sql::makePool(connector, connection, pool_size), sqlite, pool_size);
  } catch (const Poco::Exception &e) {
    return sdk::unavailable("inventory database: " + e.displayText());
  }
  auto created = store->run<bool>([sqlite](Session &session) { return sql::createSchema(session, sqlite); });
  if (!created.ok()) return created.error();
  return store;
}

StockStore::StockStore(std::unique_ptr<Poco::Data::SessionPool> pool, bool sqlite, int pool_size)
    : pool_(std::move(pool)), sqlite_(sqlite), pool_size_(pool_size), free_slots_(pool_size) {}

StockStore::~StockStore() = default;

sdk::Result<int64_t> StockStore::seed(const Units &on_hand) {
  if (on_hand.empty()) return int64_t{0};
  return run<int64_t>([&](Session &session) -> sdk::Result<int64_t> { return sql::seed(session, sqlite_, on_hand); });
}

sdk::Result<ReserveResult> StockStore::reserve(const Reservation &candidate, const Units &demand) {
  return run<ReserveResult>([&](Session &session) -> sdk::Result<ReserveResult> {
    if (auto known = sql::findByIdempotencyKey(session, candidate.idempotencyKey)) return replay(std::move(*known));
    try {
      return sql::hold(session, sqlite_, candidate, demand);
    } catch (const Poco::Exception &) {
      // Two callers with one idempotency key both passed the check above; the
      // loser's INSERT hit the UNIQUE key, and it answers with the winner's hold.
      if (auto known = sql::findByIdempotencyKey(session, candidate.idempotencyKey)) return replay(std::move(*known));
      throw;
    }
  });
}

sdk::Result<std::string> StockStore::settle(const std::string &id, Settlement how, int64_t now_ms) {
  return run<std::string>([&](Session &session) { return sql::settle(session, sqlite_, id, how, now_ms); });
}

sdk::Result<int64_t> StockStore::releaseHeldByReference(const std::string &reference) {
  return run<int64_t>(
      [&](Session &session) -> sdk::Result<int64_t> { return sql::releaseByReference(session, sqlite_, reference); });
}

sdk::Status StockStore::ping() {
  auto answered = run<bool>([](Session &session) -> sdk::Result<bool> { return sql::ping(session); });
  if (!answered.ok()) return answered.error();
  if (!answered.value()) return sdk::unavailable("inventory database: SELECT 1 answered no row");
  return sdk::Status();
}

void StockStore::acquireSlot() {
  std::unique_lock lock(slots_mutex_);
  if (!slots_freed_.wait_for(lock, kSessionWait, [this] { return free_slots_ > 0; }))
    throw Poco::Data::SessionPoolExhaustedException("all " + std::to_string(pool_size_) +
                                                    " database sessions stayed busy for 10 s");
  --free_slots_;
}

void StockStore::releaseSlot() noexcept {
  {
    std::lock_guard lock(slots_mutex_);
    ++free_slots_;
  }
  slots_freed_.notify_one();
}

} // namespace orders::plugins::inventory
