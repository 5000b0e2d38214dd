// Stripe and PayPal end to end: the real binary with payment/stripe (and
// payment/paypal) against a stand-in of the provider's API: checkout ->
// redirect/approval URL in the answer -> signed (verified) webhook -> order
// paid -> admin refund -> the refund request reaches the provider ->
// refunded; forged and stale signatures refused with the order unchanged;
// the same webhook twice applied once. On SQLite, and on the throw-away
// PostgreSQL of packaging/test.sh when ORDERS_TEST_PG_URL is set.
#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <thread>

#include "http_peer.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"
#include "test_skip.hpp"

using namespace orders::e2e;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;
using orders::testing::PeerRequest;

namespace {

template <class F> bool eventually(F probe, int timeout_ms = 20000) {
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

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- Stripe -------------------------------------------------------------

const char *kWhsec = "whsec_e2e_secret";

class Sha256 : public Poco::SHA2Engine {
public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

// Stripe-Signature of `body` at `t`, as Stripe computes it.
std::string stripeSignature(const std::string &body, int64_t t, const std::string &secret = kWhsec) {
  Poco::HMACEngine<Sha256> hmac(secret);
  const std::string payload = std::to_string(t) + "." + body;
  hmac.update(payload.data(), payload.size());
  return "t=" + std::to_string(t) + ",v1=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string stripeIntent(const std::string &status) {
  return R"({"id":"pi_e2e","object":"payment_intent","amount":1299,"amount_received":)" +
         std::string(status == "succeeded" ? "1299" : "0") +
         R"(,"currency":"usd","client_secret":"pi_e2e_secret_xyz","status":")" + status + R"(","metadata":{}})";
}

std::string stripeEvent(const std::string &event_id, const std::string &type, const std::string &object) {
  return R"({"id":")" + event_id + R"(","object":"event","created":)" + std::to_string(nowSeconds()) + R"(,"type":")" +
         type + R"(","data":{"object":)" + object + "}}";
}

std::string succeededIntent(const std::string &order_id) {
  return R"({"id":"pi_e2e","object":"payment_intent","amount":1299,"amount_received":1299,"currency":"usd",)"
         R"("status":"succeeded","metadata":{"order_id":")" +
         order_id + R"(","attempt":"1"}})";
}

} // namespace

class PaymentStripePaypalTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentStripePaypalTest);
  CPPUNIT_TEST(stripeCheckoutWebhookRefund);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;
  bool skip() const { return engine() == Engine::postgres && orders::testing::needPostgres(); }

  static std::string statusOf(const ServerProcess &server, const std::string &id) {
    return server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["status"].asString();
  }
  static int64_t transitionsTo(const TestDatabase &db, const std::string &id, const std::string &status) {
    return db.scalar("SELECT COUNT(*) FROM order_history WHERE order_id = '" + id + "' AND to_status = '" + status +
                     "'");
  }
  static Reply refund(const ServerProcess &server, const std::string &id) {
    return server.as("admin-1", "admin", "PUT", "/api/orders/" + id + "/status", R"({"newStatus":"refunded"})");
  }

