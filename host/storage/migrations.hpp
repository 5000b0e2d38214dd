// Schema migrations: plain SQL files schemas/sql/<engine>/NNNN_name.sql,
// embedded in the binary, applied in order, each once, each in its own
// transaction (both engines have transactional DDL, so a failed migration
// leaves the database as it was), recorded in schema_migrations. On
// PostgreSQL an advisory lock serialises replicas starting together.
#pragma once

#include <string>
#include <vector>

#include "orders/sdk/result.hpp"
#include "storage/database.hpp"

namespace orders::host::storage {

struct Migration {
  const char *engine; // "postgres" | "sqlite"
  int version;
  const char *name;
  const char *sql;
};

const std::vector<Migration> &embeddedMigrations();

struct MigrationReport {
  std::vector<std::string> applied; // "0001_init"
  int current_version = 0;
};

sdk::Result<MigrationReport> migrate(Database &db, const std::vector<Migration> &migrations = embeddedMigrations());

// The migrations of db's engine that migrate() would apply, in order,
// without changing anything (order-service --migrate --dry-run); and the
// schema's current version (0: none applied).
struct PendingMigrations {
  std::vector<Migration> pending;
  int current_version = 0;
};
sdk::Result<PendingMigrations> pendingMigrations(Database &db,
                                                 const std::vector<Migration> &migrations = embeddedMigrations());
// What an engine's migrations would be before anything is applied (a
// SQLite file that does not exist yet: opening it would create it).
PendingMigrations allMigrations(const std::string &engine,
                                const std::vector<Migration> &migrations = embeddedMigrations());
// "0013_order_items_snapshot"
std::string migrationLabel(const Migration &m);

} // namespace orders::host::storage
