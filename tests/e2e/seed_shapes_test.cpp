// The seed deployments end to end: the real binary wired to real HTTP peers
// (and a real Redis) the way two of the services we replace were, checkout
// -> paid, checking every request each peer received.
//   seed 000: cart-service + inventory-service (three-phase, Bearer token)
//   seed 002: Redis cart + Catalog two-phase inventory + catalog/http prices
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "http_peer.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::HttpPeer;
using orders::testing::PeerRequest;

namespace {

template <class F> bool eventually(F probe, int timeout_ms = 15000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return probe();
}

std::vector<PeerRequest> requestsTo(const HttpPeer &peer, const std::string &method, const std::string &path) {
  std::vector<PeerRequest> out;
  for (const PeerRequest &r : peer.requests())
    if (r.method == method && r.uri.substr(0, r.uri.find('?')) == path) out.push_back(r);
  return out;
}

Json::Value body(const PeerRequest &r) { return orders::sdk::parseJson(r.body); }

const char *kAddress =
    R"({"shippingAddress":{"name":"Ana Buyer","line1":"1 Demo Street","city":"Dublin","postalCode":"D01","country":"IE"}})";

void pay(const ServerProcess &server, const Json::Value &order, const std::string &event_id) {
  Json::Value b(Json::objectValue);
  b["eventId"] = event_id;
  b["orderId"] = order["id"];
  b["status"] = "paid";
  b["amountMinor"] = order["totalMinor"];
  b["currency"] = order["currency"];
  Reply r = server.request("POST", "/hooks/payment/manual", orders::sdk::writeJson(b),
                           {{"x-webhook-secret", "test-webhook-secret"}});
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
}

} // namespace

class SeedShapesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SeedShapesTest);
  CPPUNIT_TEST(seed000CartServiceAndInventoryService);
  CPPUNIT_TEST_SUITE_END();

public:
  void seed000CartServiceAndInventoryService() {
    HttpPeer cart, inventory;
    cart.on("GET", "/api/cart/u1",
            {200, R"({"items":[{"productId":"sku-mug","quantity":2,"reservationId":"soft-1"},)"
                  R"({"productId":"sku-beans","quantity":1}]})"});
    cart.on("DELETE", "/api/cart/u1", {204, ""});
    inventory.on("POST", "/internal/inventory/allocate", {200, R"({"status":"allocated"})"});
    inventory.on("POST", "/internal/inventory/confirm", {200, R"({"status":"confirmed"})"});
    inventory.on("POST", "/internal/inventory/release", {200, R"({"status":"released"})"});

    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.env["INVENTORY_INTERNAL_API_TOKEN"] = "inv-token";
    o.inventory_extra =
        "    - name: inventory-service\n      id: inv\n      config: { base_url: \"" + inventory.baseUrl() + "\" }\n";
    o.checkout_extra = ", inventory: inv, cart: cart";
    o.extra_yaml =
        "  cart:\n    - name: cart-service\n      id: cart\n      config: { base_url: \"" + cart.baseUrl() + "\" }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    Reply r = server.as("u1", "buyer", "POST", "/api/orders", kAddress);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const Json::Value orders = r.json()["orders"];
    CPPUNIT_ASSERT_EQUAL(2u, orders.size()); // one per seller, as seed 000's shipments per seller

    // The cart was read once for the caller, then cleared (best-effort, after the orders).
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(cart, "GET", "/api/cart/u1").size());
    CPPUNIT_ASSERT(eventually([&] { return requestsTo(cart, "DELETE", "/api/cart/u1").size() == 1; }));

    // One hard allocation per order, Bearer token, the soft reservation carried over.
    const auto allocations = requestsTo(inventory, "POST", "/internal/inventory/allocate");
    CPPUNIT_ASSERT_EQUAL(size_t(2), allocations.size());
    std::map<std::string, Json::Value> allocated; // order id -> body
    for (const PeerRequest &a : allocations) {
      CPPUNIT_ASSERT_EQUAL(std::string("Bearer inv-token"), a.headers.at("authorization"));
      const Json::Value b = body(a);
      allocated[b["orderId"].asString()] = b;
    }
    for (const Json::Value &order : orders) {
      const Json::Value &b = allocated.at(order["id"].asString());
      CPPUNIT_ASSERT_EQUAL(1u, b["items"].size());
      const Json::Value &item = b["items"][0];
      CPPUNIT_ASSERT_EQUAL(order["items"][0]["productId"].asString(), item["productId"].asString());
      CPPUNIT_ASSERT_EQUAL(order["items"][0]["quantity"].asInt(), item["quantity"].asInt());
      if (item["productId"].asString() == "sku-mug")
        CPPUNIT_ASSERT_EQUAL(std::string("soft-1"), item["reservationId"].asString());
      else
        CPPUNIT_ASSERT(!item.isMember("reservationId") || item["reservationId"].isNull());
    }
    CPPUNIT_ASSERT(requestsTo(inventory, "POST", "/internal/inventory/confirm").empty());

    // Paid: each allocation becomes a confirmed sale; nothing is released.
    pay(server, orders[0], "pay-1");
    pay(server, orders[1], "pay-2");
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return requestsTo(inventory, "POST", "/internal/inventory/confirm").size() == 2;
                           }));
    for (const PeerRequest &c : requestsTo(inventory, "POST", "/internal/inventory/confirm")) {
      CPPUNIT_ASSERT_EQUAL(std::string("Bearer inv-token"), c.headers.at("authorization"));
      CPPUNIT_ASSERT(allocated.count(body(c)["orderId"].asString()) == 1);
    }
    for (const Json::Value &order : orders)
      CPPUNIT_ASSERT_EQUAL(
          std::string("paid"),
          server.as("u1", "buyer", "GET", "/api/orders/" + order["id"].asString()).json()["status"].asString());
    CPPUNIT_ASSERT(requestsTo(inventory, "POST", "/internal/inventory/release").empty());
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(cart, "GET", "/api/cart/u1").size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedShapesTest);
