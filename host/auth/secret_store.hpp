// Secrets for plugins: the config's `secrets` section ({env}, {file} or
// {value} per name), falling back to the environment variable of the name.
// Values are never logged. Thread-safety: immutable after construction.
#pragma once

#include <json/json.h>

#include <string>

#include "config/env_subst.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::plugins {

class SecretStore {
public:
  SecretStore(Json::Value secrets_config, config::EnvLookup env);
  sdk::Result<std::string> get(const std::string &name) const;
  // invalid_argument naming the first secret that still has its
  // `development_default` value, unless `environment` is "development".
  sdk::Status refuseDevelopmentDefaults(const std::string &environment) const;

private:
  Json::Value config_;
  config::EnvLookup env_;
};

} // namespace orders::host::plugins
