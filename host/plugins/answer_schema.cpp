#include "plugins/answer_schema.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "config/schema_validator.hpp"
#include "orders/sdk/json.hpp"
#include "plugin_messages_schema_embedded.hpp"

namespace orders::host::plugins {

namespace {

using Validators = std::map<std::string, std::shared_ptr<const config::SchemaValidator>, std::less<>>;

// Every definition, compiled once (thread-safe static initialisation), then
// only read: no lock on the call path.
const Validators &validators() {
  static const Validators all = [] {
    Validators out;
    const Json::Value definitions = sdk::parseJson(kPluginMessagesSchema)["definitions"];
    for (const std::string &name : definitions.getMemberNames()) {
      Json::Value schema(Json::objectValue);
      schema["$ref"] = "#/definitions/" + name;
      schema["definitions"] = definitions;
      auto validator = config::SchemaValidator::compile(schema);
      // The schema is compiled into the binary and tested: a failure here is a build defect.
      if (!validator.ok()) throw std::logic_error("plugin-messages schema " + name + ": " + validator.error().message);
      out.emplace(name, validator.value());
    }
    return out;
  }();
  return all;
}

} // namespace

std::optional<std::string> answerProblem(const char *name, const Json::Value &answer) {
  if (name == nullptr) return std::nullopt;
  const auto found = validators().find(std::string_view(name));
  if (found == validators().end()) return std::string(name) + ": no such definition in plugin-messages.v1";
  const auto violations = found->second->validate(answer);
  if (violations.empty()) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < violations.size() && i < 3; ++i) {
    if (i > 0) out += "; ";
    out += (violations[i].pointer.empty() ? std::string("/") : violations[i].pointer) + ": " + violations[i].message;
  }
  if (violations.size() > 3) out += "; and " + std::to_string(violations.size() - 3) + " more";
  return std::string(name) + " " + out;
}

} // namespace orders::host::plugins
