#include "storage/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
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
    } else if (!connection->session.isConnected()) {
      // The server dropped it: reconnect and forget its prepared statements.
      Poco::Data::Session fresh = connect();
      std::lock_guard lock(mutex_);
      by_session_.erase(connection->session.impl());
      connection->prepared.clear();
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

Poco::Data::Statement &Database::query(Poco::Data::Session &session, const std::string &sql, const std::string &param) {
  Connection *connection = &connectionOf(session);
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

void Database::transaction(const std::function<void(Poco::Data::Session &)> &work) {
  for (int attempt = 1;; ++attempt) {
    auto s = lease();
    Poco::Data::Session &session = **s;
    bool open = false;
    try {
      if (engine_ == Engine::sqlite)
        session << "BEGIN IMMEDIATE", now;
      else
        session.begin();
      open = true;
      work(session);
      if (engine_ == Engine::sqlite)
        session << "COMMIT", now;
      else
        session.commit();
      return;
    } catch (const std::exception &e) {
      if (open) {
        try {
          if (engine_ == Engine::sqlite)
            session << "ROLLBACK", now;
          else
            session.rollback();
        } catch (...) {
        }
      }
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
    try {
      work(**s);
      return;
    } catch (const std::exception &e) {
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
