// Seed 002 drop-in: the server started from config/seeds/002-fastapi.yaml on
// PostgreSQL (its POSTGRES_DSN in SQLAlchemy's postgresql+psycopg form),
// played by the FastAPI order service's own clients and neighbours as
// upstream (hydramod/ecommerce-microservices-docker) has them: the buyer's
// access JWT (HS256, sub = e-mail), the cart service's Redis hash of JSON
// line documents, the Catalog (product read, reserve, commit with
// X-Internal-Key), the Shipping draft, order.created on order.events and
// the Payment service's payment.succeeded on payment.events. No request uses
// the canonical API.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Command.h>

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

const std::string kJwtSecret = "auth-service-secret";

// The Auth service's token (PyJWT HS256): sub = e-mail, type = access|refresh.
std::string token(const std::string &email, const std::string &type = "access",
                  const std::string &secret = kJwtSecret) {
  Poco::JWT::Token t;
  t.setType("JWT");
  t.setSubject(email);
  t.payload().set("type", type);
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  t.payload().set("exp", Poco::Int64(now.count() + 900));
  Poco::JWT::Signer signer(secret);
  return signer.sign(t, Poco::JWT::Signer::ALGO_HS256);
}

std::map<std::string, std::string> bearer(const std::string &t) { return {{"Authorization", "Bearer " + t}}; }

const char *kAddress =
    R"({"address_line1":"1 Demo Street","address_line2":"","city":"Dublin","country":"IE","postcode":"D01XYZ"})";

} // namespace

class SeedFastApiTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SeedFastApiTest);
  CPPUNIT_TEST(fastApiClientsAndNeighboursSeeTheFastApiService);
  CPPUNIT_TEST_SUITE_END();

