// shipping/shipping-service: shipments in seed 002's Shipping service over
// HTTP, through the host's outbound client (timeouts, retries, breaker).
//
// createShipment POSTs a draft shipment (the service holds it in status
// PENDING_PAYMENT) per seller group: {order_id, address, items}, field names
// configurable. confirmShipment (after payment) and cancelShipment POST to
// configurable paths; seed 002 documents only creation, so without a path
// they are logged no-ops.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http_util.hpp"
#include "json_template.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_shipping_shipping_service_config_schema.hpp"
#include "provider_wire.hpp"
#include "secret_option.hpp"

namespace orders::plugins::shipping::service {

using orders::sdk::JsonPointer;

using namespace orders::sdk;
using orders::common::optionalTextAt;

namespace {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kCreatePath = "/shipping/v1/shipments";
constexpr const char *kInternalKeyHeader = "X-Internal-Key";
constexpr const char *kIdPointer = "/id";
constexpr const char *kStatusPointer = "/status";
constexpr const char *kCarrierPointer = "/carrier";
constexpr const char *kTrackingPointer = "/tracking_number";

struct BodyFieldsConfig {
  std::optional<std::string> order_id, order_number, seller_id, address, items, product_id, variant_id, quantity;
  template <class V> void visit(V &v) {
    v("order_id", order_id);
    v("order_number", order_number);
    v("seller_id", seller_id);
    v("address", address);
    v("items", items);
    v("product_id", product_id);
    v("variant_id", variant_id);
    v("quantity", quantity);
  }
};

struct AddressFieldsConfig {
  std::optional<std::string> name, line1, line2, city, region, postal_code, country, phone;
  template <class V> void visit(V &v) {
    v("name", name);
    v("line1", line1);
    v("line2", line2);
    v("city", city);
    v("region", region);
    v("postal_code", postal_code);
    v("country", country);
    v("phone", phone);
  }
};

struct ShippingServiceConfig {
  std::string base_url;
  std::optional<std::string> create_path, confirm_path, cancel_path;
  std::optional<std::string> internal_key_secret; // the NAME of a host secret
  std::optional<std::string> internal_key_header;
  std::optional<bool> ids_as_numbers;
  std::optional<BodyFieldsConfig> body_fields;
  std::optional<AddressFieldsConfig> address_fields;
  std::optional<std::string> id_pointer, status_pointer, carrier_pointer, tracking_number_pointer;
  std::optional<Json::Value> create_body;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("create_body", create_body);
    v("create_path", create_path);
    v("confirm_path", confirm_path);
    v("cancel_path", cancel_path);
    v("internal_key_secret", internal_key_secret);
    v("internal_key_header", internal_key_header);
    v("ids_as_numbers", ids_as_numbers);
    v("body_fields", body_fields);
    v("address_fields", address_fields);
    v("id_pointer", id_pointer);
    v("status_pointer", status_pointer);
    v("carrier_pointer", carrier_pointer);
    v("tracking_number_pointer", tracking_number_pointer);
  }
};

// Member names in the create body; "" leaves the member out.
struct BodyFields {
  std::string order_id, order_number, seller_id, address, items, product_id, variant_id, quantity;
};
struct AddressFields {
  std::string name, line1, line2, city, region, postal_code, country, phone;
};

// The resolved config.
struct Settings {
  std::string base_url;     // without a trailing '/'
  std::string create_path;  // starts with '/'
  std::string confirm_path; // "" = not sent; else contains {id}
  std::string cancel_path;  // "" = not sent; else contains {id}
  bool ids_as_numbers = false;
  BodyFields body;
  AddressFields address;
  JsonPointer id;
  std::optional<JsonPointer> status, carrier, tracking; // absent = not read
  std::map<std::string, std::string> headers;           // sent with every request
  std::optional<Json::Value> create_body;               // template; absent: the body from body_fields
};

// Digits that survive a round trip through a JSON integer.
bool integral(const std::string &id) {
  return !id.empty() && id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos &&
         (id.size() == 1 || id[0] != '0');
}

// The same, for answers to confirm and cancel, which need nothing from their
// answer: anything unreadable is skipped.
std::optional<std::string> lenientTextAt(const Json::Value &root, const std::optional<JsonPointer> &pointer) {
  if (!pointer) return std::nullopt;
  const Json::Value *value = pointer->find(root);
  if (value == nullptr || !value->isString() || value->asString().empty()) return std::nullopt;
  return value->asString();
}

} // namespace

