// orders/sdk/json_pointer.hpp - RFC 6901 pointers.
//
// RFC 6901 JSON pointers over JsonCpp values, for mapping fields of a
// neighbour's JSON (responses, events, stored values) by configuration.
//
//   ""            the whole document
//   "/data/items" member "items" of member "data"
//   "/images/0"   first element of array "images"
//   "/a~1b/c~0d"  member "c~d" of member "a/b"
//
// Parsed once at create() (a malformed pointer is a config error naming the
// key); find() never throws and answers nullptr when any step is absent.
// Header-only. Thread-safety: immutable after parse().
#ifndef ORDERS_SDK_JSON_POINTER_HPP
#define ORDERS_SDK_JSON_POINTER_HPP

#include <json/json.h>

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/json.hpp"

namespace orders::sdk {

class JsonPointer {
public:
  JsonPointer() = default; // the whole document

  // nullopt when `text` is neither "" nor "/..." or holds a "~" not followed by 0 or 1.
  static std::optional<JsonPointer> parse(std::string_view text) {
    JsonPointer out;
    out.text_ = std::string(text);
    if (text.empty()) return out;
    if (text.front() != '/') return std::nullopt;
    std::string token;
    for (size_t i = 1; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == '/') {
        out.tokens_.push_back(token);
        token.clear();
      } else if (text[i] == '~') {
        if (i + 1 >= text.size() || (text[i + 1] != '0' && text[i + 1] != '1')) return std::nullopt;
        token += text[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += text[i];
      }
    }
    return out;
  }

  const std::string &text() const noexcept { return text_; }
  bool isRoot() const noexcept { return tokens_.empty(); }

  // The value `this` names inside `root`, or nullptr.
  const Json::Value *find(const Json::Value &root) const {
    const Json::Value *at = &root;
    for (const std::string &token : tokens_) {
      if (at->isObject()) {
        at = at->find(token.data(), token.data() + token.size());
        if (at == nullptr) return nullptr;
      } else if (at->isArray()) {
        const std::optional<Json::ArrayIndex> index = arrayIndex(token);
        if (!index || *index >= at->size()) return nullptr;
        at = &(*at)[*index];
      } else {
        return nullptr;
      }
    }
    return at;
  }

  // Escapes one member name for use as a pointer token.
  static std::string escape(std::string_view key) { return detail::childPointer("", key).substr(1); }

private:
  // "0" or digits without a leading zero (RFC 6901 section 4); "-" names no element.
  static std::optional<Json::ArrayIndex> arrayIndex(const std::string &token) {
    if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) return std::nullopt;
    Json::ArrayIndex value = 0;
    for (char c : token) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + static_cast<Json::ArrayIndex>(c - '0');
    }
    return value;
  }

  std::string text_;
  std::vector<std::string> tokens_;
};

} // namespace orders::sdk

#endif
