// All plugin instances of a running server, loaded from the config.
//
// load() runs the whole pipeline for every configured instance: resolve
// the library file on plugin_paths, open and check it (PluginLibrary),
// check the configured kind and name match the descriptor, the id is
// unique, the instance config is valid against the plugin's schema (unknown
// keys rejected, pointer named), then create(). It reports every failure,
// one line each, and returns an error if any occurred (fail-fast start-up).
//
// Thread-safety: immutable after load(); instances are thread-safe.
#pragma once

#include <json/json.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/secret_store.hpp"
#include "metrics/metrics_registry.hpp"
#include "plugins/plugin_instance.hpp"

namespace orders::host::plugins {

class PluginRegistry {
public:
  // Which configured instances load() creates (all when empty): live reload
  // creates only the changed ones.
  using InstanceFilter = std::function<bool(const std::string &kind, const Json::Value &entry)>;

  // `config` is the validated server config (defaults applied);
  // `source_name` prefixes config errors (usually the file path).
  static sdk::Result<std::unique_ptr<PluginRegistry>> load(const Json::Value &config, const std::string &source_name,
                                                           metrics::MetricsRegistry &metrics,
                                                           std::shared_ptr<const SecretStore> secrets,
                                                           CircuitBreaker::Clock breaker_clock = {},
                                                           const InstanceFilter &only = {});

  PluginInstance *find(const std::string &kind, const std::string &id) const;
  std::vector<PluginInstance *> ofKind(const std::string &kind) const;
  const std::vector<std::unique_ptr<PluginInstance>> &all() const { return instances_; }
  // Hands the instances over (the registry is empty after).
  std::vector<std::unique_ptr<PluginInstance>> release() { return std::move(instances_); }

  // Where dialect instances' `core` host service leads; set once by the
  // application before requests are served.
  void setCoreGateway(CoreGateway gateway) { *core_ = std::move(gateway); }

private:
  std::vector<std::unique_ptr<PluginInstance>> instances_;
  std::shared_ptr<CoreGateway> core_ = std::make_shared<CoreGateway>();
};

// Library file name for a kind and plugin name: orders-<kind>-<name>.so
std::string pluginFileName(const std::string &kind, const std::string &name);

// Installed plugins found on `paths`, for --list-plugins and --print-schemas.
struct InstalledPlugin {
  std::string file;
  std::shared_ptr<PluginLibrary> library; // null when it failed to open
  std::string error;
};
std::vector<InstalledPlugin> scanInstalled(const std::vector<std::string> &paths);

} // namespace orders::host::plugins
