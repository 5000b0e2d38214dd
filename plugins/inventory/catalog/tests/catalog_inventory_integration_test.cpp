// inventory/catalog loaded as the server loads it (the real registry, schema
// defaults, host HTTP client with its timeouts, and the instance's circuit
// breaker) against a real HTTP peer on 127.0.0.1 standing in for the Catalog.
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

const std::string kReserve = "/catalog/v1/inventory/reserve";
const std::string kCommit = "/catalog/v1/inventory/commit";
const std::string kRelease = "/catalog/v1/inventory/release";
const std::string kKey = "integration-k3y";

// One instance as plugins.inventory lists it: 300 ms per HTTP attempt, no
// retries, a breaker that opens after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url) {
  const std::string instance =
      R"({"name":"catalog","id":"cat","config":{"base_url":")" + base_url +
      R"(","internal_key_secret":"CATALOG_KEY","out_of_stock_pointer":"/ok","out_of_stock_value":false},)"
      R"("http":{"timeout_ms":300,"retries":0},"breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("inventory", json(instance),
                                               json(R"({"CATALOG_KEY":{"value":")" + kKey + R"("}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::StockLine stockLine(const std::string &product, int64_t quantity,
                         std::optional<std::string> variant = std::nullopt) {
  sdk::StockLine l;
  l.productId = product;
  l.variantId = std::move(variant);
  l.quantity = quantity;
  return l;
}

sdk::ReserveRequest reserveRequest(const std::string &key, const std::string &order_id,
                                   std::vector<sdk::StockLine> lines) {
  sdk::ReserveRequest r;
  r.reference = order_id;
  r.idempotencyKey = key;
  r.ttlSeconds = 900;
  r.lines = std::move(lines);
  return r;
}

sdk::ReservationRef refFor(const std::string &order_id, std::vector<sdk::StockLine> lines) {
  sdk::ReservationRef r;
  r.reservationId = order_id;
  r.reference = order_id;
  r.lines = std::move(lines);
  return r;
}

PeerReply slowReply() {
  return PeerReply{200, R"({"ok":true})", "application/json", {}, std::chrono::milliseconds(700)};
}

template <class T> std::string why(const sdk::Result<T> &r) { return r.ok() ? std::string() : r.error().message; }
bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string header(const PeerRequest &r, const std::string &lower_name) {
  auto it = r.headers.find(lower_name);
  return it == r.headers.end() ? std::string("(absent)") : it->second;
}

void assertCall(const PeerRequest &seen, const std::string &path, const std::string &idempotency_key,
                const std::string &body) {
  CPPUNIT_ASSERT_EQUAL(std::string("POST"), seen.method);
  CPPUNIT_ASSERT_EQUAL(path, seen.uri);
  CPPUNIT_ASSERT_EQUAL(kKey, header(seen, "x-internal-key"));
  CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(seen, "content-type"));
  CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(seen, "accept"));
  CPPUNIT_ASSERT_EQUAL(idempotency_key, header(seen, "idempotency-key"));
  CPPUNIT_ASSERT_EQUAL(json(body), json(seen.body));
}

} // namespace

class CatalogInventoryIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CatalogInventoryIntegrationTest);
  CPPUNIT_TEST(reserveCommitAndReleaseTalkToTheCatalog);
  CPPUNIT_TEST(outOfStockNamesTheProduct);
  CPPUNIT_TEST(peerDownIsRetryableUnavailable);
  CPPUNIT_TEST(slowPeerTimesOut);
  CPPUNIT_TEST(breakerOpensAfterFailuresAndClosesWhenHealthy);
  CPPUNIT_TEST(malformedReplyNamesTheField);
  CPPUNIT_TEST_SUITE_END();

public:
  void reserveCommitAndReleaseTalkToTheCatalog() {
    HttpPeer peer;
    peer.on("POST", kReserve, {200, R"({"ok":true})"});
    peer.on("POST", kCommit, {200, R"({"ok":true})"});
    peer.on("POST", kRelease, {200, R"({"ok":true})"});
    auto p = load(peer.baseUrl());

    auto reserved =
        core::reserve(p->instance(), reserveRequest("checkout:c-1:order:o-1", "o-1",
                                                    {stockLine("sku-mug", 2), stockLine("sku-tee", 1, "red")}));
    CPPUNIT_ASSERT_MESSAGE(why(reserved), reserved.ok());
    CPPUNIT_ASSERT(reserved->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), reserved->reservationId.value());
    auto committed =
        core::commitStock(p->instance(), refFor("o-1", {stockLine("sku-mug", 2), stockLine("sku-tee", 1, "red")}));
    CPPUNIT_ASSERT_MESSAGE(why(committed), committed.ok());
    auto released = core::releaseStock(p->instance(), refFor("o-2", {stockLine("sku-beans", 4)}));
    CPPUNIT_ASSERT_MESSAGE(why(released), released.ok());

    const std::vector<PeerRequest> seen = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(3), seen.size());
    const std::string o1_items =
        R"([{"product_id":"sku-mug","qty":2},{"product_id":"sku-tee","variant_id":"red","qty":1}])";
    assertCall(seen[0], kReserve, "checkout:c-1:order:o-1", R"({"order_id":"o-1","items":)" + o1_items + "}");
    assertCall(seen[1], kCommit, "commit:o-1", R"({"order_id":"o-1","items":)" + o1_items + "}");
    assertCall(seen[2], kRelease, "release:o-2", R"({"order_id":"o-2","items":[{"product_id":"sku-beans","qty":4}]})");
  }

  void outOfStockNamesTheProduct() {
    HttpPeer peer;
    peer.on("POST", kReserve, {409, R"({"detail":"insufficient stock","product_id":"sku-tee"})"});
    peer.then("POST", kReserve, {200, R"({"ok":false,"product_id":"sku-mug"})"});
    auto p = load(peer.baseUrl());
    const std::vector<sdk::StockLine> lines{stockLine("sku-mug", 2), stockLine("sku-tee", 5)};

    auto by_status = core::reserve(p->instance(), reserveRequest("k1", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(by_status), by_status.ok());
    CPPUNIT_ASSERT(!by_status->reserved);
    CPPUNIT_ASSERT_EQUAL(size_t(1), by_status->shortages.size());
    CPPUNIT_ASSERT_EQUAL(std::string("sku-tee"), by_status->shortages[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(5), by_status->shortages[0].requested);

    auto by_flag = core::reserve(p->instance(), reserveRequest("k2", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(by_flag), by_flag.ok());
    CPPUNIT_ASSERT(!by_flag->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("sku-mug"), by_flag->shortages.at(0).productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), by_flag->shortages.at(0).requested);
  }

  void peerDownIsRetryableUnavailable() {
    auto p = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()));
    auto out = core::reserve(p->instance(), reserveRequest("k1", "o-1", {stockLine("sku-mug", 1)}));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "catalog reserve: "));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "connection refused"));
  }

  void slowPeerTimesOut() {
    HttpPeer peer;
    peer.on("POST", kReserve, slowReply());
    auto p = load(peer.baseUrl());
    auto out = core::reserve(p->instance(), reserveRequest("k1", "o-1", {stockLine("sku-mug", 1)}));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "catalog reserve: "));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "no answer within 300 ms"));
  }

  void breakerOpensAfterFailuresAndClosesWhenHealthy() {
    HttpPeer peer;
    peer.on("POST", kReserve, slowReply());
    auto p = load(peer.baseUrl());
    const std::vector<sdk::StockLine> lines{stockLine("sku-mug", 1)};
    for (const char *key : {"k1", "k2"}) {
      auto out = core::reserve(p->instance(), reserveRequest(key, "o-1", lines));
      CPPUNIT_ASSERT_MESSAGE(why(out), !out.ok() && out.error().code == sdk::ErrorCode::timeout);
    }
    CPPUNIT_ASSERT(p->instance().breakerState() == CircuitBreaker::State::open);
    const size_t reached = peer.count("POST", kReserve);
    CPPUNIT_ASSERT_EQUAL(size_t(2), reached);

    auto refused = core::reserve(p->instance(), reserveRequest("k3", "o-1", lines));
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("plugin cat is failing; circuit breaker open, reserve not attempted"),
                         refused.error().message);
    CPPUNIT_ASSERT_EQUAL(reached, peer.count("POST", kReserve)); // failed fast: the peer saw nothing

    peer.on("POST", kReserve, {200, R"({"ok":true})"}); // healthy again
    p->advance(std::chrono::milliseconds(450));         // past open_ms on the breaker's clock
    auto trial = core::reserve(p->instance(), reserveRequest("k4", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(trial), trial.ok());
    CPPUNIT_ASSERT(trial->reserved);
    CPPUNIT_ASSERT(p->instance().breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(reached + 1, peer.count("POST", kReserve));
  }

  void malformedReplyNamesTheField() {
    HttpPeer peer;
    peer.on("POST", kReserve, {200, R"({"ok": tru)"});
    auto p = load(peer.baseUrl());
    auto out = core::reserve(p->instance(), reserveRequest("k1", "o-1", {stockLine("sku-mug", 1)}));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "/ok (out_of_stock_pointer)"));
    // An answer, however malformed, is not a transport failure: the breaker stays closed.
    CPPUNIT_ASSERT(p->instance().breakerState() == CircuitBreaker::State::closed);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CatalogInventoryIntegrationTest);
