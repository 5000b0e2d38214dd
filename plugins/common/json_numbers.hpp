// Integers from a caller's JSON, read without JsonCpp's throws: isIntegral()
// admits 2^63 and up and 1e19, on which asInt64() throws (an answer of 500
// for what is a bad request).
#pragma once

#include <json/value.h>

#include <cstdint>
#include <optional>
#include <string>

namespace orders::common {

// A whole number in int64's range (7, 7.0), or nothing (true, 1.5, 1e19, "7").
inline std::optional<int64_t> int64Of(const Json::Value &v) {
  if (!v.isInt64()) return std::nullopt;
  return v.asInt64();
}

// A whole number in int64's or uint64's range as decimal digits, or nothing.
inline std::optional<std::string> integerText(const Json::Value &v) {
  if (v.isInt64()) return std::to_string(v.asInt64());
  if (v.isUInt64()) return std::to_string(v.asUInt64());
  return std::nullopt;
}

} // namespace orders::common
