// inventory/local: StockStore lends pooled connections to the statements in
// stock_sql.cpp and turns their exceptions into Result errors.
#include "stock_store.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Exception.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "connection_pool.hpp"
#include "orders/sdk/json.hpp"
#include "stock_sql.hpp"

namespace orders::plugins::inventory {

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

template <class T, class Work> sdk::Result<T> StockStore::run(Work &&work) {
  for (int attempt = 1;; ++attempt) {
    bool lost = false;
    try {
      ConnectionPool::Lease lease(*pool_); // back to the pool (or closed) before a retry
      try {
        return work(lease.connection());
      } catch (const Poco::Exception &) {
        lost = !lease.connection().connected();
        throw;
      }
    } catch (const Poco::Exception &e) {
      // The server dropped the session (it restarted, or an administrator
      // ended the backend): its idle siblings went with it, so they are
      // closed rather than tried one failure at a time, and the work runs
      // again on a fresh session. Every operation here is safe to run twice:
      // reserve replays by idempotency key, the others only move a row out
      // of the status they expect. A deadlock victim (PostgreSQL) or a lock
      // wait that ran out (SQLite) was rolled back whole; a fresh attempt
      // usually goes through too.
      if (lost) pool_->closeIdle();
      if (attempt < kAttempts && (lost || sql::isTransient(e.displayText()))) {
        if (!lost) std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
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
  auto pool = std::make_unique<ConnectionPool>(
      [connector, connection] { return sql::openSession(connector, connection); }, pool_size, kSessionWait);
  auto store = std::make_unique<StockStore>(std::move(pool), sqlite);
  auto created = store->run<bool>([sqlite](Connection &pooled) { return sql::createSchema(pooled, sqlite); });
  if (!created.ok()) return created.error();
  return store;
}

StockStore::StockStore(std::unique_ptr<ConnectionPool> pool, bool sqlite) : pool_(std::move(pool)), sqlite_(sqlite) {}

StockStore::~StockStore() = default;

sdk::Result<int64_t> StockStore::seed(const Units &on_hand) {
  if (on_hand.empty()) return int64_t{0};
  return run<int64_t>(
      [&](Connection &connection) -> sdk::Result<int64_t> { return sql::seed(connection, sqlite_, on_hand); });
}

sdk::Result<ReserveResult> StockStore::reserve(const Reservation &candidate, const Units &demand) {
  const int64_t now_ms = candidate.createdAtMs;
  return run<ReserveResult>([&](Connection &connection) -> sdk::Result<ReserveResult> {
    // Overdue holds go back at most once a second here (four round trips
    // per reserve instead of seven), and always before a refusal below.
    int64_t last = last_expiry_ms_.load();
    if ((now_ms - last >= 1000 || now_ms < last) && last_expiry_ms_.compare_exchange_strong(last, now_ms))
      sql::expire(connection, sqlite_, now_ms);
    auto known = [&]() -> sdk::Result<ReserveResult> {
      if (auto found = sql::findByIdempotencyKey(connection, candidate.idempotencyKey))
        return replay(std::move(*found));
      // Taken, then gone: only a database edited by hand does this.
      return sdk::internalError("reservation key " + candidate.idempotencyKey + " is taken but its row is gone");
    };
    std::string short_key;
    sql::Hold held = sql::hold(connection, sqlite_, candidate, demand, short_key);
    if (held == sql::Hold::key_taken) return known();
    if (held == sql::Hold::too_few && sql::expire(connection, sqlite_, now_ms) > 0) {
      held = sql::hold(connection, sqlite_, candidate, demand, short_key); // with what expired back on hand
      if (held == sql::Hold::key_taken) return known();
    }
    ReserveResult result;
    if (held == sql::Hold::held) {
      result.reserved = true;
      result.reservation = candidate;
      return result;
    }
    for (const auto &[key, units] : sql::available(connection, demand))
      if (key == short_key || units < demand.at(key)) result.shortages[key] = units;
    return result;
  });
}

sdk::Result<std::string> StockStore::settle(const std::string &id, Settlement how, int64_t now_ms) {
  return run<std::string>([&](Connection &connection) { return sql::settle(connection, sqlite_, id, how, now_ms); });
}

sdk::Result<std::string> StockStore::restock(const std::string &id) {
  return run<std::string>([&](Connection &connection) { return sql::restock(connection, sqlite_, id); });
}

sdk::Result<int64_t> StockStore::releaseHeldByReference(const std::string &reference) {
  return run<int64_t>([&](Connection &connection) -> sdk::Result<int64_t> {
    return sql::releaseByReference(connection, sqlite_, reference);
  });
}

sdk::Status StockStore::ping() {
  auto answered = run<bool>([](Connection &connection) -> sdk::Result<bool> { return sql::ping(connection); });
  if (!answered.ok()) return answered.error();
  if (!answered.value()) return sdk::unavailable("inventory database: SELECT 1 answered no row");
  return sdk::Status();
}

} // namespace orders::plugins::inventory
