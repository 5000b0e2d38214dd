// orders/sdk/json_reader.hpp - decode<T>: JSON text straight into SDK types.
//
// Included by orders/sdk/json.hpp (whose codecs, traits and error paths it
// uses); include either. The reader accepts and gives what parseJson +
// fromJsonOrThrow do, with the same JSON pointers in errors, but builds no
// Json::Value per member: every plugin call decodes a message each way.
//
// Thread-safety: a TextReader is used by one thread; decode is a free function.
#ifndef ORDERS_SDK_JSON_READER_HPP
#define ORDERS_SDK_JSON_READER_HPP

#include <algorithm>
#include <array>
#include <locale>
#include <sstream>

#include "orders/sdk/json.hpp"

namespace orders::sdk {

namespace detail {

// Reads one JSON text straight into a visited struct or container: what
// parseJson + fromJsonOrThrow accept and give (the same pointers in errors),
// without a Json::Value per member; every plugin call decodes a message.
// Strict as parseJson: an object or array at the root, no trailing data,
// no duplicate member names, no comments or special floats.
class TextReader {
public:
  explicit TextReader(std::string_view text) : text_(text) {}

  template <class T> void document(T &out) {
    skipSpace();
    if (!more() || (peek() != '{' && peek() != '[')) malformed("a document must be an object or an array");
    read(Path{}, out, 0);
    skipSpace();
    if (more()) malformed("extra data after the document");
  }

private:
  // Below JsonCpp's stack limit (1000), so whatever this reader accepts
  // JsonCpp would too; SDK messages nest a few levels.
  static constexpr int kMaxDepth = 500;
  struct Member {
    std::string_view name; // into the text, or into names_ when it had escapes
    size_t value_at;
    bool read; // a field took it; the others are validated after
  };
  // An object's members: the first kInline without an allocation (SDK
  // messages have fewer), the rest on the heap.
  class Members {
  public:
    size_t size() const { return count_; }
    Member &operator[](size_t i) { return i < kInline ? inline_[i] : more_[i - kInline]; }
    void push(const Member &m) {
      if (count_ < kInline)
        inline_[count_] = m;
      else
        more_.push_back(m);
      ++count_;
    }

  private:
    static constexpr size_t kInline = 16;
    std::array<Member, kInline> inline_;
    std::vector<Member> more_;
    size_t count_ = 0;
  };

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<std::unique_ptr<std::string>> names_; // member names that had escapes, unescaped

