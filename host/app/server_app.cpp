#include "app/server_app.hpp"

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/process_init.hpp"
#include "app/routes.hpp"
#include "app/server_support.hpp"
#include "auth/secret_store.hpp"
#include "config/config_loader.hpp"
#include "db_url.hpp"
#include "handlers/app_context.hpp"
#include "handlers/config_reload.hpp"
#include "handlers/dialect_handlers.hpp"
#include "http/http_server.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
#include "net/otlp_exporter.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/plugin_registry.hpp"
#include "storage/db_error.hpp"
#include "storage/migrations.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/replay_repository.hpp"

namespace orders::host::app {

namespace {

std::string defaultConfigPath() {
  const char *env = std::getenv("ORDERS_CONFIG");
  return env != nullptr && *env != '\0' ? env : "/etc/order-service/config.yaml";
}

} // namespace

sdk::Result<http::TlsOptions> checkedTls(const Json::Value &config) {
  const plugins::SecretStore secrets(config["secrets"], config::processEnv());
  auto tls = http::tlsOptionsFromConfig(config["http"]["tls"],
                                        [&secrets](const std::string &name) { return secrets.get(name); });
  if (!tls.ok() || !tls->enabled) return tls;
  if (auto context = http::makeServerContext(tls.value()); !context.ok()) return context.error();
  return tls;
}

ServerApp::ServerApp() {
  setUnixOptions(true);
  initializeProcessLibraries();
}

void ServerApp::defineOptions(Poco::Util::OptionSet &options) {
  ServerApplication::defineOptions(options);
  using Poco::Util::Option;
  options.addOption(Option("config", "c",
                           "config file (YAML or JSON); default $ORDERS_CONFIG or "
                           "/etc/order-service/config.yaml")
                        .required(false)
                        .repeatable(false)
                        .argument("FILE"));
  options.addOption(Option("check-config", "", "load the config and every plugin, report problems, exit"));
  options.addOption(Option("list-plugins", "", "list plugins installed on plugin_paths, exit"));
  options.addOption(Option("list-routes", "", "load the config, print every HTTP route as METHOD /pattern, exit"));
  options.addOption(Option("print-schemas", "", "print the config schema and every installed plugin's schema, exit"));
  options.addOption(Option("offline", "", "with --check-config: skip reaching the database and the plugins' peers"));
  options.addOption(Option("migrate", "", "apply database migrations, exit"));
  options.addOption(Option("dry-run", "", "with --migrate: print the pending migrations' SQL, apply nothing"));
  options.addOption(Option("replay-outbox", "",
                           "queue published and parked events FROM..TO (event ids, or RFC 3339 times of their "
                           "creation) for the relay to publish again, exit")
                        .argument("FROM..TO"));
  options.addOption(Option("help", "h", "show this help"));
}

void ServerApp::handleOption(const std::string &name, const std::string &value) {
  ServerApplication::handleOption(name, value);
  if (name == "config")
    config_path_ = value;
  else if (name == "check-config")
    mode_ = Mode::check_config;
  else if (name == "list-plugins")
    mode_ = Mode::list_plugins;
  else if (name == "list-routes")
    mode_ = Mode::list_routes;
  else if (name == "print-schemas")
    mode_ = Mode::print_schemas;
  else if (name == "migrate")
    mode_ = Mode::migrate;
  else if (name == "dry-run")
    dry_run_ = true;
  else if (name == "offline")
    offline_ = true;
  else if (name == "replay-outbox") {
    mode_ = Mode::replay_outbox;
    replay_range_ = value;
  } else if (name == "help") {
    mode_ = Mode::help;
    stopOptionsProcessing();
  }
}

int ServerApp::usage() {
  Poco::Util::HelpFormatter help(options());
  help.setCommand(commandName());
  help.setUsage("[--config FILE] [--check-config [--offline] | --list-routes | --list-plugins | --print-schemas | "
                "--migrate [--dry-run] | --replay-outbox FROM..TO]");
  help.setFooter("Exit codes: 0 done; 1 the operation failed; 64 wrong usage; 69 the database or a plugin's peer "
                 "cannot be reached; 78 the config is invalid.");
  help.setHeader("Order Service: the order core in one process, neighbours through plugins.");
  help.format(std::cout);
  std::cout << "\n";
  return kExitOk;
}

int ServerApp::main(const std::vector<std::string> &args) {
  if (!args.empty()) {
    std::cerr << "unexpected argument '" << args.front() << "' (see --help)\n";
    return kExitUsage;
  }
  if (config_path_.empty()) config_path_ = defaultConfigPath();
  if (dry_run_ && mode_ != Mode::migrate) {
    std::cerr << "--dry-run goes with --migrate (see --help)\n";
    return kExitUsage;
  }
  if (offline_ && mode_ != Mode::check_config) {
    std::cerr << "--offline goes with --check-config (see --help)\n";
    return kExitUsage;
  }
  switch (mode_) {
  case Mode::help: return usage();
  case Mode::list_plugins: return listPlugins();
  case Mode::print_schemas: return printSchemas();
  case Mode::check_config: return checkConfig();
  case Mode::list_routes: return checkConfig(true);
  case Mode::migrate: return migrate();
  case Mode::replay_outbox: return replayOutbox();
  case Mode::serve: return serve();
  }
  return kExitUsage;
}

namespace {

// Config, secrets, plugins and authentication into `ctx`; false (logged)
// when any of them is refused.
bool loadContext(AppContext &ctx, const std::string &config_path) {
  auto config = config::loadConfigFile(config_path);
  if (!config.ok()) {
    log::error("config rejected", {{"config", config_path}, {"error", config.error().message}});
    return false;
  }
  ctx.config_path = config_path;
  ctx.config = std::move(config).value();
  log::Logger::instance().setLevel(log::levelFromName(ctx.config["log"]["level"].asString()));

  auto secrets = std::make_shared<plugins::SecretStore>(ctx.config["secrets"], config::processEnv());
  if (auto refused = secrets->refuseDevelopmentDefaults(ctx.config["service"]["environment"].asString());
      !refused.ok()) {
    log::error("refusing to start", {{"config", config_path}, {"error", refused.error().message}});
    return false;
  }
  auto registry = plugins::PluginRegistry::load(ctx.config, config_path, ctx.metrics, secrets);
  if (!registry.ok()) {
    log::error("plugins failed to load; not starting", {{"config", config_path}});
    return false;
  }
  ctx.plugins = std::move(registry).value();
  auto authenticator = auth::Authenticator::fromConfig(ctx.config["auth"], *secrets);
  if (!authenticator.ok()) {
    log::error("auth config rejected", {{"error", authenticator.error().message}});
    return false;
  }
  ctx.auth = std::move(authenticator).value();
  auto limiter = auth::RateLimiter::fromConfig(ctx.config["http"]["rate_limits"]);
  if (!limiter.ok()) {
    log::error("rate limits rejected", {{"error", limiter.error().message}});
    return false;
  }
  if (!limiter.value()->empty()) ctx.rate_limiter = std::move(limiter).value();
  return true;
}

// The order core (after one pass of every sweep: what a previous process
// left behind is recovered before traffic comes) and the event bridge.
bool startCore(AppContext &ctx) {
  auto order_core = core::OrderCore::create(ctx.config, *ctx.plugins);
  if (!order_core.ok()) {
    log::error("order core failed to start", {{"error", order_core.error().message}});
    return false;
  }
  ctx.core = std::move(order_core).value();
  // Service-HMAC headers accepted by any replica are refused by all.
  ctx.auth->setReplayGuard([&db = ctx.core->db()](const std::string &key, int64_t expires_at, int64_t now) {
    return storage::ReplayRepository(db).remember(key, expires_at * 1000, now * 1000);
  });
  ctx.core->sweepOnce();
  ctx.core->startSweeper();
  auto bridge = events::EventBridge::create(ctx.config, ctx.core->db(), *ctx.plugins, ctx.core->plugins().payment,
                                            ctx.core->payments(), ctx.metrics);
  if (!bridge.ok()) {
    log::error("event bridge failed to start", {{"error", bridge.error().message}});
    return false;
  }
  ctx.events = std::move(bridge).value();
  ctx.events->start();
  if (ctx.events->kafkaEnabled())
    log::info("kafka bridge running", {{"bootstrap", ctx.config["kafka"]["bootstrap_servers"].asString()}});
  ctx.metrics.describe("orders_build_info", metrics::Type::gauge, "Build version and plugin ABI.");
  ctx.metrics.set(
      "orders_build_info",
      {{"version", buildVersion()}, {"abi", std::to_string(ORDERS_ABI_MAJOR) + "." + std::to_string(ORDERS_ABI_MINOR)}},
      1);
  return true;
}

http::ServerOptions serverOptions(const Json::Value &config) {
  const Json::Value &h = config["http"];
  http::ServerOptions options;
  options.host = h["host"].asString();
  options.port = static_cast<uint16_t>(h["port"].asUInt());
  options.threads = h["threads"].asInt();
  options.max_queued = h["max_queued"].asInt();
  options.keep_alive = h["keep_alive"].asBool();
  options.keep_alive_timeout_ms = h["keep_alive_timeout_ms"].asInt64();
  options.max_keep_alive_requests = h["max_keep_alive_requests"].asInt();
  options.max_body_bytes = h["max_body_bytes"].asUInt64();
  options.header_timeout_ms = h["header_timeout_ms"].asInt64();
  options.max_header_bytes = h["max_header_bytes"].asUInt64();
  options.max_connections = h["max_connections"].asInt();
  options.read_timeout_ms = h["read_timeout_ms"].asInt64();
  options.keep_alive_busy_percent = h["keep_alive_busy_percent"].asInt();
  options.access_log = config["log"]["access_log"].asBool();
  const Json::Value &cors = h["cors"];
  for (const Json::Value &o : cors["allowed_origins"]) { // an entry may list several, comma-separated
    std::string list = o.asString();
    for (size_t start = 0; start <= list.size();) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      std::string origin = list.substr(start, comma - start);
      origin.erase(0, origin.find_first_not_of(' '));
      origin.erase(origin.find_last_not_of(' ') + 1);
      if (!origin.empty()) options.cors.origins.push_back(origin);
      start = comma + 1;
    }
  }
  for (const Json::Value &m : cors["allowed_methods"])
    options.cors.methods += (options.cors.methods.empty() ? "" : ", ") + m.asString();
  for (const Json::Value &name : cors["allowed_headers"])
    options.cors.headers += (options.cors.headers.empty() ? "" : ", ") + name.asString();
  options.cors.credentials = cors["allow_credentials"].asBool();
  options.cors.max_age_seconds = cors["max_age_seconds"].asInt();
  options.translate = [](const std::exception &e) -> std::optional<http::ApiError> {
    if (storage::classify(e) == storage::DbFailure::unavailable)
      return http::ApiError("unavailable", storage::unavailableDetail(e));
    return std::nullopt;
  };
  return options;
}

// Stops in the reverse order of start: requests drain first, then events,
// sweeps, the core and the plugins.
void shutDown(AppContext &ctx, http::HttpServer *server) {
  if (server != nullptr) {
    log::info("shutting down: draining requests");
    server->stop();
  }
  ctx.events.reset();
  ctx.core->stopSweeper();
  ctx.core.reset();
  ctx.plugins.reset();
  log::info("stopped");
}

} // namespace

