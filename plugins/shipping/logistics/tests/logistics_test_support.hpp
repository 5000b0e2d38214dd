// Shared by the logistics unit tests: configs, requests and FakeHost helpers.
#pragma once

// shipping/logistics through its C ABI on a FakeHost: drafts without calls,
// the booking request and answer, cancel, error mapping, and tracking
// callbacks (shared secret, HMAC signature, status mapping, dedupe ids,
// malformed bodies).
#include <cppunit/extensions/HelperMacros.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "orders/sdk/crypto.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://logistics.test";
const std::string kBookingUrl = kBase + "/api/shipments";

// A callback body and its hex HMAC-SHA256 under "sig-key" (computed independently).
const std::string kShipped = R"({"eventId":"evt-1","reference":"shp_o-1_s-1","orderId":"o-1","status":"IN_TRANSIT",)"
                             R"("carrier":"JNE","trackingNumber":"JN0012345","occurredAt":"2026-11-22T10:00:00Z"})";
const std::string kShippedSignature = "c1d47f6a7cb9600da1dee764140fe7f53b3c33040df451a8564e33320279c4f4";

inline HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
inline std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://logistics.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

inline ShipmentRequest requestFor(std::optional<std::string> seller) {
  ShipmentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.sellerId = std::move(seller);
  r.address.name = "Siti Rahma";
  r.address.line1 = "Jl. Sudirman 1";
  r.address.city = "Jakarta";
  r.address.postalCode = "10220";
  r.address.country = "ID";
  LineItem mug;
  mug.productId = "p-1";
  mug.sellerId = r.sellerId;
  mug.title = "Mug";
  mug.quantity = 2;
  mug.unitPrice = Money{150000, "IDR"};
  mug.lineTotal = Money{300000, "IDR"};
  mug.attributes["weight_grams"] = "250";
  LineItem tee = mug;
  tee.productId = "p-2";
  tee.variantId = "red";
  tee.title = "Tee";
  tee.quantity = 1;
  tee.attributes["weight_grams"] = "100";
  r.lines = {mug, tee};
  r.idempotencyKey = "order:o-1:shipment:" + r.sellerId.value_or("house");
  return r;
}

inline InboundMessage hook(std::map<std::string, std::string> headers) {
  InboundMessage m;
  m.source = "webhook";
  m.headers = std::move(headers);
  return m;
}

inline Result<Shipment> create(PluginHarness &h, const ShipmentRequest &r) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->create_shipment, r);
}
inline Result<Shipment> confirm(PluginHarness &h, const ShipmentRef &ref) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->confirm_shipment, ref);
}
inline Result<Shipment> cancel(PluginHarness &h, const ShipmentRef &ref) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->cancel_shipment, ref);
}
inline Result<ShipmentUpdate> parse(PluginHarness &h, const InboundMessage &m, const std::string &body) {
  return h.call<ShipmentUpdate>(h.table<orders_shipping_v1_t>()->parse_webhook, m, body);
}

// A harness whose webhooks need the shared secret "hook-secret".
inline void createWithSecret(PluginHarness &h, const std::string &extra = "") {
  h.host().setSecret("LOGISTICS_HOOK", "hook-secret");
  Status s = h.create(config(R"("webhook_secret":"LOGISTICS_HOOK")" + (extra.empty() ? "" : "," + extra)));
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}

const std::map<std::string, std::string> kGoodSecret{{"x-webhook-secret", "hook-secret"}};

inline bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace
