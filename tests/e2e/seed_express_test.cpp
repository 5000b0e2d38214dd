// Seed 001 drop-in: the server started from config/seeds/001-express.yaml on
// PostgreSQL, played by the Express order service's clients and neighbours
// as its document describes them: buyers and admins with HS256 JWTs on
// /api/v1/orders (create, then pay in a second call), the product, inventory,
// payment and cart services, and the seven order.* events on Kafka. No
// request uses the canonical API.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <chrono>
#include <set>
#include <thread>

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

const std::string kSecret = "platform-jwt-secret";

std::string token(const std::string &user, const std::string &role) {
  Poco::JWT::Token t;
  t.setSubject(user);
  t.payload().set("role", role);
  t.payload().set("email", user + "@example.com");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  t.payload().set("exp", Poco::Int64(now.count() + 900));
  Poco::JWT::Signer signer(kSecret);
  return signer.sign(t, Poco::JWT::Signer::ALGO_HS256);
}

std::map<std::string, std::string> bearer(const std::string &t) { return {{"Authorization", "Bearer " + t}}; }

Json::Value json(const Reply &r) { return orders::sdk::parseJson(r.body); }

const char *kCreate =
    R"({"items":[{"productId":"p-mug","quantity":2},{"productId":"p-tea","quantity":1}],)"
    R"("shippingAddress":{"street":"1 Main St","city":"Austin","state":"TX","zipCode":"73301","country":"US"},)"
    R"("billingAddress":{"street":"9 Elm St","city":"Austin","zipCode":"73301","country":"US"},)"
    R"("notes":"leave at the door","paymentMethod":"card","clientVersion":"2.4"})";

} // namespace

class SeedExpressTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SeedExpressTest);
  CPPUNIT_TEST(expressClientsAndNeighboursSeeTheExpressService);
  CPPUNIT_TEST_SUITE_END();

