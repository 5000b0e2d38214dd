#include "plugins/host_services.hpp"

#include <regex>

#include "log/logger.hpp"
#include "orders/sdk/host.hpp"

namespace orders::host::plugins {

namespace {
thread_local std::optional<std::chrono::steady_clock::time_point> t_deadline;
thread_local const std::function<bool()> *t_abandoned = nullptr;

log::Level levelOf(int32_t level) {
  if (level >= ORDERS_LOG_ERROR) return log::Level::error;
  if (level >= ORDERS_LOG_WARN) return log::Level::warn;
  if (level >= ORDERS_LOG_INFO) return log::Level::info;
  return log::Level::debug;
}

InstanceServices *self(void *ctx) { return static_cast<InstanceServices *>(ctx); }
} // namespace

CallBudget::CallBudget(std::chrono::steady_clock::time_point deadline, std::function<bool()> abandoned)
    : previous_(t_deadline), abandoned_(std::move(abandoned)), previous_abandoned_(t_abandoned) {
  t_deadline = previous_ ? std::min(*previous_, deadline) : deadline;
  if (abandoned_) t_abandoned = &abandoned_;
}
CallBudget::~CallBudget() {
  t_deadline = previous_;
  t_abandoned = previous_abandoned_;
}
std::optional<std::chrono::steady_clock::time_point> CallBudget::current() { return t_deadline; }
bool CallBudget::abandoned() { return t_abandoned != nullptr && (*t_abandoned)(); }

CallBudget::Detached::Detached() : deadline_(t_deadline), abandoned_(t_abandoned) {
  t_deadline.reset();
  t_abandoned = nullptr;
}
CallBudget::Detached::~Detached() {
  t_deadline = deadline_;
  t_abandoned = abandoned_;
}

InstanceServices::InstanceServices(std::string instance_id, std::string kind, metrics::MetricsRegistry &metrics,
                                   net::OutboundOptions http, std::shared_ptr<const SecretStore> secrets,
                                   int64_t default_budget_ms, std::shared_ptr<const CoreGateway> core)
    : instance_id_(std::move(instance_id)), kind_(std::move(kind)), metrics_(metrics), http_(std::move(http)),
      secrets_(std::move(secrets)), default_budget_ms_(default_budget_ms),
      core_(std::move(core)), table_{sizeof(orders_host_services_t),
                                     this,
                                     &logThunk,
                                     &metricThunk,
                                     &httpThunk,
                                     &nowThunk,
                                     &secretThunk,
                                     &coreThunk} {}

void InstanceServices::logThunk(void *ctx, int32_t level, orders_bytes_t message) noexcept {
  try {
    log::Logger::instance().write(levelOf(level), sdk::viewOf(message),
                                  {{"plugin", self(ctx)->instance_id_}, {"kind", self(ctx)->kind_}});
  } catch (...) {
  }
}

void InstanceServices::metricThunk(void *ctx, int32_t type, orders_bytes_t name, double value,
                                   orders_bytes_t labels) noexcept {
  try {
    static const std::regex kName("[a-zA-Z_][a-zA-Z0-9_]*");
    const std::string metric(sdk::viewOf(name));
    if (!std::regex_match(metric, kName)) {
      log::warn("plugin reported a metric with an invalid name",
                {{"plugin", self(ctx)->instance_id_}, {"name", metric}});
      return;
    }
    metrics::Labels l{{"instance", self(ctx)->instance_id_}};
    if (labels.len > 0) {
      auto parsed = sdk::decode<std::map<std::string, std::string>>(sdk::viewOf(labels));
      if (parsed.ok())
        for (const auto &[k, v] : parsed.value())
          if (std::regex_match(k, kName) && k != "instance") l.emplace_back(k, v);
    }
    const std::string full = "orders_plugin_" + metric;
    auto &m = self(ctx)->metrics_;
    if (type == ORDERS_METRIC_GAUGE)
      m.set(full, l, value);
    else if (type == ORDERS_METRIC_HISTOGRAM)
      m.observe(full, l, value);
    else
      m.increment(full, l, value);
  } catch (...) {
  }
}

orders_status_t InstanceServices::httpThunk(void *ctx, orders_bytes_t request, orders_bytes_t payload,
                                            const orders_sink_t *out) noexcept {
  try {
    auto req = sdk::decode<sdk::HttpRequest>(sdk::viewOf(request));
    if (!req.ok()) return sdk::failInto(out, req.error());
    sdk::HttpRequest http_request = std::move(req).value();
    http_request.body = std::string(sdk::viewOf(payload));
    const auto deadline = CallBudget::current().value_or(std::chrono::steady_clock::now() +
                                                         std::chrono::milliseconds(self(ctx)->default_budget_ms_));
    auto res = self(ctx)->http_.send(http_request, deadline);
    if (!res.ok()) return sdk::failInto(out, res.error());
    sdk::appendInto(out, ORDERS_PART_META, sdk::encode(res.value()));
    sdk::appendInto(out, ORDERS_PART_BODY, res.value().body);
    return ORDERS_OK;
  } catch (const std::exception &e) {
    return sdk::failInto(out, sdk::internalError(std::string("host http failed: ") + e.what()));
  } catch (...) {
    return sdk::failInto(out, sdk::internalError("host http failed"));
  }
}

int64_t InstanceServices::nowThunk(void *) noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

orders_status_t InstanceServices::secretThunk(void *ctx, orders_bytes_t name, const orders_sink_t *out) noexcept {
  try {
    auto value = self(ctx)->secrets_->get(std::string(sdk::viewOf(name)));
    if (!value.ok()) return sdk::failInto(out, value.error());
    sdk::appendInto(out, ORDERS_PART_BODY, value.value());
    return ORDERS_OK;
  } catch (...) {
    return sdk::failInto(out, sdk::internalError("secret lookup failed"));
  }
}

orders_status_t InstanceServices::coreThunk(void *ctx, orders_bytes_t request, orders_bytes_t payload,
                                            const orders_sink_t *out) noexcept {
  try {
    InstanceServices *s = self(ctx);
    if (s->kind_ != "dialect")
      return sdk::failInto(out, sdk::unsupported("the core service is offered to dialect plugins only"));
    if (!s->core_ || !s->core_->call)
      return sdk::failInto(out, sdk::Error{sdk::ErrorCode::unavailable, "the order core is not running yet", true});
    return s->core_->call(sdk::viewOf(request), sdk::viewOf(payload), out);
  } catch (const std::exception &e) {
    return sdk::failInto(out, sdk::internalError(std::string("host core call failed: ") + e.what()));
  } catch (...) {
    return sdk::failInto(out, sdk::internalError("host core call failed"));
  }
}

} // namespace orders::host::plugins
