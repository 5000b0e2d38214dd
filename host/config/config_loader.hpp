// Loads the server's config file: YAML or JSON, ${VAR} substitution,
// validation against schemas/config.schema.json, defaults filled in.
//
// Errors name the file, the JSON pointer and the rule, one per line:
//   config.yaml: /http/port: must be <= 65535
// Plugin `config` blocks are validated later, against each plugin's own
// schema, by the plugin loader.
#pragma once

#include <json/json.h>

#include <string>

#include "config/env_subst.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::config {

// The compiled-in schemas/config.schema.json.
const Json::Value &configSchema();

// Parses YAML (JSON is accepted as YAML) into JSON with env substitution in
// every scalar. Plain scalars are typed after substitution (8080 -> integer,
// true -> boolean, null/~ -> null); quoted scalars stay strings. Duplicate
// keys are errors. `source_name` prefixes error messages.
sdk::Result<Json::Value> parseConfigText(const std::string &text, const std::string &source_name, const EnvLookup &env);

// Parses `text`, validates it and applies defaults; `source_name` prefixes
// error messages (loadConfigFile passes the path).
sdk::Result<Json::Value> loadConfigText(const std::string &text, const std::string &source_name, const EnvLookup &env);

// Reads, parses, validates and applies defaults.
sdk::Result<Json::Value> loadConfigFile(const std::string &path, const EnvLookup &env = processEnv());

} // namespace orders::host::config
