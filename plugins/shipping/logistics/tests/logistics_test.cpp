// shipping/logistics through its C ABI on a FakeHost: drafts without calls,
// the booking request and answer, cancel, error mapping, and tracking
// callbacks (shared secret, HMAC signature, status mapping, dedupe ids,
// malformed bodies).
#include <cppunit/extensions/HelperMacros.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "../hmac_sha256.hpp"
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

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://logistics.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

ShipmentRequest requestFor(std::optional<std::string> seller) {
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

InboundMessage hook(std::map<std::string, std::string> headers) {
  InboundMessage m;
  m.source = "webhook";
  m.headers = std::move(headers);
  return m;
}

Result<Shipment> create(PluginHarness &h, const ShipmentRequest &r) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->create_shipment, r);
}
Result<Shipment> confirm(PluginHarness &h, const ShipmentRef &ref) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->confirm_shipment, ref);
}
Result<Shipment> cancel(PluginHarness &h, const ShipmentRef &ref) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->cancel_shipment, ref);
}
Result<ShipmentUpdate> parse(PluginHarness &h, const InboundMessage &m, const std::string &body) {
  return h.call<ShipmentUpdate>(h.table<orders_shipping_v1_t>()->parse_webhook, m, body);
}

// A harness whose webhooks need the shared secret "hook-secret".
void createWithSecret(PluginHarness &h, const std::string &extra = "") {
  h.host().setSecret("LOGISTICS_HOOK", "hook-secret");
  Status s = h.create(config(R"("webhook_secret":"LOGISTICS_HOOK")" + (extra.empty() ? "" : "," + extra)));
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}

