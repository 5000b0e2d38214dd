#include "plugins/plugin_registry.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "config/schema_validator.hpp"
#include "log/logger.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/plugin_kinds.hpp"

namespace orders::host::plugins {

namespace fs = std::filesystem;

std::string pluginFileName(const std::string &kind, const std::string &name) {
  return "orders-" + kind + "-" + name + ".so";
}

namespace {

std::vector<std::string> stringList(const Json::Value &v) {
  std::vector<std::string> out;
  for (const Json::Value &e : v)
    out.push_back(e.asString());
  return out;
}

sdk::Result<std::string> resolveFile(const InstanceSpec &spec, const Json::Value &entry,
                                     const std::vector<std::string> &paths, const std::string &label) {
  if (entry.isMember("path")) return entry["path"].asString();
  const std::string file = pluginFileName(spec.kind, spec.name);
  for (const std::string &dir : paths) {
    const fs::path candidate = fs::path(dir) / file;
    if (fs::exists(candidate)) return candidate.string();
  }
  std::string searched;
  for (const std::string &dir : paths)
    searched += (searched.empty() ? "" : ", ") + dir;
  return sdk::notFound(label + ": " + file + " not found in plugin_paths [" + searched + "]");
}

// The plugin's schema with unknown keys forbidden at the top level unless
// the plugin said otherwise.
sdk::Result<std::shared_ptr<const config::SchemaValidator>> pluginValidator(const PluginLibrary &lib,
                                                                            const std::string &label) {
  Json::Value schema;
  try {
    schema = sdk::parseJson(lib.configSchema());
  } catch (const sdk::DecodeError &e) {
    return sdk::invalidArgument(label + ": its config schema is not valid JSON: " + e.what());
  }
  if (schema.isObject() && !schema.isMember("additionalProperties")) schema["additionalProperties"] = false;
  auto compiled = config::SchemaValidator::compile(schema);
  if (!compiled.ok()) return sdk::invalidArgument(label + ": its config schema is broken: " + compiled.error().message);
  return compiled;
}

InstanceSpec specFrom(const std::string &kind, const Json::Value &entry, const std::string &pointer) {
  InstanceSpec spec;
  spec.kind = kind;
  spec.name = entry["name"].asString();
  spec.id = entry.isMember("id") ? entry["id"].asString() : spec.name;
  spec.pointer = pointer;
  spec.config = entry["config"];
  spec.timeout_ms = entry["timeout_ms"].asInt64();
  spec.breaker_failure_threshold = entry["breaker"]["failure_threshold"].asInt();
  spec.breaker_open_ms = entry["breaker"]["open_ms"].asInt64();
  spec.breaker_max_open_ms = entry["breaker"]["max_open_ms"].asInt64();
  const Json::Value &http = entry["http"];
  spec.http.timeout_ms = http["timeout_ms"].asInt64();
  spec.http.retries = http["retries"].asInt();
  spec.http.retry_backoff_ms = http["retry_backoff_ms"].asInt64();
  spec.http.max_idle_connections = http["max_idle_connections"].asUInt();
  spec.http.max_response_bytes = http.get("max_response_bytes", 8 << 20).asUInt64();
  for (const std::string &h : http["headers"].getMemberNames())
    spec.http.headers[h] = http["headers"][h].asString();
  return spec;
}

} // namespace

sdk::Result<std::unique_ptr<PluginRegistry>>
PluginRegistry::load(const Json::Value &config, const std::string &source_name, metrics::MetricsRegistry &metrics,
                     std::shared_ptr<const SecretStore> secrets, CircuitBreaker::Clock breaker_clock) {
  auto registry = std::make_unique<PluginRegistry>();
  const std::vector<std::string> paths = stringList(config["plugin_paths"]);
  std::vector<std::string> failures;
  std::map<std::string, std::string> ids; // "kind/id" -> pointer of first use
  std::map<std::string, std::shared_ptr<PluginLibrary>> libraries;

  for (const KindInfo &kind_info : allKinds()) {
    const std::string kind(kind_info.name);
    const Json::Value &entries = config["plugins"][kind];
    for (Json::ArrayIndex i = 0; i < entries.size(); ++i) {
      const std::string pointer = "/plugins/" + kind + "/" + std::to_string(i);
      InstanceSpec spec = specFrom(kind, entries[i], pointer);
      if (breaker_clock) spec.breaker_clock = breaker_clock;
      const std::string label = "plugin " + kind + "/" + spec.name;
      auto fail = [&](const std::string &message) {
        log::error(message, {{"plugin", kind + "/" + spec.name}, {"config", source_name + ":" + pointer}});
        failures.push_back(message);
      };

      const Json::Value &auth = entries[i]["http"]["auth"];
      if (auth.isObject()) {
        auto secret = secrets->get(auth["secret"].asString());
        if (!secret.ok()) {
          fail(label + ": " + pointer + "/http/auth/secret: " + secret.error().message);
          continue;
        }
        const std::string scheme = auth["scheme"].asString();
        spec.http.auth.scheme = scheme == "service_hmac" ? net::OutboundAuth::Scheme::service_hmac
                                : scheme == "bearer"     ? net::OutboundAuth::Scheme::bearer
                                                         : net::OutboundAuth::Scheme::header;
        spec.http.auth.secret = std::move(secret).value();
        spec.http.auth.service_name = auth.get("service_name", config["service"]["name"]).asString();
        spec.http.auth.header_name = auth["header_name"].asString();
      }

      auto file = resolveFile(spec, entries[i], paths, label);
      if (!file.ok()) {
        fail(file.error().message);
        continue;
      }
      std::shared_ptr<PluginLibrary> &library = libraries[fs::absolute(file.value()).lexically_normal().string()];
      if (!library) {
        auto opened = PluginLibrary::open(file.value(), label);
        if (!opened.ok()) {
          fail(opened.error().message);
          libraries.erase(fs::absolute(file.value()).lexically_normal().string());
          continue;
        }
        library = opened.value();
      }
      if (library->kindName() != kind) {
        fail(label + ": " + file.value() + " is a " + library->kindName() + " plugin, configured under plugins." +
             kind);
        continue;
      }
      if (library->name() != spec.name) {
        fail(label + ": " + file.value() + " is plugin '" + library->name() + "', not '" + spec.name + "'");
        continue;
      }
      auto [it, inserted] = ids.emplace(kind + "/" + spec.id, pointer);
      if (!inserted) {
        fail(source_name + ": " + pointer + "/id: duplicate instance id '" + spec.id + "' (already used at " +
             it->second + ")");
        continue;
      }
      auto validator = pluginValidator(*library, label);
      if (!validator.ok()) {
        fail(validator.error().message);
        continue;
      }
      const auto violations = validator.value()->validate(spec.config);
      if (!violations.empty()) {
        fail(config::formatViolations(source_name + ": " + pointer + "/config", violations));
        continue;
      }
      validator.value()->applyDefaults(spec.config);
      auto instance = PluginInstance::create(library, std::move(spec), metrics, secrets);
      if (!instance.ok()) {
        fail(instance.error().message);
        continue;
      }
      log::info("plugin loaded", {{"kind", kind},
                                  {"name", instance.value()->name()},
                                  {"id", instance.value()->id()},
                                  {"version", instance.value()->version()},
                                  {"file", library->file()}});
      registry->instances_.push_back(std::move(instance).value());
    }
  }
  if (!failures.empty()) {
    std::string joined;
    for (const std::string &f : failures)
      joined += (joined.empty() ? "" : "\n") + f;
    return sdk::invalidArgument(joined);
  }
  return registry;
}

PluginInstance *PluginRegistry::find(const std::string &kind, const std::string &id) const {
  for (const auto &i : instances_)
    if (i->kind() == kind && i->id() == id) return i.get();
  return nullptr;
}

std::vector<PluginInstance *> PluginRegistry::ofKind(const std::string &kind) const {
  std::vector<PluginInstance *> out;
  for (const auto &i : instances_)
    if (i->kind() == kind) out.push_back(i.get());
  return out;
}

std::vector<InstalledPlugin> scanInstalled(const std::vector<std::string> &paths) {
  std::vector<InstalledPlugin> out;
  std::set<std::string> seen;
  for (const std::string &dir : paths) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".so" && e.path().filename().string().rfind("orders-", 0) == 0)
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path &f : files) {
      if (!seen.insert(f.filename().string()).second) continue; // earlier path wins
      InstalledPlugin p{f.string(), nullptr, ""};
      auto lib = PluginLibrary::open(f.string(), "plugin " + f.filename().string());
      if (lib.ok())
        p.library = lib.value();
      else
        p.error = lib.error().message;
      out.push_back(std::move(p));
    }
  }
  return out;
}

} // namespace orders::host::plugins
