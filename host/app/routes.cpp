#include "app/routes.hpp"

#include "handlers/order_handlers.hpp"
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
  // Providers' callbacks (Stripe, PayPal, Xendit, carriers) are no service's
  // API: they stay mounted when only dialects serve the clients.
  router->add("POST", "/hooks/payment/:instance",  bind(handlers::paymentWebhook));
  router->add("POST", "/hooks/shipping/:instance", bind(handlers::shippingWebhook));
  // clang-format on
  if (!ctx.config["http"].get("canonical_api", true).asBool()) return router; // dialects only
  // clang-format off
  router->add("GET", "/api-docs",     bind(handlers::apiDocsPage));
  router->add("GET", "/api-docs/openapi.yaml", bind(handlers::apiDocsSpec));
  router->add("GET", "/api-docs/openapi.json", bind(handlers::apiDocsSpecJson));
  router->add("GET", "/api-docs/redoc.standalone.js", bind(handlers::apiDocsRenderer));

  router->add("POST", "/api/orders",                       bind(handlers::checkout));
  router->add("GET",  "/api/orders",                       bind(handlers::listOrders));
  router->add("GET",  "/api/orders/:id",                   bind(handlers::getOrder));
  router->add("GET",  "/api/orders/number/:orderNumber",   bind(handlers::getOrderByNumber));
  router->add("GET",  "/api/orders/:id/history",           bind(handlers::orderHistory));
  router->add("GET",  "/api/orders/:id/invoice",           bind(handlers::orderInvoice));
  router->add("POST", "/api/orders/:id/payment",           bind(handlers::retryPayment));
  router->add("POST", "/api/orders/:id/cancel",            bind(handlers::cancelOrder));
  router->add("PUT",  "/api/orders/:id/status",            bind(handlers::setStatus));
  router->add("PUT",  "/api/orders/:id/shipping-cost",     bind(handlers::setShippingCost));
  router->add("POST", "/internal/orders",                  bind(handlers::internalCreateOrder));
  router->add("GET",  "/api/admin/orders",                 bind(handlers::adminListOrders));
  router->add("GET",  "/api/admin/orders/:id",             bind(handlers::adminGetOrder));
  router->add("PUT",  "/api/admin/orders/:id/status",      bind(handlers::adminSetStatus));
  router->add("GET",  "/api/admin/outbox",                 bind(handlers::adminOutbox));
  router->add("POST", "/api/admin/reload",                 bind(handlers::adminReload));
  // clang-format on
  return router;
}

} // namespace orders::host::http
