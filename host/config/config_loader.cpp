#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "config/schema_validator.hpp"
#include "config_schema_embedded.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::config {

const Json::Value &configSchema() {
  static const Json::Value schema = sdk::parseJson(kServerConfigSchema);
  return schema;
}

namespace {

struct ConvertError {
  std::string message;
};

Json::Value typedScalar(const std::string &v) {
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+");
  if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return Json::Value(Json::nullValue);
  if (v == "true" || v == "True" || v == "TRUE") return Json::Value(true);
  if (v == "false" || v == "False" || v == "FALSE") return Json::Value(false);
  if (std::regex_match(v, kInt)) {
    try {
      return Json::Value(static_cast<Json::Int64>(std::stoll(v)));
    } catch (const std::out_of_range &) {
      return Json::Value(v);
    }
  }
  if (std::regex_match(v, kFloat)) {
    try {
      return Json::Value(std::stod(v));
    } catch (const std::out_of_range &) { // 1e999, 1e-400: text, as integers out of range
      return Json::Value(v);
    }
  }
  return Json::Value(v);
}

std::string where(const YAML::Node &node) { return "line " + std::to_string(node.Mark().line + 1); }

// Bounds on what aliases can expand to: a YAML alias may refer to the node
// that contains it (infinite recursion) or be repeated to blow the document
// up exponentially; no real config comes near either bound.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxNodes = 100000;

struct Walk {
  const EnvLookup &env;
  size_t nodes = 0;
};

Json::Value convert(const YAML::Node &node, const std::string &pointer, Walk &walk, int depth) {
  if (depth > kMaxDepth)
    throw ConvertError{(pointer.empty() ? "/" : pointer.substr(0, 200)) + ": nested more than " +
                       std::to_string(kMaxDepth) + " levels deep (an alias that refers to a node containing it?)"};
  if (++walk.nodes > kMaxNodes)
    throw ConvertError{"more than " + std::to_string(kMaxNodes) +
                       " values once aliases are expanded (aliases repeating aliases?)"};
  const EnvLookup &env = walk.env;
  switch (node.Type()) {
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined: return Json::Value(Json::nullValue);
  case YAML::NodeType::Scalar: {
    auto substituted = substituteEnv(node.Scalar(), env);
    if (!substituted.ok()) throw ConvertError{(pointer.empty() ? "/" : pointer) + ": " + substituted.error().message};
    // Quoted scalars carry the "!" tag; they are strings whatever they hold.
    if (node.Tag() == "!") return Json::Value(substituted.value());
    return typedScalar(substituted.value());
  }
  case YAML::NodeType::Sequence: {
    Json::Value arr(Json::arrayValue);
    Json::ArrayIndex i = 0;
    for (const YAML::Node &item : node)
      arr.append(convert(item, pointer + "/" + std::to_string(i++), walk, depth + 1));
    return arr;
  }
  case YAML::NodeType::Map: {
    Json::Value obj(Json::objectValue);
    for (const auto &kv : node) {
      if (!kv.first.IsScalar()) throw ConvertError{(pointer.empty() ? "/" : pointer) + ": keys must be strings"};
      const std::string key = kv.first.Scalar();
      if (obj.isMember(key)) throw ConvertError{pointer + "/" + key + ": duplicate key (" + where(kv.first) + ")"};
      obj[key] = convert(kv.second, pointer + "/" + key, walk, depth + 1);
    }
    return obj;
  }
  }
  return Json::Value(Json::nullValue);
}

} // namespace

sdk::Result<Json::Value> parseConfigText(const std::string &text, const std::string &source_name,
                                         const EnvLookup &env) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception &e) {
    return sdk::invalidArgument(source_name + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  try {
    Walk walk{env};
    Json::Value json = convert(root, "", walk, 0);
    if (json.isNull()) json = Json::Value(Json::objectValue);
    return json;
  } catch (const ConvertError &e) {
    return sdk::invalidArgument(source_name + ": " + e.message);
  }
}

sdk::Result<Json::Value> loadConfigText(const std::string &text, const std::string &source_name, const EnvLookup &env) {
  auto parsed = parseConfigText(text, source_name, env);
  if (!parsed.ok()) return parsed;
  Json::Value doc = std::move(parsed).value();

  static const auto validator = SchemaValidator::compile(configSchema());
  if (!validator.ok()) return sdk::internalError("built-in config schema is broken: " + validator.error().message);
  const auto violations = validator.value()->validate(doc);
  if (!violations.empty()) return sdk::invalidArgument(formatViolations(source_name + ": ", violations));
  validator.value()->applyDefaults(doc);
  return doc;
}

sdk::Result<Json::Value> loadConfigFile(const std::string &path, const EnvLookup &env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sdk::notFound(path + ": cannot open config file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return loadConfigText(buf.str(), path, env);
}

} // namespace orders::host::config
