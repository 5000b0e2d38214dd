// The HTTP edge under abuse (issue 16), on a real socket: a server with few
// worker threads, attacked with raw sockets, must keep answering a normal
// client. Before the front door, 8 slowloris connections took this server
// (8 threads) down until they closed.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/process_init.hpp"
#include "http/http_server.hpp"
#include "metrics/metrics_registry.hpp"
#include "reliability_row.hpp"

using namespace orders::host;
using Clock = std::chrono::steady_clock;

namespace {

// A raw client socket, connected; closed on destruction.
class Raw {
public:
  explicit Raw(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
  }
  ~Raw() {
    if (fd_ >= 0) ::close(fd_);
  }
  Raw(Raw &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Raw(const Raw &) = delete;
  bool ok() const { return fd_ >= 0; }
  bool send(const std::string &s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size()); }
  // Everything the server sends until it closes, `ms` pass, or what came
  // ends with `until_suffix` (when given).
  std::string readAll(int ms, const std::string &until_suffix = "") {
    std::string out;
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    char buf[4096];
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      const int left =
          static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count());
      if (::poll(&p, 1, std::max(left, 1)) <= 0) break;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      if (!until_suffix.empty() && out.size() >= until_suffix.size() &&
          out.compare(out.size() - until_suffix.size(), until_suffix.size(), until_suffix) == 0)
        break;
    }
    return out;
  }

private:
  int fd_ = -1;
};

// A normal client's GET /health on a fresh connection; its latency in ms, or
// -1 when it did not get a 200.
double healthMs(uint16_t port) {
  const auto start = Clock::now();
  try {
    Poco::Net::HTTPClientSession s("127.0.0.1", port);
    s.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest req("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::istream &is = s.receiveResponse(res);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(is, body);
    if (res.getStatus() != 200) return -1;
  } catch (const std::exception &) {
    return -1;
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Normal clients beside an attack: how many of their requests got a 200 and
// the slowest, for the Reliability table.
struct NormalClients {
  int asked = 0, answered = 0;
  double slowest_ms = 0;
  // The slowest of `n` sequential normal requests, or -1 when one failed.
  double worstOf(uint16_t port, int n) {
    double worst = 0;
    for (int i = 0; i < n; ++i) {
      ++asked;
      const double ms = healthMs(port);
      if (ms < 0) return -1;
      ++answered;
      slowest_ms = std::max(slowest_ms, ms);
      worst = std::max(worst, ms);
    }
    return worst;
  }
  std::string text() const {
    return "normal requests " + std::to_string(answered) + " of " + std::to_string(asked) + " answered 200, slowest " +
           orders::testing::msText(slowest_ms);
  }
};

// The status line's code of an answer, or "closed unanswered".
std::string statusOf(const std::string &answer) {
  return answer.rfind("HTTP/1.", 0) == 0 ? answer.substr(9, 3) : "closed unanswered";
}

const std::string kRow = "(`http_abuse_tests`)";

struct Server {
  metrics::MetricsRegistry metrics;
  std::unique_ptr<http::HttpServer> server;
  explicit Server(http::ServerOptions options) {
    auto router = std::make_shared<http::Router>();
    router->add("GET", "/health", [](http::Request &) { return http::Response::json(200, Json::Value("ok")); });
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    server = std::make_unique<http::HttpServer>(options, router, metrics);
    server->start();
  }
  uint16_t port() const { return server->port(); }
};

http::ServerOptions small() {
  http::ServerOptions o;
  o.threads = 8;
  o.header_timeout_ms = 1500;
  return o;
}

} // namespace

class AbuseTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AbuseTest);
  CPPUNIT_TEST(slowlorisHoldsNoThreadAndIsAnswered408);
  CPPUNIT_TEST(idleKeepAliveConnectionsDoNotStarveOthers);
  CPPUNIT_TEST(oversizedHeaderIs431);
  CPPUNIT_TEST(beyondMaxConnectionsIs503WithRetryAfter);
  CPPUNIT_TEST(garbageIsAnswered400AndTheServerStaysUp);
  CPPUNIT_TEST(everyAnswerCarriesSecurityHeaders);
  CPPUNIT_TEST_SUITE_END();

public:
  void setUp() override { app::raiseOpenFileLimit(16384); }

  void slowlorisHoldsNoThreadAndIsAnswered408() {
    const http::ServerOptions o = small();
    Server s(o);
    const int attackers_n = 200; // 25x the thread count, each a header never finished
    const auto attack_start = Clock::now();
    std::vector<Raw> attackers;
    for (int i = 0; i < attackers_n; ++i) {
      Raw r(s.port());
      CPPUNIT_ASSERT(r.ok());
      CPPUNIT_ASSERT(r.send("GET /health HTTP/1.1\r\nHost: x\r\n"));
      attackers.push_back(std::move(r));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    NormalClients normal;
    for (int round = 0; round < 3; ++round) { // dribble: a header line now and then
      for (Raw &r : attackers)
        r.send("X-Slow: 1\r\n");
      const double worst = normal.worstOf(s.port(), 10);
      CPPUNIT_ASSERT_MESSAGE("a normal client failed while 200 slowloris connections were open", worst >= 0);
      CPPUNIT_ASSERT_MESSAGE("slowest normal request " + std::to_string(worst) + " ms", worst < 1000);
    }
    // Past header_timeout_ms each is answered 408 and closed, dribbling or not.
    int answered_408 = 0;
    std::string other;
    for (Raw &r : attackers) {
      const std::string answer = r.readAll(3000);
      if (answer.rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0 &&
          answer.find("application/problem+json") != std::string::npos)
        ++answered_408;
      else if (other.empty())
        other = answer.empty() ? "(closed unanswered)" : answer;
    }
    const double all_answered_ms = std::chrono::duration<double, std::milli>(Clock::now() - attack_start).count();
    orders::testing::reliabilityRow(
        "slowloris " + kRow,
        std::to_string(attackers_n) + " connections dribbling an unfinished header at an " + std::to_string(o.threads) +
            "-worker server (`header_timeout_ms` " + std::to_string(o.header_timeout_ms) + ")",
        normal.text() + " meanwhile; attackers answered 408: " + std::to_string(answered_408) + " of " +
            std::to_string(attackers_n) + ", all within " + orders::testing::msText(all_answered_ms) +
            " of the first connecting");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(other, attackers_n, answered_408);
    CPPUNIT_ASSERT(s.metrics.value("orders_http_connections_refused_total", {{"reason", "header_timeout"}}) >= 1);
  }

  void idleKeepAliveConnectionsDoNotStarveOthers() {
    const http::ServerOptions o = small();
    Server s(o);
    const int idle_n = 2000, checked_n = 16;
    std::vector<Raw> idle;
    int kept_alive = 0;
    std::string last;
    for (int i = 0; i < idle_n; ++i) { // one request each, then silence on a kept-alive connection
      Raw r(s.port());
      CPPUNIT_ASSERT_MESSAGE("connection " + std::to_string(i), r.ok());
      CPPUNIT_ASSERT(r.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
      const std::string answer = r.readAll(2000, "\"ok\""); // the whole answer, connection left open
      if (i < checked_n) {
        CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 200", 0) == 0);
        std::string lower = answer;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower.find("connection: close") == std::string::npos) ++kept_alive;
        last = answer;
      }
      idle.push_back(std::move(r));
    }
    NormalClients normal;
    const double worst = normal.worstOf(s.port(), 20);
    orders::testing::reliabilityRow("idle keep-alive flood " + kRow,
                                    std::to_string(idle_n) + " connections, one request each, then idle, at an " +
                                        std::to_string(o.threads) + "-worker server",
                                    "kept alive: " + std::to_string(kept_alive) + " of the first " +
                                        std::to_string(checked_n) + " (at most half the workers); " + normal.text() +
                                        " beside them");
    // Keep-alive stops once half the 8 threads hold connections.
    CPPUNIT_ASSERT_MESSAGE(std::to_string(kept_alive) + " kept alive; the last answer:\n" + last,
                           kept_alive >= 1 && kept_alive <= 4);
    CPPUNIT_ASSERT_MESSAGE("a normal client failed next to 2,000 idle connections", worst >= 0);
    CPPUNIT_ASSERT_MESSAGE("slowest normal request " + std::to_string(worst) + " ms", worst < 1000);
  }

  void oversizedHeaderIs431() {
    http::ServerOptions o = small();
    o.max_header_bytes = 4096;
    Server s(o);
    Raw r(s.port());
    const std::string request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n";
    CPPUNIT_ASSERT(r.send(request));
    const std::string answer = r.readAll(2000);
    NormalClients normal;
    normal.worstOf(s.port(), 3);
    orders::testing::reliabilityRow("oversized header, connection cap, garbage " + kRow,
                                    std::to_string(request.size()) + "-byte header at a " +
                                        std::to_string(o.max_header_bytes) + "-byte limit",
                                    "answered " + statusOf(answer) + ", then " + normal.text());
    CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(answer, answer.find("exceeds 4096 bytes") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(3, normal.answered);
  }

  void beyondMaxConnectionsIs503WithRetryAfter() {
    http::ServerOptions o = small();
    o.max_connections = 50;
    Server s(o);
    std::vector<Raw> held;
    for (int i = 0; i < o.max_connections; ++i) { // connected, silent: they wait in the front door
      held.emplace_back(s.port());
      CPPUNIT_ASSERT(held.back().ok());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Raw extra(s.port());
    CPPUNIT_ASSERT(extra.ok());
    const std::string answer = extra.readAll(2000);
    const bool retry_after = answer.find("Retry-After: 1\r\n") != std::string::npos;
    const size_t connected = held.size() + 1;
    held.clear(); // once they leave, clients are served again
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    NormalClients normal;
    normal.worstOf(s.port(), 3);
    orders::testing::reliabilityRow(
        "oversized header, connection cap, garbage " + kRow,
        std::to_string(connected) + " connections at a cap of " + std::to_string(o.max_connections),
        "the extra one answered " + statusOf(answer) + (retry_after ? " + Retry-After" : "") + ", then " +
            normal.text() + " once the others left");
    CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(answer, retry_after);
    CPPUNIT_ASSERT_EQUAL(1.0, s.metrics.value("orders_http_connections_refused_total", {{"reason", "over_capacity"}}));
    CPPUNIT_ASSERT_EQUAL(3, normal.answered);
  }

  void garbageIsAnswered400AndTheServerStaysUp() {
    Server s(small());
    const std::vector<std::string> streams = {
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 16), std::string("HELLO\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE GARBAGE\r\n\r\nGET /health HTTP/1.1\r\n\r\n"),
        std::string("POST /health HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")};
    std::map<std::string, int> first_answers;
    for (const std::string &garbage : streams) {
      Raw r(s.port());
      CPPUNIT_ASSERT(r.send(garbage));
      const std::string answer = r.readAll(3000);
      ++first_answers[statusOf(answer)];
      CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.", 0) == 0 || answer.empty());
    }
    NormalClients normal;
    CPPUNIT_ASSERT(normal.worstOf(s.port(), 5) >= 0);
    std::string answers;
    for (const auto &[status, n] : first_answers)
      answers += (answers.empty() ? "" : ", ") + status + " x " + std::to_string(n);
    orders::testing::reliabilityRow(
        "oversized header, connection cap, garbage " + kRow,
        std::to_string(streams.size()) +
            " garbage streams (a TLS hello, a bare word, junk after a request, a bad chunk)",
        "first answers " + answers + "; then " + normal.text());
  }

  void everyAnswerCarriesSecurityHeaders() {
    Server s(small());
    for (const std::string path : {"/health", "/nowhere"}) { // a 200 and a 404 problem
      Raw r(s.port());
      CPPUNIT_ASSERT(r.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      const std::string answer = r.readAll(2000);
      for (const char *header :
           {"X-Content-Type-Options: nosniff\r\n", "X-Frame-Options: DENY\r\n", "Referrer-Policy: no-referrer\r\n",
            "Cache-Control: no-store\r\n", "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n",
            "X-Request-Id: "})
        CPPUNIT_ASSERT_MESSAGE(path + " lacks " + header + ":\n" + answer, answer.find(header) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AbuseTest);
