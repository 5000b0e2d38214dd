#include "storage/checkout_repository.hpp"

#include <Poco/Data/Statement.h>

#include "domain/order.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace orders::host::storage {

namespace {
CheckoutRecord readCheckout(Rows &r) {
  return CheckoutRecord{r.str("id"),      r.str("user_id"),  r.str("status"),
                        r.str("request"), r.optStr("error"), r.i64("lease_until_ms")};
}
} // namespace

void CheckoutRepository::create(Poco::Data::Session &s, const CheckoutRecord &in) {
  const int64_t at = core::nowMs();
  static const std::string insert =
      "INSERT INTO checkouts (id, user_id, status, request, error, lease_until_ms, created_at_ms, updated_at_ms) "
      "VALUES ($1, $2, $3, $4, NULL, $5, $6, $6)";
  static const std::string started =
      "INSERT INTO checkout_steps (checkout_id, step, state, detail, at_ms) VALUES ($1, 'started', 'done', '', $6)";
  if (db_.engine() == Engine::postgres) { // one statement (the foreign key is checked at its end)
    db_.exec(s, "WITH created AS (" + insert + ") " + started, in.id, in.user_id, in.status, in.request,
             in.lease_until_ms, at);
    return;
  }
  db_.exec(s, insert, in.id, in.user_id, in.status, in.request, in.lease_until_ms, at);
  db_.exec(
      s, "INSERT INTO checkout_steps (checkout_id, step, state, detail, at_ms) VALUES ($1, 'started', 'done', '', $2)",
      in.id, at);
}

void CheckoutRepository::step(Poco::Data::Session &s, const std::string &checkout_id, const std::string &step,
                              const std::string &state, const std::string &detail,
                              std::optional<int64_t> lease_until_ms) {
  int64_t at = core::nowMs();
  // Upsert (PostgreSQL 9.5+ and SQLite 3.24+ both speak ON CONFLICT).
  static const std::string upsert =
      "INSERT INTO checkout_steps (checkout_id, step, state, detail, at_ms) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (checkout_id, step) DO UPDATE SET state = excluded.state, detail = excluded.detail, "
      "at_ms = excluded.at_ms";
  if (db_.engine() == Engine::postgres) { // one round trip: the upsert as a data-modifying CTE
    if (lease_until_ms)
      db_.write(s,
                "WITH recorded AS (" + upsert +
                    ") UPDATE checkouts SET updated_at_ms = $5, lease_until_ms = $6 WHERE id = $1 AND "
                    "status = 'running'",
                checkout_id, step, state, detail, at, *lease_until_ms);
    else
      db_.write(s, "WITH recorded AS (" + upsert + ") UPDATE checkouts SET updated_at_ms = $5 WHERE id = $1",
                checkout_id, step, state, detail, at);
    return;
  }
  db_.exec(s, upsert, checkout_id, step, state, detail, at);
  if (lease_until_ms)
    db_.exec(s, "UPDATE checkouts SET updated_at_ms = $1, lease_until_ms = $2 WHERE id = $3 AND status = 'running'", at,
             *lease_until_ms, checkout_id);
  else
    db_.exec(s, "UPDATE checkouts SET updated_at_ms = $1 WHERE id = $2", at, checkout_id);
}

bool CheckoutRepository::finish(Poco::Data::Session &s, const std::string &checkout_id, const std::string &status,
                                const std::optional<std::string> &error) {
  Poco::Nullable<std::string> err = error ? Poco::Nullable<std::string>(*error) : Poco::Nullable<std::string>();
  return db_.exec(
             s, "UPDATE checkouts SET status = $1, error = $2, updated_at_ms = $3 WHERE id = $4 AND status = 'running'",
             status, err, core::nowMs(), checkout_id) == 1;
}

std::optional<CheckoutRecord> CheckoutRepository::find(Poco::Data::Session &s, const std::string &id, bool lock) {
  std::string key = id;
  Statement st(s);
  st << "SELECT id, user_id, status, request, error, lease_until_ms FROM checkouts WHERE id = $1"
     << (lock ? db_.forUpdate() : ""),
      use(key);
  st.execute();
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return readCheckout(r);
}

std::vector<std::string> CheckoutRepository::steps(Poco::Data::Session &s, const std::string &checkout_id) {
  std::string id = checkout_id;
  std::vector<std::string> out;
  Statement st(s);
  st << "SELECT step FROM checkout_steps WHERE checkout_id = $1 AND state = 'done' ORDER BY at_ms", use(id), into(out);
  st.execute();
  return out;
}

std::vector<CheckoutRecord> CheckoutRepository::claimStale(Poco::Data::Session &s, int64_t now_ms, int64_t new_lease_ms,
                                                           int limit) {
  Statement st(s);
  st << "SELECT id, user_id, status, request, error, lease_until_ms FROM checkouts WHERE status = 'running' AND "
        "lease_until_ms < $1 ORDER BY lease_until_ms LIMIT " +
            std::to_string(limit) + db_.forUpdateSkipLocked(),
      use(now_ms);
  st.execute();
  std::vector<CheckoutRecord> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readCheckout(r));
  for (auto &c : out) {
    s << "UPDATE checkouts SET lease_until_ms = $1 WHERE id = $2", use(new_lease_ms), use(c.id), now;
    c.lease_until_ms = new_lease_ms;
  }
  return out;
}

} // namespace orders::host::storage
