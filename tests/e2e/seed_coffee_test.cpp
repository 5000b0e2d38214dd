// Seed 003 drop-in: the server started from config/seeds/003-coffee.yaml on
// PostgreSQL, played by the coffee shop's clients and neighbours as its
// document describes them: buyers and admins with the gateway's HS256 JWTs
// on /orders (create with shipping and billing information, then pay),
// product and merch stock in their two services, Stripe (a PaymentIntent,
// the buyer's confirmation, a signed webhook), OrderCreated and
// PaymentSuccessful on Kafka, and the buyer told by e-mail and SMS. No
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
#include "smtp_peer.hpp"
#include "stripe_signature.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;
using orders::testing::PeerRequest;
using orders::testing::requestsTo;

namespace {

const std::string kSecret = "gateway-jwt-secret";
const std::string kWhsec = "whsec_coffee";

std::string token(const std::string &user, const std::string &role) {
  Poco::JWT::Token t;
  t.setSubject(user);
  t.payload().set("role", role);
  t.payload().set("email", user + "@example.com");
  t.payload().set("exp", Poco::Int64(orders::testing::unixSeconds() + 900));
  Poco::JWT::Signer signer(kSecret);
  return signer.sign(t, Poco::JWT::Signer::ALGO_HS256);
}

std::map<std::string, std::string> bearer(const std::string &t) { return {{"Authorization", "Bearer " + t}}; }

Json::Value json(const Reply &r) { return orders::sdk::parseJson(r.body); }

std::string intent(const std::string &status) {
  return R"({"id":"pi_coffee","object":"payment_intent","amount":3700,"amount_received":)" +
         std::string(status == "succeeded" ? "3700" : "0") +
         R"(,"currency":"usd","client_secret":"pi_coffee_secret_1","status":")" + status + R"(","metadata":{}})";
}

const char *kOrder =
    R"({"items":[{"productId":"bean-ethiopia","quantity":2},{"productId":"merch-mug","quantity":1,"type":"merch"}],)"
    R"("customer":{"name":"Ana Lima","email":"ana@example.com","phone":"+15550100"},)"
    R"("shippingAddress":{"street":"1 Roast Rd","city":"Portland","state":"OR","zipCode":"97201","country":"US"},)"
    R"("billing":{"address":{"street":"7 Bill St","city":"Portland","zipCode":"97202","country":"US"}},)"
    R"("notes":"grind for espresso"})";

} // namespace

class SeedCoffeeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SeedCoffeeTest);
  CPPUNIT_TEST(coffeeClientsAndNeighboursSeeTheCoffeeService);
  CPPUNIT_TEST_SUITE_END();

