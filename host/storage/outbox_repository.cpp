#include "storage/outbox_repository.hpp"

#include <Poco/Data/Statement.h>

#include <algorithm>

#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

std::vector<OutboxRow> OutboxRepository::page(Poco::Data::Session &s, int64_t after_id, int limit,
                                              bool unpublished_only, const std::optional<std::string> &aggregate_id) {
  Poco::Data::Statement st(s);
  std::string sql = "SELECT o.id AS id, o.event_id AS event_id, o.event_type AS event_type, o.aggregate_id AS "
                    "aggregate_id, o.payload AS payload, o.created_at_ms AS created_at_ms, p.published_at_ms AS "
                    "published_at_ms, k.error AS parked_error FROM service_outbox o LEFT JOIN outbox_published p ON "
                    "p.id = o.id LEFT JOIN outbox_parked k ON k.id = o.id WHERE o.id > $1";
  if (unpublished_only) sql += " AND o.id IN (SELECT id FROM outbox_pending)";
  if (aggregate_id) sql += " AND o.aggregate_id = $2";
  sql += " ORDER BY o.id LIMIT " + std::to_string(limit);
  st << sql, bind(static_cast<Poco::Int64>(after_id));
  if (aggregate_id) st, bind(*aggregate_id);
  st.execute();
  std::vector<OutboxRow> out;
  for (Rows r(st); r.valid(); r.next()) {
    OutboxRow row{r.i64("id"),      r.str("event_id"),      r.str("event_type"), r.str("aggregate_id"),
                  r.str("payload"), r.i64("created_at_ms"), std::nullopt};
    if (r.optStr("published_at_ms")) row.published_at_ms = r.i64("published_at_ms");
    row.parked_error = r.optStr("parked_error");
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

// "id BETWEEN min AND max AND id IN (...)": the bounds keep PostgreSQL on
// the primary key; with a long IN list alone it plans a sequential scan.
std::string idsIn(const std::vector<int64_t> &ids) {
  const auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
  return "id BETWEEN " + std::to_string(*lo) + " AND " + std::to_string(*hi) + " AND id IN (" + idList(ids) + ")";
}
} // namespace

std::vector<OutboxRow> OutboxRepository::claimFree(Poco::Data::Session &s, int limit, const char *lock_clause,
                                                   int64_t now_ms) {
  Poco::Data::Statement st(s);
  Poco::Int64 now = now_ms;
  st << "SELECT id, event_id, event_type, aggregate_id, payload, created_at_ms, traceparent, tracestate FROM "
        "service_outbox WHERE id IN "
        "(SELECT id FROM outbox_pending WHERE claimed_until_ms IS NULL OR claimed_until_ms < $1 ORDER BY id LIMIT " +
            std::to_string(limit) + lock_clause + ") ORDER BY id",
      use(now);
  st.execute();
  std::vector<OutboxRow> out;
  for (Rows r(st); r.valid(); r.next()) {
    out.push_back(OutboxRow{r.i64("id"), r.str("event_id"), r.str("event_type"), r.str("aggregate_id"),
                            r.str("payload"), r.i64("created_at_ms"), std::nullopt});
    out.back().traceparent = r.optStr("traceparent");
    out.back().tracestate = r.optStr("tracestate");
  }
  return out;
}

void OutboxRepository::lease(Poco::Data::Session &s, const std::vector<int64_t> &ids, std::optional<int64_t> until_ms) {
  if (ids.empty()) return;
  Poco::Data::Statement st(s);
  if (until_ms) {
    Poco::Int64 until = *until_ms;
    st << "UPDATE outbox_pending SET claimed_until_ms = $1 WHERE " + idsIn(ids), use(until);
  } else {
    st << "UPDATE outbox_pending SET claimed_until_ms = NULL WHERE " + idsIn(ids);
  }
  st.execute();
}

void OutboxRepository::park(Poco::Data::Session &s, int64_t id, const std::string &error, int64_t at_ms) {
  Poco::Int64 row = id, at = at_ms;
  std::string text = error;
  Poco::Data::Statement record(s);
  record << "INSERT INTO outbox_parked (id, error, parked_at_ms) VALUES ($1, $2, $3)", use(row), use(text), use(at);
  record.execute();
  Poco::Data::Statement dequeue(s);
  dequeue << "DELETE FROM outbox_pending WHERE id = $1", use(row);
  dequeue.execute();
}

std::vector<std::pair<int64_t, std::string>> OutboxRepository::heldElsewhere(Poco::Data::Session &s,
                                                                             const std::vector<int64_t> &ids) {
  std::vector<std::pair<int64_t, std::string>> out;
  if (ids.empty()) return out;
  const std::string list = idList(ids);
  const int64_t last = *std::max_element(ids.begin(), ids.end());
  Poco::Data::Statement st(s);
  // Bounded by what other relays hold, not by the backlog (an IN on
  // aggregate_id would read every event of those orders). The caller keeps
  // the rows of its own orders.
  st << "SELECT id, aggregate_id FROM outbox_pending WHERE id < " + std::to_string(last) + " AND id NOT IN (" + list +
            ") ORDER BY id";
  st.execute();
  for (Rows r(st); r.valid(); r.next())
    out.emplace_back(r.i64("id"), r.str("aggregate_id"));
  return out;
}

size_t OutboxRepository::markPublished(Poco::Data::Session &s, const std::vector<int64_t> &ids, int64_t at_ms) {
  if (ids.empty()) return 0;
  const std::string where = idsIn(ids);
  Poco::Int64 at = at_ms;
  Poco::Data::Statement record(s);
  record << "INSERT INTO outbox_published (id, published_at_ms) SELECT id, $1 FROM outbox_pending WHERE " + where,
      use(at);
  const size_t n = record.execute();
  Poco::Data::Statement dequeue(s);
  dequeue << "DELETE FROM outbox_pending WHERE " + where;
  dequeue.execute();
  return n;
}

OutboxRepository::Backlog OutboxRepository::backlog(Poco::Data::Session &s) {
  Poco::Data::Statement st(s);
  st << "SELECT (SELECT COUNT(*) FROM outbox_pending) AS n, (SELECT created_at_ms FROM service_outbox WHERE id = "
        "(SELECT MIN(id) FROM outbox_pending)) AS oldest";
  st.execute();
  Backlog out;
  Rows r(st);
  if (r.valid()) {
    out.rows = r.i64("n");
    if (out.rows > 0 && r.optStr("oldest")) out.oldest_created_at_ms = r.i64("oldest");
  }
  return out;
}

size_t OutboxRepository::purgePublished(Poco::Data::Session &s, int64_t before_ms, int limit, int64_t below_id) {
  Poco::Int64 before = before_ms, below = below_id;
  std::vector<int64_t> ids;
  Poco::Data::Statement pick(s);
  pick << "SELECT id FROM outbox_published WHERE published_at_ms < $1 AND id < $2 ORDER BY published_at_ms, id "
          "LIMIT " +
              std::to_string(limit),
      use(before), use(below);
  pick.execute();
  for (Rows r(pick); r.valid(); r.next())
    ids.push_back(r.i64("id"));
  if (ids.empty()) return 0;
  const std::string where = idsIn(ids);
  Poco::Data::Statement events(s);
  events << "DELETE FROM service_outbox WHERE " + where;
  events.execute();
  Poco::Data::Statement marks(s);
  marks << "DELETE FROM outbox_published WHERE " + where;
  marks.execute();
  return ids.size();
}

size_t OutboxRepository::purgeUnpublishable(Poco::Data::Session &s, int64_t before_ms, int limit, int64_t below_id) {
  Poco::Int64 below = below_id;
  std::vector<int64_t> ids;
  Poco::Data::Statement pick(s);
  // Ids grow with time: read the oldest by primary key and stop at the
  // first one young enough to keep.
  pick << "SELECT id, created_at_ms FROM service_outbox WHERE id < $1 ORDER BY id LIMIT " + std::to_string(limit),
      use(below);
  pick.execute();
  for (Rows r(pick); r.valid(); r.next()) {
    if (r.i64("created_at_ms") >= before_ms) break;
    ids.push_back(r.i64("id"));
  }
  if (ids.empty()) return 0;
  const std::string where = idsIn(ids);
  for (const char *table : {"outbox_pending", "outbox_parked", "outbox_published", "service_outbox"}) {
    Poco::Data::Statement del(s);
    del << std::string("DELETE FROM ") + table + " WHERE " + where;
    del.execute();
  }
  return ids.size();
}

} // namespace orders::host::storage

