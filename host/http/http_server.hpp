// The HTTP listener: the front door (front_door.hpp: connections wait for
// their whole header on one epoll thread, abuse answered 408/431/503), then
// Poco's HTTP connections on a thread pool, in front of a Router.
//
// For every request: a request id (X-Request-Id if sane, else generated and
// echoed), route matching (404/405 with Allow), the body-size limit (413
// before reading an oversize body), the handler call with every exception
// caught at this one place and turned into problem+json, metrics
// (orders_http_requests_total{route,method,status},
// orders_http_request_duration_seconds{route}) and a JSON access-log line.
//
// With http.tls (tls.hpp) the listener speaks only TLS: the front door waits
// for the ClientHello, then a worker does the handshake within
// tls.handshake_timeout_ms before Poco reads the request; every answer then
// carries Strict-Transport-Security.
//
// Thread-safety: Poco runs handlers on its pool; the router and metrics are
// safe for concurrent use. stop() drains in-flight requests.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/api_error.hpp"
#include "http/router.hpp"
#include "http/tls.hpp"
#include "metrics/metrics_registry.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class TCPServerDispatcher;
}
} // namespace Poco

namespace orders::host::http {

class FrontDoor;

// CORS for browser callers (config http.cors); off while `origins` is empty.
struct CorsOptions {
  std::vector<std::string> origins; // exact, or "*"
  std::string methods;              // "GET, POST"
  std::string headers;              // "Authorization, Content-Type"
  bool credentials = false;
  int max_age_seconds = 600;
};

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;
  int threads = 64;
  int max_queued = 512;
  bool keep_alive = true;
  int64_t keep_alive_timeout_ms = 5000;
  int max_keep_alive_requests = 0;
  // Abuse limits (issue 16): see front_door.hpp. A connection's header must
  // arrive whole within header_timeout_ms; reads of a body wait at most
  // read_timeout_ms each; keep-alive is granted only while fewer than
  // keep_alive_busy_percent of the threads serve connections.
  int64_t header_timeout_ms = 10000;
  size_t max_header_bytes = 16384;
  int max_connections = 10000;
  int64_t read_timeout_ms = 10000;
  int keep_alive_busy_percent = 50;
  size_t max_body_bytes = 1 << 20;
  bool access_log = true;
  CorsOptions cors;
  TlsOptions tls;
  // Turns an exception the handlers did not catch into the client's error
  // (e.g. "the database is away" -> 503 unavailable); nullopt: 500 internal.
  std::function<std::optional<ApiError>(const std::exception &)> translate;
};

class HttpServer {
public:
  HttpServer(ServerOptions options, std::shared_ptr<const Router> router, metrics::MetricsRegistry &metrics);
  ~HttpServer();
  HttpServer(const HttpServer &) = delete;
  HttpServer &operator=(const HttpServer &) = delete;

  // Throws when the port cannot be bound or, with TLS, when the TLS options
  // are refused (std::invalid_argument naming the option and file).
  void start();
  // Stops accepting, lets in-flight requests finish (up to `drain_ms`).
  void stop(int64_t drain_ms = 10000);
  uint16_t port() const;

private:
  ServerOptions options_;
  std::shared_ptr<const Router> router_;
  metrics::MetricsRegistry &metrics_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  Poco::Net::TCPServerDispatcher *dispatcher_ = nullptr; // reference-counted by Poco
  std::function<void(bool)> stop_connections_;           // Poco's serverStopped event (abort current?)
  std::unique_ptr<FrontDoor> front_door_;
  // TLS connections a worker is handshaking (Poco counts a connection only
  // once its handshake is done): counted against max_connections.
  std::shared_ptr<std::atomic<int>> handshaking_ = std::make_shared<std::atomic<int>>(0);
  uint16_t bound_port_ = 0;
};

} // namespace orders::host::http
