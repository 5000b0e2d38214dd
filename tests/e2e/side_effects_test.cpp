// Side effects under races, replicas and bad rows (the reconciler's claims,
// compare-and-set writes and backoff), against a Xendit stand-in that counts
// every call:
// - a `paid` callback arriving while the void of the same payment is in
//   flight ends with the payment refunded, not overwritten by the void;
// - two server processes on one PostgreSQL database void each payment
//   exactly once;
// - a poison row and 300 rows of a provider that is down never stall a
//   healthy provider's row.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "http_peer.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"
#include "test_skip.hpp"

using namespace orders::e2e;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;

namespace {

bool eventually(const std::function<bool()> &check, int timeout_ms = 20000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return check();
}

std::string invoice(const std::string &id, const std::string &status) {
  return R"({"id":")" + id + R"(","status":")" + status + R"(","invoice_url":"https://x.test/)" + id +
         R"(","expiry_date":"2026-11-23T10:00:00.000Z","amount":12.99,"currency":"USD"})";
}

std::string paidCallback(const std::string &invoice_id, const std::string &order_id) {
  return R"({"id":")" + invoice_id + R"(","external_id":"order-)" + order_id +
         R"(-1","status":"PAID","amount":12.99,"paid_amount":12.99,"currency":"USD",)"
         R"("payment_method":"BANK_TRANSFER","paid_at":"2026-11-22T10:00:00.000Z"})";
}

// A Xendit instance `id` against `peer`.
std::string xenditInstance(const std::string &id, const HttpPeer &peer) {
  return "    - name: xendit\n      id: " + id + "\n      config: { base_url: \"" + peer.baseUrl() + "\" }\n";
}

ServerOptions xenditOptions(const HttpPeer &peer) {
  ServerOptions o;
  o.env["XENDIT_SECRET_KEY"] = "xnd_test_123";
  o.env["XENDIT_CALLBACK_TOKEN"] = "cb-token";
  o.checkout_extra = ", payment: xendit";
  o.payment_extra = xenditInstance("xendit", peer);
  return o;
}

// The warning and error lines of a server log.
std::string problems(const std::string &log) {
  std::string out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    if (line.find("\"level\":\"warn\"") != std::string::npos || line.find("\"level\":\"error\"") != std::string::npos)
      out += line + "\n";
    start = end + 1;
  }
  return out;
}

// The status of the order's payment through instance `provider`.
std::string paymentStatus(const TestDatabase &db, const std::string &order_id, const std::string &provider = "xendit") {
  for (const char *s : {"void_pending", "refund_pending", "cancelled", "refunded", "void_failed", "refund_failed",
                        "pending", "captured"})
    if (db.scalar("SELECT COUNT(*) FROM payments WHERE order_id = '" + order_id + "' AND provider = '" + provider +
                  "' AND status = '" + s + "'") > 0)
      return s;
  return "?";
}

} // namespace

class SideEffectsBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SideEffectsBase);
  CPPUNIT_TEST(paidCallbackDuringTheVoidEndsRefunded);
  CPPUNIT_TEST(poisonRowAndDownProviderNeverStallAHealthyOne);
  CPPUNIT_TEST(providerWithoutRestockFlagsAManualRestock);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;
  bool skip() const { return engine() == Engine::postgres && orders::testing::needPostgres(); }

