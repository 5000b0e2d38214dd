// shipping/logistics loaded as the server loads it (the real registry,
// schema defaults, the host's outbound HTTP client with its timeouts, and the
// instance's circuit breaker) against a real HTTP peer on 127.0.0.1 standing
// in for seed 004's logistic-service; tracking callbacks parsed as the
// /hooks/shipping/<instance> handler parses them, signed with the host's own
// HMAC-SHA256 (an implementation independent of the plugin's).
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "auth/auth_util.hpp"
#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/circuit_breaker.hpp"

using orders::host::plugins::CircuitBreaker;
using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
using orders::testing::PeerRequest;
namespace auth = orders::host::auth;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kBookingPath = "/api/shipments";
const std::string kBooked = R"({"id":"LG-77","status":"BOOKED","carrier":"JNE","trackingNumber":"JN0012345"})";
const std::string kHookSecret = "hook-secret";
const std::string kSigningKey = "sig-key";
const sdk::ShipmentRef kRef{"shp_o-1_s-1", "o-1"};

// One instance as plugins.shipping lists it: `extra` config members after
// base_url, both webhook secrets, 300 ms per HTTP attempt, no retries, a
// breaker that opens after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"logistics","id":"logistics","config":{"base_url":")" + base_url +
                               R"(","webhook_secret":"LOGISTICS_HOOK","signature_secret":"LOGISTICS_SIGNING_KEY")" +
                               extra +
                               R"(},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin =
      std::make_unique<LoadedPlugin>("shipping", json(instance),
                                     json(R"({"LOGISTICS_HOOK":{"value":")" + kHookSecret +
                                          R"("},"LOGISTICS_SIGNING_KEY":{"value":")" + kSigningKey + R"("}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::ShipmentRequest request() {
  sdk::ShipmentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.sellerId = std::string("s-1");
  r.address.line1 = "Jl. Sudirman 1";
  r.address.city = "Jakarta";
  r.address.country = "ID";
  sdk::LineItem line;
  line.productId = "p-1";
  line.sellerId = r.sellerId;
  line.title = "Mug";
  line.quantity = 3;
  line.unitPrice = sdk::Money{150000, "IDR"};
  line.lineTotal = sdk::Money{450000, "IDR"};
  line.attributes["weight_grams"] = "200";
  r.lines.push_back(line);
  r.idempotencyKey = "order:o-1:shipment:s-1";
  return r;
}

sdk::InboundMessage hook(std::map<std::string, std::string> headers) {
  sdk::InboundMessage m;
  m.source = "webhook";
  m.headers = std::move(headers);
  return m;
}

std::string signatureOf(const std::string &body) { return orders::sdk::crypto::hmacSha256Hex(kSigningKey, body); }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

template <class T> std::string why(const sdk::Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class LogisticsIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogisticsIntegrationTest);
  CPPUNIT_TEST(draftThenBookingThenCancelSendTheDocumentedRequests);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerTimesOutOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(malformedAnswerNamesTheField);
  CPPUNIT_TEST(webhookNeedsAGoodSignatureOrSecret);
  CPPUNIT_TEST(duplicateCallbackIsParsedIdentically);
  CPPUNIT_TEST_SUITE_END();

