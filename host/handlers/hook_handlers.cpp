// Provider callbacks: POST /hooks/payment/:instance and
// POST /hooks/shipping/:instance. The plugin instance verifies the caller
// (shared secret, signature) and translates the body; the core applies the
// result through its inbox, so repeats and reordering change nothing twice.
#include "core/core_plugins.hpp"
#include "handlers/order_handlers.hpp"
#include "handlers/request_support.hpp"
#include "log/logger.hpp"
#include "orders/sdk/contract.hpp"

namespace orders::host::handlers {

namespace {
sdk::InboundMessage inbound(const http::Request &req) {
  sdk::InboundMessage m;
  m.source = "webhook";
  m.headers = req.headers;
  return m;
}

Json::Value answer(const std::string &status, const std::optional<std::string> &order_id = std::nullopt) {
  Json::Value out(Json::objectValue);
  out["status"] = status;
  if (order_id) out["orderId"] = *order_id;
  return out;
}
} // namespace

http::Response paymentWebhook(app::AppContext &ctx, http::Request &req) {
  plugins::PluginInstance *p = ctx.plugins->find("payment", req.param("instance"));
  if (p == nullptr) throw http::ApiError("not_found", "no payment instance " + req.param("instance"));
  auto parsed = core::parsePaymentWebhook(*p, inbound(req), req.body);
  if (!parsed.ok()) raise(parsed.error());
  if (parsed->outcome != sdk::wireName(sdk::EventOutcome::event) || !parsed->event)
    return http::Response::json(200, answer("ignored: " + parsed->reason.value_or("not for this service")));
  sdk::PaymentEvent event = *parsed->event;
  if (event.source.empty()) event.source = p->id();
  auto applied = ctx.core->payments().apply(event, "payment:" + p->id(), p->id());
  if (!applied.ok()) raise(applied.error());
  if (applied->outcome == "unknown_order" || applied->outcome == "unknown_payment") // non-2xx: delivered again later
    throw http::ApiError("not_found", "no order for payment event " + event.eventId + " (yet)");
  return http::Response::json(200, answer(applied->outcome, applied->order_id));
}

http::Response shippingWebhook(app::AppContext &ctx, http::Request &req) {
  plugins::PluginInstance *p = ctx.plugins->find("shipping", req.param("instance"));
  if (p == nullptr) throw http::ApiError("not_found", "no shipping instance " + req.param("instance"));
  auto parsed = core::parseShippingWebhook(*p, inbound(req), req.body);
  if (!parsed.ok()) raise(parsed.error());
  if (parsed->outcome != sdk::wireName(sdk::EventOutcome::event)) return http::Response::json(200, answer("ignored"));
  auto applied = ctx.core->orders().applyShipmentUpdate(p->id(), parsed.value());
  if (!applied.ok()) raise(applied.error());
  return http::Response::json(200, answer(core::statusName(applied->order.status), applied->order.id));
}

} // namespace orders::host::handlers
