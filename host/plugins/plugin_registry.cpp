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
  spec.mount = entry.get("mount", "").asString();
  spec.auth_groups = entry["auth"];
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

namespace {

// One load(): the steps each configured instance goes through, and what
// they share (libraries opened once per file, instance ids seen, failures
// collected so that every broken entry is reported at once).
class Loader {
public:
  Loader(const Json::Value &config, const std::string &source_name, metrics::MetricsRegistry &metrics,
         std::shared_ptr<const SecretStore> secrets, std::shared_ptr<const CoreGateway> core)
      : config_(config), source_name_(source_name), metrics_(metrics), secrets_(std::move(secrets)),
        core_(std::move(core)), paths_(stringList(config["plugin_paths"])) {}

  // The instance `entry` (at `pointer`, under plugins.<kind>) configures, or
  // nullptr after recording why not.
  std::unique_ptr<PluginInstance> load(const std::string &kind, const Json::Value &entry, const std::string &pointer,
                                       const CircuitBreaker::Clock &breaker_clock) {
    InstanceSpec spec = specFrom(kind, entry, pointer);
    if (breaker_clock) spec.breaker_clock = breaker_clock;
    spec.core = core_;
    const std::string label = "plugin " + kind + "/" + spec.name;
    const std::string where = kind + "/" + spec.name;
    if (kind != "dialect" && (entry.isMember("mount") || entry.isMember("auth"))) {
      fail(where, pointer, label + ": " + pointer + ": mount and auth apply to dialect plugins only");
      return nullptr;
    }
    if (!outboundAuth(spec, entry["http"]["auth"], label, where)) return nullptr;
    std::shared_ptr<PluginLibrary> library = libraryFor(spec, entry, label, where);
    if (!library || !claimId(spec, where)) return nullptr;
    if (!configure(spec, *library, label, where)) return nullptr;
    auto instance = PluginInstance::create(library, std::move(spec), metrics_, secrets_);
    if (!instance.ok()) {
      fail(where, pointer, instance.error().message);
      return nullptr;
    }
    log::info("plugin loaded", {{"kind", kind},
                                {"name", instance.value()->name()},
                                {"id", instance.value()->id()},
                                {"version", instance.value()->version()},
                                {"abi", std::to_string(library->descriptor().abi_major) + "." +
                                            std::to_string(library->descriptor().abi_minor)},
                                {"build", library->buildInfo()},
                                {"file", library->file()}});
    return std::move(instance).value();
  }

  // Every failure, one per line; empty when all loaded.
  std::string failures() const {
    std::string joined;
    for (const std::string &f : failures_)
      joined += (joined.empty() ? "" : "\n") + f;
    return joined;
  }

private:
  // Records why an instance did not load; false.
  bool fail(const std::string &where, const std::string &pointer, const std::string &message) {
    log::error(message, {{"plugin", where}, {"config", source_name_ + ":" + pointer}});
    failures_.push_back(message);
    return false;
  }

  // http.auth: the secret it names and how requests carry it.
  bool outboundAuth(InstanceSpec &spec, const Json::Value &auth, const std::string &label, const std::string &where) {
    if (!auth.isObject()) return true;
    auto secret = secrets_->get(auth["secret"].asString());
    if (!secret.ok())
      return fail(where, spec.pointer, label + ": " + spec.pointer + "/http/auth/secret: " + secret.error().message);
    const std::string scheme = auth["scheme"].asString();
    spec.http.auth.scheme = scheme == "service_hmac" ? net::OutboundAuth::Scheme::service_hmac
                            : scheme == "bearer"     ? net::OutboundAuth::Scheme::bearer
                                                     : net::OutboundAuth::Scheme::header;
    spec.http.auth.secret = std::move(secret).value();
    spec.http.auth.service_name = auth.get("service_name", config_["service"]["name"]).asString();
    spec.http.auth.name_timestamp = auth.get("format", "request_bound").asString() == "name_timestamp";
    spec.http.auth.header_name = auth["header_name"].asString();
    return true;
  }

