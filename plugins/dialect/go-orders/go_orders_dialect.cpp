// dialect/go-orders: the Go order service of seed 000 over the order core.
//
// Upstream payments-platform/order-service (gin): POST /internal/orders as
// the cart service calls it (snake_case cart lines with their prices and
// soft reservations; answered {order_id, payment_id, client_secret,
// checkout_url}), GET /api/orders[/:id[/invoice]] for Auth0 buyers, sellers
// and admins, full and partial refunds for admins, /health, /api-docs, and
// the ORDER_CONFIRMED event. Errors are gin's {"error": "..."}. The work is
// the core's (Host::core with the request's callId).
#include <algorithm>
#include <cctype>
#include <set>

#include "go_orders_shapes.hpp"
#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_dialect_go_orders_config_schema.hpp"

namespace orders::plugins::dialect::go_orders {

using namespace orders::sdk;

namespace {

struct GoConfig {
  std::map<std::string, std::string> status_from_core;
  std::map<std::string, std::string> shipment_status_from_core;
  std::string checkout_url_template;
  int64_t list_max_page_size = 100;
  template <class V> void visit(V &v) {
    v("status_from_core", status_from_core);
    v("shipment_status_from_core", shipment_status_from_core);
    v("checkout_url_template", checkout_url_template);
    v("list_max_page_size", list_max_page_size);
  }
};

class GoOrdersDialect final : public Dialect {
public:
  static Result<std::unique_ptr<GoOrdersDialect>> create(PluginContext ctx) {
    auto config = decode<GoConfig>(writeJson(ctx.config));
    if (!config.ok()) return config.error();
    return std::unique_ptr<GoOrdersDialect>(new GoOrdersDialect(ctx.host, std::move(config).value()));
  }

  Result<DialectSpec> spec() override {
    DialectSpec s;
    s.routes = {
        {"GET", "/health", "none", {}},
        {"GET", "/api-docs", "none", {}},
        {"GET", "/api-docs/openapi.json", "none", {}},
        {"POST", "/internal/orders", "internal", {}},
        {"GET", "/api/orders", "user", {}},
        {"GET", "/api/orders/:id", "user", {}},
        {"GET", "/api/orders/:id/invoice", "user", {}},
        {"POST", "/api/orders/:id/refund", "user", {}},
        {"POST", "/api/orders/:id/partial-refund", "user", {}},
    };
    s.eventFormats = {"order_confirmed"};
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &r, std::string_view body) override {
    if (r.route == "/health") {
      Json::Value h(Json::objectValue);
      h["status"] = "healthy";
      return reply(200, h);
    }
    if (r.route == "/api-docs") return docsPage();
    if (r.route == "/api-docs/openapi.json") {
      DialectResponse spec_answer = reply(200, openApi());
      spec_answer.contentType = "application/json";
      return spec_answer;
    }
    if (r.authError) return unauthenticated(r);
    if (r.route == "/internal/orders") return createOrder(r, body);
    static const std::map<std::string, std::vector<std::string>> kAllowed = {
        {"/api/orders", {"BUYER", "ADMIN", "SELLER"}},
        {"/api/orders/:id", {"BUYER", "ADMIN", "SELLER"}},
        {"/api/orders/:id/invoice", {"BUYER", "ADMIN"}},
        {"/api/orders/:id/refund", {"ADMIN"}},
        {"/api/orders/:id/partial-refund", {"ADMIN"}}};
    const auto &allowed = kAllowed.at(r.route);
    const std::string type = accountType(r.principal);
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
      std::string list;
      for (const std::string &a : allowed)
        list += (list.empty() ? "" : " ") + a;
      return error(403, "Access denied. Account type '" + type + "' is not allowed. Required: [" + list + "]");
    }
    if (r.route == "/api/orders") return list(r);
    if (!isUuid(param(r, "id"))) return error(400, "invalid order ID");
    if (r.route == "/api/orders/:id") return get(r);
    if (r.route == "/api/orders/:id/invoice") return invoice(r);
    if (r.route == "/api/orders/:id/refund") return refund(r);
    return partialRefund(r, body);
  }

