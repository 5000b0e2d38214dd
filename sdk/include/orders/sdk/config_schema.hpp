// orders/sdk/config_schema.hpp - a config checked against a plugin's JSON
// Schema (draft 7) and its defaults filled in, exactly as the host does it
// at start-up: the host's own validator is this one. PluginHarness uses it,
// so a config a test creates an instance with is one the server accepts.
//
// Violations come one per offending value, with an RFC 6901 pointer and a
// short rule ("must be >= 100", "unknown key", "is required", "must be of
// type integer"); parent errors that only say "a child failed" are dropped.
// Defaults are filled at any depth reached through properties, items,
// additionalProperties and $ref.
//
// Header-only over valijson (Debian: libvalijson-dev) and JsonCpp; link
// OrdersSDK::testing (or add valijson's include directory).
// Thread-safety: a compiled Validator is immutable; validate() is const.
#ifndef ORDERS_SDK_CONFIG_SCHEMA_HPP
#define ORDERS_SDK_CONFIG_SCHEMA_HPP

#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif
#include <valijson/adapters/jsoncpp_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/result.hpp"
#include "orders/sdk/text.hpp"

namespace orders::sdk::schema {

struct Violation {
  std::string pointer; // "" is the document root
  std::string message;
};

namespace detail {

using orders::sdk::validUtf8; // orders/sdk/text.hpp

// The pointer of the first string or member name in `v` that is not UTF-8.
// valijson's length checks read past a table on such text (found by
// tests/fuzz), so the validator refuses it before valijson sees it.
inline std::optional<std::string> firstNonUtf8(const Json::Value &v, const std::string &at) {
  if (v.isString()) {
    const char *begin = nullptr, *end = nullptr;
    v.getString(&begin, &end);
    if (begin != nullptr && !validUtf8(std::string_view(begin, static_cast<size_t>(end - begin)))) return at;
  } else if (v.isObject()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string key = it.name();
      if (!validUtf8(key)) return at;
      if (auto found = firstNonUtf8(*it, at + "/" + JsonPointer::escape(key))) return found;
    }
  } else if (v.isArray()) {
    for (Json::ArrayIndex k = 0; k < v.size(); ++k)
      if (auto found = firstNonUtf8(v[k], at + "/" + std::to_string(k))) return found;
  }
  return std::nullopt;
}

// valijson context ["<root>", "[plugins]", "[0]"] -> "/plugins/0"
inline std::string pointerOf(const std::vector<std::string> &context) {
  std::string out;
  for (const std::string &c : context) {
    if (c == "<root>") continue;
    std::string token = c;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') token = token.substr(1, token.size() - 2);
    out += "/" + JsonPointer::escape(token);
  }
  return out;
}

inline std::vector<std::string> splitPointer(const std::string &pointer) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < pointer.size()) {
    size_t next = pointer.find('/', i + 1);
    std::string token = pointer.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1);
    std::string decoded;
    for (size_t k = 0; k < token.size(); ++k) {
      if (token[k] == '~' && k + 1 < token.size()) {
        decoded += token[k + 1] == '1' ? '/' : '~';
        ++k;
      } else {
        decoded += token[k];
      }
    }
    out.push_back(decoded);
    if (next == std::string::npos) break;
    i = next;
  }
  return out;
}

inline const Json::Value *resolveRef(const Json::Value &root, const Json::Value *node) {
  for (int hops = 0; node != nullptr && node->isObject() && node->isMember("$ref") && hops < 16; ++hops) {
    const std::string ref = (*node)["$ref"].asString();
    if (ref.rfind("#", 0) != 0) return node;
    const Json::Value *cur = &root;
    for (const std::string &t : splitPointer(ref.substr(1))) {
      if (!cur->isObject() || !cur->isMember(t)) return nullptr;
      cur = &(*cur)[t];
    }
    node = cur;
  }
  return node;
}

