#include "storage/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SessionFactory.h>
#include <Poco/Exception.h>

#include <chrono>
#include <thread>

#include "db_url.hpp"

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

bool isTransient(const std::string &text) {
  return text.find("database is locked") != std::string::npos || text.find("SQLITE_BUSY") != std::string::npos ||
         text.find("could not serialize") != std::string::npos || text.find("deadlock detected") != std::string::npos;
}
} // namespace

sdk::Result<std::unique_ptr<Database>> Database::open(const std::string &url, int pool_size) {
  auto target = dburl::parse(url);
  if (!target.ok()) return target.error();
  registerConnectors();
  std::unique_ptr<Database> db(new Database());
  db->engine_ = target->connector == "postgresql" ? Engine::postgres : Engine::sqlite;
  db->connector_ = target->connector;
  db->connection_string_ = target->connection;
  db->pool_size_ = pool_size < 1 ? 1 : pool_size;
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
  Poco::Data::Session session(connector_, connection_string_);
  if (engine_ == Engine::sqlite) {
    session << "PRAGMA busy_timeout=15000", now;
    session << "PRAGMA foreign_keys=ON", now;
  } else {
    session << "SET TIME ZONE 'UTC'", now;
  }
  return session;
}

std::unique_ptr<SessionLease> Database::lease() {
  Connection *connection = nullptr;
  bool create = false;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty() || static_cast<int>(connections_.size()) < pool_size_; });
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

size_t Database::flush(Connection &connection, const char *trailer) {
  const bool begin = connection.begin_pending;
  connection.begin_pending = false;
  connection.begun = connection.begun || begin;
  std::vector<pg::Statement> statements;
  statements.swap(connection.queued);
  PGconn *conn = pgconnOf(connection.session);
  try {
    return pg::run(conn, connection.pq_prepared, statements, begin ? "BEGIN" : nullptr, trailer);
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

Poco::Data::Statement &Database::query(Poco::Data::Session &session, const std::string &sql, const std::string &param) {
  Connection *connection = &connectionOf(session);
  if (engine_ == Engine::postgres && (connection->begin_pending || !connection->queued.empty()))
    flush(*connection, nullptr); // the reader sees the writes queued before it
  auto [entry, inserted] = connection->prepared.try_emplace(sql);
  Connection::Prepared &p = entry->second;
  if (inserted) {
    p.statement = std::make_unique<Poco::Data::Statement>(session);
    *p.statement << sql, use(p.param);
  }
  p.param = param;
  try {
    p.statement->execute();
  } catch (...) {
    connection->prepared.erase(entry); // never reuse a statement in an unknown state
    throw;
  }
  return *p.statement;
}

void Database::transaction(const std::function<void(Poco::Data::Session &)> &work) { run(work, false); }

void Database::pipelined(const std::function<void(Poco::Data::Session &)> &work) { run(work, true); }

void Database::run(const std::function<void(Poco::Data::Session &)> &work, bool pipelining) {
  for (int attempt = 1;; ++attempt) {
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
}

bool Database::retryAfter(const std::exception &e, int attempt) {
  const std::string text = dynamic_cast<const Poco::Exception *>(&e)
                               ? dynamic_cast<const Poco::Exception &>(e).displayText()
                               : std::string(e.what());
  if (attempt >= 5 || !isTransient(text)) return false;
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
  return true;
}

void Database::autocommit(const std::function<void(Poco::Data::Session &)> &work) {
  if (engine_ == Engine::sqlite) return transaction(work);
  for (int attempt = 1;; ++attempt) {
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
}

bool Database::isUniqueViolation(const std::exception &e) {
  std::string text = e.what();
  if (auto *pe = dynamic_cast<const Poco::Exception *>(&e)) text = pe->displayText();
  return text.find("UNIQUE constraint failed") != std::string::npos ||
         text.find("duplicate key value violates unique constraint") != std::string::npos ||
         text.find("unique constraint") != std::string::npos;
}

} // namespace orders::host::storage
