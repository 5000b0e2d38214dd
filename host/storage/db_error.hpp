// What a database failure means, decided by the engine's error code, never
// by message text (which PostgreSQL translates under lc_messages):
// PostgreSQL's SQLSTATE (23505 unique violation; 40001, 40P01 retryable;
// class 08, 57P01-57P03, 53300 the server is away), SQLite's exception type
// (Poco maps SQLite's result codes to one exception class each).
//
// Where the SQLSTATE comes from: the libpq pipeline reads it from the
// result (PG_DIAG_SQLSTATE); statements run through Poco carry it in their
// message because every session sets PQERRORS_VERBOSE ("ERROR:  23505: ...").
//
// Thread-safety: pure functions; DbError is an immutable value.
#pragma once

#include <Poco/Data/DataException.h>

#include <exception>
#include <string>

namespace orders::host::storage {

enum class DbFailure {
  unique_violation, // a unique constraint refused the row
  transient,        // serialization failure, deadlock, SQLite busy: run the transaction again
  unavailable,      // the database cannot be reached (or no connection came free in time)
  other,
};

// Thrown by storage for failures it classified itself (the libpq pipeline,
// a lease that timed out, a connection found dead after a statement).
// Derives from Poco's DataException so callers that catch Poco::Exception
// keep working.
class DbError : public Poco::Data::DataException {
public:
  DbError(DbFailure failure, std::string sqlstate, const std::string &message)
      : Poco::Data::DataException(message), failure_(failure), sqlstate_(std::move(sqlstate)) {}
  DbFailure failure() const { return failure_; }
  const std::string &sqlstate() const { return sqlstate_; }
  const char *name() const noexcept override { return "database error"; }

private:
  DbFailure failure_;
  std::string sqlstate_;
};

// The failure class of a SQLSTATE ("" gives other).
DbFailure failureOfSqlstate(const std::string &sqlstate);
// The SQLSTATE `e` carries, or "".
std::string sqlstateOf(const std::exception &e);
DbFailure classify(const std::exception &e);
// The database (SQLite's file system, PostgreSQL's disk) has no space left.
bool diskFull(const std::exception &e);
// What a client is told for an `unavailable` failure: why, when known.
std::string unavailableDetail(const std::exception &e);

} // namespace orders::host::storage