// The subschema governing the value at `pointer`, or nullptr.
inline const Json::Value *schemaAt(const Json::Value &root, const std::string &pointer) {
  const Json::Value *node = resolveRef(root, &root);
  for (const std::string &t : splitPointer(pointer)) {
    if (node == nullptr || !node->isObject()) return nullptr;
    const Json::Value &props = (*node)["properties"];
    if (props.isObject() && props.isMember(t))
      node = &props[t];
    else if ((*node)["items"].isObject())
      node = &(*node)["items"];
    else if ((*node)["additionalProperties"].isObject())
      node = &(*node)["additionalProperties"];
    else
      return nullptr;
    node = resolveRef(root, node);
  }
  return node;
}

inline std::string trimNumber(const std::string &n) {
  if (n.find('.') == std::string::npos) return n;
  std::string out = n;
  while (!out.empty() && out.back() == '0')
    out.pop_back();
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

inline std::string joinValues(const Json::Value &values) {
  std::string out;
  for (const Json::Value &v : values) {
    if (!out.empty()) out += ", ";
    out += v.isString() ? v.asString() : writeJson(v);
  }
  return out;
}

inline Violation translate(const Json::Value &schema, std::string pointer, const std::string &description) {
  static const std::regex kCompare("Expected number (greater|less) than( or equal to)? ([-0-9.eE+]+)");
  static const std::regex kUnknown(
      "could not be validated using 'properties' or 'additionalProperties' constraints: '(.*)'\\.");
  static const std::regex kRequired("Missing required property '(.*)'\\.");
  std::smatch m;
  if (std::regex_search(description, m, kCompare)) {
    const std::string op = std::string(m[1] == "greater" ? ">" : "<") + (m[2].matched ? "=" : "");
    return {pointer, "must be " + op + " " + trimNumber(m[3])};
  }
  if (std::regex_search(description, m, kUnknown))
    return {pointer + "/" + JsonPointer::escape(m[1].str()), "unknown key"};
  if (std::regex_search(description, m, kRequired))
    return {pointer + "/" + JsonPointer::escape(m[1].str()), "is required"};
  const Json::Value *sub = schemaAt(schema, pointer);
  if (description.find("'type' constraint") != std::string::npos) {
    if (sub != nullptr && (*sub)["type"].isString()) return {pointer, "must be of type " + (*sub)["type"].asString()};
    if (sub != nullptr && (*sub)["type"].isArray()) return {pointer, "must be of type " + joinValues((*sub)["type"])};
    return {pointer, "has the wrong type"};
  }
  if (description.find("enum values") != std::string::npos && sub != nullptr && (*sub)["enum"].isArray())
    return {pointer, "must be one of: " + joinValues((*sub)["enum"])};
  if (description.find("'pattern' constraint") != std::string::npos && sub != nullptr && (*sub)["pattern"].isString())
    return {pointer, "must match " + (*sub)["pattern"].asString()};
  return {pointer, description};
}

inline bool isWrapperError(const std::string &d) {
  return d.rfind("Failed to validate item #", 0) == 0 ||
         d.rfind("Failed to validate against schema associated with property name", 0) == 0 ||
         d.rfind("Failed to validate against additional properties schema", 0) == 0 ||
         d.rfind("Failed to validate against child schema", 0) == 0;
}

inline void defaultsInto(const Json::Value &root, const Json::Value *schema, Json::Value &doc) {
  schema = resolveRef(root, schema);
  if (schema == nullptr || !schema->isObject()) return;
  if (doc.isObject()) {
    const Json::Value &props = (*schema)["properties"];
    if (props.isObject()) {
      for (const std::string &key : props.getMemberNames()) {
        const Json::Value *prop = resolveRef(root, &props[key]);
        if (prop == nullptr) continue;
        if (!doc.isMember(key) && prop->isMember("default")) doc[key] = (*prop)["default"];
        if (doc.isMember(key)) defaultsInto(root, prop, doc[key]);
      }
    }
    const Json::Value &extra = (*schema)["additionalProperties"];
    if (extra.isObject()) {
      for (const std::string &key : doc.getMemberNames())
        if (!props.isObject() || !props.isMember(key)) defaultsInto(root, &extra, doc[key]);
    }
  } else if (doc.isArray() && (*schema)["items"].isObject()) {
    for (Json::Value &item : doc)
      defaultsInto(root, &(*schema)["items"], item);
  }
}

} // namespace detail

