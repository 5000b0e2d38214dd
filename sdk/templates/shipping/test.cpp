// shipping/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
// ORDERS_PLUGIN exported, linked into this test). No sockets, no server.
// h.shipping() calls each slot as the host does and, like the host, refuses
// answers outside the contract's words (orders/sdk/contract.hpp).
#include <string>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::PluginHarness;

namespace {

void create(PluginHarness &h) {
  h.host().setSecret("api_key", "sk_test");
  h.host().setSecret("hook_key", "whsec");
  const Status s = h.createWithDefaults(
      R"({"base_url":"https://ship.test/","api_key_secret":"api_key","webhook_secret":"hook_key"})");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

// A request header as sent, or "" when absent.
std::string header(const HttpRequest &r, const std::string &name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

ShipmentRequest shipment() {
  ShipmentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.idempotencyKey = "shipment:o-1";
  r.address.name = "Ada Buyer";
  r.address.line1 = "1 Main St";
  r.address.city = "Springfield";
  r.address.postalCode = "12345";
  r.address.country = "US";
  LineItem mug;
  mug.productId = "sku-1";
  mug.title = "Mug";
  mug.quantity = 2;
  mug.unitPrice = Money{1299, "USD"};
  mug.lineTotal = Money{2598, "USD"};
  r.lines.push_back(mug);
  return r;
}

ShipmentRef booked() {
  ShipmentRef s;
  s.reference = "shp_1";
  s.orderId = "o-1";
  return s;
}

void createsAKeyedShipment() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", "https://ship.test/v1/shipments",
                  HttpResponse{201, {}, R"({"id":"shp_1","status":"created","carrier":"UPS"})"});
  auto r = h.shipping().createShipment(shipment());
  check(r.ok() && r->reference == "shp_1" && r->status == wireName(ShipmentStatus::draft) && r->carrier == "UPS",
        "a created shipment is draft shp_1 with UPS");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && header(sent[0], "Idempotency-Key") == "shipment:o-1",
        "the host's idempotency key goes out as Idempotency-Key");
  check(sent.size() == 1 && header(sent[0], "Authorization") == "Bearer sk_test", "the API key is a Bearer token");
  const Json::Value body = sent.size() == 1 ? parseJson(sent[0].body) : Json::Value();
  check(body["reference"].asString() == "o-1" && body["ship_to"]["country"].asString() == "US" &&
            body["items"][0]["quantity"].asInt64() == 2 && body["service"].asString() == "standard",
        "the order, address, items and default service are sent");
}

void quotesARate() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("GET", "https://ship.test/v1/rates",
                  HttpResponse{200, {}, R"({"amount":"7.50","currency":"USD","service":"standard"})"});
  auto q = h.shipping().quote(shipment());
  check(q.ok() && q->amount.amountMinor == 750 && q->amount.currency == "USD" && q->service == "standard",
        "a rate of 7.50 USD is 750 minor");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].url.find("to_country=US") != std::string::npos &&
            sent[0].url.find("items=2") != std::string::npos,
        "the rate request names the destination and the units");
}

void confirmsAndCancels() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", "https://ship.test/v1/shipments/shp_1/confirm",
                  HttpResponse{200, {}, R"({"id":"shp_1","status":"label_purchased","tracking_number":"1Z9"})"});
  h.host().onHttp("POST", "https://ship.test/v1/shipments/shp_1/cancel",
                  HttpResponse{200, {}, R"({"id":"shp_1","status":"cancelled"})"});
  auto confirmed = h.shipping().confirmShipment(booked());
  check(confirmed.ok() && confirmed->status == wireName(ShipmentStatus::confirmed) &&
            confirmed->trackingNumber == "1Z9",
        "a bought label is confirmed, with its tracking number");
  auto cancelled = h.shipping().cancelShipment(booked());
  check(cancelled.ok() && cancelled->status == wireName(ShipmentStatus::cancelled), "a cancel is cancelled");
  const auto sent = h.host().requests();
  check(sent.size() == 2 && header(sent[0], "Idempotency-Key") == "confirm:shp_1" &&
            header(sent[1], "Idempotency-Key") == "cancel:shp_1",
        "confirm and cancel are keyed by the shipment");

  PluginHarness gone(orders_plugin_descriptor_v1());
  create(gone);
  gone.host().onHttp("POST", "https://ship.test/v1/shipments/shp_1/cancel", HttpResponse{404, {}, "no such"});
  auto missing = gone.shipping().cancelShipment(booked());
  check(missing.ok() && missing->status == wireName(ShipmentStatus::cancelled),
        "a cancel answered 404 (nothing to cancel) is cancelled");
}

