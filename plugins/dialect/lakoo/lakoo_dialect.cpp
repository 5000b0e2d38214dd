// dialect/lakoo: LAKOO's order-service (seed 004) over the order core.
//
// Every route of upstream src/routes/order.routes.ts and admin.routes.ts,
// with its validation (zod / express-validator rules and messages), its
// {success, data} envelopes and error bodies, its status words and decimal
// amounts; the work itself is the core's (Host::core with the request's
// callId), so checkout, idempotency, stock, payment, cancel compensation
// and authorization are the canonical ones. What LAKOO does and the core
// does not (tax, discounts, partial refunds, coordinates) is listed in
// README.md.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include "lakoo_checkout.hpp"
#include "lakoo_shapes.hpp"
#include "lakoo_wire.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_dialect_lakoo_config_schema.hpp"

namespace orders::plugins::dialect::lakoo {

using namespace orders::sdk;

namespace {

struct LakooConfig {
  std::string country = "ID";
  std::string country_name = "Indonesia";
  std::map<std::string, std::string> status_to_core;
  std::map<std::string, std::string> status_from_core;
  std::map<std::string, int64_t> currency_exponents;
  std::string service_name = "order-service";
  std::string environment = "production";
  std::string version = "1.0.0";
  template <class V> void visit(V &v) {
    v("country", country);
    v("country_name", country_name);
    v("status_to_core", status_to_core);
    v("status_from_core", status_from_core);
    v("currency_exponents", currency_exponents);
    v("service_name", service_name);
    v("environment", environment);
    v("version", version);
  }
};

class LakooDialect final : public Dialect {
public:
  static Result<std::unique_ptr<LakooDialect>> create(PluginContext ctx) {
    auto config = decode<LakooConfig>(writeJson(ctx.config));
    if (!config.ok()) return config.error();
    for (const auto &[word, core] : config->status_to_core)
      if (std::find(lakooStatuses().begin(), lakooStatuses().end(), word) == lakooStatuses().end())
        return invalidArgument("status_to_core." + word + ": not a LAKOO status");
    std::map<std::string, int> exponents;
    for (const auto &[code, e] : config->currency_exponents)
      exponents[code] = static_cast<int>(e);
    return std::unique_ptr<LakooDialect>(new LakooDialect(ctx.host, std::move(config).value(), std::move(exponents)));
  }

  Result<DialectSpec> spec() override {
    DialectSpec s;
    const std::vector<std::string> idem = {"idempotency-key"};
    s.routes = {
        {"GET", "/health", "none", {}},
        {"GET", "/", "none", {}},
        {"GET", "/api-docs", "none", {}},
        {"POST", "/api/orders", "user", idem},
        {"GET", "/api/orders", "user", {}},
        {"GET", "/api/orders/number/:orderNumber", "user", {}},
        {"GET", "/api/orders/:id", "user", {}},
        {"PUT", "/api/orders/:id/status", "user", idem},
        {"PUT", "/api/orders/:id/shipping-cost", "user", {}},
        {"POST", "/api/orders/:id/cancel", "user", {}},
        {"GET", "/api/admin/orders", "user", {}},
        {"GET", "/api/admin/orders/:id", "user", {}},
        {"PUT", "/api/admin/orders/:id/status", "user", {}},
    };
    s.eventFormats = {"order_events_v1"};
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &r, std::string_view body) override {
    if (r.route == "/health") return health();
    if (r.route == "/") {
      DialectResponse moved = reply(302, Json::Value(Json::objectValue));
      moved.headers["Location"] = "/api-docs";
      moved.contentType = "text/plain; charset=utf-8";
      moved.body = "Found. Redirecting to /api-docs";
      return moved;
    }
    if (r.route == "/api-docs") return apiDocs();
    if (r.authError) return unauthenticatedAnswer(*r.authError);
    Json::Value json(Json::objectValue);
    if (!body.empty()) {
      try {
        json = parseJson(body);
      } catch (const std::exception &e) {
        return reply(400, failure(e.what()));
      }
    }
    const bool admin_route = r.route.rfind("/api/admin/", 0) == 0;
    if (admin_route && (!r.principal || r.principal->role != "admin"))
      return reply(403, failure("Insufficient permissions"));
    if (r.route == "/api/orders" && r.method == "POST") return checkout(r, json);
    if (r.route == "/api/orders" || r.route == "/api/admin/orders") return list(r);
    if (r.route == "/api/orders/number/:orderNumber") return getByNumber(r);
    if (r.route == "/api/orders/:id" || r.route == "/api/admin/orders/:id") return get(r, admin_route);
    if (r.route == "/api/orders/:id/status" || r.route == "/api/admin/orders/:id/status")
      return setStatus(r, json, admin_route);
    if (r.route == "/api/orders/:id/shipping-cost") return setShippingCost(r, json);
    if (r.route == "/api/orders/:id/cancel") return cancel(r, json);
    return reply(404, failure("Endpoint not found"));
  }

  // order.created and order.status_changed with LAKOO's payloads.
  Result<EncodedEvent> encodeEvent(const EventToEncode &e) override {
    if (e.format != "order_events_v1") return invalidArgument("unknown format " + e.format);
    const Json::Value &d = e.event["data"];
    Json::Value out(Json::objectValue);
    EncodedEvent encoded;
    encoded.key = e.event["orderId"].asString();
    if (e.type == "order.created") {
      out["orderId"] = d["id"];
      out["orderNumber"] = d["orderNumber"];
      out["userId"] = d["userId"];
      out["sellerId"] = d["sellerId"].isString() ? d["sellerId"] : Json::Value(Json::nullValue);
      encoded.type = "order.created";
    } else if (d["fromStatus"].isString() && d["status"].isString()) {
      out["orderId"] = d["id"];
      out["orderNumber"] = d["orderNumber"];
      out["fromStatus"] = vocabulary_.fromCore(d["fromStatus"].asString());
      out["toStatus"] = vocabulary_.fromCore(d["status"].asString());
      if (d["reason"].isString() && !d["reason"].asString().empty()) out["reason"] = d["reason"];
      encoded.type = "order.status_changed";
    } else {
      encoded.publish = false;
      return encoded;
    }
    encoded.value = writeJson(out);
    return encoded;
  }

private:
  LakooDialect(Host host, LakooConfig config, std::map<std::string, int> exponents)
      : host_(host), config_(std::move(config)),
        vocabulary_(config_.status_to_core, config_.status_from_core, std::move(exponents)) {}

  Result<CoreAnswer> core(const DialectRequest &r, const std::string &op, std::map<std::string, std::string> params,
                          std::map<std::string, std::string> query = {}, const Json::Value *body = nullptr,
                          std::map<std::string, std::string> headers = {}) {
    CoreCall call;
    call.op = op;
    call.call = r.callId;
    call.params = std::move(params);
    call.query = std::move(query);
    call.headers = std::move(headers);
    return host_.core(call, body == nullptr ? std::string() : writeJson(*body));
  }

  DialectResponse unauthenticatedAnswer(const std::string &reason) const {
    // serviceAuth.ts: a name mismatch and every other token failure have their own words.
    if (reason.rfind("service_hmac:", 0) == 0) {
      if (reason.find("does not match") != std::string::npos) return reply(401, failure("Service name mismatch"));
      return reply(401, failure("Invalid service authentication token"));
    }
    return reply(401, failure("Authentication required"));
  }

  DialectResponse health() const {
    Json::Value h(Json::objectValue);
    h["status"] = "healthy";
    h["service"] = config_.service_name;
    const int64_t ms = host_.nowUnixMs();
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[40];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    h["timestamp"] = std::string(when) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
    h["version"] = config_.version;
    h["environment"] = config_.environment;
    h["docs"] = "/api-docs";
    return reply(200, h);
  }

  DialectResponse apiDocs() {
    auto s = spec();
    std::string rows;
    for (const DialectRoute &route : s->routes)
      rows +=
          "<tr><td>" + route.method + "</td><td><code>" + route.path + "</code></td><td>" + route.auth + "</td></tr>\n";
    DialectResponse r;
    r.status = 200;
    r.contentType = "text/html; charset=utf-8";
    r.body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Order Service API (LAKOO)</title></head>"
             "<body><h1>Order Service API</h1><p>LAKOO order-service routes, served by the Order Service's "
             "<code>lakoo</code> dialect. Every route but this page and /health needs the gateway headers "
             "(x-gateway-key, x-user-id, x-user-role) or the service headers (x-service-name, x-service-auth)."
             "</p><table><tr><th>Method</th><th>Path</th><th>Auth</th></tr>\n" +
             rows + "</table></body></html>\n";
    return r;
  }

