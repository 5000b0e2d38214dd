// dialect/express-orders: the Express order service of seed 001 over the
// order core.
//
// The seed document is the whole contract (no upstream source was found):
// /api/v1/orders create, get, per user, process payment, update status and
// cancel; GET /health; nine status words (pending, payment_pending,
// payment_failed, confirmed, processing, shipped, delivered, cancelled,
// refunded); create first, pay in a second call (pending -> payment_pending
// -> confirmed | payment_failed, the stock released on failure); the cart
// cleared after create; seven order.* events. Bodies are read leniently
// (unknown members ignored), answers are the order in the service's words,
// errors {"error": "..."}. The work is the core's (Host::core with the
// request's callId).
#include <algorithm>

#include "express_shapes.hpp"
#include "json_numbers.hpp"
#include "lenient_address.hpp"
#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_dialect_express_orders_config_schema.hpp"

namespace orders::plugins::dialect::express_orders {

using namespace orders::sdk;

namespace {

struct ExpressConfig {
  std::map<std::string, std::string> status_from_core;
  std::map<std::string, std::string> status_to_core;
  std::string money = "major";
  bool pay_later = true;
  std::string service_name = "order-service";
  int64_t list_max_limit = 100;
  template <class V> void visit(V &v) {
    v("status_from_core", status_from_core);
    v("status_to_core", status_to_core);
    v("money", money);
    v("pay_later", pay_later);
    v("service_name", service_name);
    v("list_max_limit", list_max_limit);
  }
};

class ExpressOrdersDialect final : public Dialect {
public:
  static Result<std::unique_ptr<ExpressOrdersDialect>> create(PluginContext ctx) {
    auto config = decode<ExpressConfig>(writeJson(ctx.config));
    if (!config.ok()) return config.error();
    ExpressConfig c = std::move(config).value();
    if (c.status_from_core.empty() || c.status_to_core.empty())
      return invalidArgument("status_from_core and status_to_core must not be empty");
    if (c.money != "major" && c.money != "minor") return invalidArgument("money: expected major or minor");
    return std::unique_ptr<ExpressOrdersDialect>(new ExpressOrdersDialect(ctx.host, std::move(c)));
  }

  Result<DialectSpec> spec() override {
    DialectSpec s;
    s.routes = {
        {"GET", "/health", "none", {}},
        {"POST", "/api/v1/orders", "user", {"idempotency-key"}},
        {"GET", "/api/v1/orders/user/:userId", "user", {}},
        {"GET", "/api/v1/orders/:orderId", "user", {}},
        {"POST", "/api/v1/orders/:orderId/payment", "user", {"idempotency-key"}},
        {"PUT", "/api/v1/orders/:orderId/status", "user", {}},
        {"POST", "/api/v1/orders/:orderId/cancel", "user", {}},
    };
    s.eventFormats = {"order_lifecycle"};
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &r, std::string_view body) override {
    if (r.route == "/health") {
      Json::Value h(Json::objectValue);
      h["status"] = "healthy";
      h["service"] = config_.service_name;
      return reply(200, h);
    }
    if (r.authError)
      return error(401, r.authError->find("required") != std::string::npos ? "Authentication required"
                                                                           : "Invalid or expired token");
    Json::Value b(Json::objectValue);
    if (r.method != "GET" && !body.empty()) {
      try {
        b = parseJson(body);
      } catch (const std::exception &) {
        return error(400, "Invalid JSON body");
      }
      if (!b.isObject()) return error(400, "Request body must be a JSON object");
    }
    if (r.route == "/api/v1/orders") return createOrder(r, b);
    if (r.route == "/api/v1/orders/user/:userId") return listForUser(r);
    if (r.route == "/api/v1/orders/:orderId") return get(r);
    if (r.route == "/api/v1/orders/:orderId/payment") return pay(r, b);
    if (r.route == "/api/v1/orders/:orderId/status") return setStatus(r, b);
    return cancel(r, b);
  }

  // The seven order.* events (order.refunded reads order.status_changed; the
  // core's others have no message).
  Result<EncodedEvent> encodeEvent(const EventToEncode &e) override {
    if (e.format != "order_lifecycle") return invalidArgument("unknown format " + e.format);
    EncodedEvent out;
    const auto type = lifecycleType(e.type);
    if (!type) {
      out.publish = false;
      return out;
    }
    out.type = *type;
    out.key = e.event["data"]["id"].asString();
    out.value = writeJson(lifecycleEvent(words_, e.event, *type));
    return out;
  }

private:
  ExpressOrdersDialect(Host host, ExpressConfig config) : host_(host), config_(std::move(config)) {
    words_.from_core = config_.status_from_core;
    words_.major = config_.money == "major";
  }

  Result<CoreAnswer> core(const DialectRequest &r, const std::string &op, std::map<std::string, std::string> params,
                          const Json::Value *body = nullptr, std::map<std::string, std::string> query = {}) {
    return DialectCore(host_, r)(op, std::move(params), body, std::move(query));
  }

