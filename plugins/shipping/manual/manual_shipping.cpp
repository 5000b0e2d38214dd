// shipping/manual: shipments recorded without calling out; staff move them
// along and report tracking by webhook from their own tooling.
#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/text.hpp"
#include "orders_shipping_manual_config_schema.hpp"
#include "secret_option.hpp"

namespace orders::plugins::shipping {

using namespace orders::sdk;

namespace {

// The validated config; the schema supplies every default.
struct ManualShippingConfig {
  std::optional<Money> flat_rate;
  std::optional<std::string> webhook_secret; // the NAME of a host secret
  std::string carrier;
  template <class V> void visit(V &v) {
    v("flat_rate", flat_rate);
    v("webhook_secret", webhook_secret);
    v("carrier", carrier);
  }
};

// What staff tooling posts when a parcel moves.
struct TrackingNotice {
  std::string eventId;
  std::string reference;
  std::string orderId;
  std::string status;
  std::optional<std::string> carrier;
  std::optional<std::string> trackingNumber;
  template <class V> void visit(V &v) {
    v("eventId", eventId);
    v("reference", reference);
    v("orderId", orderId);
    v("status", status);
    v("carrier", carrier);
    v("trackingNumber", trackingNumber);
  }
};

} // namespace

class ManualShipping final : public ShippingProvider {
public:
  ManualShipping(std::optional<Money> flat_rate, std::optional<std::string> webhook_secret, std::string carrier)
      : flat_rate_(std::move(flat_rate)), webhook_secret_(std::move(webhook_secret)), carrier_(std::move(carrier)) {}

  static Result<std::unique_ptr<ManualShipping>> create(PluginContext ctx) {
    auto config = fromJsonOrThrow<ManualShippingConfig>(ctx.config);
    auto secret = orders::common::resolveSecretOption(ctx.host, "webhook_secret", config.webhook_secret);
    if (!secret.ok()) return secret.error();
    return std::make_unique<ManualShipping>(std::move(config.flat_rate), std::move(secret).value(),
                                            std::move(config.carrier));
  }

  Result<Shipment> createShipment(const ShipmentRequest &request) override {
    if (request.lines.empty()) return invalidArgument("/lines: at least one line");
    // Derived only from the request so that a retried call records the same shipment.
    const std::string reference = "shp_" + request.orderId + "_" + request.sellerId.value_or("house");
    return Shipment{reference, request.sellerId, wireName(ShipmentStatus::draft), carrier_, std::nullopt};
  }

  Result<Shipment> confirmShipment(const ShipmentRef &shipment) override {
    return Shipment{shipment.reference, std::nullopt, wireName(ShipmentStatus::confirmed), carrier_, std::nullopt};
  }

  Result<Shipment> cancelShipment(const ShipmentRef &shipment) override {
    return Shipment{shipment.reference, std::nullopt, wireName(ShipmentStatus::cancelled), carrier_, std::nullopt};
  }

  Result<Quote> quote(const ShipmentRequest &request) override {
    if (!flat_rate_) return unsupported("no flat_rate configured: this instance gives no quotes");
    // Adding a fee in one currency to an order in another would silently corrupt the total.
    for (const LineItem &line : request.lines) {
      const std::string &currency = line.lineTotal.currency;
      if (!currency.empty() && currency != flat_rate_->currency)
        return rejected("flat_rate is in " + flat_rate_->currency + " but the order is in " + currency);
    }
    return Quote{*flat_rate_, std::nullopt};
  }

  Result<ShipmentUpdate> parseWebhook(const InboundMessage &message, std::string_view body) override {
    if (!webhook_secret_) return unauthenticated("webhooks are disabled: set webhook_secret");
    auto header = message.headers.find("x-webhook-secret");
    if (header == message.headers.end() || !orders::sdk::crypto::constantTimeEquals(header->second, *webhook_secret_))
      return unauthenticated("missing or wrong x-webhook-secret");
    auto decoded = decode<TrackingNotice>(body);
    if (!decoded.ok()) return decoded.error();
    TrackingNotice notice = std::move(decoded).value();
    if (notice.eventId.empty()) return invalidArgument("/eventId: must not be empty");
    if (notice.reference.empty()) return invalidArgument("/reference: must not be empty");
    // A notice the host would refuse as an answer outside the contract is the sender's mistake (400), not a fault
    // of this plugin (500): its strings must be UTF-8.
    for (const auto &[name, text] : {std::pair{"/eventId", &notice.eventId}, std::pair{"/reference", &notice.reference},
                                     std::pair{"/orderId", &notice.orderId}, std::pair{"/status", &notice.status}})
      if (!orders::sdk::validUtf8(*text)) return invalidArgument(std::string(name) + ": must be UTF-8 text");
    for (const auto &[name, text] :
         {std::pair{"/carrier", &notice.carrier}, std::pair{"/trackingNumber", &notice.trackingNumber}})
      if (*text && !orders::sdk::validUtf8(**text)) return invalidArgument(std::string(name) + ": must be UTF-8 text");
    ShipmentUpdate out;
    // Staff tooling posts the contract's own shipment words; the order follows shipped and delivered only.
    const std::optional<ShipmentStatus> parcel = fromWire<ShipmentStatus>(notice.status);
    if (!parcel || (*parcel != ShipmentStatus::shipped && *parcel != ShipmentStatus::delivered)) {
      out.outcome = wireName(EventOutcome::ignored);
      return out;
    }
    out.outcome = wireName(EventOutcome::event);
    out.eventId = std::move(notice.eventId);
    out.reference = std::move(notice.reference);
    out.orderId = std::move(notice.orderId);
    out.status = wireName(*parcel);
    // Passed through as sent: filling in the configured carrier would overwrite one staff set earlier.
    out.carrier = std::move(notice.carrier);
    out.trackingNumber = std::move(notice.trackingNumber);
    return out;
  }

private:
  // All immutable after create(): safe to read from concurrent calls.
  std::optional<Money> flat_rate_;
  std::optional<std::string> webhook_secret_; // the resolved value, not the name
  std::string carrier_;
};

} // namespace orders::plugins::shipping

ORDERS_PLUGIN(orders::plugins::shipping::ManualShipping, "manual", "1.0.0",
              "Shipments recorded without a carrier API; staff confirm them and report tracking", kConfigSchema)