  // ---- POST /api/orders ----------------------------------------------------
  DialectResponse checkout(const DialectRequest &r, const Json::Value &b) {
    auto translated = canonicalCheckout(b, config_.country);
    if (auto *refused = std::get_if<DialectResponse>(&translated)) return *refused;
    Json::Value c = std::get<Json::Value>(std::move(translated));
    std::string op = "checkout";
    if (r.principal && r.principal->role == "internal") {
      if (!b["userId"].isString()) return reply(400, failure("userId is required"));
      c["userId"] = b["userId"];
      op = "createForUser";
    }
    auto answer = core(r, op, {}, {}, &c);
    if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
    if (!answer->isSuccess()) {
      if (answer->status == 409 && answer->json()["code"].asString() == "out_of_stock")
        return reply(400, failure(detailOf(*answer)));
      return fromProblem(*answer);
    }
    const bool replayed = answer->header("idempotent-replayed") == "true";
    const Json::Value created = answer->json();
    Json::Value orders(Json::arrayValue), payments(Json::arrayValue);
    for (const Json::Value &o : created["orders"]) {
      orders.append(orderBody(o, vocabulary_, config_.country_name));
      if (o["payment"].isObject()) {
        Json::Value p(Json::objectValue);
        p["orderId"] = o["id"];
        p["orderNumber"] = o["orderNumber"];
        p["payment"] = o["payment"];
        p["paymentUrl"] = o["payment"]["redirectUrl"].isString() ? o["payment"]["redirectUrl"] : Json::Value();
        p["invoiceId"] = o["payment"]["reference"];
        if (replayed) p["isExisting"] = true;
        payments.append(p);
      }
    }
    Json::Value data(Json::objectValue);
    data["isExisting"] = replayed;
    data["ordersCreated"] = orders.size();
    data["orders"] = orders;
    data["payments"] = payments;
    data["message"] = replayed            ? "Idempotent retry: returned existing orders"
                      : orders.size() > 1 ? "Created " + std::to_string(orders.size()) + " orders (split by seller)"
                                          : "Order created successfully";
    return reply(replayed ? 200 : 201, success(data));
  }

  // ---- GET /api/orders, GET /api/admin/orders ------------------------------
  DialectResponse list(const DialectRequest &r) {
    std::vector<Detail> details;
    for (const char *k : {"userId", "sellerId"})
      if (auto v = queryParam(r, k); v && !isUuid(*v)) details.push_back({k, "Invalid value"});
    for (const char *k : {"startDate", "endDate"})
      if (auto v = queryParam(r, k); v && !isIso8601(*v)) details.push_back({k, "Invalid value"});
    int64_t page = 1, limit = 20;
    if (auto v = queryParam(r, "page")) {
      if (auto n = intParam(*v, 1, 1000000))
        page = *n;
      else
        details.push_back({"page", "Invalid value"});
    }
    if (auto v = queryParam(r, "limit")) {
      if (auto n = intParam(*v, 1, 100))
        limit = *n;
      else
        details.push_back({"limit", "Invalid value"});
    }
    if (auto v = queryParam(r, "orderSource"); v && *v != "brand" && *v != "seller" && *v != "live_commerce")
      details.push_back({"orderSource", "Invalid value"});
    if (queryParam(r, "orderSource"))
      details.push_back({"orderSource", "filtering by orderSource is not supported by this order service"});
    if (!details.empty()) return invalid(details);

    Json::Value data(Json::arrayValue);
    int64_t total = 0;
    std::map<std::string, std::string> q;
    bool matches_nothing = false;
    if (auto v = queryParam(r, "status")) {
      auto core_status = vocabulary_.toCore(*v);
      if (!core_status || vocabulary_.fromCore(*core_status) != *v)
        matches_nothing = true; // LAKOO: an unknown (or merged) word matches no row
      else
        q["status"] = *core_status;
    }
    if (privileged(r)) {
      if (auto v = queryParam(r, "userId")) q["userId"] = *v;
    } // everyone else: the core forces their own user id
    if (auto v = queryParam(r, "sellerId")) q["sellerId"] = *v;
    if (auto v = queryParam(r, "startDate")) q["createdFrom"] = *v;
    if (auto v = queryParam(r, "endDate")) q["createdTo"] = *v;
    if (auto v = queryParam(r, "search"); v && !v->empty()) q["search"] = *v;
    q["limit"] = std::to_string(limit);
    q["offset"] = std::to_string((page - 1) * limit);
    q["total"] = "true";
    if (!matches_nothing) {
      auto answer = core(r, "list", {}, q);
      if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
      if (!answer->isSuccess()) return fromProblem(*answer);
      const Json::Value listed = answer->json();
      for (const Json::Value &o : listed["items"])
        data.append(orderBody(o, vocabulary_, config_.country_name));
      total = listed["total"].asInt64();
    }
    Json::Value out(Json::objectValue);
    out["success"] = true;
    out["data"] = data;
    Json::Value pagination(Json::objectValue);
    pagination["page"] = static_cast<Json::Int64>(page);
    pagination["limit"] = static_cast<Json::Int64>(limit);
    pagination["total"] = static_cast<Json::Int64>(total);
    pagination["totalPages"] = static_cast<Json::Int64>((total + limit - 1) / limit);
    out["pagination"] = pagination;
    return reply(200, out);
  }

