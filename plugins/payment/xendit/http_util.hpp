// payment/xendit: small helpers for building requests to Xendit and reading
// its answers. Header-only. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::plugins::payment::xendit {

using orders::sdk::wire::base64;
using orders::sdk::wire::excerpt;
using orders::sdk::wire::percentEncode;
using orders::sdk::wire::replaceAll;
using orders::sdk::wire::transportError;

// "API_VALIDATION_ERROR: amount must be at least 1" from Xendit's error body
// {"error_code": ..., "message": ...}, else an excerpt of the body.
inline std::string xenditErrorDetail(const std::string &body) {
  try {
    const Json::Value root = sdk::parseJson(body);
    const auto text = [&](const char *key) {
      const Json::Value *v = root.isObject() ? root.find(key, key + std::char_traits<char>::length(key)) : nullptr;
      return v != nullptr && v->isString() ? v->asString() : std::string();
    };
    const std::string code = text("error_code");
    const std::string message = text("message");
    if (!code.empty() || !message.empty()) return code + (code.empty() || message.empty() ? "" : ": ") + message;
  } catch (const sdk::DecodeError &) {
  }
  return excerpt(body);
}

// A non-2xx answer: 5xx, 408 and 429 are unavailable (retryable), 401/403
// unauthenticated, 400/422 invalid_argument, 404 not_found, 409 conflict,
// anything else internal. `what` names the operation ("invoice order-o1-1"),
// `request_line` the request ("POST https://api.xendit.co/v2/invoices").
inline sdk::Error statusError(const sdk::HttpResponse &r, const std::string &what, const std::string &request_line) {
  const std::string detail = xenditErrorDetail(r.body);
  const std::string message =
      what + ": " + request_line + " answered " + std::to_string(r.status) + (detail.empty() ? "" : ": " + detail);
  if (r.status >= 500 || r.status == 408 || r.status == 429) return sdk::unavailable(message);
  if (r.status == 401 || r.status == 403) return sdk::unauthenticated(message);
  if (r.status == 400 || r.status == 422) return sdk::invalidArgument(message);
  if (r.status == 404) return sdk::notFound(message);
  if (r.status == 409) return sdk::conflict(message);
  return sdk::internalError(message + " (unexpected status)");
}

} // namespace orders::plugins::payment::xendit
