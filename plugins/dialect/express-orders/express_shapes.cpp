#include "express_shapes.hpp"

#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/money.hpp"

namespace orders::plugins::dialect::express_orders {

using namespace orders::sdk;

DialectResponse reply(int64_t status, const Json::Value &body) { return jsonResponse(status, body); }

DialectResponse error(int64_t status, const std::string &message) { return jsonError(status, message); }

std::string detailOf(const CoreAnswer &a) { return problemDetail(a); }

DialectResponse fromProblem(const CoreAnswer &a) {
  const std::string why = detailOf(a);
  switch (a.status) {
  case 400:
  case 422: return error(400, why);
  case 401: return error(401, "Unauthorized");
  case 403: return error(403, "Forbidden");
  case 404: return error(404, "Order not found");
  case 409: return error(409, why);
  case 503: return error(503, "Service unavailable");
  default: return error(500, "Internal server error");
  }
}

std::string word(const Words &w, const std::string &core_word) {
  auto it = w.from_core.find(core_word);
  return it == w.from_core.end() ? core_word : it->second;
}

Json::Value money(const Words &w, const Json::Value &minor, const std::string &currency) {
  if (!w.major) return minor;
  static const std::map<std::string, int> exponents = orders::sdk::defaultCurrencyExponents();
  auto it = exponents.find(currency);
  const int exponent = it == exponents.end() ? 2 : it->second;
  const std::string text = orders::sdk::minorToMajor(minor.asInt64(), exponent);
  if (text.find('.') == std::string::npos) return Json::Value(static_cast<Json::Int64>(std::stoll(text)));
  return Json::Value(std::stod(text));
}

Json::Value orderOf(const Words &w, const Json::Value &o) {
  const std::string currency = o["currency"].asString();
  Json::Value out(Json::objectValue);
  out["id"] = o["id"];
  out["orderNumber"] = o["orderNumber"];
  out["userId"] = o["userId"];
  out["status"] = word(w, o["status"].asString());
  out["currency"] = currency;
  out["subtotal"] = money(w, o["subtotalMinor"], currency);
  out["shippingCost"] = money(w, o["shippingMinor"], currency);
  out["total"] = money(w, o["totalMinor"], currency);
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : o["items"]) {
    Json::Value it(Json::objectValue);
    it["productId"] = i["productId"];
    if (i.isMember("variantId")) it["variantId"] = i["variantId"];
    it["productName"] = i["title"];
    it["quantity"] = i["quantity"];
    it["unitPrice"] = money(w, i["unitPriceMinor"], currency);
    it["totalPrice"] = money(w, i["lineTotalMinor"], currency);
    items.append(it);
  }
  out["items"] = items;
  out["shippingAddress"] = o["shippingAddress"];
  out["billingAddress"] = o.isMember("billingAddress") ? o["billingAddress"] : Json::Value(Json::nullValue);
  out["notes"] = o["metadata"]["notes"].isString() ? o["metadata"]["notes"] : Json::Value(Json::nullValue);
  const Json::Value &payment = o["payment"];
  if (payment.isObject()) {
    out["paymentId"] = payment["reference"].isString() ? payment["reference"] : Json::Value(Json::nullValue);
    out["paymentStatus"] = payment["status"];
  } else {
    out["paymentId"] = Json::Value(Json::nullValue);
    out["paymentStatus"] = Json::Value(Json::nullValue);
  }
  out["createdAt"] = o["createdAt"];
  out["updatedAt"] = o["updatedAt"];
  return out;
}

std::optional<std::string> lifecycleType(const std::string &type) {
  static const std::map<std::string, std::string> names{
      {"order.created", "order.created"},         {"order.status_changed", "order.status_changed"},
      {"order.paid", "order.payment_successful"}, {"order.payment_failed", "order.payment_failed"},
      {"order.cancelled", "order.cancelled"},     {"order.shipped", "order.shipped"},
      {"order.delivered", "order.delivered"},     {"order.refunded", "order.status_changed"}};
  auto it = names.find(type);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

Json::Value lifecycleEvent(const Words &w, const Json::Value &env, const std::string &type) {
  const Json::Value &d = env["data"];
  const std::string currency = d["currency"].asString();
  Json::Value out(Json::objectValue);
  out["eventId"] = env["id"];
  out["eventType"] = type;
  out["timestamp"] = env["occurredAt"];
  out["orderId"] = d["id"];
  out["orderNumber"] = d["orderNumber"];
  out["userId"] = d["userId"];
  out["status"] = word(w, d["status"].asString());
  if (d["fromStatus"].isString()) out["previousStatus"] = word(w, d["fromStatus"].asString());
  if (d["reason"].isString() && !d["reason"].asString().empty()) out["reason"] = d["reason"];
  out["subtotal"] = money(w, d["subtotalMinor"], currency);
  out["shippingCost"] = money(w, d["shippingMinor"], currency);
  out["total"] = money(w, d["totalMinor"], currency);
  out["currency"] = currency;
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : d["items"]) {
    Json::Value it(Json::objectValue);
    it["productId"] = i["productId"];
    if (i.isMember("variantId")) it["variantId"] = i["variantId"];
    it["quantity"] = i["quantity"];
    it["unitPrice"] = money(w, i["unitPriceMinor"], currency);
    items.append(it);
  }
  out["items"] = items;
  return out;
}

} // namespace orders::plugins::dialect::express_orders