public:
  void draftThenBookingThenCancelSendTheDocumentedRequests() {
    HttpPeer peer;
    peer.on("POST", kBookingPath, PeerReply{201, kBooked});
    peer.on("POST", "/api/shipments/shp_o-1_s-1/cancel", PeerReply{200, R"({"status":"CANCELLED"})"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto draft = core::createShipment(instance, request());
    CPPUNIT_ASSERT_MESSAGE(why(draft), draft.ok());
    CPPUNIT_ASSERT_EQUAL(kRef.reference, draft->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), draft->status);
    CPPUNIT_ASSERT(peer.requests().empty()); // nothing is called at checkout

    auto booked = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT_MESSAGE(why(booked), booked.ok());
    CPPUNIT_ASSERT_EQUAL(kRef.reference, booked->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), booked->status);
    CPPUNIT_ASSERT_EQUAL(std::string("JNE"), booked->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), booked->trackingNumber.value());

    auto cancelled = core::cancelShipment(instance, kRef);
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
    auto never_booked = core::cancelShipment(instance, sdk::ShipmentRef{"shp_o-2_house", "o-2"}); // peer: 404
    CPPUNIT_ASSERT_MESSAGE(why(never_booked), never_booked.ok());

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(3), requests.size());
    const PeerRequest &booking = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), booking.method);
    CPPUNIT_ASSERT_EQUAL(kBookingPath, booking.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("booking:shp_o-1_s-1"), booking.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_MESSAGE(booking.headers.at("content-type"),
                           contains(booking.headers.at("content-type"), "application/json"));
    const Json::Value body = sdk::parseJson(booking.body);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), body["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), body["orderNumber"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), body["sellerId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Jl. Sudirman 1"), body["address"]["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ID"), body["address"]["country"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), body["items"][0]["productId"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(3), body["items"][0]["quantity"].asInt64());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(600), body["weightGrams"].asInt64()); // weight_attribute's schema default

    CPPUNIT_ASSERT_EQUAL(std::string("/api/shipments/shp_o-1_s-1/cancel"), requests[1].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[1].method);
    CPPUNIT_ASSERT_EQUAL(std::string("cancel:shp_o-1_s-1"), requests[1].headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("/api/shipments/shp_o-2_house/cancel"), requests[2].uri);
  }

  void peerDownIsARetryableUnavailableError() {
    auto plugin = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()));
    auto r = core::confirmShipment(plugin->instance(), kRef);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable); // the reconciler books again later
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "booking of shipment shp_o-1_s-1: "));
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "connection refused"));
  }

  void slowPeerTimesOutOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    peer.on("POST", kBookingPath,
            PeerReply{201, kBooked, "application/json", {}, std::chrono::milliseconds(700)}); // > 300 ms timeout
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "booking of shipment shp_o-1_s-1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT(!second.ok());
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("POST", kBookingPath);
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.count("POST", kBookingPath));

    peer.on("POST", kBookingPath, PeerReply{201, kBooked}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));        // past open_ms on the breaker's clock
    auto healed = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT_MESSAGE(why(healed), healed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), healed->trackingNumber.value());
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("POST", kBookingPath));
  }

  void malformedAnswerNamesTheField() {
    HttpPeer peer;
    peer.on("POST", kBookingPath, PeerReply{201, R"({"data":{"id":"LG-77"},"status":"BOOKED"})"});
    peer.then("POST", kBookingPath, PeerReply{201, R"({"id":"LG-77","trackingNumber":{"number":"JN1"}})"});
    peer.then("POST", kBookingPath, PeerReply{200, "<html>bad gateway</html>", "text/html"});
    peer.then("POST", kBookingPath, PeerReply{500, R"({"error":"boom"})"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto missing = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT(!missing.ok());
    CPPUNIT_ASSERT(missing.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!missing.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: /id: missing"), missing.error().message);
    auto typed = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT_EQUAL(
        std::string("booking of shipment shp_o-1_s-1: /trackingNumber: expected string or null, got object"),
        typed.error().message);
    auto html = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT(html.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "/: malformed JSON"));
    // Answers, not failures: the breaker stays closed.
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    auto failing = core::confirmShipment(instance, kRef);
    CPPUNIT_ASSERT(failing.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(failing.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(failing.error().message, contains(failing.error().message, "answered 500"));
  }

  void webhookNeedsAGoodSignatureOrSecret() {
    HttpPeer peer;
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();
    const std::string body = R"({"eventId":"trk-9","reference":"shp_o-1_s-1","orderId":"o-1","status":"DELIVERED",)"
                             R"("carrier":"JNE","trackingNumber":"JN0012345","occurredAt":"2026-11-23T08:00:00Z"})";

    auto signed_ok = core::parseShippingWebhook(instance, hook({{"x-signature", signatureOf(body)}}), body);
    CPPUNIT_ASSERT_MESSAGE(why(signed_ok), signed_ok.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), signed_ok->outcome);
    CPPUNIT_ASSERT_EQUAL(std::string("trk-9"), signed_ok->eventId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), signed_ok->reference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), signed_ok->orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("delivered"), signed_ok->status.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JNE"), signed_ok->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), signed_ok->trackingNumber.value());

    auto prefixed = core::parseShippingWebhook(instance, hook({{"x-signature", "sha256=" + signatureOf(body)}}), body);
    CPPUNIT_ASSERT_MESSAGE(why(prefixed), prefixed.ok());
    auto by_secret = core::parseShippingWebhook(instance, hook({{"x-webhook-secret", kHookSecret}}), body);
    CPPUNIT_ASSERT_MESSAGE(why(by_secret), by_secret.ok());
    CPPUNIT_ASSERT_EQUAL(sdk::encode(signed_ok.value()), sdk::encode(by_secret.value()));

    const std::string other = R"({"eventId":"trk-9","reference":"shp_o-1_s-1","status":"DELIVERED"})";
    auto wrong_body = core::parseShippingWebhook(instance, hook({{"x-signature", signatureOf(other)}}), body);
    CPPUNIT_ASSERT(!wrong_body.ok());
    CPPUNIT_ASSERT(wrong_body.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(!wrong_body.error().retryable);
    auto wrong_secret = core::parseShippingWebhook(instance, hook({{"x-webhook-secret", "guess"}}), body);
    CPPUNIT_ASSERT(wrong_secret.error().code == sdk::ErrorCode::unauthenticated);
    auto anonymous = core::parseShippingWebhook(instance, hook({}), body);
    CPPUNIT_ASSERT(anonymous.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("missing or wrong x-webhook-secret or x-signature"), anonymous.error().message);

    const std::string picked_up = R"({"eventId":"trk-1","reference":"shp_o-1_s-1","status":"PICKED_UP"})";
    auto ignored = core::parseShippingWebhook(instance, hook({{"x-signature", signatureOf(picked_up)}}), picked_up);
    CPPUNIT_ASSERT_MESSAGE(why(ignored), ignored.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), ignored->outcome);

    const std::string malformed = R"({"eventId":"trk-2","status":"IN_TRANSIT","carrier":["JNE"]})";
    auto bad = core::parseShippingWebhook(instance, hook({{"x-signature", signatureOf(malformed)}}), malformed);
    CPPUNIT_ASSERT(bad.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/reference or /orderId: is required (the update names no shipment)"),
                         bad.error().message);
    CPPUNIT_ASSERT(peer.requests().empty());
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
  }

  void duplicateCallbackIsParsedIdentically() {
    HttpPeer peer;
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();
    const std::string body = R"({"eventId":"trk-3","orderId":"o-1","sellerId":"s-1","status":"IN_TRANSIT",)"
                             R"("carrier":"JNE","trackingNumber":"JN0012345"})";
    auto first = core::parseShippingWebhook(instance, hook({{"x-signature", signatureOf(body)}}), body);
    auto again = core::parseShippingWebhook(instance, hook({{"x-signature", signatureOf(body)}}), body);
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("trk-3"), first->eventId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), first->reference.value()); // rebuilt from order + seller
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), first->status.value());
    CPPUNIT_ASSERT_EQUAL(sdk::encode(first.value()), sdk::encode(again.value()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogisticsIntegrationTest);
