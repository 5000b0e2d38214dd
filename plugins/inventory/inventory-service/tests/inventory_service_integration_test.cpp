// inventory/inventory-service loaded as the server loads it (the real
// registry, schema defaults, host HTTP client with its timeouts, and the
// instance's circuit breaker) against a real HTTP peer on 127.0.0.1 standing
// in for the Inventory service.
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

const std::string kAllocate = "/internal/inventory/allocate";
const std::string kConfirm = "/internal/inventory/confirm";
const std::string kRelease = "/internal/inventory/release";
const std::string kToken = "integration-t0ken";

// One instance as plugins.inventory lists it: the token under the default
// secret name, 300 ms per HTTP attempt, no retries, a breaker that opens
// after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url) {
  const std::string instance = R"({"name":"inventory-service","id":"inv","config":{"base_url":")" + base_url +
                               R"("},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>(
      "inventory", json(instance), json(R"({"INVENTORY_INTERNAL_API_TOKEN":{"value":")" + kToken + R"("}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::StockLine stockLine(const std::string &product, int64_t quantity,
                         std::optional<std::string> variant = std::nullopt,
                         std::optional<std::string> soft_reservation = std::nullopt) {
  sdk::StockLine l;
  l.productId = product;
  l.variantId = std::move(variant);
  l.quantity = quantity;
  l.reservationId = std::move(soft_reservation);
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
  return PeerReply{200, R"({"status":"allocated"})", "application/json", {}, std::chrono::milliseconds(700)};
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
  CPPUNIT_ASSERT_EQUAL("Bearer " + kToken, header(seen, "authorization"));
  CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(seen, "content-type"));
  CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(seen, "accept"));
  CPPUNIT_ASSERT_EQUAL(idempotency_key, header(seen, "idempotency-key"));
  CPPUNIT_ASSERT_EQUAL(json(body), json(seen.body));
}

} // namespace

class InventoryServiceIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InventoryServiceIntegrationTest);
  CPPUNIT_TEST(allocateConfirmAndReleaseTalkToTheService);
  CPPUNIT_TEST(insufficientStockNamesTheProduct);
  CPPUNIT_TEST(peerDownIsRetryableUnavailable);
  CPPUNIT_TEST(slowPeerTimesOut);
  CPPUNIT_TEST(breakerOpensAfterFailuresAndClosesWhenHealthy);
  CPPUNIT_TEST(malformedReplyNamesTheField);
  CPPUNIT_TEST_SUITE_END();