  bool more() const { return pos_ < text_.size(); }
  char peek() const { return text_[pos_]; }
  [[noreturn]] void malformed(const std::string &what) const {
    throw DecodeError("malformed JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void skipSpace() {
    while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }
  void expect(char c, const char *what) {
    skipSpace();
    if (!more() || peek() != c) malformed(what);
    ++pos_;
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  unsigned hex4() {
    if (text_.size() - pos_ < 4) malformed("four hex digits expected after \\u");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        malformed("bad hex digit in \\u escape");
    }
    return v;
  }
  static void appendUtf8(std::string &out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // At the opening quote; leaves pos_ after the closing one.
  std::string string() {
    ++pos_;
    std::string out;
    size_t plain = pos_;
    while (true) {
      if (!more()) malformed("unterminated string");
      const char c = text_[pos_];
      if (c == '"') break;
      if (c != '\\') {
        ++pos_;
        continue;
      }
      out.append(text_.data() + plain, pos_ - plain);
      if (++pos_ >= text_.size()) malformed("unterminated string");
      const char e = text_[pos_++];
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        unsigned cp = hex4();
        if (cp >= 0xD800 && cp <= 0xDBFF) { // the first half of a surrogate pair, as JsonCpp reads it
          if (!literal("\\u")) malformed("a \\u escape must follow the first half of a surrogate pair");
          cp = 0x10000 + ((cp & 0x3FF) << 10) + (hex4() & 0x3FF);
        }
        appendUtf8(out, cp);
        break;
      }
      default: malformed("bad escape sequence in string");
      }
      plain = pos_;
    }
    out.append(text_.data() + plain, pos_ - plain);
    ++pos_;
    return out;
  }
  // A number token (JSON's grammar; leading zeros allowed, as JsonCpp does).
  std::string_view number() {
    const size_t start = pos_;
    if (more() && peek() == '-') ++pos_;
    const auto digits = [&] {
      const size_t from = pos_;
      while (more() && peek() >= '0' && peek() <= '9')
        ++pos_;
      if (pos_ == from) malformed("digits expected in a number");
    };
    digits();
    if (more() && peek() == '.') {
      ++pos_;
      digits();
    }
    if (more() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (more() && (peek() == '+' || peek() == '-')) ++pos_;
      digits();
    }
    return text_.substr(start, pos_ - start);
  }
  bool atNumber() const { return more() && (peek() == '-' || (peek() >= '0' && peek() <= '9')); }
  static double toDouble(std::string_view token) {
    // strtod on a copy, in the C locale's format (JsonCpp reads numbers
    // with the classic locale; JSON has no other decimal point).
    std::istringstream in{std::string(token)};
    in.imbue(std::locale::classic());
    double d = 0;
    in >> d;
    return d;
  }
  // Steps over a string without reading it (its escapes are checked when
  // it is read, or by a strict skip).
  void passString() {
    ++pos_;
    while (true) {
      if (!more()) malformed("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return;
      if (c == '\\') ++pos_;
    }
  }
  // Steps over one value of any kind. Strict: validates it all (escapes,
  // duplicate names); otherwise only finds its end, for a value that is
  // read (and so validated) next or skipped strictly later.
  void skip(int depth, bool strict) {
    if (depth > kMaxDepth) malformed("nesting deeper than 500");
    skipSpace();
    if (!more()) malformed("a value expected");
    const char c = peek();
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++pos_;
      skipSpace();
      if (more() && peek() == close) {
        ++pos_;
        return;
      }
      std::vector<std::string> names; // an object's, for duplicates
      while (true) {
        if (c == '{') {
          skipSpace();
          if (!more() || peek() != '"') malformed("a member name expected");
          if (strict)
            names.push_back(string());
          else
            passString();
          expect(':', "':' expected after a member name");
        }
        skip(depth + 1, strict);
        skipSpace();
        if (more() && peek() == ',') {
          ++pos_;
          continue;
        }
        if (more() && peek() == close) {
          ++pos_;
          break;
        }
        malformed(c == '{' ? "',' or '}' expected in an object" : "',' or ']' expected in an array");
      }
      std::sort(names.begin(), names.end());
      const auto twice = std::adjacent_find(names.begin(), names.end());
      if (twice != names.end()) malformed("duplicate member name '" + *twice + "'");
      return;
    }
    if (c == '"') {
      if (strict)
        string();
      else
        passString();
    } else if (atNumber()) {
      number();
    } else if (!literal("true") && !literal("false") && !literal("null")) {
      malformed("a value expected");
    }
  }
  // A member name at its opening quote: a view of the text when it has no
  // escapes (the usual case), else of its unescaped copy.
  std::string_view name() {
    const size_t start = pos_ + 1;
    const size_t end = text_.find_first_of("\"\\", start);
    if (end != std::string_view::npos && text_[end] == '"') {
      pos_ = end + 1;
      return text_.substr(start, end - start);
    }
    names_.push_back(std::make_unique<std::string>(string()));
    return *names_.back();
  }
  // The members of the object at pos_ (validated; values located, not read).
  void members(int depth, Members &out) {
    if (depth > kMaxDepth) malformed("nesting deeper than 500");
    ++pos_;
    skipSpace();
    if (more() && peek() == '}') {
      ++pos_;
      return;
    }
    while (true) {
      skipSpace();
      if (!more() || peek() != '"') malformed("a member name expected");
      const std::string_view key = name();
      expect(':', "':' expected after a member name");
      skipSpace();
      out.push(Member{key, pos_, false});
      skip(depth + 1, false);
      skipSpace();
      if (more() && peek() == ',') {
        ++pos_;
        continue;
      }
      if (more() && peek() == '}') {
        ++pos_;
        break;
      }
      malformed("',' or '}' expected in an object");
    }
    const size_t n = out.size();
    if (n <= 16) { // pairwise: cheaper than sorting a few names
      for (size_t i = 1; i < n; ++i)
        for (size_t j = 0; j < i; ++j)
          if (out[i].name == out[j].name) malformed("duplicate member name '" + std::string(out[i].name) + "'");
    } else {
      std::vector<std::string_view> names;
      names.reserve(n);
      for (size_t i = 0; i < n; ++i)
        names.push_back(out[i].name);
      std::sort(names.begin(), names.end());
      const auto twice = std::adjacent_find(names.begin(), names.end());
      if (twice != names.end()) malformed("duplicate member name '" + std::string(*twice) + "'");
    }
  }

