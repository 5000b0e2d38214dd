// orders/sdk/wire.hpp - what connectors need to build requests and read
// answers: RFC 3986 percent-encoding, form bodies, base64 (HTTP Basic),
// text helpers, body excerpts for error messages, JSON type names and ids,
// and the error of a transport failure. One copy for every plugin, in tree
// or out.
//
// Header-only, C++17, JsonCpp (no Poco). Thread-safety: pure functions and
// plain values.
#ifndef ORDERS_SDK_WIRE_HPP
#define ORDERS_SDK_WIRE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/result.hpp"

namespace orders::sdk::wire {

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
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// An application/x-www-form-urlencoded body built field by field, in order.
// Keys are written as given (Stripe's nested keys keep their brackets:
// metadata[order_id]); values are percent-encoded.
class FormBody {
public:
  FormBody &add(std::string_view key, std::string_view value) {
    if (!text_.empty()) text_ += '&';
    text_ += key;
    text_ += '=';
    text_ += percentEncode(value);
    return *this;
  }
  const std::string &text() const noexcept { return text_; }

private:
  std::string text_;
};

// RFC 4648 base64 with padding (HTTP Basic credentials).
inline std::string base64(std::string_view in) {
  static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(in[i])); };
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift : {18, 12, 6, 0})
      out += alphabet[(n >> shift) & 63];
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

// A short single-line excerpt of a body for error messages (200 bytes,
// "..." when cut).
inline std::string excerpt(const std::string &body) {
  std::string out = body.substr(0, 200);
  for (char &c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out.size() < body.size() ? out + "..." : out;
}

inline std::string lowerAscii(std::string s) {
  for (char &c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

inline std::string upperAscii(std::string s) {
  for (char &c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// "null", "number", "string", "boolean", "array", "object" (error messages).
inline const char *typeName(const Json::Value &v) {
  switch (v.type()) {
  case Json::nullValue: return "null";
  case Json::intValue:
  case Json::uintValue:
  case Json::realValue: return "number";
  case Json::stringValue: return "string";
  case Json::booleanValue: return "boolean";
  case Json::arrayValue: return "array";
  case Json::objectValue: return "object";
  }
  return "value";
}

// An id as a service may write it: a string, or an integer as its digits.
inline std::optional<std::string> idText(const Json::Value &v) {
  if (v.isString()) return v.asString();
  if (v.type() == Json::intValue) return std::to_string(v.asInt64());
  if (v.type() == Json::uintValue) return std::to_string(v.asUInt64());
  return std::nullopt;
}

// A transport failure from the host (unavailable, timeout) with `what`
// in front; it keeps its code and retryability, so the host's circuit
// breaker counts it.
inline Error transportError(const Error &e, const std::string &what) {
  return Error{e.code, what + ": " + e.message, e.retryable};
}

// The error of a non-2xx answer, by the usual meaning of HTTP statuses:
// 5xx, 408 and 429 unavailable (retryable, counted by the breaker), 401/403
// unauthenticated, 400/422 invalid_argument, 402 rejected, 404 not_found,
// 409 conflict, anything else internal. `what` names the operation,
// `request_line` the request ("POST https://.../v1/x"); the message ends
// with an excerpt of the body. Callers handle first the statuses that mean
// something else for them (a 404 that means "none", a provider's decline).
inline Error statusError(const HttpResponse &r, const std::string &what, const std::string &request_line) {
  const std::string detail =
      request_line + " answered " + std::to_string(r.status) + (r.body.empty() ? "" : ": " + excerpt(r.body));
  if (r.status >= 500 || r.status == 408 || r.status == 429) return unavailable(what + ": " + detail);
  if (r.status == 401 || r.status == 403) return unauthenticated(what + ": " + detail);
  if (r.status == 400 || r.status == 422) return invalidArgument(what + ": " + detail);
  if (r.status == 402) return rejected(what + ": " + detail);
  if (r.status == 404) return notFound(what + ": " + detail);
  if (r.status == 409) return conflict(what + ": " + detail);
  return internalError(what + ": unexpected answer: " + detail);
}

// For services whose every 4xx is a refusal of the request as sent: 5xx,
// 408 and 429 unavailable (retryable), anything else rejected.
inline Error retryableOrRejected(const HttpResponse &r, const std::string &what, const std::string &request_line) {
  const std::string detail =
      what + ": " + request_line + " answered " + std::to_string(r.status) + ": " + excerpt(r.body);
  if (r.status >= 500 || r.status == 408 || r.status == 429) return unavailable(detail);
  return rejected(detail);
}

} // namespace orders::sdk::wire

#endif
