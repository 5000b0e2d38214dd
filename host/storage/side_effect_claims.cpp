#include "storage/side_effect_claims.hpp"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

std::vector<Claimed> SideEffectClaims::claim(Poco::Data::Session &s, int64_t now_ms, int64_t until_ms, int limit,
                                             const char *scope_column, const std::string &scope) {
  Poco::Int64 now = now_ms;
  std::string scope_value = scope;
  std::vector<std::string> ids;
  std::vector<Poco::Int32> attempts;
  Poco::Data::Statement select(s);
  select << "SELECT id, attempts FROM " << table_.table << " WHERE status IN " << table_.pending
         << " AND next_attempt_ms <= $1 AND (claimed_until_ms IS NULL OR claimed_until_ms < $1)";
  if (scope_column != nullptr) select << " AND " << scope_column << " = $2";
  select << " ORDER BY next_attempt_ms, id LIMIT " << std::to_string(limit) << db_.forUpdateSkipLocked(), use(now);
  if (scope_column != nullptr) select, use(scope_value);
  select, into(ids), into(attempts);
  select.execute();
  std::vector<Claimed> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    db_.exec(s, std::string("UPDATE ") + table_.table + " SET claimed_until_ms = $1 WHERE id = $2", until_ms, ids[i]);
    out.push_back(Claimed{ids[i], attempts[i]});
  }
  return out;
}

bool SideEffectClaims::retryLater(Poco::Data::Session &s, const std::string &id, const std::string &expected,
                                  int64_t next_attempt_ms) {
  return db_.exec(s,
                  std::string("UPDATE ") + table_.table +
                      " SET claimed_until_ms = NULL, attempts = attempts + 1, next_attempt_ms = $1 "
                      "WHERE id = $2 AND status = $3",
                  next_attempt_ms, id, expected) == 1;
}

void SideEffectClaims::retryLaterAnyway(Poco::Data::Session &s, const std::string &id, int64_t next_attempt_ms) {
  db_.exec(s,
           std::string("UPDATE ") + table_.table +
               " SET claimed_until_ms = NULL, attempts = attempts + 1, next_attempt_ms = $1 WHERE id = $2",
           next_attempt_ms, id);
}

int64_t SideEffectClaims::claimedElsewhere(Poco::Data::Session &s, int64_t now_ms, const char *scope_column,
                                           const std::string &scope) {
  Poco::Int64 now = now_ms, count = 0;
  std::string scope_value = scope;
  Poco::Data::Statement select(s);
  select << "SELECT COUNT(*) FROM " << table_.table << " WHERE status IN " << table_.pending
         << " AND next_attempt_ms <= $1 AND claimed_until_ms >= $1 AND " << scope_column << " = $2",
      use(now), use(scope_value), into(count);
  select.execute();
  return count;
}

void SideEffectClaims::release(Poco::Data::Session &s, const std::string &id) {
  db_.exec(s, std::string("UPDATE ") + table_.table + " SET claimed_until_ms = NULL WHERE id = $1", id);
}

} // namespace orders::host::storage
