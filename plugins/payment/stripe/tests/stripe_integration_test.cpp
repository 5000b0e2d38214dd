// payment/stripe loaded as the server loads it (the real registry, schema
// defaults, secrets, the host's outbound HTTP client) against a real HTTP
// peer on 127.0.0.1 standing in for api.stripe.com.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "stripe_signature.hpp"

using orders::host::plugins::PluginInstance;
using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kSecrets =
    R"({"STRIPE_SECRET_KEY":{"value":"sk_test_123"},"STRIPE_WEBHOOK_SECRET":{"value":"whsec_test_secret"}})";

std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"stripe","id":"stripe","timeout_ms":2000,"config":{"base_url":")" + base_url +
                               R"(")" + extra +
                               R"(},"http":{"timeout_ms":500,"retries":1},)"
                               R"("breaker":{"failure_threshold":5,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("payment", json(instance), json(kSecrets));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

std::string intent(const std::string &id, const std::string &status, int64_t received = 0) {
  return R"({"id":")" + id + R"(","object":"payment_intent","amount":1299,"amount_received":)" +
         std::to_string(received) + R"(,"currency":"usd","client_secret":")" + id + R"(_secret_x","status":")" +
         status + R"(","metadata":{"order_id":"o-1"}})";
}

sdk::PaymentRequest payment(const std::string &order = "o-1") {
  sdk::PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-7";
  r.attempt = 1;
  r.idempotencyKey = "order:" + order + ":attempt:1";
  r.amount = sdk::Money{1299, "USD"};
  return r;
}

// Stripe's signature of `body` at `t` with the secret above.
std::string sign(const std::string &body, int64_t t) {
  return orders::testing::stripeSignature(body, t, "whsec_test_secret");
}

sdk::InboundMessage webhook(const std::string &signature) {
  sdk::InboundMessage m;
  m.source = "webhook";
  m.headers["content-type"] = "application/json";
  if (!signature.empty()) m.headers["stripe-signature"] = signature;
  return m;
}

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }
template <class T> std::string why(const sdk::Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class StripeIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StripeIntegrationTest);
  CPPUNIT_TEST(createSendsTheFormWithItsHeaders);
  CPPUNIT_TEST(serverErrorsAreRetriedWithTheSameKey);
  CPPUNIT_TEST(refundCancelAndStatusReachStripe);
  CPPUNIT_TEST(webhookIsVerifiedAndTranslated);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST_SUITE_END();