class ShippingService final : public ShippingProvider {
public:
  ShippingService(Host host, Settings settings) : host_(host), s_(std::move(settings)) {}

  static Result<std::unique_ptr<ShippingService>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<ShippingServiceConfig>(ctx.config);
    Settings s;
    auto base_url = baseUrlOption("base_url", config.base_url);
    if (!base_url.ok()) return base_url.error();
    s.base_url = std::move(base_url).value();

    const struct {
      std::string *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
      bool needs_id;
    } paths[] = {{&s.create_path, "create_path", &config.create_path, kCreatePath, false},
                 {&s.confirm_path, "confirm_path", &config.confirm_path, "", true},
                 {&s.cancel_path, "cancel_path", &config.cancel_path, "", true}};
    for (const auto &p : paths) {
      // "" = the call is not made; otherwise a path starting with '/'.
      const std::string text = p.value->value_or(p.fallback);
      auto path = p.needs_id ? pathOption(p.key, text, {"{id}"}, PathRule{true, false})
                             : pathOption(p.key, text, {}, PathRule{true, false});
      if (!path.ok()) return path.error();
      *p.out = std::move(path).value();
    }
    if (s.create_path.empty()) return invalidArgument("create_path: must not be empty");
    s.ids_as_numbers = config.ids_as_numbers.value_or(false);

    const BodyFieldsConfig b = config.body_fields.value_or(BodyFieldsConfig{});
    s.body = BodyFields{b.order_id.value_or("order_id"),     b.order_number.value_or(""),
                        b.seller_id.value_or("seller_id"),   b.address.value_or("address"),
                        b.items.value_or("items"),           b.product_id.value_or("product_id"),
                        b.variant_id.value_or("variant_id"), b.quantity.value_or("qty")};
    const struct {
      const char *key;
      const std::string *name;
    } required_fields[] = {{"order_id", &s.body.order_id},
                           {"items", &s.body.items},
                           {"product_id", &s.body.product_id},
                           {"quantity", &s.body.quantity}};
    for (const auto &f : required_fields)
      if (f.name->empty()) return invalidArgument(std::string("body_fields/") + f.key + ": must not be empty");
    const AddressFieldsConfig a = config.address_fields.value_or(AddressFieldsConfig{});
    s.address = AddressFields{a.name.value_or("name"),           a.line1.value_or("address_line1"),
                              a.line2.value_or("address_line2"), a.city.value_or("city"),
                              a.region.value_or("region"),       a.postal_code.value_or("postcode"),
                              a.country.value_or("country"),     a.phone.value_or("phone")};

    auto id = fieldPointerOption("id_pointer", config.id_pointer.value_or(kIdPointer));
    if (!id.ok()) return id.error();
    s.id = std::move(id).value();
    const struct {
      std::optional<JsonPointer> *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
    } optional_pointers[] = {
        {&s.status, "status_pointer", &config.status_pointer, kStatusPointer},
        {&s.carrier, "carrier_pointer", &config.carrier_pointer, kCarrierPointer},
        {&s.tracking, "tracking_number_pointer", &config.tracking_number_pointer, kTrackingPointer}};
    for (const auto &p : optional_pointers) {
      auto parsed = optionalFieldPointerOption(p.key, p.value->value_or(p.fallback));
      if (!parsed.ok()) return parsed.error();
      *p.out = std::move(parsed).value();
    }

    if (config.create_body && !config.create_body->isObject()) return invalidArgument("create_body: must be an object");
    s.create_body = config.create_body;

    auto key = orders::common::resolveSecretOption(ctx.host, "internal_key_secret", config.internal_key_secret);
    if (!key.ok()) return key.error();
    s.headers["Accept"] = "application/json";
    s.headers["Content-Type"] = "application/json";
    if (key.value()) s.headers[config.internal_key_header.value_or(kInternalKeyHeader)] = *key.value();

    ctx.host.info("shipping service at " + s.base_url + ": create " + s.create_path + ", confirm " +
                  (s.confirm_path.empty() ? std::string("not sent") : s.confirm_path) + ", cancel " +
                  (s.cancel_path.empty() ? std::string("not sent") : s.cancel_path));
    return std::make_unique<ShippingService>(ctx.host, std::move(s));
  }

  Result<Shipment> createShipment(const ShipmentRequest &request) override {
    if (request.orderId.empty()) return invalidArgument("/orderId: must not be empty");
    if (request.lines.empty()) return invalidArgument("/lines: at least one line");
    for (size_t i = 0; i < request.lines.size(); ++i) {
      const std::string at = "/lines/" + std::to_string(i);
      if (request.lines[i].productId.empty()) return invalidArgument(at + "/productId: must not be empty");
      if (request.lines[i].quantity <= 0) return invalidArgument(at + "/quantity: must be > 0");
    }
    const std::string what = "shipment of order " + request.orderId +
                             (request.sellerId ? " (seller " + *request.sellerId + ")" : std::string(" (house brand)"));
    const std::string url = s_.base_url + s_.create_path;
    auto response = post(url, createBody(request), request.idempotencyKey);
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
    const Json::Value *id_value = s_.id.find(root);
    if (id_value == nullptr || id_value->isNull()) return invalidArgument(what + ": " + s_.id.text() + ": missing");
    const std::optional<std::string> id = idText(*id_value);
    if (!id)
      return invalidArgument(what + ": " + s_.id.text() + ": expected string or integer, got " + typeName(*id_value));
    if (id->empty()) return invalidArgument(what + ": " + s_.id.text() + ": must not be empty");
    auto status = optionalTextAt(root, s_.status, what);
    if (!status.ok()) return status.error();
    auto carrier = optionalTextAt(root, s_.carrier, what);
    if (!carrier.ok()) return carrier.error();
    auto tracking = optionalTextAt(root, s_.tracking, what);
    if (!tracking.ok()) return tracking.error();

    host_.info(what + ": draft shipment " + *id + " created" +
               (status.value() ? " in status " + *status.value() : std::string()));
    return Shipment{*id, request.sellerId, wireName(ShipmentStatus::draft), std::move(carrier).value(),
                    std::move(tracking).value()};
  }

  Result<Shipment> confirmShipment(const ShipmentRef &shipment) override {
    return transition(shipment, s_.confirm_path, "confirm", ShipmentStatus::confirmed);
  }

  Result<Shipment> cancelShipment(const ShipmentRef &shipment) override {
    return transition(shipment, s_.cancel_path, "cancel", ShipmentStatus::cancelled);
  }

