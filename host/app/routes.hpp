// The one table of HTTP routes the server mounts.
#pragma once

#include <memory>

#include "handlers/app_context.hpp"
#include "http/router.hpp"

namespace orders::host::http {

// /health, /health/ready, /v1/_info and /metrics always; the canonical API
// (and its /api-docs) unless http.canonical_api is false. Dialect routes are
// added by handlers::mountDialects.
std::shared_ptr<Router> buildRoutes(app::AppContext &ctx);

} // namespace orders::host::http
