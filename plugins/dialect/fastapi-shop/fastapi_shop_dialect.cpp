// dialect/fastapi-shop: the FastAPI order service of seed 002 over the order
// core.
//
// Upstream hydramod/ecommerce-microservices-docker services/order: POST
// /order/v1/orders/checkout (the buyer's access JWT, a flat snake_case
// shipping address; the cart comes from Redis) answered 200 {order_id,
// status, total_cents, currency}; GET /order/v1/orders/{order_id} by integer
// id, without credentials upstream (auth group `read`: the deployment says
// "public" or not); /health, /order/health, /v1/_info. Errors are FastAPI's
// {"detail": ...}, bad bodies pydantic's 422. It publishes order.created on
// order.events and reads payment.succeeded from payment.events
// (parseEvent); the work is the core's (Host::core with the request's
// callId).
#include <set>

#include "fastapi_shapes.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_dialect_fastapi_shop_config_schema.hpp"

namespace orders::plugins::dialect::fastapi_shop {

using namespace orders::sdk;

namespace {

struct ShopConfig {
  std::map<std::string, std::string> status_from_core;
  std::string service_name = "order";
  std::string service_version = "0.1.0";
  bool numeric_product_ids = true;
  std::string payment_currency = "USD";
  std::map<std::string, std::string> payment_types;
  template <class V> void visit(V &v) {
    v("status_from_core", status_from_core);
    v("service_name", service_name);
    v("service_version", service_version);
    v("numeric_product_ids", numeric_product_ids);
    v("payment_currency", payment_currency);
    v("payment_types", payment_types);
  }
};

const std::map<std::string, std::string> kStatusDefaults = {
    {"pending", "CREATED"},     {"awaiting_payment", "CREATED"}, {"payment_failed", "PAYMENT_FAILED"},
    {"paid", "PAID"},           {"processing", "PROCESSING"},    {"shipped", "SHIPPED"},
    {"delivered", "DELIVERED"}, {"completed", "COMPLETED"},      {"cancelled", "CANCELLED"},
    {"refunded", "REFUNDED"}};

// The body's fields in pydantic's order (ShippingAddress).
const char *const kAddressFields[] = {"address_line1", "address_line2", "city", "country", "postcode"};

class FastApiShopDialect final : public Dialect {
public:
  static Result<std::unique_ptr<FastApiShopDialect>> create(PluginContext ctx) {
    auto config = decode<ShopConfig>(writeJson(ctx.config));
    if (!config.ok()) return config.error();
    ShopConfig c = std::move(config).value();
    if (c.status_from_core.empty()) c.status_from_core = kStatusDefaults;
    if (c.payment_types.empty())
      c.payment_types = {{"payment.succeeded", wireName(PaymentEventType::paid)},
                         {"payment.failed", wireName(PaymentEventType::failed)}};
    return std::unique_ptr<FastApiShopDialect>(new FastApiShopDialect(ctx.host, std::move(c)));
  }

  Result<DialectSpec> spec() override {
    DialectSpec s;
    s.routes = {
        {"GET", "/health", "none", {}},
        {"GET", "/order/health", "none", {}},
        {"GET", "/v1/_info", "none", {}},
        {"POST", "/order/v1/orders/checkout", "user", {}},
        {"GET", "/order/v1/orders/:order_id", "read", {}},
    };
    s.eventFormats = {"order_created"};
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &r, std::string_view body) override {
    if (r.route == "/health" || r.route == "/order/health") return reply(200, PyObject{{"status", Json::Value("ok")}});
    if (r.route == "/v1/_info")
      return reply(200, PyObject{{"service", Json::Value(config_.service_name)},
                                 {"version", Json::Value(config_.service_version)}});
    if (r.authError) return unauthenticated(*r.authError);
    if (r.route == "/order/v1/orders/checkout") return checkout(r, body);
    return get(r);
  }

  // order.created as upstream sends it (key: the order id as text); other
  // canonical events have no message in this format.
  Result<EncodedEvent> encodeEvent(const EventToEncode &e) override {
    if (e.format != "order_created") return invalidArgument("unknown format " + e.format);
    EncodedEvent out;
    if (e.type != "order.created") {
      out.publish = false;
      return out;
    }
    const Json::Value &d = e.event["data"];
    if (!d["numericId"].isIntegral())
      return invalidArgument("order " + d["id"].asString() + " has no numericId (migration 0008 not applied?)");
    PyList items;
    for (const Json::Value &i : d["items"])
      items.emplace_back(PyObject{{"product_id", productId(i["productId"], config_.numeric_product_ids)},
                                  {"qty", i["quantity"]},
                                  {"unit_price_cents", i["unitPriceMinor"]}});
    const Json::Value &email = d["customer"]["email"];
    out.type = "order.created";
    out.key = std::to_string(d["numericId"].asInt64());
    out.value = pyJson(PyObject{{"type", Json::Value("order.created")},
                                {"order_id", d["numericId"]},
                                {"user_email", email.isString() ? email : d["userId"]},
                                {"amount_cents", d["totalMinor"]},
                                {"items", std::move(items)}},
                       PyStyle::dumps);
    return out;
  }

