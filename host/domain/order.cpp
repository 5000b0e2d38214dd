#include "domain/order.hpp"

#include <Poco/UUIDGenerator.h>

#include "orders/sdk/json.hpp"
#include "time_ordered_id.hpp"

#include <chrono>
#include <ctime>
#include <random>

namespace orders::host::core {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string newId() { return ids::timeOrderedId(); }

std::string newRandomId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string newOrderNumber(int64_t now_ms) {
  // ORD-YYYYMMDD-XXXXXXXX: readable on the phone, 32^8 per day; the unique
  // index catches the (rare) collision and the writer retries.
  static const char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  std::string out = std::string("ORD-") + date + "-";
  for (int i = 0; i < 8; ++i)
    out += kAlphabet[rng() % 32];
  return out;
}

std::string rfc3339(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

sdk::PaymentRequest paymentRequestOf(const Order &o, const Payment &payment) {
  sdk::PaymentRequest req;
  req.orderId = o.id;
  req.orderNumber = o.order_number;
  if (o.seq > 0) req.orderNumericId = o.seq;
  req.userId = o.user_id;
  req.attempt = payment.attempt;
  req.idempotencyKey = payment.idempotency_key;
  req.amount = sdk::Money{payment.amount_minor, payment.currency};
  if (o.customer.isObject()) req.customer = sdk::fromJsonOrThrow<sdk::Party>(o.customer);
  req.description = "Order " + o.order_number;
  req.items = lineItemsOf(o);
  return req;
}

sdk::ShipmentRequest shipmentRequestOf(const Order &o, const std::optional<std::string> &seller_id) {
  sdk::ShipmentRequest req;
  req.orderId = o.id;
  req.orderNumber = o.order_number;
  req.sellerId = seller_id && !seller_id->empty() ? seller_id : std::nullopt;
  if (o.seq > 0) req.orderNumericId = o.seq;
  if (o.customer.isObject()) req.customer = sdk::fromJsonOrThrow<sdk::Party>(o.customer);
  if (o.shipping_address.isObject()) req.address = sdk::fromJsonOrThrow<sdk::Address>(o.shipping_address);
  for (sdk::LineItem &li : lineItemsOf(o))
    if (li.sellerId.value_or("") == seller_id.value_or("")) req.lines.push_back(std::move(li));
  req.idempotencyKey = "order:" + o.id + ":shipment:" + (req.sellerId ? *req.sellerId : "house");
  return req;
}

std::vector<sdk::LineItem> lineItemsOf(const Order &o) {
  std::vector<sdk::LineItem> out;
  for (const OrderItem &i : o.items) {
    sdk::LineItem li;
    li.productId = i.product_id;
    li.variantId = i.variant_id;
    li.sellerId = i.seller_id;
    li.title = i.title;
    li.quantity = i.quantity;
    li.unitPrice = sdk::Money{i.unit_price_minor, o.currency};
    li.lineTotal = sdk::Money{i.line_total_minor, o.currency};
    for (const std::string &k : i.attributes.getMemberNames())
      if (i.attributes[k].isString()) li.attributes[k] = i.attributes[k].asString();
    out.push_back(std::move(li));
  }
  return out;
}

Json::Value orderJson(const core::Order &o) {
  Json::Value j(Json::objectValue);
  j["id"] = o.id;
  j["orderNumber"] = o.order_number;
  if (o.seq > 0) j["numericId"] = static_cast<Json::Int64>(o.seq);
  j["checkoutId"] = o.checkout_id;
  j["userId"] = o.user_id;
  j["sellerId"] = o.seller_id ? Json::Value(*o.seller_id) : Json::Value(Json::nullValue);
  j["status"] = core::statusName(o.status);
  j["currency"] = o.currency;
  j["subtotalMinor"] = static_cast<Json::Int64>(o.subtotal_minor);
  j["shippingMinor"] = static_cast<Json::Int64>(o.shipping_minor);
  j["totalMinor"] = static_cast<Json::Int64>(o.total_minor);
  j["shippingAddress"] = o.shipping_address;
  j["customer"] = o.customer;
  if (!o.billing_address.isNull()) j["billingAddress"] = o.billing_address;
  if (!o.metadata.isNull()) j["metadata"] = o.metadata;
  j["refundRequired"] = o.refund_required;
  j["version"] = static_cast<Json::Int64>(o.version);
  j["createdAt"] = core::rfc3339(o.created_at_ms);
  j["updatedAt"] = core::rfc3339(o.updated_at_ms);
  Json::Value items(Json::arrayValue);
  for (const core::OrderItem &i : o.items) {
    Json::Value it(Json::objectValue);
    it["productId"] = i.product_id;
    if (i.variant_id) it["variantId"] = *i.variant_id;
    it["sellerId"] = i.seller_id ? Json::Value(*i.seller_id) : Json::Value(Json::nullValue);
    it["title"] = i.title;
    it["quantity"] = static_cast<Json::Int64>(i.quantity);
    it["unitPriceMinor"] = static_cast<Json::Int64>(i.unit_price_minor);
    it["lineTotalMinor"] = static_cast<Json::Int64>(i.line_total_minor);
    it["currency"] = o.currency;
    it["attributes"] = i.attributes;
    if (i.image_url) it["imageUrl"] = *i.image_url;
    items.append(it);
  }
  j["items"] = items;
  return j;
}

} // namespace orders::host::core
