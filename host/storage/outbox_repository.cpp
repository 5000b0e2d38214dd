#include "storage/outbox_repository.hpp"

#include <Poco/Data/Statement.h>

#include <algorithm>

#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

std::vector<OutboxRow> OutboxRepository::page(Poco::Data::Session &s, int64_t after_id, int limit,
                                              bool unpublished_only, const std::optional<std::string> &aggregate_id) {
  Poco::Data::Statement st(s);
  std::string sql = "SELECT id, event_id, event_type, aggregate_id, payload, created_at_ms, published_at_ms FROM "
                    "service_outbox WHERE id > $1";
  if (unpublished_only) sql += " AND published_at_ms IS NULL";
  if (aggregate_id) sql += " AND aggregate_id = $2";
  sql += " ORDER BY id LIMIT " + std::to_string(limit);
  st << sql, bind(static_cast<Poco::Int64>(after_id));
  if (aggregate_id) st, bind(*aggregate_id);
  st.execute();
  std::vector<OutboxRow> out;
  for (Rows r(st); r.valid(); r.next()) {
    OutboxRow row{r.i64("id"),      r.str("event_id"),      r.str("event_type"), r.str("aggregate_id"),
                  r.str("payload"), r.i64("created_at_ms"), std::nullopt};
    if (r.optStr("published_at_ms")) row.published_at_ms = r.i64("published_at_ms");
    out.push_back(std::move(row));
  }
  return out;
}

namespace {
std::string idList(const std::vector<int64_t> &ids) { // integers from our own rows: safe to inline
  std::string out;
  for (int64_t id : ids)
    out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}
} // namespace

std::vector<OutboxRow> OutboxRepository::claim(Poco::Data::Session &s, int limit, const char *lock_clause) {
  Poco::Data::Statement st(s);
  st << "SELECT id, event_id, event_type, aggregate_id, payload, created_at_ms FROM service_outbox "
        "WHERE published_at_ms IS NULL ORDER BY id LIMIT " +
            std::to_string(limit) + lock_clause;
  st.execute();
  std::vector<OutboxRow> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(OutboxRow{r.i64("id"), r.str("event_id"), r.str("event_type"), r.str("aggregate_id"),
                            r.str("payload"), r.i64("created_at_ms"), std::nullopt});
  return out;
}

std::vector<std::pair<int64_t, std::string>> OutboxRepository::heldElsewhere(Poco::Data::Session &s,
                                                                             const std::vector<int64_t> &ids) {
  std::vector<std::pair<int64_t, std::string>> out;
  if (ids.empty()) return out;
  const std::string list = idList(ids);
  const int64_t last = *std::max_element(ids.begin(), ids.end());
  Poco::Data::Statement st(s);
  // Through the partial index of unpublished rows: bounded by what other
  // relays hold, not by the backlog (an IN on aggregate_id would read every
  // event of those orders). The caller keeps the rows of its own orders.
  st << "SELECT id, aggregate_id FROM service_outbox WHERE published_at_ms IS NULL AND id < " + std::to_string(last) +
            " AND id NOT IN (" + list + ") ORDER BY id";
  st.execute();
  for (Rows r(st); r.valid(); r.next())
    out.emplace_back(r.i64("id"), r.str("aggregate_id"));
  return out;
}

size_t OutboxRepository::markPublished(Poco::Data::Session &s, const std::vector<int64_t> &ids, int64_t at_ms) {
  if (ids.empty()) return 0;
  Poco::Int64 at = at_ms;
  Poco::Data::Statement st(s);
  st << "UPDATE service_outbox SET published_at_ms = $1 WHERE published_at_ms IS NULL AND id IN (" + idList(ids) + ")",
      use(at);
  return st.execute();
}

OutboxRepository::Backlog OutboxRepository::backlog(Poco::Data::Session &s) {
  Poco::Data::Statement st(s);
  st << "SELECT COUNT(*) AS n, MIN(created_at_ms) AS oldest FROM service_outbox WHERE published_at_ms IS NULL";
  st.execute();
  Backlog out;
  Rows r(st);
  if (r.valid()) {
    out.rows = r.i64("n");
    if (out.rows > 0) out.oldest_created_at_ms = r.i64("oldest");
  }
  return out;
}

size_t OutboxRepository::purgePublished(Poco::Data::Session &s, int64_t before_ms, int limit) {
  Poco::Int64 before = before_ms;
  Poco::Data::Statement st(s);
  st << "DELETE FROM service_outbox WHERE id IN (SELECT id FROM service_outbox WHERE published_at_ms IS NOT NULL "
        "AND published_at_ms < $1 ORDER BY id LIMIT " +
            std::to_string(limit) + ")",
      use(before);
  return st.execute();
}

} // namespace orders::host::storage