// Span export when tracing.otlp_endpoint is set: the exporter becomes the
// trace sink for the process's life (cleared, and the queue sent, on the
// way out).
class TracingScope {
public:
  TracingScope(const Json::Value &config, metrics::MetricsRegistry &metrics) {
    const Json::Value &tracing = config["tracing"];
    const std::string endpoint = tracing["otlp_endpoint"].asString();
    if (endpoint.empty()) return;
    net::OtlpExporter::Options options;
    options.endpoint = endpoint;
    options.service_name = tracing["service_name"].asString();
    if (options.service_name.empty()) options.service_name = config["service"]["name"].asString();
    options.service_version = buildVersion();
    options.environment = config["service"]["environment"].asString();
    options.interval_ms = tracing["export_interval_ms"].asInt();
    options.max_queue = tracing["max_queue_spans"].asUInt();
    exporter_ = std::make_shared<net::OtlpExporter>(options, metrics);
    trace::setSink([exporter = exporter_](trace::SpanData &&span) { exporter->push(std::move(span)); });
    log::info("tracing: exporting spans", {{"endpoint", endpoint}, {"service", options.service_name}});
  }
  ~TracingScope() {
    if (!exporter_) return;
    trace::setSink(nullptr);
    exporter_.reset(); // sends what is queued
  }
  TracingScope(const TracingScope &) = delete;
  TracingScope &operator=(const TracingScope &) = delete;

private:
  std::shared_ptr<net::OtlpExporter> exporter_;
};

