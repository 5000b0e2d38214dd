// inventory/local: the statements behind StockStore (dialect notes in stock_sql.hpp).
#include "stock_sql.hpp"

#include <Poco/Data/Binding.h>
#include <Poco/Data/Extraction.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <tuple>
#include <vector>

#include "orders/sdk/json.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::inventory::sql {

using Poco::Data::Session;
using Poco::Data::Statement;
namespace kw = Poco::Data::Keywords;

namespace {

constexpr Poco::Int64 kSchemaVersion = 1;

const char *const kCreateTables[] = {
    "CREATE TABLE IF NOT EXISTS inventory_schema (version BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS inventory_stock ("
    "product_key TEXT PRIMARY KEY, "
    "on_hand BIGINT NOT NULL, "
    "reserved BIGINT NOT NULL DEFAULT 0, "
    "CHECK (reserved >= 0), "
    "CHECK (reserved <= on_hand))",
    "CREATE TABLE IF NOT EXISTS inventory_reservations ("
    "id TEXT PRIMARY KEY, "
    "reference TEXT NOT NULL, "
    "idempotency_key TEXT NOT NULL UNIQUE, "
    "status TEXT NOT NULL, "
    "lines TEXT NOT NULL, "
    "created_at_ms BIGINT NOT NULL, "
    "expires_at_ms BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS inventory_reservations_by_status ON inventory_reservations (status, expires_at_ms)",
    "CREATE INDEX IF NOT EXISTS inventory_reservations_by_reference ON inventory_reservations (reference)",
};

// One write transaction; rolls back unless commit() succeeded.
class WriteTransaction {
public:
  WriteTransaction(Connection &connection, bool sqlite) : connection_(connection), sqlite_(sqlite) {
    // BEGIN IMMEDIATE takes SQLite's write lock up front: concurrent writers
    // queue in busy_timeout instead of failing when a reader upgrades.
    if (sqlite_)
      connection_.session() << "BEGIN IMMEDIATE", kw::now;
    else
      connection_.session().begin();
    open_ = true;
  }
  ~WriteTransaction() { rollback(); }
  WriteTransaction(const WriteTransaction &) = delete;
  WriteTransaction &operator=(const WriteTransaction &) = delete;

