// shipping/logistics: shipments booked with a logistics service (seed 004's
// logistic-service) once the order is paid, and its tracking callbacks.
//
// createShipment calls nobody: it records a draft under a reference derived
// from order id + seller (see tracking_webhook.hpp) and remembers the draft's
// address and items in memory. confirmShipment books the shipment
// (POST /api/shipments) with them; cancelShipment cancels the booking
// (POST /api/shipments/{id}/cancel). parseWebhook turns the service's
// tracking callbacks into shipped/delivered updates.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http_util.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_shipping_logistics_config_schema.hpp"
#include "provider_wire.hpp"
#include "secret_option.hpp"
#include "tracking_webhook.hpp"

namespace orders::plugins::shipping::logistics {

using orders::sdk::JsonPointer;

using namespace orders::sdk;
using orders::common::optionalTextAt;

namespace {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kBookingPath = "/api/shipments";
constexpr const char *kCancelPath = "/api/shipments/{id}/cancel";
constexpr const char *kWeightAttribute = "weight_grams";
constexpr const char *kWebhookSecretHeader = "X-Webhook-Secret";
constexpr const char *kSignatureHeader = "X-Signature";
// Drafts remembered for booking (oldest forgotten first).
constexpr size_t kRememberedDrafts = 10000;

struct WebhookConfig {
  std::optional<std::string> reference_pointer, order_id_pointer, seller_id_pointer, status_pointer, carrier_pointer,
      tracking_number_pointer, event_id_pointer, occurred_at_pointer;
  std::optional<std::map<std::string, std::string>> status_map;
  template <class V> void visit(V &v) {
    v("reference_pointer", reference_pointer);
    v("order_id_pointer", order_id_pointer);
    v("seller_id_pointer", seller_id_pointer);
    v("status_pointer", status_pointer);
    v("carrier_pointer", carrier_pointer);
    v("tracking_number_pointer", tracking_number_pointer);
    v("event_id_pointer", event_id_pointer);
    v("occurred_at_pointer", occurred_at_pointer);
    v("status_map", status_map);
  }
};

struct LogisticsConfig {
  std::string base_url;
  std::optional<std::string> booking_path, cancel_path;
  std::optional<std::string> shipment_id_pointer, carrier_pointer, tracking_number_pointer;
  std::optional<std::string> weight_attribute;
  std::optional<std::string> webhook_secret, webhook_secret_header; // the secret's NAME
  std::optional<std::string> signature_secret, signature_header;    // the secret's NAME
  std::optional<WebhookConfig> webhook;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("booking_path", booking_path);
    v("cancel_path", cancel_path);
    v("shipment_id_pointer", shipment_id_pointer);
    v("carrier_pointer", carrier_pointer);
    v("tracking_number_pointer", tracking_number_pointer);
    v("weight_attribute", weight_attribute);
    v("webhook_secret", webhook_secret);
    v("webhook_secret_header", webhook_secret_header);
    v("signature_secret", signature_secret);
    v("signature_header", signature_header);
    v("webhook", webhook);
  }
};

// The resolved config (the webhook's part lives in TrackingWebhook).
struct Settings {
  std::string base_url;     // without a trailing '/'
  std::string booking_path; // starts with '/'
  std::string cancel_path;  // starts with '/', contains {id} or {order_id}
  JsonPointer shipment_id;
  std::optional<JsonPointer> carrier, tracking; // absent = not read
  std::string weight_attribute;                 // "" = no weight
};

// Total grams when every line has a whole number of grams per unit in
// attribute `attribute`; nullopt otherwise.
std::optional<int64_t> totalWeight(const std::vector<LineItem> &lines, const std::string &attribute) {
  if (attribute.empty() || lines.empty()) return std::nullopt;
  int64_t total = 0;
  for (const LineItem &line : lines) {
    auto it = line.attributes.find(attribute);
    if (it == line.attributes.end() || it->second.empty() || it->second.size() > 9 ||
        it->second.find_first_not_of("0123456789") != std::string::npos || line.quantity <= 0 ||
        line.quantity > 1'000'000)
      return std::nullopt;
    total += std::stoll(it->second) * line.quantity;
  }
  return total;
}

// Drafts by reference, so the booking can carry the address and items a
// ShipmentRef does not. In memory and bounded: lost on restart. Thread-safe.
class DraftStore {
public:
  void put(const std::string &reference, const ShipmentRequest &request) {
    std::lock_guard lock(mutex_);
    if (!drafts_.insert_or_assign(reference, request).second) return; // updated in place
    order_.push_back(reference);
    if (order_.size() > kRememberedDrafts) {
      drafts_.erase(order_.front());
      order_.pop_front();
    }
  }
  std::optional<ShipmentRequest> find(const std::string &reference) const {
    std::lock_guard lock(mutex_);
    auto it = drafts_.find(reference);
    if (it == drafts_.end()) return std::nullopt;
    return it->second;
  }

private:
  mutable std::mutex mutex_;
  std::map<std::string, ShipmentRequest> drafts_;
  std::deque<std::string> order_;
};

} // namespace

