// shipping/logistics: small helpers for building requests and reading
// answers. Header-only. Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"

namespace orders::plugins::shipping::logistics {

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

// A short single-line excerpt of a response body for error messages.
inline std::string excerpt(const std::string &body) {
  if (body.empty()) return "(empty body)";
  std::string out = body.substr(0, 200);
  for (char &c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out.size() < body.size() ? out + "..." : out;
}

// A non-2xx answer: 5xx, 408 and 429 are unavailable (retryable, counted by
// the breaker); every other status is rejected, naming the status and the
// start of the body.
inline sdk::Error statusError(const sdk::HttpResponse &r, const std::string &what, const std::string &request_line) {
  const std::string detail =
      what + ": " + request_line + " answered " + std::to_string(r.status) + ": " + excerpt(r.body);
  if (r.status >= 500 || r.status == 408 || r.status == 429) return sdk::unavailable(detail);
  return sdk::rejected(detail);
}

// A transport failure from the host (unavailable, timeout) keeps its code and
// retryability, so the host's circuit breaker counts it.
inline sdk::Error transportError(const sdk::Error &e, const std::string &what) {
  return sdk::Error{e.code, what + ": " + e.message, e.retryable};
}

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

inline std::string lowerAscii(std::string text) {
  for (char &c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

inline std::string upperAscii(std::string text) {
  for (char &c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

} // namespace orders::plugins::shipping::logistics
