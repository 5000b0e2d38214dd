#include "storage/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SessionFactory.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "db_url.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
#include "storage/db_error.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

SessionLease::~SessionLease() { db_.giveBack(connection_); }

namespace {
void registerConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    Poco::Data::SQLite::Connector::registerConnector();
  });
}

} // namespace

sdk::Result<std::unique_ptr<Database>> Database::open(const std::string &url, int pool_size, int lease_timeout_ms) {
  auto target = dburl::parse(url);
  if (!target.ok()) return target.error();
  registerConnectors();
  std::unique_ptr<Database> db(new Database());
  db->engine_ = target->connector == "postgresql" ? Engine::postgres : Engine::sqlite;
  db->connector_ = target->connector;
  db->connection_string_ = target->connection;
  db->pool_size_ = pool_size < 1 ? 1 : pool_size;
  db->lease_timeout_ms_ = lease_timeout_ms < 1 ? 1 : lease_timeout_ms;
  try {
    auto s = db->lease();
    if (db->engine_ == Engine::sqlite) **s << "PRAGMA journal_mode=WAL", now;
    int one = 0;
    **s << "SELECT 1", into(one), now;
  } catch (const Poco::Exception &e) {
    return sdk::unavailable("database " + std::string(db->engineName()) + ": " + e.displayText());
  }
  return db;
}

Database::~Database() = default;

Poco::Data::Session Database::connect() {
  if (engine_ == Engine::postgres) {
    // Poco's PostgreSQL connector never PQfinish()es a connection that
    // failed to open, and libpq keeps such a socket open until PQfinish: a
    // database that refuses connections ("starting up", down) would leak a
    // socket per attempt. Ask first; PQping cleans up after itself.
    const PGPing ping = PQping(connection_string_.c_str());
    if (ping != PQPING_OK)
      throw DbError(DbFailure::unavailable, ping == PQPING_REJECT ? "57P03" : "08001",
                    ping == PQPING_REJECT ? "the database server rejects connections (starting up or shutting down)"
                                          : "the database server does not answer");
  }
  Poco::Data::Session session(connector_, connection_string_);
  if (engine_ == Engine::sqlite) {
    session << "PRAGMA busy_timeout=15000", now;
    session << "PRAGMA foreign_keys=ON", now;
  } else {
    // Errors carry their SQLSTATE ("ERROR:  23505: ..."): storage/db_error.hpp.
    PGconn *conn = static_cast<PGconn *>(dynamic_cast<Poco::Data::PostgreSQL::SessionImpl &>(*session.impl()).handle());
    PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
    try {
      session << "SET TIME ZONE 'UTC'", now;
      // No transaction of ours waits on anything but the database (plugin
      // calls happen between transactions), so one left idle in transaction
      // is a client that lost track of it: the server ends it and frees its
      // row locks instead of blocking everyone behind them.
      session << "SET idle_in_transaction_session_timeout = '15s'", now;
    } catch (const Poco::Exception &e) {
      // A backend that went away between the connect and these statements
      // (terminated, server restarting) fails them as a statement error
      // without SQLSTATE: the database is unavailable, not the request wrong.
      if (PQstatus(conn) == CONNECTION_OK) throw;
      throw DbError(DbFailure::unavailable, "08006",
                    "the database server closed the connection while it was being set up: " + e.displayText());
    }
  }
  return session;
}

Database::PoolStats Database::poolStats() const {
  PoolStats out;
  out.waits = pool_waits_.load(std::memory_order_relaxed);
  out.wait_seconds = static_cast<double>(pool_wait_us_.load(std::memory_order_relaxed)) / 1e6;
  out.timeouts = pool_timeouts_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  out.size = pool_size_;
  out.open = 0;
  for (const auto &c : connections_)
    if (c) ++out.open;
  out.idle = static_cast<int>(idle_.size());
  return out;
}

void Database::ping() {
  auto s = lease();
  int one = 0;
  **s << "SELECT 1", into(one), now;
}

