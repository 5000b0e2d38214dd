// notifier/sms-http loaded as the server loads it (the real registry, schema
// defaults, the host's outbound HTTP client) against a real HTTP peer.
#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"

using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

std::unique_ptr<LoadedPlugin> load(const std::string &base_url) {
  const std::string instance = R"({"name":"sms-http","id":"sms","config":{"base_url":")" + base_url +
                               R"(","sender":"SHOP","token_secret":"SMS_TOKEN"},)"
                               R"("http":{"timeout_ms":500,"retries":0}})";
  auto plugin = std::make_unique<LoadedPlugin>("notifier", json(instance), json(R"({"SMS_TOKEN":{"value":"tok-1"}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::Notification shipped() {
  sdk::Notification n;
  n.event = "order.shipped";
  n.eventId = "evt-7";
  n.order.id = "o-1";
  n.order.orderNumber = "ORD-1001";
  n.order.status = "shipped";
  n.order.currency = "USD";
  n.order.totalMinor = 1299;
  n.order.customer = sdk::Party{"u-1", std::string("Ann Lee"), std::nullopt, std::string("+62811000")};
  return n;
}

std::string why(const sdk::Result<sdk::Empty> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class SmsHttpNotifierIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SmsHttpNotifierIntegrationTest);
  CPPUNIT_TEST(postsTheMessageWithBearerAuth);
  CPPUNIT_TEST(noPhoneSendsNothing);
  CPPUNIT_TEST(serverErrorIsUnavailable);
  CPPUNIT_TEST(peerDownIsUnavailable);
  CPPUNIT_TEST_SUITE_END();

public:
  void postsTheMessageWithBearerAuth() {
    HttpPeer peer;
    peer.on("POST", "/messages", PeerReply{202, R"({"id":"m-1"})"});
    auto plugin = load(peer.baseUrl());
    auto r = core::notify(plugin->instance(), shipped());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("/messages"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), requests[0].headers.at("authorization"));
    const Json::Value body = json(requests[0].body);
    CPPUNIT_ASSERT_EQUAL(std::string("+62811000"), body["to"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("SHOP"), body["from"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Your order ORD-1001 has shipped."), body["text"].asString());
  }

  void noPhoneSendsNothing() {
    HttpPeer peer;
    peer.on("POST", "/messages", PeerReply{202, "{}"});
    auto plugin = load(peer.baseUrl());
    sdk::Notification n = shipped();
    n.order.customer->phone.reset();
    auto r = core::notify(plugin->instance(), n);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(0), peer.requests().size());
  }

  void serverErrorIsUnavailable() {
    HttpPeer peer;
    peer.on("POST", "/messages", PeerReply{503, R"({"error":"busy"})"});
    auto plugin = load(peer.baseUrl());
    auto r = core::notify(plugin->instance(), shipped());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.requests().size()); // not idempotent: the host does not repeat it
  }

  void peerDownIsUnavailable() {
    auto plugin = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()));
    auto r = core::notify(plugin->instance(), shipped());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmsHttpNotifierIntegrationTest);
