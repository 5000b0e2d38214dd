// One running plugin instance: its library, handle, host services, circuit
// breaker, call budget and call metrics.
//
// call() is how the host invokes any method slot: the breaker may refuse
// at once (unavailable, retryable), the call gets a deadline of timeout_ms
// that caps host HTTP made inside it, and every call is counted
// (orders_plugin_calls_total{instance,kind,method,outcome}) and timed
// (orders_plugin_call_duration_seconds{instance,method}).
//
// Lifetime: destroy() runs in the destructor, before the library handle is
// released. Thread-safety: call() may run concurrently (plugins are
// required to be thread-safe per instance).
#pragma once

#include <json/json.h>

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "log/trace.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/client.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/answer_schema.hpp"
#include "plugins/circuit_breaker.hpp"
#include "plugins/host_services.hpp"
#include "plugins/plugin_library.hpp"

namespace orders::host::plugins {

struct InstanceSpec {
  std::string kind;
  std::string name;
  std::string id;
  std::string pointer; // JSON pointer of this instance in the config file
  Json::Value config;  // validated, defaults applied
  int64_t timeout_ms = 10000;
  int breaker_failure_threshold = 5;
  int64_t breaker_open_ms = 5000;      // the first open period
  int64_t breaker_max_open_ms = 60000; // doubled per failed trial up to this
  // Time as the breaker sees it; tests inject one they advance by hand.
  CircuitBreaker::Clock breaker_clock = [] { return std::chrono::steady_clock::now(); };
  net::OutboundOptions http;
  std::shared_ptr<const CoreGateway> core; // the registry's, for dialect instances
  std::string mount;                       // dialects: where their routes are mounted
  Json::Value auth_groups;                 // dialects: auth group -> scheme list
};

class PluginInstance {
public:
  // Runs create(); on failure the message names the instance.
  static sdk::Result<std::unique_ptr<PluginInstance>> create(std::shared_ptr<PluginLibrary> library, InstanceSpec spec,
                                                             metrics::MetricsRegistry &metrics,
                                                             std::shared_ptr<const SecretStore> secrets);
  ~PluginInstance();
  PluginInstance(const PluginInstance &) = delete;
  PluginInstance &operator=(const PluginInstance &) = delete;

  const std::string &id() const { return spec_.id; }
  const std::string &kind() const { return spec_.kind; }
  const std::string &name() const { return spec_.name; }
  const InstanceSpec &spec() const { return spec_; }
  std::string version() const { return library_->version(); }
  const PluginLibrary &library() const { return *library_; }
  CircuitBreaker::State breakerState() const {
    if (auto next = successor()) return next->breakerState();
    return breaker_.state();
  }

  // Live reload: later calls go to `next`, an instance of the same kind, id
  // and library created from the changed config; calls already running
  // finish on this one. Pointers to this instance stay valid (it forwards),
  // and a replaced successor is released when its last call returns.
  void replaceWith(std::shared_ptr<PluginInstance> next);
  // The instance calls go to when replaced (null until then).
  std::shared_ptr<PluginInstance> successor() const {
    if (!replaced_.load(std::memory_order_acquire)) return nullptr;
    return successor_.load();
  }

  // The kind's method table, e.g. methods<orders_payment_v1_t>().
  template <class Table> const Table &methods() const { return *static_cast<const Table *>(library_->methods()); }

