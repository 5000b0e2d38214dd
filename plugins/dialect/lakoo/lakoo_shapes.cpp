#include "lakoo_shapes.hpp"

#include <regex>

#include "orders/sdk/money.hpp"

namespace orders::plugins::dialect::lakoo {

const std::vector<std::string> &lakooStatuses() {
  static const std::vector<std::string> words = {
      "pending",    "awaiting_payment", "paid",      "confirmed", "processing", "ready_to_ship", "shipped",
      "in_transit", "out_for_delivery", "delivered", "completed", "cancelled",  "refunded",      "partially_refunded"};
  return words;
}

namespace {
const std::vector<std::string> &coreStatuses() {
  static const std::vector<std::string> words = {"pending",    "awaiting_payment", "payment_failed", "paid",
                                                 "processing", "shipped",          "delivered",      "completed",
                                                 "cancelled",  "refunded"};
  return words;
}
bool contains(const std::vector<std::string> &list, const std::string &word) {
  for (const std::string &w : list)
    if (w == word) return true;
  return false;
}
Json::Value orNull(const Json::Value &v) { return v.isNull() ? Json::Value(Json::nullValue) : v; }
Json::Value textOrNull(const Json::Value &v) {
  return v.isString() && !v.asString().empty() ? v : Json::Value(Json::nullValue);
}
} // namespace

Vocabulary::Vocabulary(std::map<std::string, std::string> to_core, std::map<std::string, std::string> from_core,
                       std::map<std::string, int> exponents)
    : to_core_(std::move(to_core)), from_core_(std::move(from_core)), exponents_(sdk::defaultCurrencyExponents()) {
  for (const auto &[code, e] : exponents)
    exponents_[code] = e;
}

std::optional<std::string> Vocabulary::toCore(const std::string &lakoo) const {
  auto it = to_core_.find(lakoo);
  if (it != to_core_.end()) return it->second;
  if (contains(coreStatuses(), lakoo)) return lakoo;
  return std::nullopt;
}

std::string Vocabulary::fromCore(const std::string &core) const {
  auto it = from_core_.find(core);
  return it == from_core_.end() ? core : it->second;
}

int Vocabulary::exponent(const std::string &currency) const {
  auto it = exponents_.find(currency);
  return it == exponents_.end() ? 2 : it->second;
}

std::string Vocabulary::major(int64_t minor, const std::string &currency) const {
  return sdk::minorToMajor(minor, exponent(currency));
}

Json::Value success(const Json::Value &data, const std::optional<std::string> &message) {
  Json::Value out(Json::objectValue);
  out["success"] = true;
  if (message) out["message"] = *message;
  out["data"] = data;
  return out;
}

Json::Value failure(const std::string &error, const std::optional<std::string> &code) {
  Json::Value out(Json::objectValue);
  out["success"] = false;
  out["error"] = error;
  if (code) out["code"] = *code;
  return out;
}

Json::Value validationFailure(const std::vector<Detail> &details) {
  Json::Value out = failure("Validation failed");
  Json::Value list(Json::arrayValue);
  for (const Detail &d : details) {
    Json::Value e(Json::objectValue);
    e["field"] = d.field;
    e["message"] = d.message;
    list.append(e);
  }
  out["details"] = list;
  return out;
}

std::string isoMillis(const std::string &t) {
  // "2026-02-03T10:00:00Z" -> "2026-02-03T10:00:00.000Z"; already-millis values pass.
  if (t.size() == 20 && t.back() == 'Z') return t.substr(0, 19) + ".000Z";
  return t;
}

Json::Value orderBody(const Json::Value &o, const Vocabulary &v, const std::string &country_name, bool with_items) {
  const std::string currency = o["currency"].asString();
  const Json::Value &addr = o["shippingAddress"];
  const Json::Value &customer = o["customer"];
  const bool seller = o["sellerId"].isString();
  const Json::Value payment = o["payment"];
  Json::Value j(Json::objectValue);
  j["id"] = o["id"];
  j["orderNumber"] = o["orderNumber"];
  j["userId"] = o["userId"];
  j["orderSource"] = seller ? "seller" : "brand";
  j["brandId"] = Json::Value(Json::nullValue);
  j["sellerId"] = orNull(o["sellerId"]);
  j["subtotal"] = v.major(o["subtotalMinor"].asInt64(), currency);
  j["discountAmount"] = "0";
  j["shippingCost"] = v.major(o["shippingMinor"].asInt64(), currency);
  j["taxAmount"] = "0";
  j["totalAmount"] = v.major(o["totalMinor"].asInt64(), currency);
  j["currency"] = currency;
  j["couponId"] = Json::Value(Json::nullValue);
  j["couponCode"] = Json::Value(Json::nullValue);
  j["shippingAddressId"] = Json::Value(Json::nullValue);
  j["shippingRecipient"] = textOrNull(addr["name"]);
  j["shippingPhone"] = textOrNull(addr["phone"]);
  j["shippingStreet"] = textOrNull(addr["line1"]);
  j["shippingDistrict"] = textOrNull(addr["line2"]);
  j["shippingCity"] = textOrNull(addr["city"]);
  j["shippingProvince"] = textOrNull(addr["region"]);
  j["shippingPostalCode"] =
      addr["postalCode"].isString() && !addr["postalCode"].asString().empty() ? addr["postalCode"] : Json::Value("-");
  j["shippingCountry"] = addr.isObject() ? Json::Value(country_name) : Json::Value(Json::nullValue);
  j["shippingLatitude"] = Json::Value(Json::nullValue);
  j["shippingLongitude"] = Json::Value(Json::nullValue);
  j["customerEmail"] = textOrNull(customer["email"]);
  j["customerPhone"] = customer["phone"].isString() ? customer["phone"] : textOrNull(addr["phone"]);
  j["customerName"] = customer["name"].isString() ? customer["name"] : textOrNull(addr["name"]);
  j["shippingMethod"] = Json::Value(Json::nullValue);
  Json::Value courier(Json::nullValue);
  for (const Json::Value &s : o["shipments"])
    if (s["carrier"].isString()) courier = s["carrier"];
  j["shippingCourier"] = courier;
  j["estimatedDelivery"] = Json::Value(Json::nullValue);
  j["status"] = v.fromCore(o["status"].asString());
  j["customerNotes"] = Json::Value(Json::nullValue);
  j["internalNotes"] = Json::Value(Json::nullValue);
  for (const char *k :
       {"paidAt", "confirmedAt", "processedAt", "shippedAt", "deliveredAt", "completedAt", "cancelledAt",
        "cancelReason", "cancelledBy", "liveSessionId", "idempotencyKey", "createdBy", "updatedBy"})
    j[k] = Json::Value(Json::nullValue);
  const std::string created = isoMillis(o["createdAt"].asString());
  j["createdAt"] = created;
  j["updatedAt"] = isoMillis(o["updatedAt"].asString());
  j["deletedAt"] = Json::Value(Json::nullValue);
  if (!with_items) return j;
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : o["items"]) {
    Json::Value it(Json::objectValue);
    it["id"] = Json::Value(Json::nullValue); // the core has no item ids
    it["orderId"] = o["id"];
    it["itemType"] = i["sellerId"].isString() ? "seller_product" : "brand_product";
    it["productId"] = i["productId"];
    it["variantId"] = i["variantId"].isString() ? i["variantId"] : Json::Value(Json::nullValue);
    it["brandId"] = Json::Value(Json::nullValue);
    it["brandProductId"] = Json::Value(Json::nullValue);
    it["sellerProductId"] = Json::Value(Json::nullValue);
    it["sellerId"] = orNull(i["sellerId"]);
    it["snapshotProductName"] = i["title"];
    it["snapshotVariantName"] = Json::Value(Json::nullValue);
    it["snapshotSku"] = Json::Value(Json::nullValue);
    it["snapshotImageUrl"] = i["imageUrl"].isString() ? i["imageUrl"] : Json::Value(Json::nullValue);
    it["snapshotBrandName"] = Json::Value(Json::nullValue);
    it["snapshotSellerName"] = Json::Value(Json::nullValue);
    it["unitPrice"] = v.major(i["unitPriceMinor"].asInt64(), currency);
    it["quantity"] = i["quantity"];
    it["subtotal"] = v.major(i["lineTotalMinor"].asInt64(), currency);
    it["discountAmount"] = "0";
    it["totalAmount"] = v.major(i["lineTotalMinor"].asInt64(), currency);
    it["fulfilledQuantity"] = 0;
    it["returnedQuantity"] = 0;
    it["createdAt"] = created;
    items.append(it);
  }
  j["items"] = items;
  (void)payment;
  return j;
}

bool isIso8601(const std::string &text) {
  static const std::regex iso("^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$");
  return std::regex_match(text, iso);
}

bool isZodDatetime(const std::string &text) {
  static const std::regex dt("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$");
  return std::regex_match(text, dt);
}

} // namespace orders::plugins::dialect::lakoo
