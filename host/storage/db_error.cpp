#include "storage/db_error.hpp"

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/SQLite/SQLiteException.h>

#include <cstring>

namespace orders::host::storage {

namespace {
bool isSqlstateChar(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

// A verbose libpq message reads "<SEVERITY>:  <SQLSTATE>: <text>"; the
// severity word may be translated, the code never is.
std::string sqlstateInMessage(const std::string &text) {
  for (size_t at = text.find(":  "); at != std::string::npos; at = text.find(":  ", at + 1)) {
    const size_t code = at + 3;
    if (code + 6 > text.size()) break;
    bool ok = text[code + 5] == ':';
    for (size_t i = 0; ok && i < 5; ++i)
      ok = isSqlstateChar(text[code + i]);
    if (ok) return text.substr(code, 5);
  }
  return {};
}
} // namespace

DbFailure failureOfSqlstate(const std::string &s) {
  if (s.size() != 5) return DbFailure::other;
  if (s == "23505") return DbFailure::unique_violation;
  if (s == "40001" || s == "40P01") return DbFailure::transient;
  // 53100 disk_full: like an outage, it passes when space returns.
  if (s.compare(0, 2, "08") == 0 || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300" || s == "53100")
    return DbFailure::unavailable;
  return DbFailure::other;
}

std::string sqlstateOf(const std::exception &e) {
  if (auto *db = dynamic_cast<const DbError *>(&e)) return db->sqlstate();
  if (auto *pe = dynamic_cast<const Poco::Exception *>(&e)) return sqlstateInMessage(pe->displayText());
  return sqlstateInMessage(e.what());
}

DbFailure classify(const std::exception &e) {
  namespace SL = Poco::Data::SQLite;
  if (auto *db = dynamic_cast<const DbError *>(&e)) return db->failure();
  if (const std::string state = sqlstateOf(e); !state.empty()) return failureOfSqlstate(state);
  if (dynamic_cast<const SL::DBLockedException *>(&e) || dynamic_cast<const SL::TableLockedException *>(&e))
    return DbFailure::transient;
  if (auto *c = dynamic_cast<const SL::ConstraintViolationException *>(&e))
    // SQLite's own messages are fixed English text, never translated.
    return c->displayText().find("UNIQUE constraint failed") != std::string::npos ? DbFailure::unique_violation
                                                                                  : DbFailure::other;
  if (dynamic_cast<const SL::CantOpenDBFileException *>(&e) || dynamic_cast<const SL::IOErrorException *>(&e) ||
      dynamic_cast<const SL::DatabaseFullException *>(&e))
    return DbFailure::unavailable;
  // libpq's own connection errors ("server closed the connection
  // unexpectedly", "Connection refused") carry no SQLSTATE; Poco raises them
  // as ConnectionException, ConnectionFailedException (connecting) or, on a
  // session already known dead, NotConnectedException.
  if (dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException *>(&e) ||
      dynamic_cast<const Poco::Data::NotConnectedException *>(&e) ||
      dynamic_cast<const Poco::Data::ConnectionFailedException *>(&e))
    return DbFailure::unavailable;
  return DbFailure::other;
}

bool diskFull(const std::exception &e) {
  return dynamic_cast<const Poco::Data::SQLite::DatabaseFullException *>(&e) != nullptr || sqlstateOf(e) == "53100";
}

std::string unavailableDetail(const std::exception &e) {
  return diskFull(e) ? "the order database has no disk space left; retry once space is freed"
                     : "the order database is unavailable; retry shortly";
}

} // namespace orders::host::storage
