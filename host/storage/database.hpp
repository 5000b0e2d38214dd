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
// Writes on PostgreSQL go through libpq's pipeline mode (storage/
// pg_pipeline.hpp). Inside pipelined(), write() only queues a statement; the
// queue goes out in the same round trip as the next exec() or the COMMIT,
// or in a round trip of its own just before the next query() (Poco reads
// the rows), and BEGIN goes out with the first of them. A transaction of N
// writes costs one round trip instead of N + 2. Its errors (a unique
// violation, say) surface there, and roll the whole transaction back as
// before.
//
// Thread-safety: all members are safe to call from many threads; a leased
// connection (and its prepared statements) belongs to one thread until
// released.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "orders/sdk/result.hpp"
#include "storage/pg_pipeline.hpp"
#include "storage/rows.hpp"

namespace orders::host::storage {

enum class Engine { postgres, sqlite };

class Database;

// One pooled connection and the statements prepared on it.
struct Connection {
  explicit Connection(Poco::Data::Session s) : session(std::move(s)) {}
  struct Prepared {
    std::vector<std::string> params; // query(): sized once, each bound by reference into `statement`
    std::shared_ptr<void> values;    // exec(): a std::tuple bound by reference
    std::unique_ptr<Poco::Data::Statement> statement;
  };
  Poco::Data::Session session;
  std::map<std::string, Prepared> prepared;
  // PostgreSQL: statements prepared through libpq (SQL -> name), writes
  // queued by write() inside pipelined(), and whether that transaction's
  // BEGIN is still to be sent / was sent.
  std::unordered_map<std::string, std::string> pq_prepared;
  std::vector<pg::Statement> queued;
  bool pipelining = false;
  bool begin_pending = false;
  bool begun = false;
  // Orders touch()ed by the running transaction() / pipelined() /
  // autocommit() (in_work), for the commit observers.
  bool in_work = false;
  std::vector<std::string> touched;
  bool broken = false; // PostgreSQL: left unusable by a failed round trip; replaced at the next lease
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
  // lease() waits at most `lease_timeout_ms` for a free connection, then
  // throws DbError(unavailable).
  static sdk::Result<std::unique_ptr<Database>> open(const std::string &url, int pool_size,
                                                     int lease_timeout_ms = 5000);
  ~Database();

  Engine engine() const { return engine_; }
  // One `SELECT 1` on a leased connection; throws what the lease or the
  // statement threw (DbError unavailable when the database is away).
  void ping();
  const char *engineName() const { return engine_ == Engine::postgres ? "postgres" : "sqlite"; }

  // The pool as /metrics shows it: leases that found every connection busy
  // and waited (and for how long in all), those that waited in vain
  // (lease_timeout_ms), and the connections now open and idle.
  struct PoolStats {
    uint64_t waits = 0;
    double wait_seconds = 0;
    uint64_t timeouts = 0;
    int size = 0;
    int open = 0;
    int idle = 0;
  };
  PoolStats poolStats() const;

  // A free connection (a new one while the pool is below pool_size).
  // Throws DbError(unavailable) when none comes free within the lease
  // timeout or the server cannot be reached.
  std::unique_ptr<SessionLease> lease();

  // Runs `work` inside a write transaction. Exceptions roll back and
  // propagate. SQLite "database is locked" and PostgreSQL serialization
  // failures / deadlocks are retried a few times.
  void transaction(const std::function<void(Poco::Data::Session &)> &work);

  // transaction() in which write() queues (PostgreSQL; on SQLite the same as
  // transaction()). `work` must issue every statement through query(),
  // exec() and write(): a statement sent around them (Poco's `session <<`)
  // could run before the BEGIN or before queued writes.
  void pipelined(const std::function<void(Poco::Data::Session &)> &work);

  // For `work` that issues exactly one write statement: on PostgreSQL runs
  // it without BEGIN/COMMIT (the statement is its own transaction: one round
  // trip instead of three), retrying transient failures like transaction();
  // on SQLite the same as transaction().
  void autocommit(const std::function<void(Poco::Data::Session &)> &work);

  // Executes `sql` (one `$1` text parameter) with a statement prepared once
  // on `session`'s connection; read the result with Rows(result).
  // `session` must be a leased one (or the one given to transaction()).
  // On PostgreSQL through libpq: BEGIN (when pending), the writes queued
  // before it and the query go out in one round trip, and the rows come
  // back as text.
  QueryResult query(Poco::Data::Session &session, const std::string &sql, const std::string &param);
  // The same with `params` bound to $1..$n as text (cast in the SQL where a
  // number is meant: CAST($2 AS BIGINT)). A given `sql` must always come
  // with as many params; keep the set of distinct `sql` texts small (values
  // such as LIMIT belong in params), since each stays prepared.
  QueryResult query(Poco::Data::Session &session, const std::string &sql, const std::vector<std::string> &params);

  // Executes a statement without results (INSERT, UPDATE) prepared once per
  // connection; `values` bind to $1..$n in order (int64_t, int, std::string,
  // Poco::Nullable<std::string>). Returns the affected row count. The same
  // `sql` must always come with the same value types.
  template <class... Ts> size_t exec(Poco::Data::Session &session, const std::string &sql, Ts... values);