void outageIsRetryableAndRefusalIsFinal() {
  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("POST", "https://ship.test/v1/shipments", HttpResponse{503, {}, "busy"});
  auto outage = down.shipping().createShipment(shipment());
  check(!outage.ok() && outage.error().retryable, "a 503 is a retryable error");

  PluginHarness refused(orders_plugin_descriptor_v1());
  create(refused);
  refused.host().onHttp("POST", "https://ship.test/v1/shipments",
                        HttpResponse{400, {}, R"({"error":"postal code does not exist"})"});
  auto bad = refused.shipping().createShipment(shipment());
  check(!bad.ok() && !bad.error().retryable && bad.error().code == ErrorCode::invalid_argument,
        "a 400 is a final invalid_argument");

  PluginHarness garbled(orders_plugin_descriptor_v1());
  create(garbled);
  garbled.host().onHttp("POST", "https://ship.test/v1/shipments", HttpResponse{200, {}, "<html>oops</html>"});
  auto unreadable = garbled.shipping().createShipment(shipment());
  check(!unreadable.ok(), "an answer that is not JSON is an error");
}

void webhooksAreVerified() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  const std::string body = R"({"id":"evt_1","type":"shipment.delivered",)"
                           R"("data":{"id":"shp_1","reference":"o-1","carrier":"UPS","tracking_number":"1Z9"}})";
  InboundMessage m;
  m.source = "webhook";
  m.headers["x-signature"] = crypto::hmacSha256Hex("whsec", body);
  auto parsed = h.shipping().parseWebhook(m, body);
  check(parsed.ok() && parsed->outcome == wireName(EventOutcome::event) &&
            parsed->status == wireName(ShipmentStatus::delivered) && parsed->reference == "shp_1" &&
            parsed->orderId == "o-1" && parsed->eventId == "evt_1" && parsed->trackingNumber == "1Z9",
        "a signed shipment.delivered is a delivered update of shp_1");

  m.headers["x-signature"] = crypto::hmacSha256Hex("wrong", body);
  auto forged = h.shipping().parseWebhook(m, body);
  check(!forged.ok() && forged.error().code == ErrorCode::unauthenticated, "a wrong signature is refused");
  std::string tampered = body;
  tampered.replace(tampered.find("1Z9"), 3, "1Z8");
  m.headers["x-signature"] = crypto::hmacSha256Hex("whsec", body);
  auto changed = h.shipping().parseWebhook(m, tampered);
  check(!changed.ok() && changed.error().code == ErrorCode::unauthenticated, "a tampered body is refused");
  m.headers.erase("x-signature");
  auto bare = h.shipping().parseWebhook(m, body);
  check(!bare.ok() && bare.error().code == ErrorCode::unauthenticated, "an unsigned body is refused");

  const std::string label = R"({"id":"evt_2","type":"shipment.label_created","data":{"id":"shp_1"}})";
  m.headers["x-signature"] = crypto::hmacSha256Hex("whsec", label);
  auto other = h.shipping().parseWebhook(m, label);
  check(other.ok() && other->outcome == wireName(EventOutcome::ignored), "other tracking events are ignored");
}

} // namespace

int main() {
  createsAKeyedShipment();
  quotesARate();
  confirmsAndCancels();
  outageIsRetryableAndRefusalIsFinal();
  webhooksAreVerified();
  return checkSummary();
}