class Logistics final : public ShippingProvider {
public:
  Logistics(Host host, Settings settings, TrackingWebhook webhook)
      : host_(host), s_(std::move(settings)), webhook_(std::move(webhook)) {}

  static Result<std::unique_ptr<Logistics>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<LogisticsConfig>(ctx.config);
    Settings s;
    auto base_url = baseUrlOption("base_url", config.base_url);
    if (!base_url.ok()) return base_url.error();
    s.base_url = std::move(base_url).value();
    auto booking_path = pathOption("booking_path", config.booking_path.value_or(kBookingPath));
    if (!booking_path.ok()) return booking_path.error();
    s.booking_path = std::move(booking_path).value();
    auto cancel_path = pathOption("cancel_path", config.cancel_path.value_or(kCancelPath), {"{id}", "{order_id}"});
    if (!cancel_path.ok()) return cancel_path.error();
    s.cancel_path = std::move(cancel_path).value();
    s.weight_attribute = config.weight_attribute.value_or(kWeightAttribute);

    auto id = fieldPointerOption("shipment_id_pointer", config.shipment_id_pointer.value_or("/id"));
    if (!id.ok()) return id.error();
    s.shipment_id = std::move(id).value();
    const WebhookConfig w = config.webhook.value_or(WebhookConfig{});
    WebhookFields f;
    const struct {
      std::optional<JsonPointer> *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
    } pointers[] = {
        {&s.carrier, "carrier_pointer", &config.carrier_pointer, "/carrier"},
        {&s.tracking, "tracking_number_pointer", &config.tracking_number_pointer, "/trackingNumber"},
        {&f.reference, "webhook/reference_pointer", &w.reference_pointer, "/reference"},
        {&f.order_id, "webhook/order_id_pointer", &w.order_id_pointer, "/orderId"},
        {&f.seller_id, "webhook/seller_id_pointer", &w.seller_id_pointer, "/sellerId"},
        {&f.carrier, "webhook/carrier_pointer", &w.carrier_pointer, "/carrier"},
        {&f.tracking_number, "webhook/tracking_number_pointer", &w.tracking_number_pointer, "/trackingNumber"},
        {&f.event_id, "webhook/event_id_pointer", &w.event_id_pointer, "/eventId"},
        {&f.occurred_at, "webhook/occurred_at_pointer", &w.occurred_at_pointer, "/occurredAt"},
    };
    for (const auto &p : pointers) {
      auto parsed = optionalFieldPointerOption(p.key, p.value->value_or(p.fallback));
      if (!parsed.ok()) return parsed.error();
      *p.out = std::move(parsed).value();
    }
    auto status = fieldPointerOption("webhook/status_pointer", w.status_pointer.value_or("/status"));
    if (!status.ok()) return status.error();
    f.status = std::move(status).value();
    if (!f.reference && !f.order_id)
      return invalidArgument("webhook/reference_pointer: must be set when webhook/order_id_pointer is empty");
    const std::map<std::string, std::string> status_map =
        w.status_map.value_or(std::map<std::string, std::string>{{"IN_TRANSIT", wireName(ShipmentStatus::shipped)},
                                                                 {"SHIPPED", wireName(ShipmentStatus::shipped)},
                                                                 {"DELIVERED", wireName(ShipmentStatus::delivered)}});
    for (const auto &[provider_status, ours] : status_map) {
      const std::optional<ShipmentStatus> parcel = fromWire<ShipmentStatus>(ours);
      if (!parcel || (*parcel != ShipmentStatus::shipped && *parcel != ShipmentStatus::delivered))
        return invalidArgument("webhook/status_map/" + provider_status +
                               ": expected \"shipped\" or \"delivered\", got '" + ours + "'");
      f.status_map[upperAscii(provider_status)] = *parcel;
    }

