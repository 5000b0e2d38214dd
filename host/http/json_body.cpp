#include "http/json_body.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include "http/api_error.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::http {

namespace {
// The pointer of the first string or member name holding U+0000.
std::optional<std::string> firstNul(const Json::Value &v, const std::string &at) {
  const auto hasNul = [](const char *begin, const char *end) { return std::find(begin, end, '\0') != end; };
  if (v.isString()) {
    const char *begin = nullptr, *end = nullptr;
    v.getString(&begin, &end);
    if (begin != nullptr && hasNul(begin, end)) return at.empty() ? "/" : at;
  } else if (v.isObject()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string key = it.name();
      std::string token;
      for (const char c : key)
        token += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
      if (hasNul(key.data(), key.data() + key.size())) return at + "/" + token;
      if (auto found = firstNul(*it, at + "/" + token)) return found;
    }
  } else if (v.isArray()) {
    for (Json::ArrayIndex i = 0; i < v.size(); ++i)
      if (auto found = firstNul(v[i], at + "/" + std::to_string(i))) return found;
  }
  return std::nullopt;
}

// RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool jsonNumber(std::string_view t) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t from = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
      ++i;
    return i > from;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0')
    ++i;
  else if (!digits())
    return false;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// The code unit of the \uXXXX escape at text[at], or 0x110000 when there is none.
unsigned escape(std::string_view text, size_t at) {
  if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return 0x110000;
  unsigned unit = 0;
  for (size_t k = at + 2; k < at + 6; ++k) {
    const char c = text[k];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) return 0x110000;
    unit = unit * 16 + static_cast<unsigned>(digit);
  }
  return unit;
}

// What JsonCpp's strict mode still lets through, found in the text (strings
// skipped): a comment inside an object ({/*c*/} is accepted), numbers
// outside RFC 8259's grammar ("-" read as 0, "+1", "01", "1.", "1.e5"), and
// in strings a high surrogate escape not followed by a low one.
// Empty when there is none.
std::string lenientSyntax(std::string_view text) {
  const auto numeric = [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] != '\\') continue;
        // JsonCpp joins \uD800-\uDBFF with whatever \u escape follows
        // ("\ud800\u0041" became U+10041): a high surrogate must be paired.
        if (const unsigned high = escape(text, i); high >= 0xD800 && high <= 0xDBFF) {
          const unsigned low = escape(text, i + 6);
          if (low < 0xDC00 || low > 0xDFFF) return "an unpaired surrogate escape at offset " + std::to_string(i);
        }
        ++i;
      }
      continue;
    }
    if (text[i] == '/') return "a comment at offset " + std::to_string(i);
    if (!numeric(text[i])) continue;
    size_t end = i;
    while (end < text.size() && (numeric(text[end]) || text[end] == 'e' || text[end] == 'E'))
      ++end;
    if (!jsonNumber(text.substr(i, end - i))) return "a malformed number at offset " + std::to_string(i);
    i = end - 1;
  }
  return {};
}
} // namespace

Json::Value parseJsonBody(const Request &request, const config::SchemaValidator *schema) {
  const std::string type = request.header("content-type");
  if (type.rfind("application/json", 0) != 0 && type.find("+json") == std::string::npos)
    throw ApiError("unsupported_media_type",
                   "request body must be application/json" + (type.empty() ? std::string() : ", got " + type));
  // JsonCpp reads a NUL byte as the end of the text, so what follows one
  // escaped the trailing-data check ({"reason":"x"}\0garbage was accepted).
  // No JSON text holds a raw NUL.
  if (const size_t nul = request.body.find('\0'); nul != std::string::npos)
    throw ApiError("invalid_argument", "request body is not valid JSON: a NUL byte at offset " + std::to_string(nul));
  Json::Value doc;
  try {
    doc = sdk::parseJson(request.body);
  } catch (const sdk::DecodeError &e) {
    throw ApiError("invalid_argument", std::string("request body is not valid JSON: ") + e.what());
  }
  if (const std::string lenient = lenientSyntax(request.body); !lenient.empty())
    throw ApiError("invalid_argument", "request body is not valid JSON: " + lenient);
  // valijson measures a string up to its first U+0000, so such a string
  // passed any maxLength (a 10,000-character reason of \u0000 was accepted
  // and stored); no text field of this API has a use for one.
  if (auto at = firstNul(doc, ""))
    throw ApiError("invalid_argument", "request body is invalid: " + *at + " must not contain U+0000",
                   {FieldError{*at, "must not contain U+0000"}});
  if (schema != nullptr) {
    const auto violations = schema->validate(doc);
    if (!violations.empty()) {
      std::vector<FieldError> errors;
      std::string detail = "request body is invalid: ";
      for (size_t i = 0; i < violations.size(); ++i) {
        const auto &v = violations[i];
        errors.push_back(FieldError{v.pointer.empty() ? "/" : v.pointer, v.message});
        detail += (i ? "; " : "") + (v.pointer.empty() ? std::string("/") : v.pointer) + " " + v.message;
      }
      throw ApiError("invalid_argument", detail, std::move(errors));
    }
  }
  return doc;
}

} // namespace orders::host::http
