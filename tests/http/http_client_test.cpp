// The host's outbound HTTP client against a real peer.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <thread>

#include "auth/authenticator.hpp"
#include "http_peer.hpp"
#include "net/http_client.hpp"

using namespace orders::host;
using orders::testing::HttpPeer;
using orders::testing::PeerReply;

namespace {
auto in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }
net::OutboundOptions fastRetries() {
  net::OutboundOptions o;
  o.timeout_ms = 2000;
  o.retries = 2;
  o.retry_backoff_ms = 10;
  return o;
}
orders::sdk::HttpRequest request(const std::string &method, const std::string &url, const std::string &body = "") {
  orders::sdk::HttpRequest r;
  r.method = method;
  r.url = url;
  r.body = body;
  return r;
}
} // namespace

class HttpClientTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpClientTest);
  CPPUNIT_TEST(sendsMethodHeadersAndBody);
  CPPUNIT_TEST(retriesIdempotentRequestOn503);
  CPPUNIT_TEST(doesNotRetryPostUnlessFlaggedIdempotent);
  CPPUNIT_TEST(slowPeerGivesTimeoutError);
  CPPUNIT_TEST(refusedConnectionIsUnavailable);
  CPPUNIT_TEST(exhaustedBudgetMakesNoAttempt);
  CPPUNIT_TEST(badUrlIsInvalidArgument);
  CPPUNIT_TEST(reusesConnectionsAcrossRequests);
  CPPUNIT_TEST(addsInstanceAuthOnEveryAttempt);
  CPPUNIT_TEST(responseBodyBeyondTheLimitIsRefused);
  CPPUNIT_TEST(answerCutMidBodyIsUnavailable);
  CPPUNIT_TEST_SUITE_END();