  // ORDER_CONFIRMED when an order is paid, keyed by the order id.
  Result<EncodedEvent> encodeEvent(const EventToEncode &e) override {
    if (e.format != "order_confirmed") return invalidArgument("unknown format " + e.format);
    EncodedEvent out;
    if (e.type != "order.paid") {
      out.publish = false;
      return out;
    }
    const Json::Value &d = e.event["data"];
    Json::Value v(Json::objectValue);
    v["eventId"] = e.event["id"];
    v["orderId"] = d["id"];
    v["buyerId"] = d["userId"];
    v["paymentId"] = d["paymentReference"].isString() ? d["paymentReference"] : Json::Value(Json::nullValue);
    v["totalCents"] = d["totalMinor"];
    v["currency"] = d["currency"];
    v["createdAt"] = goTime(e.event["occurredAt"].asString());
    v["type"] = "ORDER_CONFIRMED";
    out.type = "ORDER_CONFIRMED";
    out.key = d["id"].asString();
    out.value = writeJson(v);
    return out;
  }

private:
  GoOrdersDialect(Host host, GoConfig config) : host_(host), config_(std::move(config)) {}

  Result<CoreAnswer> core(const DialectRequest &r, const std::string &op, std::map<std::string, std::string> params,
                          std::map<std::string, std::string> query = {}, const Json::Value *body = nullptr) {
    return DialectCore(host_, r)(op, std::move(params), body, std::move(query));
  }

  // The two middlewares' own words (internal token; Auth0 JWT).
  DialectResponse unauthenticated(const DialectRequest &r) const {
    const std::string &why = *r.authError;
    if (why.find("signing keys unavailable") != std::string::npos) return error(500, "Failed to fetch JWKS");
    if (why == "credentials required") return error(401, "Missing Authorization header");
    if (r.route == "/internal/orders") return error(401, "Invalid internal API token");
    const std::string reason = why.rfind("jwt: ", 0) == 0 ? why.substr(5) : why;
    return error(401, "Invalid or expired JWT token: " + reason);
  }

  // When the order was paid (its history), for confirmed_at.
  std::optional<std::string> confirmedAt(const DialectRequest &r, const std::string &id) {
    auto history = core(r, "history", {{"id", id}});
    if (!history.ok() || !history->isSuccess()) {
      host_.warn("order " + id + ": history unavailable for confirmed_at: " +
                 (history.ok() ? std::to_string(history->status) + " " + history->body : history.error().message));
      return std::nullopt;
    }
    const Json::Value entries = history->json()["items"];
    for (const Json::Value &h : entries)
      if (h["toStatus"].asString() == "paid") return h["at"].asString();
    return std::nullopt;
  }

  // ---- POST /internal/orders (the cart service) -----------------------------
  DialectResponse createOrder(const DialectRequest &r, std::string_view raw) {
    Json::Value b;
    try {
      b = parseJson(raw);
    } catch (const std::exception &e) {
      return error(400, e.what());
    }
    if (!b.isObject()) return error(400, "json: cannot unmarshal into Go value of type api.CreateOrderRequest");
    auto required = [&](const char *field, const char *go_name) -> std::optional<DialectResponse> {
      const Json::Value &v = b[field];
      if (v.isNull() ||
          (v.isString() && (v.asString().empty() || v.asString() == "00000000-0000-0000-0000-000000000000")))
        return error(400, std::string("Key: 'CreateOrderRequest.") + go_name + "' Error:Field validation for '" +
                              go_name + "' failed on the 'required' tag");
      return std::nullopt;
    };
    for (auto [field, go_name] :
         {std::pair{"cart_id", "CartID"}, std::pair{"buyer_id", "BuyerID"}, std::pair{"items", "Items"}})
      if (auto refused = required(field, go_name)) return *refused;
    if (!b["cart_id"].isString() || !isUuid(b["cart_id"].asString()))
      return error(400, "invalid UUID length: " + std::to_string(b["cart_id"].asString().size()));
    if (!b["buyer_id"].isString())
      return error(400, "json: cannot unmarshal into Go struct field CreateOrderRequest.buyer_id of type string");
    if (!b["items"].isArray())
      return error(400, "json: cannot unmarshal into Go struct field CreateOrderRequest.items");

    Json::Value c(Json::objectValue);
    c["userId"] = b["buyer_id"];
    c["idempotencyKey"] = "cart:" + b["cart_id"].asString(); // a retried cart checkout gets the same order
    Json::Value items(Json::arrayValue);
    for (const Json::Value &i : b["items"]) {
      Json::Value line(Json::objectValue);
      line["productId"] = i["product_id"];
      line["quantity"] = i["quantity"];
      if (i["reservation_id"].isString()) line["reservationId"] = i["reservation_id"];
      line["unitPriceMinor"] = i["price_cents"];
      line["currency"] = i["currency"];
      if (i["seller_id"].isString() && !i["seller_id"].asString().empty()) line["sellerId"] = i["seller_id"];
      if (i["sku"].isString() && !i["sku"].asString().empty()) line["title"] = i["sku"];
      items.append(line);
    }
    c["items"] = items;
    auto answer = core(r, "createForUser", {}, {}, &c);
    if (!answer.ok()) return error(500, "failed to create order: " + answer.error().message);
    if (!answer->isSuccess())
      return error(answer->status == 400 ? 400 : 500, "failed to create order: " + detailOf(*answer));
    const Json::Value created = answer->json();
    const Json::Value &order = created["orders"][0];
    Json::Value out(Json::objectValue);
    out["order_id"] = order["id"];
    out["payment_id"] = order["payment"]["reference"];
    out["client_secret"] =
        order["payment"]["redirectUrl"].isString() ? order["payment"]["redirectUrl"] : Json::Value("");
    std::string url = config_.checkout_url_template;
    const std::string key = "{orderId}";
    for (size_t at = url.find(key); at != std::string::npos; at = url.find(key))
      url.replace(at, key.size(), order["id"].asString());
    out["checkout_url"] = url;
    return reply(201, out);
  }

