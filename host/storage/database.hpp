// The order database: PostgreSQL (production) or SQLite (embedded default)
// behind one connection pool and a small dialect seam.
//
// `database.url` is postgresql://user:pass@host:port/db or sqlite:///path.
// Callers borrow a connection with lease() (blocks while all are in use) and
// run work in transaction(), which starts a *write* transaction the way each
// engine needs it (SQLite: BEGIN IMMEDIATE so concurrent writers queue on
// busy_timeout instead of deadlocking on lock upgrade), commits, or rolls
// back on any exception.
//
// Hot read paths use query(): a statement prepared once per connection and
// re-executed with a new parameter (one round trip instead of Poco's
// prepare/execute/deallocate three on PostgreSQL).
//
// Thread-safety: all members are safe to call from many threads; a leased
// connection (and its prepared statements) belongs to one thread until
// released.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::host::storage {

enum class Engine { postgres, sqlite };

class Database;

// One pooled connection and the statements prepared on it.
struct Connection {
  explicit Connection(Poco::Data::Session s) : session(std::move(s)) {}
  struct Prepared {
    std::string param;            // query(): bound by reference into `statement`
    std::shared_ptr<void> values; // exec(): a std::tuple bound by reference
    std::unique_ptr<Poco::Data::Statement> statement;
  };
  Poco::Data::Session session;
  std::map<std::string, Prepared> prepared;
};

// A borrowed connection; returned to the pool when destroyed.
class SessionLease {
public:
  SessionLease(Database &db, Connection *connection) : db_(db), connection_(connection) {}
  ~SessionLease();
  SessionLease(const SessionLease &) = delete;
  SessionLease &operator=(const SessionLease &) = delete;
  Poco::Data::Session &operator*() { return connection_->session; }
  Poco::Data::Session *operator->() { return &connection_->session; }

private:
  Database &db_;
  Connection *connection_;
};

class Database {
public:
  // Opens the pool and checks one connection. invalid_argument for a bad
  // URL, unavailable when the server cannot be reached.
  static sdk::Result<std::unique_ptr<Database>> open(const std::string &url, int pool_size);
  ~Database();

  Engine engine() const { return engine_; }
  const char *engineName() const { return engine_ == Engine::postgres ? "postgres" : "sqlite"; }

  std::unique_ptr<SessionLease> lease();

  // Runs `work` inside a write transaction. Exceptions roll back and
  // propagate. SQLite "database is locked" and PostgreSQL serialization
  // failures / deadlocks are retried a few times.
  void transaction(const std::function<void(Poco::Data::Session &)> &work);

  // For `work` that issues exactly one write statement: on PostgreSQL runs
  // it without BEGIN/COMMIT (the statement is its own transaction: one round
  // trip instead of three), retrying transient failures like transaction();
  // on SQLite the same as transaction().
  void autocommit(const std::function<void(Poco::Data::Session &)> &work);

  // Executes `sql` (one `$1` text parameter) with a statement prepared once
  // on `session`'s connection; read the result with Rows(statement).
  // `session` must be a leased one (or the one given to transaction()).
  Poco::Data::Statement &query(Poco::Data::Session &session, const std::string &sql, const std::string &param);

  // Executes a statement without results (INSERT, UPDATE) prepared once per
  // connection; `values` bind to $1..$n in order (int64_t, int, std::string,
  // Poco::Nullable<std::string>). Returns the affected row count. The same
  // `sql` must always come with the same value types.
  template <class... Ts> size_t exec(Poco::Data::Session &session, const std::string &sql, Ts... values);

  // " FOR UPDATE" on PostgreSQL, "" on SQLite (whose write transaction
  // already excludes other writers).
  const char *forUpdate() const { return engine_ == Engine::postgres ? " FOR UPDATE" : ""; }
  // " FOR UPDATE SKIP LOCKED" on PostgreSQL, "" on SQLite.
  const char *forUpdateSkipLocked() const { return engine_ == Engine::postgres ? " FOR UPDATE SKIP LOCKED" : ""; }

  // True when `e` says a unique constraint was violated.
  static bool isUniqueViolation(const std::exception &e);

private:
  friend class SessionLease;
  Database() = default;
  Connection &connectionOf(Poco::Data::Session &session);
  // After a failed attempt: waits and answers true when `e` is transient
  // (busy, serialization failure, deadlock) and attempts remain.
  static bool retryAfter(const std::exception &e, int attempt);
  Poco::Data::Session connect();
  void giveBack(Connection *connection);

  Engine engine_ = Engine::sqlite;
  std::string connector_;
  std::string connection_string_;
  int pool_size_ = 1;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> connections_; // owned, never shrinks
  std::vector<Connection *> idle_;
  std::map<const void *, Connection *> by_session_; // session impl -> its connection
};

template <class... Ts> size_t Database::exec(Poco::Data::Session &session, const std::string &sql, Ts... values) {
  using Tuple = std::tuple<Ts...>;
  Connection &connection = connectionOf(session);
  auto [entry, inserted] = connection.prepared.try_emplace(sql);
  Connection::Prepared &p = entry->second;
  if (inserted) {
    auto storage = std::make_shared<Tuple>(std::move(values)...);
    p.statement = std::make_unique<Poco::Data::Statement>(session);
    *p.statement << sql;
    std::apply([&](auto &...v) { ((*p.statement, Poco::Data::Keywords::use(v)), ...); }, *storage);
    p.values = storage;
  } else {
    *std::static_pointer_cast<Tuple>(p.values) = Tuple(std::move(values)...);
  }
  try {
    return p.statement->execute();
  } catch (...) {
    connection.prepared.erase(entry); // never reuse a statement in an unknown state
    throw;
  }
}

} // namespace orders::host::storage