public:
  void stripeCheckoutWebhookRefund() {
    if (skip()) return;
    HttpPeer stripe;
    stripe.on("POST", "/v1/payment_intents", PeerReply{200, stripeIntent("requires_payment_method")});
    stripe.on("POST", "/v1/refunds",
              PeerReply{200, R"({"id":"re_e2e","object":"refund","status":"succeeded","payment_intent":"pi_e2e"})"});
    TestDatabase db(engine());
    ServerOptions o;
    o.env["STRIPE_SECRET_KEY"] = "sk_test_e2e";
    o.env["STRIPE_WEBHOOK_SECRET"] = kWhsec;
    o.checkout_extra = ", payment: stripe";
    o.payment_extra = "    - name: stripe\n      id: stripe\n      config: { base_url: \"" + stripe.baseUrl() +
                      "\", stripe_version: \"2024-06-20\", checkout_url_template: "
                      "\"https://shop.test/pay?pi={paymentIntentId}&cs={clientSecret}\" }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    // Checkout: the PaymentIntent is created and its checkout URL is in the answer.
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const Json::Value order = r.json()["orders"][0];
    const std::string id = order["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), order["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("stripe"), order["payment"]["provider"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_e2e"), order["payment"]["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://shop.test/pay?pi=pi_e2e&cs=pi_e2e_secret_xyz"),
                         order["payment"]["redirectUrl"].asString());
    const auto created = requestsTo(stripe, "POST", "/v1/payment_intents");
    CPPUNIT_ASSERT_EQUAL(size_t(1), created.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk_test_e2e"), created[0].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL("order:" + id + ":attempt:1", created[0].headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), created[0].headers.at("stripe-version"));
    CPPUNIT_ASSERT_MESSAGE(
        created[0].body,
        created[0].body.rfind("amount=1299&currency=usd&automatic_payment_methods[enabled]=true&", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(created[0].body, contains(created[0].body, "&metadata[order_id]=" + id + "&"));

    const std::string paid = stripeEvent("evt_paid", "payment_intent.succeeded", succeededIntent(id));
    const auto hook = [&](const std::string &signature, const std::string &body) {
      return server.request("POST", "/hooks/payment/stripe", body, {{"Stripe-Signature", signature}});
    };
    // Forged (another secret), stale (an hour old, correctly signed) and
    // unsigned: 401 and nothing applied.
    CPPUNIT_ASSERT_EQUAL(401, hook(stripeSignature(paid, nowSeconds(), "whsec_forged"), paid).status);
    CPPUNIT_ASSERT_EQUAL(401, hook(stripeSignature(paid, nowSeconds() - 3600), paid).status);
    CPPUNIT_ASSERT_EQUAL(401, server.request("POST", "/hooks/payment/stripe", paid).status);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), statusOf(server, id));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), transitionsTo(db, id, "paid"));

    // Signed: paid. The same event again (Stripe redelivers): applied once.
    Reply applied = hook(stripeSignature(paid, nowSeconds()), paid);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(applied.body + "\n" + server.log(), 200, applied.status);
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), applied.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), statusOf(server, id));
    Reply again = hook(stripeSignature(paid, nowSeconds()), paid);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200, again.status);
    CPPUNIT_ASSERT_EQUAL(std::string("duplicate"), again.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), transitionsTo(db, id, "paid"));

    // Admin refund: the refund reaches Stripe with the host's key, the payment ends refunded.
    Reply refunded = refund(server, id);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refunded.body, 200, refunded.status);
    CPPUNIT_ASSERT_MESSAGE(server.log(),
                           eventually([&] { return !requestsTo(stripe, "POST", "/v1/refunds").empty(); }));
    const PeerRequest sent = requestsTo(stripe, "POST", "/v1/refunds").at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("payment_intent=pi_e2e&amount=1299&metadata[order_id]=" + id), sent.body);
    CPPUNIT_ASSERT_MESSAGE(sent.headers.at("idempotency-key"),
                           sent.headers.at("idempotency-key").rfind("refund:", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk_test_e2e"), sent.headers.at("authorization"));
    CPPUNIT_ASSERT_MESSAGE(
        server.log(), eventually([&] {
          return server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["payment"]["status"].asString() ==
                 "refunded";
        }));
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), statusOf(server, id));

    // Stripe's charge.refunded afterwards changes nothing more.
    const std::string charge = R"({"id":"ch_e2e","object":"charge","amount":1299,"amount_refunded":1299,)"
                               R"("currency":"usd","payment_intent":"pi_e2e","refunded":true,"metadata":{}})";
    const std::string refunded_event = stripeEvent("evt_refunded", "charge.refunded", charge);
    Reply late = hook(stripeSignature(refunded_event, nowSeconds()), refunded_event);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(late.body, 200, late.status);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), statusOf(server, id));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), transitionsTo(db, id, "refunded"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(stripe, "POST", "/v1/refunds").size());
  }
};

class PaymentStripePaypalSqliteTest : public PaymentStripePaypalTest {
  CPPUNIT_TEST_SUB_SUITE(PaymentStripePaypalSqliteTest, PaymentStripePaypalTest);
  CPPUNIT_TEST_SUITE_END();

protected:
  Engine engine() const override { return Engine::sqlite; }
};

class PaymentStripePaypalPostgresTest : public PaymentStripePaypalTest {
  CPPUNIT_TEST_SUB_SUITE(PaymentStripePaypalPostgresTest, PaymentStripePaypalTest);
  CPPUNIT_TEST_SUITE_END();

protected:
  Engine engine() const override { return Engine::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentStripePaypalSqliteTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PaymentStripePaypalPostgresTest);