public:
  // Per-instance outbound auth: seed 004's service HMAC (checked by
  // recomputing it), a Bearer token and a static header, on retries too.
  void addsInstanceAuthOnEveryAttempt() {
    HttpPeer peer;
    peer.on("PUT", "/api/orders/7/status", {503, "busy"});
    peer.then("PUT", "/api/orders/7/status", {200, "{}"});
    net::OutboundOptions o = fastRetries();
    o.auth.scheme = net::OutboundAuth::Scheme::service_hmac;
    o.auth.service_name = "order-service";
    o.auth.secret = "s3cret";
    auto req = request("PUT", peer.baseUrl() + "/api/orders/7/status?x=1", R"({"newStatus":"paid"})");
    req.idempotent = true;
    auto res = net::HttpClient(o).send(req, in(5000));
    CPPUNIT_ASSERT_MESSAGE(res.ok() ? "" : res.error().message, res.ok());
    const auto seen = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), seen.size());
    for (const auto &r : seen) {
      CPPUNIT_ASSERT_EQUAL(std::string("order-service"), r.headers.at("x-service-name"));
      const std::string value = r.headers.at("x-service-auth");
      const auto first = value.find(':'), second = value.find(':', first + 1);
      const int64_t ts = std::stoll(value.substr(first + 1, second - first - 1));
      CPPUNIT_ASSERT_EQUAL(auth::signServiceRequest("order-service", "s3cret", ts, "PUT", "/api/orders/7/status?x=1",
                                                    R"({"newStatus":"paid"})"),
                           value);
    }

    HttpPeer other;
    other.on("GET", "/x", {200, "{}"});
    o.auth = {net::OutboundAuth::Scheme::bearer, "", "", "tok-1"};
    CPPUNIT_ASSERT(net::HttpClient(o).send(request("GET", other.baseUrl() + "/x"), in(5000)).ok());
    o.auth = {net::OutboundAuth::Scheme::header, "", "X-Internal-Key", "key-1"};
    CPPUNIT_ASSERT(net::HttpClient(o).send(request("GET", other.baseUrl() + "/x"), in(5000)).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), other.requests().at(0).headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("key-1"), other.requests().at(1).headers.at("x-internal-key"));
    CPPUNIT_ASSERT(other.requests().at(1).headers.count("authorization") == 0);
  }

  void sendsMethodHeadersAndBody() {
    HttpPeer peer;
    peer.on("POST", "/v2/invoices", {201, R"({"id":"inv-1"})", "application/json", {{"X-Trace", "t1"}}});
    net::OutboundOptions o = fastRetries();
    o.headers["X-Service-Name"] = "order-service";
    net::HttpClient client(o);
    auto req = request("POST", peer.baseUrl() + "/v2/invoices?x=1", R"({"amount":1})");
    req.headers["Content-Type"] = "application/json";
    auto res = client.send(req, in(5000));
    CPPUNIT_ASSERT_MESSAGE(res.ok() ? "" : res.error().message, res.ok());
    CPPUNIT_ASSERT_EQUAL(int64_t(201), res->status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"id":"inv-1"})"), res->body);
    CPPUNIT_ASSERT_EQUAL(std::string("t1"), res->header("x-trace"));
    const auto seen = peer.requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("/v2/invoices?x=1"), seen.uri);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"amount":1})"), seen.body);
    CPPUNIT_ASSERT_EQUAL(std::string("order-service"), seen.headers.at("x-service-name"));
  }
  void retriesIdempotentRequestOn503() {
    HttpPeer peer;
    peer.on("GET", "/p", {503, "busy"});
    peer.then("GET", "/p", {200, "ok"});
    net::HttpClient client(fastRetries());
    auto res = client.send(request("GET", peer.baseUrl() + "/p"), in(5000));
    CPPUNIT_ASSERT_EQUAL(int64_t(200), res->status);
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.count("GET", "/p"));
  }
  void doesNotRetryPostUnlessFlaggedIdempotent() {
    HttpPeer peer;
    peer.on("POST", "/p", {503, "busy"});
    net::HttpClient client(fastRetries());
    auto res = client.send(request("POST", peer.baseUrl() + "/p", "{}"), in(5000));
    CPPUNIT_ASSERT_EQUAL(int64_t(503), res->status);
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/p"));
    auto flagged = request("POST", peer.baseUrl() + "/p", "{}");
    flagged.idempotent = true;
    CPPUNIT_ASSERT_EQUAL(int64_t(503), client.send(flagged, in(5000))->status);
    CPPUNIT_ASSERT_EQUAL(size_t(4), peer.count("POST", "/p")); // 1 + 3 attempts
  }
  // A peer that promises 100 bytes, sends 11 and closes: a transport
  // failure (retryable), never a 200 with half a body.
  void answerCutMidBodyIsUnavailable() {
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread peer([&] {
      for (int i = 0; i < 3; ++i) { // the first attempt and two retries
        Poco::Net::StreamSocket s = listener.acceptConnection();
        char buf[4096];
        s.receiveBytes(buf, sizeof buf);
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                                 "{\"orderId\":";
        s.sendBytes(head.data(), static_cast<int>(head.size()));
        s.close();
      }
    });
    net::HttpClient client(fastRetries());
    auto r = request("POST", "http://127.0.0.1:" + std::to_string(listener.address().port()) + "/cut", "{}");
    r.idempotent = true;
    auto res = client.send(r, in(5000));
    peer.join();
    CPPUNIT_ASSERT(!res.ok());
    CPPUNIT_ASSERT(res.error().code == orders::sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(res.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(res.error().message,
                           res.error().message.find(" of 100 response bytes") != std::string::npos);
  }

  void slowPeerGivesTimeoutError() {
    HttpPeer peer;
    peer.on("POST", "/slow", {200, "late", "text/plain", {}, std::chrono::milliseconds(800)});
    net::OutboundOptions o = fastRetries();
    o.timeout_ms = 150;
    net::HttpClient client(o);
    auto res = client.send(request("POST", peer.baseUrl() + "/slow", "{}"), in(5000));
    CPPUNIT_ASSERT(!res.ok());
    CPPUNIT_ASSERT(res.error().code == orders::sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(res.error().retryable);
    CPPUNIT_ASSERT(res.error().message.find("no answer within 150 ms") != std::string::npos);
  }
  void refusedConnectionIsUnavailable() {
    net::HttpClient client(fastRetries());
    const std::string url = "http://127.0.0.1:" + std::to_string(orders::testing::unusedPort()) + "/x";
    auto res = client.send(request("GET", url), in(5000));
    CPPUNIT_ASSERT(!res.ok());
    CPPUNIT_ASSERT(res.error().code == orders::sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(res.error().message.find("connection refused") != std::string::npos);
  }
  void exhaustedBudgetMakesNoAttempt() {
    HttpPeer peer;
    peer.on("GET", "/p", {200, "ok"});
    net::HttpClient client(fastRetries());
    auto res = client.send(request("GET", peer.baseUrl() + "/p"), in(-1));
    CPPUNIT_ASSERT(res.error().code == orders::sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT_EQUAL(size_t(0), peer.count("GET", "/p"));
  }
  void badUrlIsInvalidArgument() {
    net::HttpClient client(fastRetries());
    CPPUNIT_ASSERT(client.send(request("GET", "ftp://x/y"), in(1000)).error().code ==
                   orders::sdk::ErrorCode::invalid_argument);
  }
  void reusesConnectionsAcrossRequests() {
    HttpPeer peer;
    peer.on("GET", "/p", {200, "ok"});
    net::HttpClient client(fastRetries());
    for (int i = 0; i < 20; ++i)
      CPPUNIT_ASSERT(client.send(request("GET", peer.baseUrl() + "/p"), in(5000)).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(20), peer.count("GET", "/p"));
  }

  // A peer cannot make the host buffer an unbounded body (N1).
  void responseBodyBeyondTheLimitIsRefused() {
    HttpPeer peer;
    peer.on("GET", "/big", {200, std::string(300 * 1024, 'x')});
    peer.on("GET", "/small", {200, std::string(1000, 'y')});
    net::OutboundOptions o = fastRetries();
    o.max_response_bytes = 64 * 1024;
    net::HttpClient client(o);
    auto big = client.send(request("GET", peer.baseUrl() + "/big"), in(5000));
    CPPUNIT_ASSERT(!big.ok());
    CPPUNIT_ASSERT(big.error().code == orders::sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(!big.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(big.error().message,
                           big.error().message.find("max_response_bytes 65536") != std::string::npos);
    auto small = client.send(request("GET", peer.baseUrl() + "/small"), in(5000));
    CPPUNIT_ASSERT_MESSAGE(small.ok() ? "" : small.error().message, small.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1000), small->body.size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpClientTest);