  // payment.events: {"type": "payment.succeeded", "order_id": 123,
  // "amount_cents": 25998, "currency": "USD"} (upstream's payment service;
  // its stack document shows {type, order_id, amount}). No event id: the
  // host derives one from the message.
  Result<ParsedEvent> parseEvent(const InboundMessage &, std::string_view payload) override {
    Json::Value m;
    try {
      m = parseJson(payload);
    } catch (const std::exception &e) {
      return invalidArgument(std::string("payment message: ") + e.what());
    }
    ParsedEvent out;
    if (!m.isObject()) return invalidArgument("payment message: expected a JSON object");
    if (!m["type"].isString()) return invalidArgument("payment message: /type: missing");
    auto type = config_.payment_types.find(m["type"].asString());
    if (type == config_.payment_types.end()) {
      out.outcome = wireName(EventOutcome::ignored);
      out.reason = "type " + m["type"].asString() + " is not a payment outcome";
      return out;
    }
    const Json::Value &id = m["order_id"];
    std::string order;
    if (id.isInt64() && id.asInt64() > 0) // isIntegral() admits 2^63.. and 1e19, which asInt64() throws on
      order = std::to_string(id.asInt64());
    else if (id.isString() && !id.asString().empty() &&
             id.asString().find_first_not_of("0123456789") == std::string::npos)
      order = id.asString();
    else
      return invalidArgument("payment message: /order_id: expected a positive integer");
    PaymentEvent event;
    event.type = type->second;
    event.orderId = order; // digits: the order's numeric id
    const Json::Value &cents = m.isMember("amount_cents") ? m["amount_cents"] : m["amount"];
    if (cents.isInt64()) {
      event.amount =
          Money{cents.asInt64(), m["currency"].isString() ? m["currency"].asString() : config_.payment_currency};
    } else if (!cents.isNull()) {
      return invalidArgument("payment message: /amount_cents: expected an integer (cents)");
    } else {
      event.amountNotReported = true;
    }
    out.outcome = wireName(EventOutcome::event);
    out.event = std::move(event);
    return out;
  }

private:
  FastApiShopDialect(Host host, ShopConfig config) : host_(host), config_(std::move(config)) {}

  Result<CoreAnswer> core(const DialectRequest &r, const std::string &op, std::map<std::string, std::string> params,
                          const Json::Value *body = nullptr) {
    return DialectCore(host_, r)(op, std::move(params), body);
  }

  std::string word(const std::string &core_word) const {
    auto it = config_.status_from_core.find(core_word);
    if (it != config_.status_from_core.end()) return it->second;
    std::string up = core_word;
    for (char &c : up)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return up;
  }

  // get_identity_dep's three answers.
  static DialectResponse unauthenticated(const std::string &why) {
    if (why == "credentials required" || why.find("bearer") != std::string::npos)
      return detail(401, "Not authenticated");
    if (why.find("access tokens only") != std::string::npos) return detail(401, "Invalid access token");
    return detail(401, "Invalid token");
  }

  // ---- POST /order/v1/orders/checkout ------------------------------------
  DialectResponse checkout(const DialectRequest &r, std::string_view raw) {
    Json::Value b;
    bool parsed = true;
    try {
      b = raw.empty() ? Json::Value() : parseJson(raw);
    } catch (const std::exception &) {
      parsed = false;
    }
    if (!parsed)
      return unprocessable({{"json_invalid",
                             {Json::Value("body"), Json::Value(Json::Int(0))},
                             "JSON decode error",
                             Json::Value(Json::objectValue)}});
    if (b.isNull()) return unprocessable({{"missing", {"body"}, "Field required", Json::Value()}});
    if (!b.isObject())
      return unprocessable({{"model_attributes_type",
                             {"body"},
                             "Input should be a valid dictionary or object to "
                             "extract fields from",
                             b}});
    std::vector<FieldError> errors;
    const Json::Value &given = b; // const: reading a member must not add it
    for (const char *field : kAddressFields) {
      const Json::Value &v = given[field];
      const bool optional = std::string(field) == "address_line2";
      if (!b.isMember(field)) {
        if (!optional) errors.push_back({"missing", {"body", field}, "Field required", b});
      } else if (!(v.isString() || (optional && v.isNull()))) {
        errors.push_back({"string_type", {"body", field}, "Input should be a valid string", v});
      }
    }
    if (!errors.empty()) return unprocessable(errors);

    Json::Value address(Json::objectValue);
    address["line1"] = b["address_line1"];
    if (b["address_line2"].isString() && !b["address_line2"].asString().empty()) address["line2"] = b["address_line2"];
    address["city"] = b["city"];
    address["postalCode"] = b["postcode"];
    address["country"] = b["country"];
    Json::Value c(Json::objectValue);
    c["shippingAddress"] = address; // no items: the core takes the buyer's cart
    auto answer = core(r, "checkout", {}, &c);
    if (!answer.ok()) return detail(500, "Internal Server Error");
    if (!answer->isSuccess()) return checkoutFailure(*answer);
    const Json::Value created = answer->json();
    int64_t total = 0;
    std::string currency;
    Json::Value first_id;
    std::string status;
    for (const Json::Value &o : created["orders"]) {
      total += o["totalMinor"].asInt64();
      if (currency.empty()) currency = o["currency"].asString();
      if (first_id.isNull()) {
        first_id = o["numericId"];
        status = word(o["status"].asString());
      }
    }
    return reply(200, PyObject{{"order_id", first_id},
                               {"status", Json::Value(status)},
                               {"total_cents", Json::Value(static_cast<Json::Int64>(total))},
                               {"currency", Json::Value(currency)}});
  }

