// shipping/@NAME@: shipments through @NEIGHBOUR@'s REST API.
//
//   POST {base_url}/v1/shipments               create (Idempotency-Key = the host's key)
//   POST {base_url}/v1/shipments/{id}/confirm  buy the label (after payment)
//   POST {base_url}/v1/shipments/{id}/cancel   cancel
//   GET  {base_url}/v1/rates?to_country=..     quote
//   tracking webhooks: X-Signature = hex HMAC-SHA256(webhook secret, body)
//
// Every call goes through the host's HTTP service (timeouts capped by the
// call's deadline, retries of idempotent calls, circuit breaker, metrics).
// Thread-safety: the instance holds only immutable settings, so concurrent
// calls are safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

// The carrier's shipment statuses in the host's words; nullopt: unknown.
std::optional<ShipmentStatus> shipmentStatus(const std::string &theirs) {
  if (theirs == "created") return ShipmentStatus::draft; // booked, no label bought yet
  if (theirs == "label_purchased" || theirs == "ready_for_pickup") return ShipmentStatus::confirmed;
  if (theirs == "picked_up" || theirs == "in_transit" || theirs == "out_for_delivery") return ShipmentStatus::shipped;
  if (theirs == "delivered") return ShipmentStatus::delivered;
  if (theirs == "cancelled" || theirs == "voided") return ShipmentStatus::cancelled;
  return std::nullopt;
}

// Tracking event types -> ShipmentUpdate::status; nullopt: not for us. The
// host moves orders on shipped and delivered only, so map nothing else.
std::optional<ShipmentStatus> trackingStatus(const std::string &theirs) {
  if (theirs == "shipment.picked_up" || theirs == "shipment.in_transit") return ShipmentStatus::shipped;
  if (theirs == "shipment.delivered") return ShipmentStatus::delivered;
  return std::nullopt;
}

class @CLASS@ final : public ShippingProvider {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto p = std::make_unique<@CLASS@>(ctx.host);
    auto base_url = baseUrlOption("base_url", ctx.config["base_url"].asString()); // http(s), no trailing '/'
    if (!base_url.ok()) return base_url.error();
    p->base_url_ = std::move(base_url).value();
    p->service_ = ctx.config["service"].asString();
    p->timeout_ms_ = ctx.config["timeout_ms"].asInt64();
    auto key = ctx.host.secret(ctx.config["api_key_secret"].asString());
    if (!key.ok()) return invalidArgument("api_key_secret: " + key.error().message);
    p->api_key_ = key.value();
    auto hook = ctx.host.secret(ctx.config["webhook_secret"].asString());
    if (!hook.ok()) return invalidArgument("webhook_secret: " + hook.error().message);
    p->webhook_key_ = hook.value();
    return p;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<Shipment> createShipment(const ShipmentRequest &r) override {
    if (r.orderId.empty()) return invalidArgument("/orderId: must not be empty");
    if (auto bad = checkParcel(r)) return *bad;
    Json::Value body(Json::objectValue);
    body["reference"] = r.orderId;
    body["order_number"] = r.orderNumber;
    if (r.sellerId) body["seller_id"] = *r.sellerId;
    body["service"] = service_;
    body["ship_to"] = shipTo(r);
    Json::Value items(Json::arrayValue);
    for (const LineItem &line : r.lines) {
      Json::Value item(Json::objectValue);
      item["sku"] = line.productId;
      if (line.variantId) item["variant"] = *line.variantId;
      item["description"] = line.title;
      item["quantity"] = static_cast<Json::Int64>(line.quantity);
      items.append(item);
    }
    body["items"] = items;
    // The same idempotency key on every retry: the carrier answers a
    // repeated create with the shipment it already made (the host also
    // asks again with it to learn a reference it lost).
    auto sent = send("POST", "/v1/shipments", writeJson(body), r.idempotencyKey, "create shipment");
    if (!sent.ok()) return sent.error();
    return shipmentOf(*sent, r.sellerId, "create shipment");
  }

  Result<Shipment> confirmShipment(const ShipmentRef &s) override {
    if (s.reference.empty()) return invalidArgument("/reference: must not be empty");
    auto sent = send("POST", "/v1/shipments/" + wire::percentEncode(s.reference) + "/confirm", "{}",
                     "confirm:" + s.reference, "confirm shipment");
    if (!sent.ok()) return sent.error();
    return shipmentOf(*sent, s.sellerId, "confirm shipment");
  }

  Result<Shipment> cancelShipment(const ShipmentRef &s) override {
    if (s.reference.empty()) return invalidArgument("/reference: must not be empty");
    auto sent = send("POST", "/v1/shipments/" + wire::percentEncode(s.reference) + "/cancel", "{}",
                     "cancel:" + s.reference, "cancel shipment");
    if (!sent.ok()) return sent.error();
    if (sent->response.status == 404) { // never booked, or gone already: nothing left to cancel
      host_.info("cancel shipment: " + sent->line + " answered 404; taken as cancelled");
      Shipment out;
      out.reference = s.reference;
      out.sellerId = s.sellerId;
      out.status = wireName(ShipmentStatus::cancelled);
      return out;
    }
    return shipmentOf(*sent, s.sellerId, "cancel shipment");
  }

  Result<Quote> quote(const ShipmentRequest &r) override {
    if (auto bad = checkParcel(r)) return *bad;
    int64_t units = 0;
    for (const LineItem &line : r.lines)
      units += line.quantity;
    std::string query = "?to_country=" + wire::percentEncode(r.address.country);
    if (r.address.postalCode) query += "&to_postal_code=" + wire::percentEncode(*r.address.postalCode);
    query += "&items=" + std::to_string(units) + "&service=" + wire::percentEncode(service_);
    const std::string what = "quote";
    auto sent = send("GET", "/v1/rates" + query, "", "", what);
    if (!sent.ok()) return sent.error();
    auto answer = answerOf(*sent, what);
    if (!answer.ok()) return answer.error();
    const Json::Value &a = answer.value();
    if (!a["amount"].isString() || !a["currency"].isString())
      return unavailable(what + ": " + sent->line + " answered without amount and currency: " +
                         wire::excerpt(sent->response.body));
    const std::string currency = a["currency"].asString();
    const auto exponents = defaultCurrencyExponents();
    const auto exponent = exponents.find(currency);
    int64_t minor = 0;
    if (exponent == exponents.end() ||
        decimalToMinor(a["amount"].asString(), exponent->second, minor) != DecimalError::none)
      return internalError(what + ": '" + a["amount"].asString() + "' is not an amount in " + currency);
    Quote out;
    out.amount = Money{minor, currency};
    if (a["service"].isString()) out.service = a["service"].asString();
    return out;
  }

  Result<ShipmentUpdate> parseWebhook(const InboundMessage &m, std::string_view body) override {
    const auto signature = m.headers.find("x-signature");
    if (signature == m.headers.end() ||
        !crypto::constantTimeEquals(signature->second, crypto::hmacSha256Hex(webhook_key_, body)))
      return unauthenticated("missing or wrong X-Signature");
    Json::Value event;
    try {
      event = parseJson(body);
    } catch (const DecodeError &e) {
      return invalidArgument(std::string("webhook body: ") + e.what());
    }
    if (!event.isObject() || !event["id"].isString() || !event["type"].isString() || !event["data"].isObject())
      return invalidArgument("webhook body: expected {id, type, data}");
    ShipmentUpdate out;
    const std::optional<ShipmentStatus> status = trackingStatus(event["type"].asString());
    if (!status) {
      out.outcome = wireName(EventOutcome::ignored); // e.g. shipment.label_created, shipment.exception
      return out;
    }
    const Json::Value &data = event["data"];
    if (!data["id"].isString() && !data["reference"].isString())
      return invalidArgument("webhook body: /data names no shipment (id or reference)");
    out.outcome = wireName(EventOutcome::event);
    out.eventId = event["id"].asString(); // the host applies each event id once
    if (data["id"].isString()) out.reference = data["id"].asString();             // the carrier's shipment id
    if (data["reference"].isString()) out.orderId = data["reference"].asString(); // the order id we sent
    out.status = wireName(*status);
    if (data["carrier"].isString()) out.carrier = data["carrier"].asString();
    if (data["tracking_number"].isString()) out.trackingNumber = data["tracking_number"].asString();
    return out;
  }

private:
  struct Sent {
    std::string line; // "POST https://.../v1/shipments", for error messages
    HttpResponse response;
  };