  void commit() {
    if (sqlite_)
      connection_.session() << "COMMIT", kw::now;
    else
      connection_.session().commit();
    open_ = false;
  }
  void rollback() noexcept {
    if (!open_) return;
    open_ = false;
    try {
      if (sqlite_)
        connection_.session() << "ROLLBACK", kw::now;
      else
        connection_.session().rollback();
    } catch (const Poco::Exception &e) {
      // SQLite ends the transaction itself after some errors (SQLITE_FULL,
      // SQLITE_IOERR); otherwise it may still be open, and the pool must
      // close the session instead of lending it again.
      if (e.displayText().find("no transaction is active") == std::string::npos) connection_.markBroken();
    } catch (...) {
      connection_.markBroken();
    }
  }

private:
  Connection &connection_;
  const bool sqlite_;
  bool open_ = false;
};

Units demandOf(const std::string &lines_json) {
  Units units;
  for (const sdk::StockLine &line : sdk::fromJsonOrThrow<std::vector<sdk::StockLine>>(sdk::parseJson(lines_json)))
    units[productKey(line.productId, line.variantId)] += line.quantity;
  return units;
}

void addUnits(Units &total, const Units &more) {
  for (const auto &[key, quantity] : more)
    total[key] += quantity;
}

// `column` is a trusted column name, never input.
std::optional<Reservation> findReservation(Connection &connection, const char *column, const std::string &value) {
  auto [ids, references, keys, statuses, lines, created, expires] =
      connection.select<std::string, std::string, std::string, std::string, std::string, Poco::Int64, Poco::Int64>(
          std::string("SELECT id, reference, idempotency_key, status, lines, created_at_ms, expires_at_ms "
                      "FROM inventory_reservations WHERE ") +
              column + " = $1",
          value);
  if (ids.empty()) return std::nullopt;
  return Reservation{ids[0], references[0], keys[0], statuses[0], lines[0], created[0], expires[0]};
}

// Held reservations matching `condition` (one $1 parameter), ordered by id:
// their ids and their lines.
template <class Param>
std::tuple<std::vector<std::string>, std::vector<std::string>> findHeld(Connection &connection, const char *condition,
                                                                        const Param &param) {
  return connection.select<std::string, std::string>(
      std::string("SELECT id, lines FROM inventory_reservations WHERE status = 'held' AND ") + condition +
          " ORDER BY id",
      param);
}

// Moves one reservation out of `held`; false when it no longer was (another
// caller settled it first).
bool claimHeld(Connection &connection, const std::string &id, const std::string &to_status) {
  return connection.execute("UPDATE inventory_reservations SET status = $1 WHERE id = $2 AND status = 'held'",
                            to_status, id) > 0;
}

enum class StockChange { hold, unhold, consume, restock };

const char *sqlFor(StockChange change) {
  switch (change) {
  case StockChange::hold:
    return "UPDATE inventory_stock SET reserved = reserved + CAST($1 AS BIGINT) "
           "WHERE product_key = $2 AND on_hand - reserved >= CAST($1 AS BIGINT)";
  case StockChange::unhold:
    return "UPDATE inventory_stock SET reserved = reserved - CAST($1 AS BIGINT) WHERE product_key = $2";
  case StockChange::consume:
    return "UPDATE inventory_stock "
           "SET on_hand = on_hand - CAST($1 AS BIGINT), reserved = reserved - CAST($1 AS BIGINT) "
           "WHERE product_key = $2";
  case StockChange::restock:
    return "UPDATE inventory_stock SET on_hand = on_hand + CAST($1 AS BIGINT) WHERE product_key = $2";
  }
  return "";
}

// False when no row matched: an unknown product, or too few units to hold.
bool changeStock(Connection &connection, StockChange change, const std::string &key, int64_t quantity) {
  return connection.execute(sqlFor(change), Poco::Int64{quantity}, key) > 0;
}

void changeAll(Connection &connection, StockChange change, const Units &units) {
  for (const auto &[key, quantity] : units)
    changeStock(connection, change, key, quantity);
}

// Gives back `returned` and holds `wanted` in one pass over the keys in order,
// so concurrent PostgreSQL writers lock rows in the same order. Answers the
// first key that had too few units.
std::optional<std::string> returnAndHold(Connection &connection, const Units &returned, const Units &wanted) {
  std::set<std::string> keys;
  for (const auto &entry : returned)
    keys.insert(entry.first);
  for (const auto &entry : wanted)
    keys.insert(entry.first);
  for (const std::string &key : keys) {
    if (auto it = returned.find(key); it != returned.end())
      changeStock(connection, StockChange::unhold, key, it->second);
    if (auto it = wanted.find(key); it != wanted.end() && !changeStock(connection, StockChange::hold, key, it->second))
      return key;
  }
  return std::nullopt;
}

// Expires held reservations whose expiry is before now_ms; answers their units.
Units expireOverdue(Connection &connection, int64_t now_ms) {
  const auto [ids, lines] = findHeld(connection, "expires_at_ms < CAST($1 AS BIGINT)", Poco::Int64{now_ms});
  Units returned;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (claimHeld(connection, ids[i], "expired")) addUnits(returned, demandOf(lines[i]));
  return returned;
}

Units availableUnits(Connection &connection, const Units &keys) {
  Units available;
  for (const auto &entry : keys) {
    const auto [units] = connection.select<Poco::Int64>(
        "SELECT on_hand - reserved FROM inventory_stock WHERE product_key = $1", entry.first);
    available[entry.first] = units.empty() ? 0 : units.front();
  }
  return available;
}

} // namespace

Session openSession(const std::string &connector, const std::string &connection) {
  Session session(connector, connection);
  if (connector == "sqlite") {
    // Wait for the write lock instead of failing at once, and use WAL so
    // that readers never block the writer.
    std::vector<Poco::Int64> timeout_ms;
    session << "PRAGMA busy_timeout = 10000", kw::into(timeout_ms), kw::now;
    std::vector<std::string> journal_mode;
    session << "PRAGMA journal_mode = WAL", kw::into(journal_mode), kw::now;
  }
  return session;
}

bool isTransient(const std::string &message) {
  for (const char *marker :
       {"deadlock detected", "could not serialize", "database is locked", "database table is locked"})
    if (message.find(marker) != std::string::npos) return true;
  return false;
}

sdk::Result<bool> createSchema(Connection &connection, bool sqlite) {
  Session &session = connection.session();
  WriteTransaction tx(connection, sqlite);
  if (!sqlite) {
    // Two processes starting together must not run CREATE TABLE IF NOT EXISTS
    // concurrently (it can fail on PostgreSQL's catalog); the second waits here.
    std::vector<std::string> locked;
    session << "SELECT CAST(pg_advisory_xact_lock(7314250001) AS TEXT)", kw::into(locked), kw::now;
    session << "SET LOCAL client_min_messages TO WARNING", kw::now; // no "already exists, skipping" notices
  }
  for (const char *ddl : kCreateTables)
    session << ddl, kw::now;
  std::vector<Poco::Int64> versions;
  session << "SELECT version FROM inventory_schema", kw::into(versions), kw::now;
  const Poco::Int64 version = versions.empty() ? 0 : *std::max_element(versions.begin(), versions.end());
  if (version > kSchemaVersion)
    return sdk::conflict("inventory database schema version " + std::to_string(version) +
                         " is newer than this plugin's (" + std::to_string(kSchemaVersion) + ")");
  if (versions.empty()) {
    Statement insert(session);
    insert << "INSERT INTO inventory_schema (version) VALUES (CAST($1 AS BIGINT))", kw::bind(kSchemaVersion);
    insert.execute();
  }
  tx.commit();
  return true;
}

