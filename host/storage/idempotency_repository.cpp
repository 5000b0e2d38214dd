#include "storage/idempotency_repository.hpp"

#include <Poco/Data/Statement.h>

#include "domain/order.hpp"
#include "storage/retention_repository.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace orders::host::storage {

namespace {
// Longer than any request may run (checkout lease included).
constexpr int64_t kStaleMs = 15 * 60 * 1000;
} // namespace

IdempotencyBegin IdempotencyRepository::begin(const std::string &scope, const std::string &key,
                                              const std::string &request_hash, const std::string &resource_id) {
  std::string sc = scope, k = key, h = request_hash, state = "in_progress";
  int64_t at = core::nowMs();
  IdempotencyBegin out;
  bool inserted = false;
  db_.autocommit([&](Poco::Data::Session &s) {
    // ON CONFLICT DO NOTHING exists in both engines (PostgreSQL 9.5+, SQLite 3.24+).
    inserted = db_.exec(s,
                        "INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, created_at_ms, "
                        "updated_at_ms, resource_id) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                        sc, k, h, state, at, at, resource_id) == 1;
  });
  if (inserted) {
    out.kind = IdempotencyBegin::Kind::owner;
    return out;
  }
  // The key exists: read it (and take over a stale one) in one transaction.
  db_.transaction([&](Poco::Data::Session &s) {
    Statement st(s);
    st << "SELECT request_hash, state, response_status, response_body, response_type, resource_id, updated_at_ms "
          "FROM idempotency_keys "
          "WHERE scope = $1 AND idem_key = $2",
        use(sc), use(k);
    st.execute();
    Rows r(st);
    if (!r.valid()) { // deleted in between (abandoned): the caller may retry
      out.kind = IdempotencyBegin::Kind::in_progress;
      return;
    }
    if (r.str("request_hash") != request_hash)
      out.kind = IdempotencyBegin::Kind::mismatch;
    else if (r.str("state") != "done") {
      // An owner that died never finishes: after kStaleMs the key is taken
      // over whatever it was creating (the caller may know sooner, takeOver()).
      Statement take(s);
      int64_t stale_before = at - kStaleMs;
      std::string res = resource_id;
      take << "UPDATE idempotency_keys SET updated_at_ms = $1, resource_id = $2 WHERE scope = $3 AND idem_key = $4 "
              "AND state = 'in_progress' AND updated_at_ms < $5",
          use(at), use(res), use(sc), use(k), use(stale_before);
      out.kind = take.execute() == 1 ? IdempotencyBegin::Kind::owner : IdempotencyBegin::Kind::in_progress;
      out.resource_id = r.str("resource_id");
      out.age_ms = at - r.i64("updated_at_ms");
    } else {
      out.kind = IdempotencyBegin::Kind::replay;
      out.response =
          StoredResponse{static_cast<int>(r.i64("response_status")), r.str("response_body"), r.str("response_type")};
    }
  });
  return out;
}

void IdempotencyRepository::complete(const std::string &scope, const std::string &key, const std::string &resource_id,
                                     const StoredResponse &response) {
  const int64_t at = core::nowMs();
  db_.autocommit([&](Poco::Data::Session &s) {
    db_.exec(s,
             "UPDATE idempotency_keys SET state = 'done', response_status = $1, response_body = $2, "
             "response_type = $3, updated_at_ms = $4 WHERE scope = $5 AND idem_key = $6 AND state = 'in_progress' "
             "AND resource_id = $7",
             response.status, response.body, response.content_type, at, scope, key, resource_id);
  });
}

void IdempotencyRepository::abandon(const std::string &scope, const std::string &key, const std::string &resource_id) {
  db_.autocommit([&](Poco::Data::Session &s) {
    db_.exec(s,
             "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND state = 'in_progress' AND "
             "resource_id = $3",
             scope, key, resource_id);
  });
}

bool IdempotencyRepository::takeOver(const std::string &scope, const std::string &key, const std::string &from,
                                     const std::string &to) {
  const int64_t at = core::nowMs();
  bool taken = false;
  db_.autocommit([&](Poco::Data::Session &s) {
    taken = db_.exec(s,
                     "UPDATE idempotency_keys SET resource_id = $1, updated_at_ms = $2 WHERE scope = $3 AND "
                     "idem_key = $4 AND state = 'in_progress' AND resource_id = $5",
                     to, at, scope, key, from) == 1;
  });
  return taken;
}

int IdempotencyRepository::purge(int64_t before_ms) {
  RetentionRepository retention(db_);
  const int64_t stale_before = core::nowMs() - kStaleMs;
  constexpr int kBatch = 1000;
  return static_cast<int>(
      RetentionRepository::drain([&] { return retention.idempotencyKeys(before_ms, stale_before, kBatch); }, kBatch));
}

bool InboxRepository::record(Poco::Data::Session &s, const std::string &source, const std::string &event_id,
                             const std::string &order_id, const std::string &event_type, const std::string &outcome,
                             const std::string &payload) {
  std::string src = source, id = event_id, order = order_id, type = event_type, out = outcome, body = payload;
  int64_t at = core::nowMs();
  Statement insert(s);
  insert << "INSERT INTO processed_events (source, event_id, order_id, event_type, outcome, payload, processed_at_ms) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
      use(src), use(id), use(order), use(type), use(out), use(body), use(at);
  return insert.execute() == 1;
}

} // namespace orders::host::storage
