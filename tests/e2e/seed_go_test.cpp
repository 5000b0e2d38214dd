// Seed 000 drop-in: the server started from config/seeds/000-go.yaml on
// PostgreSQL, played by the Go order service's own clients and neighbours as
// upstream (payments-platform/order-service) has them: the cart service's
// POST /internal/orders with the internal token, buyers and admins with
// Auth0 RS256 tokens (keys from a JWKS peer), the Inventory service per
// soft reservation, the Payments service, and PAYMENT_CAPTURED /
// ORDER_CONFIRMED on one Kafka topic. No request uses the canonical API.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <chrono>
#include <sstream>
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

const std::string kInternalToken = "cart-to-order-token";
const std::string kBuyer = "3f2c0000-0000-4000-8000-0000000000b1";
const std::string kOtherBuyer = "3f2c0000-0000-4000-8000-0000000000b2";
const std::string kAdmin = "3f2c0000-0000-4000-8000-0000000000ad";
const std::string kPaymentId = "9a9a0000-0000-4000-8000-0000000000f1";
const std::string kCart = "c4c40000-0000-4000-8000-000000000c01";

std::string b64url(const std::vector<unsigned char> &bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  enc.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  enc.close();
  return out.str();
}

// An Auth0 access token as the BuyIt frontends send it.
std::string auth0(const Poco::SharedPtr<Poco::Crypto::RSAKey> &key, const std::string &account_type,
                  const std::string &user_id, const std::string &email = "") {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject("auth0|" + user_id);
  token.setIssuer("https://tenant.example/");
  token.setAudience("https://api.buyit.local");
  token.payload().set("https://buyit.local/account_type", account_type);
  token.payload().set("https://buyit.local/user_id", user_id);
  if (!email.empty()) token.payload().set("https://buyit.local/email", email);
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  token.payload().set("iat", Poco::Int64(now.count() - 5));
  token.payload().set("exp", Poco::Int64(now.count() + 600));
  token.header().set("kid", std::string("buyit-1"));
  Poco::JWT::Signer signer(key);
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

std::map<std::string, std::string> bearer(const std::string &token) { return {{"Authorization", "Bearer " + token}}; }

Json::Value json(const Reply &r) { return orders::sdk::parseJson(r.body); }

// What the cart service (Scala, CartService.scala) posts.
std::string cartBody() {
  return R"({"cart_id":")" + kCart + R"(","buyer_id":")" + kBuyer +
         R"(","items":[{"item_id":"a1000000-0000-4000-8000-000000000001","product_id":"b1000000-0000-4000-8000-000000000001",)"
         R"("sku":"MUG-RED","seller_id":"seller1@buyit.com","quantity":2,"price_cents":1299,"currency":"CAD",)"
         R"("reservation_id":"d1000000-0000-4000-8000-000000000001"},)"
         R"({"item_id":"a1000000-0000-4000-8000-000000000002","product_id":"b1000000-0000-4000-8000-000000000002",)"
         R"("sku":"BEANS-1KG","seller_id":"seller2@buyit.com","quantity":1,"price_cents":2999,"currency":"CAD",)"
         R"("reservation_id":null}]})";
}

} // namespace

class SeedGoTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SeedGoTest);
  CPPUNIT_TEST(goClientsAndNeighboursSeeTheGoService);
  CPPUNIT_TEST_SUITE_END();