    auto secret = orders::common::resolveSecretOption(ctx.host, "webhook_secret", config.webhook_secret);
    if (!secret.ok()) return secret.error();
    auto key = orders::common::resolveSecretOption(ctx.host, "signature_secret", config.signature_secret);
    if (!key.ok()) return key.error();
    WebhookAuth auth{std::move(secret).value(), lowerAscii(config.webhook_secret_header.value_or(kWebhookSecretHeader)),
                     std::move(key).value(), lowerAscii(config.signature_header.value_or(kSignatureHeader))};

    TrackingWebhook webhook(std::move(auth), std::move(f));
    ctx.host.info("logistics service at " + s.base_url + ": book " + s.booking_path + ", cancel " + s.cancel_path +
                  (webhook.enabled() ? std::string() : "; webhooks disabled (no webhook_secret or signature_secret)"));
    return std::make_unique<Logistics>(ctx.host, std::move(s), std::move(webhook));
  }

  Result<Shipment> createShipment(const ShipmentRequest &request) override {
    if (request.orderId.empty()) return invalidArgument("/orderId: must not be empty");
    if (request.lines.empty()) return invalidArgument("/lines: at least one line");
    for (size_t i = 0; i < request.lines.size(); ++i) {
      const std::string at = "/lines/" + std::to_string(i);
      if (request.lines[i].productId.empty()) return invalidArgument(at + "/productId: must not be empty");
      if (request.lines[i].quantity <= 0) return invalidArgument(at + "/quantity: must be > 0");
    }
    const std::string reference = referenceFor(request.orderId, request.sellerId);
    drafts_.put(reference, request);
    return Shipment{reference, request.sellerId, wireName(ShipmentStatus::draft), std::nullopt, std::nullopt};
  }

  Result<Shipment> confirmShipment(const ShipmentRef &shipment) override {
    if (shipment.reference.empty()) return invalidArgument("/reference: must not be empty");
    if (shipment.orderId.empty()) return invalidArgument("/orderId: must not be empty");
    // The host sends the shipment's address and lines (SDK ShipmentRef);
    // the remembered draft is the fallback for hosts that do not.
    std::optional<ShipmentRequest> draft;
    if (shipment.address || !shipment.lines.empty()) {
      ShipmentRequest from_host;
      from_host.orderId = shipment.orderId;
      from_host.orderNumber = shipment.orderNumber.value_or("");
      from_host.sellerId = shipment.sellerId;
      if (shipment.address) from_host.address = *shipment.address;
      from_host.lines = shipment.lines;
      draft = std::move(from_host);
    } else {
      draft = drafts_.find(shipment.reference);
    }
    const std::optional<std::string> seller =
        draft && draft->sellerId ? draft->sellerId : sellerOfReference(shipment.reference, shipment.orderId);
    const std::string what = "booking of shipment " + shipment.reference;
    if (!draft)
      host_.warn(what + " without address and items: the host sent none and its draft is not in this process's "
                        "memory (created before a restart or by another replica)");

    Json::Value body(Json::objectValue);
    body["reference"] = shipment.reference;
    body["orderId"] = shipment.orderId;
    if (seller && !seller->empty()) body["sellerId"] = *seller;
    if (draft) {
      if (!draft->orderNumber.empty()) body["orderNumber"] = draft->orderNumber;
      body["address"] = toJson(draft->address);
      Json::Value items(Json::arrayValue);
      for (const LineItem &line : draft->lines) {
        Json::Value item(Json::objectValue);
        item["productId"] = line.productId;
        if (line.variantId) item["variantId"] = *line.variantId;
        if (!line.title.empty()) item["title"] = line.title;
        item["quantity"] = Json::Value(static_cast<Json::Int64>(line.quantity));
        items.append(std::move(item));
      }
      body["items"] = std::move(items);
      if (std::optional<int64_t> grams = totalWeight(draft->lines, s_.weight_attribute))
        body["weightGrams"] = Json::Value(static_cast<Json::Int64>(*grams));
    }

    const std::string url = s_.base_url + s_.booking_path;
    auto response = post(url, body, "booking:" + shipment.reference);
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) return statusError(*response, what, "POST " + url);
    Json::Value root;
    try {
      root = parseJson(response->body);
    } catch (const DecodeError &e) {
      return invalidArgument(what + ": POST " + url + ": /: " + e.what());
    }
    if (!root.isObject())
      return invalidArgument(what + ": POST " + url + ": /: expected object, got " + typeName(root));
    const Json::Value *id_value = s_.shipment_id.find(root);
    if (id_value == nullptr || id_value->isNull())
      return invalidArgument(what + ": " + s_.shipment_id.text() + ": missing");
    const std::optional<std::string> booked_id = idText(*id_value);
    if (!booked_id || booked_id->empty())
      return invalidArgument(what + ": " + s_.shipment_id.text() + ": expected a non-empty string or integer, got " +
                             (booked_id ? std::string("\"\"") : std::string(typeName(*id_value))));
    auto carrier = optionalTextAt(root, s_.carrier, what);
    if (!carrier.ok()) return carrier.error();
    auto tracking = optionalTextAt(root, s_.tracking, what);
    if (!tracking.ok()) return tracking.error();

    host_.info(what + ": booked as " + *booked_id + (carrier.value() ? " with " + *carrier.value() : std::string()) +
               (tracking.value() ? ", tracking " + *tracking.value() : std::string()));
    // The reference stays ours: the core keeps it, and the service knows it from the booking.
    return Shipment{shipment.reference, seller, wireName(ShipmentStatus::confirmed), std::move(carrier).value(),
                    std::move(tracking).value()};
  }

  Result<Shipment> cancelShipment(const ShipmentRef &shipment) override {
    if (shipment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string url =
        s_.base_url + replaceAll(replaceAll(s_.cancel_path, "{id}", percentEncode(shipment.reference)), "{order_id}",
                                 percentEncode(shipment.orderId));
    const std::string what = "cancel of shipment " + shipment.reference;
    Json::Value body(Json::objectValue);
    body["reference"] = shipment.reference;
    body["orderId"] = shipment.orderId;
    auto response = post(url, body, "cancel:" + shipment.reference);
    if (!response.ok()) return transportError(response.error(), what);
    if (response->status == 404) {
      host_.info(what + ": POST " + url + " answered 404: not booked, nothing to cancel");
    } else if (!response->isSuccess()) {
      return statusError(*response, what, "POST " + url);
    }
    return Shipment{shipment.reference, sellerOfReference(shipment.reference, shipment.orderId),
                    wireName(ShipmentStatus::cancelled), std::nullopt, std::nullopt};
  }

  Result<ShipmentUpdate> parseWebhook(const InboundMessage &message, std::string_view body) override {
    if (Status verified = webhook_.authenticate(message, body); !verified.ok()) return verified.error();
    return webhook_.parse(body);
  }

private:
  Result<HttpResponse> post(const std::string &url, const Json::Value &body, const std::string &idempotency_key) const {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers["Accept"] = "application/json";
    request.headers["Content-Type"] = "application/json";
    request.headers["Idempotency-Key"] = idempotency_key;
    request.idempotent = true; // the key makes a repeat safe: the host may retry transport failures
    request.body = writeJson(body);
    return host_.http(request);
  }

  // Immutable after create() except drafts_, which locks.
  const Host host_;
  const Settings s_;
  const TrackingWebhook webhook_;
  DraftStore drafts_;
};

} // namespace orders::plugins::shipping::logistics

ORDERS_PLUGIN(orders::plugins::shipping::logistics::Logistics, "logistics", "1.0.0",
              "Shipments booked with a logistics service after payment; tracking callbacks verified by secret or HMAC",
              kConfigSchema)
