// inventory/local: the statements behind StockStore, each on one pooled
// connection. The statements of reserve, commit and release are prepared once
// per connection and re-executed (Connection::execute/select); start-up DDL
// and transaction control run as one-shot statements.
//
// One dialect serves SQLite and PostgreSQL: $n placeholders whose first uses
// appear in numeric order (SQLite numbers named parameters by first
// appearance), CAST around integer parameters (PostgreSQL receives them
// untyped), and INSERT ... ON CONFLICT DO NOTHING. Every write
// function runs one transaction of its own (BEGIN IMMEDIATE on SQLite) and
// rolls it back when it throws.
//
// Errors are exceptions here: Poco::Exception from the database, and
// sdk::DecodeError for a stored reservation whose lines are not valid JSON.
// StockStore turns both into Result errors; nothing else calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "connection_pool.hpp"
#include "stock_store.hpp"

namespace orders::plugins::inventory::sql {

// A new session for `connector` ("sqlite" or "postgresql"); SQLite sessions
// get busy_timeout and WAL.
Poco::Data::Session openSession(const std::string &connector, const std::string &connection);

// True for failures a fresh attempt usually gets past: a PostgreSQL deadlock
// victim, a SQLite lock wait that ran out.
bool isTransient(const std::string &message);

// Creates the tables when missing; conflict when the stored schema version is
// newer than this code's. PostgreSQL callers serialise on an advisory lock.
sdk::Result<bool> createSchema(Connection &connection, bool sqlite);

// Inserts the keys that have no row yet; answers how many were inserted.
int64_t seed(Connection &connection, bool sqlite, const Units &on_hand);

std::optional<Reservation> findByIdempotencyKey(Connection &connection, const std::string &key);

// In one transaction: inserts `candidate` unless its idempotency key is
// taken, then holds `demand` all or nothing; nothing is written unless held.
// too_few names the first key that lacked units in `short_key`.
enum class Hold { held, key_taken, too_few };
Hold hold(Connection &connection, bool sqlite, const Reservation &candidate, const Units &demand,
          std::string &short_key);
// In one transaction: expires held reservations whose expiry is before
// now_ms and gives their units back; answers how many units came back.
int64_t expire(Connection &connection, bool sqlite, int64_t now_ms);
// Units available now (on_hand - reserved) for each key of `keys`.
Units available(Connection &connection, const Units &keys);

// See StockStore::settle.
sdk::Result<std::string> settle(Connection &connection, bool sqlite, const std::string &id, Settlement how,
                                int64_t now_ms);
// Puts a committed reservation's units back on hand and marks it restocked:
// "restocked_now", or the status it already had ("restocked" when a retry
// or another caller did it; anything else was never consumed).
sdk::Result<std::string> restock(Connection &connection, bool sqlite, const std::string &id);

// Releases the held reservations of `reference`; answers how many.
int64_t releaseByReference(Connection &connection, bool sqlite, const std::string &reference);

// `SELECT 1` answered a row.
bool ping(Connection &connection);

} // namespace orders::plugins::inventory::sql
