// The seed deployments end to end: the real binary wired to real HTTP peers
// (and a real Redis) the way two of the services we replace were, checkout
// -> paid, checking every request each peer received.
//   seed 000: cart-service + inventory-service (three-phase, Bearer token)
//   seed 002: Redis cart + Catalog two-phase inventory + catalog/http prices
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Command.h>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "kafka_support.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerRequest;
using orders::testing::requestsTo;

namespace {

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
  CPPUNIT_TEST(seed000InventoryDownFailsClearlyAndCompensates);
  CPPUNIT_TEST(seed002RedisCartCatalogInventoryAndPrices);
  CPPUNIT_TEST(customerSnapshotComesFromTheDirectory);
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

  // The Inventory service answers 503: the checkout fails with a clear
  // retryable error, whatever was asked is released, the cart is kept.
  void seed000InventoryDownFailsClearlyAndCompensates() {
    HttpPeer cart, inventory;
    cart.on("GET", "/api/cart/u1", {200, R"({"items":[{"productId":"sku-mug","quantity":1}]})"});
    cart.on("DELETE", "/api/cart/u1", {204, ""});
    inventory.on("POST", "/internal/inventory/allocate", {503, "maintenance"});
    inventory.on("POST", "/internal/inventory/release", {200, "{}"});
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.env["INVENTORY_INTERNAL_API_TOKEN"] = "inv-token";
    o.inventory_extra = "    - name: inventory-service\n      id: inv\n      config: { base_url: \"" +
                        inventory.baseUrl() + "\" }\n      http: { retries: 0 }\n";
    o.checkout_extra = ", inventory: inv, cart: cart";
    o.extra_yaml =
        "  cart:\n    - name: cart-service\n      id: cart\n      config: { base_url: \"" + cart.baseUrl() + "\" }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", kAddress);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 503, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), r.json()["code"].asString());
    CPPUNIT_ASSERT_MESSAGE(r.body, r.json()["detail"].asString().find("503") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM orders"));
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'running'") == 0 &&
                                    db.scalar("SELECT COUNT(*) FROM reservations WHERE status IN ('held', "
                                              "'reserving', 'release_pending')") == 0;
                           }));
    // A failed allocate may still have allocated: the release is asked for.
    CPPUNIT_ASSERT(!requestsTo(inventory, "POST", "/internal/inventory/release").empty());
    CPPUNIT_ASSERT(requestsTo(cart, "DELETE", "/api/cart/u1").empty());
  }

  // Seed 004's auth-service as the customer directory, called with service
  // HMAC; the order keeps what it said as its immutable customer snapshot.
  void customerSnapshotComesFromTheDirectory() {
    HttpPeer users;
    users.on("GET", "/api/users/u-zoe",
             {200, R"({"name":"Zoë Ñúñez","email":"zoe@example.com","phone":"+353 1 555 0100"})"});
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.env["SERVICE_SECRET"] = "svc-secret";
    o.extra_yaml = "  customer:\n    - name: http\n      id: users\n      config: { base_url: \"" + users.baseUrl() +
                   "\" }\n      http: { auth: { scheme: service_hmac, secret: SERVICE_SECRET } }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u-zoe", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}),
                        {{"x-user-email", "old@example.com"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const Json::Value customer = r.json()["orders"][0]["customer"];
    CPPUNIT_ASSERT_EQUAL(std::string("u-zoe"), customer["id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Zoë Ñúñez"), customer["name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("zoe@example.com"), customer["email"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("+353 1 555 0100"), customer["phone"].asString());
    const auto calls = requestsTo(users, "GET", "/api/users/u-zoe");
    CPPUNIT_ASSERT_EQUAL(size_t(1), calls.size());
    CPPUNIT_ASSERT_EQUAL(std::string("order-service-e2e"), calls[0].headers.at("x-service-name"));
    CPPUNIT_ASSERT(calls[0].headers.at("x-service-auth").rfind("order-service-e2e:", 0) == 0);
    // The snapshot is stored: a later read returns it unchanged.
    const std::string id = r.json()["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("Zoë Ñúñez"),
                         server.as("u-zoe", "buyer", "GET", "/api/orders/" + id).json()["customer"]["name"].asString());
  }

  void seed002RedisCartCatalogInventoryAndPrices() {
    if (orders::testing::needRedis()) return;
    const char *redis_port = std::getenv("ORDERS_TEST_REDIS_PORT");
    // The cart as seed 002 keeps it: cart:{email}, a JSON document of lines.
    const std::string email = "ana+" + std::to_string(::getpid()) + "@example.com";
    Poco::Redis::Client redis(Poco::Net::SocketAddress("127.0.0.1", static_cast<uint16_t>(std::atoi(redis_port))));
    redis.execute<std::string>(Poco::Redis::Command::set(
        "cart:" + email, R"([{"product_id":"sku-cup","qty":2},{"product_id":"sku-tote","qty":1}])"));

    // The Catalog service: product data (catalog/http) and two-phase stock (inventory/catalog).
    HttpPeer catalog;
    catalog.on("GET", "/api/products/sku-cup",
               {200, R"({"id":"sku-cup","title":"Café cup","price":1250,"currency":"USD","sellerId":null})"});
    catalog.on("GET", "/api/products/sku-tote",
               {200, R"({"id":"sku-tote","title":"Tote","price":900,"currency":"USD","sellerId":null})"});
    catalog.on("POST", "/catalog/v1/inventory/reserve", {200, R"({"ok":true})"});
    catalog.on("POST", "/catalog/v1/inventory/commit", {200, R"({"ok":true})"});
    catalog.on("POST", "/catalog/v1/inventory/release", {200, R"({"ok":true})"});
    orders::testing::KafkaMock kafka({"order.events", "payment.events"});

    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.env["SVC_INTERNAL_KEY"] = "internal-key-1";
    o.inventory_extra =
        "    - name: catalog\n      id: catalog-stock\n      config: { base_url: \"" + catalog.baseUrl() + "\" }\n";
    o.checkout_extra = ", inventory: catalog-stock, catalog: catalog-http, cart: redis-cart";
    o.extra_yaml = "  cart:\n    - name: redis\n      id: redis-cart\n      config: { url: \"redis://127.0.0.1:" +
                   std::string(redis_port) + "/0\" }\n";
    o.catalog_extra =
        "    - name: http\n      id: catalog-http\n      config: { base_url: \"" + catalog.baseUrl() + "\" }\n";
    o.extra_yaml += "kafka:\n  bootstrap_servers: \"" + kafka.bootstrap() +
                    "\"\n  relay: { idle_poll_ms: 20 }\n  consumer: { enabled: false }\n"
                    "events:\n  publish:\n    - { topic: order.events, types: [order.created], format: "
                    "canonical }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    Reply r = server.as("u-ana", "buyer", "POST", "/api/orders", kAddress, {{"x-user-email", email}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const Json::Value orders = r.json()["orders"];
    CPPUNIT_ASSERT_EQUAL(1u, orders.size()); // both house brand
    const Json::Value order = orders[0];
    CPPUNIT_ASSERT_EQUAL(int64_t(2 * 1250 + 900), order["subtotalMinor"].asInt64()); // server-side prices
    CPPUNIT_ASSERT_EQUAL(std::string("Café cup"), order["items"][0]["title"].asString());

    // Catalog: one product read each, one reserve with the internal key and seed 002's body.
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(catalog, "GET", "/api/products/sku-cup").size());
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(catalog, "GET", "/api/products/sku-tote").size());
    const auto reserves = requestsTo(catalog, "POST", "/catalog/v1/inventory/reserve");
    CPPUNIT_ASSERT_EQUAL(size_t(1), reserves.size());
    CPPUNIT_ASSERT_EQUAL(std::string("internal-key-1"), reserves[0].headers.at("x-internal-key"));
    const Json::Value reserve = body(reserves[0]);
    CPPUNIT_ASSERT_EQUAL(order["id"].asString(), reserve["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(2u, reserve["items"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("sku-cup"), reserve["items"][0]["product_id"].asString());
    CPPUNIT_ASSERT_EQUAL(2, reserve["items"][0]["qty"].asInt());
    CPPUNIT_ASSERT(requestsTo(catalog, "POST", "/catalog/v1/inventory/commit").empty());

    // The cart is cleared after checkout.
    CPPUNIT_ASSERT(
        eventually([&] { return redis.execute<Poco::Int64>(Poco::Redis::Command::exists("cart:" + email)) == 0; }));

    // order.created on order.events (canonical here; seed 002's own shape is
    // the fastapi-shop dialect's, tests/e2e/seed_fastapi_test.cpp).
    const auto created = orders::testing::readTopic(kafka.bootstrap(), "order.events", 1);
    CPPUNIT_ASSERT_EQUAL(size_t(1), created.size());
    const Json::Value event = orders::sdk::parseJson(created[0].value);
    CPPUNIT_ASSERT_EQUAL(std::string("order.created"), event["type"].asString());
    CPPUNIT_ASSERT_EQUAL(order["id"].asString(), event["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(email, event["data"]["customer"]["email"].asString());
    CPPUNIT_ASSERT_EQUAL(order["totalMinor"].asInt64(), event["data"]["totalMinor"].asInt64());

    // Paid: stock committed in the Catalog with the same body; nothing released.
    pay(server, order, "pay-ana");
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return requestsTo(catalog, "POST", "/catalog/v1/inventory/commit").size() == 1;
                           }));
    const auto commit = requestsTo(catalog, "POST", "/catalog/v1/inventory/commit")[0];
    CPPUNIT_ASSERT_EQUAL(std::string("internal-key-1"), commit.headers.at("x-internal-key"));
    CPPUNIT_ASSERT_EQUAL(order["id"].asString(), body(commit)["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(2u, body(commit)["items"].size());
    CPPUNIT_ASSERT(requestsTo(catalog, "POST", "/catalog/v1/inventory/release").empty());
    CPPUNIT_ASSERT_EQUAL(
        std::string("paid"),
        server.as("u-ana", "buyer", "GET", "/api/orders/" + order["id"].asString()).json()["status"].asString());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedShapesTest);