  // What the carrier needs to rate and book a parcel.
  static std::optional<Error> checkParcel(const ShipmentRequest &r) {
    if (r.lines.empty()) return invalidArgument("/lines: at least one line");
    for (size_t i = 0; i < r.lines.size(); ++i)
      if (r.lines[i].quantity <= 0) return invalidArgument("/lines/" + std::to_string(i) + "/quantity: must be > 0");
    if (r.address.country.empty()) return invalidArgument("/address/country: must not be empty");
    return std::nullopt;
  }

  static Json::Value shipTo(const ShipmentRequest &r) {
    const Address &a = r.address;
    Json::Value to(Json::objectValue);
    if (a.name) to["name"] = *a.name;
    if (!a.name && r.customer && r.customer->name) to["name"] = *r.customer->name;
    to["line1"] = a.line1;
    if (a.line2) to["line2"] = *a.line2;
    to["city"] = a.city;
    if (a.region) to["region"] = *a.region;
    if (a.postalCode) to["postal_code"] = *a.postalCode;
    to["country"] = a.country;
    if (a.phone) to["phone"] = *a.phone;
    if (r.customer && r.customer->email) to["email"] = *r.customer->email;
    return to;
  }

  // One API call through the host. A transport failure keeps its code and
  // retryability (the host's breaker counts it); any HTTP status is an answer.
  Result<Sent> send(const std::string &method, const std::string &path, const std::string &body,
                    const std::string &idempotency_key, const std::string &what) {
    HttpRequest req;
    req.method = method;
    req.url = base_url_ + path;
    req.headers["Authorization"] = "Bearer " + api_key_;
    req.headers["Accept"] = "application/json";
    if (!body.empty()) req.headers["Content-Type"] = "application/json";
    if (!idempotency_key.empty()) req.headers["Idempotency-Key"] = idempotency_key;
    req.timeoutMs = timeout_ms_; // the host caps it by the call's deadline
    req.idempotent = method == "GET" || !idempotency_key.empty(); // safe to retry on a transport failure
    req.body = body;
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), what);
    return Sent{method + " " + req.url, std::move(res).value()};
  }

  // A 2xx answer's JSON object; a non-2xx answer is the error its status
  // means (wire::statusError: 5xx, 408, 429 retryable; 4xx final).
  static Result<Json::Value> answerOf(const Sent &sent, const std::string &what) {
    if (!sent.response.isSuccess()) return wire::statusError(sent.response, what, sent.line);
    Json::Value answer;
    try {
      answer = parseJson(sent.response.body);
    } catch (const DecodeError &) {
      return unavailable(what + ": " + sent.line + " answered a body that is not JSON: " +
                         wire::excerpt(sent.response.body));
    }
    if (!answer.isObject())
      return unavailable(what + ": " + sent.line + " answered " + wire::typeName(answer) + ", not an object");
    return answer;
  }

  static Result<Shipment> shipmentOf(const Sent &sent, const std::optional<std::string> &seller_id,
                                     const std::string &what) {
    auto answer = answerOf(sent, what);
    if (!answer.ok()) return answer.error();
    const Json::Value &a = answer.value();
    if (!a["id"].isString() || !a["status"].isString())
      return unavailable(what + ": " + sent.line + " answered without id and status: " +
                         wire::excerpt(sent.response.body));
    const std::optional<ShipmentStatus> status = shipmentStatus(a["status"].asString());
    if (!status) return internalError(what + ": unknown shipment status " + a["status"].asString());
    Shipment out;
    out.reference = a["id"].asString();
    out.sellerId = seller_id;
    out.status = wireName(*status);
    if (a["carrier"].isString()) out.carrier = a["carrier"].asString();
    if (a["tracking_number"].isString()) out.trackingNumber = a["tracking_number"].asString();
    return out;
  }

  Host host_;
  std::string base_url_;
  std::string service_;
  int64_t timeout_ms_ = 5000;
  std::string api_key_;
  std::string webhook_key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Shipments through @NEIGHBOUR@", kConfigSchema)