  // ---- GET /api/orders --------------------------------------------------------
  DialectResponse list(const DialectRequest &r) {
    auto number = [&](const char *name, int64_t fallback, int64_t min, int64_t max) {
      auto it = r.queryParams.find(name);
      if (it == r.queryParams.end()) return fallback;
      try {
        size_t used = 0;
        const int64_t v = std::stoll(it->second, &used);
        return used == it->second.size() && v >= min && v <= max ? v : fallback; // upstream ignores bad values
      } catch (...) {
        return fallback;
      }
    };
    const int64_t page = number("page", 0, 0, 1000000);
    const int64_t size = number("page_size", 20, 1, config_.list_max_page_size);
    std::map<std::string, std::string> q{
        {"limit", std::to_string(size)}, {"offset", std::to_string(page * size)}, {"total", "true"}};
    const bool admin = r.principal && r.principal->role == "admin";
    if (admin) {
      if (auto it = r.queryParams.find("buyer_id"); it != r.queryParams.end() && !it->second.empty())
        q["userId"] = it->second;
      if (r.queryParams.count("buyer_email"))
        return error(400,
                     "buyer_email: filtering by e-mail needs the user service, which this order service does not call");
    }
    auto answer = core(r, "list", {}, q);
    if (!answer.ok()) return error(500, "failed to list orders: " + answer.error().message);
    if (!answer->isSuccess()) return error(500, "failed to list orders: " + detailOf(*answer));
    const Json::Value listed = answer->json();
    Json::Value orders(Json::arrayValue);
    for (const Json::Value &o : listed["items"]) {
      // The list rows carry no payment or shipments: the full view per order.
      auto full = core(r, "get", {{"id", o["id"].asString()}});
      if (!full.ok() || !full->isSuccess()) continue; // upstream skips an order it cannot load
      orders.append(
          orderResponse(full->json(), r.principal, config_.status_from_core, config_.shipment_status_from_core));
    }
    const int64_t total = listed["total"].asInt64();
    Json::Value out(Json::objectValue);
    out["orders"] = orders;
    out["total"] = static_cast<Json::Int64>(total);
    out["page"] = static_cast<Json::Int64>(page);
    out["page_size"] = static_cast<Json::Int64>(size);
    out["total_pages"] = static_cast<Json::Int64>((total + size - 1) / size);
    return reply(200, out);
  }

  // ---- GET /api/orders/:id ----------------------------------------------------
  DialectResponse get(const DialectRequest &r) {
    const std::string id = param(r, "id");
    auto answer = core(r, "get", {{"id", id}});
    if (!answer.ok() || !answer->isSuccess()) return error(404, "order not found");
    const Json::Value order = answer->json();
    std::optional<std::string> confirmed;
    if (order["status"].asString() != "pending" && order["status"].asString() != "awaiting_payment")
      confirmed = confirmedAt(r, id);
    return reply(
        200, orderResponse(order, r.principal, config_.status_from_core, config_.shipment_status_from_core, confirmed));
  }

