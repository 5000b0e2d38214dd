// orders/sdk/json.hpp - JSON text <-> SDK value types, with JsonCpp.
//
// Every SDK value type lists its fields once in a `visit` member:
//
//   struct Money {
//     int64_t amountMinor = 0;
//     std::string currency;
//     template <class V> void visit(V &v) { v("amountMinor", amountMinor); v("currency", currency); }
//   };
//
// and `toJson`/`fromJson` walk that list. Non-optional fields are required
// when decoding; std::optional fields may be absent or null. Unknown fields
// are ignored (a newer host may send more), wrong types are errors naming
// the JSON pointer of the field ("/items/1/quantity: expected integer").
//
// Thread-safety: free functions on values; no shared state.
#ifndef ORDERS_SDK_JSON_HPP
#define ORDERS_SDK_JSON_HPP

#include <json/json.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::sdk {

// Thrown inside codecs only; `decode()` and the trampolines turn it into an
// invalid_argument Error. Never crosses the ABI.
class DecodeError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// JsonCpp in strict mode: one JSON value, no trailing data, no duplicate
// keys, no comments or special floats; with strict_root an object or an
// array at the root, without it any value (the Json::Value members of SDK
// messages). Throws DecodeError with JsonCpp's message. One reader per
// thread and setting: building the settings costs more than parsing a small
// document, and a CharReader may parse many documents in turn.
inline Json::Value parseStrict(std::string_view text, bool strict_root) {
  const auto make = [](bool root) {
    Json::CharReaderBuilder builder;
    Json::CharReaderBuilder::strictMode(&builder.settings_);
    builder["strictRoot"] = root;
    builder["rejectDupKeys"] = true;
    builder["failIfExtra"] = true;
    builder["allowSpecialFloats"] = false;
    return std::unique_ptr<Json::CharReader>(builder.newCharReader());
  };
  thread_local const std::unique_ptr<Json::CharReader> rooted = make(true);
  thread_local const std::unique_ptr<Json::CharReader> any = make(false);
  Json::CharReader *reader = strict_root ? rooted.get() : any.get();
  Json::Value root;
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(text.data(), text.data() + text.size(), &root, &errors);
  } catch (const Json::Exception &e) { // e.g. nesting deeper than the reader's stack limit (1000)
    throw DecodeError(std::string("malformed JSON: ") + e.what());
  }
  if (!parsed) {
    while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' '))
      errors.pop_back();
    throw DecodeError("malformed JSON: " + errors);
  }
  return root;
}

} // namespace detail

// Strict parse: one JSON value (an object or an array), no trailing data,
// no duplicate keys, no comments. Throws DecodeError with JsonCpp's message.
inline Json::Value parseJson(std::string_view text) { return detail::parseStrict(text, true); }

namespace detail {

// A JSON string literal: the escapes JsonCpp's writer makes with emitUTF8
// (quote, backslash, b f n r t, and u00xx escapes below 0x20), other bytes as they are.
inline void appendQuoted(std::string &out, std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0; // start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

// Compact JSON of a JsonCpp value, appended (object members in JsonCpp's
// order; numbers formatted by JsonCpp).
inline void appendJson(std::string &out, const Json::Value &value) {
  switch (value.type()) {
  case Json::nullValue: out += "null"; return;
  case Json::intValue: out += Json::valueToString(value.asLargestInt()); return;
  case Json::uintValue: out += Json::valueToString(value.asLargestUInt()); return;
  case Json::realValue: out += Json::valueToString(value.asDouble()); return;
  case Json::booleanValue: out += value.asBool() ? "true" : "false"; return;
  case Json::stringValue: {
    const char *begin = nullptr;
    const char *end = nullptr;
    value.getString(&begin, &end);
    appendQuoted(out, std::string_view(begin, static_cast<size_t>(end - begin)));
    return;
  }
  case Json::arrayValue: {
    out += '[';
    for (Json::ArrayIndex i = 0; i < value.size(); ++i) {
      if (i) out += ',';
      appendJson(out, value[i]);
    }
    out += ']';
    return;
  }
  case Json::objectValue: {
    out += '{';
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += ',';
      first = false;
      const char *end = nullptr;
      const char *name = it.memberName(&end);
      appendQuoted(out, std::string_view(name, static_cast<size_t>(end - name)));
      out += ':';
      appendJson(out, *it);
    }
    out += '}';
    return;
  }
  }
}

} // namespace detail

