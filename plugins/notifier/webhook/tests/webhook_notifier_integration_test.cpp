// notifier/webhook loaded as the server loads it (the real registry, schema
// defaults, the host's outbound HTTP client) against a real HTTP peer.
#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "orders/sdk/crypto.hpp"

using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kSecret = "whsec-integration";

std::unique_ptr<LoadedPlugin> load(const std::string &url, int retries = 0) {
  const std::string instance = R"({"name":"webhook","id":"hook","config":{"url":")" + url +
                               R"(","signing_secret":"HOOK_SECRET"},"http":{"timeout_ms":500,"retries":)" +
                               std::to_string(retries) + R"(,"retry_backoff_ms":0}})";
  auto plugin = std::make_unique<LoadedPlugin>("notifier", json(instance),
                                               json(R"({"HOOK_SECRET":{"value":")" + kSecret + R"("}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::Notification paid() {
  sdk::Notification n;
  n.event = "order.paid";
  n.eventId = "evt-42";
  n.occurredAt = "2026-11-22T10:00:00Z";
  n.order.id = "o-1";
  n.order.orderNumber = "ORD-1001";
  n.order.status = "paid";
  n.order.currency = "USD";
  n.order.totalMinor = 1299;
  n.order.customer = sdk::Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::nullopt};
  return n;
}

std::string why(const sdk::Result<sdk::Empty> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class WebhookNotifierIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WebhookNotifierIntegrationTest);
  CPPUNIT_TEST(postsASignedJsonBody);
  CPPUNIT_TEST(serverErrorIsUnavailableAndRetried);
  CPPUNIT_TEST(clientErrorIsRejected);
  CPPUNIT_TEST(peerDownIsUnavailable);
  CPPUNIT_TEST_SUITE_END();

public:
  void postsASignedJsonBody() {
    HttpPeer peer;
    peer.on("POST", "/hooks/orders", PeerReply{204, ""});
    auto plugin = load(peer.baseUrl() + "/hooks/orders");
    auto r = core::notify(plugin->instance(), paid());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const auto &req = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), req.method);
    CPPUNIT_ASSERT_EQUAL(std::string("/hooks/orders"), req.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("evt-42"), req.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL("sha256=" + orders::sdk::crypto::hmacSha256Hex(kSecret, req.body),
                         req.headers.at("x-signature"));
    CPPUNIT_ASSERT(req.headers.at("content-type").rfind("application/json", 0) == 0);
    const Json::Value body = json(req.body);
    CPPUNIT_ASSERT_EQUAL(std::string("order.paid"), body["event"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("evt-42"), body["eventId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1001"), body["order"]["orderNumber"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-1001 paid (USD 12.99)"), body["message"].asString());
  }

  void serverErrorIsUnavailableAndRetried() {
    HttpPeer peer;
    peer.on("POST", "/hooks/orders", PeerReply{500, R"({"error":"boom"})"});
    auto plugin = load(peer.baseUrl() + "/hooks/orders");
    auto r = core::notify(plugin->instance(), paid());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);

    // 503 then 200: the host retries the idempotent request within one call.
    HttpPeer flaky;
    flaky.on("POST", "/hooks/orders", PeerReply{503, ""});
    flaky.then("POST", "/hooks/orders", PeerReply{200, "{}"});
    auto retrying = load(flaky.baseUrl() + "/hooks/orders", 2);
    r = core::notify(retrying->instance(), paid());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto requests = flaky.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(requests[0].body, requests[1].body);
    CPPUNIT_ASSERT_EQUAL(requests[0].headers.at("x-signature"), requests[1].headers.at("x-signature"));
  }

  void clientErrorIsRejected() {
    HttpPeer peer;
    peer.on("POST", "/hooks/orders", PeerReply{400, R"({"error":"bad"})"});
    auto plugin = load(peer.baseUrl() + "/hooks/orders");
    auto r = core::notify(plugin->instance(), paid());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::rejected);
    CPPUNIT_ASSERT(!r.error().retryable);
  }

  void peerDownIsUnavailable() {
    auto plugin = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()) + "/hooks/orders");
    auto r = core::notify(plugin->instance(), paid());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebhookNotifierIntegrationTest);
