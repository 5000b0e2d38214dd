// orders/sdk/types.hpp - the value types that cross the plugin boundary.
//
// Each type is a plain struct whose `visit` lists its JSON fields once (see
// json.hpp); the JSON shapes are also published as JSON Schemas under
// schemas/data/. Money is always int64 minor units plus an ISO 4217
// currency; there is no floating-point money anywhere in the SDK.
// Timestamps are RFC 3339 UTC strings ("2026-11-22T10:00:00Z").
//
// Thread-safety: plain values.
#ifndef ORDERS_SDK_TYPES_HPP
#define ORDERS_SDK_TYPES_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/json.hpp"

namespace orders::sdk {

using Attributes = std::map<std::string, std::string>;

struct Money {
  int64_t amountMinor = 0; // e.g. 1999 for USD 19.99, 150000 for IDR 150000
  std::string currency;    // ISO 4217, upper case
  template <class V> void visit(V &v) {
    v("amountMinor", amountMinor);
    v("currency", currency);
  }
};

struct Address {
  std::optional<std::string> name;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::optional<std::string> region;
  std::optional<std::string> postalCode;
  std::string country; // ISO 3166-1 alpha-2
  std::optional<std::string> phone;
  template <class V> void visit(V &v) {
    v("name", name);
    v("line1", line1);
    v("line2", line2);
    v("city", city);
    v("region", region);
    v("postalCode", postalCode);
    v("country", country);
    v("phone", phone);
  }
};

// A person or organisation: a buyer, a seller, a customer snapshot.
struct Party {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  template <class V> void visit(V &v) {
    v("id", id);
    v("name", name);
    v("email", email);
    v("phone", phone);
  }
};

// One priced line of an order (an immutable snapshot once the order exists).
struct LineItem {
  std::string productId;
  std::optional<std::string> variantId;
  std::optional<std::string> sellerId; // absent: house brand
  std::string title;
  int64_t quantity = 0;
  Money unitPrice;
  Money lineTotal;
  Attributes attributes;
  template <class V> void visit(V &v) {
    v("productId", productId);
    v("variantId", variantId);
    v("sellerId", sellerId);
    v("title", title);
    v("quantity", quantity);
    v("unitPrice", unitPrice);
    v("lineTotal", lineTotal);
    v("attributes", attributes);
  }
};

// What a plugin sees of an order.
struct OrderSnapshot {
  std::string id;
  std::string orderNumber;
  std::string userId;
  std::optional<std::string> sellerId;
  std::string status; // canonical status name, e.g. "awaiting_payment"
  std::string currency;
  std::vector<LineItem> items;
  int64_t subtotalMinor = 0;
  int64_t shippingMinor = 0;
  int64_t totalMinor = 0;
  std::optional<Address> shippingAddress;
  std::optional<Party> customer;
  std::string createdAt;
  template <class V> void visit(V &v) {
    v("id", id);
    v("orderNumber", orderNumber);
    v("userId", userId);
    v("sellerId", sellerId);
    v("status", status);
    v("currency", currency);
    v("items", items);
    v("subtotalMinor", subtotalMinor);
    v("shippingMinor", shippingMinor);
    v("totalMinor", totalMinor);
    v("shippingAddress", shippingAddress);
    v("customer", customer);
    v("createdAt", createdAt);
  }
};

struct Shipment {
  std::string reference; // the provider's id
  std::optional<std::string> sellerId;
  std::string status; // draft | confirmed | shipped | delivered | cancelled
  std::optional<std::string> carrier;
  std::optional<std::string> trackingNumber;
  template <class V> void visit(V &v) {
    v("reference", reference);
    v("sellerId", sellerId);
    v("status", status);
    v("carrier", carrier);
    v("trackingNumber", trackingNumber);
  }
};

// A payment fact reported by a provider, by webhook or by message.
struct PaymentEvent {
  std::string source;  // provider instance or topic, part of the dedupe key
  std::string eventId; // unique within source
  std::string type;    // paid | failed | expired | refunded
  std::optional<std::string> orderId;
  std::optional<std::string> orderNumber;
  std::optional<std::string> paymentReference;
  std::optional<Money> amount;
  std::optional<std::string> occurredAt;
  // True when the provider never says what was paid (the plugin declares it,
  // e.g. from its config): an event without `amount` is then taken as is.
  // Otherwise the host refunds a plugin's `paid` without an amount
  // (amount_mismatch). Optional on the wire; older plugins leave it out.
  std::optional<bool> amountNotReported;
  template <class V> void visit(V &v) {
    v("source", source);
    v("eventId", eventId);
    v("type", type);
    v("orderId", orderId);
    v("orderNumber", orderNumber);
    v("paymentReference", paymentReference);
    v("amount", amount);
    v("occurredAt", occurredAt);
    v("amountNotReported", amountNotReported);
  }
};

// A rendered document (invoice). The bytes travel as the sink's BODY part;
// this is its META part.
struct Document {
  std::string contentType; // e.g. application/pdf
  std::string filename;
  std::string bytes; // not in JSON: carried separately
  template <class V> void visit(V &v) {
    v("contentType", contentType);
    v("filename", filename);
  }
};

struct Empty {
  template <class V> void visit(V &) {}
};

} // namespace orders::sdk

#endif
