// cart/cart-service loaded as the server loads it (the real registry, schema
// defaults, the host's outbound HTTP client with its timeouts, and the
// instance's circuit breaker) against a real HTTP peer on 127.0.0.1 standing
// in for the Cart service.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "plugins/circuit_breaker.hpp"

using orders::host::plugins::CircuitBreaker;
using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kCart = R"({"success":true,"data":{"userId":"u-1","items":[
    {"productId":"p1","variantId":null,"quantity":2,"sellerId":"s1","reservationId":"soft-1"},
    {"productId":"p2","variantId":"red","quantity":1,"sellerId":null}]}})";

// One instance as plugins.cart lists it: the wrapped LAKOO shape, a Bearer
// token from a secret, `extra` config members, 300 ms per HTTP attempt, no
// retries, a breaker that opens after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"cart-service","id":"cart","config":{"base_url":")" + base_url +
                               R"(","items_pointer":"/data/items","token_secret":"CART_TOKEN")" + extra +
                               R"(},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("cart", json(instance), json(R"({"CART_TOKEN":{"value":"tok-1"}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::CartRef user(const std::string &id) { return sdk::CartRef{id, std::nullopt}; }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

} // namespace

class CartServiceIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CartServiceIntegrationTest);
  CPPUNIT_TEST(happyPathLoadsThenClearsWithAuthHeaders);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerTimesOutOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(clearGivesUpAfterClearTimeout);
  CPPUNIT_TEST(malformedAnswerNamesTheField);
  CPPUNIT_TEST(statusCodesMapToErrors);
  CPPUNIT_TEST_SUITE_END();

