#include "http/routes.hpp"

#include "handlers/system_handlers.hpp"

namespace orders::host::http {

std::shared_ptr<Router> buildRoutes(app::AppContext &ctx) {
  auto router = std::make_shared<Router>();
  auto bind = [&ctx](auto fn) { return [&ctx, fn](Request &req) { return fn(ctx, req); }; };
  // clang-format off
  router->add("GET", "/health",       bind(handlers::health));
  router->add("GET", "/health/ready", bind(handlers::ready));
  router->add("GET", "/v1/_info",     bind(handlers::info));
  router->add("GET", "/metrics",      bind(handlers::metricsText));
  // clang-format on
  return router;
}

} // namespace orders::host::http
