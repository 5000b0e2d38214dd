#include "storage/checkout_repository.hpp"

#include <Poco/Data/Statement.h>

#include <stdexcept>

#include "domain/order.hpp"
#include "storage/order_repository.hpp"
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

int64_t CheckoutRepository::create(Poco::Data::Session &s, const CheckoutRecord &in) {
  const int64_t at = core::nowMs();
  if (db_.engine() == Engine::postgres) { // one statement: RETURNING draws the sequence
    Rows r(
        db_.query(s,
                  "INSERT INTO checkouts (id, user_id, status, request, error, lease_until_ms, created_at_ms, "
                  "updated_at_ms, step) VALUES ($1, $2, $3, $4, NULL, CAST($5 AS BIGINT), CAST($6 AS BIGINT), "
                  "CAST($6 AS BIGINT), 'started') RETURNING nextval('orders_seq') AS v",
                  {in.id, in.user_id, in.status, in.request, std::to_string(in.lease_until_ms), std::to_string(at)}));
    if (!r.valid()) throw std::runtime_error("checkout " + in.id + ": the insert returned no row");
    return r.i64("v");
  }
  db_.exec(s,
           "INSERT INTO checkouts (id, user_id, status, request, error, lease_until_ms, created_at_ms, updated_at_ms, "
           "step) VALUES ($1, $2, $3, $4, NULL, $5, $6, $6, 'started')",
           in.id, in.user_id, in.status, in.request, in.lease_until_ms, at);
  return OrderRepository(db_).drawSeqs(s, 1).front();
}

void CheckoutRepository::step(Poco::Data::Session &s, const std::string &checkout_id, const std::string &step,
                              int64_t lease_until_ms) {
  db_.write(s,
            "UPDATE checkouts SET step = $1, updated_at_ms = $2, lease_until_ms = $3 WHERE id = $4 AND "
            "status = 'running'",
            step, core::nowMs(), lease_until_ms, checkout_id);
}

bool CheckoutRepository::finish(Poco::Data::Session &s, const std::string &checkout_id, const std::string &status,
                                const std::optional<std::string> &error, const std::optional<std::string> &step) {
  Poco::Nullable<std::string> err = error ? Poco::Nullable<std::string>(*error) : Poco::Nullable<std::string>();
  if (step)
    return db_.exec(s,
                    "UPDATE checkouts SET status = $1, error = $2, updated_at_ms = $3, step = $4 WHERE id = $5 AND "
                    "status = 'running'",
                    status, err, core::nowMs(), *step, checkout_id) == 1;
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