  DialectResponse answer(const Result<CoreAnswer> &a, int64_t status) {
    if (!a.ok()) return error(a.error().code == ErrorCode::unavailable ? 503 : 500, "Internal server error");
    if (!a->isSuccess()) return fromProblem(*a);
    return reply(status, orderOf(words_, a->json()));
  }

  // ---- POST /api/v1/orders ----------------------------------------------------
  DialectResponse createOrder(const DialectRequest &r, const Json::Value &b) {
    Json::Value c(Json::objectValue);
    if (b.isMember("items") && !b["items"].isNull()) {
      if (!b["items"].isArray() || b["items"].empty()) return error(400, "items must be a non-empty array");
      Json::Value items(Json::arrayValue);
      for (Json::ArrayIndex i = 0; i < b["items"].size(); ++i) {
        const Json::Value &in = b["items"][i];
        const std::string at = "items[" + std::to_string(i) + "]";
        const Json::Value &product = in.isMember("productId") ? in["productId"] : in["product_id"];
        if (!(product.isString() && !product.asString().empty()) && !orders::common::integerText(product))
          return error(400, at + ".productId is required");
        if (orders::common::int64Of(in["quantity"]).value_or(0) < 1)
          return error(400, at + ".quantity must be a positive integer");
        Json::Value line(Json::objectValue);
        line["productId"] = product.isString() ? product.asString() : *orders::common::integerText(product);
        const Json::Value &variant = in.isMember("variantId") ? in["variantId"] : in["variant_id"];
        if (variant.isString() && !variant.asString().empty()) line["variantId"] = variant;
        line["quantity"] = Json::Int64(*orders::common::int64Of(in["quantity"]));
        items.append(line);
      }
      c["items"] = items;
    }
    std::string why;
    for (auto [from, to] :
         {std::pair{"shippingAddress", "shippingAddress"}, std::pair{"billingAddress", "billingAddress"}})
      if (b.isMember(from) && !b[from].isNull()) {
        auto address = orders::common::lenientAddress(b[from], from, why);
        if (!address) return error(400, why);
        c[to] = *address;
      }
    Json::Value metadata(Json::objectValue);
    if (b["notes"].isString() && !b["notes"].asString().empty()) metadata["notes"] = b["notes"];
    if (b["paymentMethod"].isString()) metadata["paymentMethod"] = b["paymentMethod"];
    if (!metadata.empty()) c["metadata"] = metadata;
    if (config_.pay_later) c["payLater"] = true;
    // Admins and internal callers may create for a user; a buyer for itself.
    const bool on_behalf = r.principal && (r.principal->role == "admin" || r.principal->role == "internal") &&
                           b["userId"].isString() && !b["userId"].asString().empty();
    Result<CoreAnswer> created = sdk::internalError("not called");
    if (on_behalf) {
      c["userId"] = b["userId"];
      created = core(r, "createForUser", {}, &c);
    } else {
      created = core(r, "checkout", {}, &c);
    }
    if (!created.ok()) return error(500, "Internal server error");
    if (!created->isSuccess()) {
      const std::string why_not = detailOf(*created);
      if (created->status == 409 && why_not.find("out of stock") != std::string::npos)
        return error(409, "Insufficient inventory: " + why_not.substr(why_not.find(':') + 1));
      return fromProblem(*created);
    }
    const Json::Value orders = created->json()["orders"];
    if (orders.size() == 1) return reply(201, orderOf(words_, orders[0]));
    Json::Value all(Json::objectValue);
    all["orders"] = Json::Value(Json::arrayValue);
    for (const Json::Value &o : orders)
      all["orders"].append(orderOf(words_, o));
    return reply(201, all);
  }

  // ---- GET /api/v1/orders/user/:userId -------------------------------------
  DialectResponse listForUser(const DialectRequest &r) {
    const std::string user = pathParam(r, "userId");
    const bool privileged = r.principal && (r.principal->role == "admin" || r.principal->role == "internal");
    if (!privileged && (!r.principal || r.principal->subject != user))
      return error(403, "You can only view your own orders");
    const auto page = intQueryParam(r, "page", 1, 1, 100000);
    const auto limit = intQueryParam(r, "limit", 20, 1, config_.list_max_limit);
    if (!page) return error(400, "page must be a positive integer");
    if (!limit) return error(400, "limit must be between 1 and " + std::to_string(config_.list_max_limit));
    std::map<std::string, std::string> q{{"userId", user},
                                         {"limit", std::to_string(*limit)},
                                         {"offset", std::to_string((*page - 1) * *limit)},
                                         {"total", "true"}};
    if (auto it = r.queryParams.find("status"); it != r.queryParams.end() && !it->second.empty()) {
      auto to = config_.status_to_core.find(it->second);
      if (to == config_.status_to_core.end()) return error(400, "Invalid status: " + it->second);
      q["status"] = to->second;
    }
    auto listed = core(r, "list", {}, nullptr, q);
    if (!listed.ok()) return error(500, "Internal server error");
    if (!listed->isSuccess()) return fromProblem(*listed);
    const Json::Value rows = listed->json();
    Json::Value orders(Json::arrayValue);
    for (const Json::Value &o : rows["items"])
      orders.append(orderOf(words_, o));
    Json::Value out(Json::objectValue);
    out["orders"] = orders;
    out["pagination"]["page"] = static_cast<Json::Int64>(*page);
    out["pagination"]["limit"] = static_cast<Json::Int64>(*limit);
    out["pagination"]["total"] = rows["total"];
    return reply(200, out);
  }

