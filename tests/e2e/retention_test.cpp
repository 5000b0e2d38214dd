// Retention end to end (issue 17): a server configured with short ages
// deletes, from its own sweeps, what has aged out (finished checkouts with
// their steps, finished idempotency keys, processed provider events, and,
// with no publisher configured, outbox rows with their queue rows), keeps
// what has not, and still answers for the orders those rows belonged to.
// Rows are aged by moving their timestamps back, as time would.
#include <cppunit/extensions/HelperMacros.h>

#include "eventually.hpp"
#include "server_process.hpp"
#include "test_skip.hpp"

using namespace orders::e2e;
using orders::testing::eventually;

namespace {
constexpr int64_t kHour = 3600 * 1000;

ServerOptions shortRetention() {
  ServerOptions o;
  o.orders_extra = ", idempotency_ttl_seconds: 60, retention: { checkouts_max_age_seconds: 60, "
                   "processed_events_max_age_seconds: 60, notifications_max_age_seconds: 60 }";
  o.extra_yaml = "events: { retention: { published_max_age_seconds: 60 } }\n";
  return o;
}
} // namespace

class RetentionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RetentionTest);
  CPPUNIT_TEST(agedRowsGoOnSqlite);
  CPPUNIT_TEST(agedRowsGoOnPostgres);
  CPPUNIT_TEST(checkoutsKeptShorterThanTheirKeysIsAConfigError);
  CPPUNIT_TEST_SUITE_END();

  static std::string checkout(const ServerProcess &server, const std::string &user, const std::string &key) {
    Reply r =
        server.as(user, "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}), {{"Idempotency-Key", key}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return r.json()["orders"][0]["id"].asString();
  }

  static void agedRowsGo(Engine engine) {
    TestDatabase db(engine);
    ServerProcess server(db, shortRetention());
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const std::string old_order = checkout(server, "u-old", "ret-old");
    const std::string young_order = checkout(server, "u-young", "ret-young");
    for (const char *at : {"1000", "9999999999999"})
      db.exec(std::string("INSERT INTO processed_events (source, event_id, order_id, event_type, outcome, payload, "
                          "processed_at_ms) VALUES ('manual', 'ev-") +
              at + "', '" + old_order + "', 'paid', 'applied', '{}', " + at + ")");
    const std::string back = std::to_string(2 * kHour);
    db.exec("UPDATE checkouts SET created_at_ms = created_at_ms - " + back + " WHERE user_id = 'u-old'");
    db.exec("UPDATE idempotency_keys SET updated_at_ms = updated_at_ms - " + back + " WHERE idem_key = 'ret-old'");
    db.exec("UPDATE service_outbox SET created_at_ms = created_at_ms - " + back + " WHERE aggregate_id = '" +
            old_order + "'");
    const int64_t old_events =
        db.scalar("SELECT COUNT(*) FROM service_outbox WHERE aggregate_id = '" + old_order + "'");
    CPPUNIT_ASSERT(old_events > 0);

    const std::string old_checkouts = "SELECT COUNT(*) FROM checkouts WHERE user_id = 'u-old'";
    CPPUNIT_ASSERT_MESSAGE(
        server.log(), eventually([&] {
          return db.scalar(old_checkouts) == 0 &&
                 db.scalar("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'ret-old'") == 0 &&
                 db.scalar("SELECT COUNT(*) FROM processed_events") == 1 &&
                 db.scalar("SELECT COUNT(*) FROM service_outbox WHERE aggregate_id = '" + old_order + "'") == 0;
        }));
    // What has not aged is kept: the young checkout with its last step, its
    // key, the young event, the young order's outbox rows and queue rows.
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM checkouts WHERE user_id = 'u-young' AND step = "
                                               "'shipments_created' AND status = 'completed'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0),
                         db.scalar("SELECT COUNT(*) FROM checkout_steps WHERE checkout_id NOT IN (SELECT id FROM "
                                   "checkouts)"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'ret-young'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1),
                         db.scalar("SELECT COUNT(*) FROM processed_events WHERE event_id = 'ev-9999999999999'"));
    const std::string young_events = "SELECT COUNT(*) FROM service_outbox WHERE aggregate_id = '" + young_order + "'";
    CPPUNIT_ASSERT(db.scalar(young_events) > 0);
    CPPUNIT_ASSERT_EQUAL(db.scalar(young_events),
                         db.scalar("SELECT COUNT(*) FROM outbox_pending WHERE aggregate_id = '" + young_order + "'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0),
                         db.scalar("SELECT COUNT(*) FROM outbox_pending WHERE aggregate_id = '" + old_order + "'"));
    // The order itself is a record, not a row kept for a while.
    Reply order = server.as("u-old", "buyer", "GET", "/api/orders/" + old_order);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(order.body, 200, order.status);
    Reply history = server.as("u-old", "buyer", "GET", "/api/orders/" + old_order + "/history");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(history.body, 200, history.status);
  }

public:
  void agedRowsGoOnSqlite() { agedRowsGo(Engine::sqlite); }

  void agedRowsGoOnPostgres() {
    if (orders::testing::needPostgres()) return;
    agedRowsGo(Engine::postgres);
  }

  void checkoutsKeptShorterThanTheirKeysIsAConfigError() {
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.orders_extra = ", retention: { checkouts_max_age_seconds: 3600 }"; // keys: 86400 s by default
    ServerProcess server(db, o);
    CPPUNIT_ASSERT(!server.waitReady(10000));
    CPPUNIT_ASSERT_MESSAGE(server.log(),
                           server.log().find("/orders/retention/checkouts_max_age_seconds (3600) must be "
                                             "at least /orders/idempotency_ttl_seconds (86400)") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RetentionTest);