  // ---- GET /api/orders/:id/invoice -------------------------------------------
  DialectResponse invoice(const DialectRequest &r) {
    const std::string id = param(r, "id");
    auto order = core(r, "get", {{"id", id}});
    if (!order.ok() || !order->isSuccess()) return error(404, "order not found");
    if (word(config_.status_from_core, order->json()["status"].asString()) != "CONFIRMED" ||
        order->json()["status"].asString() == "refunded")
      return error(400, "invoice only available for confirmed orders");
    auto doc = core(r, "invoice", {{"id", id}});
    if (!doc.ok() || !doc->isSuccess()) return error(500, "failed to generate invoice");
    DialectResponse pdf;
    pdf.status = 200;
    pdf.contentType = doc->header("content-type").empty() ? "application/pdf" : doc->header("content-type");
    pdf.headers["Content-Disposition"] = "attachment; filename=invoice-" + id + ".pdf";
    pdf.body = std::move(doc->body);
    return pdf;
  }

  // ---- POST /api/orders/:id/refund -------------------------------------------
  DialectResponse refund(const DialectRequest &r) {
    const std::string id = param(r, "id");
    auto order = core(r, "get", {{"id", id}});
    if (!order.ok() || !order->isSuccess()) return error(400, "order not found: " + id);
    const Json::Value o = order->json();
    if (o["status"].asString() == "refunded") return error(400, "order is already fully refunded");
    if (o["status"].asString() != "paid") return error(400, "only confirmed orders can be refunded");
    if (!o["payment"].isObject() || !o["payment"]["reference"].isString()) return error(400, "order has no payment ID");
    Json::Value c(Json::objectValue);
    c["newStatus"] = "refunded";
    c["reason"] = "full refund by " + r.principal->subject;
    auto answer = core(r, "setStatus", {{"id", id}}, {}, &c);
    if (!answer.ok()) return error(400, "failed to create full refund: " + answer.error().message);
    if (!answer->isSuccess()) return error(400, "failed to create full refund: " + detailOf(*answer));
    Json::Value out(Json::objectValue);
    out["message"] = "Full refund created successfully";
    return reply(201, out);
  }

  DialectResponse partialRefund(const DialectRequest &, std::string_view raw) {
    Json::Value b;
    try {
      b = parseJson(raw);
    } catch (const std::exception &e) {
      return error(400, e.what());
    }
    if (!b["orderItemsToRefund"].isArray())
      return error(400, "Key: 'PartialRefundRequest.OrderItemsToRefund' Error:Field validation for "
                        "'OrderItemsToRefund' failed on the 'required' tag");
    if (b["orderItemsToRefund"].empty()) return error(400, "no items to refund");
    return error(501, "partial refunds are not supported by this order service yet (whole-order refunds are)");
  }

  DialectResponse docsPage() const {
    DialectResponse r;
    r.status = 200;
    r.contentType = "text/html; charset=utf-8";
    r.body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Order Service API</title></head><body>"
             "<h1>Order Service API</h1><p>The machine-readable description is at "
             "<a href=\"/api-docs/openapi.json\">/api-docs/openapi.json</a>.</p></body></html>\n";
    return r;
  }

  Json::Value openApi() {
    Json::Value doc(Json::objectValue);
    doc["openapi"] = "3.0.3";
    doc["info"]["title"] = "Order Service API";
    doc["info"]["version"] = "1.0.0";
    auto s = spec();
    for (const DialectRoute &route : s->routes) {
      std::string path = route.path;
      const std::string key = ":id";
      if (auto at = path.find(key); at != std::string::npos) path.replace(at, key.size(), "{id}");
      std::string method = route.method;
      std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
      Json::Value op(Json::objectValue);
      op["summary"] = route.method + " " + route.path;
      op["responses"]["200"]["description"] = "OK";
      op["responses"]["400"]["description"] = "{\"error\": \"...\"}";
      doc["paths"][path][method] = op;
    }
    return doc;
  }

  Host host_;
  GoConfig config_;
};

} // namespace
} // namespace orders::plugins::dialect::go_orders

ORDERS_PLUGIN(orders::plugins::dialect::go_orders::GoOrdersDialect, "go-orders", "1.0.0",
              "The Go order service of seed 000 over the order core", kConfigSchema)
