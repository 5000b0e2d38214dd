// The orders_host_services_t table given to one plugin instance.
//
// Logging tags lines with the instance; metrics land in the host registry
// under "orders_plugin_<name>" with an `instance` label; HTTP goes through the
// instance's HttpClient, capped by the budget of the plugin call in progress
// on this thread (CallBudget); secrets come from the SecretStore.
//
// Thread-safety: every entry point may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/secret_store.hpp"
#include "metrics/metrics_registry.hpp"
#include "net/http_client.hpp"
#include "orders/sdk/abi.h"

namespace orders::host::plugins {

// Sets the deadline of the plugin call running on this thread; host HTTP
// made during the call cannot run past it. Nests (restores on exit): an
// inner budget never outlives the enclosing one (a checkout's budget caps
// each of its calls). `abandoned`, when given, tells whether the client the
// work is for has gone (closed its connection): no plugin call starts then.
class CallBudget {
public:
  explicit CallBudget(std::chrono::steady_clock::time_point deadline, std::function<bool()> abandoned = {});
  ~CallBudget();
  CallBudget(const CallBudget &) = delete;
  CallBudget &operator=(const CallBudget &) = delete;
  // The current call's deadline, if a call is in progress on this thread.
  static std::optional<std::chrono::steady_clock::time_point> current();
  // True when an enclosing budget's client has gone.
  static bool abandoned();

  // Runs its scope outside every enclosing budget (undoing a failed
  // checkout must not be cut short by the deadline that failed it).
  class Detached {
  public:
    Detached();
    ~Detached();
    Detached(const Detached &) = delete;
    Detached &operator=(const Detached &) = delete;

  private:
    std::optional<std::chrono::steady_clock::time_point> deadline_;
    const std::function<bool()> *abandoned_;
  };

private:
  std::optional<std::chrono::steady_clock::time_point> previous_;
  std::function<bool()> abandoned_;
  const std::function<bool()> *previous_abandoned_;
};

// Where the `core` host service of dialect instances leads (ABI 1.4): set
// by the application once the order core and its routes exist, before the
// server accepts requests; read-only afterwards. Unset: `unavailable`.
struct CoreGateway {
  std::function<orders_status_t(std::string_view request, std::string_view payload, const orders_sink_t *out)> call;
};

class InstanceServices {
public:
  InstanceServices(std::string instance_id, std::string kind, metrics::MetricsRegistry &metrics,
                   net::OutboundOptions http, std::shared_ptr<const SecretStore> secrets, int64_t default_budget_ms,
                   std::shared_ptr<const CoreGateway> core = nullptr);
  InstanceServices(const InstanceServices &) = delete;
  InstanceServices &operator=(const InstanceServices &) = delete;

  const orders_host_services_t *table() const { return &table_; }
  const std::string &instanceId() const { return instance_id_; }

private:
  static void logThunk(void *ctx, int32_t level, orders_bytes_t message) noexcept;
  static void metricThunk(void *ctx, int32_t type, orders_bytes_t name, double value, orders_bytes_t labels) noexcept;
  static orders_status_t httpThunk(void *ctx, orders_bytes_t request, orders_bytes_t payload,
                                   const orders_sink_t *out) noexcept;
  static int64_t nowThunk(void *ctx) noexcept;
  static orders_status_t secretThunk(void *ctx, orders_bytes_t name, const orders_sink_t *out) noexcept;
  static orders_status_t coreThunk(void *ctx, orders_bytes_t request, orders_bytes_t payload,
                                   const orders_sink_t *out) noexcept;

  std::string instance_id_;
  std::string kind_;
  metrics::MetricsRegistry &metrics_;
  net::HttpClient http_;
  std::shared_ptr<const SecretStore> secrets_;
  int64_t default_budget_ms_;
  std::shared_ptr<const CoreGateway> core_; // dialect instances only
  orders_host_services_t table_;
};

} // namespace orders::host::plugins
