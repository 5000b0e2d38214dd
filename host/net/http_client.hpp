// Outbound HTTP for plugins, on Poco.
//
// One HttpClient per plugin instance: per-attempt timeout, retries with
// doubling backoff for idempotent requests (transport failure or 502/503/504),
// keep-alive connections reused per origin, TLS through NetSSL, static
// headers added to every request. A deadline caps every attempt and the
// backoff sleeps, so a plugin call never outlives its budget.
//
// Thread-safety: send() may run concurrently; the connection pool locks.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "orders/sdk/host.hpp"

namespace Poco::Net {
class HTTPRequest;
class HTTPClientSession;
} // namespace Poco::Net

namespace orders::host::net {

// How a plugin instance's outbound requests authenticate themselves (added
// by the host on every attempt; the secret never reaches logs or plugins):
//   service_hmac: x-service-name + x-service-auth name:timestamp:hmac (seed 004)
//   bearer:       Authorization: Bearer <secret>
//   header:       <header_name>: <secret>
struct OutboundAuth {
  enum class Scheme { none, service_hmac, bearer, header };
  Scheme scheme = Scheme::none;
  std::string service_name;
  std::string header_name;
  std::string secret;
  bool name_timestamp = false; // service_hmac in LAKOO's format: hmac over name:timestamp (seconds)
};

struct OutboundOptions {
  int64_t timeout_ms = 5000;
  int retries = 2;
  int64_t retry_backoff_ms = 100;
  size_t max_idle_connections = 16;
  size_t max_response_bytes = 8 << 20; // larger bodies are refused, not read
  std::map<std::string, std::string> headers;
  OutboundAuth auth;
};

class HttpClient {
public:
  using Deadline = std::chrono::steady_clock::time_point;

  explicit HttpClient(OutboundOptions options);
  ~HttpClient();
  HttpClient(const HttpClient &) = delete;
  HttpClient &operator=(const HttpClient &) = delete;

  // Any HTTP status is a value; transport failures are unavailable/timeout,
  // a bad URL is invalid_argument.
  sdk::Result<sdk::HttpResponse> send(const sdk::HttpRequest &request, Deadline deadline);

private:
  struct Origin {
    std::string scheme, host;
    uint16_t port = 0;
    std::string key() const { return scheme + "://" + host + ":" + std::to_string(port); }
  };
  std::unique_ptr<Poco::Net::HTTPClientSession> acquire(const Origin &origin, bool *reused);
  void release(const Origin &origin, std::unique_ptr<Poco::Net::HTTPClientSession> session);
  void applyAuth(Poco::Net::HTTPRequest &req, const std::string &path_and_query, const sdk::HttpRequest &request) const;
  sdk::Result<sdk::HttpResponse> attempt(const Origin &origin, const std::string &path_and_query,
                                         const sdk::HttpRequest &request, int64_t timeout_ms);

  OutboundOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>>> idle_;
};

} // namespace orders::host::net
