#include "handlers/system_handlers.hpp"

#include <ctime>

#include "orders/sdk/abi.h"
#include "plugins/circuit_breaker.hpp"

namespace orders::host::handlers {

namespace {
std::string abiVersion() { return std::to_string(ORDERS_ABI_MAJOR) + "." + std::to_string(ORDERS_ABI_MINOR); }

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
} // namespace

http::Response health(const app::AppContext &, http::Request &) {
  Json::Value body(Json::objectValue);
  body["status"] = "ok";
  return http::Response::json(200, body);
}

http::Response ready(app::AppContext &ctx, http::Request &) {
  Json::Value checks(Json::objectValue);
  bool all_ready = true;
  if (ctx.plugins) {
    for (const auto &instance : ctx.plugins->all()) {
      Json::Value check(Json::objectValue);
      const sdk::Status status = instance->ready();
      check["status"] = status.ok() ? "ok" : "error";
      if (!status.ok()) {
        check["code"] = sdk::errorCodeName(status.error().code);
        check["detail"] = status.error().message;
        all_ready = false;
      }
      check["breaker"] = plugins::breakerStateName(instance->breakerState());
      checks["plugin:" + instance->kind() + "/" + instance->id()] = check;
    }
  }
  if (ctx.core) {
    Json::Value check(Json::objectValue);
    const core::OrderCore::DatabaseHealth health = ctx.core->checkDatabase();
    check["status"] = health.ok ? "ok" : "error";
    if (!health.ok) {
      check["detail"] = health.detail;
      all_ready = false;
    }
    check["engine"] = health.engine;
    checks["database"] = check;
  }
  Json::Value body(Json::objectValue);
  body["status"] = all_ready ? "ready" : "not_ready";
  body["checks"] = checks;
  return http::Response::json(all_ready ? 200 : 503, body);
}

http::Response info(const app::AppContext &ctx, http::Request &) {
  Json::Value body(Json::objectValue);
  body["name"] = ctx.config["service"]["name"];
  body["environment"] = ctx.config["service"]["environment"];
  body["version"] = app::buildVersion();
  body["abiVersion"] = abiVersion();
  body["startedAt"] = rfc3339(ctx.started_at);
  Json::Value list(Json::arrayValue);
  if (ctx.plugins) {
    for (const auto &instance : ctx.plugins->all()) {
      Json::Value p(Json::objectValue);
      p["id"] = instance->id();
      p["kind"] = instance->kind();
      p["name"] = instance->name();
      p["version"] = instance->version();
      const auto &d = instance->library().descriptor();
      p["abiVersion"] = std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor);
      if (const std::string build = instance->library().buildInfo(); !build.empty()) p["build"] = build;
      list.append(p);
    }
  }
  body["plugins"] = list;
  return http::Response::json(200, body);
}

http::Response metricsText(app::AppContext &ctx, http::Request &) {
  const auto uptime = std::chrono::duration<double>(std::chrono::system_clock::now() - ctx.started_at).count();
  ctx.metrics.set("orders_uptime_seconds", {}, uptime);
  if (ctx.core) { // the core's own counters, read now (they live as atomics in the core)
    using metrics::Type;
    auto &m = ctx.metrics;
    const core::OrderCore::Stats s = ctx.core->stats();
    m.describe("orders_checkouts_total", Type::counter,
               "Checkout requests by outcome, counted once each: completed (answered with orders, or found "
               "completed after a lost COMMIT reply), out_of_stock, failed (answered with an error).");
    m.set("orders_checkouts_total", {{"outcome", "completed"}}, static_cast<double>(s.checkouts_completed));
    m.set("orders_checkouts_total", {{"outcome", "out_of_stock"}}, static_cast<double>(s.checkouts_out_of_stock));
    m.set("orders_checkouts_total", {{"outcome", "failed"}}, static_cast<double>(s.checkouts_failed));
    m.describe("orders_checkout_compensations_total", Type::counter,
               "Checkouts undone (the saga's compensation), by their request or by the recovery sweep.");
    m.set("orders_checkout_compensations_total", {}, static_cast<double>(s.checkouts_compensated));
    m.describe("orders_payment_timeout_cancellations_total", Type::counter,
               "Orders the sweep cancelled because no payment came within checkout.payment_timeout_seconds.");
    m.set("orders_payment_timeout_cancellations_total", {}, static_cast<double>(s.payment_timeouts));
    m.describe("orders_db_pool_waits_total", Type::counter,
               "Database leases that found every connection of database.pool_size busy and waited.");
    m.set("orders_db_pool_waits_total", {}, static_cast<double>(s.pool.waits));
    m.describe("orders_db_pool_wait_seconds_total", Type::counter, "Time spent in those waits, in all.");
    m.set("orders_db_pool_wait_seconds_total", {}, s.pool.wait_seconds);
    m.describe("orders_db_pool_timeouts_total", Type::counter,
               "Leases that waited database.lease_timeout_ms in vain (answered 503).");
    m.set("orders_db_pool_timeouts_total", {}, static_cast<double>(s.pool.timeouts));
    m.describe("orders_db_pool_connections", Type::gauge, "Database connections by state (open, idle) and the cap.");
    m.set("orders_db_pool_connections", {{"state", "open"}}, s.pool.open);
    m.set("orders_db_pool_connections", {{"state", "idle"}}, s.pool.idle);
    m.set("orders_db_pool_connections", {{"state", "max"}}, s.pool.size);
  }
  return http::Response::text(200, ctx.metrics.renderPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace orders::host::handlers
