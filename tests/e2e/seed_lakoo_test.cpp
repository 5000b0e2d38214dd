// Seed 004 drop-in: the server started from config/seeds/004-lakoo.yaml on
// PostgreSQL, played by LAKOO's own clients and neighbours exactly as the
// upstream services (Flow-Indo/LAKOO) call and answer: the api-gateway's
// trust headers, payment-service's signed status call, product-service,
// payment-service and cart-service as real HTTP peers checking every request
// (service HMAC of serviceAuth.ts, bodies), and LAKOO's events on Kafka.
// No request here uses the canonical API.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "kafka_support.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerRequest;
using orders::testing::requestsTo;

namespace {

const std::string kServiceSecret = "lakoo-service-secret";
const std::string kGatewayKey = "lakoo-gateway-key";
const std::string kBuyer = "9b1d0000-0000-4000-8000-0000000000b1";
const std::string kOther = "9b1d0000-0000-4000-8000-0000000000b2";
const std::string kSellerA = "7a2e0000-0000-4000-8000-00000000005a";
const std::string kKaos = "11110000-0000-4000-8000-000000000001";  // seller A, 150000 IDR
const std::string kTopi = "22220000-0000-4000-8000-000000000002";  // house brand, 85000.00 IDR
const std::string kTopiL = "22220000-0000-4000-8000-0000000000a1"; // its variant L, 90000

// LAKOO's serviceAuth.ts: name:unixSeconds:hex(hmac(secret, "name:ts")).
std::map<std::string, std::string> serviceHeaders(const std::string &name, const std::string &secret = kServiceSecret,
                                                  int64_t skew_seconds = 0) {
  const std::string ts = std::to_string(static_cast<int64_t>(std::time(nullptr)) + skew_seconds);
  return {{"x-service-name", name},
          {"x-service-auth", name + ":" + ts + ":" + orders::sdk::crypto::hmacSha256Hex(secret, name + ":" + ts)}};
}

// The api-gateway's trust headers (seed version: plain x-gateway-key).
std::map<std::string, std::string> gateway(const std::string &user, const std::string &role = "user") {
  return {{"x-gateway-key", kGatewayKey}, {"x-user-id", user}, {"x-user-role", role}};
}

// A request LAKOO's services would accept: signed by order-service with the shared secret.
bool signedByOrderService(const PeerRequest &r) {
  auto name = r.headers.find("x-service-name");
  auto token = r.headers.find("x-service-auth");
  if (name == r.headers.end() || token == r.headers.end() || name->second != "order-service") return false;
  const std::string &t = token->second;
  const size_t a = t.find(':'), b = t.find(':', a + 1);
  if (a == std::string::npos || b == std::string::npos) return false;
  const std::string ts = t.substr(a + 1, b - a - 1);
  const int64_t skew = std::stoll(ts) - static_cast<int64_t>(std::time(nullptr));
  return t.substr(0, a) == "order-service" && skew <= 60 && skew >= -300 &&
         t.substr(b + 1) == orders::sdk::crypto::hmacSha256Hex(kServiceSecret, "order-service:" + ts);
}

// What LAKOO's frontend posts for a checkout.
std::string checkoutBody(const std::string &key) {
  return R"({"idempotencyKey":")" + key + R"(","items":[{"productId":")" + kKaos + R"(","quantity":2},{"productId":")" +
         kTopi + R"(","variantId":")" + kTopiL +
         R"(","quantity":"1"}],"shippingAddress":{"name":"Budi Santoso","phone":"08123456789",
         "province":"DKI Jakarta","city":"Jakarta Selatan","district":"Kebayoran Baru","postalCode":"12190",
         "address":"Jl. Sudirman 1","latitude":-6.2,"longitude":106.816666},"shippingNotes":"Titip satpam",
         "paymentMethod":"bank_transfer"})";
}

Json::Value json(const Reply &r) { return orders::sdk::parseJson(r.body); }

} // namespace

class SeedLakooTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SeedLakooTest);
  CPPUNIT_TEST(lakooClientsAndNeighboursSeeLakoo);
  CPPUNIT_TEST_SUITE_END();

