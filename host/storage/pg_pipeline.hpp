// Several PostgreSQL statements in one network round trip (libpq pipeline
// mode, libpq 14+), each prepared once per connection. The write path of
// storage::Database on PostgreSQL: queued writes go out together with the
// next statement whose result is needed, or with the COMMIT.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

typedef struct pg_conn PGconn;

namespace orders::host::storage::pg {

struct Statement {
  std::string sql;                                // $1..$n placeholders
  std::vector<std::optional<std::string>> params; // text form; nullopt is NULL
};

// A query's answer in text form (NULL is nullopt), as libpq gives it.
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Sends `leader` (if not null, e.g. "BEGIN"), `statements` and `trailer`
// (if not null, e.g. "COMMIT") and one Sync, then reads every result. A
// statement not yet in `prepared` (SQL -> name, per connection) is prepared
// in the same round trip and recorded once that succeeded. The first failure
// stops the rest (the server skips them up to the Sync) and is thrown as
// storage::DbError carrying the server's message and SQLSTATE (08006 when
// the connection is gone).
// Returns the affected (or returned) row count of the last statement, and
// its rows in `rows` when given.
size_t run(PGconn *conn, std::unordered_map<std::string, std::string> &prepared,
           const std::vector<Statement> &statements, const char *leader, const char *trailer,
           ResultSet *rows = nullptr);

// A parameterless command (BEGIN, ROLLBACK) in one round trip; throws like run().
void command(PGconn *conn, const char *sql);

// False when `conn` is gone or stuck in pipeline mode (after a failure the
// caller must replace it).
bool usable(PGconn *conn);
// Rolls back a transaction `conn` was left in (no round trip when idle).
void settle(PGconn *conn);

} // namespace orders::host::storage::pg
