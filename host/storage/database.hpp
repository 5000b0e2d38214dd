// The order database: PostgreSQL (production) or SQLite (embedded default)
// behind one Poco::Data session pool and a small dialect seam.
//
// `database.url` is postgresql://user:pass@host:port/db or sqlite:///path.
// Callers borrow a session with lease() (blocks while all sessions are in
// use instead of failing like Poco's pool) and run work in transaction(),
// which starts a *write* transaction the way each engine needs it (SQLite:
// BEGIN IMMEDIATE so concurrent writers queue on busy_timeout instead of
// deadlocking on lock upgrade), commits, or rolls back on any exception.
//
// Thread-safety: all members are safe to call from many threads; a leased
// session belongs to one thread until released.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "orders/sdk/result.hpp"

namespace orders::host::storage {

enum class Engine { postgres, sqlite };

class Database;

// A borrowed session; returned to the pool when destroyed.
class SessionLease {
public:
  SessionLease(Database &db, Poco::Data::Session session);
  ~SessionLease();
  SessionLease(const SessionLease &) = delete;
  SessionLease &operator=(const SessionLease &) = delete;
  Poco::Data::Session &operator*() { return session_; }
  Poco::Data::Session *operator->() { return &session_; }

private:
  Database &db_;
  Poco::Data::Session session_;
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
  void giveBack();

  Engine engine_ = Engine::sqlite;
  std::unique_ptr<Poco::Data::SessionPool> pool_;
  std::mutex mutex_;
  std::condition_variable available_;
  int free_slots_ = 0;
};

} // namespace orders::host::storage
