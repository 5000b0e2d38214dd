// Column lists and row readers for orders, items, payments and shipments,
// shared by the per-table repositories (Rows over a Poco result) and the
// one-round-trip order view (JsonRow over a JSON object per row). A reader
// takes any row with str(), optStr() and i64() by column name.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "domain/order.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::storage {

inline constexpr const char *kOrderColumns =
    "id, order_number, checkout_id, user_id, seller_id, status, currency, subtotal_minor, shipping_minor, "
    "total_minor, shipping_address, customer, payment_instance, shipping_instance, refund_required, version, "
    "created_at_ms, updated_at_ms, seq, billing_address, metadata";
inline constexpr const char *kItemColumns = "line_no, product_id, variant_id, seller_id, title, quantity, "
                                            "unit_price_minor, line_total_minor, attributes, image_url";
inline constexpr const char *kPaymentColumns =
    "id, order_id, attempt, provider, idempotency_key, reference, status, amount_minor, currency, redirect_url, "
    "expires_at, created_at_ms, updated_at_ms";
inline constexpr const char *kShipmentColumns =
    "id, order_id, seller_id, provider, reference, status, carrier, tracking_number, created_at_ms, updated_at_ms";

inline Json::Value parseOrNull(const std::optional<std::string> &text) {
  if (!text || text->empty()) return Json::Value(Json::nullValue);
  return sdk::parseJson(*text);
}

template <class Row> core::Order readOrder(Row &r) {
  core::Order o;
  o.id = r.str("id");
  o.order_number = r.str("order_number");
  o.checkout_id = r.str("checkout_id");
  o.user_id = r.str("user_id");
  o.seller_id = r.optStr("seller_id");
  o.status = core::statusFromName(r.str("status")).value_or(core::OrderStatus::pending);
  o.currency = r.str("currency");
  o.subtotal_minor = r.i64("subtotal_minor");
  o.shipping_minor = r.i64("shipping_minor");
  o.total_minor = r.i64("total_minor");
  o.shipping_address = parseOrNull(r.optStr("shipping_address"));
  o.customer = parseOrNull(r.optStr("customer"));
  o.payment_instance = r.optStr("payment_instance");
  o.shipping_instance = r.optStr("shipping_instance");
  o.refund_required = r.i64("refund_required") != 0;
  o.version = r.i64("version");
  o.created_at_ms = r.i64("created_at_ms");
  o.updated_at_ms = r.i64("updated_at_ms");
  o.seq = r.i64("seq");
  o.billing_address = parseOrNull(r.optStr("billing_address"));
  o.metadata = parseOrNull(r.optStr("metadata"));
  return o;
}

template <class Row> core::OrderItem readItem(Row &r) {
  core::OrderItem i;
  i.line_no = static_cast<int>(r.i64("line_no"));
  i.product_id = r.str("product_id");
  i.variant_id = r.optStr("variant_id");
  i.seller_id = r.optStr("seller_id");
  i.title = r.str("title");
  i.quantity = r.i64("quantity");
  i.unit_price_minor = r.i64("unit_price_minor");
  i.line_total_minor = r.i64("line_total_minor");
  i.attributes = parseOrNull(r.optStr("attributes"));
  if (i.attributes.isNull()) i.attributes = Json::Value(Json::objectValue);
  i.image_url = r.optStr("image_url");
  return i;
}

// A stored side-effect status; a name the table does not know is a corrupt
// row, reported with the table it came from.
template <class S> S statusOf(const std::string &name, std::optional<S> (*parse)(std::string_view), const char *table) {
  if (auto s = parse(name)) return *s;
  throw std::runtime_error(std::string(table) + ".status: unknown status '" + name + "'");
}

template <class Row> core::Payment readPayment(Row &r) {
  core::Payment p;
  p.id = r.str("id");
  p.order_id = r.str("order_id");
  p.attempt = static_cast<int>(r.i64("attempt"));
  p.provider = r.str("provider");
  p.idempotency_key = r.str("idempotency_key");
  p.reference = r.optStr("reference");
  p.status = statusOf(r.str("status"), core::paymentStatusFromName, "payments");
  p.amount_minor = r.i64("amount_minor");
  p.currency = r.str("currency");
  p.redirect_url = r.optStr("redirect_url");
  p.expires_at = r.optStr("expires_at");
  p.created_at_ms = r.i64("created_at_ms");
  p.updated_at_ms = r.i64("updated_at_ms");
  return p;
}

template <class Row> core::Shipment readShipment(Row &r) {
  core::Shipment s;
  s.id = r.str("id");
  s.order_id = r.str("order_id");
  s.seller_id = r.optStr("seller_id");
  s.provider = r.str("provider");
  s.reference = r.optStr("reference");
  s.status = statusOf(r.str("status"), core::shipmentStatusFromName, "shipments");
  s.carrier = r.optStr("carrier");
  s.tracking_number = r.optStr("tracking_number");
  s.created_at_ms = r.i64("created_at_ms");
  s.updated_at_ms = r.i64("updated_at_ms");
  return s;
}

} // namespace orders::host::storage
