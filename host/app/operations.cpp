// The operator's commands of order-service (server_app.hpp): --list-plugins,
// --print-schemas, --check-config (with its connectivity checks), --migrate
// (--dry-run) and --replay-outbox. serve() is in server_app.cpp.
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

#include "app/server_support.hpp"

namespace orders::host::app {

namespace {

std::vector<std::string> pluginPaths(const Json::Value &config) {
  std::vector<std::string> out;
  for (const Json::Value &p : config["plugin_paths"])
    out.push_back(p.asString());
  return out;
}

// --migrate --dry-run's report: each pending migration's SQL, then a summary.
int printPending(const storage::PendingMigrations &p, const std::string &where) {
  for (const auto &m : p.pending)
    std::cout << "-- pending: " << storage::migrationLabel(m) << " (" << m.engine << ")\n" << m.sql << "\n";
  std::cout << p.pending.size() << " migration" << (p.pending.size() == 1 ? "" : "s") << " pending; schema at version "
            << p.current_version << " (" << where << "); nothing applied (--dry-run)\n";
  return kExitOk;
}

struct ReplayRange {
  int64_t from = 0, to = 0;
  bool by_time = false; // created_at_ms, else event ids
};

// "12..40" (event ids) or "2026-12-07T10:00:00Z..2026-12-07T10:15:00Z"
// (RFC 3339 times of their creation), both ends included.
sdk::Result<ReplayRange> parseReplayRange(const std::string &text) {
  const std::string usage = "expected FROM..TO as event ids (12..40) or RFC 3339 times "
                            "(2026-12-07T10:00:00Z..2026-12-07T10:15:00Z), got '" +
                            text + "'";
  const size_t dots = text.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= text.size()) return sdk::invalidArgument(usage);
  const std::string a = text.substr(0, dots), b = text.substr(dots + 2);
  auto integer = [](const std::string &s, int64_t &out) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 18) return false;
    out = std::stoll(s);
    return true;
  };
  auto time = [](const std::string &s, int64_t &out) {
    Poco::DateTime dt;
    int tzd = 0;
    if (s.size() < 20 || s[10] != 'T' ||
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, s, dt, tzd))
      return false;
    dt.makeUTC(tzd);
    out = dt.timestamp().epochMicroseconds() / 1000;
    return true;
  };
  ReplayRange r;
  if (integer(a, r.from) && integer(b, r.to)) {
  } else if (time(a, r.from) && time(b, r.to)) {
    r.by_time = true;
  } else {
    return sdk::invalidArgument(usage);
  }
  if (r.from > r.to) return sdk::invalidArgument("FROM is after TO in '" + text + "'");
  return r;
}

// --check-config's second half: the database answers, each plugin instance
// is ready. One line each; 69 when any is not.
int checkConnectivity(const std::string &config_path, const AppContext &ctx) {
  int unreachable = 0;
  const std::string url = ctx.config["database"]["url"].asString();
  const auto target = dburl::parse(url);
  if (target.ok() && target->connector == "sqlite" && target->connection != ":memory:" &&
      !std::filesystem::exists(target->connection)) {
    const std::filesystem::path dir = std::filesystem::absolute(target->connection).parent_path();
    if (::access(dir.c_str(), W_OK) == 0) {
      std::cout << "database (sqlite): ok: " << target->connection << " will be created\n";
    } else {
      std::cout << "database (sqlite): error: cannot create " << target->connection << ": " << dir.string()
                << " is not writable\n";
      ++unreachable;
    }
  } else {
    auto opened = storage::Database::open(url, 1);
    std::string problem;
    if (!opened.ok()) {
      problem = opened.error().message;
    } else {
      try {
        opened.value()->ping();
      } catch (const std::exception &e) {
        const auto *poco = dynamic_cast<const Poco::Exception *>(&e);
        problem = poco != nullptr ? poco->displayText() : e.what();
      }
    }
    const std::string engine = target.ok() && target->connector == "sqlite" ? "sqlite" : "postgres";
    if (problem.empty()) {
      std::cout << "database (" << engine << "): ok\n";
    } else {
      std::cout << "database (" << engine << "): error: " << problem << "\n";
      ++unreachable;
    }
  }
  for (const auto &instance : ctx.plugins->all()) {
    const sdk::Status status = instance->ready();
    std::cout << "plugin " << instance->kind() << "/" << instance->id() << ": ";
    if (status.ok()) {
      std::cout << "ok\n";
    } else {
      std::cout << "error: " << sdk::errorCodeName(status.error().code) << ": " << status.error().message << "\n";
      ++unreachable;
    }
  }
  if (unreachable == 0) return kExitOk;
  std::cout << config_path << ": " << unreachable << " of " << ctx.plugins->all().size() + 1
            << " dependencies not ready (--offline checks the config alone)\n";
  return kExitUnavailable;
}

} // namespace

