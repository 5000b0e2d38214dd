// dialect/coffee-orders: the OkButFirstCoffee order service of seed 003 over
// the order core.
//
// The seed is conceptual (no upstream source): POST /orders with cart items,
// shipping and billing information; GET /orders (admins all, a user its
// own); GET /orders/{orderId}; PUT /orders/{orderId}/status by admins;
// POST /orders/{orderId}/payment to initiate a payment (the provider
// configured: Stripe or PayPal) or confirm it when the buyer comes back. The
// order is created first and paid second (create now, pay later); product
// and merch stock are separate owners (checkout.inventory_routes). Events:
// OrderCreated and PaymentSuccessful. Errors {"message", "errors"?}. The
// work is the core's (Host::core with the request's callId).
#include <set>

#include "coffee_shapes.hpp"
#include "json_numbers.hpp"
#include "lenient_address.hpp"
#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_dialect_coffee_orders_config_schema.hpp"

namespace orders::plugins::dialect::coffee_orders {

using namespace orders::sdk;

namespace {

struct CoffeeConfig {
  std::string money = "major";
  std::string payment_provider;
  std::string service_name = "order-service";
  int64_t list_max_limit = 50;
  template <class V> void visit(V &v) {
    v("money", money);
    v("payment_provider", payment_provider);
    v("service_name", service_name);
    v("list_max_limit", list_max_limit);
  }
};

const std::set<std::string> kStatuses = {"pending",   "paid",      "processing", "shipped",
                                         "delivered", "cancelled", "refunded"};

class CoffeeOrdersDialect final : public Dialect {
public:
  static Result<std::unique_ptr<CoffeeOrdersDialect>> create(PluginContext ctx) {
    auto config = decode<CoffeeConfig>(writeJson(ctx.config));
    if (!config.ok()) return config.error();
    if (config->money != "major" && config->money != "minor") return invalidArgument("money: expected major or minor");
    return std::unique_ptr<CoffeeOrdersDialect>(new CoffeeOrdersDialect(ctx.host, std::move(config).value()));
  }

  Result<DialectSpec> spec() override {
    DialectSpec s;
    s.routes = {
        {"GET", "/health", "none", {}},
        {"POST", "/orders", "user", {"idempotency-key"}},
        {"GET", "/orders", "user", {}},
        {"GET", "/orders/:orderId", "user", {}},
        {"PUT", "/orders/:orderId/status", "user", {}},
        {"POST", "/orders/:orderId/payment", "user", {"idempotency-key"}},
    };
    s.eventFormats = {"order_events"};
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &r, std::string_view body) override {
    if (r.route == "/health") {
      Json::Value h(Json::objectValue);
      h["status"] = "ok";
      h["service"] = config_.service_name;
      return reply(200, h);
    }
    if (r.authError) return failure(401, "Unauthorized");
    Json::Value b(Json::objectValue);
    if (r.method != "GET" && !body.empty()) {
      try {
        b = parseJson(body);
      } catch (const std::exception &) {
        return failure(400, "Malformed JSON body");
      }
      if (!b.isObject()) return failure(400, "The body must be a JSON object");
    }
    const Json::Value &given = b;
    if (r.route == "/orders") return r.method == "POST" ? createOrder(r, given) : list(r);
    if (r.route == "/orders/:orderId") return answer(core(r, "get", {{"id", pathParam(r, "orderId")}}), 200);
    if (r.route == "/orders/:orderId/status") return setStatus(r, given);
    return payment(r, given);
  }

  // OrderCreated and PaymentSuccessful; the other canonical events have no
  // message here.
  Result<EncodedEvent> encodeEvent(const EventToEncode &e) override {
    if (e.format != "order_events") return invalidArgument("unknown format " + e.format);
    EncodedEvent out;
    auto message = eventOf(major_, e.event);
    if (!message) {
      out.publish = false;
      return out;
    }
    out.type = (*message)["event"].asString();
    out.key = e.event["data"]["id"].asString();
    out.value = writeJson(*message);
    return out;
  }

private:
  CoffeeOrdersDialect(Host host, CoffeeConfig config)
      : host_(host), config_(std::move(config)), major_(config_.money == "major") {}

