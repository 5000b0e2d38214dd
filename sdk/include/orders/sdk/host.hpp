// orders/sdk/host.hpp - what a plugin may ask of the host.
//
// `Host` wraps the orders_host_services_t table handed to create(). Copying it
// is cheap (one pointer); it stays valid for the instance's lifetime. Every
// method is thread-safe and noexcept towards the ABI: failures come back as
// Result errors. Outbound HTTP goes through the host so that timeouts,
// retries of idempotent requests, connection reuse, TLS, outbound auth and
// the per-instance circuit breaker are applied uniformly; a plugin needs no
// HTTP client of its own, and sdk/testing/FakeHost scripts the responses.
#ifndef ORDERS_SDK_HOST_HPP
#define ORDERS_SDK_HOST_HPP

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/json.hpp"
#include "orders/sdk/sink.hpp"

namespace orders::sdk {

// ORDERS_HAS_MEMBER(T, table, member) lives in abi.h (C plugins need it too).

enum class LogLevel : int32_t {
  debug = ORDERS_LOG_DEBUG,
  info = ORDERS_LOG_INFO,
  warn = ORDERS_LOG_WARN,
  error = ORDERS_LOG_ERROR,
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;                            // absolute http:// or https:// URL
  std::map<std::string, std::string> headers; // names as sent
  std::optional<int64_t> timeoutMs;           // default: the instance's http.timeout_ms
  bool idempotent = false;                    // GET/HEAD/PUT/DELETE are always idempotent
  std::string body;                           // not in JSON: sent as the payload
  template <class V> void visit(V &v) {
    v("method", method);
    v("url", url);
    v("headers", headers);
    v("timeoutMs", timeoutMs);
    v("idempotent", idempotent);
  }
};

struct HttpResponse {
  int64_t status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;                           // not in JSON: the BODY part
  template <class V> void visit(V &v) {
    v("status", status);
    v("headers", headers);
  }
  bool isSuccess() const noexcept { return status >= 200 && status < 300; }
  // Header by lower-case name, or empty.
  std::string header(const std::string &lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One order-core operation for a dialect (since ABI 1.4): what the host's
// own API route of that operation would get. `call` is the DialectRequest's
// callId: the core acts as the principal the host authenticated for it.
// Operations (canonical route in brackets; params/query/body as there):
//   checkout [POST /api/orders]            createForUser [POST /internal/orders]
//   get {id} [GET /api/orders/:id]         getByNumber {orderNumber}
//   getByNumericId {numericId} (the order's integer id; dialects only)
//   list [GET /api/orders] (query: userId, sellerId, status, createdFrom,
//        createdTo, cursor, limit, and offset + total=true for page numbers)
//   adminList [GET /api/admin/orders]      adminGet {id}
//   history {id}    invoice {id}    cancel {id}
//   retryPayment {id} (also the first payment of a payLater order)
//   refreshPayment {id} (ask the provider now; dialects only)
//   setStatus {id} [PUT .../status]        setShippingCost {id}
// Headers the route reads (idempotency-key) go in `headers`. On a route
// whose auth group lists "public", get / getByNumber / getByNumericId also
// answer an anonymous caller. orders/sdk/dialect_support.hpp has helpers.
struct CoreCall {
  std::string op;
  std::string call;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;
  template <class V> void visit(V &v) {
    v("op", op);
    v("call", call);
    v("params", params);
    v("query", query);
    v("headers", headers);
  }
};

// The canonical answer: status, headers (lower-case names) and body
// (canonical JSON, an RFC 9457 problem for 4xx/5xx, or a document).
struct CoreAnswer {
  int64_t status = 0;
  std::map<std::string, std::string> headers;
  std::string body; // not in JSON: the BODY part
  template <class V> void visit(V &v) {
    v("status", status);
    v("headers", headers);
  }
  bool isSuccess() const noexcept { return status >= 200 && status < 300; }
  std::string header(const std::string &lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The body as JSON (null when empty; throws DecodeError when not JSON).
  Json::Value json() const { return body.empty() ? Json::Value() : parseJson(body); }
};

class Host {
public:
  explicit Host(const orders_host_services_t *services) noexcept : services_(services) {}

  void log(LogLevel level, std::string_view message) const noexcept {
    if (services_ != nullptr && services_->log != nullptr)
      services_->log(services_->ctx, static_cast<int32_t>(level), bytesOf(message));
  }
  void debug(std::string_view m) const noexcept { log(LogLevel::debug, m); }
  void info(std::string_view m) const noexcept { log(LogLevel::info, m); }
  void warn(std::string_view m) const noexcept { log(LogLevel::warn, m); }
  void error(std::string_view m) const noexcept { log(LogLevel::error, m); }

  // Metrics; `name` without prefix (the host adds "orders_plugin_").
  void counter(std::string_view name, double by = 1.0, const std::map<std::string, std::string> &labels = {}) const {
    metric(ORDERS_METRIC_COUNTER, name, by, labels);
  }
  void gauge(std::string_view name, double value, const std::map<std::string, std::string> &labels = {}) const {
    metric(ORDERS_METRIC_GAUGE, name, value, labels);
  }
  void observe(std::string_view name, double value, const std::map<std::string, std::string> &labels = {}) const {
    metric(ORDERS_METRIC_HISTOGRAM, name, value, labels);
  }

  // Performs an HTTP request through the host. Any HTTP status is a success
  // value; transport failures are unavailable/timeout errors.
  Result<HttpResponse> http(const HttpRequest &request) const {
    if (services_ == nullptr || services_->http == nullptr) return unsupported("host offers no http service");
    SinkBuffer sink;
    const std::string req = encode(request);
    const orders_status_t rc = services_->http(services_->ctx, bytesOf(req), bytesOf(request.body), sink.sink());
    if (rc != ORDERS_OK) return sink.errorFor(rc);
    auto meta = decode<HttpResponse>(sink.meta());
    if (!meta.ok()) return internalError("host http returned bad metadata: " + meta.error().message);
    HttpResponse response = std::move(meta).value();
    response.body = std::move(sink.body());
    return response;
  }

  int64_t nowUnixMs() const noexcept {
    return services_ != nullptr && services_->now_unix_ms != nullptr ? services_->now_unix_ms(services_->ctx) : 0;
  }

  // A configured secret's value; not_found when absent.
  Result<std::string> secret(std::string_view name) const {
    if (services_ == nullptr || services_->secret == nullptr) return unsupported("host offers no secrets");
    SinkBuffer sink;
    const orders_status_t rc = services_->secret(services_->ctx, bytesOf(name), sink.sink());
    if (rc != ORDERS_OK) return sink.errorFor(rc);
    return std::move(sink.body());
  }

  // Runs an order-core operation for the dialect request `call.call` (ABI
  // 1.4 hosts; unsupported on older ones and for non-dialect plugins).
  Result<CoreAnswer> core(const CoreCall &call, std::string_view body = {}) const {
    if (services_ == nullptr || !ORDERS_HAS_MEMBER(orders_host_services_t, services_, core) ||
        services_->core == nullptr)
      return unsupported("host offers no core service (ABI 1.4 dialects only)");
    SinkBuffer sink;
    const std::string req = encode(call);
    const orders_status_t rc = services_->core(services_->ctx, bytesOf(req), bytesOf(body), sink.sink());
    if (rc != ORDERS_OK) return sink.errorFor(rc);
    auto meta = decode<CoreAnswer>(sink.meta());
    if (!meta.ok()) return internalError("host core returned bad metadata: " + meta.error().message);
    CoreAnswer answer = std::move(meta).value();
    answer.body = std::move(sink.body());
    return answer;
  }

  const orders_host_services_t *services() const noexcept { return services_; }

private:
  void metric(int32_t type, std::string_view name, double value,
              const std::map<std::string, std::string> &labels) const {
    if (services_ == nullptr || services_->metric == nullptr) return;
    const std::string labels_json = labels.empty() ? std::string() : encode(labels);
    services_->metric(services_->ctx, type, bytesOf(name), value, bytesOf(labels_json));
  }

  const orders_host_services_t *services_;
};

} // namespace orders::sdk

#endif