// Compact UTF-8 JSON text (the bytes JsonCpp's StreamWriter writes with no
// indentation and emitUTF8, without its stream machinery).
inline std::string writeJson(const Json::Value &value) {
  std::string out;
  detail::appendJson(out, value);
  return out;
}

namespace detail {

inline std::string childPointer(const std::string &parent, std::string_view key) {
  std::string out = parent + "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

template <class T, class = void> struct HasVisit : std::false_type {};
template <class T>
struct HasVisit<T, std::void_t<decltype(std::declval<T &>().visit(std::declval<int &>()))>> : std::true_type {};

template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
template <class T> struct IsVector : std::false_type {};
template <class T, class A> struct IsVector<std::vector<T, A>> : std::true_type {};

// Where a decoder is: a chain on the stack, rendered as a JSON pointer only
// when an error names it (a decode that succeeds builds no path strings).
struct Path {
  const Path *parent = nullptr; // nullptr: the root
  std::string_view key;         // a member name, unless is_index
  size_t index = 0;
  bool is_index = false;
  std::string pointer() const {
    if (parent == nullptr) return std::string();
    return is_index ? parent->pointer() + "/" + std::to_string(index) : childPointer(parent->pointer(), key);
  }
};

[[noreturn]] inline void typeError(const Path &path, const char *expected) {
  const std::string p = path.pointer();
  throw DecodeError((p.empty() ? std::string("/") : p) + ": expected " + expected);
}

// Value codecs for leaf types, containers and visited structs.
template <class T> Json::Value encodeValue(const T &v);
template <class T> void decodeValue(const Json::Value &j, const Path &path, T &out);
template <class T> Json::Value encodeContainer(const std::vector<T> &v);
template <class T> Json::Value encodeContainer(const std::map<std::string, T> &m);
template <class T> void decodeContainer(const Json::Value &j, const Path &path, std::vector<T> &out);
template <class T> void decodeContainer(const Json::Value &j, const Path &path, std::map<std::string, T> &out);
template <class T> void appendValue(std::string &out, const T &v);

struct Encoder {
  Json::Value *obj;
  template <class T> void operator()(const char *name, const T &field) {
    if constexpr (IsOptional<T>::value) {
      if (field) (*obj)[name] = encodeValue(*field);
    } else {
      (*obj)[name] = encodeValue(field);
    }
  }
};

// Writes a visited struct's members as JSON text, in visit order (no
// Json::Value in between: an SDK message is encoded on every plugin call).
struct TextEncoder {
  std::string *out;
  bool first = true;
  template <class T> void operator()(const char *name, const T &field) {
    if constexpr (IsOptional<T>::value) {
      if (field) member(name, *field);
    } else {
      member(name, field);
    }
  }
  template <class T> void member(const char *name, const T &value) {
    if (!first) *out += ',';
    first = false;
    appendQuoted(*out, name);
    *out += ':';
    appendValue(*out, value);
  }
};

struct Decoder {
  const Json::Value *obj;
  const Path *path;
  template <class T> void operator()(const char *name, T &field) {
    const size_t length = std::char_traits<char>::length(name);
    const Path child{path, std::string_view(name, length)};
    const Json::Value *member = obj->find(name, name + length);
    if constexpr (IsOptional<T>::value) {
      if (member == nullptr || member->isNull()) {
        field.reset();
        return;
      }
      typename T::value_type inner{};
      decodeValue(*member, child, inner);
      field = std::move(inner);
    } else {
      if (member == nullptr) throw DecodeError(child.pointer() + ": is required");
      decodeValue(*member, child, field);
    }
  }
};

template <class T> Json::Value encodeValue(const T &v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return Json::Value(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return Json::Value(v);
  } else if constexpr (std::is_integral_v<T>) {
    return Json::Value(static_cast<Json::Int64>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    return Json::Value(static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, Json::Value>) {
    return v;
  } else if constexpr (HasVisit<T>::value) {
    Json::Value obj(Json::objectValue);
    Encoder enc{&obj};
    const_cast<T &>(v).visit(enc); // visit only reads through the encoder
    return obj;
  } else {
    return encodeContainer(v);
  }
}

template <class T> Json::Value encodeContainer(const std::vector<T> &v) {
  Json::Value arr(Json::arrayValue);
  for (const auto &e : v)
    arr.append(encodeValue(e));
  return arr;
}
template <class T> Json::Value encodeContainer(const std::map<std::string, T> &m) {
  Json::Value obj(Json::objectValue);
  for (const auto &[k, e] : m)
    obj[k] = encodeValue(e);
  return obj;
}

template <class T> void decodeContainer(const Json::Value &j, const Path &path, std::vector<T> &out) {
  if (!j.isArray()) typeError(path, "array");
  out.clear();
  out.reserve(j.size());
  for (Json::ArrayIndex i = 0; i < j.size(); ++i) {
    T e{};
    decodeValue(j[i], Path{&path, {}, i, true}, e);
    out.push_back(std::move(e));
  }
}
template <class T> void decodeContainer(const Json::Value &j, const Path &path, std::map<std::string, T> &out) {
  if (!j.isObject()) typeError(path, "object");
  out.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const char *end = nullptr;
    const char *name = it.memberName(&end);
    const std::string_view key(name, static_cast<size_t>(end - name));
    T e{};
    decodeValue(*it, Path{&path, key}, e);
    out.emplace(std::string(key), std::move(e));
  }
}

template <class T> void appendValue(std::string &out, const T &v) {
  if constexpr (std::is_same_v<T, std::string>) {
    appendQuoted(out, v);
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(static_cast<Json::Int64>(v)); // as encodeValue
  } else if constexpr (std::is_floating_point_v<T>) {
    appendJson(out, Json::Value(static_cast<double>(v)));
  } else if constexpr (std::is_same_v<T, Json::Value>) {
    appendJson(out, v);
  } else if constexpr (HasVisit<T>::value) {
    out += '{';
    TextEncoder enc{&out};
    const_cast<T &>(v).visit(enc); // visit only reads through the encoder
    out += '}';
  } else if constexpr (IsVector<T>::value) {
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      appendValue(out, v[i]);
    }
    out += ']';
  } else {
    out += '{';
    bool first = true;
    for (const auto &[k, e] : v) {
      if (!first) out += ',';
      first = false;
      appendQuoted(out, k);
      out += ':';
      appendValue(out, e);
    }
    out += '}';
  }
}

template <class T> void decodeValue(const Json::Value &j, const Path &path, T &out) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!j.isString()) typeError(path, "string");
    out = j.asString();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.isBool()) typeError(path, "boolean");
    out = j.asBool();
  } else if constexpr (std::is_integral_v<T>) {
    if (!j.isIntegral() || (j.isDouble() && !j.isInt64())) typeError(path, "integer");
    if (!j.isInt64()) typeError(path, "integer in 64-bit range");
    const Json::Int64 v = j.asInt64();
    if (v < static_cast<Json::Int64>(std::numeric_limits<T>::min()) ||
        (v > 0 && static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())))
      typeError(path, "integer in range");
    out = static_cast<T>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.isNumeric()) typeError(path, "number");
    out = static_cast<T>(j.asDouble());
  } else if constexpr (std::is_same_v<T, Json::Value>) {
    out = j;
  } else if constexpr (HasVisit<T>::value) {
    if (!j.isObject()) typeError(path, "object");
    Decoder dec{&j, &path};
    out.visit(dec);
  } else {
    decodeContainer(j, path, out);
  }
}

} // namespace detail

// Encodes any visited value type (or container of them) to a Json::Value.
template <class T> Json::Value toJson(const T &value) { return detail::encodeValue(value); }

// Decodes, throwing DecodeError naming the field's JSON pointer.
template <class T> T fromJsonOrThrow(const Json::Value &json) {
  T out{};
  detail::decodeValue(json, detail::Path{}, out);
  return out;
}

// Encodes T as compact JSON text (what writeJson(toJson(value)) gives, with
// a visited struct's members in visit order).
template <class T> std::string encode(const T &value) {
  std::string out;
  out.reserve(256); // most messages fit: no regrowth while writing
  detail::appendValue(out, value);
  return out;
}

} // namespace orders::sdk

// decode<T>: JSON text straight into SDK types (needs the codecs above).
#include "orders/sdk/json_reader.hpp"

#endif
