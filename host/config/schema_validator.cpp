#include "config/schema_validator.hpp"

#include <valijson/adapters/jsoncpp_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"

namespace orders::host::config {

namespace {

// valijson context ["<root>", "[plugins]", "[0]"] -> "/plugins/0"
std::string pointerOf(const std::vector<std::string> &context) {
  std::string out;
  for (const std::string &c : context) {
    if (c == "<root>") continue;
    std::string token = c;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') token = token.substr(1, token.size() - 2);
    out += "/" + sdk::JsonPointer::escape(token);
  }
  return out;
}

std::vector<std::string> splitPointer(const std::string &pointer) {
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

const Json::Value *resolveRef(const Json::Value &root, const Json::Value *node) {
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
const Json::Value *schemaAt(const Json::Value &root, const std::string &pointer) {
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

std::string trimNumber(const std::string &n) {
  if (n.find('.') == std::string::npos) return n;
  std::string out = n;
  while (!out.empty() && out.back() == '0')
    out.pop_back();
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string joinValues(const Json::Value &values) {
  std::string out;
  for (const Json::Value &v : values) {
    if (!out.empty()) out += ", ";
    out += v.isString() ? v.asString() : sdk::writeJson(v);
  }
  return out;
}

Violation translate(const Json::Value &schema, std::string pointer, const std::string &description) {
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
    return {pointer + "/" + sdk::JsonPointer::escape(m[1].str()), "unknown key"};
  if (std::regex_search(description, m, kRequired))
    return {pointer + "/" + sdk::JsonPointer::escape(m[1].str()), "is required"};
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

bool isWrapperError(const std::string &d) {
  return d.rfind("Failed to validate item #", 0) == 0 ||
         d.rfind("Failed to validate against schema associated with property name", 0) == 0 ||
         d.rfind("Failed to validate against additional properties schema", 0) == 0 ||
         d.rfind("Failed to validate against child schema", 0) == 0;
}

void defaultsInto(const Json::Value &root, const Json::Value *schema, Json::Value &doc) {
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

} // namespace

SchemaValidator::~SchemaValidator() = default;

sdk::Result<std::shared_ptr<const SchemaValidator>> SchemaValidator::compile(const Json::Value &schema) {
  if (!schema.isObject()) return sdk::invalidArgument("schema must be a JSON object");
  std::shared_ptr<SchemaValidator> v(new SchemaValidator());
  v->schema_json_ = schema;
  v->schema_ = std::make_unique<valijson::Schema>();
  try {
    valijson::SchemaParser parser;
    valijson::adapters::JsonCppAdapter adapter(v->schema_json_);
    parser.populateSchema(adapter, *v->schema_);
  } catch (const std::exception &e) {
    return sdk::invalidArgument(std::string("invalid JSON Schema: ") + e.what());
  }
  return std::shared_ptr<const SchemaValidator>(std::move(v));
}

std::vector<Violation> SchemaValidator::validate(const Json::Value &document) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::JsonCppAdapter target(document);
  validator.validate(*schema_, target, &results);

  std::vector<Violation> all;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    if (isWrapperError(error.description)) continue;
    all.push_back(translate(schema_json_, pointerOf(error.context), error.description));
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

void SchemaValidator::applyDefaults(Json::Value &document) const {
  defaultsInto(schema_json_, &schema_json_, document);
}

std::string formatViolations(const std::string &prefix, const std::vector<Violation> &violations) {
  std::string out;
  for (const Violation &v : violations) {
    if (!out.empty()) out += '\n';
    out += prefix + (v.pointer.empty() ? "/" : v.pointer) + ": " + v.message;
  }
  return out;
}

} // namespace orders::host::config
