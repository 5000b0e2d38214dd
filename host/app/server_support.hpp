// What the server's run mode (server_app.cpp) and the operator's commands
// (operations.cpp) share: the exit codes and the TLS check.
#pragma once

#include <json/json.h>

#include "http/tls.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the operation ran and failed (a migration, say)
inline constexpr int kExitUsage = 64;       // EX_USAGE
inline constexpr int kExitUnavailable = 69; // EX_UNAVAILABLE: the database or a plugin's peer cannot be reached
inline constexpr int kExitConfig = 78;      // EX_CONFIG

// http.tls read and checked (files, key against certificate) as the server
// will use it; the key may come from a secret.
sdk::Result<http::TlsOptions> checkedTls(const Json::Value &config);

} // namespace orders::host::app
