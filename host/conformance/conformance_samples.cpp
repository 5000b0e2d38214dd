#include "conformance/conformance_samples.hpp"

#include <chrono>
#include <ctime>
#include <map>

#include "orders/sdk/crypto.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::conformance {

namespace {
// ---- the kit's sample requests (the spec's `requests` merge over them) ----

const char *const kMoney = R"({"amountMinor":1299,"currency":"USD"})";

// The provider's references of the sample payment and shipment, as the
// in-tree plugins that derive them from the create request make them
// (payment/manual: man_<orderId>_<attempt>; shipping/manual and logistics:
// shp_<orderId>_<sellerId, or house>). A plugin whose neighbour names them
// sets the one its create answer carries under `requests: <method>:`.
const char *const kPaymentReference = "man_conf-order-1_1";
const char *const kShipmentReference = "shp_conf-order-1_house";

} // namespace

void substitute(Json::Value &v, const PeerAddress &peer) {
  if (v.isString()) {
    std::string s = v.asString();
    if (s == "{{peer_port}}") {
      v = peer.port;
      return;
    }
    const std::string port = std::to_string(peer.port);
    for (const auto &[word, value] : {std::pair<std::string, const std::string &>{"{{peer}}", peer.url},
                                      {"{{peer_host}}", peer.host},
                                      {"{{peer_port}}", port}})
      for (size_t at = s.find(word); at != std::string::npos; at = s.find(word, at + value.size()))
        s.replace(at, word.size(), value);
    v = s;
  } else if (v.isObject()) {
    for (const std::string &k : v.getMemberNames())
      substitute(v[k], peer);
  } else if (v.isArray()) {
    for (Json::Value &e : v)
      substitute(e, peer);
  }
}

// `over` merged into `base`: objects member by member, anything else replaced.
void mergeInto(Json::Value &base, const Json::Value &over) {
  if (over.isNull()) return; // nothing given
  if (!base.isObject() || !over.isObject()) {
    base = over;
    return;
  }
  for (const std::string &k : over.getMemberNames())
    mergeInto(base[k], over[k]);
}

std::string textOf(const Json::Value &v) { return v.isString() ? v.asString() : sdk::writeJson(v); }

// Gives each concurrent call its own idempotency keys and event ids.
void makeDistinct(Json::Value &v, const std::string &suffix) {
  if (v.isObject()) {
    for (const std::string &k : v.getMemberNames()) {
      if ((k == "idempotencyKey" || k == "eventId") && v[k].isString())
        v[k] = v[k].asString() + suffix;
      else
        makeDistinct(v[k], suffix);
    }
  } else if (v.isArray()) {
    for (Json::Value &e : v)
      makeDistinct(e, suffix);
  }
}

Json::Value sampleOrder() {
  Json::Value item = sdk::parseJson(R"({"productId":"sku-1","title":"Mug","quantity":1,"attributes":{}})");
  item["unitPrice"] = sdk::parseJson(kMoney);
  item["lineTotal"] = sdk::parseJson(kMoney);
  Json::Value o = sdk::parseJson(R"({"id":"conf-order-1","orderNumber":"ORD-CONF-0001","userId":"user-1",
    "status":"paid","currency":"USD","subtotalMinor":1299,"shippingMinor":0,"totalMinor":1299,
    "createdAt":"2026-12-06T10:00:00Z"})");
  o["items"].append(item);
  o["shippingAddress"] = sdk::parseJson(R"({"name":"Ada Buyer","line1":"1 Main St","city":"Springfield",
    "postalCode":"12345","country":"US","phone":"+15550100"})");
  o["customer"] = sdk::parseJson(R"({"id":"user-1","name":"Ada Buyer","email":"ada@example.com","phone":"+15550100"})");
  return o;
}