public:
  // The review's sequence: the void of a cancelled order's payment is in
  // flight when the provider reports it paid. The paid event flags a refund;
  // the void's answer must not overwrite it, and the refund must happen once.
  void paidCallbackDuringTheVoidEndsRefunded() {
    if (skip()) return;
    HttpPeer xendit;
    xendit.on("POST", "/v2/invoices", {200, invoice("inv-1", "PENDING")});
    std::promise<void> void_arrived, release_void;
    auto released = release_void.get_future().share();
    PeerReply held{200, invoice("inv-1", "EXPIRED")};
    auto first = std::make_shared<std::once_flag>();
    held.hold = [&void_arrived, released, first] {
      std::call_once(*first, [&] { void_arrived.set_value(); });
      released.wait();
    };
    xendit.on("POST", "/invoices/inv-1/expire!", held);
    xendit.on("POST", "/refunds", {200, R"({"id":"rfd-1","status":"SUCCEEDED"})"});
    TestDatabase db(engine());
    ServerProcess server(db, xenditOptions(xendit));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();

    auto cancelled = std::async(std::launch::async, [&] {
      return server.as("u1", "buyer", "POST", "/api/orders/" + id + "/cancel", R"({"reason":"changed my mind"})");
    });
    CPPUNIT_ASSERT(void_arrived.get_future().wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    // The void is in flight: now the provider says the invoice was paid.
    Reply paid =
        server.request("POST", "/hooks/payment/xendit", paidCallback("inv-1", id), {{"x-callback-token", "cb-token"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("refund_flagged"), paid.json()["status"].asString());
    release_void.set_value();
    CPPUNIT_ASSERT_EQUAL(200, cancelled.get().status);

    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return paymentStatus(db, id) == "refunded"; }));
    CPPUNIT_ASSERT_EQUAL(size_t(1), xendit.count("POST", "/refunds"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), xendit.count("POST", "/invoices/inv-1/expire!"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM orders WHERE id = '" + id +
                                               "' AND status = 'cancelled' AND refund_required = 1"));
  }

  // 300 void_pending rows of a provider that is down, and a reservation whose
  // stored lines cannot be read, are in the sweep's way; a healthy
  // provider's void still completes, and the failing rows back off.
  void poisonRowAndDownProviderNeverStallAHealthyOne() {
    if (skip()) return;
    HttpPeer healthy, down;
    healthy.on("POST", "/v2/invoices", {200, invoice("inv-h", "PENDING")});
    healthy.on("POST", "/invoices/inv-h/expire!", {503, R"({"error_code":"SERVER_ERROR"})"});
    down.on("POST", "/invoices/inv-d/expire!", {503, R"({"error_code":"SERVER_ERROR"})"});
    TestDatabase db(engine());
    ServerOptions o = xenditOptions(healthy);
    o.payment_extra += xenditInstance("xendit-down", down);
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    // Order A carries the rows in the way; order B is the healthy one.
    Reply ra = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ra.body, 201, ra.status);
    const std::string a = ra.json()["orders"][0]["id"].asString();
    Reply rb = server.as("u2", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(rb.body, 201, rb.status);
    const std::string id = rb.json()["orders"][0]["id"].asString();
    // The rows in the way, older than anything the healthy provider has.
    db.exec("INSERT INTO payments (id, order_id, attempt, provider, idempotency_key, reference, status, "
            "amount_minor, currency, created_at_ms, updated_at_ms) "
            "SELECT 'down-' || n, '" +
            a +
            "', 100 + n, 'xendit-down', 'down-key-' || n, 'inv-d', 'void_pending', 1299, 'USD', n, n "
            "FROM (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300) "
            "SELECT n FROM c) AS c");
    db.exec("INSERT INTO reservations (id, checkout_id, order_id, provider, reservation_id, idempotency_key, "
            "status, lines, expires_at, created_at_ms, updated_at_ms) VALUES ('poison', 'ck-poison', '" +
            a + "', 'stock', 'r-poison', 'poison-key', 'release_pending', 'not json', NULL, 0, 0)");
    CPPUNIT_ASSERT_EQUAL(int64_t(300), db.scalar("SELECT COUNT(*) FROM payments WHERE provider = 'xendit-down'"));

    // The healthy provider is briefly down too when order B is cancelled,
    // so only the sweep can settle its void, from behind the others.
    Reply cancel = server.as("u2", "buyer", "POST", "/api/orders/" + id + "/cancel", R"({"reason":"test"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(cancel.body, 200, cancel.status);
    CPPUNIT_ASSERT_EQUAL(std::string("void_pending"), paymentStatus(db, id));
    healthy.on("POST", "/invoices/inv-h/expire!", {200, invoice("inv-h", "EXPIRED")});

    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return paymentStatus(db, id) == "cancelled"; }));
    CPPUNIT_ASSERT(server.running());
    // The failing rows were tried, counted and pushed back, not spun on.
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return db.scalar("SELECT MIN(attempts) FROM payments WHERE provider = 'xendit-down'") >= 1;
                           }));
    CPPUNIT_ASSERT(db.scalar("SELECT attempts FROM reservations WHERE id = 'poison'") >= 1);
    CPPUNIT_ASSERT_EQUAL(int64_t(300), db.scalar("SELECT COUNT(*) FROM payments WHERE provider = 'xendit-down' AND "
                                                 "status = 'void_pending'"));
    // Its breaker and the backoff keep the down provider from being hammered.
    const size_t calls = down.count("POST", "/invoices/inv-d/expire!");
    CPPUNIT_ASSERT_MESSAGE(std::to_string(calls), calls < 3 * 300);
  }

  // An inventory provider that cannot restock (a plugin built for ABI 1.2,
  // in C, without ORDERS_INVENTORY_CAN_RESTOCK): cancelling its paid order
  // flags a manual restock, visible to admins in the outbox.
  void providerWithoutRestockFlagsAManualRestock() {
    if (skip()) return;
    TestDatabase db(engine());
    ServerOptions o;
    o.checkout_extra = ", inventory: cstock";
    o.inventory_extra = std::string("    - name: c-v1-2\n      id: cstock\n      path: \"") + ORDERS_FIXTURE_DIR +
                        "/orders-inventory-c-v1-2.so\"\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    const std::map<std::string, std::string> hook{{"x-webhook-secret", "test-webhook-secret"}};
    Reply paid = server.request(
        "POST", "/hooks/payment/manual",
        R"({"eventId":"p1","orderId":")" + id + R"(","status":"paid","amountMinor":1299,"currency":"USD"})", hook);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return db.scalar("SELECT COUNT(*) FROM reservations WHERE order_id = '" + id +
                                              "' AND status = 'committed'") == 1;
                           }));
    CPPUNIT_ASSERT_EQUAL(200, server.as("admin-1", "admin", "POST", "/api/orders/" + id + "/cancel").status);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return db.scalar("SELECT COUNT(*) FROM reservations WHERE order_id = '" + id +
                                              "' AND status = 'restock_manual'") == 1;
                           }));
    Reply outbox = server.as("admin-1", "admin", "GET", "/api/admin/outbox");
    CPPUNIT_ASSERT_EQUAL(200, outbox.status);
    CPPUNIT_ASSERT_MESSAGE(outbox.body, outbox.body.find("order.restock_required") != std::string::npos);
  }
};

