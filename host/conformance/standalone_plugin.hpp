// One plugin instance loaded exactly as the server loads it, outside a
// server: the server config's schema and defaults, the real PluginRegistry
// (Boost.DLL, descriptor, ABI and plugin-schema checks) and the real host
// services (outbound HTTP client with budgets, retries and breaker, metrics,
// secrets). Used by the conformance kit and by plugin integration tests.
//
// Lifetime: the instance lives as long as the StandalonePlugin. Thread-safety:
// instance() may be called from any thread once loaded.
#pragma once

#include <json/json.h>

#include <memory>
#include <string>
#include <vector>

#include "metrics/metrics_registry.hpp"
#include "plugins/plugin_registry.hpp"

namespace orders::host::conformance {

class StandalonePlugin {
public:
  // `instance` is one entry of plugins.<kind> in a server config, e.g.
  // {"name": "xendit", "config": {...}, "path": "/x/orders-payment-xendit.so"};
  // `secrets` the server config's `secrets` map ({"NAME": {"value": "x"}});
  // `plugin_paths` where libraries are looked up when `path` is absent.
  // An error says what failed, as the server's start-up would.
  static sdk::Result<std::unique_ptr<StandalonePlugin>> load(const std::string &kind, const Json::Value &instance,
                                                             const Json::Value &secrets,
                                                             const std::vector<std::string> &plugin_paths,
                                                             plugins::CircuitBreaker::Clock breaker_clock = {});

  plugins::PluginInstance &instance() const { return *registry_->all().front(); }
  metrics::MetricsRegistry &metrics() { return *metrics_; }

private:
  StandalonePlugin() = default;
  std::unique_ptr<metrics::MetricsRegistry> metrics_; // declared first: outlives the registry
  std::unique_ptr<plugins::PluginRegistry> registry_;
};

} // namespace orders::host::conformance
