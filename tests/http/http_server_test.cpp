// The HTTP listener on a real socket (port 0) with a test route table.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include "config/schema_validator.hpp"
#include "http/api_error.hpp"
#include "http/http_server.hpp"
#include "http/json_body.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;

namespace {

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers;
  Json::Value json() const { return orders::sdk::parseJson(body); }
};

Reply send(uint16_t port, const std::string &method, const std::string &path, const std::string &body = "",
           const std::string &content_type = "application/json", bool chunked = false,
           std::map<std::string, std::string> headers = {}) {
  Poco::Net::HTTPClientSession s("127.0.0.1", port);
  s.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto &[k, v] : headers)
    req.set(k, v);
  if (!body.empty()) {
    req.setContentType(content_type);
    if (chunked)
      req.setChunkedTransferEncoding(true);
    else
      req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  s.sendRequest(req) << body;
  Poco::Net::HTTPResponse res;
  std::istream &is = s.receiveResponse(res);
  Reply r;
  r.status = res.getStatus();
  r.content_type = res.getContentType();
  for (const auto &[k, v] : res)
    r.headers[k] = v;
  std::ostringstream out;
  Poco::StreamCopier::copyStream(is, out);
  r.body = out.str();
  return r;
}

const char *kEchoSchema = R"({
  "type": "object", "additionalProperties": false, "required": ["productId", "quantity"],
  "properties": { "productId": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1},
                  "note": {"type": "string"} }
})";

} // namespace

class HttpServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpServerTest);
  CPPUNIT_TEST(routesToHandlerWithParams);
  CPPUNIT_TEST(unknownPathIs404ProblemJson);
  CPPUNIT_TEST(wrongMethodIs405WithAllow);
  CPPUNIT_TEST(oversizeBodyIs413BeforeReading);
  CPPUNIT_TEST(oversizeChunkedBodyIs413);
  CPPUNIT_TEST(oversizeBodySentWholeBeforeReadingStillGets413);
  CPPUNIT_TEST(malformedJsonIs400);
  CPPUNIT_TEST(duplicateKeyIs400);
  CPPUNIT_TEST(trailingDataIs400);
  CPPUNIT_TEST(wrongTypesAndUnknownFieldsAreNamed);
  CPPUNIT_TEST(nonJsonContentTypeIs415);
  CPPUNIT_TEST(handlerExceptionIs500WithoutLeakingDetails);
  CPPUNIT_TEST(requestIdIsEchoedOrGenerated);
  CPPUNIT_TEST(metricsCountRequestsByRouteAndStatus);
  CPPUNIT_TEST(stopDrainsInFlightRequests);
  CPPUNIT_TEST(largeAnswersAreNotHeldForTheClientsAck);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<metrics::MetricsRegistry> metrics_;
  std::unique_ptr<http::HttpServer> server_;
  std::shared_ptr<const config::SchemaValidator> schema_;
  std::atomic<bool> slow_started_{false};

