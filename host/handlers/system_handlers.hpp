// GET /health, /health/ready, /v1/_info, /metrics.
#pragma once

#include "handlers/app_context.hpp"
#include "http/router.hpp"

namespace orders::host::handlers {

http::Response health(const app::AppContext &ctx, http::Request &req);
http::Response ready(app::AppContext &ctx, http::Request &req);
http::Response info(const app::AppContext &ctx, http::Request &req);
http::Response metricsText(app::AppContext &ctx, http::Request &req);

} // namespace orders::host::handlers