  // The library file of the instance, opened once per file, checked to be
  // the kind and the plugin the entry names.
  std::shared_ptr<PluginLibrary> libraryFor(const InstanceSpec &spec, const Json::Value &entry,
                                            const std::string &label, const std::string &where) {
    auto file = resolveFile(spec, entry, paths_, label);
    if (!file.ok()) {
      fail(where, spec.pointer, file.error().message);
      return nullptr;
    }
    const std::string key = fs::absolute(file.value()).lexically_normal().string();
    std::shared_ptr<PluginLibrary> &library = libraries_[key];
    if (!library) {
      auto opened = PluginLibrary::open(file.value(), label);
      if (!opened.ok()) {
        libraries_.erase(key);
        {
          fail(where, spec.pointer, opened.error().message);
          return nullptr;
        }
      }
      library = opened.value();
    }
    if (library->kindName() != spec.kind) {
      fail(where, spec.pointer,
           label + ": " + file.value() + " is a " + library->kindName() + " plugin, configured under plugins." +
               spec.kind);
      return nullptr;
    }
    if (library->name() != spec.name) {
      fail(where, spec.pointer,
           label + ": " + file.value() + " is plugin '" + library->name() + "', not '" + spec.name + "'");
      return nullptr;
    }
    return library;
  }

  // Instance ids are unique per kind.
  bool claimId(const InstanceSpec &spec, const std::string &where) {
    auto [it, inserted] = ids_.emplace(spec.kind + "/" + spec.id, spec.pointer);
    if (inserted) return true;
    return fail(where, spec.pointer,
                source_name_ + ": " + spec.pointer + "/id: duplicate instance id '" + spec.id + "' (already used at " +
                    it->second + ")");
  }

  // The instance's config, checked against the plugin's schema, defaults filled in.
  bool configure(InstanceSpec &spec, const PluginLibrary &library, const std::string &label, const std::string &where) {
    auto validator = pluginValidator(library, label);
    if (!validator.ok()) return fail(where, spec.pointer, validator.error().message);
    const auto violations = validator.value()->validate(spec.config);
    if (!violations.empty())
      return fail(where, spec.pointer,
                  config::formatViolations(source_name_ + ": " + spec.pointer + "/config", violations));
    validator.value()->applyDefaults(spec.config);
    return true;
  }

  const Json::Value &config_;
  const std::string source_name_;
  metrics::MetricsRegistry &metrics_;
  const std::shared_ptr<const SecretStore> secrets_;
  const std::shared_ptr<const CoreGateway> core_;
  const std::vector<std::string> paths_;
  std::vector<std::string> failures_;
  std::map<std::string, std::string> ids_; // "kind/id" -> pointer of first use
  std::map<std::string, std::shared_ptr<PluginLibrary>> libraries_;
};

} // namespace

sdk::Result<std::unique_ptr<PluginRegistry>>
PluginRegistry::load(const Json::Value &config, const std::string &source_name, metrics::MetricsRegistry &metrics,
                     std::shared_ptr<const SecretStore> secrets, CircuitBreaker::Clock breaker_clock,
                     const InstanceFilter &only) {
  auto registry = std::make_unique<PluginRegistry>();
  Loader loader(config, source_name, metrics, std::move(secrets), registry->core_);
  for (const KindInfo &kind_info : allKinds()) {
    const std::string kind(kind_info.name);
    const Json::Value &entries = config["plugins"][kind];
    for (Json::ArrayIndex i = 0; i < entries.size(); ++i) {
      if (only && !only(kind, entries[i])) continue;
      const std::string pointer = "/plugins/" + kind + "/" + std::to_string(i);
      if (auto instance = loader.load(kind, entries[i], pointer, breaker_clock))
        registry->instances_.push_back(std::move(instance));
    }
  }
  const std::string failures = loader.failures();
  if (!failures.empty()) return sdk::invalidArgument(failures);
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
