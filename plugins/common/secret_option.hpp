// Resolves an optional config key that names a host secret (for example
// `webhook_secret: PAYMENT_WEBHOOK_SECRET`) at create() time, with errors that
// name the key. Header-only; for in-tree plugins.
#pragma once

#include <optional>
#include <string>

#include "orders/sdk/host.hpp"

namespace orders::common {

inline sdk::Result<std::optional<std::string>> resolveSecretOption(const sdk::Host &host, const std::string &key,
                                                                   const std::optional<std::string> &name) {
  if (!name) return std::optional<std::string>();
  auto resolved = host.secret(*name);
  if (!resolved.ok())
    return sdk::invalidArgument(key + ": cannot resolve secret '" + *name + "': " + resolved.error().message);
  // An empty secret would accept an empty header: refuse rather than open the webhook.
  if (resolved.value().empty()) return sdk::invalidArgument(key + ": secret '" + *name + "' is empty");
  return std::optional<std::string>(std::move(resolved).value());
}

// A secret the plugin cannot work without, named by `key` (default name
// `fallback` when the config leaves the key out): resolved and non-empty.
inline sdk::Result<std::string> requiredSecretOption(const sdk::Host &host, const std::string &key,
                                                     const std::optional<std::string> &name, const char *fallback) {
  auto resolved = resolveSecretOption(host, key, name.value_or(fallback));
  if (!resolved.ok()) return resolved.error();
  return std::move(*resolved.value());
}

} // namespace orders::common
