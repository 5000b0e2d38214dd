// payment/xendit: request bodies written member by member, so that money
// goes out as the exact decimal text of money.hpp ("amount":19.99) instead of
// through a double. Strings are escaped by the SDK's JSON writer.
//
//   JsonObjectText o;
//   o.string("external_id", "order-o1-1").number("amount", "19.99").integer("attempt", 1);
//   o.text() == R"({"external_id":"order-o1-1","amount":19.99,"attempt":1})"
//
// Header-only. Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/json.hpp"

namespace orders::plugins::payment::xendit {

// A JSON string literal, quotes included.
inline std::string quotedJson(const std::string &value) { return sdk::writeJson(Json::Value(value)); }

class JsonObjectText {
public:
  JsonObjectText &string(std::string_view key, const std::string &value) { return raw(key, quotedJson(value)); }
  JsonObjectText &integer(std::string_view key, int64_t value) { return raw(key, std::to_string(value)); }
  // `decimal` must already be a valid JSON number (minorToMajor's output).
  JsonObjectText &number(std::string_view key, const std::string &decimal) { return raw(key, decimal); }
  // `json` must already be valid JSON (a nested object or array text).
  JsonObjectText &raw(std::string_view key, const std::string &json) {
    if (!members_.empty()) members_ += ',';
    members_ += quotedJson(std::string(key));
    members_ += ':';
    members_ += json;
    return *this;
  }
  bool empty() const noexcept { return members_.empty(); }
  std::string text() const { return "{" + members_ + "}"; }

private:
  std::string members_;
};

// "[a,b,...]" from element texts that are valid JSON each.
inline std::string arrayText(const std::vector<std::string> &elements) {
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i)
    out += (i == 0 ? "" : ",") + elements[i];
  return out + "]";
}

} // namespace orders::plugins::payment::xendit
