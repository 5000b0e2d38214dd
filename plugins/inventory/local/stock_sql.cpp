// inventory/local: the statements behind StockStore (dialect notes in stock_sql.hpp).
#include "stock_sql.hpp"

#include <Poco/Data/Binding.h>
#include <Poco/Data/Extraction.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <initializer_list>
#include <set>
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

// New SQLite sessions wait for the write lock instead of failing at once, and
// use WAL so that readers never block the writer.
class SqliteSessionPool final : public Poco::Data::SessionPool {
public:
  using Poco::Data::SessionPool::SessionPool;

protected:
  void customizeSession(Session &session) override {
    std::vector<Poco::Int64> timeout_ms;
    session << "PRAGMA busy_timeout = 10000", kw::into(timeout_ms), kw::now;
    std::vector<std::string> journal_mode;
    session << "PRAGMA journal_mode = WAL", kw::into(journal_mode), kw::now;
  }
};

// One write transaction; rolls back unless commit() succeeded.
class WriteTransaction {
public:
  WriteTransaction(Session &session, bool sqlite) : session_(session), sqlite_(sqlite) {
    // BEGIN IMMEDIATE takes SQLite's write lock up front: concurrent writers
    // queue in busy_timeout instead of failing when a reader upgrades.
    if (sqlite_)
      session_ << "BEGIN IMMEDIATE", kw::now;
    else
      session_.begin();
    open_ = true;
  }
  ~WriteTransaction() { rollback(); }
  WriteTransaction(const WriteTransaction &) = delete;
  WriteTransaction &operator=(const WriteTransaction &) = delete;

  void commit() {
    if (sqlite_)
      session_ << "COMMIT", kw::now;
    else
      session_.commit();
    open_ = false;
  }
  void rollback() noexcept {
    if (!open_) return;
    open_ = false;
    try {
      if (sqlite_)
        session_ << "ROLLBACK", kw::now;
      else
        session_.rollback();
    } catch (...) { // a broken session fails its next statement and the pool drops it
    }
  }

private:
  Session &session_;
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
std::optional<Reservation> findReservation(Session &session, const char *column, const std::string &value) {
  std::vector<std::string> ids, references, keys, statuses, lines;
  std::vector<Poco::Int64> created, expires;
  Statement query(session);
  query << "SELECT id, reference, idempotency_key, status, lines, created_at_ms, expires_at_ms "
           "FROM inventory_reservations WHERE "
        << column << " = $1",
      kw::into(ids), kw::into(references), kw::into(keys), kw::into(statuses), kw::into(lines), kw::into(created),
      kw::into(expires), kw::bind(value);
  query.execute();
  if (ids.empty()) return std::nullopt;
  return Reservation{ids[0], references[0], keys[0], statuses[0], lines[0], created[0], expires[0]};
}

// Held reservations matching `condition` (one $1 parameter), ordered by id.
template <class Param>
void findHeld(Session &session, const char *condition, Param param, std::vector<std::string> &ids,
              std::vector<std::string> &lines) {
  Statement query(session);
  query << "SELECT id, lines FROM inventory_reservations WHERE status = 'held' AND " << condition << " ORDER BY id",
      kw::into(ids), kw::into(lines), kw::bind(param);
  query.execute();
}

// Moves one reservation out of `held`; false when it no longer was (another
// caller settled it first).
bool claimHeld(Session &session, const std::string &id, const std::string &to_status) {
  Statement update(session);
  update << "UPDATE inventory_reservations SET status = $1 WHERE id = $2 AND status = 'held'", kw::bind(to_status),
      kw::bind(id);
  return update.execute() > 0;
}

enum class StockChange { hold, unhold, consume };

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
  }
  return "";
}

// False when no row matched: an unknown product, or too few units to hold.
bool changeStock(Session &session, StockChange change, const std::string &key, int64_t quantity) {
  Statement update(session);
  update << sqlFor(change), kw::bind(Poco::Int64{quantity}), kw::bind(key);
  return update.execute() > 0;
}

void changeAll(Session &session, StockChange change, const Units &units) {
  for (const auto &[key, quantity] : units)
    changeStock(session, change, key, quantity);
}

// Gives back `returned` and holds `wanted` in one pass over the keys in order,
// so concurrent PostgreSQL writers lock rows in the same order. Answers the
// first key that had too few units.
std::optional<std::string> returnAndHold(Session &session, const Units &returned, const Units &wanted) {
  std::set<std::string> keys;
  for (const auto &entry : returned)
    keys.insert(entry.first);
  for (const auto &entry : wanted)
    keys.insert(entry.first);
  for (const std::string &key : keys) {
    if (auto it = returned.find(key); it != returned.end()) changeStock(session, StockChange::unhold, key, it->second);
    if (auto it = wanted.find(key); it != wanted.end() && !changeStock(session, StockChange::hold, key, it->second))
      return key;
  }
  return std::nullopt;
}

// Expires held reservations whose expiry is before now_ms; answers their units.
Units expireOverdue(Session &session, int64_t now_ms) {
  std::vector<std::string> ids, lines;
  findHeld(session, "expires_at_ms < CAST($1 AS BIGINT)", Poco::Int64{now_ms}, ids, lines);
  Units returned;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (claimHeld(session, ids[i], "expired")) addUnits(returned, demandOf(lines[i]));
  return returned;
}

