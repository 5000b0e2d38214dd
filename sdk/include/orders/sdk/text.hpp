// orders/sdk/text.hpp - the contract's rules for text, in one place for the
// host and every plugin: strings are well-formed UTF-8 (schemas/data/ refuses
// other bytes), and times are RFC 3339 in UTC ("2026-11-22T10:00:00Z").
//
//   if (!validUtf8(id)) return invalidArgument("/id: must be UTF-8 text");
//   reason = toValidUtf8(provider_word);              // U+FFFD for each bad byte
//   event.occurredAt = utcTimestamp("2026-11-22T17:00:00+07:00"); // "...T10:00:00Z"
//
// Thread-safety: pure functions. C++17, header-only, no dependencies.
#ifndef ORDERS_SDK_TEXT_HPP
#define ORDERS_SDK_TEXT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace orders::sdk {

// The length (1 to 4) of the well-formed UTF-8 sequence at text[i], or 0
// when there is none (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF, no truncated sequence). i < text.size().
inline size_t utf8SequenceAt(std::string_view text, size_t i) noexcept {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (i + n >= text.size()) return 0;
  for (size_t k = 1; k <= n; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n + 1;
}

// True when every byte of `text` belongs to a well-formed UTF-8 sequence.
inline bool validUtf8(std::string_view text) noexcept {
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8SequenceAt(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// `text` with every byte that starts no well-formed sequence replaced by
// U+FFFD: for words quoted into messages, never for ids.
inline std::string toValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8SequenceAt(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace detail {
inline bool digitsAt(std::string_view s, size_t at, size_t count, int &out) noexcept {
  if (at + count > s.size()) return false;
  out = 0;
  for (size_t k = at; k < at + count; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    out = out * 10 + (s[k] - '0');
  }
  return true;
}
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
inline void civilFromDays(int64_t z, int64_t &y, int &m, int &d) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}
} // namespace detail

// An RFC 3339 date-time ("2026-11-22T17:00:00.5+07:00", 't' and 'z' too)
// as the contract's UTC form ("2026-11-22T10:00:00.5Z"); nullopt for any
// other text, an impossible date (02-30) or a leap second.
inline std::optional<std::string> utcTimestamp(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!detail::digitsAt(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !detail::digitsAt(s, 5, 2, month) ||
      s[7] != '-' || !detail::digitsAt(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !detail::digitsAt(s, 11, 2, hour) || s[13] != ':' || !detail::digitsAt(s, 14, 2, minute) || s[16] != ':' ||
      !detail::digitsAt(s, 17, 2, second))
    return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap) || hour > 23 ||
      minute > 59 || second > 59)
    return std::nullopt;
  size_t at = 19;
  std::string_view fraction;
  if (at < s.size() && s[at] == '.') {
    size_t end = at + 1;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9')
      ++end;
    if (end == at + 1) return std::nullopt;
    fraction = s.substr(at, end - at);
    at = end;
  }
  int64_t offset_minutes = 0;
  if (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    // UTC already
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    int oh = 0, om = 0;
    if (!detail::digitsAt(s, at + 1, 2, oh) || !detail::digitsAt(s, at + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (s[at] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const int64_t minutes =
      (detail::daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offset_minutes; // since the epoch, UTC
  int64_t y = 0;
  int m = 0, d = 0;
  detail::civilFromDays(minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440), y, m, d);
  const int64_t of_day = minutes - detail::daysFromCivil(y, m, d) * 1440;
  if (y < 0 || y > 9999) return std::nullopt;
  char head[32];
  std::snprintf(head, sizeof head, "%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(y), m, d,
                static_cast<int>(of_day / 60), static_cast<int>(of_day % 60), second);
  return std::string(head) + std::string(fraction) + "Z";
}

} // namespace orders::sdk

#endif