public:
  void setUp() override {
    metrics_ = std::make_unique<metrics::MetricsRegistry>();
    schema_ = config::SchemaValidator::compile(orders::sdk::parseJson(kEchoSchema)).value();
    auto router = std::make_shared<http::Router>();
    router->add("GET", "/items/:id", [](http::Request &r) {
      Json::Value v;
      v["id"] = r.param("id");
      v["q"] = r.query_params["q"];
      return http::Response::json(200, v);
    });
    router->add("POST", "/items", [this](http::Request &r) {
      Json::Value v = http::parseJsonBody(r, schema_.get());
      return http::Response::json(201, v);
    });
    router->add("GET", "/explode", [](http::Request &) -> http::Response {
      throw std::runtime_error("secret database password in message");
    });
    router->add("GET", "/big", [](http::Request &) { return http::Response::text(200, std::string(20000, 'x')); });
    router->add("GET", "/slow", [this](http::Request &) {
      slow_started_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return http::Response::text(200, "done");
    });
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 8;
    options.max_body_bytes = 1024;
    options.access_log = false;
    server_ = std::make_unique<http::HttpServer>(options, router, *metrics_);
    server_->start();
  }
  void tearDown() override { server_.reset(); }

  // An answer larger than Poco's 8 KB session buffer goes out in several
  // writes; without TCP_NODELAY Nagle held the last until the client's
  // delayed ACK, 40 ms on Linux, on every request of a keep-alive
  // connection (a list page took 44 ms). 25 requests would need at least
  // 1 s that way; they take a few ms each without it.
  void largeAnswersAreNotHeldForTheClientsAck() {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setKeepAlive(true);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 25; ++i) {
      Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/big", Poco::Net::HTTPMessage::HTTP_1_1);
      session.sendRequest(req);
      Poco::Net::HTTPResponse res;
      std::string body;
      Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
      CPPUNIT_ASSERT_EQUAL(size_t(20000), body.size());
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took.count()) + " ms for 25 answers of 20 KB", took.count() < 700);
  }

  void routesToHandlerWithParams() {
    Reply r = send(server_->port(), "GET", "/items/abc?q=x%20y");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("abc"), r.json()["id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("x y"), r.json()["q"].asString());
  }
  void unknownPathIs404ProblemJson() {
    Reply r = send(server_->port(), "GET", "/nothing");
    CPPUNIT_ASSERT_EQUAL(404, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/problem+json"), r.content_type);
    CPPUNIT_ASSERT_EQUAL(std::string("not_found"), r.json()["code"].asString());
    CPPUNIT_ASSERT_EQUAL(404, r.json()["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("/nothing"), r.json()["instance"].asString());
  }
  void wrongMethodIs405WithAllow() {
    Reply r = send(server_->port(), "DELETE", "/items/1");
    CPPUNIT_ASSERT_EQUAL(405, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), r.headers["Allow"]);
    CPPUNIT_ASSERT_EQUAL(std::string("method_not_allowed"), r.json()["code"].asString());
  }
  void oversizeBodyIs413BeforeReading() {
    Reply r = send(server_->port(), "POST", "/items", std::string(4096, 'x'));
    CPPUNIT_ASSERT_EQUAL(413, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("payload_too_large"), r.json()["code"].asString());
  }
  void oversizeChunkedBodyIs413() {
    Reply r = send(server_->port(), "POST", "/items", std::string(4096, 'x'), "application/json", true);
    CPPUNIT_ASSERT_EQUAL(413, r.status);
  }
  // A client that writes its whole (oversize) body before reading must still
  // read the 413, not a connection reset: the server drains before closing.
  void oversizeBodySentWholeBeforeReadingStillGets413() {
    for (int round = 0; round < 5; ++round) {
      Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
      socket.setReceiveTimeout(Poco::Timespan(10, 0));
      const std::string body(2 * 1024 * 1024, 'x');
      const std::string head = "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n";
      socket.sendBytes(head.data(), static_cast<int>(head.size()));
      size_t sent = 0;
      while (sent < body.size()) {
        const int n =
            socket.sendBytes(body.data() + sent, static_cast<int>(std::min<size_t>(65536, body.size() - sent)));
        CPPUNIT_ASSERT(n > 0);
        sent += static_cast<size_t>(n);
      }
      std::string answer;
      char buf[4096];
      for (int n; (n = socket.receiveBytes(buf, sizeof buf)) > 0;)
        answer.append(buf, static_cast<size_t>(n));
      CPPUNIT_ASSERT_MESSAGE(answer.substr(0, 200), answer.rfind("HTTP/1.1 413", 0) == 0);
      std::string lower = answer;
      for (char &c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      CPPUNIT_ASSERT_MESSAGE(answer.substr(0, 400), lower.find("connection: close") != std::string::npos);
      CPPUNIT_ASSERT(answer.find("payload_too_large") != std::string::npos);
    }
  }
  void malformedJsonIs400() {
    Reply r = send(server_->port(), "POST", "/items", "{\"productId\": ");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    CPPUNIT_ASSERT(r.json()["detail"].asString().rfind("request body is not valid JSON", 0) == 0);
  }
  void duplicateKeyIs400() {
    Reply r = send(server_->port(), "POST", "/items", R"({"productId":"a","productId":"b","quantity":1})");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    CPPUNIT_ASSERT(r.json()["detail"].asString().find("productId") != std::string::npos);
  }
  void trailingDataIs400() {
    Reply r = send(server_->port(), "POST", "/items", R"({"productId":"a","quantity":1} {})");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
  }
  void wrongTypesAndUnknownFieldsAreNamed() {
    Reply r = send(server_->port(), "POST", "/items", R"({"productId":7,"quantity":0,"colour":"red"})");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    std::map<std::string, std::string> errors;
    const Json::Value problem = r.json();
    for (const Json::Value &e : problem["errors"])
      errors[e["pointer"].asString()] = e["message"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("must be of type string"), errors["/productId"]);
    CPPUNIT_ASSERT_EQUAL(std::string("must be >= 1"), errors["/quantity"]);
    CPPUNIT_ASSERT_EQUAL(std::string("unknown key"), errors["/colour"]);
    Reply ok = send(server_->port(), "POST", "/items", R"({"productId":"p","quantity":2})");
    CPPUNIT_ASSERT_EQUAL(201, ok.status);
  }
  void nonJsonContentTypeIs415() {
    Reply r = send(server_->port(), "POST", "/items", "productId=1", "application/x-www-form-urlencoded");
    CPPUNIT_ASSERT_EQUAL(415, r.status);
  }
  void handlerExceptionIs500WithoutLeakingDetails() {
    Reply r = send(server_->port(), "GET", "/explode");
    CPPUNIT_ASSERT_EQUAL(500, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("internal"), r.json()["code"].asString());
    CPPUNIT_ASSERT(r.body.find("password") == std::string::npos);
  }
  void requestIdIsEchoedOrGenerated() {
    Reply given = send(server_->port(), "GET", "/items/1", "", "", false, {{"X-Request-Id", "trace-42"}});
    CPPUNIT_ASSERT_EQUAL(std::string("trace-42"), given.headers["X-Request-Id"]);
    Reply bad = send(server_->port(), "GET", "/items/1", "", "", false, {{"X-Request-Id", "bad id\"<>"}});
    CPPUNIT_ASSERT(bad.headers["X-Request-Id"] != "bad id\"<>");
    CPPUNIT_ASSERT_EQUAL(size_t(16), bad.headers["X-Request-Id"].size());
  }
  void metricsCountRequestsByRouteAndStatus() {
    for (int i = 0; i < 3; ++i)
      send(server_->port(), "GET", "/items/" + std::to_string(i));
    send(server_->port(), "GET", "/nothing");
    CPPUNIT_ASSERT_EQUAL(3.0, metrics_->value("orders_http_requests_total",
                                              {{"route", "/items/:id"}, {"method", "GET"}, {"status", "200"}}));
    CPPUNIT_ASSERT_EQUAL(1.0, metrics_->value("orders_http_requests_total",
                                              {{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}}));
    CPPUNIT_ASSERT_EQUAL(uint64_t(3),
                         metrics_->count("orders_http_request_duration_seconds", {{"route", "/items/:id"}}));
  }
  void stopDrainsInFlightRequests() {
    const uint16_t port = server_->port();
    auto pending = std::async(std::launch::async, [port] { return send(port, "GET", "/slow"); });
    while (!slow_started_)
      std::this_thread::yield();
    server_->stop();
    Reply r = pending.get();
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("done"), r.body);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpServerTest);
