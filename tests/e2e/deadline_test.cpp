// Request deadlines end to end (SQLite): every plugin call of a checkout
// shares checkout.budget_ms, and a client that closes its connection
// mid-checkout gets its checkout undone instead of finished for nobody.
// The slow neighbour is an Inventory service stand-in (HttpPeer) that holds
// sku-tee's stock.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <chrono>
#include <thread>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;
using Clock = std::chrono::steady_clock;

namespace {
constexpr const char *kAllocate = "/internal/inventory/allocate";
constexpr const char *kRelease = "/internal/inventory/release";

ServerOptions slowInventory(const HttpPeer &peer) {
  ServerOptions o;
  o.env["INVENTORY_INTERNAL_API_TOKEN"] = "deadline-token";
  o.checkout_extra = ", inventory_routes: [ { inventory: remote, attribute: { name: type, value: merch } } ]";
  o.inventory_extra = "    - name: inventory-service\n      id: remote\n      timeout_ms: 10000\n"
                      "      http: { timeout_ms: 10000, retries: 0 }\n      config: { base_url: \"" +
                      peer.baseUrl() + "\" }\n";
  return o;
}

void script(HttpPeer &peer, std::chrono::milliseconds allocate_delay) {
  peer.on("POST", kAllocate, PeerReply{200, R"({"status":"allocated"})", "application/json", {}, allocate_delay});
  peer.on("POST", kRelease, PeerReply{200, R"({"status":"released"})"});
}
} // namespace

class DeadlineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DeadlineTest);
  CPPUNIT_TEST(aClientThatGaveUpHasItsCheckoutUndone);
  CPPUNIT_TEST(theBudgetCapsEveryPluginCall);
  CPPUNIT_TEST(aBudgetNotBelowTheLeaseIsAConfigError);
  CPPUNIT_TEST_SUITE_END();

public:
  void aClientThatGaveUpHasItsCheckoutUndone() {
    HttpPeer peer;
    script(peer, std::chrono::milliseconds(2000));
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, slowInventory(peer));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    {
      // A client that gives up after 500 ms, while the allocation is in flight.
      Poco::Net::HTTPClientSession s("127.0.0.1", server.port());
      s.setTimeout(Poco::Timespan(0, 500000));
      Poco::Net::HTTPRequest req("POST", "/api/orders", Poco::Net::HTTPMessage::HTTP_1_1);
      const std::string body = checkoutBody({{"sku-tee", 1}});
      req.set("x-gateway-key", "test-gateway-key");
      req.set("x-user-id", "u-gone");
      req.set("x-user-role", "buyer");
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      s.sendRequest(req) << body;
      Poco::Net::HTTPResponse res;
      CPPUNIT_ASSERT_THROW(s.receiveResponse(res), Poco::TimeoutException);
      s.reset(); // the connection closes here
    }
    // The allocation comes back after 2 s: the checkout stops there and undoes it.
    CPPUNIT_ASSERT_MESSAGE(
        server.log(),
        eventually([&] { return db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'compensated'") == 1; },
                   10000));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'"));
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return peer.count("POST", kRelease) >= 1; }));
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", kAllocate));
    CPPUNIT_ASSERT(server.log().find("checkout abandoned by its client") != std::string::npos);
    // Nothing of it is left held.
    CPPUNIT_ASSERT(eventually([&] {
      return db.scalar("SELECT COUNT(*) FROM reservations WHERE status IN ('held', 'reserving', 'release_pending')") ==
             0;
    }));
  }

  void theBudgetCapsEveryPluginCall() {
    HttpPeer peer;
    script(peer, std::chrono::milliseconds(3000));
    TestDatabase db(Engine::sqlite);
    ServerOptions o = slowInventory(peer);
    o.budget_ms = 1000; // the instance alone would wait 10 s
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const auto asked = Clock::now();
    Reply r = server.as("u-budget", "buyer", "POST", "/api/orders", checkoutBody({{"sku-tee", 1}}));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - asked);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 504, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), r.json()["code"].asString());
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took.count()) + " ms", took < std::chrono::milliseconds(2500));
    CPPUNIT_ASSERT(eventually([&] {
      return db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'running'") == 0 &&
             db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'") == 0;
    }));
    // A fast neighbour again: the same budget is plenty.
    script(peer, std::chrono::milliseconds(0));
    Reply ok = server.as("u-budget", "buyer", "POST", "/api/orders", checkoutBody({{"sku-tee", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 201, ok.status);
  }

  void aBudgetNotBelowTheLeaseIsAConfigError() {
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.lease_seconds = 5;
    o.budget_ms = 5000;
    ServerProcess server(db, o);
    CPPUNIT_ASSERT(!server.waitReady(10000));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.log().find("/checkout/budget_ms (5000) must be below "
                                                           "/checkout/lease_seconds (5 s)") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeadlineTest);
