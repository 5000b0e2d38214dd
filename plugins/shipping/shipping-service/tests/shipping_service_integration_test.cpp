// shipping/shipping-service loaded as the server loads it (the real registry,
// schema defaults, the host's outbound HTTP client with its timeouts, and the
// instance's circuit breaker) against a real HTTP peer on 127.0.0.1 standing
// in for seed 002's Shipping service.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

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
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kCreatePath = "/shipping/v1/shipments";
const std::string kDraft = R"({"id":42,"status":"PENDING_PAYMENT","order_id":"o-1"})";
const std::string kPaths = R"(,"confirm_path":"/shipping/v1/shipments/{id}/confirm",)"
                           R"("cancel_path":"/shipping/v1/shipments/{id}/cancel")";

// One instance as plugins.shipping lists it: `extra` config members after
// base_url, the internal key secret, 300 ms per HTTP attempt, no retries, a
// breaker that opens after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"shipping-service","id":"shipping","config":{"base_url":")" + base_url +
                               R"(","internal_key_secret":"SVC_INTERNAL_KEY")" + extra +
                               R"(},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin =
      std::make_unique<LoadedPlugin>("shipping", json(instance), json(R"({"SVC_INTERNAL_KEY":{"value":"k-123"}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::ShipmentRequest request(std::optional<std::string> seller = std::string("s-1")) {
  sdk::ShipmentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.sellerId = std::move(seller);
  r.address.line1 = "1 Demo Street";
  r.address.city = "Dublin";
  r.address.postalCode = "D01XYZ";
  r.address.country = "IE";
  sdk::LineItem line;
  line.productId = "p-1";
  line.title = "Mug";
  line.quantity = 2;
  line.unitPrice = sdk::Money{1299, "USD"};
  line.lineTotal = sdk::Money{2598, "USD"};
  r.lines.push_back(line);
  r.idempotencyKey = "order:o-1:shipment:" + r.sellerId.value_or("house");
  return r;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string why(const sdk::Result<sdk::Shipment> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class ShippingServiceIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ShippingServiceIntegrationTest);
  CPPUNIT_TEST(createConfirmAndCancelSendTheDocumentedRequests);
  CPPUNIT_TEST(withoutPathsConfirmAndCancelCallNothing);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerTimesOutOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(malformedAnswerNamesTheField);
  CPPUNIT_TEST(statusCodesMapToErrors);
  CPPUNIT_TEST_SUITE_END();

public:
  void createConfirmAndCancelSendTheDocumentedRequests() {
    HttpPeer peer;
    peer.on("POST", kCreatePath, PeerReply{201, kDraft});
    peer.on("POST", "/shipping/v1/shipments/42/confirm",
            PeerReply{200, R"({"id":42,"status":"READY","carrier":"DHL","tracking_number":"JD014600"})"});
    peer.on("POST", "/shipping/v1/shipments/42/cancel", PeerReply{200, R"({"id":42,"status":"CANCELLED"})"});
    auto plugin = load(peer.baseUrl(), kPaths);
    auto &instance = plugin->instance();

    auto created = core::createShipment(instance, request());
    CPPUNIT_ASSERT_MESSAGE(why(created), created.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("42"), created->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), created->status);
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), created->sellerId.value());

    auto confirmed = core::confirmShipment(instance, sdk::ShipmentRef{"42", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(confirmed), confirmed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), confirmed->status);
    CPPUNIT_ASSERT_EQUAL(std::string("DHL"), confirmed->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JD014600"), confirmed->trackingNumber.value());

    auto cancelled = core::cancelShipment(instance, sdk::ShipmentRef{"42", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(3), requests.size());
    const PeerRequest &create = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), create.method);
    CPPUNIT_ASSERT_EQUAL(kCreatePath, create.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("k-123"), create.headers.at("x-internal-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:shipment:s-1"), create.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_MESSAGE(create.headers.at("content-type"),
                           contains(create.headers.at("content-type"), "application/json"));
    const Json::Value body = sdk::parseJson(create.body);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), body["seller_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1 Demo Street"), body["address"]["address_line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string(""), body["address"]["address_line2"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Dublin"), body["address"]["city"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("IE"), body["address"]["country"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("D01XYZ"), body["address"]["postcode"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(1), body["items"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), body["items"][0]["product_id"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), body["items"][0]["qty"].asInt64());

    CPPUNIT_ASSERT_EQUAL(std::string("/shipping/v1/shipments/42/confirm"), requests[1].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[1].method);
    CPPUNIT_ASSERT_EQUAL(std::string("k-123"), requests[1].headers.at("x-internal-key"));
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), sdk::parseJson(requests[1].body)["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("/shipping/v1/shipments/42/cancel"), requests[2].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[2].method);
  }

  void withoutPathsConfirmAndCancelCallNothing() {
    HttpPeer peer;
    auto plugin = load(peer.baseUrl()); // seed 002 documents creation only: no confirm_path, no cancel_path
    auto confirmed = core::confirmShipment(plugin->instance(), sdk::ShipmentRef{"42", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(confirmed), confirmed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("42"), confirmed->reference);
    auto cancelled = core::cancelShipment(plugin->instance(), sdk::ShipmentRef{"42", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok());
    CPPUNIT_ASSERT(peer.requests().empty());
  }

  void peerDownIsARetryableUnavailableError() {
    auto plugin = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()), kPaths);
    auto r = core::createShipment(plugin->instance(), request());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "shipment of order o-1 (seller s-1): "));
    auto confirmed = core::confirmShipment(plugin->instance(), sdk::ShipmentRef{"42", "o-1"});
    CPPUNIT_ASSERT(!confirmed.ok());
    CPPUNIT_ASSERT(confirmed.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(confirmed.error().retryable); // the reconciler tries again later
  }

  void slowPeerTimesOutOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    peer.on("POST", kCreatePath,
            PeerReply{201, kDraft, "application/json", {}, std::chrono::milliseconds(700)}); // > 300 ms timeout
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = core::createShipment(instance, request());
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "shipment of order o-1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = core::createShipment(instance, request());
    CPPUNIT_ASSERT(!second.ok());
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("POST", kCreatePath);
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::createShipment(instance, request());
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.count("POST", kCreatePath));

    peer.on("POST", kCreatePath, PeerReply{201, kDraft}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));      // past open_ms on the breaker's clock
    auto healed = core::createShipment(instance, request());
    CPPUNIT_ASSERT_MESSAGE(why(healed), healed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("42"), healed->reference);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("POST", kCreatePath));
  }

  void malformedAnswerNamesTheField() {
    HttpPeer peer;
    peer.on("POST", kCreatePath, PeerReply{201, R"({"data":{"id":42},"status":"PENDING_PAYMENT"})"});
    peer.then("POST", kCreatePath, PeerReply{201, R"({"id":{"value":42}})"});
    peer.then("POST", kCreatePath, PeerReply{200, "<html>bad gateway</html>", "text/html"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto missing = core::createShipment(instance, request());
    CPPUNIT_ASSERT(!missing.ok());
    CPPUNIT_ASSERT(missing.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!missing.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("shipment of order o-1 (seller s-1): /id: missing"), missing.error().message);
    auto typed = core::createShipment(instance, request());
    CPPUNIT_ASSERT_EQUAL(std::string("shipment of order o-1 (seller s-1): /id: expected string or integer, got object"),
                         typed.error().message);
    auto html = core::createShipment(instance, request());
    CPPUNIT_ASSERT(html.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message,
                           contains(html.error().message, "POST " + peer.baseUrl() + kCreatePath));
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "/: malformed JSON"));
    // Answers, not failures: the breaker stays closed.
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
  }

  void statusCodesMapToErrors() {
    HttpPeer peer; // unscripted paths answer 404
    peer.on("POST", kCreatePath, PeerReply{500, R"({"error":"boom"})"});
    peer.then("POST", kCreatePath, PeerReply{400, R"({"detail":"country: not supported"})"});
    auto plugin = load(peer.baseUrl(), kPaths);
    auto &instance = plugin->instance();

    auto failing = core::createShipment(instance, request());
    CPPUNIT_ASSERT(!failing.ok());
    CPPUNIT_ASSERT(failing.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(failing.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(failing.error().message, contains(failing.error().message, "answered 500"));

    auto refused = core::createShipment(instance, request());
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::rejected);
    CPPUNIT_ASSERT(!refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message,
                           contains(refused.error().message, "answered 400: {\"detail\":\"country: not supported\"}"));

    auto gone = core::cancelShipment(instance, sdk::ShipmentRef{"77", "o-1"}); // 404: nothing to cancel
    CPPUNIT_ASSERT_MESSAGE(why(gone), gone.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), gone->status);
    auto unknown = core::confirmShipment(instance, sdk::ShipmentRef{"77", "o-1"}); // 404 on confirm: rejected
    CPPUNIT_ASSERT(!unknown.ok());
    CPPUNIT_ASSERT(unknown.error().code == sdk::ErrorCode::rejected);
    CPPUNIT_ASSERT_MESSAGE(unknown.error().message, contains(unknown.error().message, "answered 404"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShippingServiceIntegrationTest);
