// TLS on the HTTP listener (http.tls), on real sockets with a self-signed
// certificate the `openssl` tool makes at test time: HTTPS answers with
// HSTS, plain HTTP and old TLS versions are refused, the front door's and
// the handshake's deadlines hold (a silent client, a stalled and a dribbled
// handshake), the connection cap, mutual TLS, and bad files refused at
// start-up with the option and file named.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/process_init.hpp"
#include "config/config_loader.hpp"
#include "eventually.hpp"
#include "http/http_server.hpp"
#include "metrics/metrics_registry.hpp"
#include "reliability_row.hpp"

using namespace orders::host;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Certificates and keys made once per run with the openssl tool.
struct Files {
  std::string dir, cert, key, other_key, garbage_key, client_cert, client_key;
  bool ok = false;
  std::string error;

  Files() {
    char tmpl[] = "/tmp/orders-tls-test-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      error = "mkdtemp failed";
      return;
    }
    dir = tmpl;
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    other_key = dir + "/other.key";
    garbage_key = dir + "/garbage.key";
    client_cert = dir + "/client.pem";
    client_key = dir + "/client.key";
    const std::string log = " >>" + dir + "/openssl.log 2>&1";
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2";
    const std::vector<std::string> commands = {
        "openssl req -x509" + ec + " -keyout " + key + " -out " + cert +
            " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1" + log,
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out " + other_key + log,
        "openssl req -x509" + ec + " -keyout " + client_key + " -out " + client_cert + " -subj /CN=client" + log,
    };
    for (const std::string &c : commands)
      if (std::system(c.c_str()) != 0) {
        error = "failed: " + c;
        return;
      }
    std::ofstream(garbage_key) << "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    ok = true;
  }
  ~Files() {
    if (dir.empty()) return;
    [[maybe_unused]] const int rc = std::system(("rm -rf " + dir).c_str());
  }
};

const Files &files() {
  static const Files f;
  return f;
}

http::TlsOptions tlsOptions() {
  http::TlsOptions t;
  t.enabled = true;
  t.cert_file = files().cert;
  t.key_file = files().key;
  t.handshake_timeout_ms = 1000;
  return t;
}

struct Server {
  metrics::MetricsRegistry metrics;
  std::unique_ptr<http::HttpServer> server;
  explicit Server(http::TlsOptions tls, int header_timeout_ms = 3000, int max_connections = 10000) {
    auto router = std::make_shared<http::Router>();
    router->add("GET", "/health", [](http::Request &) { return http::Response::json(200, Json::Value("ok")); });
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 8;
    options.access_log = false;
    options.header_timeout_ms = header_timeout_ms;
    options.max_connections = max_connections;
    options.tls = std::move(tls);
    server = std::make_unique<http::HttpServer>(options, router, metrics);
    server->start();
  }
  uint16_t port() const { return server->port(); }
  double refused(const std::string &reason) {
    return metrics.value("orders_http_connections_refused_total", {{"reason", reason}});
  }
};

// A client context trusting only the test certificate, host name checked.
Poco::Net::Context::Ptr trusting() {
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", files().cert,
                                Poco::Net::Context::VERIFY_STRICT);
}

struct Answer {
  int status = 0;
  std::string body, hsts, error;
};

Answer httpsGet(uint16_t port, Poco::Net::Context::Ptr context, const std::string &host = "localhost") {
  Answer a;
  try {
    Poco::Net::HTTPSClientSession s(host, port, context);
    s.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest req("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::istream &is = s.receiveResponse(res);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(is, body);
    a.status = res.getStatus();
    a.body = body.str();
    a.hsts = res.get("Strict-Transport-Security", "");
  } catch (const Poco::Exception &e) {
    a.error = e.displayText();
  } catch (const std::exception &e) {
    a.error = e.what();
  }
  return a;
}

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
  // What the server sends until it closes (closed() then true) or `ms`
  // pass; with `quiet_ms`, also stops after that long without a byte.
  std::string read(int ms, int quiet_ms = 0) {
    std::string out;
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    char buf[4096];
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count());
      if (quiet_ms > 0) left = std::min(left, quiet_ms);
      if (::poll(&p, 1, std::max(left, 1)) <= 0) break;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

private:
  int fd_ = -1;
  bool closed_ = false;
};

// A TLS client in memory (OpenSSL with memory BIOs): its bytes are sent by
// hand, so a test can stall or dribble its side of the handshake.
class MemoryClient {
public:
  MemoryClient() : ctx_(SSL_CTX_new(TLS_client_method())) {
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, in_, out_); // owned by ssl_ from here
    SSL_set_connect_state(ssl_);
  }
  ~MemoryClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  MemoryClient(const MemoryClient &) = delete;
  MemoryClient &operator=(const MemoryClient &) = delete;
  // Feeds what the server sent, steps the handshake, returns what to send.
  std::string step(const std::string &from_server = "") {
    if (!from_server.empty()) BIO_write(in_, from_server.data(), static_cast<int>(from_server.size()));
    SSL_do_handshake(ssl_);
    std::string out;
    char buf[4096];
    int n = 0;
    while ((n = BIO_read(out_, buf, sizeof buf)) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }
  bool done() const { return SSL_is_init_finished(ssl_) == 1; }

private:
  SSL_CTX *ctx_;
  SSL *ssl_;
  BIO *in_;
  BIO *out_;
};

std::string startError(http::TlsOptions tls) {
  try {
    Server s(std::move(tls));
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// This suite's part of the TLS listener's row in the Reliability table.
void tlsRow(const std::string &done, const std::string &held) {
  orders::testing::reliabilityRow("TLS listener (`http_tls_tests`)", done, held);
}

// How a connection the server must refuse ended.
std::string closedAfter(bool closed, const std::string &answer, double ms) {
  if (!closed) return "still open after " + orders::testing::msText(ms);
  return (answer.empty() ? "closed unanswered after " : "answered and closed after ") + orders::testing::msText(ms);
}

} // namespace

class TlsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TlsTest);
  CPPUNIT_TEST(httpsGetAnswers200WithHsts);
  CPPUNIT_TEST(plainHttpToTheTlsPortGetsNoHttpAnswer);
  CPPUNIT_TEST(oldTlsVersionsAreRefused);
  CPPUNIT_TEST(silentClientIsClosedAfterHeaderTimeout);
  CPPUNIT_TEST(stalledOrDribbledHandshakeIsClosedAfterHandshakeTimeout);
  CPPUNIT_TEST(connectionCapClosesTheExtraConnection);
  CPPUNIT_TEST(caFileRequiresAClientCertificate);
  CPPUNIT_TEST(badFilesFailStartUpNamingOptionAndFile);
  CPPUNIT_TEST(configIsValidatedAndRead);
  CPPUNIT_TEST_SUITE_END();

