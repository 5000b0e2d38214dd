#include "handlers/config_reload.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "auth/secret_store.hpp"
#include "config/config_loader.hpp"
#include "handlers/app_context.hpp"
#include "log/logger.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/plugin_registry.hpp"

namespace orders::host::handlers {

namespace {

constexpr const char *kDialect = "dialect";

std::string instanceId(const Json::Value &entry) {
  return entry.isMember("id") ? entry["id"].asString() : entry["name"].asString();
}

// Each secret named in `secrets:`, by a hash of its value now (a secret
// that cannot be read hashes as its error, so it reads as changed once it can).
std::map<std::string, size_t> secretHashes(const Json::Value &config) {
  plugins::SecretStore store(config["secrets"], config::processEnv());
  std::map<std::string, size_t> out;
  for (const std::string &name : config["secrets"].getMemberNames()) {
    auto value = store.get(name);
    out[name] = std::hash<std::string>{}(value.ok() ? "v:" + value.value() : "e:" + value.error().message);
  }
  return out;
}

// The first section that differs where only a restart applies a change;
// empty when none. `changed` gets the (kind, id) of each plugin entry that
// differs.
std::string needsRestart(const Json::Value &old_config, const Json::Value &new_config,
                         std::set<std::pair<std::string, std::string>> &changed) {
  std::set<std::string> keys;
  for (const auto &k : old_config.getMemberNames())
    keys.insert(k);
  for (const auto &k : new_config.getMemberNames())
    keys.insert(k);
  for (const std::string &key : keys) {
    if (key == "plugins" || key == "secrets") continue;
    if (key == "log") {
      Json::Value a = old_config[key], b = new_config[key];
      a.removeMember("level");
      b.removeMember("level");
      if (a != b) return "/log (other than /log/level)";
      continue;
    }
    if (old_config[key] != new_config[key]) return "/" + key;
  }
  const Json::Value &old_plugins = old_config["plugins"];
  const Json::Value &new_plugins = new_config["plugins"];
  std::set<std::string> kinds;
  for (const auto &k : old_plugins.getMemberNames())
    kinds.insert(k);
  for (const auto &k : new_plugins.getMemberNames())
    kinds.insert(k);
  for (const std::string &kind : kinds) {
    const Json::Value &a = old_plugins[kind];
    const Json::Value &b = new_plugins[kind];
    if (kind == kDialect) {
      if (a != b) return "/plugins/dialect (dialects mount routes)";
      continue;
    }
    if (a.size() != b.size()) return "/plugins/" + kind + " (instances added or removed)";
    for (Json::ArrayIndex i = 0; i < a.size(); ++i) {
      const std::string pointer = "/plugins/" + kind + "/" + std::to_string(i);
      if (instanceId(a[i]) != instanceId(b[i])) return pointer + " (another instance id)";
      if (a[i]["name"] != b[i]["name"]) return pointer + "/name (another plugin)";
      if (a[i]["path"] != b[i]["path"]) return pointer + "/path (another library)";
      if (a[i] != b[i]) changed.insert({kind, instanceId(b[i])});
    }
  }
  return "";
}

} // namespace

void rememberLoadedConfig(app::AppContext &ctx) {
  std::lock_guard lock(ctx.reload_mutex);
  ctx.live_config = ctx.config;
  ctx.live_secrets = secretHashes(ctx.config);
}

sdk::Result<ReloadOutcome> reloadConfig(app::AppContext &ctx) {
  std::lock_guard lock(ctx.reload_mutex);
  const Json::Value &current = ctx.live_config.isNull() ? ctx.config : ctx.live_config;
  auto loaded = config::loadConfigFile(ctx.config_path);
  if (!loaded.ok()) return sdk::Error{sdk::ErrorCode::rejected, loaded.error().message, false};
  const Json::Value next = std::move(loaded).value();

  std::set<std::pair<std::string, std::string>> changed;
  if (const std::string section = needsRestart(current, next, changed); !section.empty())
    return sdk::Error{sdk::ErrorCode::rejected,
                      ctx.config_path + ": " + section +
                          ": changed; a restart applies it (a reload applies plugin configs, secrets and log.level)",
                      false};
  auto secrets = std::make_shared<plugins::SecretStore>(next["secrets"], config::processEnv());
  if (auto refused = secrets->refuseDevelopmentDefaults(next["service"]["environment"].asString()); !refused.ok())
    return sdk::Error{sdk::ErrorCode::rejected, ctx.config_path + ": " + refused.error().message, false};
  const std::map<std::string, size_t> secret_values = secretHashes(next);
  const bool secrets_changed = secret_values != ctx.live_secrets;
  // A secret the inbound auth, the listener's TLS or a dialect reads is read
  // once at start: a change to one of those needs a restart, and a reload
  // that claimed it would mislead whoever is revoking a key.
  if (secrets_changed) {
    const std::string readers =
        sdk::writeJson(next["auth"]) + sdk::writeJson(next["http"]["tls"]) + sdk::writeJson(next["plugins"][kDialect]);
    std::set<std::string> names;
    for (const auto &[name, hash] : secret_values)
      names.insert(name);
    for (const auto &[name, hash] : ctx.live_secrets)
      names.insert(name);
    for (const std::string &name : names) {
      auto was = ctx.live_secrets.find(name);
      auto now = secret_values.find(name);
      const bool differs = was == ctx.live_secrets.end() || now == secret_values.end() || was->second != now->second;
      if (differs && readers.find("\"" + name + "\"") != std::string::npos)
        return sdk::Error{sdk::ErrorCode::rejected,
                          ctx.config_path + ": secret " + name +
                              " changed; it is read by /auth, /http/tls or a dialect, so a restart applies it",
                          false};
    }
  }

  // The instances to create anew: the changed entries, or every one but the
  // dialects when a secret changed (plugins read secrets in create()).
  auto selected = [&](const std::string &kind, const Json::Value &entry) {
    if (kind == kDialect) return false;
    return secrets_changed || changed.count({kind, instanceId(entry)}) > 0;
  };
  ReloadOutcome outcome;
  std::vector<std::unique_ptr<plugins::PluginInstance>> fresh;
  if (secrets_changed || !changed.empty()) {
    auto created = plugins::PluginRegistry::load(next, ctx.config_path, ctx.metrics, secrets, {}, selected);
    if (!created.ok()) return sdk::Error{sdk::ErrorCode::rejected, created.error().message, false};
    fresh = created.value()->release();
    for (const auto &instance : fresh) {
      if (auto ready = instance->ready(); !ready.ok())
        return sdk::unavailable("plugin " + instance->kind() + "/" + instance->id() +
                                " is not ready: " + ready.error().message + "; the running instances are kept");
      if (ctx.plugins->find(instance->kind(), instance->id()) == nullptr)
        return sdk::internalError("plugin " + instance->kind() + "/" + instance->id() + " is not running");
    }
  }
  // The same library file, loaded once: calls forwarded to the new instance
  // carry the method pointers of the library they were looked up in.
  for (const auto &instance : fresh)
    if (&instance->library().descriptor() !=
        &ctx.plugins->find(instance->kind(), instance->id())->library().descriptor())
      return sdk::Error{sdk::ErrorCode::rejected,
                        "plugin " + instance->kind() + "/" + instance->id() +
                            ": its library file changed (plugin_paths or the file itself); a restart applies it",
                        false};
  // Everything checked: swap.
  for (auto &instance : fresh) {
    plugins::PluginInstance *slot = ctx.plugins->find(instance->kind(), instance->id());
    outcome.replaced.push_back(instance->kind() + "/" + instance->id());
    slot->replaceWith(std::shared_ptr<plugins::PluginInstance>(std::move(instance)));
  }
  const std::string old_level = current["log"]["level"].asString();
  const std::string new_level = next["log"]["level"].asString();
  if (old_level != new_level) {
    log::Logger::instance().setLevel(log::levelFromName(new_level));
    outcome.log_level_changed = true;
  }
  ctx.live_config = next;
  ctx.live_secrets = secret_values;
  outcome.generation = ++ctx.reload_generation;
  std::string replaced;
  for (const auto &r : outcome.replaced)
    replaced += (replaced.empty() ? "" : ", ") + r;
  log::info("config reloaded", {{"config", ctx.config_path},
                                {"generation", std::to_string(outcome.generation)},
                                {"replaced", replaced.empty() ? "none" : replaced},
                                {"log_level", new_level}});
  return outcome;
}

} // namespace orders::host::handlers