const std::map<std::string, std::string> kGoodSecret{{"x-webhook-secret", "hook-secret"}};

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class LogisticsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogisticsTest);
  CPPUNIT_TEST(createRecordsADraftWithoutCallingOut);
  CPPUNIT_TEST(confirmBooksWithAddressItemsWeightAndKey);
  CPPUNIT_TEST(confirmWithoutTheDraftSendsWhatTheReferenceTells);
  CPPUNIT_TEST(weightIsLeftOutUnlessEveryLineHasIt);
  CPPUNIT_TEST(cancelPostsAndTreats404AsDone);
  CPPUNIT_TEST(bookingErrorsAreMapped);
  CPPUNIT_TEST(webhookWithTheSharedSecret);
  CPPUNIT_TEST(webhookWithAnHmacSignature);
  CPPUNIT_TEST(webhookWithoutSecretsIsRefused);
  CPPUNIT_TEST(duplicateCallbacksParseIdentically);
  CPPUNIT_TEST(statusesAreMappedOrIgnored);
  CPPUNIT_TEST(referenceIsRebuiltFromOrderAndSeller);
  CPPUNIT_TEST(malformedCallbacksNameThePointer);
  CPPUNIT_TEST(hmacMatchesPublishedVectors);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void createRecordsADraftWithoutCallingOut() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    auto r = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), r->sellerId.value());
    CPPUNIT_ASSERT(!r->carrier.has_value());
    CPPUNIT_ASSERT(!r->trackingNumber.has_value());
    auto retry = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_EQUAL(r->reference, retry->reference);
    auto house = create(h, requestFor(std::nullopt));
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_house"), house->reference);
    CPPUNIT_ASSERT(!house->sellerId.has_value());
    CPPUNIT_ASSERT(h.host().requests().empty());

    ShipmentRequest empty = requestFor(std::string("s-1"));
    empty.lines.clear();
    CPPUNIT_ASSERT_EQUAL(std::string("/lines: at least one line"), create(h, empty).error().message);
  }

  void confirmBooksWithAddressItemsWeightAndKey() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    CPPUNIT_ASSERT(create(h, requestFor(std::string("s-1"))).ok());
    h.host().onHttp("POST", kBookingUrl,
                    answer(201, R"({"id":"LG-77","status":"BOOKED","carrier":"JNE","trackingNumber":"JN0012345"})"));
    auto r = confirm(h, ShipmentRef{"shp_o-1_s-1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference); // ours: the core keeps it
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), r->sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JNE"), r->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), r->trackingNumber.value());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &sent = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(kBookingUrl, sent.url);
    CPPUNIT_ASSERT_EQUAL(std::string("booking:shp_o-1_s-1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Content-Type"));
    CPPUNIT_ASSERT(sent.idempotent);
    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), body["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), body["orderNumber"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), body["sellerId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Siti Rahma"), body["address"]["name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Jl. Sudirman 1"), body["address"]["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Jakarta"), body["address"]["city"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("10220"), body["address"]["postalCode"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ID"), body["address"]["country"].asString());
    CPPUNIT_ASSERT(!body["address"].isMember("line2"));
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(2), body["items"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), body["items"][0]["productId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), body["items"][0]["title"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), body["items"][0]["quantity"].asInt64());
    CPPUNIT_ASSERT(!body["items"][0].isMember("variantId"));
    CPPUNIT_ASSERT_EQUAL(std::string("red"), body["items"][1]["variantId"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(600), body["weightGrams"].asInt64()); // 2 x 250 + 1 x 100
  }

  void confirmWithoutTheDraftSendsWhatTheReferenceTells() {
    PluginHarness h(orders_plugin_descriptor_v1()); // as after a restart: no draft in memory
    CPPUNIT_ASSERT(h.create(config(R"("booking_path":"/v2/bookings","shipment_id_pointer":"/data/id",)"
                                   R"("carrier_pointer":"/data/courier","tracking_number_pointer":"")"))
                       .ok());
    h.host().onHttp("POST", kBase + "/v2/bookings",
                    answer(200, R"({"data":{"id":9001,"courier":"SiCepat","trackingNumber":42}})"));
    auto r = confirm(h, ShipmentRef{"shp_o-9_s-2", "o-9"});
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("s-2"), r->sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("SiCepat"), r->carrier.value());
    CPPUNIT_ASSERT(!r->trackingNumber.has_value()); // not read: tracking_number_pointer ""
    const Json::Value body = parseJson(h.host().requests().at(0).body);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-9_s-2"), body["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-9"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-2"), body["sellerId"].asString());
    CPPUNIT_ASSERT(!body.isMember("address"));
    CPPUNIT_ASSERT(!body.isMember("items"));
    CPPUNIT_ASSERT(!body.isMember("weightGrams"));
    bool warned = false;
    for (const auto &line : h.host().logs())
      warned = warned || (line.level == LogLevel::warn && contains(line.message, "without address and items"));
    CPPUNIT_ASSERT(warned);

    auto house = confirm(h, ShipmentRef{"shp_o-9_house", "o-9"});
    CPPUNIT_ASSERT_MESSAGE(why(house), house.ok());
    CPPUNIT_ASSERT(!house->sellerId.has_value());
    CPPUNIT_ASSERT(!parseJson(h.host().requests().at(1).body).isMember("sellerId"));
  }

  void weightIsLeftOutUnlessEveryLineHasIt() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kBookingUrl, answer(201, R"({"id":"LG-1"})"));
    ShipmentRequest partial = requestFor(std::string("s-1"));
    partial.lines[1].attributes.clear();
    CPPUNIT_ASSERT(create(h, partial).ok());
    CPPUNIT_ASSERT(confirm(h, ShipmentRef{"shp_o-1_s-1", "o-1"}).ok());
    CPPUNIT_ASSERT(!parseJson(h.host().requests().at(0).body).isMember("weightGrams"));

    PluginHarness off(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(off.create(config(R"("weight_attribute":"")")).ok());
    off.host().onHttp("POST", kBookingUrl, answer(201, R"({"id":"LG-2"})"));
    CPPUNIT_ASSERT(create(off, requestFor(std::string("s-1"))).ok());
    CPPUNIT_ASSERT(confirm(off, ShipmentRef{"shp_o-1_s-1", "o-1"}).ok());
    CPPUNIT_ASSERT(!parseJson(off.host().requests().at(0).body).isMember("weightGrams"));
  }

  void cancelPostsAndTreats404AsDone() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kBase + "/api/shipments/shp_o-1_s-1/cancel", answer(200, R"({"status":"CANCELLED"})"));
    auto r = cancel(h, ShipmentRef{"shp_o-1_s-1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference);
    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(std::string("cancel:shp_o-1_s-1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), parseJson(sent.body)["orderId"].asString());

    auto never_booked = cancel(h, ShipmentRef{"shp_o-2_house", "o-2"}); // unscripted: 404
    CPPUNIT_ASSERT_MESSAGE(why(never_booked), never_booked.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), never_booked->status);

    h.host().onHttp("POST", kBase + "/api/shipments/shp_o-3_house/cancel", answer(409, "already delivered"));
    auto late = cancel(h, ShipmentRef{"shp_o-3_house", "o-3"});
    CPPUNIT_ASSERT(!late.ok());
    CPPUNIT_ASSERT(late.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT_MESSAGE(late.error().message, contains(late.error().message, "answered 409: already delivered"));

    PluginHarness by_order(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(by_order.create(config(R"("cancel_path":"/api/orders/{order_id}/shipments/{id}/cancel")")).ok());
    CPPUNIT_ASSERT(cancel(by_order, ShipmentRef{"shp_o 4_house", "o 4"}).ok());
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/orders/o%204/shipments/shp_o%204_house/cancel",
                         by_order.host().requests().at(0).url);
  }

  void bookingErrorsAreMapped() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    const ShipmentRef ref{"shp_o-1_s-1", "o-1"};
    h.host().onHttp("POST", kBookingUrl, answer(503, "maintenance"));
    h.host().thenHttp(answer(422, "{\"error\":\"address required\"}"));
    h.host().thenHttp(answer(201, R"({"status":"BOOKED"})"));
    h.host().thenHttp(answer(201, R"({"id":"LG-1","carrier":["JNE"]})"));
    h.host().thenHttp(answer(201, "<html>bad gateway</html>"));

    auto busy = confirm(h, ref);
    CPPUNIT_ASSERT(busy.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(busy.error().retryable);
    CPPUNIT_ASSERT_EQUAL(
        std::string("booking of shipment shp_o-1_s-1: POST " + kBookingUrl + " answered 503: maintenance"),
        busy.error().message);
    auto refused = confirm(h, ref);
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT(!refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message,
                           contains(refused.error().message, "answered 422: {\"error\":\"address required\"}"));
    auto missing = confirm(h, ref);
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: /id: missing"), missing.error().message);
    auto carrier = confirm(h, ref);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: /carrier: expected string or null, got array"),
                         carrier.error().message);
    auto html = confirm(h, ref);
    CPPUNIT_ASSERT(html.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "/: malformed JSON"));

    PluginHarness down(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(down.create(config()).ok());
    down.host().onHttpError("POST", kBookingUrl, unavailable("POST " + kBookingUrl + ": connection refused"));
    auto refused_connection = confirm(down, ref);
    CPPUNIT_ASSERT(refused_connection.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused_connection.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: POST " + kBookingUrl + ": connection refused"),
                         refused_connection.error().message);
  }

  void webhookWithTheSharedSecret() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithSecret(h);
    auto r = parse(h, hook(kGoodSecret), kShipped);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    CPPUNIT_ASSERT_EQUAL(std::string("evt-1"), r->eventId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), r->orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), r->status.value()); // IN_TRANSIT
    CPPUNIT_ASSERT_EQUAL(std::string("JNE"), r->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), r->trackingNumber.value());

    for (const std::string &wrong : {std::string("hook-secreT"), std::string("hook-secret2"), std::string("")}) {
      auto bad = parse(h, hook({{"x-webhook-secret", wrong}}), kShipped);
      CPPUNIT_ASSERT_MESSAGE("secret '" + wrong + "' was accepted", !bad.ok());
      CPPUNIT_ASSERT(bad.error().code == ErrorCode::unauthenticated);
      CPPUNIT_ASSERT_EQUAL(std::string("missing or wrong x-webhook-secret"), bad.error().message);
    }
    auto none = parse(h, hook({}), kShipped);
    CPPUNIT_ASSERT(none.error().code == ErrorCode::unauthenticated);
    // The signature is no way in when only the shared secret is configured.
    auto signed_only = parse(h, hook({{"x-signature", kShippedSignature}}), kShipped);
    CPPUNIT_ASSERT(signed_only.error().code == ErrorCode::unauthenticated);

    PluginHarness custom(orders_plugin_descriptor_v1());
    createWithSecret(custom, R"("webhook_secret_header":"X-Hook-Token")");
    CPPUNIT_ASSERT(parse(custom, hook({{"x-hook-token", "hook-secret"}}), kShipped).ok());
    CPPUNIT_ASSERT(parse(custom, hook({{"X-Hook-Token", "hook-secret"}}), kShipped).ok());
    CPPUNIT_ASSERT(!parse(custom, hook(kGoodSecret), kShipped).ok());
  }

  void webhookWithAnHmacSignature() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("LOGISTICS_SIGNING_KEY", "sig-key");
    CPPUNIT_ASSERT(h.create(config(R"("signature_secret":"LOGISTICS_SIGNING_KEY")")).ok());
    auto r = parse(h, hook({{"x-signature", kShippedSignature}}), kShipped);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    CPPUNIT_ASSERT_EQUAL(std::string("evt-1"), r->eventId.value());
    std::string upper = kShippedSignature;
    for (char &c : upper)
      if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
    CPPUNIT_ASSERT(parse(h, hook({{"x-signature", "sha256=" + upper}}), kShipped).ok());
    CPPUNIT_ASSERT(parse(h, hook({{"x-signature", " " + kShippedSignature + " "}}), kShipped).ok());

    std::string tampered = kShipped;
    tampered.replace(tampered.find("IN_TRANSIT"), 10, "DELIVERED_");
    auto changed = parse(h, hook({{"x-signature", kShippedSignature}}), tampered);
    CPPUNIT_ASSERT(changed.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("missing or wrong x-signature"), changed.error().message);
    std::string wrong = kShippedSignature;
    wrong[0] = wrong[0] == '0' ? '1' : '0';
    CPPUNIT_ASSERT(parse(h, hook({{"x-signature", wrong}}), kShipped).error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(parse(h, hook({{"x-signature", kShippedSignature.substr(0, 63)}}), kShipped).error().code ==
                   ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(parse(h, hook({{"x-webhook-secret", "sig-key"}}), kShipped).error().code ==
                   ErrorCode::unauthenticated);

    // Both configured: either suffices.
    PluginHarness both(orders_plugin_descriptor_v1());
    both.host().setSecret("LOGISTICS_SIGNING_KEY", "sig-key");
    createWithSecret(both, R"("signature_secret":"LOGISTICS_SIGNING_KEY","signature_header":"X-Logistics-Signature")");
    CPPUNIT_ASSERT(parse(both, hook(kGoodSecret), kShipped).ok());
    CPPUNIT_ASSERT(parse(both, hook({{"x-logistics-signature", kShippedSignature}}), kShipped).ok());
    auto neither = parse(both, hook({{"x-logistics-signature", wrong}}), kShipped);
    CPPUNIT_ASSERT_EQUAL(std::string("missing or wrong x-webhook-secret or x-logistics-signature"),
                         neither.error().message);
  }

  void webhookWithoutSecretsIsRefused() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    auto r = parse(h, hook(kGoodSecret), kShipped);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("webhooks are disabled: set webhook_secret or signature_secret"),
                         r.error().message);
  }

  void duplicateCallbacksParseIdentically() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithSecret(h);
    auto first = parse(h, hook(kGoodSecret), kShipped);
    auto again = parse(h, hook(kGoodSecret), kShipped);
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT_EQUAL(encode(first.value()), encode(again.value())); // same event id: the core applies it once

    // Without an event id, the id is derived from the reference, status and time: still stable.
    const std::string no_id = R"({"reference":"shp_o-1_s-1","status":"DELIVERED","occurredAt":"2026-11-23T08:00:00Z"})";
    auto derived = parse(h, hook(kGoodSecret), no_id);
    CPPUNIT_ASSERT_MESSAGE(why(derived), derived.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1:DELIVERED:2026-11-23T08:00:00Z"), derived->eventId.value());
    CPPUNIT_ASSERT_EQUAL(encode(derived.value()), encode(parse(h, hook(kGoodSecret), no_id).value()));
    auto untimed = parse(h, hook(kGoodSecret), R"({"reference":"shp_o-1_s-1","status":"SHIPPED"})");
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1:SHIPPED"), untimed->eventId.value());
  }

  void statusesAreMappedOrIgnored() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithSecret(h);
    const auto status = [&](const std::string &provider_status) {
      auto r = parse(h, hook(kGoodSecret),
                     R"({"eventId":"e","reference":"shp_o-1_s-1","status":")" + provider_status + R"("})");
      CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
      return r->outcome == "event" ? r->status.value() : r->outcome;
    };
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), status("IN_TRANSIT"));
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), status("SHIPPED"));
    CPPUNIT_ASSERT_EQUAL(std::string("delivered"), status("DELIVERED"));
    CPPUNIT_ASSERT_EQUAL(std::string("delivered"), status("delivered")); // case-insensitive
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), status("PICKED_UP"));
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), status("RETURNED"));
    auto ignored = parse(h, hook(kGoodSecret), R"({"status":"PICKED_UP"})"); // nothing else is needed
    CPPUNIT_ASSERT_MESSAGE(why(ignored), ignored.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), ignored->outcome);
    CPPUNIT_ASSERT(!ignored->status.has_value());

    PluginHarness custom(orders_plugin_descriptor_v1());
    createWithSecret(custom, R"("webhook":{"status_pointer":"/event/type","status_map":{"out_for_delivery":"shipped",)"
                             R"("Received":"delivered"}})");
    auto out = parse(custom, hook(kGoodSecret), R"({"reference":"r-1","event":{"type":"OUT_FOR_DELIVERY"}})");
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), out->status.value());
    auto received = parse(custom, hook(kGoodSecret), R"({"reference":"r-1","event":{"type":"RECEIVED"}})");
    CPPUNIT_ASSERT_EQUAL(std::string("delivered"), received->status.value());
    auto replaced = parse(custom, hook(kGoodSecret), R"({"reference":"r-1","event":{"type":"IN_TRANSIT"}})");
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), replaced->outcome); // the map replaces the default
  }

  void referenceIsRebuiltFromOrderAndSeller() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithSecret(h);
    auto seller =
        parse(h, hook(kGoodSecret), R"({"eventId":"e1","orderId":"o-1","sellerId":"s-1","status":"SHIPPED"})");
    CPPUNIT_ASSERT_MESSAGE(why(seller), seller.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), seller->reference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), seller->orderId.value());
    auto house = parse(h, hook(kGoodSecret), R"({"eventId":"e2","orderId":123,"sellerId":null,"status":"SHIPPED"})");
    CPPUNIT_ASSERT_MESSAGE(why(house), house.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_123_house"), house->reference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("123"), house->orderId.value());
  }

  void malformedCallbacksNameThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithSecret(h);
    const auto error = [&](const std::string &body) {
      auto r = parse(h, hook(kGoodSecret), body);
      CPPUNIT_ASSERT_MESSAGE(body + " was accepted", !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::invalid_argument);
      return r.error().message;
    };
    CPPUNIT_ASSERT_MESSAGE(error("not json"), error("not json").rfind("/: malformed JSON", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("/: expected object, got array"), error("[]"));
    CPPUNIT_ASSERT_EQUAL(std::string("/status: is required"), error(R"({"reference":"r-1"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/status: expected string or null, got number"),
                         error(R"({"reference":"r-1","status":3})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/reference or /orderId: is required (the update names no shipment)"),
                         error(R"({"eventId":"e","status":"SHIPPED"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/carrier: expected string or null, got number"),
                         error(R"({"reference":"r-1","status":"SHIPPED","carrier":7})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/eventId: expected string, integer or null, got object"),
                         error(R"({"reference":"r-1","status":"SHIPPED","eventId":{}})"));

    // A bad signature is refused before the body is read.
    auto unsigned_garbage = parse(h, hook({}), "not json");
    CPPUNIT_ASSERT(unsigned_garbage.error().code == ErrorCode::unauthenticated);
  }

  void hmacMatchesPublishedVectors() {
    namespace lg = orders::plugins::shipping::logistics;
    CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                         lg::hexLower(lg::sha256("")));
    CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                         lg::hexLower(lg::sha256("abc")));
    CPPUNIT_ASSERT_EQUAL(std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
                         lg::hexLower(lg::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")));
    CPPUNIT_ASSERT_EQUAL(std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
                         lg::hexLower(lg::sha256(std::string(1000000, 'a'))));
    // RFC 4231 test cases 2 and 6 (a key longer than one block).
    CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                         lg::hexLower(lg::hmacSha256("Jefe", "what do ya want for nothing?")));
    CPPUNIT_ASSERT_EQUAL(std::string("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                         lg::hexLower(lg::hmacSha256(std::string(131, '\xaa'),
                                                     "Test Using Larger Than Block-Size Key - Hash Key First")));
    CPPUNIT_ASSERT_EQUAL(kShippedSignature, lg::hexLower(lg::hmacSha256("sig-key", kShipped)));
  }

  void createRejectsBadConfig() {
    const struct {
      std::string config;
      std::string message;
    } cases[] = {
        {R"({"base_url":"logistics.test"})", "base_url: expected an http:// or https:// URL, got 'logistics.test'"},
        {config(R"("cancel_path":"/api/shipments/cancel")"), "cancel_path: must contain {id} or {order_id}"},
        {config(R"("booking_path":"api/shipments")"), "booking_path: 'api/shipments' must start with /"},
        {config(R"("shipment_id_pointer":"")"),
         "shipment_id_pointer: '' is not a JSON pointer to a field (\"/id\", \"/data/id\")"},
        {config(R"("webhook":{"status_map":{"LOST":"cancelled"}})"),
         "webhook/status_map/LOST: expected \"shipped\" or \"delivered\", got 'cancelled'"},
        {config(R"("webhook":{"reference_pointer":"","order_id_pointer":""})"),
         "webhook/reference_pointer: must be set when webhook/order_id_pointer is empty"},
        {config(R"("webhook_secret":"NOPE")"), "webhook_secret: cannot resolve secret 'NOPE': no secret named NOPE"},
        {config(R"("signature_secret":"NOPE")"),
         "signature_secret: cannot resolve secret 'NOPE': no secret named NOPE"},
    };
    for (const auto &c : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(c.config);
      CPPUNIT_ASSERT_MESSAGE(c.config, !s.ok());
      CPPUNIT_ASSERT_MESSAGE(s.error().message, s.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT_EQUAL(c.message, s.error().message);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogisticsTest);