public:
  void createSendsTheFormWithItsHeaders() {
    HttpPeer peer;
    peer.on("POST", "/v1/payment_intents", PeerReply{200, intent("pi_1", "requires_payment_method")});
    auto plugin = load(peer.baseUrl(), R"(,"stripe_version":"2024-06-20")");
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1_secret_x"), r->redirectUrl.value());

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const auto &post = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(std::string("/v1/payment_intents"), post.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk_test_123"), post.headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:attempt:1"), post.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), post.headers.at("stripe-version"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), post.headers.at("content-type"));
    // Schema defaults applied by the host: automatic payment methods, "Order {orderNumber}".
    CPPUNIT_ASSERT_EQUAL(std::string("amount=1299&currency=usd&automatic_payment_methods[enabled]=true&"
                                     "description=Order%20ORD-7&metadata[order_id]=o-1&metadata[order_number]=ORD-7&"
                                     "metadata[attempt]=1&metadata[payment_key]=order%3Ao-1%3Aattempt%3A1"),
                         post.body);
  }

  void serverErrorsAreRetriedWithTheSameKey() {
    HttpPeer peer;
    peer.on("POST", "/v1/payment_intents", PeerReply{503, R"({"error":{"type":"api_error","message":"boom"}})"});
    peer.then("POST", "/v1/payment_intents", PeerReply{200, intent("pi_2", "requires_payment_method")});
    auto plugin = load(peer.baseUrl());
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok()); // the host retried the 503 (http.retries 1): the key made it safe
    CPPUNIT_ASSERT_EQUAL(std::string("pi_2"), r->reference);
    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(requests[0].headers.at("idempotency-key"), requests[1].headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(requests[0].body, requests[1].body);

    HttpPeer limited;
    limited.on("POST", "/v1/payment_intents",
               PeerReply{429, R"({"error":{"type":"invalid_request_error","code":"rate_limit","message":"slow"}})"});
    auto busy = load(limited.baseUrl());
    auto refused = core::createPayment(busy->instance(), payment());
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);

    HttpPeer denied;
    denied.on("POST", "/v1/payment_intents",
              PeerReply{401, R"({"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}})"});
    auto wrong = load(denied.baseUrl());
    auto unauth = core::createPayment(wrong->instance(), payment());
    CPPUNIT_ASSERT(unauth.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(!unauth.error().retryable);
    CPPUNIT_ASSERT_EQUAL(size_t(1), denied.requests().size()); // not repeated
  }

  void refundCancelAndStatusReachStripe() {
    HttpPeer peer;
    peer.on("POST", "/v1/refunds", PeerReply{200, R"({"id":"re_1","status":"succeeded","payment_intent":"pi_1"})"});
    peer.on("POST", "/v1/payment_intents/pi_1/cancel", PeerReply{200, intent("pi_1", "canceled")});
    peer.on("GET", "/v1/payment_intents/pi_1", PeerReply{200, intent("pi_1", "succeeded", 1299)});
    auto plugin = load(peer.baseUrl());
    sdk::RefundRequest refund;
    refund.reference = "pi_1";
    refund.orderId = "o-1";
    refund.amount = sdk::Money{1299, "USD"};
    refund.idempotencyKey = "refund:pay-1";
    auto refunded = core::refundPayment(plugin->instance(), refund);
    CPPUNIT_ASSERT_MESSAGE(why(refunded), refunded.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refunded->status);
    const auto post = peer.requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("/v1/refunds"), post.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("refund:pay-1"), post.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("payment_intent=pi_1&amount=1299&metadata[order_id]=o-1"), post.body);

    auto cancelled = core::cancelPayment(plugin->instance(), sdk::PaymentRef{"pi_1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/v1/payment_intents/pi_1/cancel"));

    auto status = core::paymentStatus(plugin->instance(), sdk::PaymentRef{"pi_1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(status), status.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), status->status);
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), status->amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk_test_123"), peer.requests().at(2).headers.at("authorization"));
  }

  void webhookIsVerifiedAndTranslated() {
    HttpPeer peer;
    auto plugin = load(peer.baseUrl());
    const std::string body =
        R"({"id":"evt_1","object":"event","created":1790000000,"type":"payment_intent.succeeded",)"
        R"("data":{"object":{"id":"pi_1","object":"payment_intent","amount":1299,"amount_received":1299,)"
        R"("currency":"usd","status":"succeeded","metadata":{"order_id":"o-1","order_number":"ORD-7"}}}})";
    const int64_t now = nowSeconds();
    auto r = core::parsePaymentWebhook(plugin->instance(), webhook(sign(body, now)), body);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const sdk::PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("stripe"), e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("evt_1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), e.amount.value().amountMinor);

    auto stale = core::parsePaymentWebhook(plugin->instance(), webhook(sign(body, now - 301)), body);
    CPPUNIT_ASSERT(stale.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_MESSAGE(stale.error().message, contains(stale.error().message, "outside the tolerance of 300 s"));
    std::string forged = sign(body, now);
    forged.back() = forged.back() == '0' ? '1' : '0';
    CPPUNIT_ASSERT(core::parsePaymentWebhook(plugin->instance(), webhook(forged), body).error().code ==
                   sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(core::parsePaymentWebhook(plugin->instance(), webhook(""), body).error().code ==
                   sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(peer.requests().empty()); // verification asks nobody
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
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "PaymentIntent for order o-1 attempt 1"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StripeIntegrationTest);
