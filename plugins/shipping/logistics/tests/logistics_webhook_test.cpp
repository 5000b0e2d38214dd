// shipping/logistics on FakeHost: tracking callbacks (shared secret, HMAC, mapping).
#include "logistics_test_support.hpp"

class LogisticsWebhookTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogisticsWebhookTest);
  CPPUNIT_TEST(webhookWithTheSharedSecret);
  CPPUNIT_TEST(webhookWithAnHmacSignature);
  CPPUNIT_TEST(webhookWithoutSecretsIsRefused);
  CPPUNIT_TEST(duplicateCallbacksParseIdentically);
  CPPUNIT_TEST(statusesAreMappedOrIgnored);
  CPPUNIT_TEST(referenceIsRebuiltFromOrderAndSeller);
  CPPUNIT_TEST(malformedCallbacksNameThePointer);
  CPPUNIT_TEST(signatureIsHmacOfTheBody);
  CPPUNIT_TEST_SUITE_END();

public:
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

  void signatureIsHmacOfTheBody() {
    CPPUNIT_ASSERT_EQUAL(kShippedSignature, orders::sdk::crypto::hmacSha256Hex("sig-key", kShipped));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogisticsWebhookTest);