  // ---- GET /api/v1/orders/:orderId -----------------------------------------
  DialectResponse get(const DialectRequest &r) {
    return answer(core(r, "get", {{"id", pathParam(r, "orderId")}}), 200);
  }

  // ---- POST /api/v1/orders/:orderId/payment --------------------------------
  // pending -> payment_pending -> confirmed | payment_failed (stock
  // released); a payment_failed order may pay again.
  DialectResponse pay(const DialectRequest &r, const Json::Value &b) {
    const std::string id = pathParam(r, "orderId");
    auto current = core(r, "get", {{"id", id}});
    if (!current.ok()) return error(500, "Internal server error");
    if (!current->isSuccess()) return fromProblem(*current);
    const std::string status = current->json()["status"].asString();
    if (status != "pending" && status != "payment_failed")
      return error(409, "Order cannot be paid in status " + word(words_, status));
    Json::Value body(Json::objectValue);
    if (b["idempotencyKey"].isString()) body["idempotencyKey"] = b["idempotencyKey"];
    auto paid = core(r, "retryPayment", {{"id", id}}, &body);
    if (!paid.ok()) return error(500, "Internal server error");
    if (!paid->isSuccess()) {
      if (paid->status == 409 && detailOf(*paid).find("out of stock") != std::string::npos)
        return error(409, "Insufficient inventory to retry payment");
      return fromProblem(*paid);
    }
    // A provider that settles at once has decided already; read the outcome.
    auto after = core(r, "get", {{"id", id}});
    const Json::Value order = after.ok() && after->isSuccess() ? after->json() : paid->json();
    Json::Value out = orderOf(words_, order);
    if (order["status"].asString() == "payment_failed") {
      Json::Value failed(Json::objectValue);
      failed["error"] = "Payment failed";
      failed["order"] = out;
      return reply(402, failed);
    }
    if (order["payment"]["redirectUrl"].isString()) out["paymentUrl"] = order["payment"]["redirectUrl"];
    return reply(200, out);
  }

  // ---- PUT /api/v1/orders/:orderId/status ------------------------------------
  DialectResponse setStatus(const DialectRequest &r, const Json::Value &b) {
    if (!b["status"].isString() || b["status"].asString().empty()) return error(400, "status is required");
    auto to = config_.status_to_core.find(b["status"].asString());
    if (to == config_.status_to_core.end()) return error(400, "Invalid status: " + b["status"].asString());
    Json::Value c(Json::objectValue);
    c["newStatus"] = to->second;
    if (b["reason"].isString() && !b["reason"].asString().empty()) c["reason"] = b["reason"];
    auto changed = core(r, "setStatus", {{"id", pathParam(r, "orderId")}}, &c);
    if (changed.ok() && changed->status == 409) return error(409, "Invalid status transition: " + detailOf(*changed));
    return answer(changed, 200);
  }

  // ---- POST /api/v1/orders/:orderId/cancel ---------------------------------
  // Not once shipped or delivered; the core releases the stock and voids or
  // refunds the payment.
  DialectResponse cancel(const DialectRequest &r, const Json::Value &b) {
    const std::string id = pathParam(r, "orderId");
    auto current = core(r, "get", {{"id", id}});
    if (!current.ok()) return error(500, "Internal server error");
    if (!current->isSuccess()) return fromProblem(*current);
    const std::string status = current->json()["status"].asString();
    if (status == "shipped" || status == "delivered" || status == "completed" || status == "cancelled" ||
        status == "refunded")
      return error(400, "Order cannot be cancelled in status " + word(words_, status));
    Json::Value c(Json::objectValue);
    c["reason"] = b["reason"].isString() && !b["reason"].asString().empty() ? b["reason"].asString()
                                                                            : std::string("cancelled by the customer");
    return answer(core(r, "cancel", {{"id", id}}, &c), 200);
  }

  Host host_;
  ExpressConfig config_;
  Words words_;
};

} // namespace
} // namespace orders::plugins::dialect::express_orders

ORDERS_PLUGIN(orders::plugins::dialect::express_orders::ExpressOrdersDialect, "express-orders", "1.0.0",
              "The Express order service of seed 001 over the order core", kConfigSchema)
