#include "storage/migrations.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "log/logger.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Splits a migration into statements at semicolons that end a line
// (Poco's PostgreSQL connector prepares one statement at a time).
std::vector<std::string> statements(const std::string &sql) {
  std::vector<std::string> out;
  std::string current;
  size_t i = 0;
  while (i < sql.size()) {
    size_t eol = sql.find('\n', i);
    std::string line = sql.substr(i, eol == std::string::npos ? std::string::npos : eol - i);
    i = eol == std::string::npos ? sql.size() : eol + 1;
    std::string trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\r' || trimmed.back() == '\t'))
      trimmed.pop_back();
    if (trimmed.rfind("--", 0) == 0) continue;
    current += line + "\n";
    if (!trimmed.empty() && trimmed.back() == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \n\t\r") != std::string::npos) out.push_back(current);
  return out;
}

} // namespace

sdk::Result<MigrationReport> migrate(Database &db, const std::vector<Migration> &migrations) {
  MigrationReport report;
  try {
    db.transaction([&](Poco::Data::Session &s) {
      s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "applied_at_ms BIGINT NOT NULL)",
          now;
    });
    for (const Migration &m : migrations) {
      if (std::string(m.engine) != db.engineName()) continue;
      bool applied_now = false;
      db.transaction([&](Poco::Data::Session &s) {
        if (db.engine() == Engine::postgres) s << "SELECT pg_advisory_xact_lock(7238001)", now;
        int count = 0;
        int version = m.version;
        s << "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", use(version), into(count), now;
        if (count > 0) return;
        for (const std::string &stmt : statements(m.sql))
          s << stmt, now;
        std::string name = m.name;
        int64_t at = nowMs();
        s << "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)", use(version),
            use(name), use(at), now;
        applied_now = true;
      });
      const std::string label = migrationLabel(m);
      if (applied_now) {
        report.applied.push_back(label);
        log::info("migration applied", {{"engine", db.engineName()}, {"migration", label}});
      }
      report.current_version = m.version;
    }
  } catch (const Poco::Exception &e) {
    return sdk::internalError(std::string("migration failed (database unchanged by it): ") + e.displayText());
  } catch (const std::exception &e) {
    return sdk::internalError(std::string("migration failed (database unchanged by it): ") + e.what());
  }
  return report;
}

std::string migrationLabel(const Migration &m) {
  const std::string v = std::to_string(m.version);
  return (v.size() < 4 ? std::string(4 - v.size(), '0') : "") + v + "_" + m.name;
}

PendingMigrations allMigrations(const std::string &engine, const std::vector<Migration> &migrations) {
  PendingMigrations out;
  for (const Migration &m : migrations)
    if (engine == m.engine) out.pending.push_back(m);
  return out;
}

sdk::Result<PendingMigrations> pendingMigrations(Database &db, const std::vector<Migration> &migrations) {
  try {
    auto lease = db.lease();
    Poco::Data::Session &s = **lease;
    int tables = 0;
    if (db.engine() == Engine::postgres)
      s << "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = 'schema_migrations' AND schemaname = "
           "current_schema()",
          into(tables), now;
    else
      s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", into(tables), now;
    PendingMigrations out = allMigrations(db.engineName(), migrations);
    if (tables == 0) return out;
    std::vector<int> applied;
    s << "SELECT version FROM schema_migrations ORDER BY version", into(applied), now;
    const std::set<int> done(applied.begin(), applied.end());
    out.current_version = applied.empty() ? 0 : applied.back();
    out.pending.erase(std::remove_if(out.pending.begin(), out.pending.end(),
                                     [&](const Migration &m) { return done.count(m.version) > 0; }),
                      out.pending.end());
    return out;
  } catch (const Poco::Exception &e) {
    return sdk::unavailable(std::string("cannot read the schema's migrations: ") + e.displayText());
  } catch (const std::exception &e) {
    return sdk::unavailable(std::string("cannot read the schema's migrations: ") + e.what());
  }
}

} // namespace orders::host::storage