  template <class T> void integer(const Path &path, T &out) {
    if (!atNumber()) typeError(path, "integer");
    const std::string_view token = number();
    int64_t v = 0;
    if (token.find_first_of(".eE") == std::string_view::npos) {
      const bool negative = token[0] == '-';
      uint64_t magnitude = 0;
      bool overflow = false;
      for (size_t i = negative ? 1 : 0; i < token.size() && !overflow; ++i) {
        const auto d = static_cast<uint64_t>(token[i] - '0');
        if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / 10)
          overflow = true;
        else
          magnitude = magnitude * 10 + d;
      }
      const uint64_t int64_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
      if (!overflow && !negative && magnitude <= int64_max) {
        v = static_cast<int64_t>(magnitude);
      } else if (!overflow && negative && magnitude <= int64_max + 1) {
        v = magnitude == int64_max + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
      } else if (!overflow && !negative) {
        typeError(path, "integer in 64-bit range"); // JsonCpp: an unsigned value
      } else {
        typeError(path, "integer"); // JsonCpp reads it as a real out of every integer range
      }
    } else {
      // A real is taken when it is integral and within int64 (JsonCpp's isInt64).
      const double d = toDouble(token);
      if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
          d != static_cast<double>(static_cast<int64_t>(d)))
        typeError(path, "integer");
      v = static_cast<int64_t>(d);
    }
    if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        (v > 0 && static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())))
      typeError(path, "integer in range");
    out = static_cast<T>(v);
  }

  template <class T> void read(const Path &path, T &out, int depth) {
    skipSpace();
    if (!more()) malformed("a value expected");
    if constexpr (IsOptional<T>::value) {
      if (literal("null")) {
        out.reset();
        return;
      }
      typename T::value_type inner{};
      read(path, inner, depth);
      out = std::move(inner);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (peek() != '"') typeError(path, "string");
      out = string();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (literal("true"))
        out = true;
      else if (literal("false"))
        out = false;
      else
        typeError(path, "boolean");
    } else if constexpr (std::is_integral_v<T>) {
      integer(path, out);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!atNumber()) typeError(path, "number");
      out = static_cast<T>(toDouble(number()));
    } else if constexpr (std::is_same_v<T, Json::Value>) {
      const size_t start = pos_;
      skip(depth, false); // JsonCpp validates it
      out = parseStrict(text_.substr(start, pos_ - start), false);
    } else if constexpr (HasVisit<T>::value) {
      if (peek() != '{') typeError(path, "object");
      Members found;
      members(depth, found);
      const size_t end = pos_;
      Fields fields{this, &found, &path, depth};
      out.visit(fields);
      for (size_t i = 0; i < found.size(); ++i)
        if (!found[i].read) { // a member this version does not know: ignored, but valid JSON
          pos_ = found[i].value_at;
          skip(depth + 1, true);
        }
      pos_ = end;
    } else if constexpr (IsVector<T>::value) {
      if (peek() != '[') typeError(path, "array");
      if (depth > kMaxDepth) malformed("nesting deeper than 500");
      out.clear();
      ++pos_;
      skipSpace();
      if (more() && peek() == ']') {
        ++pos_;
        return;
      }
      for (size_t i = 0;; ++i) {
        typename T::value_type e{};
        read(Path{&path, {}, i, true}, e, depth + 1);
        out.push_back(std::move(e));
        skipSpace();
        if (more() && peek() == ',') {
          ++pos_;
          continue;
        }
        if (more() && peek() == ']') {
          ++pos_;
          return;
        }
        malformed("',' or ']' expected in an array");
      }
    } else { // std::map<std::string, V>
      if (peek() != '{') typeError(path, "object");
      Members found;
      members(depth, found);
      const size_t end = pos_;
      out.clear();
      for (size_t i = 0; i < found.size(); ++i) {
        const Member &m = found[i];
        pos_ = m.value_at;
        typename T::mapped_type e{};
        read(Path{&path, m.name}, e, depth + 1);
        out.emplace(std::string(m.name), std::move(e));
      }
      pos_ = end;
    }
  }

  // The visitor of a struct's fields over its located members. The search
  // starts after the member the last field took: writers put members in
  // visit order, so it usually looks once.
  struct Fields {
    TextReader *reader;
    Members *found;
    const Path *path;
    int depth;
    size_t next = 0;
    template <class T> void operator()(const char *name, T &field) {
      const std::string_view key(name);
      const Path child{path, key};
      const size_t n = found->size();
      for (size_t k = 0; k < n; ++k) {
        const size_t i = next + k < n ? next + k : next + k - n;
        Member &m = (*found)[i];
        if (m.name != key) continue;
        m.read = true;
        next = i + 1;
        reader->pos_ = m.value_at;
        reader->read(child, field, depth + 1);
        return;
      }
      if constexpr (IsOptional<T>::value)
        field.reset();
      else
        throw DecodeError(child.pointer() + ": is required");
    }
  };
};

} // namespace detail

// Decodes JSON text into T; malformed text or a bad field is invalid_argument.
template <class T> Result<T> decode(std::string_view text) {
  try {
    T out{};
    detail::TextReader(text.empty() ? std::string_view("{}") : text).document(out);
    return out;
  } catch (const DecodeError &e) {
    return invalidArgument(e.what());
  }
}

} // namespace orders::sdk

#endif
