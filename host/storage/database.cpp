#include "storage/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Exception.h>

#include <chrono>
#include <thread>

#include "db_url.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

SessionLease::SessionLease(Database &db, Poco::Data::Session session) : db_(db), session_(std::move(session)) {}
SessionLease::~SessionLease() {
  try {
    session_.close(); // a pooled session goes back to the pool here, before the slot is freed
  } catch (...) {
  }
  db_.giveBack();
}

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
  db->free_slots_ = pool_size;
  try {
    db->pool_ = std::make_unique<Poco::Data::SessionPool>(target->connector, target->connection, 1, pool_size, 60);
    auto s = db->lease();
    if (db->engine_ == Engine::sqlite) {
      **s << "PRAGMA journal_mode=WAL", now;
      **s << "PRAGMA foreign_keys=ON", now;
    } else {
      **s << "SET TIME ZONE 'UTC'", now;
    }
    int one = 0;
    **s << "SELECT 1", into(one), now;
  } catch (const Poco::Exception &e) {
    return sdk::unavailable("database " + std::string(db->engineName()) + ": " + e.displayText());
  }
  return db;
}

Database::~Database() = default;

std::unique_ptr<SessionLease> Database::lease() {
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return free_slots_ > 0; });
    --free_slots_;
  }
  try {
    Poco::Data::Session session = pool_->get();
    if (engine_ == Engine::sqlite) session << "PRAGMA busy_timeout=15000", now;
    return std::make_unique<SessionLease>(*this, std::move(session));
  } catch (...) {
    giveBack();
    throw;
  }
}

void Database::giveBack() {
  {
    std::lock_guard lock(mutex_);
    ++free_slots_;
  }
  available_.notify_one();
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
      const std::string text = dynamic_cast<const Poco::Exception *>(&e)
                                   ? dynamic_cast<const Poco::Exception &>(e).displayText()
                                   : std::string(e.what());
      if (attempt < 5 && isTransient(text)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
        continue;
      }
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
