// orders/sdk/dialect_support.hpp - what every dialect writes otherwise:
// JSON answers, the detail of a canonical error, path and integer query
// parameters, and core calls bound to the request being answered.
//
// Header-only, C++17, JsonCpp (no Poco). Thread-safety: the free functions
// are pure; DialectCore is a value bound to one request.
#ifndef ORDERS_SDK_DIALECT_SUPPORT_HPP
#define ORDERS_SDK_DIALECT_SUPPORT_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::sdk {

// `body` written compactly (keys sorted, as JsonCpp writes them).
inline DialectResponse jsonResponse(int64_t status, const Json::Value &body,
                                    std::string content_type = "application/json; charset=utf-8") {
  DialectResponse r;
  r.status = status;
  r.contentType = std::move(content_type);
  r.body = writeJson(body);
  return r;
}

// {"error": message}: the error body most JSON APIs answer with.
inline DialectResponse jsonError(int64_t status, const std::string &message) {
  Json::Value body(Json::objectValue);
  body["error"] = message;
  return jsonResponse(status, body);
}

// A canonical UUID text: 8-4-4-4-12 hex digits, either case.
inline bool isUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = text[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

// The `detail` of a canonical error answer (RFC 9457), else "status <n>".
inline std::string problemDetail(const CoreAnswer &a) {
  try {
    const Json::Value p = a.json();
    if (p["detail"].isString()) return p["detail"].asString();
  } catch (...) {
  }
  return "status " + std::to_string(a.status);
}

// A path parameter of the request's route ("" when absent).
inline std::string pathParam(const DialectRequest &r, const std::string &name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

// A query parameter as a base-10 integer in [min, max]: `fallback` when
// absent or empty, nullopt when present but not such an integer.
inline std::optional<int64_t> intQueryParam(const DialectRequest &r, const std::string &name, int64_t fallback,
                                            int64_t min, int64_t max) {
  auto it = r.queryParams.find(name);
  if (it == r.queryParams.end() || it->second.empty()) return fallback;
  try {
    size_t used = 0;
    const int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= min && v <= max) return v;
  } catch (...) {
  }
  return std::nullopt;
}

// Core operations for one request: its callId, and its Idempotency-Key
// header forwarded when the route declared it.
class DialectCore {
public:
  DialectCore(const Host &host, const DialectRequest &request) : host_(host), request_(request) {}

  Result<CoreAnswer> operator()(const std::string &op, std::map<std::string, std::string> params = {},
                                const Json::Value *body = nullptr,
                                std::map<std::string, std::string> query = {}) const {
    CoreCall call;
    call.op = op;
    call.call = request_.callId;
    call.params = std::move(params);
    call.query = std::move(query);
    auto key = request_.headers.find("idempotency-key");
    if (key != request_.headers.end()) call.headers["idempotency-key"] = key->second;
    return host_.core(call, body == nullptr ? std::string() : writeJson(*body));
  }

private:
  const Host &host_;
  const DialectRequest &request_;
};

} // namespace orders::sdk

#endif