namespace orders::host::storage {

OutboxRepository::Requeued OutboxRepository::requeue(Poco::Data::Session &s, int64_t from, int64_t to, bool by_time,
                                                     const char *lock_clause) {
  const std::string in_range = std::string("id IN (SELECT id FROM service_outbox WHERE ") +
                               (by_time ? "created_at_ms" : "id") + " BETWEEN $1 AND $2)";
  Poco::Int64 low = from, high = to;
  // The ids are picked once, and locked (a relay marking one published
  // meanwhile waits): every later statement acts on exactly these.
  auto pick = [&](const char *table) {
    Poco::Data::Statement st(s);
    st << std::string("SELECT id FROM ") + table + " WHERE " + in_range + " ORDER BY id" + lock_clause, use(low),
        use(high);
    st.execute();
    std::vector<int64_t> ids;
    for (Rows r(st); r.valid(); r.next())
      ids.push_back(r.i64("id"));
    return ids;
  };
  const std::vector<int64_t> published = pick("outbox_published");
  const std::vector<int64_t> parked = pick("outbox_parked");
  Requeued out;
  {
    Poco::Data::Statement queued(s);
    Poco::Int64 still = 0;
    queued << "SELECT COUNT(*) FROM outbox_pending WHERE " + in_range, use(low), use(high), into(still);
    queued.execute();
    out.queued = still;
  }
  auto move = [&](const std::vector<int64_t> &ids, const char *table) {
    for (size_t i = 0; i < ids.size(); i += 1000) {
      const std::vector<int64_t> batch(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                       ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + 1000)));
      Poco::Data::Statement drop(s);
      drop << std::string("DELETE FROM ") + table + " WHERE " + idsIn(batch);
      drop.execute();
      Poco::Data::Statement enqueue(s); // an id already queued by the other table's batch is not queued twice
      enqueue << "INSERT INTO outbox_pending (id, aggregate_id) SELECT id, aggregate_id FROM service_outbox WHERE " +
                     idsIn(batch) + " AND id NOT IN (SELECT id FROM outbox_pending WHERE " + idsIn(batch) + ")";
      enqueue.execute();
    }
  };
  move(published, "outbox_published");
  move(parked, "outbox_parked");
  out.published = static_cast<int64_t>(published.size());
  out.parked = static_cast<int64_t>(parked.size());
  return out;
}

} // namespace orders::host::storage