  DialectResponse getByNumber(const DialectRequest &r) {
    auto answer = core(r, "getByNumber", {{"orderNumber", param(r, "orderNumber")}});
    if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
    if (!answer->isSuccess()) return fromProblem(*answer);
    return rendered(answer->body);
  }

  // {success, data: <LAKOO order>} of a canonical order body; the same body
  // renders the same bytes, so repeated reads of an unchanged order skip
  // the JSON work (bounded; the core decides freshness, not this cache).
  DialectResponse rendered(const std::string &canonical) {
    {
      std::lock_guard<std::mutex> lock(cache_mutex_);
      auto it = cache_.find(canonical);
      if (it != cache_.end()) {
        DialectResponse hit;
        hit.contentType = "application/json; charset=utf-8";
        hit.body = it->second;
        return hit;
      }
    }
    DialectResponse out = reply(200, success(orderBody(parseJson(canonical), vocabulary_, config_.country_name)));
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() >= 1024) cache_.clear();
    cache_.emplace(canonical, out.body);
    return out;
  }

  DialectResponse get(const DialectRequest &r, bool admin_route) {
    if (!isUuid(param(r, "id"))) return invalid({{"id", admin_route ? "Invalid order ID" : "Invalid value"}});
    auto answer = core(r, "get", {{"id", param(r, "id")}});
    if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
    if (!answer->isSuccess()) return fromProblem(*answer);
    return rendered(answer->body);
  }

  // ---- PUT .../status --------------------------------------------------------
  DialectResponse setStatus(const DialectRequest &r, const Json::Value &b, bool admin_route) {
    if (!privileged(r)) return reply(403, failure("Insufficient permissions"));
    const std::string id = param(r, "id");
    if (!isUuid(id)) return invalid({{"id", admin_route ? "Invalid order ID" : "Invalid value"}});
    std::vector<Detail> details;
    const Json::Value &word = b["newStatus"];
    const auto &words = lakooStatuses();
    if (word.isNull()) {
      details.push_back({"newStatus", "Required"});
    } else if (!word.isString() || std::find(words.begin(), words.end(), word.asString()) == words.end()) {
      std::string expected;
      for (const std::string &w : words)
        expected += (expected.empty() ? "'" : " | '") + w + "'";
      details.push_back({"newStatus", "Invalid enum value. Expected " + expected + ", received '" +
                                          (word.isString() ? word.asString() : writeJson(word)) + "'"});
    }
    for (const char *k : {"reason", "notes"})
      if (!b[k].isNull() && !b[k].isString()) details.push_back({k, "Expected string, received number"});
    if (!b["metadata"].isNull() && !b["metadata"].isObject())
      details.push_back({"metadata", "Expected object, received string"});
    if (!details.empty()) return invalid(details);
    const std::string lakoo_word = word.asString();
    const auto target = vocabulary_.toCore(lakoo_word);
    if (!target) return reply(400, failure("Status " + lakoo_word + " is not supported by this order service"));

    auto current = core(r, "get", {{"id", id}});
    if (!current.ok()) return reply(500, failure(current.error().message, "INTERNAL_ERROR"));
    if (!current->isSuccess()) return fromProblem(*current);
    const Json::Value before = current->json();
    const std::string from = vocabulary_.fromCore(before["status"].asString());
    if (before["status"].asString() == *target) {
      // A finer LAKOO step the core keeps in one state (confirmed, in_transit...).
      if (from == lakoo_word) return reply(400, failure("Cannot transition from " + from + " to " + lakoo_word));
      return reply(200, success(orderBody(before, vocabulary_, config_.country_name), "Order status updated"));
    }
    Json::Value c(Json::objectValue);
    c["newStatus"] = *target;
    std::string reason = b["reason"].isString() ? b["reason"].asString() : "";
    if (b["notes"].isString()) reason += (reason.empty() ? "" : ": ") + b["notes"].asString();
    if (!reason.empty()) c["reason"] = reason;
    std::map<std::string, std::string> headers;
    if (auto it = r.headers.find("idempotency-key"); it != r.headers.end()) headers["idempotency-key"] = it->second;
    auto answer = core(r, "setStatus", {{"id", id}}, {}, &c, headers);
    if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
    if (answer->status == 409) return reply(400, failure("Cannot transition from " + from + " to " + lakoo_word));
    if (!answer->isSuccess()) return fromProblem(*answer);
    return reply(200, success(orderBody(answer->json(), vocabulary_, config_.country_name), "Order status updated"));
  }

  // ---- PUT /api/orders/:id/shipping-cost ------------------------------------
  DialectResponse setShippingCost(const DialectRequest &r, const Json::Value &b) {
    if (!privileged(r)) return reply(403, failure("Insufficient permissions"));
    const std::string id = param(r, "id");
    if (!isUuid(id)) return invalid({{"id", "Invalid value"}});
    std::vector<Detail> details;
    std::optional<double> cost;
    if (b["shippingCost"].isNull()) {
      details.push_back({"shippingCost", b.isMember("shippingCost") ? "Expected number, received nan" : "Required"});
    } else {
      cost = coerceNumber(b["shippingCost"]);
      if (!cost || std::isnan(*cost))
        details.push_back({"shippingCost", "Expected number, received nan"});
      else if (*cost < 0)
        details.push_back({"shippingCost", "Number must be greater than or equal to 0"});
    }
    if (b.isMember("taxAmount") && !b["taxAmount"].isNull()) {
      auto tax = coerceNumber(b["taxAmount"]);
      if (!tax || std::isnan(*tax))
        details.push_back({"taxAmount", "Expected number, received nan"});
      else if (*tax < 0)
        details.push_back({"taxAmount", "Number must be greater than or equal to 0"});
      else if (*tax > 0)
        details.push_back({"taxAmount", "tax amounts are not supported by this order service"});
    }
    if (!details.empty()) return invalid(details);
    auto current = core(r, "get", {{"id", id}});
    if (!current.ok()) return reply(500, failure(current.error().message, "INTERNAL_ERROR"));
    if (!current->isSuccess()) return fromProblem(*current);
    const std::string currency = current->json()["currency"].asString();
    int64_t minor = 0;
    const std::string text =
        b["shippingCost"].isString() ? b["shippingCost"].asString() : Json::valueToString(b["shippingCost"].asDouble());
    if (sdk::decimalToMinor(text, vocabulary_.exponent(currency), minor) != sdk::DecimalError::none)
      return invalid({{"shippingCost", "not a whole number of " + currency + " minor units"}});
    Json::Value c(Json::objectValue);
    c["shippingMinor"] = static_cast<Json::Int64>(minor);
    auto answer = core(r, "setShippingCost", {{"id", id}}, {}, &c);
    if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
    if (!answer->isSuccess()) return fromProblem(*answer);
    return reply(200,
                 success(orderBody(answer->json(), vocabulary_, config_.country_name, false), "Shipping cost updated"));
  }

  // ---- POST /api/orders/:id/cancel -------------------------------------------
  DialectResponse cancel(const DialectRequest &r, const Json::Value &b) {
    const std::string id = param(r, "id");
    if (!isUuid(id)) return invalid({{"id", "Invalid value"}});
    Json::Value c(Json::objectValue);
    std::string reason = b["reason"].isString() ? b["reason"].asString() : "customer_cancelled";
    if (b["notes"].isString()) reason += ": " + b["notes"].asString();
    c["reason"] = reason;
    auto answer = core(r, "cancel", {{"id", id}}, {}, &c);
    if (!answer.ok()) return reply(500, failure(answer.error().message, "INTERNAL_ERROR"));
    if (answer->status == 409) {
      auto current = core(r, "get", {{"id", id}});
      const std::string from =
          current.ok() && current->isSuccess() ? vocabulary_.fromCore(current->json()["status"].asString()) : "?";
      return reply(400, failure("Cannot transition from " + from + " to cancelled"));
    }
    if (!answer->isSuccess()) return fromProblem(*answer);
    return reply(200, success(orderBody(answer->json(), vocabulary_, config_.country_name), "Order cancelled"));
  }

  Host host_;
  LakooConfig config_;
  Vocabulary vocabulary_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, std::string> cache_; // canonical body -> LAKOO body
};

} // namespace
} // namespace orders::plugins::dialect::lakoo

ORDERS_PLUGIN(orders::plugins::dialect::lakoo::LakooDialect, "lakoo", "1.0.0",
              "LAKOO's order-service API (seed 004) over the order core", kConfigSchema)