Json::Value sampleRequest(const std::string &method) {
  const Json::Value lines = sdk::parseJson(R"([{"productId":"sku-1","quantity":1}])");
  if (method == "reserve") {
    Json::Value r =
        sdk::parseJson(R"({"reference":"conf-order-1","idempotencyKey":"conf-reserve-1","ttlSeconds":900})");
    r["lines"] = lines;
    return r;
  }
  if (method == "lookup") return sdk::parseJson(R"({"items":[{"productId":"sku-1"}]})");
  if (method == "load") return sdk::parseJson(R"({"userId":"user-1","email":"ada@example.com"})");
  if (method == "customer_lookup") return sdk::parseJson(R"({"userId":"user-1","email":"ada@example.com"})");
  if (method == "create_payment") {
    Json::Value r = sdk::parseJson(R"({"orderId":"conf-order-1","orderNumber":"ORD-CONF-0001","attempt":1,
      "idempotencyKey":"order:conf-order-1:attempt:1","userId":"user-1","orderNumericId":1001,
      "description":"Order ORD-CONF-0001"})");
    r["amount"] = sdk::parseJson(kMoney);
    r["customer"] = sampleOrder()["customer"];
    r["items"] = sampleOrder()["items"];
    return r;
  }
  if (method == "create_shipment" || method == "quote") {
    Json::Value r = sdk::parseJson(R"({"orderId":"conf-order-1","orderNumber":"ORD-CONF-0001",
      "idempotencyKey":"shipment:conf-order-1","orderNumericId":1001})");
    r["address"] = sampleOrder()["shippingAddress"];
    r["lines"] = sampleOrder()["items"];
    r["customer"] = sampleOrder()["customer"];
    return r;
  }
  if (method == "refund") {
    // The whole amount under a key like the host's ("refund:<payment id>"),
    // with a reason (the host sends none; providers map or pass it on).
    Json::Value r = sdk::parseJson(R"({"orderId":"conf-order-1","reason":"requested_by_customer",
      "idempotencyKey":"refund:conf-payment-1"})");
    r["reference"] = kPaymentReference;
    r["amount"] = sdk::parseJson(kMoney);
    return r;
  }
  if (method == "cancel" || method == "status") {
    Json::Value r = sdk::parseJson(R"({"orderId":"conf-order-1"})");
    r["reference"] = kPaymentReference;
    return r;
  }
  if (method == "confirm_shipment" || method == "cancel_shipment") {
    // As the host sends it: with the shipment's address and lines.
    Json::Value r = sdk::parseJson(R"({"orderId":"conf-order-1","orderNumber":"ORD-CONF-0001"})");
    r["reference"] = kShipmentReference;
    r["address"] = sampleOrder()["shippingAddress"];
    r["lines"] = sampleOrder()["items"];
    return r;
  }
  if (method == "render") {
    Json::Value r = sdk::parseJson(R"({"invoiceNumber":"INV-CONF-0001","issuedAt":"2026-12-06T10:00:00Z"})");
    r["order"] = sampleOrder();
    return r;
  }
  if (method == "notify") {
    Json::Value r =
        sdk::parseJson(R"({"event":"order.paid","eventId":"evt-conf-1","occurredAt":"2026-12-06T10:00:00Z"})");
    r["order"] = sampleOrder();
    r["recipient"] = sampleOrder()["customer"];
    return r;
  }
  return Json::Value(Json::objectValue);
}

// A genuine message as sent now: {{now_unix}}, {{now_ms}} and
// {{now_rfc3339}} in the body and header values become the current time,
// and `sign: {header, secret, payload, value}` sets `header` to `value`
// with {{hmac}} = hex HMAC-SHA256(secret, payload); payload defaults to
// "{{body}}", value to "{{hmac}}" (a Stripe-Signature is payload
// "{{now_unix}}.{{body}}", value "t={{now_unix}},v1={{hmac}}").
Json::Value timely(const Json::Value &sample) {
  if (!sample.isObject()) return sample;
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char rfc3339[32];
  std::strftime(rfc3339, sizeof rfc3339, "%Y-%m-%dT%H:%M:%SZ", &utc);
  auto fill = [&](std::string text, const std::map<std::string, std::string> &more) {
    std::map<std::string, std::string> values = {
        {"{{now_unix}}", std::to_string(ms / 1000)}, {"{{now_ms}}", std::to_string(ms)}, {"{{now_rfc3339}}", rfc3339}};
    values.insert(more.begin(), more.end());
    for (const auto &[key, value] : values)
      for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
        text.replace(at, key.size(), value);
    return text;
  };
  Json::Value out = sample;
  const std::string body = fill(sample.isMember("body") ? textOf(sample["body"]) : std::string(), {});
  if (sample.isMember("body")) out["body"] = body;
  for (const std::string &h : sample["headers"].getMemberNames())
    out["headers"][h] = fill(sample["headers"][h].asString(), {});
  const Json::Value &sign = sample["sign"];
  if (sign.isObject()) {
    const std::string payload = fill(sign.get("payload", "{{body}}").asString(), {{"{{body}}", body}});
    const std::string hmac = sdk::crypto::hmacSha256Hex(sign["secret"].asString(), payload);
    out["headers"][sign["header"].asString()] = fill(sign.get("value", "{{hmac}}").asString(), {{"{{hmac}}", hmac}});
  }
  return out;
}

} // namespace orders::host::conformance
