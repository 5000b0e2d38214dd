// POST /api/orders (buyer checkout) and POST /internal/orders (a service
// creating the order for a user from cart data).
#include "domain/order.hpp"
#include "handlers/order_handlers.hpp"
#include "handlers/request_support.hpp"
#include "http/api_schemas.hpp"
#include "http/json_body.hpp"
#include "plugins/host_services.hpp"

namespace orders::host::handlers {

namespace {

core::CheckoutRequest requestFrom(const Json::Value &body, const std::string &user_id,
                                  std::optional<std::string> email) {
  core::CheckoutRequest r;
  r.user_id = user_id;
  r.email = std::move(email);
  for (const Json::Value &item : body["items"]) {
    core::CheckoutLine line;
    line.product_id = item["productId"].asString();
    if (item.isMember("variantId")) line.variant_id = item["variantId"].asString();
    line.quantity = item["quantity"].asInt64();
    if (item.isMember("reservationId")) line.reservation_id = item["reservationId"].asString();
    r.items.push_back(std::move(line));
  }
  r.shipping_address = body.isMember("shippingAddress") ? body["shippingAddress"] : Json::Value(Json::nullValue);
  r.customer = body.isMember("customer") ? body["customer"] : Json::Value(Json::nullValue);
  r.billing_address = body.isMember("billingAddress") ? body["billingAddress"] : Json::Value(Json::nullValue);
  r.metadata = body.isMember("metadata") ? body["metadata"] : Json::Value(Json::nullValue);
  r.pay_later = body["payLater"].asBool();
  if (r.customer.isObject() && r.customer["email"].isString() && !r.email) r.email = r.customer["email"].asString();
  return r;
}

// 201 with what a checkout created.
http::Response created(const core::CheckoutOutcome &outcome) {
  Json::Value out(Json::objectValue);
  out["checkoutId"] = outcome.checkout_id;
  Json::Value orders(Json::arrayValue);
  for (size_t i = 0; i < outcome.orders.size(); ++i)
    orders.append(orderViewJson(core::OrderView{outcome.orders[i], outcome.payments[i], outcome.shipments[i]}));
  out["orders"] = orders;
  return http::Response::json(201, out);
}

http::Response run(app::AppContext &ctx, const http::Request &req, const auth::Principal &p, const Json::Value &body,
                   const core::CheckoutRequest &request) {
  auto work = [&](const std::string &checkout_id) {
    bool in_doubt = false;
    auto outcome = ctx.core->checkout().checkout(request, checkout_id, &in_doubt);
    if (!outcome.ok() && in_doubt)
      throw OutcomeInDoubt("unavailable", outcome.error().message +
                                              " (the checkout may have completed; retry with the same "
                                              "Idempotency-Key to receive its orders)");
    if (!outcome.ok()) raise(outcome.error());
    if (!outcome->shortages.empty()) {
      std::vector<http::FieldError> errors;
      std::string detail = "out of stock:";
      for (const auto &s : outcome->shortages) {
        const std::string name = s.productId + (s.variantId ? "/" + *s.variantId : "");
        std::string pointer = "/items"; // lines taken from the cart have no index in the body
        for (Json::ArrayIndex i = 0; i < body["items"].size(); ++i) {
          const Json::Value &item = body["items"][i];
          if (item["productId"].asString() == s.productId &&
              (!s.variantId || item["variantId"].asString() == *s.variantId)) {
            pointer = "/items/" + std::to_string(i);
            break;
          }
        }
        errors.push_back({pointer, name + ": requested " + std::to_string(s.requested) + ", available " +
                                       std::to_string(s.available)});
        detail += " " + name + " (requested " + std::to_string(s.requested) + ", available " +
                  std::to_string(s.available) + ")";
      }
      http::ApiError e("out_of_stock", detail, errors);
      http::Response r = http::Response::json(409, http::problemJson(e, req.path, req.request_id));
      r.content_type = "application/problem+json";
      return r;
    }
    return created(*outcome);
  };
  // A retry whose key is still in progress: the earlier checkout finished
  // (answer what it created), was undone (run again) or is still running.
  auto recover = [&](const std::string &checkout_id, int64_t age_ms) {
    Earlier e;
    auto earlier = ctx.core->checkout().earlier(checkout_id);
    using State = core::CheckoutService::Earlier::State;
    if (earlier.state == State::completed && !earlier.outcome->orders.empty()) {
      e.kind = Earlier::Kind::done;
      e.response = created(*earlier.outcome);
    } else if (earlier.state == State::undone ||
               (earlier.state == State::unknown && age_ms > ctx.core->checkout().options().lease_ms)) {
      // Unknown and older than a checkout's lease: its owner died before
      // writing anything (a live one writes the checkout first thing).
      e.kind = Earlier::Kind::undone;
    }
    return e;
  };
  // Every plugin call of this checkout shares one deadline, and none starts
  // once the client has closed its connection (compensation runs outside).
  plugins::CallBudget budget(std::chrono::steady_clock::now() +
                                 std::chrono::milliseconds(ctx.core->checkout().options().budget_ms),
                             req.client_gone);
  return idempotentCreate(ctx, req, p, &body, ctx.core->requireIdempotencyKey(), work, recover);
}

} // namespace

http::Response checkout(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  requireRole(p, {auth::Role::buyer, auth::Role::admin});
  const Json::Value body = http::parseJsonBody(req, &http::apiSchema("checkout.request"));
  return run(ctx, req, p, body, requestFrom(body, p.subject, p.email));
}

http::Response internalCreateOrder(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  requireRole(p, {auth::Role::internal, auth::Role::admin});
  const Json::Value body = http::parseJsonBody(req, &http::apiSchema("internal-order.request"));
  std::optional<std::string> email;
  if (body["email"].isString()) email = body["email"].asString();
  core::CheckoutRequest request = requestFrom(body, body["userId"].asString(), email);
  // Lines priced by the caller (seed 000's cart): only when the deployment trusts its internal callers.
  for (Json::ArrayIndex i = 0; i < body["items"].size(); ++i) {
    const Json::Value &item = body["items"][i];
    if (!item.isMember("unitPriceMinor")) continue;
    const std::string at = "/items/" + std::to_string(i);
    if (!ctx.core->trustInternalPrices())
      throw http::ApiError("invalid_argument",
                           at + "/unitPriceMinor: prices from callers are not accepted here "
                                "(checkout.trust_internal_prices is false)",
                           {{at + "/unitPriceMinor", "not accepted"}});
    if (!item["currency"].isString())
      throw http::ApiError("invalid_argument", at + "/currency: required with unitPriceMinor",
                           {{at + "/currency", "required with unitPriceMinor"}});
    sdk::Product product;
    product.productId = item["productId"].asString();
    if (item.isMember("variantId")) product.variantId = item["variantId"].asString();
    product.title = item["title"].isString() ? item["title"].asString() : product.productId;
    product.unitPrice = sdk::Money{item["unitPriceMinor"].asInt64(), item["currency"].asString()};
    if (item["sellerId"].isString() && !item["sellerId"].asString().empty())
      product.sellerId = item["sellerId"].asString();
    request.items[i].priced = std::move(product);
  }
  return run(ctx, req, p, body, request);
}

} // namespace orders::host::handlers