public:
  void goClientsAndNeighboursSeeTheGoService() {
    if (orders::testing::needPostgres()) return;
    auto key = Poco::makeShared<Poco::Crypto::RSAKey>(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
    HttpPeer auth0_tenant, inventory, payments;
    auth0_tenant.on("GET", "/.well-known/jwks.json",
                    {200, R"({"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"buyit-1","n":")" +
                              b64url(key->modulus()) + R"(","e":")" + b64url(key->encryptionExponent()) + R"("}]})"});
    const std::string reservation = "/internal/reservations/d1000000-0000-4000-8000-000000000001";
    inventory.on("POST", reservation + "/allocate", {201, R"({"status":"ALLOCATED"})"});
    inventory.on("POST", reservation + "/confirm-sale", {200, R"({"status":"SOLD"})"});
    payments.on("POST", "/internal/payments/order",
                {201, R"({"id":")" + kPaymentId + R"(","clientSecret":"pi_1_secret_2"})"});
    orders::testing::KafkaMock kafka({"payment.events"});

    TestDatabase db(Engine::postgres);
    ServerOptions o;
    o.config_file = ORDERS_SOURCE_DIR "/config/seeds/000-go.yaml";
    o.env = {{"DATABASE_URL", db.ordersUrl()},
             {"INTERNAL_API_TOKEN", kInternalToken},
             {"AUTH0_DOMAIN", "tenant.example"},
             {"AUTH0_AUDIENCE", "https://api.buyit.local"},
             {"AUTH0_JWKS_URL", auth0_tenant.baseUrl() + "/.well-known/jwks.json"},
             {"INVENTORY_SERVICE_URL", inventory.baseUrl()},
             {"INVENTORY_INTERNAL_API_TOKEN", "inv-token"},
             {"PAYMENT_SERVICE_URL", payments.baseUrl()},
             {"PAYMENT_INTERNAL_API_TOKEN", "pay-token"},
             {"KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap()},
             {"ORDERS_PLUGIN_DIR", ORDERS_PLUGIN_DIR},
             {"ORDERS_HTTP_HOST", "127.0.0.1"}};
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"healthy"})"), server.request("GET", "/health").body);
    Reply spec = server.request("GET", "/api-docs/openapi.json");
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), spec.headers["content-type"]);

    // The internal token is checked as the Go middleware does.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"Missing Authorization header"})"),
                         server.request("POST", "/internal/orders", cartBody()).body);
    Reply wrong = server.request("POST", "/internal/orders", cartBody(), bearer("guess"));
    CPPUNIT_ASSERT_EQUAL(401, wrong.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid internal API token"), json(wrong)["error"].asString());
    const std::string buyer_token = auth0(key, "BUYER", kBuyer);
    CPPUNIT_ASSERT_EQUAL(401, server.request("POST", "/internal/orders", cartBody(), bearer(buyer_token)).status);
    CPPUNIT_ASSERT(payments.requests().empty());

    // The cart service creates the provisional order.
    Reply created = server.request("POST", "/internal/orders", cartBody(), bearer(kInternalToken));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body + "\n" + server.log(), 201, created.status);
    const Json::Value answer = json(created);
    const std::string order_id = answer["order_id"].asString();
    CPPUNIT_ASSERT_EQUAL(kPaymentId, answer["payment_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1_secret_2"), answer["client_secret"].asString());
    CPPUNIT_ASSERT_EQUAL("https://buyit.local/checkout?orderId=" + order_id, answer["checkout_url"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(4), answer.size());

    // Inventory: one hard allocation, for the line with a soft reservation.
    const auto allocations = requestsTo(inventory, "POST", reservation + "/allocate");
    CPPUNIT_ASSERT_EQUAL(size_t(1), allocations.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer inv-token"), allocations[0].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"orderId":")") + order_id + "\"}", allocations[0].body);
    CPPUNIT_ASSERT_EQUAL(size_t(1), inventory.requests().size());
    // Payments: the Go client's body, Bearer token.
    const auto created_payments = requestsTo(payments, "POST", "/internal/payments/order");
    CPPUNIT_ASSERT_EQUAL(size_t(1), created_payments.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer pay-token"), created_payments[0].headers.at("authorization"));
    const Json::Value pay = orders::sdk::parseJson(created_payments[0].body);
    CPPUNIT_ASSERT(orders::sdk::parseJson(R"({"orderId":")" + order_id + R"(","buyerId":")" + kBuyer +
                                          R"(","grossAmountCents":5597,"currency":"CAD","sellerBreakdown":[)"
                                          R"({"sellerId":"seller1@buyit.com","sellerGrossAmountCents":2598},)"
                                          R"({"sellerId":"seller2@buyit.com","sellerGrossAmountCents":2999}],)"
                                          R"("description":"Payment for order )" +
                                          order_id + "\"}") == pay);

    // The cart service retries: the same order, nothing created twice.
    Reply again = server.request("POST", "/internal/orders", cartBody(), bearer(kInternalToken));
    CPPUNIT_ASSERT_EQUAL(201, again.status);
    CPPUNIT_ASSERT_EQUAL(order_id, json(again)["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(payments, "POST", "/internal/payments/order").size());

    // The buyer reads it: provisional (PENDING), one shipment per seller.
    Reply got = server.request("GET", "/api/orders/" + order_id, "", bearer(buyer_token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(got.body, 200, got.status);
    const Json::Value view = json(got);
    CPPUNIT_ASSERT_EQUAL(std::string("PENDING"), view["status"].asString());
    CPPUNIT_ASSERT_EQUAL(kBuyer, view["buyer_id"].asString());
    CPPUNIT_ASSERT_EQUAL(5597, view["total_cents"].asInt());
    CPPUNIT_ASSERT_EQUAL(kPaymentId, view["payment_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("NONE"), view["refund_status"].asString());
    CPPUNIT_ASSERT_EQUAL(2u, view["items"].size());
    CPPUNIT_ASSERT_EQUAL(2u, view["shipments"].size());
    for (const Json::Value &s : view["shipments"])
      CPPUNIT_ASSERT_EQUAL(std::string("PENDING"), s["status"].asString());
    std::set<std::string> skus;
    for (const Json::Value &i : view["items"])
      skus.insert(i["sku"].asString() + "@" + i["seller_id"].asString() + ":" +
                  std::to_string(i["price_cents"].asInt()));
    CPPUNIT_ASSERT(skus ==
                   std::set<std::string>({"MUG-RED@seller1@buyit.com:1299", "BEANS-1KG@seller2@buyit.com:2999"}));
    CPPUNIT_ASSERT(!view.isMember("confirmed_at"));
    Reply other = server.request("GET", "/api/orders/" + order_id, "", bearer(auth0(key, "BUYER", kOtherBuyer)));
    CPPUNIT_ASSERT_EQUAL(404, other.status);
    CPPUNIT_ASSERT_EQUAL(std::string("order not found"), json(other)["error"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("invalid order ID"),
                         json(server.request("GET", "/api/orders/42", "", bearer(buyer_token)))["error"].asString());
    Reply early = server.request("GET", "/api/orders/" + order_id + "/invoice", "", bearer(buyer_token));
    CPPUNIT_ASSERT_EQUAL(400, early.status);
    CPPUNIT_ASSERT_EQUAL(std::string("invoice only available for confirmed orders"), json(early)["error"].asString());
    Reply seller_invoice = server.request("GET", "/api/orders/" + order_id + "/invoice", "",
                                          bearer(auth0(key, "SELLER", "s-1", "seller1@buyit.com")));
    CPPUNIT_ASSERT_EQUAL(403, seller_invoice.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Access denied. Account type 'SELLER' is not allowed. Required: [BUYER ADMIN]"),
                         json(seller_invoice)["error"].asString());
    Reply forged = server.request("GET", "/api/orders/" + order_id, "", bearer(buyer_token + "x"));
    CPPUNIT_ASSERT_EQUAL(401, forged.status);
    CPPUNIT_ASSERT(json(forged)["error"].asString().rfind("Invalid or expired JWT token: ", 0) == 0);

    // The Payments service reports the capture on the shared topic.
    orders::testing::produce(kafka.bootstrap(), "payment.events", kPaymentId,
                             R"({"eventId":"e5e50000-0000-4000-8000-000000000001","paymentId":")" + kPaymentId +
                                 R"(","idempotencyKey":"k","type":"PAYMENT_CAPTURED","buyerId":")" + kBuyer +
                                 R"(","sellerId":"","grossAmountCents":5597,"platformFeeCents":0,)"
                                 R"("netSellerAmountCents":5597,"currency":"CAD","stripePaymentIntentId":"pi_1",)"
                                 R"("attempt":1,"createdAt":"2026-12-06T10:00:00Z","payload":{}})");
    const bool confirmed_in_time = eventually(
        [&] {
          return json(server.request("GET", "/api/orders/" + order_id, "", bearer(buyer_token)))["status"].asString() ==
                 "CONFIRMED";
        },
        45000);
    if (!confirmed_in_time) { // what the consumer did
      std::string kafka_metrics;
      std::istringstream metrics(server.request("GET", "/metrics").body);
      for (std::string line; std::getline(metrics, line);)
        if (line.find("kafka") != std::string::npos || line.find("payment_events") != std::string::npos)
          kafka_metrics += line + "\n";
      std::string consumer_log;
      std::istringstream log(server.log());
      for (std::string line; std::getline(log, line);)
        if (line.find("dead") != std::string::npos || line.find("consumer") != std::string::npos)
          consumer_log += line + "\n";
      CPPUNIT_FAIL("the order was not confirmed by PAYMENT_CAPTURED; metrics:\n" + kafka_metrics + consumer_log);
    }
    const Json::Value confirmed = json(server.request("GET", "/api/orders/" + order_id, "", bearer(buyer_token)));
    CPPUNIT_ASSERT_MESSAGE(orders::sdk::writeJson(confirmed), confirmed["confirmed_at"].isString());
    CPPUNIT_ASSERT(eventually([&] { return inventory.count("POST", reservation + "/confirm-sale") == 1; }));
    // ORDER_CONFIRMED on the same topic, keyed by the order.
    const auto messages = orders::testing::readTopic(kafka.bootstrap(), "payment.events", 2, 20000);
    int order_confirmed = 0;
    for (const auto &m : messages) {
      const Json::Value v = orders::sdk::parseJson(m.value);
      if (v["type"].asString() != "ORDER_CONFIRMED") continue;
      ++order_confirmed;
      CPPUNIT_ASSERT_EQUAL(order_id, m.key.value_or(""));
      CPPUNIT_ASSERT_EQUAL(order_id, v["orderId"].asString());
      CPPUNIT_ASSERT_EQUAL(kBuyer, v["buyerId"].asString());
      CPPUNIT_ASSERT_EQUAL(kPaymentId, v["paymentId"].asString());
      CPPUNIT_ASSERT_EQUAL(5597, v["totalCents"].asInt());
      CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(8), v.size());
    }
    CPPUNIT_ASSERT_EQUAL(1, order_confirmed);

    // The invoice, for the buyer, once confirmed.
    Reply invoice = server.request("GET", "/api/orders/" + order_id + "/invoice", "", bearer(buyer_token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(invoice.body.substr(0, 200), 200, invoice.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/pdf"), invoice.headers["content-type"]);
    CPPUNIT_ASSERT_EQUAL("attachment; filename=invoice-" + order_id + ".pdf", invoice.headers["content-disposition"]);
    CPPUNIT_ASSERT(invoice.body.rfind("%PDF", 0) == 0);

    // Admins list and refund.
    const std::string admin = auth0(key, "ADMIN", kAdmin);
    Reply listed = server.request("GET", "/api/orders?page=0&page_size=10", "", bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(listed.body, 200, listed.status);
    CPPUNIT_ASSERT_EQUAL(1, json(listed)["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(10, json(listed)["page_size"].asInt());
    CPPUNIT_ASSERT_EQUAL(order_id, json(listed)["orders"][0]["id"].asString());
    CPPUNIT_ASSERT_EQUAL(403,
                         server.request("POST", "/api/orders/" + order_id + "/refund", "", bearer(buyer_token)).status);
    payments.on("POST", "/internal/payments/order/" + order_id + "/refund", {201, R"({"status":"PENDING"})"});
    Reply refunded = server.request("POST", "/api/orders/" + order_id + "/refund", "", bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refunded.body + "\n" + server.log(), 201, refunded.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"message":"Full refund created successfully"})"), refunded.body);
    CPPUNIT_ASSERT_EQUAL(size_t(1),
                         requestsTo(payments, "POST", "/internal/payments/order/" + order_id + "/refund").size());
    const Json::Value after = json(server.request("GET", "/api/orders/" + order_id, "", bearer(admin)));
    CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), after["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("FULL"), after["refund_status"].asString());
    CPPUNIT_ASSERT_EQUAL(
        std::string("order is already fully refunded"),
        json(server.request("POST", "/api/orders/" + order_id + "/refund", "", bearer(admin)))["error"].asString());
    Reply partial = server.request("POST", "/api/orders/" + order_id + "/partial-refund",
                                   R"({"orderItemsToRefund":[{"orderItemId":"x","quantity":1}]})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(501, partial.status);

    // CORS for the BuyIt frontends.
    Reply preflight = server.request("OPTIONS", "/api/orders", "",
                                     {{"Origin", "https://buyit.local"}, {"Access-Control-Request-Method", "GET"}});
    CPPUNIT_ASSERT_EQUAL(204, preflight.status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://buyit.local"), preflight.headers["access-control-allow-origin"]);
    CPPUNIT_ASSERT_EQUAL(std::string("0"), preflight.headers["access-control-max-age"]);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedGoTest);