int ServerApp::serve() {
  // SIGHUP reloads the config (handlers/config_reload.hpp): blocked here,
  // before any thread starts, so every thread inherits the mask and only
  // the wait below takes it (its default action would end the process).
  // SIGTERM, SIGINT and SIGQUIT too: whatever the main thread is doing (a
  // reload's create() calls), they wait for its sigwait and drain.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGQUIT, SIGTERM, SIGHUP})
    sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  AppContext ctx;
  if (!loadContext(ctx, config_path_)) return kExitConfig;
  handlers::rememberLoadedConfig(ctx);
  TracingScope tracing(ctx.config, ctx.metrics);
  http::ServerOptions options = serverOptions(ctx.config);
  // Checked before the core starts: a bad certificate or key stops here.
  auto tls = checkedTls(ctx.config);
  if (!tls.ok()) {
    log::error("TLS config rejected; not starting", {{"config", config_path_}, {"error", tls.error().message}});
    return kExitConfig;
  }
  options.tls = std::move(tls).value();
  if (!startCore(ctx)) return kExitConfig;
  std::shared_ptr<http::Router> router = http::buildRoutes(ctx);
  ctx.plugins->setCoreGateway({[&ctx](std::string_view request, std::string_view payload, const orders_sink_t *out) {
    return handlers::dialectCoreCall(ctx, request, payload, out);
  }});
  if (auto mounted = handlers::mountDialects(ctx, *router); !mounted.ok()) {
    log::error("dialect routes rejected; not starting", {{"error", mounted.error().message}});
    shutDown(ctx, nullptr);
    return kExitConfig;
  }
  // Each connection is a descriptor: fit max_connections (plus the pools,
  // files and plugins' sockets) under the soft limit, up to the hard one.
  if (const auto limit = raiseOpenFileLimit(static_cast<uint64_t>(options.max_connections) + 1024);
      limit < static_cast<uint64_t>(options.max_connections) + 256)
    log::warn("open-file limit below http.max_connections; connections beyond it are refused by the kernel",
              {{"limit", std::to_string(limit)}, {"max_connections", std::to_string(options.max_connections)}});
  http::HttpServer server(options, router, ctx.metrics);
  try {
    server.start();
  } catch (const std::exception &e) {
    log::error("cannot listen", {{"address", options.host + ":" + std::to_string(options.port)}, {"error", e.what()}});
    return kExitConfig;
  }
  log::info("listening", {{"address", options.host + ":" + std::to_string(server.port())},
                          {"port", std::to_string(server.port())},
                          {"tls", options.tls.enabled ? "on" : "off"},
                          {"config", config_path_},
                          {"version", buildVersion()}});
  // SIGTERM, SIGINT and SIGQUIT end the process (draining first); SIGHUP
  // reloads and waits again. A refused reload keeps the running config.
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    log::info("SIGHUP: reloading the config", {{"config", config_path_}});
    auto reloaded = handlers::reloadConfig(ctx);
    if (!reloaded.ok())
      log::error("config reload refused; the running config is kept",
                 {{"config", config_path_}, {"error", reloaded.error().message}});
  }
  shutDown(ctx, &server);
  return kExitOk;
}

} // namespace orders::host::app
