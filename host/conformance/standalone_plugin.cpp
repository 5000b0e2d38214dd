#include "conformance/standalone_plugin.hpp"

#include "auth/secret_store.hpp"
#include "config/config_loader.hpp"
#include "config/env_subst.hpp"
#include "config/schema_validator.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::conformance {

sdk::Result<std::unique_ptr<StandalonePlugin>>
StandalonePlugin::load(const std::string &kind, const Json::Value &instance, const Json::Value &secrets,
                       const std::vector<std::string> &plugin_paths, plugins::CircuitBreaker::Clock breaker_clock) {
  Json::Value config(Json::objectValue);
  config["plugin_paths"] = Json::Value(Json::arrayValue);
  for (const std::string &path : plugin_paths)
    config["plugin_paths"].append(path);
  config["secrets"] = secrets;
  config["plugins"][kind].append(instance);
  // Through the config loader, so ${VAR} substitution applies as in a file.
  auto parsed = config::parseConfigText(sdk::writeJson(config), "plugin-config", config::processEnv());
  if (!parsed.ok()) return parsed.error();
  static const auto validator = config::SchemaValidator::compile(config::configSchema());
  if (!validator.ok()) return validator.error();
  const auto violations = validator.value()->validate(parsed.value());
  if (!violations.empty()) return sdk::invalidArgument(config::formatViolations("plugin-config: ", violations));
  validator.value()->applyDefaults(parsed.value());

  std::unique_ptr<StandalonePlugin> out(new StandalonePlugin());
  out->metrics_ = std::make_unique<metrics::MetricsRegistry>();
  auto store = std::make_shared<plugins::SecretStore>(parsed.value()["secrets"], config::processEnv());
  auto loaded =
      plugins::PluginRegistry::load(parsed.value(), "plugin-config", *out->metrics_, store, std::move(breaker_clock));
  if (!loaded.ok()) return loaded.error();
  if (loaded.value()->all().empty()) return sdk::internalError("plugin-config: no instance was created");
  out->registry_ = std::move(loaded).value();
  return out;
}

} // namespace orders::host::conformance
