// payment/paypal loaded as the server loads it (the real registry, schema
// defaults, secrets, the host's outbound HTTP client) against a real HTTP
// peer on 127.0.0.1 standing in for api-m.paypal.com: one OAuth token for
// many requests, a 401 answered by one fresh token, the verify-webhook-
// signature round trip, capture on CHECKOUT.ORDER.APPROVED, refunds.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "orders/sdk/json.hpp"

using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kSecrets = R"({"PAYPAL_CLIENT_ID":{"value":"client-1"},"PAYPAL_CLIENT_SECRET":{"value":"secret-1"}})";
const std::string kBasic = "Basic Y2xpZW50LTE6c2VjcmV0LTE="; // base64("client-1:secret-1")

std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"paypal","id":"paypal","timeout_ms":3000,"config":{"base_url":")" + base_url +
                               R"(","webhook_id":"WH-7")" + extra +
                               R"(},"http":{"timeout_ms":500,"retries":0},)"
                               R"("breaker":{"failure_threshold":5,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("payment", json(instance), json(kSecrets));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

std::string token(const std::string &value) {
  return R"({"access_token":")" + value + R"(","token_type":"Bearer","expires_in":32400})";
}

std::string order(const std::string &status, const std::string &captures = "") {
  return R"({"id":"PP-9","status":")" + status + R"(","purchase_units":[{"reference_id":"o-1","custom_id":"o-1")" +
         (captures.empty() ? std::string() : R"(,"payments":{"captures":[)" + captures + "]}") +
         R"(}],"links":[{"href":"https://www.sandbox.paypal.com/checkoutnow?token=PP-9","rel":"approve",)"
         R"("method":"GET"}]})";
}

const std::string kCapture =
    R"({"id":"CAP-9","status":"COMPLETED","amount":{"currency_code":"USD","value":"12.99"},"custom_id":"o-1"})";

sdk::PaymentRequest payment(const std::string &order_id = "o-1") {
  sdk::PaymentRequest r;
  r.orderId = order_id;
  r.orderNumber = "ORD-9";
  r.attempt = 1;
  r.idempotencyKey = "order:" + order_id + ":attempt:1";
  r.amount = sdk::Money{1299, "USD"};
  return r;
}

std::string rfc3339Now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

sdk::InboundMessage webhook() {
  sdk::InboundMessage m;
  m.source = "webhook";
  m.headers = {{"paypal-transmission-id", "tx-1"},
               {"paypal-transmission-time", rfc3339Now()},
               {"paypal-transmission-sig", "c2lnbmF0dXJl"},
               {"paypal-cert-url", "https://api-m.paypal.com/v1/notifications/certs/CERT-1"},
               {"paypal-auth-algo", "SHA256withRSA"},
               {"content-type", "application/json"}};
  return m;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }
template <class T> std::string why(const sdk::Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class PaypalIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaypalIntegrationTest);
  CPPUNIT_TEST(oneTokenServesManyRequests);
  CPPUNIT_TEST(a401IsAnsweredWithOneFreshToken);
  CPPUNIT_TEST(webhookSignatureIsVerifiedByPaypal);
  CPPUNIT_TEST(approvedOrderIsCapturedAndRefunded);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST_SUITE_END();

