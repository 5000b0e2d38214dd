#include "storage/outbox_repository.hpp"

#include <Poco/Data/Statement.h>

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

} // namespace orders::host::storage
