// payment/xendit: small helpers for building requests to Xendit and reading
// its answers. Header-only. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"

namespace orders::plugins::payment::xendit {

// RFC 3986 percent-encoding of everything but unreserved characters.
inline std::string percentEncode(std::string_view in) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string replaceAll(std::string text, std::string_view from, const std::string &to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// RFC 4648 base64 with padding (for HTTP Basic credentials).
inline std::string base64(std::string_view in) {
  static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(in[i])); };
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (in.size() - i == 1) {
    const uint32_t n = byte(i) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (in.size() - i == 2) {
    const uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// A short single-line excerpt of a response body for error messages.
inline std::string excerpt(const std::string &body) {
  std::string out = body.substr(0, 200);
  for (char &c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out.size() < body.size() ? out + "..." : out;
}

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

// A transport failure from the host (unavailable, timeout) keeps its code and
// retryability, so the host's circuit breaker counts it.
inline sdk::Error transportError(const sdk::Error &e, const std::string &what) {
  return sdk::Error{e.code, what + ": " + e.message, e.retryable};
}

} // namespace orders::plugins::payment::xendit
