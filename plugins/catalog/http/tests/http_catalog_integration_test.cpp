// catalog/http loaded as the server loads it (the real registry, schema
// defaults, the host's outbound HTTP client with its timeouts, and the
// instance's circuit breaker) against a real HTTP peer on 127.0.0.1 standing
// in for the product service.
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
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kMug = R"({"data":{"title":"Mug","price":12.99,"currency":"USD","sellerId":"s1"}})";

// One instance as plugins.catalog lists it: `extra` config members after
// base_url (cache off unless `extra` says otherwise), the API key secret,
// 300 ms per HTTP attempt, no retries, a breaker that opens after 2 failures
// for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"http","id":"cat","config":{"base_url":")" + base_url +
                               R"(","cache_ttl_ms":0,"product_pointer":"/data","price_unit":"major",)"
                               R"("api_key_secret":"CATALOG_KEY")" +
                               extra +
                               R"(},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("catalog", json(instance), json(R"({"CATALOG_KEY":{"value":"k-123"}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::LookupRequest request(std::vector<sdk::ProductRef> items) { return sdk::LookupRequest{std::move(items)}; }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

} // namespace

class HttpCatalogIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpCatalogIntegrationTest);
  CPPUNIT_TEST(happyPathSendsOneGetPerProductWithHeaders);
  CPPUNIT_TEST(batchPathSendsOneRequest);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerTimesOutOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(malformedAnswerNamesTheField);
  CPPUNIT_TEST(statusCodesMapToErrors);
  CPPUNIT_TEST_SUITE_END();

public:
  void happyPathSendsOneGetPerProductWithHeaders() {
    HttpPeer peer;
    peer.on("GET", "/api/products/p1", PeerReply{200, kMug});
    peer.on("GET", "/api/products/p2", PeerReply{200, R"({"data":{"title":"Tee","price":"19.00","currency":"USD",
        "sellerId":null,"variants":[{"id":"red","price":21.5},{"id":"blue"}]}})"});
    auto plugin = load(peer.baseUrl());
    auto r = core::lookup(plugin->instance(),
                          request({{"p1", std::nullopt}, {"p2", std::string("red")}, {"p2", std::string("blue")}}));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());

    CPPUNIT_ASSERT_EQUAL(size_t(3), r->products.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), r->products[0].title);
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), r->products[0].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), r->products[0].unitPrice.currency);
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), r->products[0].sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("red"), r->products[1].variantId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(2150), r->products[1].unitPrice.amountMinor);
    CPPUNIT_ASSERT(!r->products[1].sellerId.has_value()); // null seller: house brand
    CPPUNIT_ASSERT_EQUAL(int64_t(1900), r->products[2].unitPrice.amountMinor);

    const auto requests = peer.requests(); // one GET per distinct product, in order
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("/api/products/p1"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("/api/products/p2"), requests[1].uri);
    for (const auto &req : requests) {
      CPPUNIT_ASSERT_EQUAL(std::string("GET"), req.method);
      CPPUNIT_ASSERT_EQUAL(std::string("k-123"), req.headers.at("x-api-key"));
      CPPUNIT_ASSERT_EQUAL(std::string("application/json"), req.headers.at("accept"));
      CPPUNIT_ASSERT(req.body.empty());
    }
  }

  void batchPathSendsOneRequest() {
    HttpPeer peer;
    peer.on("GET", "/api/products/batch", PeerReply{200, R"({"data":[
        {"id":"p2","title":"Tee","price":19,"currency":"USD"},
        {"id":"p1","title":"Mug","price":12.99,"currency":"USD","sellerId":"s1"}]})"});
    auto plugin =
        load(peer.baseUrl(), R"(,"batch_path":"/api/products/batch?ids={ids}","batch_items_pointer":"/data")");
    auto r = core::lookup(plugin->instance(), request({{"p1", std::nullopt}, {"p2", std::nullopt}}));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), r->products.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), r->products[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(1900), r->products[1].unitPrice.amountMinor);
    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("/api/products/batch?ids=p1,p2"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("k-123"), requests[0].headers.at("x-api-key"));
  }

  void peerDownIsARetryableUnavailableError() {
    uint16_t port = 0;
    {
      HttpPeer gone;
      port = gone.port();
    } // stopped: nothing listens there now
    auto plugin = load("http://127.0.0.1:" + std::to_string(port));
    auto r = core::lookup(plugin->instance(), request({{"p1", std::nullopt}}));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "product p1"));
  }

  void slowPeerTimesOutOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    peer.on("GET", "/api/products/p1",
            PeerReply{200, kMug, "application/json", {}, std::chrono::milliseconds(700)}); // > 300 ms timeout
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = core::lookup(instance, request({{"p1", std::nullopt}}));
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "product p1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = core::lookup(instance, request({{"p1", std::nullopt}}));
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("GET", "/api/products/p1");
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::lookup(instance, request({{"p1", std::nullopt}}));
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.count("GET", "/api/products/p1"));

    peer.on("GET", "/api/products/p1", PeerReply{200, kMug}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));          // past open_ms on the breaker's clock
    auto healed = core::lookup(instance, request({{"p1", std::nullopt}}));
    CPPUNIT_ASSERT_MESSAGE(healed.ok() ? "" : healed.error().message, healed.ok());
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), healed->products.at(0).unitPrice.amountMinor);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("GET", "/api/products/p1"));
  }

  void malformedAnswerNamesTheField() {
    HttpPeer peer;
    peer.on("GET", "/api/products/p1", PeerReply{200, R"({"data":{"title":"Mug","price":"twelve","currency":"USD"}})"});
    peer.on("GET", "/api/products/p2", PeerReply{200, R"({"data":{"title":42,"price":1,"currency":"USD"}})"});
    peer.on("GET", "/api/products/p3", PeerReply{200, "<html>bad gateway</html>", "text/html"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto price = core::lookup(instance, request({{"p1", std::nullopt}}));
    CPPUNIT_ASSERT(price.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("product p1: /data/price: 'twelve' is not a decimal number"),
                         price.error().message);
    CPPUNIT_ASSERT(!price.error().retryable);
    auto title = core::lookup(instance, request({{"p2", std::nullopt}}));
    CPPUNIT_ASSERT_EQUAL(std::string("product p2: /data/title: expected string"), title.error().message);
    auto html = core::lookup(instance, request({{"p3", std::nullopt}}));
    CPPUNIT_ASSERT(html.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "product p3: GET "));
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "malformed JSON"));
    // Answers, not failures: the breaker stays closed.
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
  }

  void statusCodesMapToErrors() {
    HttpPeer peer; // unscripted paths answer 404
    peer.on("GET", "/api/products/p5", PeerReply{500, R"({"error":"boom"})"});
    auto plugin = load(peer.baseUrl());
    auto missing = core::lookup(plugin->instance(), request({{"nope", std::nullopt}}));
    CPPUNIT_ASSERT(missing.error().code == sdk::ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("catalog has no product nope"), missing.error().message);
    auto failing = core::lookup(plugin->instance(), request({{"p5", std::nullopt}}));
    CPPUNIT_ASSERT(failing.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(failing.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(failing.error().message, contains(failing.error().message, "answered 500"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpCatalogIntegrationTest);
