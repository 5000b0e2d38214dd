#include "coffee_shapes.hpp"

#include <map>

#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/money.hpp"

namespace orders::plugins::dialect::coffee_orders {

using namespace orders::sdk;

DialectResponse reply(int64_t status, const Json::Value &body) { return jsonResponse(status, body); }

DialectResponse failure(int64_t status, const std::string &message, const Json::Value &errors) {
  Json::Value body(Json::objectValue);
  body["message"] = message;
  if (errors.isArray() && !errors.empty()) body["errors"] = errors;
  return reply(status, body);
}

std::string detailOf(const CoreAnswer &a) { return problemDetail(a); }

DialectResponse fromProblem(const CoreAnswer &a) {
  Json::Value problem;
  try {
    problem = a.json();
  } catch (...) {
  }
  Json::Value errors(Json::arrayValue);
  for (const Json::Value &e : problem["errors"]) {
    Json::Value field(Json::objectValue);
    field["field"] = e["pointer"];
    field["message"] = e["message"];
    errors.append(field);
  }
  const std::string why = detailOf(a);
  switch (a.status) {
  case 400:
  case 422: return failure(400, why, errors);
  case 401: return failure(401, "Unauthorized");
  case 403: return failure(403, "Forbidden");
  case 404: return failure(404, "Order not found");
  case 409: return failure(409, why, errors);
  case 503: return failure(503, "Service temporarily unavailable");
  default: return failure(500, "Internal server error");
  }
}

Json::Value money(bool major, const Json::Value &minor, const std::string &currency) {
  if (!major) return minor;
  static const std::map<std::string, int> exponents = orders::sdk::defaultCurrencyExponents();
  auto it = exponents.find(currency);
  const std::string text = orders::sdk::minorToMajor(minor.asInt64(), it == exponents.end() ? 2 : it->second);
  if (text.find('.') == std::string::npos) return Json::Value(static_cast<Json::Int64>(std::stoll(text)));
  return Json::Value(std::stod(text));
}

Json::Value orderOf(bool major, const std::string &provider, const Json::Value &o) {
  const std::string currency = o["currency"].asString();
  Json::Value out(Json::objectValue);
  out["id"] = o["id"];
  out["orderNumber"] = o["orderNumber"];
  out["userId"] = o["userId"];
  out["status"] = o["status"].asString() == "awaiting_payment" ? Json::Value("pending") : o["status"];
  out["currency"] = currency;
  out["subtotal"] = money(major, o["subtotalMinor"], currency);
  out["shippingCost"] = money(major, o["shippingMinor"], currency);
  out["totalAmount"] = money(major, o["totalMinor"], currency);
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : o["items"]) {
    Json::Value it(Json::objectValue);
    it["productId"] = i["productId"];
    if (i.isMember("variantId")) it["variantId"] = i["variantId"];
    it["name"] = i["title"];
    it["quantity"] = i["quantity"];
    it["price"] = money(major, i["unitPriceMinor"], currency);
    it["subtotal"] = money(major, i["lineTotalMinor"], currency);
    if (i["attributes"]["type"].isString()) it["type"] = i["attributes"]["type"];
    items.append(it);
  }
  out["items"] = items;
  out["customer"] = o["customer"];
  out["shippingAddress"] = o["shippingAddress"];
  out["billingAddress"] = o.isMember("billingAddress") ? o["billingAddress"] : Json::Value(Json::nullValue);
  out["notes"] = o["metadata"]["notes"].isString() ? o["metadata"]["notes"] : Json::Value(Json::nullValue);
  const Json::Value &p = o["payment"];
  if (p.isObject()) {
    Json::Value payment(Json::objectValue);
    payment["provider"] = provider.empty() ? p["provider"] : Json::Value(provider);
    payment["status"] = p["status"];
    payment["reference"] = p["reference"];
    payment["redirectUrl"] = p["redirectUrl"].isString() ? p["redirectUrl"] : Json::Value(Json::nullValue);
    out["payment"] = payment;
  } else {
    out["payment"] = Json::Value(Json::nullValue);
  }
  out["createdAt"] = o["createdAt"];
  out["updatedAt"] = o["updatedAt"];
  return out;
}

std::optional<Json::Value> eventOf(bool major, const Json::Value &env) {
  const std::string type = env["type"].asString();
  const Json::Value &d = env["data"];
  const std::string currency = d["currency"].asString();
  Json::Value out(Json::objectValue);
  out["eventId"] = env["id"];
  out["orderId"] = d["id"];
  out["orderNumber"] = d["orderNumber"];
  out["userId"] = d["userId"];
  out["totalAmount"] = money(major, d["totalMinor"], currency);
  out["currency"] = currency;
  out["timestamp"] = env["occurredAt"];
  if (type == "order.created") {
    out["event"] = "OrderCreated";
    Json::Value items(Json::arrayValue);
    for (const Json::Value &i : d["items"]) {
      Json::Value it(Json::objectValue);
      it["productId"] = i["productId"];
      it["quantity"] = i["quantity"];
      it["price"] = money(major, i["unitPriceMinor"], currency);
      items.append(it);
    }
    out["items"] = items;
    out["customer"] = d["customer"];
    return out;
  }
  if (type == "order.paid") {
    out["event"] = "PaymentSuccessful";
    out["paymentReference"] = d["paymentReference"].isString() ? d["paymentReference"] : Json::Value(Json::nullValue);
    return out;
  }
  return std::nullopt;
}

} // namespace orders::plugins::dialect::coffee_orders
