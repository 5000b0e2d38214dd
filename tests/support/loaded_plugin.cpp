#include "loaded_plugin.hpp"

#include <stdexcept>

#include "auth/secret_store.hpp"
#include "config/config_loader.hpp"
#include "config/env_subst.hpp"
#include "config/schema_validator.hpp"

#ifndef ORDERS_PLUGIN_DIR
#error "ORDERS_PLUGIN_DIR must name the directory of the built plugins"
#endif

namespace orders::testing {

Json::Value json(const std::string &text) {
  Json::CharReaderBuilder b;
  std::unique_ptr<Json::CharReader> reader(b.newCharReader());
  Json::Value v;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &v, &errors))
    throw std::invalid_argument("bad JSON in test: " + errors);
  return v;
}

LoadedPlugin::LoadedPlugin(const std::string &kind, const Json::Value &instance, const Json::Value &secrets)
    : kind_(kind) {
  Json::Value config(Json::objectValue);
  config["plugin_paths"].append(ORDERS_PLUGIN_DIR);
  config["secrets"] = secrets;
  config["plugins"][kind].append(instance);
  Json::StreamWriterBuilder w;
  auto parsed = orders::host::config::parseConfigText(Json::writeString(w, config), "test-config",
                                                      orders::host::config::processEnv());
  if (!parsed.ok()) {
    error_ = parsed.error().message;
    return;
  }
  static const auto validator = orders::host::config::SchemaValidator::compile(orders::host::config::configSchema());
  const auto violations = validator.value()->validate(parsed.value());
  if (!violations.empty()) {
    error_ = orders::host::config::formatViolations("test-config: ", violations);
    return;
  }
  validator.value()->applyDefaults(parsed.value());
  auto store = std::make_shared<orders::host::plugins::SecretStore>(parsed.value()["secrets"],
                                                                    orders::host::config::processEnv());
  auto loaded =
      orders::host::plugins::PluginRegistry::load(parsed.value(), "test-config", metrics_, store, [offset = offset_] {
        return std::chrono::steady_clock::now() + std::chrono::milliseconds(offset->load());
      });
  if (!loaded.ok()) {
    error_ = loaded.error().message;
    return;
  }
  registry_ = std::move(loaded).value();
}

LoadedPlugin::~LoadedPlugin() = default;

orders::host::plugins::PluginInstance &LoadedPlugin::instance() const {
  if (!registry_ || registry_->all().empty()) throw std::runtime_error("plugin not loaded: " + error_);
  return *registry_->all().front();
}

} // namespace orders::testing