public:
  void expressClientsAndNeighboursSeeTheExpressService() {
    if (orders::testing::needPostgres()) return;
    HttpPeer products, inventory, payments, carts;
    products.on("GET", "/api/products/p-mug", {200, R"({"id":"p-mug","name":"Mug","price":12.99,"currency":"USD"})"});
    products.on("GET", "/api/products/p-tea", {200, R"({"id":"p-tea","name":"Tea","price":"4.50","currency":"USD"})"});
    inventory.on("POST", "/api/v1/inventory/reserve", {200, R"({"ok":true})"});
    inventory.on("POST", "/api/v1/inventory/confirm", {200, R"({"ok":true})"});
    inventory.on("POST", "/api/v1/inventory/release", {200, R"({"ok":true})"});
    payments.on("POST", "/api/v1/payments", {201, R"({"paymentId":"pay-1","status":"captured"})"});
    carts.on("DELETE", "/api/v1/cart/u-1", {204, ""});
    orders::testing::KafkaMock kafka({"order.events"});

    TestDatabase db(Engine::postgres);
    ServerOptions o;
    o.config_file = ORDERS_SOURCE_DIR "/config/seeds/001-express.yaml";
    o.env = {{"DATABASE_URL", db.ordersUrl()},
             {"JWT_SECRET", kSecret},
             {"PRODUCT_SERVICE_URL", products.baseUrl()},
             {"INVENTORY_SERVICE_URL", inventory.baseUrl()},
             {"INVENTORY_SERVICE_TOKEN", "inv-token"},
             {"PAYMENT_SERVICE_URL", payments.baseUrl()},
             {"PAYMENT_SERVICE_TOKEN", "pay-token"},
             {"CART_SERVICE_URL", carts.baseUrl()},
             {"KAFKA_BROKERS", kafka.bootstrap()},
             {"ORDERS_PLUGIN_DIR", ORDERS_PLUGIN_DIR},
             {"ORDERS_HTTP_HOST", "127.0.0.1"}};
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"service":"order-service","status":"healthy"})"),
                         server.request("GET", "/health").body);

    const std::string buyer = token("u-1", "user");
    const std::string admin = token("admin-1", "admin");
    CPPUNIT_ASSERT_EQUAL(401, server.request("POST", "/api/v1/orders", kCreate).status);
    Reply bad =
        server.request("POST", "/api/v1/orders", R"({"items":[{"productId":"p-mug","quantity":0}]})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(400, bad.status);
    CPPUNIT_ASSERT_EQUAL(std::string("items[0].quantity must be a positive integer"), json(bad)["error"].asString());

    // Create: stock reserved, the cart cleared, no payment yet (pending).
    Reply created = server.request("POST", "/api/v1/orders", kCreate, bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body + "\n" + server.log(), 201, created.status);
    const Json::Value order = json(created);
    const std::string id = order["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), order["status"].asString());
    CPPUNIT_ASSERT_EQUAL(30.48, order["total"].asDouble());
    CPPUNIT_ASSERT_EQUAL(12.99, order["items"][0]["unitPrice"].asDouble());
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), order["items"][0]["productName"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("TX"), order["shippingAddress"]["region"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("9 Elm St"), order["billingAddress"]["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("leave at the door"), order["notes"].asString());
    CPPUNIT_ASSERT(order["paymentId"].isNull());
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(inventory, "POST", "/api/v1/inventory/reserve").size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer inv-token"),
                         requestsTo(inventory, "POST", "/api/v1/inventory/reserve")[0].headers.at("authorization"));
    CPPUNIT_ASSERT(requestsTo(payments, "POST", "/api/v1/payments").empty());
    CPPUNIT_ASSERT(eventually([&] { return carts.count("DELETE", "/api/v1/cart/u-1") == 1; }));

    // Reads: the order, and the buyer's list (someone else's is forbidden).
    Reply got = server.request("GET", "/api/v1/orders/" + id, "", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(200, got.status);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), json(got)["status"].asString());
    CPPUNIT_ASSERT_EQUAL(404, server.request("GET", "/api/v1/orders/" + id, "", bearer(token("u-2", "user"))).status);
    Reply mine = server.request("GET", "/api/v1/orders/user/u-1?page=1&limit=10", "", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(mine.body, 200, mine.status);
    CPPUNIT_ASSERT_EQUAL(1, json(mine)["pagination"]["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(id, json(mine)["orders"][0]["id"].asString());
    CPPUNIT_ASSERT_EQUAL(403, server.request("GET", "/api/v1/orders/user/u-2", "", bearer(buyer)).status);
    CPPUNIT_ASSERT_EQUAL(200, server.request("GET", "/api/v1/orders/user/u-1", "", bearer(admin)).status);

    // Pay: the Payment service captures at once -> confirmed, stock confirmed.
    Reply paid =
        server.request("POST", "/api/v1/orders/" + id + "/payment", R"({"paymentMethod":"card"})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body + "\n" + server.log(), 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), json(paid)["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pay-1"), json(paid)["paymentId"].asString());
    const auto pay_calls = requestsTo(payments, "POST", "/api/v1/payments");
    CPPUNIT_ASSERT_EQUAL(size_t(1), pay_calls.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer pay-token"), pay_calls[0].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(3048, orders::sdk::parseJson(pay_calls[0].body)["amountMinor"].asInt());
    CPPUNIT_ASSERT(eventually([&] { return inventory.count("POST", "/api/v1/inventory/confirm") == 1; }));
    Reply again = server.request("POST", "/api/v1/orders/" + id + "/payment", "{}", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(409, again.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Order cannot be paid in status confirmed"), json(again)["error"].asString());

    // Status words both ways; cancel refused once shipped.
    Reply unknown = server.request("PUT", "/api/v1/orders/" + id + "/status", R"({"status":"paid"})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(400, unknown.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid status: paid"), json(unknown)["error"].asString());
    CPPUNIT_ASSERT_EQUAL(
        403,
        server.request("PUT", "/api/v1/orders/" + id + "/status", R"({"status":"processing"})", bearer(buyer)).status);
    for (const char *next : {"processing", "shipped"}) {
      Reply moved = server.request("PUT", "/api/v1/orders/" + id + "/status",
                                   std::string(R"({"status":")") + next + R"("})", bearer(admin));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 200, moved.status);
      CPPUNIT_ASSERT_EQUAL(std::string(next), json(moved)["status"].asString());
    }
    Reply late =
        server.request("POST", "/api/v1/orders/" + id + "/cancel", R"({"reason":"changed my mind"})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(400, late.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Order cannot be cancelled in status shipped"), json(late)["error"].asString());

    // A second order, declined: payment_failed, its stock released; then cancelled.
    payments.on("POST", "/api/v1/payments", {201, R"({"paymentId":"pay-2","status":"declined"})"});
    Reply second = server.request("POST", "/api/v1/orders", kCreate, bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(201, second.status);
    const std::string id2 = json(second)["id"].asString();
    Reply declined = server.request("POST", "/api/v1/orders/" + id2 + "/payment", "{}", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(declined.body, 402, declined.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Payment failed"), json(declined)["error"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("payment_failed"), json(declined)["order"]["status"].asString());
    CPPUNIT_ASSERT(eventually([&] { return inventory.count("POST", "/api/v1/inventory/release") == 1; }));
    Reply cancelled = server.request("POST", "/api/v1/orders/" + id2 + "/cancel", "{}", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), json(cancelled)["status"].asString());

    // The seven order.* events, in the service's words.
    std::set<std::string> types;
    CPPUNIT_ASSERT(eventually([&] {
      types.clear();
      for (const auto &m : orders::testing::readTopic(kafka.bootstrap(), "order.events", 12, 3000)) {
        const Json::Value v = orders::sdk::parseJson(m.value);
        types.insert(v["eventType"].asString() + ":" + v["status"].asString());
      }
      return types.count("order.shipped:shipped") == 1;
    }));
    for (const char *expected :
         {"order.created:pending", "order.status_changed:payment_pending", "order.payment_successful:confirmed",
          "order.status_changed:processing", "order.shipped:shipped", "order.payment_failed:payment_failed",
          "order.cancelled:cancelled"})
      CPPUNIT_ASSERT_MESSAGE(expected, types.count(expected) == 1);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedExpressTest);
