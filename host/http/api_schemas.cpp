#include "http/api_schemas.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "orders/sdk/json.hpp"

namespace orders::host::http {

const std::map<std::string, const char *> &embeddedApiSchemas();

const config::SchemaValidator &apiSchema(const std::string &name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const config::SchemaValidator>> compiled;
  std::lock_guard lock(mutex);
  auto it = compiled.find(name);
  if (it != compiled.end()) return *it->second;
  auto text = embeddedApiSchemas().find(name);
  if (text == embeddedApiSchemas().end()) throw std::logic_error("no API schema named " + name);
  auto v = config::SchemaValidator::compile(sdk::parseJson(text->second));
  if (!v.ok()) throw std::logic_error("API schema " + name + " is broken: " + v.error().message);
  compiled[name] = v.value();
  return *v.value();
}

} // namespace orders::host::http
