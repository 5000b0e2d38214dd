// The one table of HTTP routes the server mounts.
#pragma once

#include <memory>

#include "handlers/app_context.hpp"
#include "http/router.hpp"

namespace orders::host::http {

std::shared_ptr<Router> buildRoutes(app::AppContext &ctx);

} // namespace orders::host::http
