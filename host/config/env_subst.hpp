// ${VAR} and ${VAR:-default} substitution in config values.
//
// `${VAR}` is the variable's value and an error when VAR is unset;
// `${VAR:-default}` is the value when set and non-empty, else `default`
// (which may be empty, and may itself use ${...}: `${URL:-https://${HOST}/x}`,
// evaluated only when used); `$$` is a literal `$`. Any other `$` is kept.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/result.hpp"

namespace orders::host::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string &name)>;

// Reads the process environment.
EnvLookup processEnv();

// Returns the substituted text, or invalid_argument naming the variable.
sdk::Result<std::string> substituteEnv(std::string_view text, const EnvLookup &env);

} // namespace orders::host::config