public:
  void oneTokenServesManyRequests() {
    HttpPeer peer;
    peer.on("POST", "/v1/oauth2/token", PeerReply{200, token("A21-1")});
    peer.on("POST", "/v2/checkout/orders", PeerReply{201, order("CREATED")});
    peer.on("GET", "/v2/checkout/orders/PP-9", PeerReply{200, order("CREATED")});
    auto plugin = load(peer.baseUrl());
    for (const char *id : {"o-1", "o-2", "o-3"}) {
      auto r = core::createPayment(plugin->instance(), payment(id));
      CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("PP-9"), r->reference);
      CPPUNIT_ASSERT_EQUAL(std::string("https://www.sandbox.paypal.com/checkoutnow?token=PP-9"),
                           r->redirectUrl.value());
    }
    auto polled = core::paymentStatus(plugin->instance(), sdk::PaymentRef{"PP-9", "o-1"});
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), polled->status);
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/v1/oauth2/token"));

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(5), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("/v1/oauth2/token"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(kBasic, requests[0].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), requests[0].headers.at("content-type"));
    CPPUNIT_ASSERT_EQUAL(std::string("grant_type=client_credentials"), requests[0].body);
    for (size_t i = 1; i < requests.size(); ++i)
      CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), requests[i].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-2:attempt:1"), requests[2].headers.at("paypal-request-id"));
    CPPUNIT_ASSERT_EQUAL(std::string("return=representation"), requests[1].headers.at("prefer"));
    const Json::Value body = json(requests[1].body);
    CPPUNIT_ASSERT_EQUAL(std::string("CAPTURE"), body["intent"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("12.99"), body["purchase_units"][0]["amount"]["value"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["purchase_units"][0]["custom_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-9"), body["purchase_units"][0]["description"].asString());
  }

  void a401IsAnsweredWithOneFreshToken() {
    HttpPeer peer;
    peer.on("POST", "/v1/oauth2/token", PeerReply{200, token("A21-old")});
    peer.then("POST", "/v1/oauth2/token", PeerReply{200, token("A21-new")});
    peer.on("POST", "/v2/checkout/orders", PeerReply{401, R"({"name":"AUTHENTICATION_FAILURE"})"});
    peer.then("POST", "/v2/checkout/orders", PeerReply{201, order("CREATED")});
    auto plugin = load(peer.baseUrl());
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.count("POST", "/v1/oauth2/token"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.count("POST", "/v2/checkout/orders"));
    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-old"), requests.at(1).headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-new"), requests.at(3).headers.at("authorization"));
    auto second = core::createPayment(plugin->instance(), payment("o-2")); // the new token is kept
    CPPUNIT_ASSERT_MESSAGE(why(second), second.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.count("POST", "/v1/oauth2/token"));
  }

  void webhookSignatureIsVerifiedByPaypal() {
    HttpPeer peer;
    peer.on("POST", "/v1/oauth2/token", PeerReply{200, token("A21-1")});
    peer.on("POST", "/v1/notifications/verify-webhook-signature",
            PeerReply{200, R"({"verification_status":"SUCCESS"})"});
    peer.then("POST", "/v1/notifications/verify-webhook-signature",
              PeerReply{200, R"({"verification_status":"FAILURE"})"});
    auto plugin = load(peer.baseUrl());
    const std::string event =
        R"({"id":"WH-EV-1","event_type":"PAYMENT.CAPTURE.COMPLETED","create_time":"2026-09-21T14:13:00Z",)"
        R"("resource":{"id":"CAP-9","status":"COMPLETED","amount":{"currency_code":"USD","value":"12.99"},)"
        R"("custom_id":"o-1","supplementary_data":{"related_ids":{"order_id":"PP-9"}}}})";
    auto r = core::parsePaymentWebhook(plugin->instance(), webhook(), event);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const sdk::PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("paypal"), e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("WH-EV-1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("PP-9"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), e.amount.value().amountMinor);

    const auto verify = peer.requests().at(1);
    CPPUNIT_ASSERT_EQUAL(std::string("/v1/notifications/verify-webhook-signature"), verify.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), verify.headers.at("authorization"));
    const Json::Value sent = json(verify.body);
    CPPUNIT_ASSERT_EQUAL(std::string("WH-7"), sent["webhook_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("tx-1"), sent["transmission_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("c2lnbmF0dXJl"), sent["transmission_sig"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("SHA256withRSA"), sent["auth_algo"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://api-m.paypal.com/v1/notifications/certs/CERT-1"),
                         sent["cert_url"].asString());
    CPPUNIT_ASSERT_MESSAGE(verify.body, contains(verify.body, R"("webhook_event":)" + event + "}"));

    auto forged = core::parsePaymentWebhook(plugin->instance(), webhook(), event);
    CPPUNIT_ASSERT(forged.error().code == sdk::ErrorCode::unauthenticated);
    auto stale_message = webhook();
    stale_message.headers["paypal-transmission-time"] = "2020-01-01T00:00:00Z";
    auto stale = core::parsePaymentWebhook(plugin->instance(), stale_message, event);
    CPPUNIT_ASSERT(stale.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.count("POST", "/v1/notifications/verify-webhook-signature"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/v1/oauth2/token"));
  }

  void approvedOrderIsCapturedAndRefunded() {
    HttpPeer peer;
    peer.on("POST", "/v1/oauth2/token", PeerReply{200, token("A21-1")});
    peer.on("POST", "/v1/notifications/verify-webhook-signature",
            PeerReply{200, R"({"verification_status":"SUCCESS"})"});
    peer.on("POST", "/v2/checkout/orders/PP-9/capture", PeerReply{201, order("COMPLETED", kCapture)});
    peer.on("GET", "/v2/checkout/orders/PP-9", PeerReply{200, order("COMPLETED", kCapture)});
    peer.on("POST", "/v2/payments/captures/CAP-9/refund", PeerReply{201, R"({"id":"RF-9","status":"COMPLETED"})"});
    auto plugin = load(peer.baseUrl());
    const std::string approved =
        R"({"id":"WH-EV-A","event_type":"CHECKOUT.ORDER.APPROVED","resource":{"id":"PP-9","status":"APPROVED",)"
        R"("purchase_units":[{"reference_id":"o-1","custom_id":"o-1"}]}})";
    auto r = core::parsePaymentWebhook(plugin->instance(), webhook(), approved);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), r->event.value().type);
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), r->event.value().amount.value().amountMinor);
    const auto capture = peer.requests().at(2);
    CPPUNIT_ASSERT_EQUAL(std::string("/v2/checkout/orders/PP-9/capture"), capture.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("capture-PP-9"), capture.headers.at("paypal-request-id"));

    sdk::RefundRequest refund;
    refund.reference = "PP-9";
    refund.orderId = "o-1";
    refund.amount = sdk::Money{1299, "USD"};
    refund.idempotencyKey = "refund:pay-9";
    auto refunded = core::refundPayment(plugin->instance(), refund);
    CPPUNIT_ASSERT_MESSAGE(why(refunded), refunded.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refunded->status);
    const auto post = peer.requests().back();
    CPPUNIT_ASSERT_EQUAL(std::string("/v2/payments/captures/CAP-9/refund"), post.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("refund:pay-9"), post.headers.at("paypal-request-id"));
    CPPUNIT_ASSERT_EQUAL(std::string("12.99"), json(post.body)["amount"]["value"].asString());
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/v1/oauth2/token"));
  }

  void peerDownIsARetryableUnavailableError() {
    uint16_t port = 0;
    {
      HttpPeer gone;
      port = gone.port();
    }
    auto plugin = load("http://127.0.0.1:" + std::to_string(port));
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "PayPal access token"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaypalIntegrationTest);