  Result<CoreAnswer> core(const DialectRequest &r, const std::string &op, std::map<std::string, std::string> params,
                          const Json::Value *body = nullptr, std::map<std::string, std::string> query = {}) {
    return DialectCore(host_, r)(op, std::move(params), body, std::move(query));
  }

  DialectResponse answer(const Result<CoreAnswer> &a, int64_t status) {
    if (!a.ok()) return failure(a.error().code == ErrorCode::unavailable ? 503 : 500, "Internal server error");
    if (!a->isSuccess()) return fromProblem(*a);
    return reply(status, orderOf(major_, config_.payment_provider, a->json()));
  }

  // ---- POST /orders ---------------------------------------------------------
  DialectResponse createOrder(const DialectRequest &r, const Json::Value &b) {
    Json::Value errors(Json::arrayValue);
    auto field = [&](const std::string &name, const std::string &message) {
      Json::Value e(Json::objectValue);
      e["field"] = name;
      e["message"] = message;
      errors.append(e);
    };
    Json::Value c(Json::objectValue);
    const Json::Value &items = b["items"];
    if (!items.isArray() || items.empty()) {
      field("items", "at least one item is required");
    } else {
      Json::Value lines(Json::arrayValue);
      for (Json::ArrayIndex i = 0; i < items.size(); ++i) {
        const Json::Value &in = items[i];
        const std::string at = "items[" + std::to_string(i) + "]";
        const Json::Value &product = in["productId"];
        if (!(product.isString() && !product.asString().empty()) && !orders::common::integerText(product))
          field(at + ".productId", "is required");
        if (orders::common::int64Of(in["quantity"]).value_or(0) < 1)
          field(at + ".quantity", "must be a positive integer");
        if (!errors.empty()) continue;
        Json::Value line(Json::objectValue);
        line["productId"] = product.isString() ? product.asString() : *orders::common::integerText(product);
        if (in["variantId"].isString() && !in["variantId"].asString().empty()) line["variantId"] = in["variantId"];
        line["quantity"] = Json::Int64(*orders::common::int64Of(in["quantity"]));
        lines.append(line);
      }
      c["items"] = lines;
    }
    // Shipping info, and the billing info (its address; "billing" or "billingAddress").
    std::string why;
    if (!b.isMember("shippingAddress")) {
      field("shippingAddress", "is required");
    } else if (auto address = orders::common::lenientAddress(b["shippingAddress"], "shippingAddress", why)) {
      c["shippingAddress"] = *address;
    } else {
      field("shippingAddress", why);
    }
    const Json::Value &billing = b.isMember("billingAddress")                                  ? b["billingAddress"]
                                 : b["billing"].isObject() && b["billing"].isMember("address") ? b["billing"]["address"]
                                                                                               : b["billing"];
    if (!billing.isNull()) {
      if (auto address = orders::common::lenientAddress(billing, "billingAddress", why))
        c["billingAddress"] = *address;
      else
        field("billingAddress", why);
    }
    if (b["customer"].isObject()) {
      Json::Value customer(Json::objectValue);
      for (const char *k : {"name", "email", "phone"})
        if (b["customer"][k].isString() && !b["customer"][k].asString().empty()) customer[k] = b["customer"][k];
      if (!customer.empty()) c["customer"] = customer;
    }
    if (b["notes"].isString() && !b["notes"].asString().empty()) c["metadata"]["notes"] = b["notes"];
    if (!errors.empty()) return failure(400, "Validation failed", errors);
    c["payLater"] = true; // created now; POST /orders/{id}/payment pays
    auto created = core(r, "checkout", {}, &c);
    if (!created.ok()) return failure(500, "Internal server error");
    if (!created->isSuccess()) return fromProblem(*created);
    const Json::Value orders = created->json()["orders"];
    if (orders.size() == 1) return reply(201, orderOf(major_, config_.payment_provider, orders[0]));
    Json::Value all(Json::objectValue);
    all["orders"] = Json::Value(Json::arrayValue);
    for (const Json::Value &o : orders)
      all["orders"].append(orderOf(major_, config_.payment_provider, o));
    return reply(201, all);
  }

  // ---- GET /orders: admins see every order, a user its own -------------------
  DialectResponse list(const DialectRequest &r) {
    const auto page = intQueryParam(r, "page", 1, 1, 100000);
    const auto limit = intQueryParam(r, "limit", 20, 1, config_.list_max_limit);
    if (!page) return failure(400, "page must be a positive integer");
    if (!limit) return failure(400, "limit must be between 1 and " + std::to_string(config_.list_max_limit));
    std::map<std::string, std::string> q{
        {"limit", std::to_string(*limit)}, {"offset", std::to_string((*page - 1) * *limit)}, {"total", "true"}};
    if (auto it = r.queryParams.find("status"); it != r.queryParams.end() && !it->second.empty()) {
      if (!kStatuses.count(it->second)) return failure(400, "Unknown status: " + it->second);
      q["status"] = it->second;
    }
    const bool admin = r.principal && r.principal->role == "admin";
    if (admin)
      if (auto it = r.queryParams.find("userId"); it != r.queryParams.end() && !it->second.empty())
        q["userId"] = it->second;
    auto listed = core(r, "list", {}, nullptr, q);
    if (!listed.ok()) return failure(500, "Internal server error");
    if (!listed->isSuccess()) return fromProblem(*listed);
    const Json::Value rows = listed->json();
    Json::Value out(Json::objectValue);
    out["orders"] = Json::Value(Json::arrayValue);
    for (const Json::Value &o : rows["items"])
      out["orders"].append(orderOf(major_, config_.payment_provider, o));
    out["page"] = static_cast<Json::Int64>(*page);
    out["limit"] = static_cast<Json::Int64>(*limit);
    out["total"] = rows["total"];
    return reply(200, out);
  }

  // ---- PUT /orders/{orderId}/status (admins) --------------------------------
  DialectResponse setStatus(const DialectRequest &r, const Json::Value &b) {
    if (!b["status"].isString() || b["status"].asString().empty()) return failure(400, "status is required");
    const std::string status = b["status"].asString();
    if (!kStatuses.count(status)) return failure(400, "Unknown status: " + status);
    Json::Value c(Json::objectValue);
    c["newStatus"] = status;
    if (b["reason"].isString() && !b["reason"].asString().empty()) c["reason"] = b["reason"];
    return answer(core(r, "setStatus", {{"id", pathParam(r, "orderId")}}, &c), 200);
  }

  // ---- POST /orders/{orderId}/payment {action: initiate | confirm} -----------
  // initiate: the provider's payment (Stripe PaymentIntent, PayPal order)
  // with what the client needs to pay (client secret / approval URL);
  // confirm: the provider is asked now and a settled payment applied.
  DialectResponse payment(const DialectRequest &r, const Json::Value &b) {
    const std::string action = b["action"].isString() ? b["action"].asString() : "initiate";
    const std::string id = pathParam(r, "orderId");
    if (action == "confirm") return answer(core(r, "refreshPayment", {{"id", id}}), 200);
    if (action != "initiate") return failure(400, "action must be initiate or confirm");
    Json::Value body(Json::objectValue);
    if (b["idempotencyKey"].isString()) body["idempotencyKey"] = b["idempotencyKey"];
    auto started = core(r, "retryPayment", {{"id", id}}, &body);
    if (started.ok() && started->status == 409)
      return failure(409, "Payment cannot be initiated: " + detailOf(*started));
    return answer(started, 200);
  }

  Host host_;
  CoffeeConfig config_;
  bool major_ = true;
};

} // namespace
} // namespace orders::plugins::dialect::coffee_orders

ORDERS_PLUGIN(orders::plugins::dialect::coffee_orders::CoffeeOrdersDialect, "coffee-orders", "1.0.0",
              "The OkButFirstCoffee order service of seed 003 over the order core", kConfigSchema)
