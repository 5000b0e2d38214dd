// payment/payments-service loaded as the server loads it (the real registry,
// schema defaults, the host's outbound HTTP client with its timeouts, and the
// instance's circuit breaker) against a real HTTP peer on 127.0.0.1 standing
// in for the payments service.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "plugins/circuit_breaker.hpp"

using orders::host::plugins::CircuitBreaker;
using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
using orders::testing::PeerRequest;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kCreate = "/api/payments";
const std::string kPending = R"({"paymentId":"pay_1","status":"pending","redirectUrl":"https://pay.test/p/1"})";

// One instance as plugins.payment lists it: the Bearer token from a secret,
// 300 ms per HTTP attempt, no retries, a breaker that opens after 2 failures
// for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url) {
  const std::string instance = R"({"name":"payments-service","id":"pay","config":{"base_url":")" + base_url +
                               R"(","token_secret":"PAYMENTS_TOKEN"},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin =
      std::make_unique<LoadedPlugin>("payment", json(instance), json(R"({"PAYMENTS_TOKEN":{"value":"t-123"}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::PaymentRequest paymentFor(const std::string &order, int64_t attempt = 1) {
  sdk::PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-" + order;
  r.attempt = attempt;
  r.idempotencyKey = "order:" + order + ":" + std::to_string(attempt);
  r.amount = sdk::Money{150000, "IDR"};
  r.customer = sdk::Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::string("+62 811")};
  r.description = "Order ORD-" + order;
  return r;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string why(const sdk::Result<sdk::PaymentResult> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class PaymentsServiceIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentsServiceIntegrationTest);
  CPPUNIT_TEST(createSendsEveryFieldToThePeer);
  CPPUNIT_TEST(synchronousCaptureAndDeclineAreResults);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerTimesOutOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(malformedAnswerNamesTheField);
  CPPUNIT_TEST(refundAndCancelReachThePeer);
  CPPUNIT_TEST(parsesAPaymentCapturedEventThroughTheLoadedPlugin);
  CPPUNIT_TEST_SUITE_END();

public:
  void createSendsEveryFieldToThePeer() {
    HttpPeer peer;
    peer.on("POST", kCreate, PeerReply{201, kPending});
    auto plugin = load(peer.baseUrl());
    auto r = core::createPayment(plugin->instance(), paymentFor("o-1"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pay_1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://pay.test/p/1"), r->redirectUrl.value());
    CPPUNIT_ASSERT(!r->expiresAt.has_value());

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const PeerRequest &req = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), req.method);
    CPPUNIT_ASSERT_EQUAL(kCreate, req.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:1"), req.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer t-123"), req.headers.at("authorization"));
    CPPUNIT_ASSERT_MESSAGE(req.headers.at("content-type"),
                           contains(req.headers.at("content-type"), "application/json"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), req.headers.at("accept"));

    const Json::Value body = json(req.body);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-o-1"), body["orderNumber"].asString());
    CPPUNIT_ASSERT(body["amountMinor"].isIntegral());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(150000), body["amountMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), body["currency"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), body["customer"]["id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), body["customer"]["name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), body["customer"]["email"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("+62 811"), body["customer"]["phone"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-o-1"), body["description"].asString());
  }

  void synchronousCaptureAndDeclineAreResults() {
    HttpPeer peer;
    peer.on("POST", kCreate, PeerReply{200, R"({"paymentId":"pay_2","status":"succeeded"})"});
    peer.then("POST", kCreate, PeerReply{200, R"({"paymentId":"pay_3","status":"declined"})"});
    auto plugin = load(peer.baseUrl());
    auto captured = core::createPayment(plugin->instance(), paymentFor("o-2"));
    CPPUNIT_ASSERT_MESSAGE(why(captured), captured.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), captured->status); // the core confirms the order at once
    CPPUNIT_ASSERT_EQUAL(std::string("pay_2"), captured->reference);
    auto declined = core::createPayment(plugin->instance(), paymentFor("o-3"));
    CPPUNIT_ASSERT_MESSAGE(why(declined), declined.ok()); // a decline is a result, not an error
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), declined->status);
    CPPUNIT_ASSERT_EQUAL(std::string("pay_3"), declined->reference);
  }

  void peerDownIsARetryableUnavailableError() {
    uint16_t port = 0;
    {
      HttpPeer gone;
      port = gone.port();
    } // stopped: nothing listens there now
    auto plugin = load("http://127.0.0.1:" + std::to_string(port));
    auto r = core::createPayment(plugin->instance(), paymentFor("o-1"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "payment for order o-1"));
  }

  void slowPeerTimesOutOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    peer.on("POST", kCreate,
            PeerReply{200, kPending, "application/json", {}, std::chrono::milliseconds(700)}); // > 300 ms timeout
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "payment for order o-1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("POST", kCreate);
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.count("POST", kCreate));

    peer.on("POST", kCreate, PeerReply{200, kPending}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));    // past open_ms on the breaker's clock
    auto healed = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT_MESSAGE(why(healed), healed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pay_1"), healed->reference);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("POST", kCreate));
  }

  void malformedAnswerNamesTheField() {
    HttpPeer peer;
    peer.on("POST", kCreate, PeerReply{200, R"({"status":"pending"})"});
    peer.then("POST", kCreate, PeerReply{200, R"({"paymentId":"p","status":"on_hold"})"});
    peer.then("POST", kCreate, PeerReply{200, "<html>bad gateway</html>", "text/html"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto id = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT(id.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!id.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("payment for order o-1: /paymentId: missing"), id.error().message);
    auto status = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT_EQUAL(std::string("payment for order o-1: /status: unknown status 'on_hold' (map it in status_map)"),
                         status.error().message);
    auto html = core::createPayment(instance, paymentFor("o-1"));
    CPPUNIT_ASSERT(html.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "payment for order o-1: POST "));
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "/: malformed JSON"));
    // Answers, not failures: the breaker stays closed.
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
  }

  void refundAndCancelReachThePeer() {
    HttpPeer peer; // unscripted paths answer 404
    peer.on("POST", "/api/payments/pay_1/refund", PeerReply{200, R"({"status":"refunded"})"});
    auto plugin = load(peer.baseUrl());
    sdk::RefundRequest refund;
    refund.reference = "pay_1";
    refund.orderId = "o-1";
    refund.amount = sdk::Money{150000, "IDR"};
    refund.idempotencyKey = "refund:p-1";
    auto refunded = core::refundPayment(plugin->instance(), refund);
    CPPUNIT_ASSERT_MESSAGE(why(refunded), refunded.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refunded->status);

    auto cancelled = core::cancelPayment(plugin->instance(), sdk::PaymentRef{"pay_1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok()); // 404: nothing to cancel
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("/api/payments/pay_1/refund"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("refund:p-1"), requests[0].headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer t-123"), requests[0].headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(Json::Int64(150000), json(requests[0].body)["amountMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[1].method);
    CPPUNIT_ASSERT_EQUAL(std::string("/api/payments/pay_1/cancel"), requests[1].uri);
  }

  void parsesAPaymentCapturedEventThroughTheLoadedPlugin() {
    HttpPeer peer;
    auto plugin = load(peer.baseUrl());
    sdk::InboundMessage message;
    message.source = "kafka";
    message.topic = "payment.events";
    message.key = "o-7";
    message.headers["event-type"] = "PaymentCapturedEvent";
    auto r = core::parsePaymentEvent(plugin->instance(), message,
                                     R"({"eventId":"evt-77","orderId":"o-7","paymentId":"pay_7",)"
                                     R"("amountMinor":150000,"currency":"IDR","occurredAt":"2026-11-22T10:30:00Z"})");
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    const sdk::PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("pay"), e.source); // the instance id
    CPPUNIT_ASSERT_EQUAL(std::string("evt-77"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-7"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("pay_7"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:30:00Z"), e.occurredAt.value());

    auto bad = core::parsePaymentEvent(plugin->instance(), message, R"({"orderId":"o-7"})");
    CPPUNIT_ASSERT(bad.error().code == sdk::ErrorCode::invalid_argument); // the host dead-letters it
    CPPUNIT_ASSERT_MESSAGE(bad.error().message, contains(bad.error().message, "/eventId: missing"));
    CPPUNIT_ASSERT(peer.requests().empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentsServiceIntegrationTest);
