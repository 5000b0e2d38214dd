// payment/xendit: reading members of Xendit's JSON (answers, callbacks) with
// errors that name the member's JSON pointer ("/metadata/order_id: expected
// string"). Keys are fixed identifiers, so pointers need no escaping.
//
// Header-only. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "orders/sdk/json.hpp"

namespace orders::plugins::payment::xendit {

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

// `e` with "<what>: " before its message.
inline sdk::Error prefixed(const sdk::Error &e, const std::string &what) {
  return sdk::Error{e.code, what + ": " + e.message, e.retryable};
}

} // namespace orders::plugins::payment::xendit
