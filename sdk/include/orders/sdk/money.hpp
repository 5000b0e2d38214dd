// orders/sdk/money.hpp - exact decimal money.
//
// Exact conversions between the SDK's minor units and the major-unit decimal
// numbers neighbours speak ("amount": 19.99 for USD, 150000 for IDR), for
// the HTTP plugins (catalog prices, payment amounts). Decimal arithmetic on
// text only: no double ever carries money, so nothing is rounded.
//
// Header-only. Thread-safety: pure functions.
#ifndef ORDERS_SDK_MONEY_HPP
#define ORDERS_SDK_MONEY_HPP

#include <json/json.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <system_error>

namespace orders::sdk {

// Decimal places of each currency as this service counts minor units.
// USD/EUR/SGD/PHP... 2; IDR/JPY/KRW/VND... 0; BHD/KWD/OMR... 3.
inline std::map<std::string, int> defaultCurrencyExponents() {
  std::map<std::string, int> out;
  for (const char *code : {"USD", "EUR", "GBP", "AUD", "CAD", "CHF", "CNY", "HKD", "INR", "MYR", "NZD", "PHP", "SGD",
                           "THB", "TWD", "SEK", "NOK", "DKK", "PLN", "CZK", "MXN", "BRL", "ZAR", "AED", "SAR"})
    out[code] = 2;
  // IDR is formally 2 in ISO 4217, but its minor unit is not used in practice
  // (and not by this service: Money for IDR 150000 is 150000), nor by Xendit,
  // which wants whole rupiah.
  for (const char *code : {"IDR", "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG"})
    out[code] = 0;
  for (const char *code : {"BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"})
    out[code] = 3;
  return out;
}

// An ISO 4217 code as written on the wire: three upper-case letters.
inline bool isCurrencyCode(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

enum class RescaleError { none, too_precise, too_large };

// `minor` units at `from` decimal places expressed at `to` places, exactly:
// 1999 at 2 -> 19990 at 3 -> 1999 at 2; 150 at 2 -> too_precise at 0 (1.50
// has no whole unit); too_large when the result leaves int64. Both
// exponents 0..18.
inline RescaleError rescaleMinor(int64_t minor, int from, int to, int64_t &out) {
  int64_t factor = 1;
  for (int i = 0; i < (to > from ? to - from : from - to); ++i)
    factor *= 10;
  if (to >= from) {
    if (minor > std::numeric_limits<int64_t>::max() / factor || minor < std::numeric_limits<int64_t>::min() / factor)
      return RescaleError::too_large;
    out = minor * factor;
    return RescaleError::none;
  }
  if (minor % factor != 0) return RescaleError::too_precise;
  out = minor / factor;
  return RescaleError::none;
}

// Minor units -> the shortest exact decimal text in major units:
// 1999 at 2 -> "19.99", 2000 at 2 -> "20", 5 at 2 -> "0.05", 150000 at 0 -> "150000".
inline std::string minorToMajor(int64_t minor, int exponent) {
  const bool negative = minor < 0;
  const uint64_t magnitude = negative ? uint64_t(0) - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    const size_t places = static_cast<size_t>(exponent);
    if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
    const std::string whole = digits.substr(0, digits.size() - places);
    std::string fraction = digits.substr(digits.size() - places);
    while (!fraction.empty() && fraction.back() == '0')
      fraction.pop_back();
    digits = fraction.empty() ? whole : whole + "." + fraction;
  }
  return negative ? "-" + digits : digits;
}

enum class DecimalError { none, malformed, negative, too_precise, too_large };

// Major-unit decimal text -> minor units: "19.99" at 2 -> 1999, "1.5e3" at 0
// -> 1500. A value that is not a whole number of minor units is too_precise.
inline DecimalError decimalToMinor(std::string_view text, int exponent, int64_t &out) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits; // integer and fraction digits, without the point
  int64_t fraction_digits = 0;
  while (i < text.size() && is_digit(text[i]))
    digits += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) {
      digits += text[i++];
      ++fraction_digits;
    }
  }
  if (digits.empty()) return DecimalError::malformed;
  int64_t power = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool power_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) power_negative = text[i++] == '-';
    const size_t first = i;
    while (i < text.size() && is_digit(text[i])) {
      if (power < 100000) power = power * 10 + (text[i] - '0');
      ++i;
    }
    if (i == first) return DecimalError::malformed;
    if (power_negative) power = -power;
  }
  if (i != text.size()) return DecimalError::malformed;

  const size_t nonzero = digits.find_first_not_of('0');
  if (nonzero == std::string::npos) {
    out = 0;
    return DecimalError::none;
  }
  if (negative) return DecimalError::negative;
  digits.erase(0, nonzero);
  // The amount in minor units is digits * 10^scale.
  const int64_t scale = power - fraction_digits + exponent;
  if (scale < 0) {
    const size_t drop = static_cast<size_t>(-scale);
    if (drop >= digits.size() || digits.find_first_not_of('0', digits.size() - drop) != std::string::npos)
      return DecimalError::too_precise;
    digits.resize(digits.size() - drop);
  } else {
    if (static_cast<uint64_t>(scale) + digits.size() > 18) return DecimalError::too_large;
    digits.append(static_cast<size_t>(scale), '0');
  }
  if (digits.size() > 18) return DecimalError::too_large; // 18 digits always fit in int64
  int64_t value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  out = value;
  return DecimalError::none;
}

// The text of a JSON number exactly as written in `body` (JsonCpp records
// each value's offsets); falls back to the shortest text reading back as the
// same double.
inline std::string numberText(const Json::Value &number, std::string_view body) {
  const ptrdiff_t start = number.getOffsetStart();
  const ptrdiff_t limit = number.getOffsetLimit();
  if (start >= 0 && limit > start && static_cast<size_t>(limit) <= body.size()) {
    const std::string text(body.substr(static_cast<size_t>(start), static_cast<size_t>(limit - start)));
    double parsed = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (result.ec == std::errc() && result.ptr == text.data() + text.size() && parsed == number.asDouble()) return text;
  }
  if (number.type() == Json::intValue) return std::to_string(number.asLargestInt());
  if (number.type() == Json::uintValue) return std::to_string(number.asLargestUInt());
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number.asDouble());
  return result.ec == std::errc() ? std::string(buffer, result.ptr) : std::string("NaN");
}

} // namespace orders::sdk

#endif
