// Small wire helpers for payment provider plugins (payment/stripe,
// payment/paypal): percent-encoding, form bodies, base64 for HTTP Basic,
// reading members of a provider's JSON with errors naming the member's
// JSON pointer, body excerpts for error messages, Unix time as RFC 3339.
//
// Header-only, no dependencies beyond the SDK. Thread-safety: pure functions
// and plain values.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "orders/sdk/json.hpp"

namespace orders::common {

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

// RFC 4648 base64 with padding (for HTTP Basic credentials).
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

// A short single-line excerpt of a body for error messages.
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

// Unix seconds -> "2026-09-21T13:33:20Z".
inline std::string rfc3339FromUnix(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

inline std::string pointerLabel(const std::string &pointer) { return pointer.empty() ? std::string("/") : pointer; }

// Member `key` of `object`, or nullptr when `object` is no object, or the
// member is absent or null.
inline const Json::Value *memberOf(const Json::Value &object, const char *key) {
  if (!object.isObject()) return nullptr;
  const Json::Value *v = object.find(key, key + std::char_traits<char>::length(key));
  return v == nullptr || v->isNull() ? nullptr : v;
}

// nullopt when absent or null; invalid_argument "<at>/<key>: expected string" when another type.
inline sdk::Result<std::optional<std::string>> optionalString(const Json::Value &object, const char *key,
                                                              const std::string &at) {
  const Json::Value *v = memberOf(object, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->isString()) return sdk::invalidArgument(at + "/" + key + ": expected string");
  return std::optional<std::string>(v->asString());
}

// A present, non-empty string; invalid_argument naming the pointer otherwise.
inline sdk::Result<std::string> requiredString(const Json::Value &object, const char *key, const std::string &at) {
  auto text = optionalString(object, key, at);
  if (!text.ok()) return text.error();
  if (!text.value()) return sdk::invalidArgument(at + "/" + key + ": is required");
  if (text.value()->empty()) return sdk::invalidArgument(at + "/" + key + ": must not be empty");
  return std::move(*text.value());
}

// A present integer (JSON number without fraction, in int64 range).
inline sdk::Result<int64_t> requiredInteger(const Json::Value &object, const char *key, const std::string &at) {
  const Json::Value *v = memberOf(object, key);
  if (v == nullptr) return sdk::invalidArgument(at + "/" + key + ": is required");
  if (!v->isIntegral() || !v->isInt64() || v->isBool())
    return sdk::invalidArgument(at + "/" + key + ": expected integer");
  return static_cast<int64_t>(v->asInt64());
}

// A member that must be an object when present; nullptr when absent.
inline sdk::Result<const Json::Value *> optionalObject(const Json::Value &object, const char *key,
                                                       const std::string &at) {
  const Json::Value *v = memberOf(object, key);
  if (v != nullptr && !v->isObject()) return sdk::invalidArgument(at + "/" + key + ": expected object");
  return v;
}

// `e` with "<what>: " before its message.
inline sdk::Error prefixed(const sdk::Error &e, const std::string &what) {
  return sdk::Error{e.code, what + ": " + e.message, e.retryable};
}

// A transport failure from the host (unavailable, timeout) keeps its code and
// retryability, so the host's circuit breaker counts it.
inline sdk::Error transportError(const sdk::Error &e, const std::string &what) {
  return sdk::Error{e.code, what + ": " + e.message, e.retryable};
}

// A provider answer parsed as JSON; invalid_argument naming the request when not JSON.
inline sdk::Result<Json::Value> parseAnswer(const std::string &body, const std::string &what,
                                            const std::string &request_line) {
  try {
    return sdk::parseJson(body);
  } catch (const sdk::DecodeError &e) {
    return sdk::invalidArgument(what + ": " + request_line + ": /: " + e.what());
  }
}

} // namespace orders::common
