#include "plugins/plugin_instance.hpp"

#include "log/logger.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::plugins {

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library, InstanceSpec spec,
                               metrics::MetricsRegistry &metrics, std::unique_ptr<InstanceServices> services)
    : library_(std::move(library)), spec_(std::move(spec)), metrics_(metrics), services_(std::move(services)),
      breaker_(spec_.breaker_failure_threshold, std::chrono::milliseconds(spec_.breaker_open_ms),
               std::chrono::milliseconds(spec_.breaker_max_open_ms), spec_.breaker_clock),
      breaker_open_(metrics_.handle("orders_plugin_breaker_open", metrics::Type::gauge, {{"instance", spec_.id}})),
      breaker_opened_(
          metrics_.handle("orders_plugin_breaker_opened_total", metrics::Type::counter, {{"instance", spec_.id}})),
      breaker_closed_(
          metrics_.handle("orders_plugin_breaker_closed_total", metrics::Type::counter, {{"instance", spec_.id}})) {}

PluginInstance::~PluginInstance() {
  if (handle_ != nullptr) library_->descriptor().destroy(handle_);
}

sdk::Result<std::unique_ptr<PluginInstance>> PluginInstance::create(std::shared_ptr<PluginLibrary> library,
                                                                    InstanceSpec spec,
                                                                    metrics::MetricsRegistry &metrics,
                                                                    std::shared_ptr<const SecretStore> secrets) {
  auto services = std::make_unique<InstanceServices>(spec.id, spec.kind, metrics, spec.http, std::move(secrets),
                                                     spec.timeout_ms, spec.kind == "dialect" ? spec.core : nullptr);
  std::unique_ptr<PluginInstance> instance(
      new PluginInstance(std::move(library), std::move(spec), metrics, std::move(services)));
  const std::string config_text = sdk::writeJson(instance->spec_.config);
  sdk::SinkBuffer err;
  const orders_status_t rc = [&] {
    CallBudget budget(std::chrono::steady_clock::now() + std::chrono::milliseconds(instance->spec_.timeout_ms));
    return instance->library_->descriptor().create(instance->services_->table(), sdk::bytesOf(instance->spec_.id),
                                                   sdk::bytesOf(config_text), &instance->handle_, err.sink());
  }();
  const std::string label =
      "plugin " + instance->spec_.kind + "/" + instance->spec_.name + " (id " + instance->spec_.id + ")";
  if (rc != ORDERS_OK) {
    instance->handle_ = nullptr;
    const sdk::Error e = err.errorFor(rc);
    return sdk::Error{e.code, label + ": create() failed: " + sdk::errorCodeName(e.code) + ": " + e.message, false};
  }
  if (instance->handle_ == nullptr) return sdk::internalError(label + ": create() returned no instance");
  metrics.set("orders_plugin_breaker_open", {{"instance", instance->spec_.id}}, 0);
  return instance;
}

void PluginInstance::replaceWith(std::shared_ptr<PluginInstance> next) {
  successor_.store(std::move(next));
  replaced_.store(true, std::memory_order_release);
}

sdk::Status PluginInstance::ready() {
  if (auto next = successor()) return next->ready();
  if (!library_->hasReady()) return sdk::Status();
  sdk::SinkBuffer sink;
  CallBudget budget(std::chrono::steady_clock::now() + std::chrono::milliseconds(spec_.timeout_ms));
  const orders_status_t rc = library_->descriptor().ready(handle_, sink.sink());
  if (rc != ORDERS_OK) return sink.errorFor(rc);
  return sdk::Status();
}