private:
  Json::Value idValue(const std::string &id) const {
    if (s_.ids_as_numbers && integral(id)) return Json::Value(static_cast<Json::Int64>(std::stoll(id)));
    return Json::Value(id);
  }

  // Sets object[member] unless the member name is "" (not sent).
  static void putValue(Json::Value &object, const std::string &member, Json::Value value) {
    if (!member.empty()) object[member] = std::move(value);
  }
  // The same for an optional text, left out when absent.
  static void putText(Json::Value &object, const std::string &member, const std::optional<std::string> &value) {
    if (!member.empty() && value) object[member] = *value;
  }

  // create_body: the template filled from the request (README "Body template").
  Json::Value templateBody(const ShipmentRequest &request) const {
    orders::common::TemplateValues v;
    v["{orderId}"] = idValue(request.orderId);
    v["{orderNumber}"] = request.orderNumber;
    if (request.orderNumericId) v["{orderNumericId}"] = Json::Int64(*request.orderNumericId);
    if (request.sellerId) v["{sellerId}"] = idValue(*request.sellerId);
    v["{idempotencyKey}"] = request.idempotencyKey;
    if (request.customer) {
      if (!request.customer->id.empty()) v["{customerId}"] = request.customer->id;
      if (request.customer->email) v["{customerEmail}"] = *request.customer->email;
      if (request.customer->name) v["{customerName}"] = *request.customer->name;
      if (request.customer->phone) v["{customerPhone}"] = *request.customer->phone;
    }
    // Address fields are always there ("" when the address lacks one), as
    // flat bodies expect (seed 002 sends address_line2: "").
    const Address &a = request.address;
    v["{addressName}"] = a.name.value_or("");
    v["{addressLine1}"] = a.line1;
    v["{addressLine2}"] = a.line2.value_or("");
    v["{addressCity}"] = a.city;
    v["{addressRegion}"] = a.region.value_or("");
    v["{addressPostalCode}"] = a.postalCode.value_or("");
    v["{addressCountry}"] = a.country;
    v["{addressPhone}"] = a.phone.value_or("");
    orders::common::TemplateLists lists;
    lists["$eachLine"] = [&] {
      std::vector<orders::common::TemplateValues> out;
      for (const LineItem &line : request.lines) {
        orders::common::TemplateValues l{{"{productId}", idValue(line.productId)},
                                         {"{quantity}", Json::Int64(line.quantity)},
                                         {"{title}", line.title},
                                         {"{unitPriceMinor}", Json::Int64(line.unitPrice.amountMinor)}};
        if (line.variantId) l["{variantId}"] = idValue(*line.variantId);
        out.push_back(std::move(l));
      }
      return out;
    };
    return orders::common::fillJsonTemplate(*s_.create_body, v, lists);
  }

  // {order_id, seller_id?, address: {...}, items: [{product_id, variant_id?, qty}]}
  Json::Value createBody(const ShipmentRequest &request) const {
    if (s_.create_body) return templateBody(request);
    Json::Value body(Json::objectValue);
    putValue(body, s_.body.order_id, idValue(request.orderId));
    if (!request.orderNumber.empty()) putValue(body, s_.body.order_number, Json::Value(request.orderNumber));
    if (request.sellerId) putValue(body, s_.body.seller_id, idValue(*request.sellerId));

    const Address &in = request.address;
    const AddressFields &f = s_.address;
    Json::Value address(Json::objectValue);
    putText(address, f.name, in.name);
    putValue(address, f.line1, Json::Value(in.line1));
    putValue(address, f.line2, Json::Value(in.line2.value_or(""))); // seed 002 sends "" for no second line
    putValue(address, f.city, Json::Value(in.city));
    putText(address, f.region, in.region);
    putText(address, f.postal_code, in.postalCode);
    putValue(address, f.country, Json::Value(in.country));
    putText(address, f.phone, in.phone);
    putValue(body, s_.body.address, std::move(address));

    Json::Value items(Json::arrayValue);
    for (const LineItem &line : request.lines) {
      Json::Value item(Json::objectValue);
      putValue(item, s_.body.product_id, idValue(line.productId));
      if (line.variantId) putValue(item, s_.body.variant_id, idValue(*line.variantId));
      putValue(item, s_.body.quantity, Json::Value(static_cast<Json::Int64>(line.quantity)));
      items.append(std::move(item));
    }
    putValue(body, s_.body.items, std::move(items));
    return body;
  }

  Result<HttpResponse> post(const std::string &url, const Json::Value &body, const std::string &idempotency_key) const {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = s_.headers;
    if (!idempotency_key.empty()) {
      request.headers["Idempotency-Key"] = idempotency_key;
      request.idempotent = true; // the key makes a repeat safe: the host may retry transport failures
    }
    request.body = writeJson(body);
    return host_.http(request);
  }

  // Confirm or cancel at `path`; "" = the service is not told.
  Result<Shipment> transition(const ShipmentRef &shipment, const std::string &path, const std::string &verb,
                              ShipmentStatus done) const {
    if (shipment.reference.empty()) return invalidArgument("/reference: must not be empty");
    Shipment out{shipment.reference, std::nullopt, wireName(done), std::nullopt, std::nullopt};
    if (path.empty()) {
      host_.info(verb + " of shipment " + shipment.reference + " (order " + shipment.orderId + ") not sent: " + verb +
                 "_path is not configured (seed 002's Shipping service documents only creation)");
      out.status = wireName(ShipmentStatus::draft); // unchanged at the service
      return out;
    }
    const std::string url = s_.base_url + replaceAll(path, "{id}", percentEncode(shipment.reference));
    const std::string what = verb + " of shipment " + shipment.reference;
    Json::Value body(Json::objectValue);
    if (!shipment.orderId.empty()) putValue(body, s_.body.order_id, idValue(shipment.orderId));
    auto response = post(url, body, verb + ":" + shipment.reference);
    if (!response.ok()) return transportError(response.error(), what);
    if (verb == "cancel" && response->status == 404) {
      host_.info(what + ": POST " + url + " answered 404: nothing to cancel");
      return out;
    }
    if (!response->isSuccess()) return statusError(*response, what, "POST " + url);
    try { // the answer is optional: carrier and tracking number when it has them
      const Json::Value root = response->body.empty() ? Json::Value() : parseJson(response->body);
      if (root.isObject()) {
        out.carrier = lenientTextAt(root, s_.carrier);
        out.trackingNumber = lenientTextAt(root, s_.tracking);
      }
    } catch (const DecodeError &e) {
      host_.debug(what + ": answer is not JSON (ignored): " + e.what());
    }
    return out;
  }

  // Immutable after create(): safe to use from concurrent calls.
  const Host host_;
  const Settings s_;
};

} // namespace orders::plugins::shipping::service

ORDERS_PLUGIN(orders::plugins::shipping::service::ShippingService, "shipping-service", "1.0.0",
              "Draft shipments in seed 002's Shipping service over HTTP, confirmed or cancelled by configurable paths",
              kConfigSchema)