public:
  void coffeeClientsAndNeighboursSeeTheCoffeeService() {
    if (orders::testing::needPostgres()) return;
    HttpPeer products, merch, stripe, sms;
    products.on("GET", "/api/products/bean-ethiopia",
                {200, R"({"id":"bean-ethiopia","name":"Ethiopia beans","price":12.5,"currency":"USD"})"});
    products.on("GET", "/api/products/merch-mug",
                {200, R"({"id":"merch-mug","name":"Coffee mug","price":"12.00","currency":"USD"})"});
    for (HttpPeer *stock : {&products, &merch}) {
      stock->on("POST", "/api/inventory/reserve", {200, R"({"ok":true})"});
      stock->on("POST", "/api/inventory/commit", {200, R"({"ok":true})"});
      stock->on("POST", "/api/inventory/release", {200, R"({"ok":true})"});
    }
    stripe.on("POST", "/v1/payment_intents", PeerReply{200, intent("requires_payment_method")});
    stripe.on("GET", "/v1/payment_intents/pi_coffee", PeerReply{200, intent("processing")});
    sms.on("POST", "/messages", {202, R"({"id":"sms-1"})"});
    orders::testing::SmtpPeer mail;
    orders::testing::KafkaMock kafka({"order-events"});

    TestDatabase db(Engine::postgres);
    ServerOptions o;
    o.config_file = ORDERS_SOURCE_DIR "/config/seeds/003-coffee.yaml";
    o.env = {{"DATABASE_URL", db.ordersUrl()},
             {"JWT_SECRET", kSecret},
             {"PAYMENT_GATEWAY_API_KEY", "paypal-client-unused"},
             {"PAYMENT_GATEWAY_SECRET_KEY", "sk_test_coffee"},
             {"PAYMENT_GATEWAY_WEBHOOK_SECRET", kWhsec},
             {"STRIPE_API_URL", stripe.baseUrl()},
             {"PRODUCT_SERVICE_URL", products.baseUrl()},
             {"MERCH_SERVICE_URL", merch.baseUrl()},
             {"KAFKA_BROKERS", kafka.bootstrap()},
             {"SMTP_HOST", "127.0.0.1"},
             {"SMTP_PORT", std::to_string(mail.port())},
             {"SMTP_FROM", "orders@coffee.test"},
             {"SMS_API_URL", sms.baseUrl()},
             {"SMS_API_KEY", "sms-key"},
             {"ORDERS_PLUGIN_DIR", ORDERS_PLUGIN_DIR},
             {"ORDERS_HTTP_HOST", "127.0.0.1"}};
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    CPPUNIT_ASSERT_EQUAL(200, server.request("GET", "/health").status);

    const std::string buyer = token("u-ana", "user");
    const std::string admin = token("barista-1", "admin");
    CPPUNIT_ASSERT_EQUAL(401, server.request("POST", "/orders", kOrder).status);
    Reply invalid = server.request("POST", "/orders", R"({"items":[]})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(400, invalid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Validation failed"), json(invalid)["message"].asString());

    // Create: both stock owners hold their lines; billing info stored; no payment yet.
    Reply created = server.request("POST", "/orders", kOrder, bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body + "\n" + server.log(), 201, created.status);
    const Json::Value order = json(created);
    const std::string id = order["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), order["status"].asString());
    CPPUNIT_ASSERT_EQUAL(37.0, order["totalAmount"].asDouble());
    CPPUNIT_ASSERT_EQUAL(std::string("7 Bill St"), order["billingAddress"]["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("grind for espresso"), order["notes"].asString());
    CPPUNIT_ASSERT(order["payment"].isNull());
    const auto coffee_hold = requestsTo(products, "POST", "/api/inventory/reserve");
    const auto merch_hold = requestsTo(merch, "POST", "/api/inventory/reserve");
    CPPUNIT_ASSERT_EQUAL(size_t(1), coffee_hold.size());
    CPPUNIT_ASSERT_EQUAL(size_t(1), merch_hold.size());
    CPPUNIT_ASSERT(coffee_hold[0].body.find("bean-ethiopia") != std::string::npos);
    CPPUNIT_ASSERT(coffee_hold[0].body.find("merch-mug") == std::string::npos);
    CPPUNIT_ASSERT(merch_hold[0].body.find("merch-mug") != std::string::npos);
    CPPUNIT_ASSERT(stripe.requests().empty());

    // Initiate: a PaymentIntent; the client secret goes back to the app.
    Reply initiated = server.request("POST", "/orders/" + id + "/payment", R"({"action":"initiate"})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(initiated.body + "\n" + server.log(), 200, initiated.status);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), json(initiated)["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("stripe"), json(initiated)["payment"]["provider"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_coffee"), json(initiated)["payment"]["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_coffee_secret_1"), json(initiated)["payment"]["redirectUrl"].asString());
    const auto intents = requestsTo(stripe, "POST", "/v1/payment_intents");
    CPPUNIT_ASSERT_EQUAL(size_t(1), intents.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk_test_coffee"), intents[0].headers.at("authorization"));
    CPPUNIT_ASSERT(intents[0].body.rfind("amount=3700&currency=usd&", 0) == 0);

    // Confirm while Stripe still processes: still pending.
    Reply early = server.request("POST", "/orders/" + id + "/payment", R"({"action":"confirm"})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(early.body, 200, early.status);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), json(early)["status"].asString());

    // Stripe's signed webhook pays it; a forged one is refused.
    const std::string event = R"({"id":"evt_coffee_1","object":"event","created":)" +
                              std::to_string(orders::testing::unixSeconds()) +
                              R"(,"type":"payment_intent.succeeded","data":{"object":)" + intent("succeeded") + "}}";
    const int64_t now = orders::testing::unixSeconds();
    CPPUNIT_ASSERT_EQUAL(401, server
                                  .request("POST", "/hooks/payment/stripe", event,
                                           {{"Stripe-Signature", orders::testing::stripeSignature(event, now, "x")}})
                                  .status);
    Reply hook = server.request("POST", "/hooks/payment/stripe", event,
                                {{"Stripe-Signature", orders::testing::stripeSignature(event, now, kWhsec)}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(hook.body, 200, hook.status);
    stripe.on("GET", "/v1/payment_intents/pi_coffee", PeerReply{200, intent("succeeded")});
    Reply confirmed = server.request("POST", "/orders/" + id + "/payment", R"({"action":"confirm"})", bearer(buyer));
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), json(confirmed)["status"].asString());
    CPPUNIT_ASSERT(eventually([&] {
      return requestsTo(products, "POST", "/api/inventory/commit").size() == 1 &&
             requestsTo(merch, "POST", "/api/inventory/commit").size() == 1;
    }));

    // Admins move it along and see every order; a buyer sees its own only.
    CPPUNIT_ASSERT_EQUAL(
        403, server.request("PUT", "/orders/" + id + "/status", R"({"status":"shipped"})", bearer(buyer)).status);
    Reply shipped = server.request("PUT", "/orders/" + id + "/status", R"({"status":"shipped"})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shipped.body, 200, shipped.status);
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), json(shipped)["status"].asString());
    Reply all = server.request("GET", "/orders", "", bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, 200, all.status);
    CPPUNIT_ASSERT_EQUAL(1, json(all)["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, json(server.request("GET", "/orders", "", bearer(token("u-bo", "user"))))["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(404, server.request("GET", "/orders/" + id, "", bearer(token("u-bo", "user"))).status);

    // OrderCreated and PaymentSuccessful on Kafka.
    std::set<std::string> names;
    CPPUNIT_ASSERT(eventually([&] {
      names.clear();
      for (const auto &m : orders::testing::readTopic(kafka.bootstrap(), "order-events", 2, 3000))
        names.insert(orders::sdk::parseJson(m.value)["event"].asString());
      return names.size() == 2;
    }));
    CPPUNIT_ASSERT(names == std::set<std::string>({"OrderCreated", "PaymentSuccessful"}));

    // The buyer hears of it: e-mail on placed, paid and shipped; SMS on paid and shipped.
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return mail.mails().size() >= 3; }));
    for (const auto &m : mail.mails())
      CPPUNIT_ASSERT_EQUAL(std::string("<ana@example.com>"), m.recipients.at(0));
    CPPUNIT_ASSERT(eventually([&] { return sms.count("POST", "/messages") >= 2; }));
    const Json::Value text = orders::sdk::parseJson(requestsTo(sms, "POST", "/messages")[0].body);
    CPPUNIT_ASSERT_EQUAL(std::string("+15550100"), text["to"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("sms-key"), requestsTo(sms, "POST", "/messages")[0].headers.at("x-api-key"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedCoffeeTest);