std::unique_ptr<SessionLease> Database::lease() {
  Connection *connection = nullptr;
  bool create = false;
  {
    std::unique_lock lock(mutex_);
    auto free = [this] { return !idle_.empty() || static_cast<int>(connections_.size()) < pool_size_; };
    if (!free()) { // every connection busy: the wait is counted (/metrics)
      const auto since = std::chrono::steady_clock::now();
      const bool came = available_.wait_for(lock, std::chrono::milliseconds(lease_timeout_ms_), free);
      pool_waits_.fetch_add(1, std::memory_order_relaxed);
      pool_wait_us_.fetch_add(
          static_cast<uint64_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - since).count()),
          std::memory_order_relaxed);
      if (!came) pool_timeouts_.fetch_add(1, std::memory_order_relaxed);
    }
    if (!free())
      throw DbError(DbFailure::unavailable, "",
                    "no database connection came free within " + std::to_string(lease_timeout_ms_) +
                        " ms (database.pool_size " + std::to_string(pool_size_) + ")");
    if (!idle_.empty()) {
      connection = idle_.back();
      idle_.pop_back();
    } else {
      connections_.push_back(nullptr); // reserve the slot while connecting unlocked
      create = true;
    }
  }
  try {
    if (create) {
      auto made = std::make_unique<Connection>(connect());
      std::lock_guard lock(mutex_);
      connection = made.get();
      by_session_[made->session.impl()] = connection;
      for (auto &slot : connections_)
        if (!slot) {
          slot = std::move(made);
          break;
        }
    } else if (!connection->session.isConnected() || connection->broken) {
      // The server dropped it: reconnect and forget its prepared statements.
      Poco::Data::Session fresh = connect();
      std::lock_guard lock(mutex_);
      by_session_.erase(connection->session.impl());
      connection->prepared.clear();
      connection->pq_prepared.clear();
      connection->broken = false;
      connection->session = fresh;
      by_session_[connection->session.impl()] = connection;
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    if (create)
      for (auto it = connections_.begin(); it != connections_.end(); ++it)
        if (!*it) {
          connections_.erase(it);
          break;
        }
    if (!create && connection) idle_.push_back(connection);
    available_.notify_one();
    throw;
  }
  return std::make_unique<SessionLease>(*this, connection);
}

void Database::giveBack(Connection *connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(connection);
  }
  available_.notify_one();
}

Connection &Database::connectionOf(Poco::Data::Session &session) {
  std::lock_guard lock(mutex_);
  auto it = by_session_.find(session.impl());
  if (it == by_session_.end()) throw std::logic_error("Database: a session that is not from this pool");
  return *it->second;
}

namespace {
PGconn *pgconnOf(Poco::Data::Session &session) {
  auto *impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl *>(session.impl());
  if (impl == nullptr) throw std::logic_error("Database: not a PostgreSQL session");
  return static_cast<PGconn *>(impl->handle());
}
} // namespace

size_t Database::flush(Connection &connection, const char *trailer, pg::ResultSet *rows) {
  const bool begin = connection.begin_pending;
  connection.begin_pending = false;
  connection.begun = connection.begun || begin;
  std::vector<pg::Statement> statements;
  statements.swap(connection.queued);
  PGconn *conn = pgconnOf(connection.session);
  try {
    return pg::run(conn, connection.pq_prepared, statements, begin ? "BEGIN" : nullptr, trailer, rows);
  } catch (...) {
    if (!pg::usable(conn)) connection.broken = true;
    throw;
  }
}

void Database::endTransaction(Connection &connection) {
  connection.queued.clear();
  connection.touched.clear();
  connection.pipelining = connection.begin_pending = connection.begun = connection.in_work = false;
}

void Database::touch(Poco::Data::Session &session, const std::string &order_id) {
  Connection &connection = connectionOf(session);
  connection.touched.push_back(order_id);
  if (!connection.in_work) committed(connection);
}

void Database::committed(Connection &connection) {
  std::vector<std::string> ids;
  ids.swap(connection.touched);
  if (ids.empty()) return;
  std::lock_guard lock(observers_mutex_);
  for (auto &[handle, observer] : observers_)
    observer(ids);
}

size_t Database::addCommitObserver(CommitObserver observer) {
  std::lock_guard lock(observers_mutex_);
  observers_.emplace(next_observer_, std::move(observer));
  return next_observer_++;
}

void Database::removeCommitObserver(size_t handle) {
  std::lock_guard lock(observers_mutex_);
  observers_.erase(handle);
}

QueryResult Database::query(Poco::Data::Session &session, const std::string &sql, const std::string &param) {
  return query(session, sql, std::vector<std::string>{param});
}

QueryResult Database::query(Poco::Data::Session &session, const std::string &sql,
                            const std::vector<std::string> &params) {
  Connection *connection = &connectionOf(session);
  if (engine_ == Engine::postgres) {
    // After the writes queued before it (the reader sees them), in their
    // round trip.
    connection->queued.push_back(pg::Statement{sql, {params.begin(), params.end()}});
    auto rows = std::make_shared<pg::ResultSet>();
    flush(*connection, nullptr, rows.get());
    return QueryResult{nullptr, std::move(rows)};
  }
  auto [entry, inserted] = connection->prepared.try_emplace(sql);
  Connection::Prepared &p = entry->second;
  if (inserted) {
    p.params.resize(params.size()); // never resized again: each element is bound by reference
    p.statement = std::make_unique<Poco::Data::Statement>(session);
    *p.statement << sql;
    for (std::string &value : p.params)
      *p.statement, use(value);
  }
  if (p.params.size() != params.size())
    throw std::logic_error("Database::query: " + std::to_string(params.size()) +
                           " params for a statement prepared with " + std::to_string(p.params.size()));
  std::copy(params.begin(), params.end(), p.params.begin());
  try {
    p.statement->execute();
  } catch (...) {
    abandon(*connection, entry);
    checkAlive(*connection);
    throw;
  }
  return QueryResult{p.statement.get(), nullptr};
}

