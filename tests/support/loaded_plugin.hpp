// A plugin loaded the way the server loads it, for integration tests: the
// real PluginRegistry (Boost.DLL, descriptor and schema checks) with the
// real host services (outbound HTTP client with timeouts, retries and
// breaker, metrics, secrets). Calls go through orders::host::core's typed
// functions (core/core_plugins.hpp), e.g. core::reserve(p.instance(), r).
#pragma once

#include <json/json.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "conformance/standalone_plugin.hpp"

namespace orders::testing {

class LoadedPlugin {
public:
  // `instance` is one entry of plugins.<kind> in the server config, e.g.
  // {"name": "catalog", "id": "cat", "config": {...}, "http": {...}}.
  // `secrets` is the server config's `secrets` map ({"NAME": {"value": "x"}}).
  // On failure, instance() throws and error() says why.
  LoadedPlugin(const std::string &kind, const Json::Value &instance,
               const Json::Value &secrets = Json::Value(Json::objectValue));
  ~LoadedPlugin();

  bool ok() const { return plugin_ != nullptr; }
  const std::string &error() const { return error_; }
  orders::host::plugins::PluginInstance &instance() const;
  orders::host::metrics::MetricsRegistry &metrics() { return plugin_->metrics(); }
  // The instance's breaker runs on a clock of the test's: real time plus
  // whatever advance() added, so a test moves past open_ms without sleeping.
  void advance(std::chrono::milliseconds by) { offset_->fetch_add(by.count()); }

private:
  std::shared_ptr<std::atomic<int64_t>> offset_ = std::make_shared<std::atomic<int64_t>>(0);
  std::unique_ptr<orders::host::conformance::StandalonePlugin> plugin_;
  std::string kind_;
  std::string error_;
};

// Parses JSON text (tests write configs inline); throws on bad JSON.
Json::Value json(const std::string &text);

} // namespace orders::testing