public:
  void fastApiClientsAndNeighboursSeeTheFastApiService() {
    if (orders::testing::needPostgres()) return;
    if (orders::testing::needRedis()) return;
    const std::string redis_port = std::getenv("ORDERS_TEST_REDIS_PORT");
    const std::string email = "cust+" + std::to_string(::getpid()) + "@example.com";
    const std::string cart_key = "cart:" + email;
    // The cart service's store (cart_store.put_item): field = product id, value = json.dumps(item).
    Poco::Redis::Client redis(Poco::Net::SocketAddress("127.0.0.1", static_cast<uint16_t>(std::stoi(redis_port))));
    redis.execute<Poco::Int64>(Poco::Redis::Command::del(cart_key));
    Poco::Redis::Array hset;
    hset << "HSET" << cart_key << "1"
         << R"({"product_id": 1, "qty": 2, "unit_price_cents": 12999, "title": "Air Zoom"})"
         << "7"
         << R"({"product_id": 7, "qty": 1, "unit_price_cents": 500, "title": "Socks"})";
    redis.execute<Poco::Int64>(hset);

    HttpPeer catalog, shipping;
    catalog.on("GET", "/catalog/v1/products/1",
               {200, R"({"id":1,"title":"Air Zoom","description":"Runner","price_cents":12999,"currency":"USD",)"
                     R"("sku":"SKU-001","category_id":1,"active":true})"});
    catalog.on("GET", "/catalog/v1/products/7",
               {200, R"({"id":7,"title":"Socks","description":"","price_cents":500,"currency":"USD",)"
                     R"("sku":"SKU-007","category_id":1,"active":true})"});
    catalog.on("POST", "/catalog/v1/inventory/reserve", {200, R"({"ok":true})"});
    catalog.on("POST", "/catalog/v1/inventory/commit", {200, R"({"ok":true})"});
    shipping.on("POST", "/shipping/v1/shipments",
                {201, R"({"id":41,"order_id":1,"user_email":"x@example.com","address_line1":"1 Demo Street",)"
                      R"("address_line2":"","city":"Dublin","country":"IE","postcode":"D01XYZ","carrier":"",)"
                      R"("tracking_number":"","status":"PENDING_PAYMENT"})"});
    orders::testing::KafkaMock kafka({"order.events", "payment.events"});

    TestDatabase db(Engine::postgres);
    std::string dsn = db.ordersUrl();
    CPPUNIT_ASSERT(dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0);
    dsn = "postgresql+psycopg://" + dsn.substr(dsn.find("://") + 3); // as the seed's POSTGRES_DSN has it
    ServerOptions o;
    o.config_file = ORDERS_SOURCE_DIR "/config/seeds/002-fastapi.yaml";
    o.env = {{"POSTGRES_DSN", dsn},
             {"REDIS_URL", "redis://127.0.0.1:" + redis_port + "/0"},
             {"KAFKA_BOOTSTRAP", kafka.bootstrap()},
             {"CATALOG_BASE", catalog.baseUrl()},
             {"SHIPPING_BASE", shipping.baseUrl()},
             {"SVC_INTERNAL_KEY", "devkey"},
             {"JWT_SECRET", kJwtSecret},
             {"JWT_ALGORITHM", "HS256"},
             {"ORDERS_PLUGIN_DIR", ORDERS_PLUGIN_DIR},
             {"ORDERS_HTTP_HOST", "127.0.0.1"}};
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    CPPUNIT_ASSERT(server.log().find("dialect route is PUBLIC") != std::string::npos);

    // Health and info, as upstream's main.py.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"ok"})"), server.request("GET", "/health").body);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"ok"})"), server.request("GET", "/order/health").body);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"service":"order","version":"0.1.0"})"),
                         server.request("GET", "/v1/_info").body);
    CPPUNIT_ASSERT_EQUAL(404, server.request("GET", "/api/orders").status); // no canonical API

    // get_identity_dep's answers.
    const std::string path = "/order/v1/orders/checkout";
    Reply anonymous = server.request("POST", path, kAddress);
    CPPUNIT_ASSERT_EQUAL(401, anonymous.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Not authenticated"})"), anonymous.body);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Invalid token"})"),
                         server.request("POST", path, kAddress, bearer(token(email, "access", "forged"))).body);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Invalid access token"})"),
                         server.request("POST", path, kAddress, bearer(token(email, "refresh"))).body);
    // pydantic's 422 for a bad address; the empty cart's 400.
    Reply bad = server.request("POST", path, R"({"address_line1":"1 Demo Street","city":"Dublin","country":"IE"})",
                               bearer(token(email)));
    CPPUNIT_ASSERT_EQUAL(422, bad.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":[{"type":"missing","loc":["body","postcode"],"msg":"Field required",)"
                                     R"("input":{"address_line1":"1 Demo Street","city":"Dublin","country":"IE"}}]})"),
                         bad.body);
    Reply empty = server.request("POST", path, kAddress, bearer(token("nobody@example.com")));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(empty.body, 400, empty.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Cart is empty"})"), empty.body);
    CPPUNIT_ASSERT(catalog.requests().empty());

    // The checkout: the cart from Redis, prices from the Catalog.
    Reply created = server.request("POST", path, kAddress, bearer(token(email)));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body + "\n" + server.log(), 200, created.status);
    const Json::Value answer = orders::sdk::parseJson(created.body);
    CPPUNIT_ASSERT(answer["order_id"].isIntegral());
    const int64_t order_id = answer["order_id"].asInt64();
    const std::string id = std::to_string(order_id);
    CPPUNIT_ASSERT_EQUAL(R"({"order_id":)" + id + R"(,"status":"CREATED","total_cents":26498,"currency":"USD"})",
                         created.body);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), created.headers["content-type"]);

    // Catalog: the reserve with the internal key and integer ids.
    const auto reserves = requestsTo(catalog, "POST", "/catalog/v1/inventory/reserve");
    CPPUNIT_ASSERT_EQUAL(size_t(1), reserves.size());
    CPPUNIT_ASSERT_EQUAL(std::string("devkey"), reserves[0].headers.at("x-internal-key"));
    const Json::Value reserve = orders::sdk::parseJson(reserves[0].body);
    std::set<std::string> reserved;
    for (const Json::Value &i : reserve["items"])
      reserved.insert(orders::sdk::writeJson(i));
    CPPUNIT_ASSERT_MESSAGE(reserves[0].body, reserved == std::set<std::string>({R"({"product_id":1,"qty":2})",
                                                                                R"({"product_id":7,"qty":1})"}));
    // Shipping: upstream's flat draft body, nothing else.
    const auto drafts = requestsTo(shipping, "POST", "/shipping/v1/shipments");
    CPPUNIT_ASSERT_EQUAL(size_t(1), drafts.size());
    CPPUNIT_ASSERT(orders::sdk::parseJson(R"({"order_id":)" + id + R"(,"user_email":")" + email +
                                          R"(","address_line1":"1 Demo Street","address_line2":"","city":"Dublin",)"
                                          R"("country":"IE","postcode":"D01XYZ"})") ==
                   orders::sdk::parseJson(drafts[0].body));
    // order.created on order.events, the bytes Python's json.dumps writes, keyed by the id.
    const auto events = orders::testing::readTopic(kafka.bootstrap(), "order.events", 1, 20000);
    CPPUNIT_ASSERT_EQUAL(size_t(1), events.size());
    CPPUNIT_ASSERT_EQUAL(id, events[0].key.value_or(""));
    // Lines in the order's line order (upstream: the cart's HGETALL order).
    const bool mug_first = orders::sdk::parseJson(events[0].value)["items"][0]["product_id"].asInt() == 1;
    const std::string mug_item = R"({"product_id": 1, "qty": 2, "unit_price_cents": 12999})";
    const std::string socks_item = R"({"product_id": 7, "qty": 1, "unit_price_cents": 500})";
    CPPUNIT_ASSERT_EQUAL(R"({"type": "order.created", "order_id": )" + id + R"(, "user_email": ")" + email +
                             R"(", "amount_cents": 26498, "items": [)" +
                             (mug_first ? mug_item + ", " + socks_item : socks_item + ", " + mug_item) + "]}",
                         events[0].value);

    // GET without credentials (public, as upstream), by integer id.
    const std::string order_path = "/order/v1/orders/" + id;
    const std::string mug_line = R"({"product_id":1,"qty":2,"unit_price_cents":12999})";
    const std::string socks_line = R"({"product_id":7,"qty":1,"unit_price_cents":500})";
    const std::string created_view = R"({"id":)" + id +
                                     R"(,"status":"CREATED","total_cents":26498,"currency":"USD",)"
                                     R"("items":[)" +
                                     (mug_first ? mug_line + "," + socks_line : socks_line + "," + mug_line) + "]}";
    Reply got = server.request("GET", order_path);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(got.body, 200, got.status);
    CPPUNIT_ASSERT_EQUAL(created_view, got.body);
    Reply missing = server.request("GET", "/order/v1/orders/999999");
    CPPUNIT_ASSERT_EQUAL(404, missing.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Order not found"})"), missing.body);
    CPPUNIT_ASSERT_EQUAL(422, server.request("GET", "/order/v1/orders/abc").status);

    // The Payment service's mock-succeed: commit in the Catalog, then PAID.
    const std::string succeeded =
        R"({"type": "payment.succeeded", "order_id": )" + id + R"(, "amount_cents": 26498, "currency": "USD"})";
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, succeeded);
    CPPUNIT_ASSERT_MESSAGE(
        server.log(), eventually([&] {
          return orders::sdk::parseJson(server.request("GET", order_path).body)["status"].asString() == "PAID";
        }));
    CPPUNIT_ASSERT(eventually([&] { return requestsTo(catalog, "POST", "/catalog/v1/inventory/commit").size() == 1; }));
    const auto commit = requestsTo(catalog, "POST", "/catalog/v1/inventory/commit")[0];
    CPPUNIT_ASSERT_EQUAL(std::string("devkey"), commit.headers.at("x-internal-key"));
    std::set<std::string> committed;
    const Json::Value commit_body =
        orders::sdk::parseJson(commit.body); // a range-for over a temporary's member dangles
    for (const Json::Value &i : commit_body["items"])
      committed.insert(orders::sdk::writeJson(i));
    CPPUNIT_ASSERT_MESSAGE(commit.body, committed == reserved);
    // The same message again (at-least-once delivery, no event id): applied once.
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, succeeded);
    orders::testing::produce(kafka.bootstrap(), "payment.events", id,
                             R"({"type": "shipping.ready", "order_id": )" + id + R"(, "shipment_id": 41})");
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(catalog, "POST", "/catalog/v1/inventory/commit").size());
    CPPUNIT_ASSERT(server.request("GET", "/metrics").body.find("outcome=\"duplicate\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("PAID"),
                         orders::sdk::parseJson(server.request("GET", order_path).body)["status"].asString());
    // Only order.created goes to order.events (no message for paid).
    CPPUNIT_ASSERT_EQUAL(size_t(1), orders::testing::readTopic(kafka.bootstrap(), "order.events", 2, 3000).size());
    // Upstream leaves the cart to the cart service.
    CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), redis.execute<Poco::Int64>(Poco::Redis::Command::exists(cart_key)));
    redis.execute<Poco::Int64>(Poco::Redis::Command::del(cart_key));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedFastApiTest);
