// orders/sdk/messages.hpp - requests and responses of each plugin kind.
//
// One struct per method argument and result named in abi.h's method tables.
// Their JSON shapes are published in schemas/data/plugin-messages.v1.schema.json.
//
// Thread-safety: plain values.
#ifndef ORDERS_SDK_MESSAGES_HPP
#define ORDERS_SDK_MESSAGES_HPP

#include "orders/sdk/types.hpp"

namespace orders::sdk {

// ---- inventory --------------------------------------------------------
struct StockLine {
  std::string productId;
  std::optional<std::string> variantId;
  std::optional<std::string> sellerId;
  int64_t quantity = 0;
  std::optional<std::string> reservationId; // a soft reservation made earlier
  template <class V> void visit(V &v) {
    v("productId", productId);
    v("variantId", variantId);
    v("sellerId", sellerId);
    v("quantity", quantity);
    v("reservationId", reservationId);
  }
};

struct ReserveRequest {
  std::string reference;      // checkout or order id the stock is held for
  std::string idempotencyKey; // same key => same reservation
  int64_t ttlSeconds = 0;     // 0: the provider's default
  std::vector<StockLine> lines;
  template <class V> void visit(V &v) {
    v("reference", reference);
    v("idempotencyKey", idempotencyKey);
    v("ttlSeconds", ttlSeconds);
    v("lines", lines);
  }
};

struct Shortage {
  std::string productId;
  std::optional<std::string> variantId;
  int64_t requested = 0;
  int64_t available = 0;
  template <class V> void visit(V &v) {
    v("productId", productId);
    v("variantId", variantId);
    v("requested", requested);
    v("available", available);
  }
};

// Out of stock is an outcome (reserved=false + shortages), not an error.
struct ReserveOutcome {
  bool reserved = false;
  std::optional<std::string> reservationId;
  std::optional<std::string> expiresAt;
  std::vector<Shortage> shortages;
  template <class V> void visit(V &v) {
    v("reserved", reserved);
    v("reservationId", reservationId);
    v("expiresAt", expiresAt);
    v("shortages", shortages);
  }
};

struct ReservationRef {
  std::string reservationId;
  std::string reference;
  std::vector<StockLine> lines;
  template <class V> void visit(V &v) {
    v("reservationId", reservationId);
    v("reference", reference);
    v("lines", lines);
  }
};

// inventory.restock (since ABI 1.3): units a commit took, put back on sale
// because their paid order was cancelled or refunded. The same
// idempotencyKey may come again (a retry): restock once.
struct RestockRequest {
  std::string reservationId;  // the provider's id of the committed reservation
  std::string reference;      // the order id
  std::string idempotencyKey; // "restock:<reservation row id>"
  std::vector<StockLine> lines;
  template <class V> void visit(V &v) {
    v("reservationId", reservationId);
    v("reference", reference);
    v("idempotencyKey", idempotencyKey);
    v("lines", lines);
  }
};

// ---- catalog ------------------------------------------------------------
struct ProductRef {
  std::string productId;
  std::optional<std::string> variantId;
  template <class V> void visit(V &v) {
    v("productId", productId);
    v("variantId", variantId);
  }
};

struct LookupRequest {
  std::vector<ProductRef> items;
  template <class V> void visit(V &v) { v("items", items); }
};

struct Product {
  std::string productId;
  std::optional<std::string> variantId;
  std::string title;
  Money unitPrice;
  std::optional<std::string> sellerId; // absent: house brand
  std::optional<std::string> imageUrl;
  Attributes attributes;
  template <class V> void visit(V &v) {
    v("productId", productId);
    v("variantId", variantId);
    v("title", title);
    v("unitPrice", unitPrice);
    v("sellerId", sellerId);
    v("imageUrl", imageUrl);
    v("attributes", attributes);
  }
};

// Products not known to the catalog are simply absent from `products`.
struct LookupResult {
  std::vector<Product> products;
  template <class V> void visit(V &v) { v("products", products); }
};

// ---- customer (since ABI 1.2) --------------------------------------------
// Who to look up: the authenticated user (and the email the gateway gave).
struct CustomerRef {
  std::string userId;
  std::optional<std::string> email;
  template <class V> void visit(V &v) {
    v("userId", userId);
    v("email", email);
  }
};

// ---- cart ---------------------------------------------------------------
struct CartRef {
  std::string userId;
  std::optional<std::string> email;
  template <class V> void visit(V &v) {
    v("userId", userId);
    v("email", email);
  }
};

struct Cart {
  std::vector<StockLine> lines;
  template <class V> void visit(V &v) { v("lines", lines); }
};

// ---- payment ------------------------------------------------------------
struct PaymentRequest {
  std::string orderId;
  std::string orderNumber;
  int64_t attempt = 1;
  std::string idempotencyKey; // derived from order id and attempt
  Money amount;
  std::optional<Party> customer;
  std::optional<std::string> description;
  std::vector<LineItem> items;
  std::optional<std::string> userId;     // the buyer (neighbours that key payments by user)
  std::optional<int64_t> orderNumericId; // the order's numeric id (neighbours with integer ids)
  template <class V> void visit(V &v) {
    v("orderId", orderId);
    v("orderNumericId", orderNumericId);
    v("orderNumber", orderNumber);
    v("userId", userId);
    v("attempt", attempt);
    v("idempotencyKey", idempotencyKey);
    v("amount", amount);
    v("customer", customer);
    v("description", description);
    v("items", items);
  }
};

struct PaymentResult {
  std::string reference;
  std::string status; // pending | captured | failed | cancelled | refunded
  std::optional<std::string> redirectUrl;
  std::optional<std::string> expiresAt;
  // What the provider says was paid (status() answers): the host's status
  // poll checks it against the attempt's amount and applies nothing
  // without it. Optional on the wire; older plugins leave it out.
  std::optional<Money> amount;
  // As PaymentEvent::amountNotReported: the provider never says what was
  // paid, so the status poll takes a capture without `amount`.
  std::optional<bool> amountNotReported;
  template <class V> void visit(V &v) {
    v("reference", reference);
    v("status", status);
    v("redirectUrl", redirectUrl);
    v("expiresAt", expiresAt);
    v("amount", amount);
    v("amountNotReported", amountNotReported);
  }
};

struct PaymentRef {
  std::string reference;
  std::string orderId;
  template <class V> void visit(V &v) {
    v("reference", reference);
    v("orderId", orderId);
  }
};

struct RefundRequest {
  std::string reference;
  std::string orderId;
  Money amount;
  std::optional<std::string> reason;
  std::string idempotencyKey;
  template <class V> void visit(V &v) {
    v("reference", reference);
    v("orderId", orderId);
    v("amount", amount);
    v("reason", reason);
    v("idempotencyKey", idempotencyKey);
  }
};

// A webhook or Kafka message handed to a plugin; its body is the payload.
struct InboundMessage {
  std::string source; // "webhook" or "kafka"
  std::optional<std::string> topic;
  std::optional<std::string> key;
  std::map<std::string, std::string> headers; // lower-case names
  template <class V> void visit(V &v) {
    v("source", source);
    v("topic", topic);
    v("key", key);
    v("headers", headers);
  }
};

// outcome "event": `event` is set; "ignored": not for us (reason says why).
// A message the plugin cannot understand is an invalid_argument error.
struct ParsedEvent {
  std::string outcome;
  std::optional<PaymentEvent> event;
  std::optional<std::string> reason;
  template <class V> void visit(V &v) {
    v("outcome", outcome);
    v("event", event);
    v("reason", reason);
  }
};

// ---- shipping -----------------------------------------------------------
struct ShipmentRequest {
  std::string orderId;
  std::string orderNumber;
  std::optional<std::string> sellerId;
  Address address;
  std::vector<LineItem> lines;
  std::string idempotencyKey;
  std::optional<int64_t> orderNumericId; // the order's numeric id (neighbours with integer ids)
  std::optional<Party> customer;         // the buyer as the order snapshots them
  template <class V> void visit(V &v) {
    v("orderId", orderId);
    v("orderNumber", orderNumber);
    v("sellerId", sellerId);
    v("address", address);
    v("lines", lines);
    v("idempotencyKey", idempotencyKey);
    v("orderNumericId", orderNumericId);
    v("customer", customer);
  }
};

// Confirm/cancel request. The host also sends what the shipment carries
// (its seller group's address and lines), so a plugin that books only at
// confirmation needs no memory of the draft.
struct ShipmentRef {
  std::string reference;
  std::string orderId;
  std::optional<std::string> orderNumber;
  std::optional<std::string> sellerId;
  std::optional<Address> address;
  std::vector<LineItem> lines;
  template <class V> void visit(V &v) {
    v("reference", reference);
    v("orderId", orderId);
    v("orderNumber", orderNumber);
    v("sellerId", sellerId);
    v("address", address);
    v("lines", lines);
  }
};

struct Quote {
  Money amount;
  std::optional<std::string> service;
  template <class V> void visit(V &v) {
    v("amount", amount);
    v("service", service);
  }
};

// A tracking update from a logistics provider's callback.
struct ShipmentUpdate {
  std::string outcome; // "event" or "ignored"
  std::optional<std::string> eventId;
  std::optional<std::string> reference;
  std::optional<std::string> orderId;
  std::optional<std::string> status; // shipped | delivered | ...
  std::optional<std::string> carrier;
  std::optional<std::string> trackingNumber;
  template <class V> void visit(V &v) {
    v("outcome", outcome);
    v("eventId", eventId);
    v("reference", reference);
    v("orderId", orderId);
    v("status", status);
    v("carrier", carrier);
    v("trackingNumber", trackingNumber);
  }
};

// ---- invoice and notifier -----------------------------------------------
struct InvoiceRequest {
  OrderSnapshot order;
  std::string invoiceNumber; // allocated once per order by the host; stable on re-download
  std::string issuedAt;      // RFC 3339, when the number was allocated
  std::optional<Party> seller;
  std::optional<std::string> paymentReference; // the provider's reference of the captured payment
  std::optional<std::string> paidAt;           // RFC 3339
  template <class V> void visit(V &v) {
    v("order", order);
    v("invoiceNumber", invoiceNumber);
    v("issuedAt", issuedAt);
    v("seller", seller);
    v("paymentReference", paymentReference);
    v("paidAt", paidAt);
  }
};

// One order event for a notifier. Delivery is at least once: `eventId` is
// stable across redeliveries (use it as an idempotency key).
struct Notification {
  std::string event; // e.g. "order.paid"
  OrderSnapshot order;
  std::optional<Party> recipient;
  std::optional<std::string> eventId;
  std::optional<std::string> occurredAt; // RFC 3339
  template <class V> void visit(V &v) {
    v("event", event);
    v("order", order);
    v("recipient", recipient);
    v("eventId", eventId);
    v("occurredAt", occurredAt);
  }
};

// ---- dialect (since ABI 1.4) ----------------------------------------------
// One route a dialect serves. `path` is relative to the instance's `mount`
// and uses ":name" segments for parameters (/api/orders/:id). `auth` names
// an auth group: the instance config maps groups to the host's schemes,
// tried in order ("none" = no credentials asked; a principal is still
// passed when valid ones come). `headers` lists the request headers
// (lower-case) the dialect wants to see besides the host's authentication.
struct DialectRoute {
  std::string method;
  std::string path;
  std::string auth = "user";
  std::vector<std::string> headers;
  template <class V> void visit(V &v) {
    v("method", method);
    v("path", path);
    v("auth", auth);
    v("headers", headers);
  }
};

// What a dialect offers: its routes and the event formats encode_event
// knows (published as "<instance-id>/<format>").
struct DialectSpec {
  std::vector<DialectRoute> routes;
  std::vector<std::string> eventFormats;
  template <class V> void visit(V &v) {
    v("routes", routes);
    v("eventFormats", eventFormats);
  }
};

// Who the host authenticated for a dialect request (roles: buyer, seller,
// admin, internal; scheme: jwt, gateway, service_hmac, internal_token).
struct CallerPrincipal {
  std::string subject;
  std::string role;
  std::optional<std::string> sellerId;
  std::optional<std::string> email;
  std::string scheme;
  template <class V> void visit(V &v) {
    v("subject", subject);
    v("role", role);
    v("sellerId", sellerId);
    v("email", email);
    v("scheme", scheme);
  }
};

// One request to a dialect route; the raw body is the payload. `callId`
// identifies it to the host's `core` service while handle() runs.
struct DialectRequest {
  std::string callId;
  std::string method;
  std::string path;  // as received, without the query
  std::string route; // the declared path pattern
  std::map<std::string, std::string> params;
  std::string query; // raw query string
  std::map<std::string, std::string> queryParams;
  std::map<std::string, std::string> headers; // the declared ones, lower-case names
  std::optional<CallerPrincipal> principal;
  // Set when the route's auth group requires credentials and they were
  // absent or invalid (the reason): answer 401 in the dialect's own words.
  // An answer below 400 is replaced by the host's 401.
  std::optional<std::string> authError;
  std::string requestId;
  template <class V> void visit(V &v) {
    v("callId", callId);
    v("method", method);
    v("path", path);
    v("route", route);
    v("params", params);
    v("query", query);
    v("queryParams", queryParams);
    v("headers", headers);
    v("principal", principal);
    v("authError", authError);
    v("requestId", requestId);
  }
};

// A dialect's answer: META of handle(); the body is the BODY part.
struct DialectResponse {
  int64_t status = 200;
  std::map<std::string, std::string> headers;
  std::string contentType = "application/json";
  std::string body; // not in JSON: the BODY part
  template <class V> void visit(V &v) {
    v("status", status);
    v("headers", headers);
    v("contentType", contentType);
  }
};

// A canonical order event to encode: `event` is the canonical envelope
// ({id, type, version, occurredAt, orderId, sequence, data}).
struct EventToEncode {
  std::string format; // without the "<instance-id>/" prefix
  std::string type;   // e.g. "order.paid"
  Json::Value event;
  template <class V> void visit(V &v) {
    v("format", format);
    v("type", type);
    v("event", event);
  }
};

// META of encode_event; the message value is the BODY part. publish=false:
// this format has no message for the event (nothing is sent).
struct EncodedEvent {
  bool publish = true;
  std::optional<std::string> type; // the event-type header; default: the canonical type
  std::optional<std::string> key;  // the message key; default: the order id
  std::string value;               // not in JSON: the BODY part
  template <class V> void visit(V &v) {
    v("publish", publish);
    v("type", type);
    v("key", key);
  }
};

} // namespace orders::sdk

#endif