public:
  void happyPathLoadsThenClearsWithAuthHeaders() {
    HttpPeer peer;
    peer.on("GET", "/api/cart/u-1", PeerReply{200, kCart});
    peer.on("DELETE", "/api/cart/u-1", PeerReply{200, R"({"success":true,"message":"Cart cleared"})"});
    auto plugin = load(peer.baseUrl());

    auto cart = core::loadCart(plugin->instance(), user("u-1"));
    CPPUNIT_ASSERT_MESSAGE(cart.ok() ? "" : cart.error().message, cart.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), cart->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), cart->lines[0].productId);
    CPPUNIT_ASSERT(!cart->lines[0].variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(int64_t(2), cart->lines[0].quantity);
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), cart->lines[0].sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("soft-1"), cart->lines[0].reservationId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("red"), cart->lines[1].variantId.value());
    CPPUNIT_ASSERT(!cart->lines[1].sellerId.has_value());

    auto cleared = core::clearCart(plugin->instance(), user("u-1"));
    CPPUNIT_ASSERT_MESSAGE(cleared.ok() ? "" : cleared.error().message, cleared.ok());

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("/api/cart/u-1"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("DELETE"), requests[1].method);
    CPPUNIT_ASSERT_EQUAL(std::string("/api/cart/u-1"), requests[1].uri);
    for (const auto &req : requests) {
      CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), req.headers.at("authorization"));
      CPPUNIT_ASSERT_EQUAL(std::string("u-1"), req.headers.at("x-user-id"));
      CPPUNIT_ASSERT_EQUAL(std::string("application/json"), req.headers.at("accept"));
      CPPUNIT_ASSERT(req.body.empty());
    }
  }

  void peerDownIsARetryableUnavailableError() {
    uint16_t port = 0;
    {
      HttpPeer gone;
      port = gone.port();
    } // stopped: nothing listens there now
    auto plugin = load("http://127.0.0.1:" + std::to_string(port));
    auto cart = core::loadCart(plugin->instance(), user("u-1"));
    CPPUNIT_ASSERT(!cart.ok());
    CPPUNIT_ASSERT_MESSAGE(cart.error().message, cart.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(cart.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(cart.error().message, contains(cart.error().message, "cart of user u-1"));

    auto cleared = core::clearCart(plugin->instance(), user("u-1"));
    CPPUNIT_ASSERT(!cleared.ok());
    CPPUNIT_ASSERT_MESSAGE(cleared.error().message, cleared.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(cleared.error().retryable);
  }

  void slowPeerTimesOutOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    peer.on("GET", "/api/cart/u-1",
            PeerReply{200, kCart, "application/json", {}, std::chrono::milliseconds(700)}); // > 300 ms timeout
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = core::loadCart(instance, user("u-1"));
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "cart of user u-1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = core::loadCart(instance, user("u-1"));
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("GET", "/api/cart/u-1");
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::loadCart(instance, user("u-1"));
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.count("GET", "/api/cart/u-1"));

    peer.on("GET", "/api/cart/u-1", PeerReply{200, kCart}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));        // past open_ms on the breaker's clock
    auto healed = core::loadCart(instance, user("u-1"));
    CPPUNIT_ASSERT_MESSAGE(healed.ok() ? "" : healed.error().message, healed.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), healed->lines.size());
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("GET", "/api/cart/u-1"));
  }

  void clearGivesUpAfterClearTimeout() {
    HttpPeer peer; // answers the DELETE within the instance's 300 ms, but not within clear_timeout_ms
    peer.on("DELETE", "/api/cart/u-1",
            PeerReply{200, R"({"success":true})", "application/json", {}, std::chrono::milliseconds(250)});
    auto plugin = load(peer.baseUrl(), R"(,"clear_timeout_ms":100)");
    auto cleared = core::clearCart(plugin->instance(), user("u-1"));
    CPPUNIT_ASSERT(!cleared.ok());
    CPPUNIT_ASSERT_MESSAGE(cleared.error().message, cleared.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT_MESSAGE(cleared.error().message, contains(cleared.error().message, "100 ms"));
    CPPUNIT_ASSERT_MESSAGE(cleared.error().message, contains(cleared.error().message, "clearing the cart of user u-1"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("DELETE", "/api/cart/u-1"));
  }

  void malformedAnswerNamesTheField() {
    HttpPeer peer;
    peer.on("GET", "/api/cart/u-str", PeerReply{200, R"({"data":{"items":[{"productId":"p1","quantity":"two"}]}})"});
    peer.on("GET", "/api/cart/u-zero",
            PeerReply{200, R"({"data":{"items":[{"productId":"p1","quantity":1},{"productId":"p2","quantity":0}]}})"});
    peer.on("GET", "/api/cart/u-flat", PeerReply{200, R"({"items":[{"productId":"p1","quantity":1}]})"});
    peer.on("GET", "/api/cart/u-html", PeerReply{200, "<html>bad gateway</html>", "text/html"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto str = core::loadCart(instance, user("u-str"));
    CPPUNIT_ASSERT(str.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!str.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user u-str: /data/items/0/quantity: expected integer"),
                         str.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user u-zero: /data/items/1/quantity: must be > 0, got 0"),
                         core::loadCart(instance, user("u-zero")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user u-flat: /data/items: missing"),
                         core::loadCart(instance, user("u-flat")).error().message);
    auto html = core::loadCart(instance, user("u-html"));
    CPPUNIT_ASSERT(html.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "malformed JSON"));
    // Answers, not failures: the breaker stays closed.
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
  }

  void statusCodesMapToErrors() {
    HttpPeer peer; // unscripted paths answer 404
    peer.on("GET", "/api/cart/u-503", PeerReply{503, R"({"error":"maintenance"})"});
    auto plugin = load(peer.baseUrl());
    auto missing = core::loadCart(plugin->instance(), user("nobody"));
    CPPUNIT_ASSERT(missing.error().code == sdk::ErrorCode::not_found);
    CPPUNIT_ASSERT_MESSAGE(missing.error().message, contains(missing.error().message, "cart of user nobody"));
    CPPUNIT_ASSERT(core::clearCart(plugin->instance(), user("nobody")).ok()); // nothing to clear
    auto failing = core::loadCart(plugin->instance(), user("u-503"));
    CPPUNIT_ASSERT(failing.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(failing.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(failing.error().message, contains(failing.error().message, "answered 503"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CartServiceIntegrationTest);