  // The core's refusal in the service's words (upstream: 400 "Cart is empty",
  // the Catalog's status and text when it refuses, 503 when it is away, 502
  // when Shipping fails; pydantic 422 for a bad address).
  DialectResponse checkoutFailure(const CoreAnswer &a) {
    const std::string why = problemDetail(a);
    Json::Value problem;
    try {
      problem = a.json();
    } catch (...) {
    }
    if (a.status == 400 && why.find("is empty") != std::string::npos) return detail(400, "Cart is empty");
    if (a.status == 400 && problem["errors"].isArray() && !problem["errors"].empty()) {
      static const std::map<std::string, std::string> kFields = {{"/shippingAddress/line1", "address_line1"},
                                                                 {"/shippingAddress/line2", "address_line2"},
                                                                 {"/shippingAddress/city", "city"},
                                                                 {"/shippingAddress/postalCode", "postcode"},
                                                                 {"/shippingAddress/country", "country"}};
      std::vector<FieldError> errors;
      for (const Json::Value &e : problem["errors"]) {
        auto it = kFields.find(e["pointer"].asString());
        if (it == kFields.end()) continue;
        errors.push_back(
            {"value_error", {"body", it->second}, "Value error, " + e["message"].asString(), Json::Value()});
      }
      if (!errors.empty()) return unprocessable(errors);
    }
    if (a.status == 409) return detail(409, why);
    if (a.status == 400 || a.status == 422) return detail(400, why);
    if (why.find("shipping") != std::string::npos || why.find("Shipping") != std::string::npos)
      return detail(502, "Shipping create failed");
    if (a.status == 503 || a.status == 504) return detail(503, "Catalog unavailable");
    if (a.status == 401) return detail(401, "Not authenticated");
    if (a.status == 403) return detail(403, why);
    host_.warn("checkout failed: " + std::to_string(a.status) + " " + why);
    return detail(500, "Internal Server Error");
  }

  // ---- GET /order/v1/orders/{order_id} -----------------------------------
  DialectResponse get(const DialectRequest &r) {
    const std::string id = pathParam(r, "order_id");
    const bool digits = !id.empty() && id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos;
    if (!digits)
      return unprocessable({{"int_parsing",
                             {"path", "order_id"},
                             "Input should be a valid integer, unable to parse string as an integer",
                             Json::Value(id)}});
    auto answer = core(r, "getByNumericId", {{"numericId", id}});
    if (!answer.ok()) return detail(500, "Internal Server Error");
    if (answer->status == 404 || (answer->status == 400 && std::stoll(id) == 0)) return detail(404, "Order not found");
    if (answer->status == 401 || answer->status == 403) return detail(404, "Order not found");
    if (!answer->isSuccess()) return detail(500, "Internal Server Error");
    const Json::Value o = answer->json();
    PyList items;
    for (const Json::Value &i : o["items"])
      items.emplace_back(PyObject{{"product_id", productId(i["productId"], config_.numeric_product_ids)},
                                  {"qty", i["quantity"]},
                                  {"unit_price_cents", i["unitPriceMinor"]}});
    return reply(200, PyObject{{"id", o["numericId"]},
                               {"status", Json::Value(word(o["status"].asString()))},
                               {"total_cents", o["totalMinor"]},
                               {"currency", o["currency"]},
                               {"items", std::move(items)}});
  }

  Host host_;
  ShopConfig config_;
};

} // namespace
} // namespace orders::plugins::dialect::fastapi_shop

ORDERS_PLUGIN(orders::plugins::dialect::fastapi_shop::FastApiShopDialect, "fastapi-shop", "1.0.0",
              "The FastAPI order service of seed 002 over the order core", kConfigSchema)