void Database::checkAlive(Connection &connection) {
  if (engine_ != Engine::postgres) return;
  PGconn *conn = pgconnOf(connection.session);
  if (PQstatus(conn) == CONNECTION_OK) return;
  connection.broken = true;
  try {
    throw;
  } catch (const DbError &) {
    throw;
  } catch (const std::exception &e) {
    const std::string what = dynamic_cast<const Poco::Exception *>(&e)
                                 ? dynamic_cast<const Poco::Exception &>(e).displayText()
                                 : std::string(e.what());
    throw DbError(DbFailure::unavailable, "08006", "database connection lost: " + what);
  }
}

void Database::abandon(Connection &connection, std::map<std::string, Connection::Prepared>::iterator entry) {
  (void)entry->second.statement.release(); // see database.hpp: destroying it would free a result twice
  entry->second.values.reset();            // never read again: the leaked statement never runs
  connection.prepared.erase(entry);
}

void Database::transaction(const std::function<void(Poco::Data::Session &)> &work) { run(work, false); }

void Database::pipelined(const std::function<void(Poco::Data::Session &)> &work) { run(work, true); }

void Database::run(const std::function<void(Poco::Data::Session &)> &work, bool pipelining) {
  // Inside a trace, one client span per transaction (all its attempts).
  trace::Span span(pipelining ? "db transaction (pipelined)" : "db transaction", trace::Kind::client);
  if (span.recording()) span.set("db.system", engine_ == Engine::sqlite ? "sqlite" : "postgresql");
  try {
    for (int attempt = 1;; ++attempt) {
      pauseBefore(attempt);
      auto s = lease();
      Poco::Data::Session &session = **s;
      Connection &connection = connectionOf(session);
      endTransaction(connection);
      connection.in_work = true;
      if (engine_ == Engine::sqlite) {
        bool open = false;
        try {
          session << "BEGIN IMMEDIATE", now;
          open = true;
          work(session);
          session << "COMMIT", now;
          committed(connection);
          endTransaction(connection);
          return;
        } catch (const std::exception &e) {
          if (open) {
            try {
              session << "ROLLBACK", now;
            } catch (...) {
            }
          }
          endTransaction(connection);
          if (retryAfter(e, attempt)) continue;
          throw;
        }
      }
      // PostgreSQL: BEGIN at once, or (pipelined) with the first round trip;
      // COMMIT in the same round trip as the writes still queued.
      try {
        pg::settle(pgconnOf(session)); // never inherit a transaction a failure left open
        if (pipelining) {
          connection.pipelining = connection.begin_pending = true;
        } else {
          pg::command(pgconnOf(session), "BEGIN");
          connection.begun = true;
        }
        work(session);
        if (connection.begun || !connection.queued.empty()) flush(connection, "COMMIT");
        committed(connection);
        endTransaction(connection);
        return;
      } catch (const std::exception &e) {
        if (connection.begun) {
          try {
            pg::command(pgconnOf(session), "ROLLBACK");
          } catch (...) {
          }
        }
        endTransaction(connection);
        if (retryAfter(e, attempt)) continue;
        throw;
      }
    }
  } catch (const std::exception &e) {
    span.fail(e.what());
    throw;
  }
}

bool Database::retryAfter(const std::exception &e, int attempt) {
  return attempt < 5 && classify(e) == DbFailure::transient;
}

void Database::pauseBefore(int attempt) {
  if (attempt > 1) std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt - 1)));
}

void Database::autocommit(const std::function<void(Poco::Data::Session &)> &work) {
  if (engine_ == Engine::sqlite) return transaction(work);
  // Inside a trace, one client span per transaction (all its attempts).
  trace::Span span("db autocommit", trace::Kind::client);
  if (span.recording()) span.set("db.system", engine_ == Engine::sqlite ? "sqlite" : "postgresql");
  try {
    for (int attempt = 1;; ++attempt) {
      pauseBefore(attempt);
      auto s = lease();
      Connection &connection = connectionOf(**s);
      endTransaction(connection);
      connection.in_work = true;
      try {
        pg::settle(pgconnOf(**s));
        work(**s);
        committed(connection);
        endTransaction(connection);
        return;
      } catch (const std::exception &e) {
        endTransaction(connection);
        if (retryAfter(e, attempt)) continue;
        throw;
      }
    }
  } catch (const std::exception &e) {
    span.fail(e.what());
    throw;
  }
}

bool Database::isUniqueViolation(const std::exception &e) { return classify(e) == DbFailure::unique_violation; }

} // namespace orders::host::storage
