// What request handlers may reach of the running server: the narrow
// interface between handlers and the application (handlers never see the
// ServerApplication). Thread-safety: fields are set before the listener
// starts and only read afterwards; the registries are thread-safe.
#pragma once

#include <json/json.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "auth/authenticator.hpp"
#include "auth/rate_limiter.hpp"
#include "core/order_core.hpp"
#include "events/event_bridge.hpp"
#include "metrics/metrics_registry.hpp"
#include "plugins/plugin_registry.hpp"

namespace orders::host::app {

struct AppContext {
  std::string config_path;
  Json::Value config; // validated, defaults applied
  metrics::MetricsRegistry metrics;
  std::unique_ptr<plugins::PluginRegistry> plugins;
  std::unique_ptr<auth::Authenticator> auth;
  std::unique_ptr<auth::RateLimiter> rate_limiter; // http.rate_limits; null when none
  std::unique_ptr<core::OrderCore> core;           // declared after plugins: destroyed before them
  std::unique_ptr<events::EventBridge> events;     // after core: stopped and destroyed first
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
  // Live reload (handlers/config_reload.hpp): one at a time; what the last
  // load applied (the config, each named secret's value hash); a counter.
  std::mutex reload_mutex;
  Json::Value live_config;
  std::map<std::string, size_t> live_secrets;
  uint64_t reload_generation = 0;
};

// Version of this build (from CMake's project version).
const char *buildVersion();

} // namespace orders::host::app