int64_t seed(Connection &connection, bool sqlite, const Units &on_hand) {
  WriteTransaction tx(connection, sqlite);
  int64_t inserted = 0;
  for (const auto &[key, units] : on_hand)
    inserted += static_cast<int64_t>(
        connection.execute("INSERT INTO inventory_stock (product_key, on_hand, reserved) "
                           "VALUES ($1, CAST($2 AS BIGINT), 0) ON CONFLICT (product_key) DO NOTHING",
                           key, Poco::Int64{units}));
  tx.commit();
  return inserted;
}

std::optional<Reservation> findByIdempotencyKey(Connection &connection, const std::string &key) {
  return findReservation(connection, "idempotency_key", key);
}

Hold hold(Connection &connection, bool sqlite, const Reservation &candidate, const Units &demand,
          std::string &short_key) {
  WriteTransaction tx(connection, sqlite);
  // The reservation row first: a key already taken (a replay, or a twin
  // that got here first) writes nothing, and the stock rows, locked by the
  // holds, are then held only until the commit.
  if (connection.execute("INSERT INTO inventory_reservations "
                         "(id, reference, idempotency_key, status, lines, created_at_ms, expires_at_ms) "
                         "VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT), CAST($7 AS BIGINT)) "
                         "ON CONFLICT (idempotency_key) DO NOTHING",
                         candidate.id, candidate.reference, candidate.idempotencyKey, candidate.status,
                         candidate.linesJson, Poco::Int64{candidate.createdAtMs},
                         Poco::Int64{candidate.expiresAtMs}) == 0)
    return Hold::key_taken;                                        // the transaction rolls back
  if (auto refused = returnAndHold(connection, Units{}, demand)) { // all or nothing: rolled back
    short_key = *refused;
    return Hold::too_few;
  }
  tx.commit();
  return Hold::held;
}

int64_t expire(Connection &connection, bool sqlite, int64_t now_ms) {
  WriteTransaction tx(connection, sqlite);
  const Units returned = expireOverdue(connection, now_ms);
  changeAll(connection, StockChange::unhold, returned);
  tx.commit();
  int64_t units = 0;
  for (const auto &entry : returned)
    units += entry.second;
  return units;
}

Units available(Connection &connection, const Units &keys) { return availableUnits(connection, keys); }

sdk::Result<std::string> settle(Connection &connection, bool sqlite, const std::string &id, Settlement how,
                                int64_t now_ms) {
  WriteTransaction tx(connection, sqlite);
  const std::optional<Reservation> found = findReservation(connection, "id", id);
  if (!found) return sdk::notFound("reservation " + id + " not found");
  if (found->status != "held") return found->status;
  std::string outcome = how == Settlement::commit ? "committed" : "released";
  // A hold past its expiry gives its stock back even if no reserve() swept it
  // yet, so a late commit gets the same answer whenever it arrives.
  if (how == Settlement::commit && found->expiresAtMs < now_ms) outcome = "expired";
  if (!claimHeld(connection, id, outcome)) {
    tx.rollback(); // settled meanwhile by another caller (PostgreSQL): answer what it did
    const std::optional<Reservation> settled = findReservation(connection, "id", id);
    if (!settled) return sdk::notFound("reservation " + id + " not found");
    return settled->status;
  }
  changeAll(connection, outcome == "committed" ? StockChange::consume : StockChange::unhold,
            demandOf(found->linesJson));
  tx.commit();
  return outcome;
}

sdk::Result<std::string> restock(Connection &connection, bool sqlite, const std::string &id) {
  WriteTransaction tx(connection, sqlite);
  const std::optional<Reservation> found = findReservation(connection, "id", id);
  if (!found) return sdk::notFound("reservation " + id + " not found");
  if (found->status != "committed") return found->status; // restocked already, or never consumed
  if (connection.execute("UPDATE inventory_reservations SET status = 'restocked' WHERE id = $1 AND "
                         "status = 'committed'",
                         id) == 0) {
    tx.rollback(); // restocked meanwhile by another caller
    return std::string("restocked");
  }
  changeAll(connection, StockChange::restock, demandOf(found->linesJson));
  tx.commit();
  return std::string("restocked_now");
}

int64_t releaseByReference(Connection &connection, bool sqlite, const std::string &reference) {
  WriteTransaction tx(connection, sqlite);
  const auto [ids, lines] = findHeld(connection, "reference = $1", reference);
  Units returned;
  int64_t released = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!claimHeld(connection, ids[i], "released")) continue;
    addUnits(returned, demandOf(lines[i]));
    ++released;
  }
  changeAll(connection, StockChange::unhold, returned);
  tx.commit();
  return released;
}

bool ping(Connection &connection) {
  const auto [one] = connection.select<Poco::Int64>("SELECT 1");
  return !one.empty();
}

} // namespace orders::plugins::inventory::sql
