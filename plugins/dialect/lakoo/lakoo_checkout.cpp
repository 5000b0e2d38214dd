#include "lakoo_checkout.hpp"

#include <algorithm>
#include <cmath>

#include "lakoo_shapes.hpp"
#include "lakoo_wire.hpp"
#include "orders/sdk/dialect_support.hpp"

namespace orders::plugins::dialect::lakoo {

using namespace orders::sdk;

std::variant<DialectResponse, Json::Value> canonicalCheckout(const Json::Value &b, const std::string &country) {
  std::vector<Detail> details;
  auto requireString = [&](const Json::Value &v, const std::string &field, bool uuid) {
    if (v.isNull()) {
      details.push_back({field, "Required"});
    } else if (!v.isString()) {
      details.push_back({field, std::string("Expected string, received ") + (v.isNumeric() ? "number" : "object")});
    } else if (uuid && !isUuid(v.asString())) {
      details.push_back({field, "Invalid uuid"});
    } else if (!uuid && v.asString().empty()) {
      details.push_back({field, "String must contain at least 1 character(s)"});
    }
  };
  auto optionalString = [&](const Json::Value &v, const std::string &field, bool uuid) {
    if (!v.isNull()) requireString(v, field, uuid);
  };
  if (!b.isObject()) {
    return invalid({{"", "Expected object, received " + std::string(b.isArray() ? "array" : "string")}});
  }
  optionalString(b["userId"], "userId", true);
  requireString(b["idempotencyKey"], "idempotencyKey", false);
  Json::Value items(Json::arrayValue);
  if (!b["items"].isArray()) {
    details.push_back({"items", b["items"].isNull() ? "Required" : "Expected array, received object"});
  } else if (b["items"].empty()) {
    details.push_back({"items", "Array must contain at least 1 element(s)"});
  } else {
    for (Json::ArrayIndex i = 0; i < b["items"].size(); ++i) {
      const Json::Value &it = b["items"][i];
      const std::string at = "items." + std::to_string(i) + ".";
      requireString(it["productId"], at + "productId", true);
      optionalString(it["variantId"], at + "variantId", true);
      const auto q = coerceNumber(it["quantity"]);
      if (it["quantity"].isNull())
        details.push_back({at + "quantity", "Required"});
      else if (!q || std::isnan(*q))
        details.push_back({at + "quantity", "Expected number, received nan"});
      else if (std::floor(*q) != *q)
        details.push_back({at + "quantity", "Expected integer, received float"});
      else if (*q <= 0)
        details.push_back({at + "quantity", "Number must be greater than 0"});
      Json::Value line(Json::objectValue);
      line["productId"] = it["productId"];
      if (it["variantId"].isString()) line["variantId"] = it["variantId"];
      line["quantity"] = q ? static_cast<Json::Int64>(*q) : Json::Int64(0);
      items.append(line);
    }
  }
  const Json::Value &a = b["shippingAddress"];
  if (!a.isObject()) {
    details.push_back({"shippingAddress", a.isNull() ? "Required" : "Expected object, received string"});
  } else {
    for (const char *k : {"name", "phone", "province", "city", "address"})
      requireString(a[k], std::string("shippingAddress.") + k, false);
    for (const char *k : {"district", "postalCode"})
      if (!a[k].isNull() && !a[k].isString())
        details.push_back({std::string("shippingAddress.") + k, "Expected string, received number"});
    for (const char *k : {"latitude", "longitude"})
      if (a.isMember(k) && !a[k].isNull()) {
        auto n = coerceNumber(a[k]);
        if (!n || std::isnan(*n))
          details.push_back({std::string("shippingAddress.") + k, "Expected number, received nan"});
      }
  }
  optionalString(b["shippingAddressId"], "shippingAddressId", true);
  if (!b["shippingNotes"].isNull() && !b["shippingNotes"].isString())
    details.push_back({"shippingNotes", "Expected string, received number"});
  if (b.isMember("discountAmount") && !b["discountAmount"].isNull()) {
    auto n = coerceNumber(b["discountAmount"]);
    if (!n || std::isnan(*n))
      details.push_back({"discountAmount", "Expected number, received nan"});
    else if (*n < 0)
      details.push_back({"discountAmount", "Number must be greater than or equal to 0"});
    else if (*n > 0)
      details.push_back({"discountAmount", "discounts are not supported by this order service (prices and "
                                           "totals come from the catalog)"});
  }
  static const std::vector<std::string> kMethods = {"bank_transfer", "virtual_account", "credit_card", "ewallet_ovo",
                                                    "ewallet_gopay", "ewallet_dana",    "qris"};
  if (!b["paymentMethod"].isNull() &&
      (!b["paymentMethod"].isString() ||
       std::find(kMethods.begin(), kMethods.end(), b["paymentMethod"].asString()) == kMethods.end()))
    details.push_back({"paymentMethod", "Invalid enum value. Expected 'bank_transfer' | 'virtual_account' | "
                                        "'credit_card' | 'ewallet_ovo' | 'ewallet_gopay' | 'ewallet_dana' | "
                                        "'qris', received '" +
                                            b["paymentMethod"].asString() + "'"});
  if (!b["expiresAt"].isNull() && (!b["expiresAt"].isString() || !isZodDatetime(b["expiresAt"].asString())))
    details.push_back({"expiresAt", "Invalid datetime"});
  if (!details.empty()) return invalid(details);

  Json::Value c(Json::objectValue);
  c["items"] = items;
  Json::Value addr(Json::objectValue);
  addr["name"] = a["name"];
  addr["line1"] = a["address"];
  if (a["district"].isString() && !a["district"].asString().empty()) addr["line2"] = a["district"];
  addr["city"] = a["city"];
  addr["region"] = a["province"];
  if (a["postalCode"].isString() && !a["postalCode"].asString().empty()) addr["postalCode"] = a["postalCode"];
  addr["country"] = country;
  addr["phone"] = a["phone"];
  c["shippingAddress"] = addr;
  c["idempotencyKey"] = b["idempotencyKey"];
  return c;
}

} // namespace orders::plugins::dialect::lakoo
