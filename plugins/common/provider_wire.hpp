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

#include "orders/sdk/contract.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::common {

using orders::sdk::wire::base64;
using orders::sdk::wire::excerpt;
using orders::sdk::wire::FormBody;
using orders::sdk::wire::lowerAscii;
using orders::sdk::wire::percentEncode;
using orders::sdk::wire::replaceAll;
using orders::sdk::wire::transportError;
using orders::sdk::wire::upperAscii;

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

// A provider answer parsed as JSON; invalid_argument naming the request when not JSON.
inline sdk::Result<Json::Value> parseAnswer(const std::string &body, const std::string &what,
                                            const std::string &request_line) {
  try {
    return sdk::parseJson(body);
  } catch (const sdk::DecodeError &e) {
    return sdk::invalidArgument(what + ": " + request_line + ": /: " + e.what());
  }
}

// An inbound message's body (a webhook, a Kafka event) that must be a JSON
// object; invalid_argument "/: <why>" or "/: expected object, got array".
inline sdk::Result<Json::Value> parseObjectBody(std::string_view body) {
  Json::Value root;
  try {
    root = sdk::parseJson(body);
  } catch (const sdk::DecodeError &e) {
    return sdk::invalidArgument(std::string("/: ") + e.what());
  }
  if (!root.isObject())
    return sdk::invalidArgument(std::string("/: expected object, got ") + sdk::wire::typeName(root));
  return root;
}

// The text at `pointer` of an answer: nullopt when no pointer is configured
// or the value is absent, null or ""; invalid_argument naming the pointer
// when it holds another type.
inline sdk::Result<std::optional<std::string>>
optionalTextAt(const Json::Value &root, const std::optional<sdk::JsonPointer> &pointer, const std::string &what) {
  if (!pointer) return std::optional<std::string>();
  const Json::Value *value = pointer->find(root);
  if (value == nullptr || value->isNull()) return std::optional<std::string>();
  if (!value->isString())
    return sdk::invalidArgument(what + ": " + pointer->text() + ": expected string or null, got " +
                                sdk::wire::typeName(*value));
  if (value->asString().empty()) return std::optional<std::string>();
  return std::optional<std::string>(value->asString());
}

// A configured text (a description, a return URL) with {orderNumber},
// {orderId} and {attempt} filled in; the values percent-encoded when the
// text becomes part of a URL.
inline std::string fillOrderText(std::string text, const std::string &order_id, const std::string &order_number,
                                 int64_t attempt, bool in_url = false) {
  const auto value = [&](const std::string &v) { return in_url ? percentEncode(v) : v; };
  text = replaceAll(std::move(text), "{orderNumber}", value(order_number));
  text = replaceAll(std::move(text), "{orderId}", value(order_id));
  return replaceAll(std::move(text), "{attempt}", std::to_string(attempt));
}

// A message that is not a payment event the core acts on, and why.
inline sdk::ParsedEvent ignoredEvent(std::string reason) {
  sdk::ParsedEvent out;
  out.outcome = sdk::wireName(sdk::EventOutcome::ignored);
  out.reason = std::move(reason);
  return out;
}

} // namespace orders::common
