// customer/http loaded as the server loads it (the real registry, schema
// defaults, the host's outbound HTTP client with its timeouts and the
// instance's service HMAC, and the instance's circuit breaker) against a
// real HTTP peer on 127.0.0.1 standing in for seed 004's auth-service.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "auth/authenticator.hpp"
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
namespace auth = orders::host::auth;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kServiceSecret = "s3cret";
const std::string kServiceName = "order-service"; // service.name's default, which http.auth signs as
const std::string kAnn = R"({"success":true,"data":{"id":"u-1","name":"Ann Lee","email":"ann@example.com",
    "phoneNumber":"+62811000","role":"buyer"}})";

// One instance as plugins.customer lists it: pointers into the wrapped
// answer, the cache off unless asked for, seed 004's service HMAC signed by
// the host with SERVICE_SECRET, 300 ms per HTTP attempt, no retries, a
// breaker that opens after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url, int64_t cache_ttl_ms = 0) {
  const std::string instance =
      R"({"name":"http","id":"customers","config":{"base_url":")" + base_url + R"(","cache_ttl_ms":)" +
      std::to_string(cache_ttl_ms) +
      R"(,"name_pointer":"/data/name","email_pointer":"/data/email","phone_pointer":"/data/phoneNumber",)"
      R"("first_name_pointer":"/data/firstName","last_name_pointer":"/data/lastName"},)"
      R"("http":{"timeout_ms":300,"retries":0,"auth":{"scheme":"service_hmac","secret":"SERVICE_SECRET"}},)"
      R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("customer", json(instance),
                                               json(R"({"SERVICE_SECRET":{"value":")" + kServiceSecret + R"("}})"));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::CustomerRef ref(const std::string &user_id) { return sdk::CustomerRef{user_id, std::nullopt}; }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

bool allOf(const std::string &text, const char *alphabet) {
  return !text.empty() && text.find_first_not_of(alphabet) == std::string::npos;
}

std::string why(const sdk::Result<sdk::Party> &r) { return r.ok() ? std::string() : r.error().message; }

// The peer got seed 004's service headers: x-service-name, and
// x-service-auth "<name>:<timestamp>:<64 hex>" equal to the HMAC recomputed
// from that timestamp over GET `path_and_query` with an empty body.
void assertServiceSigned(const PeerRequest &request, const std::string &path_and_query) {
  CPPUNIT_ASSERT_MESSAGE("no x-service-name", request.headers.count("x-service-name") == 1);
  CPPUNIT_ASSERT_MESSAGE("no x-service-auth", request.headers.count("x-service-auth") == 1);
  CPPUNIT_ASSERT_EQUAL(kServiceName, request.headers.at("x-service-name"));

  const std::string value = request.headers.at("x-service-auth");
  const size_t first = value.find(':');
  CPPUNIT_ASSERT_MESSAGE(value, first != std::string::npos);
  const size_t second = value.find(':', first + 1);
  CPPUNIT_ASSERT_MESSAGE(value, second != std::string::npos);
  const std::string name = value.substr(0, first);
  const std::string timestamp = value.substr(first + 1, second - first - 1);
  const std::string mac = value.substr(second + 1);
  CPPUNIT_ASSERT_EQUAL(kServiceName, name);
  CPPUNIT_ASSERT_MESSAGE(value, allOf(timestamp, "0123456789") && timestamp.size() <= 15);
  CPPUNIT_ASSERT_MESSAGE(value, mac.size() == 64 && allOf(mac, "0123456789abcdef"));

  const int64_t ts = std::stoll(timestamp);
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CPPUNIT_ASSERT_MESSAGE(value, ts > now - 60 && ts <= now + 1); // unix seconds, signed just now
  CPPUNIT_ASSERT_EQUAL(auth::signServiceRequest(kServiceName, kServiceSecret, ts, "GET", path_and_query, ""), value);
}

} // namespace

class HttpCustomerIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpCustomerIntegrationTest);
  CPPUNIT_TEST(happyPathSendsASignedGetAndMapsTheAnswer);
  CPPUNIT_TEST(cacheSparesThePeer);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerTimesOutOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(malformedAnswerNamesTheField);
  CPPUNIT_TEST(statusCodesMapToErrors);
  CPPUNIT_TEST_SUITE_END();

