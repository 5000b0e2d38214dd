// The order core's records, as stored and as the API shows them.
#pragma once

#include <json/json.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/order_status.hpp"
#include "domain/side_effect_status.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/types.hpp"

namespace orders::host::core {

struct OrderItem {
  int line_no = 0;
  std::string product_id;
  std::optional<std::string> variant_id;
  std::optional<std::string> seller_id;
  std::string title;
  int64_t quantity = 0;
  int64_t unit_price_minor = 0;
  int64_t line_total_minor = 0;
  Json::Value attributes{Json::objectValue};
  std::optional<std::string> image_url;
};

struct Order {
  std::string id;
  std::string order_number;
  int64_t seq = 0; // the numeric id (migration 0008); 0 until drawn
  std::string checkout_id;
  std::string user_id;
  std::optional<std::string> seller_id; // absent: house brand
  OrderStatus status = OrderStatus::pending;
  std::string currency;
  int64_t subtotal_minor = 0;
  int64_t shipping_minor = 0;
  int64_t total_minor = 0;
  Json::Value shipping_address; // null when none
  Json::Value customer;         // null when none
  Json::Value billing_address;  // null when none (migration 0009)
  Json::Value metadata;         // null when none: the client's free-form notes
  std::optional<std::string> payment_instance;
  std::optional<std::string> shipping_instance;
  bool refund_required = false;
  int64_t version = 1;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::vector<OrderItem> items;
};

struct Payment {
  std::string id;
  std::string order_id;
  int attempt = 1;
  std::string provider; // payment plugin instance id
  std::string idempotency_key;
  std::optional<std::string> reference;
  PaymentStatus status = PaymentStatus::creating;
  int64_t amount_minor = 0;
  std::string currency;
  std::optional<std::string> redirect_url;
  std::optional<std::string> expires_at;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct Shipment {
  std::string id;
  std::string order_id;
  std::optional<std::string> seller_id;
  std::string provider; // shipping plugin instance id
  std::optional<std::string> reference;
  ShipmentStatus status = ShipmentStatus::creating;
  std::optional<std::string> carrier;
  std::optional<std::string> tracking_number;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// Stock held for a checkout by one inventory instance (statuses:
// domain/side_effect_status.hpp).
struct Reservation {
  std::string id;
  std::string checkout_id;
  std::optional<std::string> order_id;
  std::string provider;
  std::optional<std::string> reservation_id;
  std::string idempotency_key;
  ReservationStatus status = ReservationStatus::reserving;
  Json::Value lines{Json::arrayValue}; // StockLine[]
  std::optional<std::string> expires_at;
};

struct HistoryEntry {
  std::optional<std::string> from_status;
  std::string to_status;
  std::string actor;
  std::optional<std::string> reason;
  int64_t at_ms = 0;
};

int64_t nowMs();
// A new row id: a time-ordered UUID (version 7, plugins/common/time_ordered_id.hpp).
std::string newId();
// A random UUID (version 4), where an id must not tell when it was made.
std::string newRandomId();
std::string newOrderNumber(int64_t now_ms);
std::string rfc3339(int64_t ms);

// The order's items as SDK line items (for plugins).
std::vector<sdk::LineItem> lineItemsOf(const Order &o);
// The request that creates payment attempt `payment` of `o`: the checkout,
// a retry, compensation and the reconciler (asking again with the same
// idempotency key) all send this same request.
sdk::PaymentRequest paymentRequestOf(const Order &o, const Payment &payment);
// The request that creates the shipment of `seller_id`'s items of `o` (the
// house brand's when empty), with the idempotency key every caller (the
// checkout, compensation, the reconciler) must reuse for it.
sdk::ShipmentRequest shipmentRequestOf(const Order &o, const std::optional<std::string> &seller_id);

// An order as GET /api/orders/:id shows it: with its payment attempts and
// shipments.
struct OrderView {
  Order order;
  std::vector<Payment> payments;
  std::vector<Shipment> shipments;
};

// Which orders a listing shows, newest first.
struct OrderFilter {
  std::optional<std::string> user_id;
  std::optional<std::string> seller_id;
  std::optional<std::string> status;
  std::optional<int64_t> created_from_ms;
  std::optional<int64_t> created_to_ms;
  // Keyset cursor: rows strictly after (created_at_ms, id) in (desc, desc) order.
  std::optional<std::pair<int64_t, std::string>> after;
  // Case-insensitive substring of the order number (dialects' `search`).
  std::optional<std::string> search;
  int limit = 20;
  int offset = 0; // page numbers (dialects); the canonical API uses `after`
};

// The order as the canonical API and events show it (camelCase, *Minor).
Json::Value orderJson(const Order &order);

} // namespace orders::host::core