  template <class Resp, class Req>
  sdk::Result<Resp> call(const char *method, orders_method_fn fn, const Req &request, std::string_view payload = {}) {
    if (auto next = successor()) return next->template call<Resp>(method, fn, request, payload);
    const auto started = std::chrono::steady_clock::now();
    // One span per call, inside the request's (or event's) trace; the host's
    // HTTP client makes the calls' requests children of it.
    trace::Span span(spec_.id + " " + method);
    if (span.recording()) {
      span.set("plugin.instance", spec_.id);
      span.set("plugin.kind", spec_.kind);
      span.set("plugin.method", method);
    }
    if (auto skipped = notStarted(method, started)) {
      span.fail(skipped->message);
      return *skipped;
    }
    if (!breaker_.allow()) {
      sdk::Error refusal = refused(method);
      span.fail(refusal.message);
      return refusal;
    }
    sdk::Result<Resp> result = [&] {
      // The call's budget, capped by an enclosing one; the plugin sees it as
      // the request's deadlineUnixMs, host HTTP made inside is capped by it.
      auto deadline = started + std::chrono::milliseconds(spec_.timeout_ms);
      if (auto outer = CallBudget::current(); outer && *outer < deadline) deadline = *outer;
      CallBudget budget(deadline);
      return sdk::invoke<Resp>(fn, handle_, request, payload, unixMsOf(deadline));
    }();
    if (result.ok()) {
      if (auto problem = sdk::contractProblem(result.value()))
        result = contractViolation(method, *problem);
      else if constexpr (answerSchemaName<Resp>() != nullptr)
        if (auto off = answerProblem(answerSchemaName<Resp>(), sdk::toJson(result.value())))
          result = contractViolation(method, *off);
    }
    finish(method, started, result.ok() ? nullptr : &result.error());
    if (!result.ok()) span.fail(std::string(sdk::errorCodeName(result.error().code)) + ": " + result.error().message);
    return result;
  }

  // Readiness probe; ready when the plugin offers no probe.
  sdk::Status ready();

private:
  PluginInstance(std::shared_ptr<PluginLibrary> library, InstanceSpec spec, metrics::MetricsRegistry &metrics,
                 std::unique_ptr<InstanceServices> services);
  sdk::Error refused(const char *method);
  // Why a call must not start: the request's client has gone, or the
  // enclosing budget is spent. Neither says anything about the plugin.
  std::optional<sdk::Error> notStarted(const char *method, std::chrono::steady_clock::time_point now);
  // A steady-clock deadline as wall-clock ms since the Unix epoch.
  static int64_t unixMsOf(std::chrono::steady_clock::time_point deadline);
  // An answer outside the contract (a status or outcome word schemas/data/
  // does not know, or any other violation of its schema there): logged,
  // counted, and an `internal` error, never "ignored".
  sdk::Error contractViolation(const char *method, const std::string &problem);
  void finish(const char *method, std::chrono::steady_clock::time_point started, const sdk::Error *error);

  // The series every call of a method updates, looked up once per method.
  struct MethodSeries {
    metrics::MetricsRegistry::Handle ok_calls;
    metrics::MetricsRegistry::Handle duration;
  };
  const MethodSeries &seriesOf(const char *method);

  std::shared_ptr<PluginLibrary> library_; // declared first: released last
  std::atomic<bool> replaced_{false};
  std::atomic<std::shared_ptr<PluginInstance>> successor_;
  InstanceSpec spec_;
  metrics::MetricsRegistry &metrics_;
  std::unique_ptr<InstanceServices> services_;
  CircuitBreaker breaker_;
  orders_instance_t *handle_ = nullptr;
  metrics::MetricsRegistry::Handle breaker_open_;
  metrics::MetricsRegistry::Handle breaker_opened_; // transitions into open
  metrics::MetricsRegistry::Handle breaker_closed_; // transitions back to closed
  std::mutex series_mutex_;
  std::map<std::string, MethodSeries, std::less<>> series_;
  // The series of the first kMethodSlots methods seen, found by the
  // method-name pointer (the kind tables pass literals) without the lock:
  // a slot is filled before method_count_ publishes it.
  static constexpr size_t kMethodSlots = 16;
  struct MethodSlot {
    const char *method = nullptr;
    const MethodSeries *series = nullptr;
  };
  std::array<MethodSlot, kMethodSlots> method_slots_{};
  std::atomic<size_t> method_count_{0};
};

} // namespace orders::host::plugins