class Validator {
public:
  // Compiles `schema`; invalid_argument when the schema itself is broken.
  static Result<std::shared_ptr<const Validator>> compile(const Json::Value &schema) {
    if (!schema.isObject()) return invalidArgument("schema must be a JSON object");
    std::shared_ptr<Validator> v(new Validator());
    v->schema_json_ = schema;
    v->schema_ = std::make_unique<valijson::Schema>();
    try {
      valijson::SchemaParser parser;
      valijson::adapters::JsonCppAdapter adapter(v->schema_json_);
      parser.populateSchema(adapter, *v->schema_);
    } catch (const std::exception &e) {
      return invalidArgument(std::string("invalid JSON Schema: ") + e.what());
    }
    return std::shared_ptr<const Validator>(std::move(v));
  }

  std::vector<Violation> validate(const Json::Value &document) const {
    if (auto bad = detail::firstNonUtf8(document, "")) return {Violation{*bad, "must be valid UTF-8"}};
    // One valijson validator per thread: it caches the std::regex of every
    // `pattern` it meets (keyed by the pattern, so shared by all schemas);
    // a fresh one per call recompiled them each time (~200 us a timestamp).
    thread_local valijson::Validator validator;
    valijson::adapters::JsonCppAdapter target(document);
    // Fast path: stop at the first failure; collect every error only then.
    if (validator.validate(*schema_, target, nullptr)) return {};
    valijson::ValidationResults results;
    validator.validate(*schema_, target, &results);
    std::vector<Violation> all;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      if (detail::isWrapperError(error.description)) continue;
      all.push_back(detail::translate(schema_json_, detail::pointerOf(error.context), error.description));
    }
    // Keep the deepest errors: drop one whose pointer is an ancestor of another.
    std::vector<Violation> out;
    std::set<std::string> seen;
    for (const Violation &v : all) {
      const bool ancestor = std::any_of(all.begin(), all.end(), [&](const Violation &o) {
        return o.pointer.size() > v.pointer.size() && o.pointer.compare(0, v.pointer.size(), v.pointer) == 0 &&
               o.pointer[v.pointer.size()] == '/';
      });
      if (ancestor) continue;
      if (seen.insert(v.pointer + "\n" + v.message).second) out.push_back(v);
    }
    return out;
  }

  // Adds every absent property that has a `default` in the schema.
  void applyDefaults(Json::Value &document) const { detail::defaultsInto(schema_json_, &schema_json_, document); }

  const Json::Value &schema() const { return schema_json_; }

private:
  Validator() = default;
  Json::Value schema_json_;
  std::unique_ptr<valijson::Schema> schema_;
};

// "<prefix><pointer>: <message>" lines.
inline std::string formatViolations(const std::string &prefix, const std::vector<Violation> &violations) {
  std::string out;
  for (const Violation &v : violations) {
    if (!out.empty()) out += '\n';
    out += prefix + (v.pointer.empty() ? "/" : v.pointer) + ": " + v.message;
  }
  return out;
}

// `config` validated against `schema_json` with the defaults filled in, as
// the host does before create(); invalid_argument listing every violation.
inline Result<Json::Value> validatedConfig(const std::string &schema_json, const Json::Value &config) {
  Json::Value schema;
  try {
    schema = parseJson(schema_json.empty() ? std::string("{}") : schema_json);
  } catch (const std::exception &e) {
    return invalidArgument(std::string("the plugin's config schema is not JSON: ") + e.what());
  }
  auto validator = Validator::compile(schema);
  if (!validator.ok()) return validator.error();
  const std::vector<Violation> violations = validator.value()->validate(config);
  if (!violations.empty()) return invalidArgument(formatViolations("config", violations));
  Json::Value out = config;
  validator.value()->applyDefaults(out);
  return out;
}

} // namespace orders::sdk::schema

#endif
