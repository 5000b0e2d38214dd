// shipping/manual through its C ABI on a FakeHost.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {
const char *kConfig =
    R"({"carrier":"manual","webhook_secret":"ship_hook","flat_rate":{"amountMinor":500,"currency":"USD"}})";
const char *kNoExtras = R"({"carrier":"Own courier"})";
const char *kShippedBody = R"({"eventId":"trk-1","reference":"shp_o-1_seller-1","orderId":"o-1",
  "status":"shipped","carrier":"JNE","trackingNumber":"JN0012345"})";

ShipmentRequest shipmentFor(std::optional<std::string> seller) {
  ShipmentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.sellerId = std::move(seller);
  r.address.line1 = "Jl. Sudirman 1";
  r.address.city = "Jakarta";
  r.address.country = "ID";
  LineItem line;
  line.productId = "sku-mug";
  line.sellerId = r.sellerId;
  line.title = "Coffee mug";
  line.quantity = 2;
  line.unitPrice = Money{1299, "USD"};
  line.lineTotal = Money{2598, "USD"};
  r.lines.push_back(line);
  r.idempotencyKey = "ship:o-1:" + r.sellerId.value_or("house");
  return r;
}

InboundMessage webhookWith(const std::string &secret_header) {
  InboundMessage m;
  m.source = "webhook";
  if (!secret_header.empty()) m.headers["x-webhook-secret"] = secret_header;
  return m;
}

// A harness whose instance has a flat rate and checks webhooks against "s3cret".
void createConfigured(PluginHarness &h) {
  h.host().setSecret("ship_hook", "s3cret");
  Status s = h.create(kConfig, "shipping-manual");
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}
} // namespace

class ManualShippingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ManualShippingTest);
  CPPUNIT_TEST(createShipmentIsDraftPerSeller);
  CPPUNIT_TEST(houseBrandGetsHouseReference);
  CPPUNIT_TEST(confirmAndCancelKeepReference);
  CPPUNIT_TEST(quoteUsesFlatRate);
  CPPUNIT_TEST(quoteInAnotherCurrencyIsRejected);
  CPPUNIT_TEST(quoteWithoutFlatRateIsUnsupported);
  CPPUNIT_TEST(emptyShipmentIsInvalid);
  CPPUNIT_TEST(trackingWebhookBecomesUpdate);
  CPPUNIT_TEST(otherTrackingStatusIsIgnored);
  CPPUNIT_TEST(wrongSecretIsUnauthenticated);
  CPPUNIT_TEST(unresolvableSecretFailsCreate);
  CPPUNIT_TEST_SUITE_END();