class SideEffectsSqlite : public SideEffectsBase {
  CPPUNIT_TEST_SUB_SUITE(SideEffectsSqlite, SideEffectsBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::sqlite; }
};

class SideEffectsPostgres : public SideEffectsBase {
  CPPUNIT_TEST_SUB_SUITE(SideEffectsPostgres, SideEffectsBase);
  CPPUNIT_TEST(twoReplicasVoidEachPaymentOnce);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::postgres; }

public:
  // Two processes on one database: each sweeps and each cancels orders;
  // every void reaches the provider exactly once.
  void twoReplicasVoidEachPaymentOnce() {
    if (skip()) return;
    HttpPeer xendit;
    xendit.on("POST", "/v2/invoices", {200, invoice("inv-1", "PENDING")});
    PeerReply slow{200, invoice("inv-1", "EXPIRED")};
    slow.delay = std::chrono::milliseconds(150); // keeps each void in flight while the other replica sweeps
    xendit.on("POST", "/invoices/inv-1/expire!", slow);
    TestDatabase db(Engine::postgres);
    ServerProcess a(db, xenditOptions(xendit));
    CPPUNIT_ASSERT_MESSAGE(a.log(), a.waitReady());
    ServerProcess b(db, xenditOptions(xendit));
    CPPUNIT_ASSERT_MESSAGE(b.log(), b.waitReady());

    constexpr int kOrders = 20;
    std::vector<std::string> ids;
    for (int i = 0; i < kOrders; ++i) {
      Reply r = a.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
      ids.push_back(r.json()["orders"][0]["id"].asString());
    }
    // Cancelled through both replicas at once; both sweeps run every 100 ms.
    std::vector<std::future<Reply>> cancels;
    for (int i = 0; i < kOrders; ++i)
      cancels.push_back(std::async(std::launch::async, [&, i] {
        return (i % 2 ? a : b).as("u1", "buyer", "POST", "/api/orders/" + ids[i] + "/cancel", "{}");
      }));
    for (auto &c : cancels)
      CPPUNIT_ASSERT_EQUAL(200, c.get().status);
    CPPUNIT_ASSERT_MESSAGE(a.log(), eventually([&] {
                             return db.scalar("SELECT COUNT(*) FROM payments WHERE status = 'cancelled'") == kOrders;
                           }));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(problems(a.log()) + "\n--- b:\n" + problems(b.log()), size_t(kOrders),
                                 xendit.count("POST", "/invoices/inv-1/expire!"));
    CPPUNIT_ASSERT_EQUAL(int64_t(kOrders), db.scalar("SELECT COUNT(*) FROM reservations WHERE status = 'released'"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SideEffectsSqlite);
CPPUNIT_TEST_SUITE_REGISTRATION(SideEffectsPostgres);
