// orders/sdk/kinds.hpp - one C++ interface per plugin kind.
//
// A plugin implements exactly one of these and registers it with
// ORDERS_PLUGIN (plugin.hpp). Every method may be called concurrently from
// several host threads for one instance: keep per-call state on the stack
// and guard shared state. Methods return Result values and may throw; the
// trampolines turn a thrown exception into an `internal` error (never a
// crash). Optional methods have a default that answers `unsupported`.
#ifndef ORDERS_SDK_KINDS_HPP
#define ORDERS_SDK_KINDS_HPP

#include <string_view>

#include "orders/sdk/host.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::sdk {

// Everything create() gets: the host services, the instance id and the
// validated config (schema defaults applied).
struct PluginContext {
  Host host;
  std::string instanceId;
  Json::Value config;
};

class Plugin {
public:
  virtual ~Plugin() = default;
  // Readiness for /health/ready (e.g. the peer answers). Default: ready.
  virtual Status ready() { return Status(); }
};

// Holds stock. reserve() is idempotent on idempotencyKey; out of stock is a
// ReserveOutcome with reserved=false, not an error.
class InventoryProvider : public Plugin {
public:
  using Interface = InventoryProvider;
  static constexpr orders_kind_t kKind = ORDERS_KIND_INVENTORY;
  // Capability flags (ORDERS_INVENTORY_*); shadow in the plugin class.
  static constexpr uint32_t kCapabilities = ORDERS_INVENTORY_CAN_RELEASE;
  virtual Result<ReserveOutcome> reserve(const ReserveRequest &request) = 0;
  virtual Result<Empty> commit(const ReservationRef &reservation) = 0;
  virtual Result<Empty> release(const ReservationRef &reservation) = 0;
  // Since ABI 1.3: puts units a commit took back on sale (their paid order
  // was cancelled or refunded); idempotent on request.idempotencyKey.
  // Declare ORDERS_INVENTORY_CAN_RESTOCK in kCapabilities when overriding;
  // without it the host flags such orders for a manual restock instead.
  virtual Result<Empty> restock(const RestockRequest &) {
    return Error::make(ErrorCode::unsupported, "this inventory provider cannot restock");
  }
};

// Prices and describes products; the core never trusts client prices.
class CatalogProvider : public Plugin {
public:
  using Interface = CatalogProvider;
  static constexpr orders_kind_t kKind = ORDERS_KIND_CATALOG;
  virtual Result<LookupResult> lookup(const LookupRequest &request) = 0;
};

// Where a buyer's cart comes from. clear() is best-effort.
class CartProvider : public Plugin {
public:
  using Interface = CartProvider;
  static constexpr orders_kind_t kKind = ORDERS_KIND_CART;
  virtual Result<Cart> load(const CartRef &cart) = 0;
  virtual Result<Empty> clear(const CartRef &cart) = 0;
};

// Who the buyer is (since ABI 1.2): name, email and phone for the order's
// immutable customer snapshot, from a user directory (seed 004's
// auth-service). not_found when the user does not exist.
class CustomerDirectory : public Plugin {
public:
  using Interface = CustomerDirectory;
  static constexpr orders_kind_t kKind = ORDERS_KIND_CUSTOMER;
  virtual Result<Party> lookup(const CustomerRef &customer) = 0;
};

// Creates and follows payments. createPayment() must be idempotent on
// request.idempotencyKey. A declined payment is a PaymentResult with status
// "failed", not an error.
class PaymentProvider : public Plugin {
public:
  using Interface = PaymentProvider;
  static constexpr orders_kind_t kKind = ORDERS_KIND_PAYMENT;
  virtual Result<PaymentResult> createPayment(const PaymentRequest &request) = 0;
  virtual Result<PaymentResult> refund(const RefundRequest &request) = 0;
  virtual Result<PaymentResult> cancel(const PaymentRef &payment) = 0;
  // Verifies and translates a provider callback; `body` is the raw bytes.
  virtual Result<ParsedEvent> parseWebhook(const InboundMessage &message, std::string_view body) {
    (void)message, (void)body;
    return unsupported("this payment plugin takes no webhooks");
  }
  // Translates a Kafka message; `value` is the raw message value.
  virtual Result<ParsedEvent> parseEvent(const InboundMessage &message, std::string_view value) {
    (void)message, (void)value;
    return unsupported("this payment plugin reads no events");
  }
  virtual Result<PaymentResult> status(const PaymentRef &payment) {
    (void)payment;
    return unsupported("this payment plugin cannot report status");
  }
};

// One shipment per seller group. Shipments are drafts until confirmed.
class ShippingProvider : public Plugin {
public:
  using Interface = ShippingProvider;
  static constexpr orders_kind_t kKind = ORDERS_KIND_SHIPPING;
  virtual Result<Shipment> createShipment(const ShipmentRequest &request) = 0;
  virtual Result<Shipment> confirmShipment(const ShipmentRef &shipment) = 0;
  virtual Result<Shipment> cancelShipment(const ShipmentRef &shipment) = 0;
  virtual Result<Quote> quote(const ShipmentRequest &request) {
    (void)request;
    return unsupported("this shipping plugin gives no quotes");
  }
  virtual Result<ShipmentUpdate> parseWebhook(const InboundMessage &message, std::string_view body) {
    (void)message, (void)body;
    return unsupported("this shipping plugin takes no webhooks");
  }
};

// Renders invoice documents; Document::bytes holds the file.
class InvoiceRenderer : public Plugin {
public:
  using Interface = InvoiceRenderer;
  static constexpr orders_kind_t kKind = ORDERS_KIND_INVOICE;
  virtual Result<Document> render(const InvoiceRequest &request) = 0;
};

// Tells customers and staff about order events.
class Notifier : public Plugin {
public:
  using Interface = Notifier;
  static constexpr orders_kind_t kKind = ORDERS_KIND_NOTIFIER;
  virtual Result<Empty> notify(const Notification &notification) = 0;
};

// Speaks an existing service's API over the order core (since ABI 1.4).
// spec() is asked once at start-up; handle() answers one request the host
// routed and authenticated, acting through Host::core() with the request's
// callId; encodeEvent() renders canonical events in the dialect's formats.
class Dialect : public Plugin {
public:
  using Interface = Dialect;
  static constexpr orders_kind_t kKind = ORDERS_KIND_DIALECT;
  virtual Result<DialectSpec> spec() = 0;
  virtual Result<DialectResponse> handle(const DialectRequest &request, std::string_view body) = 0;
  virtual Result<EncodedEvent> encodeEvent(const EventToEncode &event) {
    (void)event;
    return unsupported("this dialect encodes no events");
  }
  // Since ABI 1.5: a payment message of the replaced service's neighbours
  // (events.consume[].dialect) as a canonical payment event. Leave
  // event->eventId empty when the message has none: the host derives one.
  virtual Result<ParsedEvent> parseEvent(const InboundMessage &message, std::string_view payload) {
    (void)message;
    (void)payload;
    return unsupported("this dialect parses no payment messages");
  }
};

} // namespace orders::sdk

#endif