public:
  void createShipmentIsDraftPerSeller() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    const auto create_shipment = h.table<orders_shipping_v1_t>()->create_shipment;
    auto r = h.call<Shipment>(create_shipment, shipmentFor(std::string("seller-1")));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_seller-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("seller-1"), r->sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("manual"), r->carrier.value());
    CPPUNIT_ASSERT(!r->trackingNumber.has_value());

    auto retry = h.call<Shipment>(create_shipment, shipmentFor(std::string("seller-1")));
    CPPUNIT_ASSERT_EQUAL(r->reference, retry->reference);
    auto other_seller = h.call<Shipment>(create_shipment, shipmentFor(std::string("seller-2")));
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_seller-2"), other_seller->reference);
  }
  void houseBrandGetsHouseReference() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kNoExtras).ok());
    auto r = h.call<Shipment>(h.table<orders_shipping_v1_t>()->create_shipment, shipmentFor(std::nullopt));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_house"), r->reference);
    CPPUNIT_ASSERT(!r->sellerId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("Own courier"), r->carrier.value());
  }
  void confirmAndCancelKeepReference() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    const ShipmentRef ref{"shp_o-1_seller-1", "o-1"};
    auto confirmed = h.call<Shipment>(h.table<orders_shipping_v1_t>()->confirm_shipment, ref);
    CPPUNIT_ASSERT_MESSAGE(confirmed.ok() ? "" : confirmed.error().message, confirmed.ok());
    CPPUNIT_ASSERT_EQUAL(ref.reference, confirmed->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), confirmed->status);
    auto cancelled = h.call<Shipment>(h.table<orders_shipping_v1_t>()->cancel_shipment, ref);
    CPPUNIT_ASSERT_EQUAL(ref.reference, cancelled->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
  }
  void quoteUsesFlatRate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    auto r = h.call<Quote>(h.table<orders_shipping_v1_t>()->quote, shipmentFor(std::string("seller-1")));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(int64_t(500), r->amount.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), r->amount.currency);
  }
  void quoteInAnotherCurrencyIsRejected() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    ShipmentRequest in_rupiah = shipmentFor(std::string("seller-1"));
    in_rupiah.lines[0].unitPrice = Money{150000, "IDR"};
    in_rupiah.lines[0].lineTotal = Money{300000, "IDR"};
    auto r = h.call<Quote>(h.table<orders_shipping_v1_t>()->quote, in_rupiah);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT_EQUAL(std::string("flat_rate is in USD but the order is in IDR"), r.error().message);
  }
  void quoteWithoutFlatRateIsUnsupported() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kNoExtras).ok());
    auto r = h.call<Quote>(h.table<orders_shipping_v1_t>()->quote, shipmentFor(std::string("seller-1")));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unsupported);
  }
  void emptyShipmentIsInvalid() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    ShipmentRequest empty = shipmentFor(std::string("seller-1"));
    empty.lines.clear();
    auto r = h.call<Shipment>(h.table<orders_shipping_v1_t>()->create_shipment, empty);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/lines: at least one line"), r.error().message);
  }
  void trackingWebhookBecomesUpdate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    const auto parse = h.table<orders_shipping_v1_t>()->parse_webhook;
    auto r = h.call<ShipmentUpdate>(parse, webhookWith("s3cret"), kShippedBody);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    CPPUNIT_ASSERT_EQUAL(std::string("trk-1"), r->eventId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_seller-1"), r->reference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), r->orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), r->status.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JNE"), r->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), r->trackingNumber.value());

    auto delivered = h.call<ShipmentUpdate>(
        parse, webhookWith("s3cret"),
        R"({"eventId":"trk-2","reference":"shp_o-1_seller-1","orderId":"o-1","status":"delivered"})");
    CPPUNIT_ASSERT_EQUAL(std::string("delivered"), delivered->status.value());
    CPPUNIT_ASSERT(!delivered->carrier.has_value());

    auto malformed = h.call<ShipmentUpdate>(parse, webhookWith("s3cret"),
                                            R"({"eventId":"trk-3","orderId":"o-1","status":"shipped"})");
    CPPUNIT_ASSERT(malformed.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/reference: is required"), malformed.error().message);
  }
  void otherTrackingStatusIsIgnored() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    auto r = h.call<ShipmentUpdate>(
        h.table<orders_shipping_v1_t>()->parse_webhook, webhookWith("s3cret"),
        R"({"eventId":"trk-4","reference":"shp_o-1_seller-1","orderId":"o-1","status":"out_for_delivery"})");
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), r->outcome);
    CPPUNIT_ASSERT(!r->status.has_value());
  }
  void wrongSecretIsUnauthenticated() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createConfigured(h);
    const auto parse = h.table<orders_shipping_v1_t>()->parse_webhook;
    for (const char *header : {"wrong!", "s3cre", "s3cret2", ""}) {
      auto r = h.call<ShipmentUpdate>(parse, webhookWith(header), kShippedBody);
      CPPUNIT_ASSERT_MESSAGE("header '" + std::string(header) + "' was accepted", !r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    }

    PluginHarness without_secret(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(without_secret.create(kNoExtras).ok());
    auto r = without_secret.call<ShipmentUpdate>(without_secret.table<orders_shipping_v1_t>()->parse_webhook,
                                                 webhookWith("s3cret"), kShippedBody);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("webhooks are disabled: set webhook_secret"), r.error().message);
  }
  void unresolvableSecretFailsCreate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    Status s = h.create(kConfig); // no secret named ship_hook on the host
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("webhook_secret: cannot resolve secret 'ship_hook': no secret named ship_hook"),
                         s.error().message);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ManualShippingTest);