public:
  void setUp() override {
    app::initializeProcessLibraries();
    CPPUNIT_ASSERT_MESSAGE("openssl is not installed (packaging/deps.sh): " + files().error, files().ok);
  }

  void httpsGetAnswers200WithHsts() {
    Server s(tlsOptions());
    Answer a = httpsGet(s.port(), trusting());
    CPPUNIT_ASSERT_MESSAGE(a.error, a.error.empty());
    CPPUNIT_ASSERT_EQUAL(200, a.status);
    CPPUNIT_ASSERT_EQUAL(std::string("\"ok\""), a.body);
    CPPUNIT_ASSERT_EQUAL(std::string("max-age=31536000"), a.hsts);
    // A client that does not trust the certificate gets no answer.
    Poco::Net::Context::Ptr untrusting(
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_STRICT));
    CPPUNIT_ASSERT(!httpsGet(s.port(), untrusting).error.empty());

    // Keep-alive over TLS: several requests on one session.
    Poco::Net::HTTPSClientSession session("localhost", s.port(), trusting());
    for (int i = 0; i < 3; ++i) {
      Poco::Net::HTTPRequest req("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
      session.sendRequest(req);
      Poco::Net::HTTPResponse res;
      std::istream &is = session.receiveResponse(res);
      std::ostringstream body;
      Poco::StreamCopier::copyStream(is, body);
      CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(res.getStatus()));
    }

    // Latency: a new connection (TCP + handshake + request) per request,
    // next to the same on a plain listener.
    auto measure = [](const std::function<bool()> &request) {
      std::vector<double> ms;
      for (int i = 0; i < 50; ++i) {
        const auto start = Clock::now();
        if (!request()) return std::vector<double>{};
        ms.push_back(msSince(start));
      }
      std::sort(ms.begin(), ms.end());
      return ms;
    };
    auto context = trusting();
    const std::vector<double> tls = measure([&] { return httpsGet(s.port(), context).status == 200; });
    CPPUNIT_ASSERT_EQUAL(size_t(50), tls.size());
    http::TlsOptions off;
    Server plain(off);
    const std::vector<double> http = measure([&] {
      try {
        Poco::Net::HTTPClientSession c("127.0.0.1", plain.port());
        Poco::Net::HTTPRequest req("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
        c.sendRequest(req);
        Poco::Net::HTTPResponse res;
        std::ostringstream body;
        Poco::StreamCopier::copyStream(c.receiveResponse(res), body);
        return res.getStatus() == 200 && res.get("Strict-Transport-Security", "").empty();
      } catch (const std::exception &) {
        return false;
      }
    });
    CPPUNIT_ASSERT_EQUAL(size_t(50), http.size());
    std::cerr << "\n  new connection + GET /health, 50 each: TLS median " << tls[25] << " ms, p90 " << tls[45]
              << " ms, max " << tls[49] << " ms; plain HTTP median " << http[25] << " ms, p90 " << http[45]
              << " ms, max " << http[49] << " ms\n";
    using orders::testing::msText;
    tlsRow("50 new connections with GET /health over TLS, 50 over plain HTTP",
           "all answered 200; TLS median " + msText(tls[25]) + ", max " + msText(tls[49]) + " (plain HTTP " +
               msText(http[25]) + ", " + msText(http[49]) + ")");
    CPPUNIT_ASSERT_MESSAGE("TLS p90 " + std::to_string(tls[45]) + " ms", tls[45] < 500);
  }

  void plainHttpToTheTlsPortGetsNoHttpAnswer() {
    Server s(tlsOptions());
    Raw r(s.port());
    CPPUNIT_ASSERT(r.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const auto start = Clock::now();
    const std::string answer = r.read(5000);
    const double ms = msSince(start);
    std::cerr << "\n  plain HTTP to the TLS port closed after " << ms << " ms";
    tlsRow("plain HTTP to the TLS port", closedAfter(r.closed(), answer, ms));
    CPPUNIT_ASSERT_MESSAGE("answered: " + answer, answer.empty());
    CPPUNIT_ASSERT(r.closed());
    CPPUNIT_ASSERT_MESSAGE("closed after " + std::to_string(ms) + " ms", ms < 1000);
    CPPUNIT_ASSERT_EQUAL(1.0, s.refused("not_tls"));
    CPPUNIT_ASSERT_EQUAL(200, httpsGet(s.port(), trusting()).status); // still serving
  }

  void oldTlsVersionsAreRefused() {
    Server s(tlsOptions()); // min_version 1.2
    // A client offering TLS 1.1 at most (security level 0, so OpenSSL lets
    // the client offer it). OpenSSL 3 also refuses TLS 1.1 at its default
    // security level, so this alone does not prove min_version works: the
    // 1.3 case below does.
    Poco::Net::Context::Ptr tls11(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                         Poco::Net::Context::VERIFY_NONE, 9, false, "ALL:@SECLEVEL=0"));
    SSL_CTX_set_min_proto_version(tls11->sslContext(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(tls11->sslContext(), TLS1_1_VERSION);
    const Answer old = httpsGet(s.port(), tls11);
    CPPUNIT_ASSERT_MESSAGE("TLS 1.1 got " + std::to_string(old.status), old.status == 0 && !old.error.empty());

    // TLS 1.2 at most: served by min_version 1.2, refused by 1.3.
    Poco::Net::Context::Ptr tls12 = trusting();
    SSL_CTX_set_max_proto_version(tls12->sslContext(), TLS1_2_VERSION);
    const Answer a12 = httpsGet(s.port(), tls12);
    CPPUNIT_ASSERT_MESSAGE(a12.error, a12.status == 200);
    http::TlsOptions only13 = tlsOptions();
    only13.min_version = "1.3";
    Server s13(only13);
    const Answer refused = httpsGet(s13.port(), tls12);
    tlsRow("TLS 1.1 and TLS 1.2 against `min_version` 1.2 and 1.3",
           "TLS 1.1 " + (old.status == 0 ? std::string("refused") : "answered " + std::to_string(old.status)) +
               ", TLS 1.2 answered " + std::to_string(a12.status) + " by 1.2 and " +
               (refused.status == 0 ? std::string("refused") : "answered " + std::to_string(refused.status)) +
               " by 1.3");
    CPPUNIT_ASSERT_MESSAGE("TLS 1.2 to a 1.3 server got " + std::to_string(refused.status), refused.status == 0);
    CPPUNIT_ASSERT(orders::testing::eventually([&] { return s13.refused("tls_handshake_failed") == 1; }, 3000));
    CPPUNIT_ASSERT_EQUAL(200, httpsGet(s13.port(), trusting()).status);
  }

  void silentClientIsClosedAfterHeaderTimeout() {
    Server s(tlsOptions(), 1000);
    Raw r(s.port());
    CPPUNIT_ASSERT(r.ok());
    const auto start = Clock::now();
    const std::string answer = r.read(5000);
    const double ms = msSince(start);
    std::cerr << "\n  silent client (header_timeout_ms 1000) closed after " << ms << " ms";
    tlsRow("a silent client (`header_timeout_ms` 1000)", closedAfter(r.closed(), answer, ms));
    CPPUNIT_ASSERT_MESSAGE("answered: " + answer, answer.empty());
    CPPUNIT_ASSERT(r.closed());
    CPPUNIT_ASSERT_MESSAGE("closed after " + std::to_string(ms) + " ms", ms >= 900 && ms < 2000);
    CPPUNIT_ASSERT_EQUAL(1.0, s.refused("tls_hello_timeout"));
  }

  void stalledOrDribbledHandshakeIsClosedAfterHandshakeTimeout() {
    Server s(tlsOptions(), 10000); // the front door's deadline is far: the handshake's decides
    {                              // ClientHello, then silence
      MemoryClient client;
      Raw r(s.port());
      const auto start = Clock::now();
      CPPUNIT_ASSERT(r.send(client.step()));
      const std::string from_server = r.read(5000);
      const double ms = msSince(start);
      std::cerr << "\n  ClientHello then silence (handshake_timeout_ms 1000) closed after " << ms << " ms";
      const int served = httpsGet(s.port(), trusting()).status; // meanwhile and after, others are served
      tlsRow("a stalled handshake (`handshake_timeout_ms` 1000)",
             closedAfter(r.closed(), "", ms) + ", then an HTTPS client answered " + std::to_string(served));
      CPPUNIT_ASSERT(!from_server.empty() && from_server[0] == '\x16'); // the server's handshake flight
      CPPUNIT_ASSERT(r.closed());
      CPPUNIT_ASSERT_MESSAGE("closed after " + std::to_string(ms) + " ms", ms >= 900 && ms < 2000);
      CPPUNIT_ASSERT_EQUAL(200, served);
    }
    CPPUNIT_ASSERT(orders::testing::eventually([&] { return s.refused("tls_handshake_timeout") == 1; }, 3000));
    { // the client's Finished one byte per 100 ms: the deadline is for the whole handshake
      MemoryClient client;
      Raw r(s.port());
      const auto start = Clock::now();
      CPPUNIT_ASSERT(r.send(client.step()));
      const std::string finished = client.step(r.read(2000, 200));
      CPPUNIT_ASSERT(client.done());
      CPPUNIT_ASSERT(finished.size() > 10);
      size_t sent = 0;
      while (sent < finished.size() && r.send(finished.substr(sent, 1))) {
        ++sent;
        if (!r.read(100).empty() || r.closed()) break;
      }
      r.read(3000);
      const double ms = msSince(start);
      std::cerr << "\n  Finished dribbled (handshake_timeout_ms 1000) closed after " << ms << " ms";
      tlsRow("a handshake dribbled a byte per 100 ms", closedAfter(r.closed(), "", ms) + " (" + std::to_string(sent) +
                                                           " of " + std::to_string(finished.size()) + " bytes sent)");
      CPPUNIT_ASSERT(r.closed());
      CPPUNIT_ASSERT_MESSAGE("sent " + std::to_string(sent) + " of " + std::to_string(finished.size()) +
                                 " bytes; closed after " + std::to_string(ms) + " ms",
                             sent < finished.size() && ms >= 900 && ms < 2000);
    }
    CPPUNIT_ASSERT(orders::testing::eventually([&] { return s.refused("tls_handshake_timeout") == 2; }, 3000));
  }

  void connectionCapClosesTheExtraConnection() {
    Server s(tlsOptions(), 10000, 5);
    std::vector<Raw> held;
    for (int i = 0; i < 5; ++i) {
      held.emplace_back(s.port());
      CPPUNIT_ASSERT(held.back().ok());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Raw extra(s.port());
    const auto start = Clock::now();
    const std::string answer = extra.read(3000);
    tlsRow(std::to_string(held.size() + 1) + " connections at a cap of 5",
           "the extra one " + closedAfter(extra.closed(), answer, msSince(start)));
    CPPUNIT_ASSERT_MESSAGE("answered: " + answer, answer.empty()); // no TLS session to say 503 in
    CPPUNIT_ASSERT(extra.closed());
    CPPUNIT_ASSERT(msSince(start) < 1000);
    CPPUNIT_ASSERT_EQUAL(1.0, s.refused("over_capacity"));
    held.clear();
    CPPUNIT_ASSERT(orders::testing::eventually([&] { return httpsGet(s.port(), trusting()).status == 200; }, 3000));
  }

  void caFileRequiresAClientCertificate() {
    http::TlsOptions tls = tlsOptions();
    tls.ca_file = files().client_cert; // self-signed: its own CA
    Server s(tls);
    CPPUNIT_ASSERT_EQUAL(0, httpsGet(s.port(), trusting()).status);
    Poco::Net::Context::Ptr with_cert(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, files().client_key,
                                                             files().client_cert, files().cert,
                                                             Poco::Net::Context::VERIFY_STRICT));
    const Answer a = httpsGet(s.port(), with_cert);
    CPPUNIT_ASSERT_MESSAGE(a.error, a.status == 200);
    // A certificate the CA did not sign (the server's own) is refused.
    Poco::Net::Context::Ptr wrong_cert(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, files().key,
                                                              files().cert, files().cert,
                                                              Poco::Net::Context::VERIFY_STRICT));
    CPPUNIT_ASSERT_EQUAL(0, httpsGet(s.port(), wrong_cert).status);
  }

  void badFilesFailStartUpNamingOptionAndFile() {
    http::TlsOptions t = tlsOptions();
    t.cert_file = files().dir + "/missing.pem";
    std::string e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.cert_file: cannot read '" + t.cert_file + "'"));
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "No such file"));

    t = tlsOptions();
    t.cert_file = files().key; // a key where the certificate belongs
    e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.cert_file: '" + files().key + "' holds no PEM certificate"));

    t = tlsOptions();
    t.key_file = files().garbage_key;
    e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.key_file: '" + files().garbage_key + "' holds no unencrypted PEM"));

    t = tlsOptions();
    t.key_file = files().other_key;
    e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.key_file: the key in '" + files().other_key +
                                              "' does not belong to the certificate in http.tls.cert_file ('" +
                                              files().cert + "')"));

    t = tlsOptions();
    t.ca_file = files().dir + "/no-ca.pem";
    e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.ca_file: cannot read '" + t.ca_file + "'"));

    t = tlsOptions();
    t.ciphers = "NO-SUCH-CIPHER";
    e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.ciphers:") && contains(e, "NO-SUCH-CIPHER"));

    t = tlsOptions();
    t.key_file.clear();
    t.key_pem = "not a key";
    t.key_source = "http.tls.key_secret: secret TLS_KEY";
    e = startError(t);
    CPPUNIT_ASSERT_MESSAGE(e, contains(e, "http.tls.key_secret: secret TLS_KEY holds no unencrypted PEM"));
  }

  void configIsValidatedAndRead() {
    auto load = [](const std::string &yaml) {
      const std::string path = files().dir + "/config.yaml";
      std::ofstream(path) << yaml;
      return config::loadConfigFile(path, [](const std::string &) -> std::optional<std::string> { return {}; });
    };
    auto no_secret = [](const std::string &name) -> orders::sdk::Result<std::string> {
      return orders::sdk::notFound("secret " + name + " is not configured");
    };
    // Enabled without a certificate: the schema says which key is missing.
    auto missing = load("http:\n  tls:\n    enabled: true\n    key_file: /k.pem\n");
    CPPUNIT_ASSERT(!missing.ok());
    CPPUNIT_ASSERT_MESSAGE(missing.error().message,
                           contains(missing.error().message, "/http/tls/cert_file: is required"));
    auto bad_version =
        load("http:\n  tls:\n    enabled: true\n    cert_file: /c\n    key_file: /k\n    min_version: 1.1\n");
    CPPUNIT_ASSERT(!bad_version.ok());
    CPPUNIT_ASSERT_MESSAGE(bad_version.error().message, contains(bad_version.error().message, "/http/tls/min_version"));

    // Off by default; defaults filled in.
    auto off = load("http:\n  port: 8443\n");
    CPPUNIT_ASSERT_MESSAGE(off.ok() ? "" : off.error().message, off.ok());
    auto off_tls = http::tlsOptionsFromConfig(off.value()["http"]["tls"], no_secret);
    CPPUNIT_ASSERT(off_tls.ok() && !off_tls->enabled);

    // The key from a secret (a file secret here); unquoted 1.3 is read as "1.3".
    auto on = load("secrets:\n  TLS_KEY: { file: " + files().key +
                   " }\nhttp:\n  tls:\n    enabled: true\n    cert_file: " + files().cert +
                   "\n    key_secret: TLS_KEY\n    min_version: 1.3\n");
    CPPUNIT_ASSERT_MESSAGE(on.ok() ? "" : on.error().message, on.ok());
    const Json::Value &tls = on.value()["http"]["tls"];
    CPPUNIT_ASSERT_EQUAL(Json::Int64(5000), tls["handshake_timeout_ms"].asInt64());
    auto read = http::tlsOptionsFromConfig(tls, [&](const std::string &name) -> orders::sdk::Result<std::string> {
      if (name != "TLS_KEY") return orders::sdk::notFound(name);
      std::ifstream in(files().key);
      std::ostringstream text;
      text << in.rdbuf();
      std::string value = text.str();
      while (!value.empty() && value.back() == '\n') // as the secret store strips it
        value.pop_back();
      return value;
    });
    CPPUNIT_ASSERT_MESSAGE(read.ok() ? "" : read.error().message, read.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("1.3"), read->min_version);
    CPPUNIT_ASSERT(read->key_file.empty() && !read->key_pem.empty());
    Server s(read.value());
    CPPUNIT_ASSERT_EQUAL(200, httpsGet(s.port(), trusting()).status);

    auto unknown_secret = http::tlsOptionsFromConfig(tls, no_secret);
    CPPUNIT_ASSERT(!unknown_secret.ok());
    CPPUNIT_ASSERT_MESSAGE(unknown_secret.error().message,
                           contains(unknown_secret.error().message, "http.tls.key_secret: secret TLS_KEY"));
    Json::Value both = tls;
    both["key_file"] = files().key;
    auto two = http::tlsOptionsFromConfig(both, no_secret);
    CPPUNIT_ASSERT(!two.ok() && contains(two.error().message, "key_file or key_secret, not both"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);
