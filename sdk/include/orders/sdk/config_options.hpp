// orders/sdk/config_options.hpp - reading a plugin's own config values.
//
// What every connector's create() checks beyond its JSON Schema, with errors
// that name the key (the host prints them at start-up and in --check-config):
//
//   auto url = baseUrlOption("base_url", config.base_url);       // http(s), no trailing '/'
//   auto path = pathOption("refund_path", config.refund_path.value_or("/v1/refunds/{id}"), {"{id}"});
//   auto id = fieldPointerOption("id_pointer", config.id_pointer.value_or("/id"));
//
// Header-only, C++17. Thread-safety: pure functions.
#ifndef ORDERS_SDK_CONFIG_OPTIONS_HPP
#define ORDERS_SDK_CONFIG_OPTIONS_HPP

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/result.hpp"

namespace orders::sdk {

// Starts with http:// or https://.
inline bool isHttpUrl(std::string_view url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

// An http:// or https:// URL, its trailing slashes removed (paths are
// appended to it and start with '/').
inline Result<std::string> baseUrlOption(const std::string &key, std::string url) {
  if (!isHttpUrl(url)) return invalidArgument(key + ": expected an http:// or https:// URL, got '" + url + "'");
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

// A JSON pointer; "" is the whole document.
inline Result<JsonPointer> pointerOption(const std::string &key, const std::string &text) {
  auto parsed = JsonPointer::parse(text);
  if (!parsed) return invalidArgument(key + ": '" + text + "' is not a JSON pointer (\"\" or \"/a/b\")");
  return std::move(*parsed);
}

// A JSON pointer to a field of a document, never the whole document.
inline Result<JsonPointer> fieldPointerOption(const std::string &key, const std::string &text) {
  auto parsed = JsonPointer::parse(text);
  if (!parsed || parsed->isRoot())
    return invalidArgument(key + ": '" + text + "' is not a JSON pointer to a field (\"/id\", \"/data/id\")");
  return std::move(*parsed);
}

// A field pointer, or "" for a field the plugin does not read.
inline Result<std::optional<JsonPointer>> optionalFieldPointerOption(const std::string &key, const std::string &text) {
  if (text.empty()) return std::optional<JsonPointer>();
  auto parsed = fieldPointerOption(key, text);
  if (!parsed.ok()) return parsed.error();
  return std::optional<JsonPointer>(std::move(parsed).value());
}

struct PathRule {
  bool may_be_empty = false; // "" is kept: the call it configures is not made
  bool add_slash = false;    // a missing leading '/' is added instead of refused
};

// A path appended to a base URL: starts with '/' and, when `one_of` names
// placeholders, contains at least one of them ("{id}", "{orderId}"...).
inline Result<std::string> pathOption(const std::string &key, std::string path,
                                      std::initializer_list<const char *> one_of = {}, PathRule rule = {}) {
  if (path.empty() && rule.may_be_empty) return path;
  if (path.empty() || path.front() != '/') {
    if (!rule.add_slash) return invalidArgument(key + ": '" + path + "' must start with /");
    path.insert(0, "/");
  }
  if (one_of.size() == 0) return path;
  std::string names;
  for (const char *placeholder : one_of) {
    if (path.find(placeholder) != std::string::npos) return path;
    names += (names.empty() ? "" : " or ") + std::string(placeholder);
  }
  return invalidArgument(key + ": must contain " + names);
}

} // namespace orders::sdk

#endif
