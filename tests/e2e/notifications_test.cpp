// Notifications end to end: the real binary, the notifier/webhook plugin and
// a real HTTP peer. Order events reach the notifier once each (deduplicated
// by event id across the dispatcher's re-reads), a failing peer is retried
// with backoff, and orders never wait for it.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <map>
#include <thread>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;
using orders::testing::PeerRequest;

namespace {

// orders_notification_passes_total from the server's /metrics.
int64_t dispatcherPasses(const ServerProcess &server) {
  const std::string text = server.request("GET", "/metrics").body;
  const std::string name = "orders_notification_passes_total ";
  const auto at = text.find("\n" + name);
  if (at == std::string::npos) return 0;
  return static_cast<int64_t>(std::stod(text.substr(at + 1 + name.size())));
}

// Event type -> deliveries the peer answered 2xx for.
std::map<std::string, int> delivered(const HttpPeer &peer, size_t skip_failed = 0) {
  std::map<std::string, int> out;
  size_t i = 0;
  for (const PeerRequest &r : peer.requests()) {
    if (i++ < skip_failed) continue;
    out[orders::sdk::parseJson(r.body)["event"].asString()] += 1;
  }
  return out;
}

ServerOptions webhookNotifier(const HttpPeer &peer) {
  ServerOptions o;
  o.env["NOTIFY_SIGNING_SECRET"] = "sign-me";
  o.extra_yaml = "  notifier:\n    - name: webhook\n      id: hooks\n      config: { url: \"" + peer.baseUrl() +
                 "/notify\", signing_secret: NOTIFY_SIGNING_SECRET }\n      http: { retries: 0 }\n"
                 "notifications: { poll_interval_ms: 100 }\n";
  return o;
}

void pay(const ServerProcess &server, const Json::Value &order) {
  Json::Value b(Json::objectValue);
  b["eventId"] = "pay-" + order["id"].asString();
  b["orderId"] = order["id"];
  b["status"] = "paid";
  b["amountMinor"] = order["totalMinor"];
  b["currency"] = order["currency"];
  CPPUNIT_ASSERT_EQUAL(200, server
                                .request("POST", "/hooks/payment/manual", orders::sdk::writeJson(b),
                                         {{"x-webhook-secret", "test-webhook-secret"}})
                                .status);
}

} // namespace

class NotificationsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NotificationsTest);
  CPPUNIT_TEST(orderEventsReachTheNotifierOnceEach);
  CPPUNIT_TEST(failingNotifierIsRetriedAndNeverBlocksOrders);
  CPPUNIT_TEST_SUITE_END();

public:
  void orderEventsReachTheNotifierOnceEach() {
    HttpPeer peer;
    peer.on("POST", "/notify", {200, "{}"});
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, webhookNotifier(peer));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const Json::Value order = r.json()["orders"][0];
    pay(server, order);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             auto d = delivered(peer);
                             return d["order.created"] == 1 && d["order.paid"] == 1;
                           }));
    // Three more complete dispatcher passes after both were sent: a second
    // delivery would have happened by then (a count, not a sleep).
    const int64_t passes = dispatcherPasses(server);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return dispatcherPasses(server) >= passes + 3; }));
    const auto d = delivered(peer);
    CPPUNIT_ASSERT_EQUAL(1, d.at("order.created"));
    CPPUNIT_ASSERT_EQUAL(1, d.at("order.paid"));
    CPPUNIT_ASSERT(d.count("order.status_changed") == 0); // not in the default route
    for (const PeerRequest &req : peer.requests()) {
      const Json::Value body = orders::sdk::parseJson(req.body);
      CPPUNIT_ASSERT_EQUAL(body["eventId"].asString(), req.headers.at("idempotency-key"));
      CPPUNIT_ASSERT(req.headers.at("x-signature").rfind("sha256=", 0) == 0);
      CPPUNIT_ASSERT_EQUAL(order["id"].asString(), body["order"]["id"].asString());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT COUNT(*) FROM notification_deliveries WHERE status = 'sent'"));
  }

  void failingNotifierIsRetriedAndNeverBlocksOrders() {
    HttpPeer peer;
    peer.on("POST", "/notify", {500, "down"});
    peer.then("POST", "/notify", {200, "{}"});
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, webhookNotifier(peer));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status); // the order does not wait for the notifier
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return db.scalar("SELECT COUNT(*) FROM notification_deliveries WHERE status = 'sent'") ==
                                    1;
                           }));
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.requests().size()); // one failure, one retry after the backoff
    CPPUNIT_ASSERT_EQUAL(int64_t(2), db.scalar("SELECT attempts FROM notification_deliveries"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NotificationsTest);