Units availableUnits(Session &session, const Units &keys) {
  Units available;
  for (const auto &entry : keys) {
    std::vector<Poco::Int64> units;
    Statement query(session);
    query << "SELECT on_hand - reserved FROM inventory_stock WHERE product_key = $1", kw::into(units),
        kw::bind(entry.first);
    query.execute();
    available[entry.first] = units.empty() ? 0 : units.front();
  }
  return available;
}

} // namespace

std::unique_ptr<Poco::Data::SessionPool> makePool(const std::string &connector, const std::string &connection,
                                                  int pool_size) {
  if (connector == "sqlite") return std::make_unique<SqliteSessionPool>(connector, connection, 1, pool_size, 60);
  return std::make_unique<Poco::Data::SessionPool>(connector, connection, 1, pool_size, 60);
}

bool isTransient(const std::string &message) {
  for (const char *marker :
       {"deadlock detected", "could not serialize", "database is locked", "database table is locked"})
    if (message.find(marker) != std::string::npos) return true;
  return false;
}

sdk::Result<bool> createSchema(Session &session, bool sqlite) {
  WriteTransaction tx(session, sqlite);
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

int64_t seed(Session &session, bool sqlite, const Units &on_hand) {
  WriteTransaction tx(session, sqlite);
  int64_t inserted = 0;
  for (const auto &[key, units] : on_hand) {
    Statement insert(session);
    insert << "INSERT INTO inventory_stock (product_key, on_hand, reserved) VALUES ($1, CAST($2 AS BIGINT), 0) "
              "ON CONFLICT (product_key) DO NOTHING",
        kw::bind(key), kw::bind(Poco::Int64{units});
    inserted += static_cast<int64_t>(insert.execute());
  }
  tx.commit();
  return inserted;
}

std::optional<Reservation> findByIdempotencyKey(Session &session, const std::string &key) {
  return findReservation(session, "idempotency_key", key);
}

ReserveResult hold(Session &session, bool sqlite, const Reservation &candidate, const Units &demand) {
  WriteTransaction tx(session, sqlite);
  const Units returned = expireOverdue(session, candidate.createdAtMs);
  session << "SAVEPOINT reserve_lines", kw::now;
  ReserveResult result;
  if (const std::optional<std::string> refused = returnAndHold(session, returned, demand)) {
    // Undo the holds but keep the expiries: they are due whatever this request gets.
    session << "ROLLBACK TO SAVEPOINT reserve_lines", kw::now;
    changeAll(session, StockChange::unhold, returned);
    for (const auto &[key, available] : availableUnits(session, demand))
      if (key == *refused || available < demand.at(key)) result.shortages[key] = available;
    tx.commit();
    return result;
  }
  Statement insert(session);
  insert << "INSERT INTO inventory_reservations "
            "(id, reference, idempotency_key, status, lines, created_at_ms, expires_at_ms) "
            "VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT), CAST($7 AS BIGINT))",
      kw::bind(candidate.id), kw::bind(candidate.reference), kw::bind(candidate.idempotencyKey),
      kw::bind(candidate.status), kw::bind(candidate.linesJson), kw::bind(Poco::Int64{candidate.createdAtMs}),
      kw::bind(Poco::Int64{candidate.expiresAtMs});
  insert.execute();
  tx.commit();
  result.reserved = true;
  result.reservation = candidate;
  return result;
}

sdk::Result<std::string> settle(Session &session, bool sqlite, const std::string &id, Settlement how, int64_t now_ms) {
  WriteTransaction tx(session, sqlite);
  const std::optional<Reservation> found = findReservation(session, "id", id);
  if (!found) return sdk::notFound("reservation " + id + " not found");
  if (found->status != "held") return found->status;
  std::string outcome = how == Settlement::commit ? "committed" : "released";
  // A hold past its expiry gives its stock back even if no reserve() swept it
  // yet, so a late commit gets the same answer whenever it arrives.
  if (how == Settlement::commit && found->expiresAtMs < now_ms) outcome = "expired";
  if (!claimHeld(session, id, outcome)) {
    tx.rollback(); // settled meanwhile by another caller (PostgreSQL): answer what it did
    const std::optional<Reservation> settled = findReservation(session, "id", id);
    if (!settled) return sdk::notFound("reservation " + id + " not found");
    return settled->status;
  }
  changeAll(session, outcome == "committed" ? StockChange::consume : StockChange::unhold, demandOf(found->linesJson));
  tx.commit();
  return outcome;
}

int64_t releaseByReference(Session &session, bool sqlite, const std::string &reference) {
  WriteTransaction tx(session, sqlite);
  std::vector<std::string> ids, lines;
  findHeld(session, "reference = $1", reference, ids, lines);
  Units returned;
  int64_t released = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!claimHeld(session, ids[i], "released")) continue;
    addUnits(returned, demandOf(lines[i]));
    ++released;
  }
  changeAll(session, StockChange::unhold, returned);
  tx.commit();
  return released;
}

bool ping(Session &session) {
  std::vector<Poco::Int64> one;
  session << "SELECT 1", kw::into(one), kw::now;
  return !one.empty();
}

} // namespace orders::plugins::inventory::sql