  // exec() for a write whose affected row count nobody needs: inside
  // pipelined() on PostgreSQL it is queued for the next round trip (see the
  // top of this file); elsewhere it runs at once.
  template <class... Ts> void write(Poco::Data::Session &session, const std::string &sql, Ts... values);

  // " FOR UPDATE" on PostgreSQL, "" on SQLite (whose write transaction
  // already excludes other writers).
  const char *forUpdate() const { return engine_ == Engine::postgres ? " FOR UPDATE" : ""; }
  // " FOR UPDATE SKIP LOCKED" on PostgreSQL, "" on SQLite.
  const char *forUpdateSkipLocked() const { return engine_ == Engine::postgres ? " FOR UPDATE SKIP LOCKED" : ""; }

  // Notes that the running work changed `order_id`'s order, item, payment
  // or shipment rows. Once it has committed (at once when no transaction(),
  // pipelined() or autocommit() is running on `session`) every commit
  // observer hears of it; core::OrderViewCache drops the order's view.
  void touch(Poco::Data::Session &session, const std::string &order_id);
  using CommitObserver = std::function<void(const std::vector<std::string> &order_ids)>;
  // Returns a handle for removeCommitObserver(). Observers run on the
  // committing thread, after the commit: they must be quick and not throw.
  size_t addCommitObserver(CommitObserver observer);
  void removeCommitObserver(size_t handle);

  // Drops a statement whose execute() threw without destroying it. Poco
  // 1.12's PostgreSQL executor frees the previous result when it executes
  // again but keeps the pointer; when that execute fails, the statement's
  // destructor frees the same result a second time (the server aborted with
  // "double free" after PostgreSQL restarted under load). The failed
  // statement is leaked on purpose (a few hundred bytes per failure; it pins
  // no connection) and prepared afresh the next time.
  static void abandon(Connection &connection, std::map<std::string, Connection::Prepared>::iterator entry);

  // True when `e` says a unique constraint was violated (SQLSTATE 23505;
  // SQLite's UNIQUE constraint).
  static bool isUniqueViolation(const std::exception &e);

private:
  friend class SessionLease;
  Database() = default;
  Connection &connectionOf(Poco::Data::Session &session);
  // After a failed attempt: true when `e` is transient (busy,
  // serialization failure, deadlock) and attempts remain. The caller waits
  // (pauseBefore) after giving its connection back.
  static bool retryAfter(const std::exception &e, int attempt);
  static void pauseBefore(int attempt);
  // After a Poco statement on `connection` threw: a connection the server
  // dropped is marked broken and the failure rethrown as DbError(unavailable).
  void checkAlive(Connection &connection);
  Poco::Data::Session connect();
  void giveBack(Connection *connection);
  void run(const std::function<void(Poco::Data::Session &)> &work, bool pipelining);
  // PostgreSQL: sends the queued writes (after BEGIN when pending, before
  // `trailer` when given) in one round trip; the last one's row count, and
  // its rows in `rows` when given.
  size_t flush(Connection &connection, const char *trailer, pg::ResultSet *rows = nullptr);
  static void endTransaction(Connection &connection);
  void committed(Connection &connection); // tells the observers, forgets the touched orders

  Engine engine_ = Engine::sqlite;
  std::string connector_;
  std::string connection_string_;
  int pool_size_ = 1;
  int lease_timeout_ms_ = 5000;
  std::atomic<uint64_t> pool_waits_{0};
  std::atomic<uint64_t> pool_wait_us_{0};
  std::atomic<uint64_t> pool_timeouts_{0};
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> connections_; // owned, never shrinks
  std::vector<Connection *> idle_;
  std::map<const void *, Connection *> by_session_; // session impl -> its connection
  std::mutex observers_mutex_;
  std::map<size_t, CommitObserver> observers_;
  size_t next_observer_ = 1;
};

namespace pg {
inline std::optional<std::string> text(const std::string &v) { return v; }
inline std::optional<std::string> text(const char *v) { return std::string(v); }
inline std::optional<std::string> text(const Poco::Nullable<std::string> &v) {
  return v.isNull() ? std::nullopt : std::optional<std::string>(v.value());
}
template <class T> std::enable_if_t<std::is_integral_v<T>, std::optional<std::string>> text(T v) {
  return std::to_string(v);
}
template <class... Ts> Statement statement(const std::string &sql, const Ts &...values) {
  return Statement{sql, {text(values)...}};
}
} // namespace pg

template <class... Ts> void Database::write(Poco::Data::Session &session, const std::string &sql, Ts... values) {
  if (engine_ == Engine::postgres) {
    Connection &connection = connectionOf(session);
    if (connection.pipelining) {
      connection.queued.push_back(pg::statement(sql, values...));
      return;
    }
  }
  exec(session, sql, std::move(values)...);
}

template <class... Ts> size_t Database::exec(Poco::Data::Session &session, const std::string &sql, Ts... values) {
  // Poco binds a `const char *` by copying the text once, when the cached
  // statement is first prepared: later executions would repeat that value.
  static_assert(!(std::is_same_v<Ts, const char *> || ...), "bind a std::string, not a const char *");
  using Tuple = std::tuple<Ts...>;
  Connection &connection = connectionOf(session);
  if (engine_ == Engine::postgres) {
    connection.queued.push_back(pg::statement(sql, values...));
    return flush(connection, nullptr);
  }
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
    abandon(connection, entry);
    throw;
  }
}

} // namespace orders::host::storage
