#include "auth/secret_store.hpp"

#include <fstream>
#include <sstream>

namespace orders::host::plugins {

SecretStore::SecretStore(Json::Value secrets_config, config::EnvLookup env)
    : config_(std::move(secrets_config)), env_(std::move(env)) {}

sdk::Result<std::string> SecretStore::get(const std::string &name) const {
  std::string env_name = name;
  if (config_.isObject() && config_.isMember(name)) {
    const Json::Value &spec = config_[name];
    if (spec.isMember("value")) return spec["value"].asString();
    if (spec.isMember("file")) {
      const std::string path = spec["file"].asString();
      std::ifstream in(path, std::ios::binary);
      if (!in) return sdk::notFound("secret " + name + ": cannot read " + path);
      std::ostringstream buf;
      buf << in.rdbuf();
      std::string value = buf.str();
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
        value.pop_back();
      return value;
    }
    env_name = spec["env"].asString();
  }
  if (auto v = env_(env_name)) return *v;
  return sdk::notFound("secret " + name + " is not configured (no secrets." + name + " and no $" + env_name + ")");
}

sdk::Status SecretStore::refuseDevelopmentDefaults(const std::string &environment) const {
  if (environment == "development" || !config_.isObject()) return sdk::Status();
  for (const std::string &name : config_.getMemberNames()) {
    const Json::Value &spec = config_[name];
    if (!spec.isMember("development_default")) continue;
    auto value = get(name);
    if (value.ok() && value.value() == spec["development_default"].asString())
      return sdk::invalidArgument("/secrets/" + name + ": still the development default '" +
                                  spec["development_default"].asString() + "' while service.environment is '" +
                                  environment + "'; set a real secret (or environment: development)");
  }
  return sdk::Status();
}

} // namespace orders::host::plugins