public:
  void happyPathSendsASignedGetAndMapsTheAnswer() {
    HttpPeer peer;
    peer.on("GET", "/api/users/u-1", PeerReply{200, kAnn});
    peer.on(
        "GET", "/api/users/u-2",
        PeerReply{200, R"({"success":true,"data":{"id":"u-2","firstName":"Siti","lastName":"Rahma","email":null}})"});
    auto plugin = load(peer.baseUrl());

    auto ann = core::lookupCustomer(plugin->instance(), sdk::CustomerRef{"u-1", std::string("gw@example.com")});
    CPPUNIT_ASSERT_MESSAGE(why(ann), ann.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), ann->id);
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), ann->name.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), ann->email.value());
    CPPUNIT_ASSERT_EQUAL(std::string("+62811000"), ann->phone.value());

    auto siti = core::lookupCustomer(plugin->instance(), ref("u-2"));
    CPPUNIT_ASSERT_MESSAGE(why(siti), siti.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("u-2"), siti->id);
    CPPUNIT_ASSERT_EQUAL(std::string("Siti Rahma"), siti->name.value()); // first + last when name is absent
    CPPUNIT_ASSERT(!siti->email.has_value());                            // null: absent
    CPPUNIT_ASSERT(!siti->phone.has_value());                            // missing: absent

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("/api/users/u-1"), requests[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("/api/users/u-2"), requests[1].uri);
    for (const PeerRequest &req : requests) {
      CPPUNIT_ASSERT_EQUAL(std::string("GET"), req.method);
      CPPUNIT_ASSERT_EQUAL(std::string("application/json"), req.headers.at("accept"));
      CPPUNIT_ASSERT(req.body.empty());
      assertServiceSigned(req, req.uri);
    }
  }

  void cacheSparesThePeer() {
    HttpPeer peer;
    peer.on("GET", "/api/users/u-1", PeerReply{200, kAnn});
    auto plugin = load(peer.baseUrl(), 60000);
    auto first = core::lookupCustomer(plugin->instance(), ref("u-1"));
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    auto second = core::lookupCustomer(plugin->instance(), ref("u-1"));
    CPPUNIT_ASSERT_MESSAGE(why(second), second.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), second->name.value());
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("GET", "/api/users/u-1"));
  }

  void peerDownIsARetryableUnavailableError() {
    auto plugin = load("http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()));
    auto r = core::lookupCustomer(plugin->instance(), ref("u-1"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "user u-1: "));
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "connection refused"));
  }

  void slowPeerTimesOutOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    peer.on("GET", "/api/users/u-1",
            PeerReply{200, kAnn, "application/json", {}, std::chrono::milliseconds(700)}); // > 300 ms timeout
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = core::lookupCustomer(instance, ref("u-1"));
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "user u-1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = core::lookupCustomer(instance, ref("u-1"));
    CPPUNIT_ASSERT(!second.ok());
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("GET", "/api/users/u-1");
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::lookupCustomer(instance, ref("u-1"));
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.count("GET", "/api/users/u-1"));

    peer.on("GET", "/api/users/u-1", PeerReply{200, kAnn}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));        // past open_ms on the breaker's clock
    auto healed = core::lookupCustomer(instance, ref("u-1"));
    CPPUNIT_ASSERT_MESSAGE(why(healed), healed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), healed->name.value());
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("GET", "/api/users/u-1"));
  }

  void malformedAnswerNamesTheField() {
    HttpPeer peer;
    peer.on("GET", "/api/users/u-7", PeerReply{200, R"({"success":true,"data":{"name":42}})"});
    peer.on("GET", "/api/users/u-8", PeerReply{200, R"({"data":{"name":"Ann","email":["ann@example.com"]}})"});
    peer.on("GET", "/api/users/u-9", PeerReply{200, "<html>bad gateway</html>", "text/html"});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto name = core::lookupCustomer(instance, ref("u-7"));
    CPPUNIT_ASSERT(!name.ok());
    CPPUNIT_ASSERT(name.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!name.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("user u-7: /data/name: expected string or null, got number"),
                         name.error().message);
    auto email = core::lookupCustomer(instance, ref("u-8"));
    CPPUNIT_ASSERT(!email.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("user u-8: /data/email: expected string or null, got array"),
                         email.error().message);
    auto html = core::lookupCustomer(instance, ref("u-9"));
    CPPUNIT_ASSERT(!html.ok());
    CPPUNIT_ASSERT(html.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "user u-9: GET "));
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "/: malformed JSON"));
    // Answers, not failures: the breaker stays closed.
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
  }

  void statusCodesMapToErrors() {
    HttpPeer peer; // unscripted paths answer 404
    peer.on("GET", "/api/users/u-5", PeerReply{500, R"({"error":"boom"})"});
    peer.on("GET", "/api/users/u-6", PeerReply{401, R"({"error":"Invalid service signature"})"});
    auto plugin = load(peer.baseUrl());

    auto missing = core::lookupCustomer(plugin->instance(), ref("nope"));
    CPPUNIT_ASSERT(!missing.ok());
    CPPUNIT_ASSERT(missing.error().code == sdk::ErrorCode::not_found);
    CPPUNIT_ASSERT(!missing.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(missing.error().message, contains(missing.error().message, "user nope not found"));

    auto failing = core::lookupCustomer(plugin->instance(), ref("u-5"));
    CPPUNIT_ASSERT(!failing.ok());
    CPPUNIT_ASSERT(failing.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(failing.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(failing.error().message, contains(failing.error().message, "answered 500"));

    auto rejected = core::lookupCustomer(plugin->instance(), ref("u-6"));
    CPPUNIT_ASSERT(!rejected.ok());
    CPPUNIT_ASSERT(rejected.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(!rejected.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(rejected.error().message, contains(rejected.error().message, "user u-6: "));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpCustomerIntegrationTest);