public:
  void allocateConfirmAndReleaseTalkToTheService() {
    HttpPeer peer;
    peer.on("POST", kAllocate, {200, R"({"orderId":"o-1","status":"allocated"})"});
    peer.on("POST", kConfirm, {200, R"({"orderId":"o-1","status":"confirmed"})"});
    peer.on("POST", kRelease, {200, R"({"orderId":"o-2","status":"released"})"});
    auto p = load(peer.baseUrl());
    const std::vector<sdk::StockLine> lines{stockLine("p-1", 2, std::nullopt, "sr-1"), stockLine("p-2", 1, "v-red")};

    auto allocated = core::reserve(p->instance(), reserveRequest("checkout:c-1:order:o-1", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(allocated), allocated.ok());
    CPPUNIT_ASSERT(allocated->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), allocated->reservationId.value());
    auto confirmed = core::commitStock(p->instance(), refFor("o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(confirmed), confirmed.ok());
    auto released = core::releaseStock(p->instance(), refFor("o-2", {stockLine("p-3", 4, std::nullopt, "sr-9")}));
    CPPUNIT_ASSERT_MESSAGE(why(released), released.ok());

    const std::vector<PeerRequest> seen = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(3), seen.size());
    const std::string o1_items = R"([{"productId":"p-1","quantity":2,"reservationId":"sr-1"},
                                     {"productId":"p-2","variantId":"v-red","quantity":1}])";
    assertCall(seen[0], kAllocate, "checkout:c-1:order:o-1", R"({"orderId":"o-1","items":)" + o1_items + "}");
    assertCall(seen[1], kConfirm, "confirm:o-1", R"({"orderId":"o-1","items":)" + o1_items + "}");
    assertCall(seen[2], kRelease, "release:o-2",
               R"({"orderId":"o-2","items":[{"productId":"p-3","quantity":4,"reservationId":"sr-9"}]})");
  }

  void insufficientStockNamesTheProduct() {
    HttpPeer peer;
    peer.on("POST", kAllocate, {409, R"({"error":"insufficient_stock","productId":"p-2"})"});
    peer.then("POST", kAllocate, {422, R"({"error":"insufficient_stock","productId":"p-1"})"});
    auto p = load(peer.baseUrl());
    const std::vector<sdk::StockLine> lines{stockLine("p-1", 2), stockLine("p-2", 5)};

    auto by_status = core::reserve(p->instance(), reserveRequest("k1", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(by_status), by_status.ok());
    CPPUNIT_ASSERT(!by_status->reserved);
    CPPUNIT_ASSERT_EQUAL(size_t(1), by_status->shortages.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p-2"), by_status->shortages[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(5), by_status->shortages[0].requested);

    auto by_body = core::reserve(p->instance(), reserveRequest("k2", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(by_body), by_body.ok());
    CPPUNIT_ASSERT(!by_body->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), by_body->shortages.at(0).productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), by_body->shortages.at(0).requested);
  }

  void peerDownIsRetryableUnavailable() {
    auto p = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()));
    auto out = core::reserve(p->instance(), reserveRequest("k1", "o-1", {stockLine("p-1", 1)}));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "inventory allocate: "));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "connection refused"));
  }

  void slowPeerTimesOut() {
    HttpPeer peer;
    peer.on("POST", kAllocate, slowReply());
    auto p = load(peer.baseUrl());
    auto out = core::reserve(p->instance(), reserveRequest("k1", "o-1", {stockLine("p-1", 1)}));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "inventory allocate: "));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "no answer within 300 ms"));
  }

  void breakerOpensAfterFailuresAndClosesWhenHealthy() {
    HttpPeer peer;
    peer.on("POST", kAllocate, slowReply());
    auto p = load(peer.baseUrl());
    const std::vector<sdk::StockLine> lines{stockLine("p-1", 1)};
    for (const char *key : {"k1", "k2"}) {
      auto out = core::reserve(p->instance(), reserveRequest(key, "o-1", lines));
      CPPUNIT_ASSERT_MESSAGE(why(out), !out.ok() && out.error().code == sdk::ErrorCode::timeout);
    }
    CPPUNIT_ASSERT(p->instance().breakerState() == CircuitBreaker::State::open);
    const size_t reached = peer.count("POST", kAllocate);
    CPPUNIT_ASSERT_EQUAL(size_t(2), reached);

    auto refused = core::reserve(p->instance(), reserveRequest("k3", "o-1", lines));
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("plugin inv is failing; circuit breaker open, reserve not attempted"),
                         refused.error().message);
    CPPUNIT_ASSERT_EQUAL(reached, peer.count("POST", kAllocate)); // failed fast: the peer saw nothing

    peer.on("POST", kAllocate, {200, R"({"status":"allocated"})"}); // healthy again
    p->advance(std::chrono::milliseconds(450));                     // past open_ms on the breaker's clock
    auto trial = core::reserve(p->instance(), reserveRequest("k4", "o-1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(trial), trial.ok());
    CPPUNIT_ASSERT(trial->reserved);
    CPPUNIT_ASSERT(p->instance().breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(reached + 1, peer.count("POST", kAllocate));
  }

  void malformedReplyNamesTheField() {
    HttpPeer peer;
    peer.on("POST", kAllocate, {200, R"({"orderId": "o-1")"});
    auto p = load(peer.baseUrl());
    auto out = core::reserve(p->instance(), reserveRequest("k1", "o-1", {stockLine("p-1", 1)}));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "/error (out_of_stock_pointer)"));
    // An answer, however malformed, is not a transport failure: the breaker stays closed.
    CPPUNIT_ASSERT(p->instance().breakerState() == CircuitBreaker::State::closed);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InventoryServiceIntegrationTest);