int ServerApp::listPlugins() {
  auto config = config::loadConfigFile(config_path_);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    return kExitConfig;
  }
  const auto found = plugins::scanInstalled(pluginPaths(config.value()));
  if (found.empty()) std::cout << "no plugins found on plugin_paths\n";
  for (const auto &p : found) {
    if (!p.library) {
      std::cout << "BROKEN  " << p.file << ": " << p.error << "\n";
      continue;
    }
    const auto &d = p.library->descriptor();
    std::cout << p.library->kindName() << "/" << p.library->name() << "  version " << p.library->version() << "  ABI "
              << d.abi_major << "." << d.abi_minor << "  " << p.file;
    if (!p.library->description().empty()) std::cout << "\n    " << p.library->description();
    if (!p.library->buildInfo().empty()) std::cout << "\n    built with " << p.library->buildInfo();
    std::cout << "\n";
  }
  return kExitOk;
}

int ServerApp::printSchemas() {
  auto config = config::loadConfigFile(config_path_);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    return kExitConfig;
  }
  Json::Value out(Json::objectValue);
  out["config"] = config::configSchema();
  out["plugins"] = Json::Value(Json::objectValue);
  for (const auto &p : plugins::scanInstalled(pluginPaths(config.value()))) {
    if (!p.library) continue;
    try {
      out["plugins"][p.library->kindName() + "/" + p.library->name()] = sdk::parseJson(p.library->configSchema());
    } catch (const sdk::DecodeError &e) {
      out["plugins"][p.library->kindName() + "/" + p.library->name()] = std::string("invalid schema: ") + e.what();
    }
  }
  Json::StreamWriterBuilder pretty;
  pretty["indentation"] = "  ";
  pretty["emitUTF8"] = true;
  std::cout << Json::writeString(pretty, out) << "\n";
  return kExitOk;
}

int ServerApp::checkConfig(bool print_routes) {
  auto config = config::loadConfigFile(config_path_);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    return kExitConfig;
  }
  AppContext ctx;
  auto secrets = std::make_shared<plugins::SecretStore>(config.value()["secrets"], config::processEnv());
  if (auto refused = secrets->refuseDevelopmentDefaults(config.value()["service"]["environment"].asString());
      !refused.ok()) {
    std::cerr << config_path_ << ": " << refused.error().message << "\n";
    return kExitConfig;
  }
  auto registry = plugins::PluginRegistry::load(config.value(), config_path_, ctx.metrics, secrets);
  if (!registry.ok()) {
    std::cerr << registry.error().message << "\n";
    return kExitConfig;
  }
  auto core_plugins = core::CorePlugins::select(*registry.value(), config.value()["checkout"]);
  if (!core_plugins.ok()) {
    std::cerr << config_path_ << ": " << core_plugins.error().message << "\n";
    return kExitConfig;
  }
  auto authenticator = auth::Authenticator::fromConfig(config.value()["auth"], *secrets);
  if (!authenticator.ok()) {
    std::cerr << config_path_ << ": " << authenticator.error().message << "\n";
    return kExitConfig;
  }
  auto events = events::EventBridge::check(config.value(), *registry.value(), core_plugins->payment);
  if (!events.ok()) {
    std::cerr << config_path_ << ": " << events.error().message << "\n";
    return kExitConfig;
  }
  // Dialect routes: mounted on a router of their own (clashes, auth groups).
  ctx.config = config.value();
  ctx.plugins = std::move(registry).value();
  ctx.auth = std::move(authenticator).value();
  if (auto limiter = auth::RateLimiter::fromConfig(ctx.config["http"]["rate_limits"]); !limiter.ok()) {
    std::cerr << config_path_ << ": " << limiter.error().message << "\n";
    return kExitConfig;
  }
  if (auto tls = checkedTls(ctx.config); !tls.ok()) {
    std::cerr << config_path_ << ": " << tls.error().message << "\n";
    return kExitConfig;
  }
  std::shared_ptr<http::Router> router = http::buildRoutes(ctx);
  if (auto mounted = handlers::mountDialects(ctx, *router); !mounted.ok()) {
    std::cerr << config_path_ << ": " << mounted.error().message << "\n";
    return kExitConfig;
  }
  if (print_routes) {
    for (const http::Route &route : router->routes())
      std::cout << route.method << " " << route.pattern << "\n";
    return kExitOk;
  }
  std::cout << config_path_ << ": OK (" << ctx.plugins->all().size() << " plugin instances)\n";
  if (offline_) return kExitOk;
  return checkConnectivity(config_path_, ctx);
}

int ServerApp::migrate() {
  auto config = config::loadConfigFile(config_path_);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    return kExitConfig;
  }
  const std::string url = config.value()["database"]["url"].asString();
  auto target = dburl::parse(url);
  if (!target.ok()) {
    std::cerr << config_path_ << ": /database/url: " << target.error().message << "\n";
    return kExitConfig;
  }
  if (dry_run_ && target->connector == "sqlite" && target->connection != ":memory:" &&
      !std::filesystem::exists(target->connection)) // opening it would create it
    return printPending(storage::allMigrations("sqlite"), target->connection + " does not exist yet");
  auto opened = storage::Database::open(url, 2);
  if (!opened.ok()) {
    std::cerr << config_path_ << ": /database/url: " << opened.error().message << "\n";
    return opened.error().code == sdk::ErrorCode::unavailable ? kExitUnavailable : kExitConfig;
  }
  if (dry_run_) {
    auto pending = storage::pendingMigrations(*opened.value());
    if (!pending.ok()) {
      std::cerr << pending.error().message << "\n";
      return kExitUnavailable;
    }
    return printPending(pending.value(), std::string(opened.value()->engineName()) + ", " + target->connection);
  }
  auto report = storage::migrate(*opened.value());
  if (!report.ok()) {
    std::cerr << report.error().message << "\n";
    return 1;
  }
  for (const auto &m : report->applied)
    std::cout << "applied " << m << "\n";
  std::cout << opened.value()->engineName() << " schema at version " << report->current_version << "\n";
  return kExitOk;
}

int ServerApp::replayOutbox() {
  const auto range = parseReplayRange(replay_range_);
  if (!range.ok()) {
    std::cerr << "--replay-outbox: " << range.error().message << "\n";
    return kExitUsage;
  }
  auto config = config::loadConfigFile(config_path_);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    return kExitConfig;
  }
  auto opened = storage::Database::open(config.value()["database"]["url"].asString(), 1);
  if (!opened.ok()) {
    std::cerr << config_path_ << ": /database/url: " << opened.error().message << "\n";
    return opened.error().code == sdk::ErrorCode::unavailable ? kExitUnavailable : kExitConfig;
  }
  storage::OutboxRepository::Requeued done;
  try {
    opened.value()->transaction([&](Poco::Data::Session &s) {
      done =
          storage::OutboxRepository().requeue(s, range->from, range->to, range->by_time, opened.value()->forUpdate());
    });
  } catch (const std::exception &e) {
    const auto *poco = dynamic_cast<const Poco::Exception *>(&e);
    std::cerr << "--replay-outbox: nothing was queued: " << (poco != nullptr ? poco->displayText() : e.what()) << "\n";
    return storage::classify(e) == storage::DbFailure::unavailable ? kExitUnavailable : kExitFailed;
  }
  std::cout << "queued " << done.published + done.parked << " events of " << replay_range_ << " again ("
            << done.published << " published, " << done.parked << " parked); " << done.queued
            << " in the range were still queued and are unchanged\n";
  if (done.published + done.parked > 0) {
    if (config.value()["kafka"]["bootstrap_servers"].asString().empty())
      std::cout << "kafka.bootstrap_servers is empty in " << config_path_
                << ": they stay queued until a server with Kafka runs the relay\n";
    else
      std::cout << "a running server's relay publishes them again with their own event ids (consumers dedupe)\n";
  }
  return kExitOk;
}

} // namespace orders::host::app
