// Stripe and PayPal end to end: the real binary with payment/stripe (and
// payment/paypal) against a stand-in of the provider's API: checkout ->
// redirect/approval URL in the answer -> signed (verified) webhook -> order
// paid -> admin refund -> the refund request reaches the provider ->
// refunded; forged and stale signatures refused with the order unchanged;
// the same webhook twice applied once. On SQLite, and on the throw-away
// PostgreSQL of packaging/test.sh when ORDERS_TEST_PG_URL is set.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <thread>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"
#include "stripe_signature.hpp"
#include "test_skip.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;
using orders::testing::PeerRequest;
using orders::testing::requestsTo;

namespace {

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- Stripe -------------------------------------------------------------

const char *kWhsec = "whsec_e2e_secret";

// Stripe-Signature of `body` at `t`, as Stripe computes it.
std::string stripeSignature(const std::string &body, int64_t t, const std::string &secret = kWhsec) {
  return orders::testing::stripeSignature(body, t, secret);
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

// ---- PayPal -------------------------------------------------------------

std::string paypalToken(const std::string &value) {
  return R"({"access_token":")" + value + R"(","token_type":"Bearer","expires_in":32400})";
}

const char *kPaypalCapture =
    R"({"id":"CAP-E2E","status":"COMPLETED","amount":{"currency_code":"USD","value":"12.99"},"final_capture":true})";

std::string paypalOrder(const std::string &status, const std::string &order_id, bool captured = false) {
  return R"({"id":"PP-E2E","intent":"CAPTURE","status":")" + status + R"(","purchase_units":[{"reference_id":")" +
         order_id + R"(","custom_id":")" + order_id + R"(","amount":{"currency_code":"USD","value":"12.99"})" +
         (captured ? std::string(R"(,"payments":{"captures":[)") + kPaypalCapture + "]}" : std::string()) +
         R"(}],"links":[{"href":"https://www.sandbox.paypal.com/checkoutnow?token=PP-E2E","rel":"approve",)"
         R"("method":"GET"}]})";
}

std::string rfc3339(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// PayPal's transmission headers; PayPal's verify call (the stand-in) decides on them.
std::map<std::string, std::string> paypalTransmission(int64_t sent_at) {
  return {{"PAYPAL-TRANSMISSION-ID", "tx-" + std::to_string(sent_at)},
          {"PAYPAL-TRANSMISSION-TIME", rfc3339(sent_at)},
          {"PAYPAL-TRANSMISSION-SIG", "c2lnbmF0dXJl"},
          {"PAYPAL-CERT-URL", "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1"},
          {"PAYPAL-AUTH-ALGO", "SHA256withRSA"}};
}

std::string approvedEvent(const std::string &order_id) {
  return R"({"id":"WH-APPROVED-1","event_version":"1.0","event_type":"CHECKOUT.ORDER.APPROVED",)"
         R"("resource_type":"checkout-order","resource":{"id":"PP-E2E","status":"APPROVED","intent":"CAPTURE",)"
         R"("purchase_units":[{"reference_id":")" +
         order_id + R"(","custom_id":")" + order_id + R"("}]}})";
}

ServerOptions paypalOptions(const HttpPeer &paypal, int poll_after_seconds = 900) {
  ServerOptions o;
  o.env["PAYPAL_CLIENT_ID"] = "client-e2e";
  o.env["PAYPAL_CLIENT_SECRET"] = "secret-e2e";
  o.checkout_extra = ", payment: paypal, payment_poll_after_seconds: " + std::to_string(poll_after_seconds);
  o.payment_extra = "    - name: paypal\n      id: paypal\n      config: { base_url: \"" + paypal.baseUrl() +
                    "\", webhook_id: WH-E2E }\n";
  return o;
}

} // namespace

class PaymentStripePaypalTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentStripePaypalTest);
  CPPUNIT_TEST(stripeCheckoutWebhookRefund);
  CPPUNIT_TEST(paypalCheckoutApprovalCaptureRefund);
  CPPUNIT_TEST(paypalLostWebhookIsCapturedByTheStatusPoll);
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

  void paypalCheckoutApprovalCaptureRefund() {
    if (skip()) return;
    HttpPeer paypal;
    paypal.on("POST", "/v1/oauth2/token", PeerReply{200, paypalToken("A21-e2e")});
    paypal.on("POST", "/v1/notifications/verify-webhook-signature",
              PeerReply{200, R"({"verification_status":"FAILURE"})"}); // the first delivery below is forged
    paypal.then("POST", "/v1/notifications/verify-webhook-signature",
                PeerReply{200, R"({"verification_status":"SUCCESS"})"});
    paypal.on("POST", "/v2/payments/captures/CAP-E2E/refund",
              PeerReply{201, R"({"id":"RF-E2E","status":"COMPLETED"})"});
    TestDatabase db(engine());
    ServerProcess server(db, paypalOptions(paypal));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    paypal.on("POST", "/v2/checkout/orders", PeerReply{201, paypalOrder("CREATED", "x")});

    // Checkout: the PayPal order is created and its approval link is in the answer.
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const Json::Value order = r.json()["orders"][0];
    const std::string id = order["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("paypal"), order["payment"]["provider"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("PP-E2E"), order["payment"]["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://www.sandbox.paypal.com/checkoutnow?token=PP-E2E"),
                         order["payment"]["redirectUrl"].asString());
    const auto token = requestsTo(paypal, "POST", "/v1/oauth2/token");
    CPPUNIT_ASSERT_EQUAL(size_t(1), token.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Basic Y2xpZW50LWUyZTpzZWNyZXQtZTJl"), token[0].headers.at("authorization"));
    const auto created = requestsTo(paypal, "POST", "/v2/checkout/orders");
    CPPUNIT_ASSERT_EQUAL(size_t(1), created.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-e2e"), created[0].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL("order:" + id + ":attempt:1", created[0].headers.at("paypal-request-id"));
    const Json::Value sent = orders::sdk::parseJson(created[0].body);
    CPPUNIT_ASSERT_EQUAL(std::string("CAPTURE"), sent["intent"].asString());
    CPPUNIT_ASSERT_EQUAL(id, sent["purchase_units"][0]["custom_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("12.99"), sent["purchase_units"][0]["amount"]["value"].asString());

    paypal.on("POST", "/v2/checkout/orders/PP-E2E/capture", PeerReply{201, paypalOrder("COMPLETED", id, true)});
    const std::string approved = approvedEvent(id);
    const auto hook = [&](int64_t sent_at, const std::string &body) {
      return server.request("POST", "/hooks/payment/paypal", body, paypalTransmission(sent_at));
    };
    // Forged (PayPal's verification says FAILURE) and stale (an hour old,
    // refused before asking PayPal): 401, nothing captured, nothing applied.
    CPPUNIT_ASSERT_EQUAL(401, hook(nowSeconds(), approved).status);
    CPPUNIT_ASSERT_EQUAL(401, hook(nowSeconds() - 3600, approved).status);
    CPPUNIT_ASSERT_EQUAL(401, server.request("POST", "/hooks/payment/paypal", approved).status);
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(paypal, "POST", "/v1/notifications/verify-webhook-signature").size());
    CPPUNIT_ASSERT(requestsTo(paypal, "POST", "/v2/checkout/orders/PP-E2E/capture").empty());
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), statusOf(server, id));

    // Verified approval: the plugin captures, the order is paid. The same
    // webhook again (PayPal redelivers): the same capture, applied once.
    Reply applied = hook(nowSeconds(), approved);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(applied.body + "\n" + server.log(), 200, applied.status);
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), applied.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), statusOf(server, id));
    Reply again = hook(nowSeconds(), approved);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200, again.status);
    CPPUNIT_ASSERT_EQUAL(std::string("duplicate"), again.json()["status"].asString());
    const auto captures = requestsTo(paypal, "POST", "/v2/checkout/orders/PP-E2E/capture");
    CPPUNIT_ASSERT_EQUAL(size_t(2), captures.size());
    for (const PeerRequest &c : captures)
      CPPUNIT_ASSERT_EQUAL(std::string("capture-PP-E2E"), c.headers.at("paypal-request-id")); // one capture at PayPal
    // PAYMENT.CAPTURE.COMPLETED follows: the order is already paid.
    const std::string completed =
        R"({"id":"WH-COMPLETED-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"id":"CAP-E2E",)"
        R"("status":"COMPLETED","amount":{"currency_code":"USD","value":"12.99"},"custom_id":")" +
        id + R"(","supplementary_data":{"related_ids":{"order_id":"PP-E2E"}}}})";
    Reply late = hook(nowSeconds(), completed);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(late.body, 200, late.status);
    CPPUNIT_ASSERT_EQUAL(std::string("already_paid"), late.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), transitionsTo(db, id, "paid"));

    // Admin refund: the capture is looked up and refunded with the host's key.
    paypal.on("GET", "/v2/checkout/orders/PP-E2E", PeerReply{200, paypalOrder("COMPLETED", id, true)});
    Reply refunded = refund(server, id);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refunded.body, 200, refunded.status);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return !requestsTo(paypal, "POST", "/v2/payments/captures/CAP-E2E/refund").empty();
                           }));
    const PeerRequest sent_refund = requestsTo(paypal, "POST", "/v2/payments/captures/CAP-E2E/refund").at(0);
    CPPUNIT_ASSERT_MESSAGE(sent_refund.headers.at("paypal-request-id"),
                           sent_refund.headers.at("paypal-request-id").rfind("refund:", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("12.99"), orders::sdk::parseJson(sent_refund.body)["amount"]["value"].asString());
    CPPUNIT_ASSERT_MESSAGE(
        server.log(), eventually([&] {
          return server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["payment"]["status"].asString() ==
                 "refunded";
        }));
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), statusOf(server, id));
    // One token for everything: checkout, verifications, captures, the refund.
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(paypal, "POST", "/v1/oauth2/token").size());
  }

  // No webhook ever arrives: the status poll finds the order APPROVED,
  // the plugin captures it, and the capture pays the order.
  void paypalLostWebhookIsCapturedByTheStatusPoll() {
    if (skip()) return;
    HttpPeer paypal;
    paypal.on("POST", "/v1/oauth2/token", PeerReply{200, paypalToken("A21-e2e")});
    paypal.on("POST", "/v2/checkout/orders", PeerReply{201, paypalOrder("CREATED", "x")});
    TestDatabase db(engine());
    ServerProcess server(db, paypalOptions(paypal, 1));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    paypal.on("POST", "/v2/checkout/orders/PP-E2E/capture", PeerReply{201, paypalOrder("COMPLETED", id, true)});
    paypal.on("GET", "/v2/checkout/orders/PP-E2E", PeerReply{200, paypalOrder("APPROVED", id)}); // the buyer approved
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return statusOf(server, id) == "paid"; }));
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(paypal, "POST", "/v2/checkout/orders/PP-E2E/capture").size());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), transitionsTo(db, id, "paid"));
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
