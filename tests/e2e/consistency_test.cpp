// Correctness under concurrency, retries and crashes, on SQLite and
// PostgreSQL: no overselling, one order per idempotency key, and no
// reservation or pending order left behind by a process killed mid-checkout.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <future>
#include <iostream>
#include <set>
#include <thread>

#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;

class ConsistencyBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConsistencyBase);
  CPPUNIT_TEST(concurrentCheckoutsNeverOversell);
  CPPUNIT_TEST(parallelRequestsWithOneKeyCreateOneOrder);
  CPPUNIT_TEST(keyReusedWithAnotherBodyIs422);
  CPPUNIT_TEST(parallelRetriesMakeOneAttemptAndOneReservation);
  CPPUNIT_TEST(crashAfterEachSagaStepLeavesNothingBehind);
  CPPUNIT_TEST(crashAfterTheLastStepLeavesAWholeCheckout);
  CPPUNIT_TEST(retryOfAKeyWhoseOwnerDiedIsAnswered);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;
  bool skip() const { return engine() == Engine::postgres && orders::testing::needPostgres(); }

public:
  void concurrentCheckoutsNeverOversell() {
    if (skip()) return;
    TestDatabase db(engine());
    ServerOptions o;
    o.stock_mug = 10;
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    constexpr int kClients = 40, kEach = 5; // 200 checkouts, 40 at a time
    std::atomic<int> created{0}, out_of_stock{0}, other{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c)
      threads.emplace_back([&, c] {
        for (int i = 0; i < kEach; ++i) {
          Reply r =
              server.as("buyer-" + std::to_string(c), "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
          if (r.status == 201)
            ++created;
          else if (r.status == 409 && r.json()["code"].asString() == "out_of_stock")
            ++out_of_stock;
          else {
            std::cerr << "unexpected " << r.status << " " << r.body << "\n";
            ++other;
          }
        }
      });
    for (auto &t : threads)
      t.join();
    CPPUNIT_ASSERT_EQUAL(0, other.load());
    CPPUNIT_ASSERT_EQUAL(10, created.load());
    CPPUNIT_ASSERT_EQUAL(190, out_of_stock.load());
    CPPUNIT_ASSERT_EQUAL(int64_t(10),
                         db.scalar("SELECT reserved FROM inventory_stock WHERE product_key='sku-mug'", true));
    CPPUNIT_ASSERT_EQUAL(int64_t(10),
                         db.scalar("SELECT on_hand FROM inventory_stock WHERE product_key='sku-mug'", true));
    CPPUNIT_ASSERT_EQUAL(int64_t(10), db.scalar("SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM orders WHERE status = 'pending'"));
  }

  void parallelRequestsWithOneKeyCreateOneOrder() {
    if (skip()) return;
    TestDatabase db(engine());
    ServerProcess server(db);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const std::string body = checkoutBody({{"sku-beans", 1}});
    std::vector<std::future<Reply>> replies;
    for (int i = 0; i < 50; ++i)
      replies.push_back(std::async(std::launch::async, [&] {
        return server.as("u-idem", "buyer", "POST", "/api/orders", body, {{"Idempotency-Key", "key-1"}});
      }));
    std::set<std::string> bodies;
    int ok = 0, in_progress = 0;
    for (auto &f : replies) {
      Reply r = f.get();
      if (r.status == 201) {
        ++ok;
        bodies.insert(r.body);
      } else if (r.status == 409) {
        ++in_progress;
      } else {
        CPPUNIT_FAIL("unexpected status " + std::to_string(r.status) + ": " + r.body);
      }
    }
    CPPUNIT_ASSERT(ok >= 1);
    CPPUNIT_ASSERT_EQUAL(50, ok + in_progress);
    CPPUNIT_ASSERT_EQUAL(size_t(1), bodies.size()); // every success is the same response, byte for byte
    Reply replay = server.as("u-idem", "buyer", "POST", "/api/orders", body, {{"Idempotency-Key", "key-1"}});
    CPPUNIT_ASSERT_EQUAL(201, replay.status);
    CPPUNIT_ASSERT_EQUAL(std::string("true"), replay.headers["idempotent-replayed"]);
    CPPUNIT_ASSERT_EQUAL(*bodies.begin(), replay.body);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM orders WHERE user_id = 'u-idem'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM payments"));
  }

  // 20 retries of one failed payment at once, without idempotency keys: the
  // order row is locked first, so one makes attempt 2 and holds the stock
  // once; the others are refused with 409 and leave nothing behind.
  void parallelRetriesMakeOneAttemptAndOneReservation() {
    if (skip()) return;
    TestDatabase db(engine());
    ServerProcess server(db);
    CPPUNIT_ASSERT(server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL(201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    Reply failed = server.request("POST", "/hooks/payment/manual",
                                  R"({"eventId":"f1","orderId":")" + id +
                                      R"(","status":"failed","amountMinor":1299,"currency":"USD"})",
                                  {{"x-webhook-secret", "test-webhook-secret"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(failed.body, 200, failed.status);
    CPPUNIT_ASSERT_EQUAL(int64_t(0),
                         db.scalar("SELECT reserved FROM inventory_stock WHERE product_key='sku-mug'", true));
    std::vector<std::future<Reply>> retries;
    for (int i = 0; i < 20; ++i)
      retries.push_back(std::async(std::launch::async,
                                   [&] { return server.as("u1", "buyer", "POST", "/api/orders/" + id + "/payment"); }));
    int ok = 0, refused = 0;
    for (auto &f : retries) {
      Reply reply = f.get();
      if (reply.status == 200)
        ++ok;
      else if (reply.status == 409)
        ++refused;
      else
        CPPUNIT_FAIL("unexpected " + std::to_string(reply.status) + ": " + reply.body);
    }
    CPPUNIT_ASSERT_EQUAL(1, ok);
    CPPUNIT_ASSERT_EQUAL(19, refused);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM payments WHERE order_id = '" + id + "'"));
    CPPUNIT_ASSERT_EQUAL(
        int64_t(1), db.scalar("SELECT COUNT(*) FROM reservations WHERE order_id = '" + id + "' AND status = 'held'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1),
                         db.scalar("SELECT reserved FROM inventory_stock WHERE product_key='sku-mug'", true));
  }

  void keyReusedWithAnotherBodyIs422() {
    if (skip()) return;
    TestDatabase db(engine());
    ServerProcess server(db);
    CPPUNIT_ASSERT(server.waitReady());
    CPPUNIT_ASSERT_EQUAL(
        201, server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}), {{"Idempotency-Key", "k"}})
                 .status);
    Reply other =
        server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 2}}), {{"Idempotency-Key", "k"}});
    CPPUNIT_ASSERT_EQUAL(422, other.status);
    CPPUNIT_ASSERT_EQUAL(std::string("idempotency_mismatch"), other.json()["code"].asString());
    // Keys are per caller: another buyer may use the same one.
    CPPUNIT_ASSERT_EQUAL(
        201, server.as("u2", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 2}}), {{"Idempotency-Key", "k"}})
                 .status);
  }

  void crashAfterEachSagaStepLeavesNothingBehind() {
    if (skip()) return;
    // The last step, shipments_created, is written with the checkout's
    // completion (one commit): a crash after it finds a whole checkout.
    for (const char *step : {"started", "priced", "reserved", "orders_written", "payments_created"}) {
      TestDatabase db(engine());
      {
        ServerOptions o;
        o.env["ORDERS_TEST_CRASH_AFTER"] = step;
        o.lease_seconds = 2; // so the revived server may take the dead checkout over soon
        ServerProcess doomed(db, o);
        CPPUNIT_ASSERT_MESSAGE(doomed.log(), doomed.waitReady());
        Reply r =
            doomed.as("u-crash", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 2}, {"sku-beans", 1}}));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string("step ") + step + ": the request should die with the process", 0,
                                     r.status);
        CPPUNIT_ASSERT_MESSAGE(std::string("step ") + step + " did not kill the server", doomed.waitExit());
      }
      ServerOptions o;
      o.lease_seconds = 2;
      ServerProcess revived(db, o);
      CPPUNIT_ASSERT_MESSAGE(revived.log(), revived.waitReady());
      auto settled = [&] {
        return db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'running'") == 0 &&
               db.scalar("SELECT COALESCE(SUM(reserved), 0) FROM inventory_stock", true) == 0 &&
               db.scalar("SELECT COUNT(*) FROM orders WHERE status = 'pending' OR status = 'awaiting_payment'") == 0 &&
               // The provider gives the units back before the row says so:
               // settled means both, or this races the reconciler.
               db.scalar("SELECT COUNT(*) FROM reservations WHERE status IN ('held', 'reserving', "
                         "'release_pending', 'commit_pending')") == 0;
      };
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!settled() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      CPPUNIT_ASSERT_MESSAGE(std::string("after a crash at ") + step + " something was left behind\n" + revived.log(),
                             settled());
    }
  }

  void crashAfterTheLastStepLeavesAWholeCheckout() {
    if (skip()) return;
    TestDatabase db(engine());
    {
      ServerOptions o;
      o.env["ORDERS_TEST_CRASH_AFTER"] = "shipments_created";
      o.lease_seconds = 2;
      ServerProcess doomed(db, o);
      CPPUNIT_ASSERT_MESSAGE(doomed.log(), doomed.waitReady());
      Reply r = doomed.as("u-crash", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 2}, {"sku-beans", 1}}));
      CPPUNIT_ASSERT_EQUAL(0, r.status);
      CPPUNIT_ASSERT(doomed.waitExit());
    }
    ServerOptions o;
    o.lease_seconds = 2;
    ServerProcess revived(db, o);
    CPPUNIT_ASSERT_MESSAGE(revived.log(), revived.waitReady());
    std::this_thread::sleep_for(std::chrono::seconds(3)); // past the lease: a sweep would have undone it by now
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'completed' AND step = "
                                               "'shipments_created'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM checkouts WHERE status <> 'completed'"));
    // Two sellers: two orders, each with its payment, shipment and reservation.
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM orders"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(DISTINCT seq) FROM orders WHERE seq > 0"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM payments WHERE status = 'pending' AND reference "
                                               "IS NOT NULL"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM shipments WHERE status = 'draft'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM reservations WHERE status = 'held'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(3), db.scalar("SELECT COALESCE(SUM(reserved), 0) FROM inventory_stock", true));
    // The step log of rows is gone: the step lives in the checkout's row.
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM checkout_steps"));
  }

  // The process died holding an Idempotency-Key: after it finished the
  // checkout, the retry gets that checkout's orders (not 409 for the key's
  // stale timeout, not a second order); mid-saga, the retry waits for the
  // sweep to undo it and then makes the order once.
  void retryOfAKeyWhoseOwnerDiedIsAnswered() {
    if (skip()) return;
    for (const char *step : {"completed", "reserved"}) {
      TestDatabase db(engine());
      const std::string key = std::string("died-at-") + step;
      const std::string body = checkoutBody({{"sku-mug", 1}});
      {
        ServerOptions o;
        o.env["ORDERS_TEST_CRASH_AFTER"] = step;
        o.lease_seconds = 2;
        ServerProcess doomed(db, o);
        CPPUNIT_ASSERT_MESSAGE(doomed.log(), doomed.waitReady());
        CPPUNIT_ASSERT_EQUAL(
            0, doomed.as("u-key", "buyer", "POST", "/api/orders", body, {{"Idempotency-Key", key}}).status);
        CPPUNIT_ASSERT(doomed.waitExit());
      }
      ServerOptions o;
      o.lease_seconds = 2;
      ServerProcess revived(db, o);
      CPPUNIT_ASSERT_MESSAGE(revived.log(), revived.waitReady());
      Reply r;
      int busy = 0;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (std::chrono::steady_clock::now() < until) {
        r = revived.as("u-key", "buyer", "POST", "/api/orders", body, {{"Idempotency-Key", key}});
        if (r.status != 409) break;
        CPPUNIT_ASSERT_EQUAL(std::string("1"), r.headers["retry-after"]);
        ++busy;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(step) + ": " + r.body + "\n" + revived.log(), 201, r.status);
      if (std::string(step) == "completed") {
        CPPUNIT_ASSERT_EQUAL(0, busy); // answered at once, from the finished checkout
        CPPUNIT_ASSERT_EQUAL(std::string("true"), r.headers["idempotent-replayed"]);
      }
      const std::string id = r.json()["orders"][0]["id"].asString();
      CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'"));
      CPPUNIT_ASSERT_EQUAL(int64_t(1),
                           db.scalar("SELECT COUNT(*) FROM orders WHERE id = '" + id + "' AND status <> 'cancelled'"));
      // And the key now replays that answer.
      Reply again = revived.as("u-key", "buyer", "POST", "/api/orders", body, {{"Idempotency-Key", key}});
      CPPUNIT_ASSERT_EQUAL(201, again.status);
      CPPUNIT_ASSERT_EQUAL(id, again.json()["orders"][0]["id"].asString());
    }
  }
};

class SqliteConsistencyTest : public ConsistencyBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteConsistencyTest, ConsistencyBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::sqlite; }
};

class PostgresConsistencyTest : public ConsistencyBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresConsistencyTest, ConsistencyBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteConsistencyTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresConsistencyTest);