std::optional<sdk::Error> PluginInstance::notStarted(const char *method, std::chrono::steady_clock::time_point now) {
  const char *reason = nullptr;
  std::string why;
  if (CallBudget::abandoned()) {
    reason = "client_gone";
    why = "the client gave up on the request (closed its connection)";
  } else if (auto budget = CallBudget::current(); budget && *budget <= now) {
    reason = "budget_spent";
    why = "the request's budget (checkout.budget_ms) is spent";
  }
  if (reason == nullptr) return std::nullopt;
  metrics_.increment("orders_plugin_calls_not_started_total", {{"instance", spec_.id}, {"reason", reason}});
  return sdk::Error{reason[0] == 'c' ? sdk::ErrorCode::unavailable : sdk::ErrorCode::timeout,
                    "not calling " + spec_.id + "." + method + ": " + why, false};
}

sdk::Error PluginInstance::refused(const char *method) {
  metrics_.increment("orders_plugin_calls_total",
                     {{"instance", spec_.id}, {"kind", spec_.kind}, {"method", method}, {"outcome", "breaker_open"}});
  return sdk::Error{sdk::ErrorCode::unavailable,
                    "plugin " + spec_.id + " is failing; circuit breaker open, " + method + " not attempted", true};
}

int64_t PluginInstance::unixMsOf(std::chrono::steady_clock::time_point deadline) {
  const auto left = deadline - std::chrono::steady_clock::now();
  const auto at =
      std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(left);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

sdk::Error PluginInstance::contractViolation(const char *method, const std::string &problem) {
  metrics_.increment("orders_plugin_contract_violations_total", {{"instance", spec_.id}, {"method", method}});
  log::error("plugin answered outside its contract", {{"plugin", spec_.id}, {"method", method}, {"problem", problem}});
  return sdk::internalError("plugin " + spec_.id + " " + method + " answered outside its contract: " + problem);
}

const PluginInstance::MethodSeries &PluginInstance::seriesOf(const char *method) {
  const size_t seen = method_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < seen; ++i)
    if (method_slots_[i].method == method) return *method_slots_[i].series;
  std::lock_guard<std::mutex> lock(series_mutex_);
  auto it = series_.find(std::string_view(method));
  if (it == series_.end()) {
    MethodSeries s;
    s.ok_calls = metrics_.handle("orders_plugin_calls_total", metrics::Type::counter,
                                 {{"instance", spec_.id}, {"kind", spec_.kind}, {"method", method}, {"outcome", "ok"}});
    s.duration = metrics_.handle("orders_plugin_call_duration_seconds", metrics::Type::histogram,
                                 {{"instance", spec_.id}, {"method", method}});
    it = series_.emplace(method, s).first; // map nodes never move
  }
  // Remember this pointer (another literal of the same name gets its own
  // slot, pointing at the same series).
  const size_t n = method_count_.load(std::memory_order_relaxed);
  bool known = false;
  for (size_t i = 0; i < n && !known; ++i)
    known = method_slots_[i].method == method;
  if (!known && n < kMethodSlots) {
    method_slots_[n] = MethodSlot{method, &it->second};
    method_count_.store(n + 1, std::memory_order_release);
  }
  return it->second;
}

void PluginInstance::finish(const char *method, std::chrono::steady_clock::time_point started,
                            const sdk::Error *error) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // Only transport-like failures count against the breaker; a business
  // error is a healthy answer.
  if (error != nullptr && error->retryable) {
    if (breaker_.onFailure()) metrics_.increment(breaker_opened_);
  } else if (breaker_.onSuccess()) {
    metrics_.increment(breaker_closed_);
  }
  const MethodSeries &series = seriesOf(method);
  if (error == nullptr)
    metrics_.increment(series.ok_calls);
  else
    metrics_.increment("orders_plugin_calls_total", {{"instance", spec_.id},
                                                     {"kind", spec_.kind},
                                                     {"method", method},
                                                     {"outcome", sdk::errorCodeName(error->code)}});
  metrics_.observe(series.duration, seconds);
  metrics_.set(breaker_open_, breaker_.state() == CircuitBreaker::State::open ? 1 : 0);
  if (error != nullptr)
    log::warn("plugin call failed", {{"plugin", spec_.id},
                                     {"method", method},
                                     {"code", sdk::errorCodeName(error->code)},
                                     {"error", error->message}});
}

} // namespace orders::host::plugins