public:
  void lakooClientsAndNeighboursSeeLakoo() {
    if (orders::testing::needPostgres()) return;
    orders::testing::KafkaMock kafka({"order.events"});
    HttpPeer products, payments, cart;
    products.on("GET", "/api/products/id/" + kKaos,
                {200, R"({"id":")" + kKaos +
                          R"(","name":"Kaos Polos","productCode":"PRD-001","baseSellPrice":"150000",)"
                          R"("sellerId":")" +
                          kSellerA + R"(","primaryImageUrl":"https://img/kaos.jpg","variants":[]})"});
    products.on("GET", "/api/products/id/" + kTopi,
                {200, R"({"id":")" + kTopi +
                          R"(","name":"Topi","productCode":"PRD-002","baseSellPrice":"85000.00",)"
                          R"("sellerId":null,"variants":[{"id":")" +
                          kTopiL +
                          R"(","sku":"TOPI-L","sellPrice":"90000",)"
                          R"("sizeName":"L"}]})"});
    int invoice = 0;
    payments.on("POST", "/api/payments",
                {201, R"({"success":true,"data":{"payment":{"id":"pay-1","status":"pending","amount":"300000"},)"
                      R"("paymentUrl":"https://checkout.xendit.co/web/inv-1","invoiceId":"inv-1"}})"});
    payments.then("POST", "/api/payments",
                  {201, R"({"success":true,"data":{"payment":{"id":"pay-2","status":"pending","amount":"90000"},)"
                        R"("paymentUrl":"https://checkout.xendit.co/web/inv-2","invoiceId":"inv-2"}})"});
    (void)invoice;
    cart.on("DELETE", "/api/cart/" + kBuyer, {200, R"({"success":true})"});

    TestDatabase db(Engine::postgres);
    ServerOptions o;
    o.config_file = ORDERS_SOURCE_DIR "/config/seeds/004-lakoo.yaml";
    o.env = {{"ORDER_DATABASE_URL", db.ordersUrl()},
             {"GATEWAY_SECRET_KEY", kGatewayKey},
             {"SERVICE_SECRET", kServiceSecret},
             {"PRODUCT_SERVICE_URL", products.baseUrl()},
             {"PAYMENT_SERVICE_URL", payments.baseUrl()},
             {"CART_SERVICE_URL", cart.baseUrl()},
             {"ALLOWED_ORIGINS", "http://localhost:3000,https://lakoo.example"},
             {"KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap()},
             {"ORDERS_PLUGIN_DIR", ORDERS_PLUGIN_DIR},
             {"ORDERS_HTTP_HOST", "127.0.0.1"}};
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    // GET /health is LAKOO's.
    Reply health = server.request("GET", "/health");
    CPPUNIT_ASSERT_EQUAL(std::string("healthy"), json(health)["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("order-service"), json(health)["service"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("/api-docs"), json(health)["docs"].asString());
    CPPUNIT_ASSERT_EQUAL(200, server.request("GET", "/api-docs").status);
    CPPUNIT_ASSERT_EQUAL(404, server.request("GET", "/api-docs/openapi.yaml").status); // no canonical API

    // No credentials: LAKOO's 401.
    Reply anonymous = server.request("GET", "/api/orders");
    CPPUNIT_ASSERT_EQUAL(401, anonymous.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"Authentication required","success":false})"), anonymous.body);

    // A bad checkout body gets LAKOO's validation error, field by field.
    Reply bad = server.request("POST", "/api/orders",
                               R"({"items":[{"productId":"kaos","quantity":0}],"shippingAddress":{"name":"B"}})",
                               gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.body, 400, bad.status);
    const Json::Value invalid = json(bad);
    CPPUNIT_ASSERT_EQUAL(std::string("Validation failed"), invalid["error"].asString());
    CPPUNIT_ASSERT(!invalid["success"].asBool());
    std::map<std::string, std::string> fields;
    for (const Json::Value &d : invalid["details"])
      fields[d["field"].asString()] = d["message"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("Required"), fields["idempotencyKey"]);
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid uuid"), fields["items.0.productId"]);
    CPPUNIT_ASSERT_EQUAL(std::string("Number must be greater than 0"), fields["items.0.quantity"]);
    CPPUNIT_ASSERT_EQUAL(std::string("Required"), fields["shippingAddress.province"]);
    CPPUNIT_ASSERT(products.requests().empty() && payments.requests().empty());

    // Checkout as the frontend sends it through the gateway (role word "user").
    Reply created = server.request("POST", "/api/orders", checkoutBody("checkout-abc"), gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body + "\n" + server.log(), 201, created.status);
    const Json::Value data = json(created)["data"];
    CPPUNIT_ASSERT(json(created)["success"].asBool());
    CPPUNIT_ASSERT(!data["isExisting"].asBool());
    CPPUNIT_ASSERT_EQUAL(2, data["ordersCreated"].asInt()); // seller A and the house brand
    CPPUNIT_ASSERT_EQUAL(std::string("Created 2 orders (split by seller)"), data["message"].asString());
    std::map<std::string, Json::Value> by_source;
    for (const Json::Value &order : data["orders"])
      by_source[order["orderSource"].asString()] = order;
    const Json::Value kaos = by_source["seller"], topi = by_source["brand"];
    CPPUNIT_ASSERT_EQUAL(kSellerA, kaos["sellerId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("300000"), kaos["totalAmount"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("150000"), kaos["items"][0]["unitPrice"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("90000"), topi["totalAmount"].asString()); // the variant's price
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), kaos["currency"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), kaos["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Budi Santoso"), kaos["shippingRecipient"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("DKI Jakarta"), kaos["shippingProvince"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Kebayoran Baru"), kaos["shippingDistrict"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("12190"), kaos["shippingPostalCode"].asString());
    CPPUNIT_ASSERT_EQUAL(kBuyer, kaos["userId"].asString());
    CPPUNIT_ASSERT_EQUAL(2u, data["payments"].size());
    for (const Json::Value &p : data["payments"])
      CPPUNIT_ASSERT(p["paymentUrl"].asString().rfind("https://checkout.xendit.co/web/inv-", 0) == 0);

    // Every neighbour was called as LAKOO's order-service calls it, signed.
    for (const PeerRequest &r : products.requests())
      CPPUNIT_ASSERT_MESSAGE(r.uri, signedByOrderService(r));
    const auto created_payments = requestsTo(payments, "POST", "/api/payments");
    CPPUNIT_ASSERT_EQUAL(size_t(2), created_payments.size());
    std::map<std::string, Json::Value> payment_bodies; // orderId -> body
    for (const PeerRequest &r : created_payments) {
      CPPUNIT_ASSERT(signedByOrderService(r));
      const Json::Value b = orders::sdk::parseJson(r.body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Json::ArrayIndex(4), b.size()); // orderId, userId, amount, idempotencyKey
      CPPUNIT_ASSERT_EQUAL(kBuyer, b["userId"].asString());
      CPPUNIT_ASSERT(b["amount"].isIntegral()); // a JSON number, major IDR units
      CPPUNIT_ASSERT(!b["idempotencyKey"].asString().empty());
      payment_bodies[b["orderId"].asString()] = b;
    }
    CPPUNIT_ASSERT_EQUAL(Json::Int64(300000), payment_bodies[kaos["id"].asString()]["amount"].asInt64());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(90000), payment_bodies[topi["id"].asString()]["amount"].asInt64());
    CPPUNIT_ASSERT_MESSAGE(server.log(),
                           eventually([&] { return requestsTo(cart, "DELETE", "/api/cart/" + kBuyer).size() == 1; }));
    CPPUNIT_ASSERT(signedByOrderService(requestsTo(cart, "DELETE", "/api/cart/" + kBuyer)[0]));

    // The same idempotencyKey again: 200, the existing orders.
    Reply again = server.request("POST", "/api/orders", checkoutBody("checkout-abc"), gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200, again.status);
    CPPUNIT_ASSERT(json(again)["data"]["isExisting"].asBool());
    CPPUNIT_ASSERT_EQUAL(std::string("Idempotent retry: returned existing orders"),
                         json(again)["data"]["message"].asString());
    CPPUNIT_ASSERT_EQUAL(size_t(2), requestsTo(payments, "POST", "/api/payments").size());

    // Listing with LAKOO's page/limit and pagination object.
    Reply page = server.request("GET", "/api/orders?page=2&limit=1", "", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(page.body, 200, page.status);
    const Json::Value pagination = json(page)["pagination"];
    CPPUNIT_ASSERT_EQUAL(2, pagination["page"].asInt());
    CPPUNIT_ASSERT_EQUAL(1, pagination["limit"].asInt());
    CPPUNIT_ASSERT_EQUAL(2, pagination["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(2, pagination["totalPages"].asInt());
    CPPUNIT_ASSERT_EQUAL(1u, json(page)["data"].size());
    Reply search =
        server.request("GET", "/api/orders?search=" + kaos["orderNumber"].asString().substr(4), "", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL(1, json(search)["pagination"]["total"].asInt());
    Reply others = server.request("GET", "/api/orders", "", gateway(kOther));
    CPPUNIT_ASSERT_EQUAL(0, json(others)["pagination"]["total"].asInt()); // users see their own orders only
    Reply bad_limit = server.request("GET", "/api/orders?limit=500", "", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL(400, bad_limit.status);
    CPPUNIT_ASSERT_EQUAL(std::string("limit"), json(bad_limit)["details"][0]["field"].asString());

    // By id and by number; a malformed id is LAKOO's validation error.
    const std::string kaos_id = kaos["id"].asString(), topi_id = topi["id"].asString();
    Reply got = server.request("GET", "/api/orders/" + kaos_id, "", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL(kaos["orderNumber"].asString(), json(got)["data"]["orderNumber"].asString());
    Reply by_number =
        server.request("GET", "/api/orders/number/" + kaos["orderNumber"].asString(), "", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL(kaos_id, json(by_number)["data"]["id"].asString());
    Reply not_uuid = server.request("GET", "/api/orders/abc", "", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            R"({"details":[{"field":"id","message":"Invalid value"}],"error":"Validation failed","success":false})"),
        not_uuid.body);
    CPPUNIT_ASSERT_EQUAL(404, server.request("GET", "/api/orders/" + kaos_id, "", gateway(kOther)).status);

    // Shipping cost by an internal service (LAKOO's HMAC), before payment.
    Reply cost = server.request("PUT", "/api/orders/" + topi_id + "/shipping-cost", R"({"shippingCost":15000})",
                                serviceHeaders("logistic-service"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(cost.body, 200, cost.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Shipping cost updated"), json(cost)["message"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("105000"), json(cost)["data"]["totalAmount"].asString());
    CPPUNIT_ASSERT(!json(cost)["data"].isMember("items"));
    CPPUNIT_ASSERT_EQUAL(
        403,
        server.request("PUT", "/api/orders/" + topi_id + "/shipping-cost", R"({"shippingCost":1})", gateway(kBuyer))
            .status);

    // payment-service reports the invoice paid: PUT status with its service HMAC.
    Reply paid = server.request("PUT", "/api/orders/" + kaos_id + "/status", R"({"newStatus":"paid"})",
                                serviceHeaders("payment-service"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body + "\n" + server.log(), 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Order status updated"), json(paid)["message"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), json(paid)["data"]["status"].asString());
    // Its retry (a token reused within the window is fine in LAKOO) meets LAKOO's own rule.
    Reply repaid = server.request("PUT", "/api/orders/" + kaos_id + "/status", R"({"newStatus":"paid"})",
                                  serviceHeaders("payment-service"));
    CPPUNIT_ASSERT_EQUAL(400, repaid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Cannot transition from paid to paid"), json(repaid)["error"].asString());
    // A forged signature, a stale one and a name mismatch are refused as serviceAuth.ts refuses them.
    // (A future stamp 63 s ahead, not 61: on a loaded box the server may read
    // its clock a second or two after the stamp was made, and 61 becomes 60.)
    for (const auto &forged :
         {serviceHeaders("payment-service", "not-the-secret"), serviceHeaders("payment-service", kServiceSecret, -301),
          serviceHeaders("payment-service", kServiceSecret, 63)}) {
      Reply refused = server.request("PUT", "/api/orders/" + topi_id + "/status", R"({"newStatus":"paid"})", forged);
      CPPUNIT_ASSERT_EQUAL(401, refused.status);
      CPPUNIT_ASSERT_EQUAL(std::string("Invalid service authentication token"), json(refused)["error"].asString());
    }
    auto mismatch = serviceHeaders("payment-service");
    mismatch["x-service-name"] = "cart-service";
    CPPUNIT_ASSERT_EQUAL(
        std::string("Service name mismatch"),
        json(server.request("PUT", "/api/orders/" + topi_id + "/status", R"({"newStatus":"paid"})", mismatch))["error"]
            .asString());

    // Fulfilment by an admin, in LAKOO's finer words.
    for (const char *word : {"confirmed", "ready_to_ship", "shipped", "in_transit", "out_for_delivery", "delivered"}) {
      Reply moved =
          server.request("PUT", "/api/orders/" + kaos_id + "/status",
                         std::string(R"({"newStatus":")") + word + R"(","notes":"ok"})", gateway(kOther, "admin"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(word) + ": " + moved.body, 200, moved.status);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("delivered"), json(server.request("GET", "/api/admin/orders/" + kaos_id, "",
                                                                       gateway(kOther, "admin")))["data"]["status"]
                                                       .asString());
    Reply unknown = server.request("PUT", "/api/orders/" + kaos_id + "/status", R"({"newStatus":"lost"})",
                                   gateway(kOther, "admin"));
    CPPUNIT_ASSERT_EQUAL(400, unknown.status);
    CPPUNIT_ASSERT_EQUAL(std::string("newStatus"), json(unknown)["details"][0]["field"].asString());
    CPPUNIT_ASSERT_EQUAL(403, server.request("GET", "/api/admin/orders", "", gateway(kBuyer)).status);
    CPPUNIT_ASSERT_EQUAL(403, server.request("GET", "/api/admin/orders", "", serviceHeaders("seller-service")).status);
    Reply all = server.request("GET", "/api/admin/orders?limit=10", "", gateway(kOther, "admin"));
    CPPUNIT_ASSERT_EQUAL(2, json(all)["pagination"]["total"].asInt());
    // seller-service lists a seller's orders with its service HMAC.
    Reply sellers = server.request("GET", "/api/orders?sellerId=" + kSellerA, "", serviceHeaders("seller-service"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sellers.body, 1, json(sellers)["pagination"]["total"].asInt());

    // The buyer cancels the unpaid order; a delivered one cannot be.
    Reply cancelled =
        server.request("POST", "/api/orders/" + topi_id + "/cancel", R"({"reason":"changed_mind"})", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Order cancelled"), json(cancelled)["message"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), json(cancelled)["data"]["status"].asString());
    Reply late = server.request("POST", "/api/orders/" + kaos_id + "/cancel", "{}", gateway(kBuyer));
    CPPUNIT_ASSERT_EQUAL(400, late.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Cannot transition from delivered to cancelled"), json(late)["error"].asString());

    // CORS for LAKOO's browser origins (ALLOWED_ORIGINS, comma-separated).
    Reply preflight = server.request("OPTIONS", "/api/orders", "",
                                     {{"Origin", "https://lakoo.example"}, {"Access-Control-Request-Method", "POST"}});
    CPPUNIT_ASSERT_EQUAL(204, preflight.status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://lakoo.example"), preflight.headers["access-control-allow-origin"]);
    CPPUNIT_ASSERT_EQUAL(std::string("true"), preflight.headers["access-control-allow-credentials"]);
    Reply foreign = server.request("GET", "/health", "", {{"Origin", "https://evil.example"}});
    CPPUNIT_ASSERT(foreign.headers.count("access-control-allow-origin") == 0);

    // LAKOO's events: order.created per order, order.status_changed per transition.
    const auto messages = orders::testing::readTopic(kafka.bootstrap(), "order.events", 10, 20000);
    int created_events = 0, paid_events = 0;
    for (const auto &m : messages) {
      const Json::Value v = orders::sdk::parseJson(m.value);
      const std::string type = m.headers.count("event-type") ? m.headers.at("event-type") : "";
      if (v.isMember("userId") && !v.isMember("toStatus")) {
        ++created_events;
        CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(4), v.size()); // orderId, orderNumber, userId, sellerId
      } else if (v["toStatus"].asString() == "paid") {
        ++paid_events;
        CPPUNIT_ASSERT_EQUAL(kaos_id, v["orderId"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), v["fromStatus"].asString());
      }
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(messages.size()) + " messages", 2, created_events);
    CPPUNIT_ASSERT_EQUAL(1, paid_events);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedLakooTest);
