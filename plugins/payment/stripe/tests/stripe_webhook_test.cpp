// payment/stripe's webhooks through its C ABI on a FakeHost: the
// Stripe-Signature check (good, forged, stale, several v1, malformed), the
// events it translates, duplicates parsed identically, bodies that are not
// for us, malformed bodies naming the pointer.
#include <string>

#include "stripe_test_support.hpp"

using namespace stripe_test;

namespace {

// An event of `type` about a PaymentIntent (or a charge) of order o-1.
std::string intentEvent(const std::string &event_id, const std::string &type, int64_t received = 1999,
                        const std::string &metadata = R"({"order_id":"o-1","order_number":"ORD-1"})") {
  return R"({"id":")" + event_id +
         R"(","object":"event","api_version":"2024-06-20","created":1790000000,)"
         R"("livemode":false,"type":")" +
         type + R"(","data":{"object":{"id":"pi_1","object":"payment_intent","amount":1999,"amount_received":)" +
         std::to_string(received) + R"(,"currency":"usd","status":"succeeded","metadata":)" + metadata + "}}}";
}

std::string chargeRefunded(const std::string &event_id, bool fully) {
  return R"({"id":")" + event_id +
         R"(","object":"event","created":1790000100,"type":"charge.refunded","data":{"object":{"id":"ch_1",)"
         R"("object":"charge","amount":1999,"amount_refunded":)" +
         std::string(fully ? "1999" : "500") + R"(,"currency":"usd","payment_intent":"pi_1","refunded":)" +
         (fully ? "true" : "false") + R"(,"metadata":{"order_id":"o-1"}}}})";
}

Result<ParsedEvent> signedNow(PluginHarness &h, const std::string &body) {
  return parseWebhook(h, signature(body, kNow), body);
}

std::string errorOf(PluginHarness &h, const std::string &body) {
  auto r = signedNow(h, body);
  CPPUNIT_ASSERT_MESSAGE("accepted: " + body, !r.ok());
  CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::invalid_argument);
  return r.error().message;
}

} // namespace

class StripeWebhookTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StripeWebhookTest);
  CPPUNIT_TEST(hmacIsRfc4231);
  CPPUNIT_TEST(succeededBecomesAPaidEvent);
  CPPUNIT_TEST(duplicatesParseIdentically);
  CPPUNIT_TEST(forgedSignaturesAreRefused);
  CPPUNIT_TEST(staleSignaturesAreRefused);
  CPPUNIT_TEST(anyOfSeveralV1MayMatch);
  CPPUNIT_TEST(failedCanceledAndRefundedEvents);
  CPPUNIT_TEST(otherEventsAndForeignIntentsAreIgnored);
  CPPUNIT_TEST(malformedBodiesNameThePointer);
  CPPUNIT_TEST(kafkaIsUnsupported);
  CPPUNIT_TEST_SUITE_END();

public:
  void hmacIsRfc4231() {
    // RFC 4231 test case 2.
    CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                         orders::sdk::crypto::hmacSha256Hex("Jefe", "what do ya want for nothing?"));
  }

  void succeededBecomesAPaidEvent() {
    auto h = harness();
    auto r = signedNow(*h, intentEvent("evt_1", "payment_intent.succeeded"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    const PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(kInstance, e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("evt_1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), e.orderNumber.value());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-21T14:13:20Z"), e.occurredAt.value());
    CPPUNIT_ASSERT(h->host().requests().empty()); // nothing is asked of Stripe
  }

  void duplicatesParseIdentically() {
    auto h = harness();
    const std::string body = intentEvent("evt_1", "payment_intent.succeeded");
    const std::string header = signature(body, kNow - 10);
    auto first = parseWebhook(*h, header, body);
    auto second = parseWebhook(*h, header, body);
    CPPUNIT_ASSERT(first.ok() && second.ok());
    CPPUNIT_ASSERT_EQUAL(encode(first.value()), encode(second.value())); // same eventId: the core applies it once
  }

  void forgedSignaturesAreRefused() {
    auto h = harness();
    const std::string body = intentEvent("evt_1", "payment_intent.succeeded");
    const std::string tampered = intentEvent("evt_1", "payment_intent.succeeded", 1);
    const struct {
      std::string header;
      std::string body;
      std::string message;
    } cases[] = {
        {signature(body, kNow, "whsec_other"), body, "no Stripe-Signature v1 signature matches"},
        {signature(body, kNow), tampered, "no Stripe-Signature v1 signature matches"},
        {"t=" + std::to_string(kNow + 1) + signature(body, kNow).substr(12), body, // t is signed too
         "no Stripe-Signature v1 signature matches"},
        {"", body, "missing Stripe-Signature"},
        {"v1=" + signature(body, kNow).substr(14), body, "Stripe-Signature has no timestamp (t=)"},
        {"t=" + std::to_string(kNow), body, "Stripe-Signature has no v1 signature"},
        {"t=" + std::to_string(kNow) + ",v0=" + signature(body, kNow).substr(14), body,
         "Stripe-Signature has no v1 signature"},
        {"t=soon,v1=00", body, "Stripe-Signature timestamp 'soon' is not a number"},
        {"t=" + std::to_string(kNow) + ",v1=" + std::string(64, '0'), body, "no Stripe-Signature v1 signature matches"},
    };
    for (const auto &c : cases) {
      auto r = parseWebhook(*h, c.header, c.body);
      CPPUNIT_ASSERT_MESSAGE("accepted: " + c.header, !r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
      CPPUNIT_ASSERT(!r.error().retryable);
      CPPUNIT_ASSERT_EQUAL(c.message, r.error().message);
    }
    // Checked before the body is read.
    CPPUNIT_ASSERT(parseWebhook(*h, "t=1,v1=00", "not json").error().code == ErrorCode::unauthenticated);
  }

  void staleSignaturesAreRefused() {
    auto h = harness();
    const std::string body = intentEvent("evt_1", "payment_intent.succeeded");
    CPPUNIT_ASSERT(parseWebhook(*h, signature(body, kNow - 300), body).ok());
    CPPUNIT_ASSERT(parseWebhook(*h, signature(body, kNow + 300), body).ok());
    auto old = parseWebhook(*h, signature(body, kNow - 301), body);
    CPPUNIT_ASSERT(old.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("Stripe-Signature timestamp 1789999699 is 301 s from now, outside the tolerance "
                                     "of 300 s"),
                         old.error().message);
    CPPUNIT_ASSERT(parseWebhook(*h, signature(body, kNow + 301), body).error().code == ErrorCode::unauthenticated);

    auto strict = harness(R"("webhook_tolerance_seconds":10)");
    CPPUNIT_ASSERT(strict
                       ->call<ParsedEvent>(
                           strict->table<orders_payment_v1_t>()->parse_webhook,
                           InboundMessage{"webhook", {}, {}, {{"stripe-signature", signature(body, kNow - 11)}}}, body)
                       .error()
                       .code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(parseWebhook(*strict, signature(body, kNow - 10), body).ok());
  }

  void anyOfSeveralV1MayMatch() {
    auto h = harness();
    const std::string body = intentEvent("evt_1", "payment_intent.succeeded");
    const std::string good = signature(body, kNow).substr(signature(body, kNow).find("v1=") + 3);
    const std::string wrong = signature(body, kNow, "whsec_old").substr(signature(body, kNow).find("v1=") + 3);
    const std::string t = "t=" + std::to_string(kNow);
    for (const std::string &header : {t + ",v1=" + wrong + ",v1=" + good, t + ", v1=" + good + " ,v1=" + wrong,
                                      t + ",v0=" + wrong + ",v1=" + good, "v1=" + good + "," + t + ",x=y"}) {
      auto r = parseWebhook(*h, header, body);
      CPPUNIT_ASSERT_MESSAGE(header + ": " + why(r), r.ok());
    }
  }

  void failedCanceledAndRefundedEvents() {
    auto h = harness();
    auto failed = signedNow(*h, intentEvent("evt_2", "payment_intent.payment_failed", 0));
    CPPUNIT_ASSERT_MESSAGE(why(failed), failed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), failed->event.value().type);
    CPPUNIT_ASSERT_EQUAL(std::string("evt_2"), failed->event.value().eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), failed->event.value().paymentReference.value());

    auto canceled = signedNow(*h, intentEvent("evt_3", "payment_intent.canceled", 0));
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), canceled->event.value().type);

    auto refunded = signedNow(*h, chargeRefunded("evt_4", true));
    CPPUNIT_ASSERT_MESSAGE(why(refunded), refunded.ok());
    const PaymentEvent &e = refunded->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("evt_4"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), e.amount.value().amountMinor);

    auto partly = signedNow(*h, chargeRefunded("evt_5", false));
    CPPUNIT_ASSERT_MESSAGE(why(partly), partly.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), partly->outcome);
    CPPUNIT_ASSERT_MESSAGE(partly->reason.value(), contains(partly->reason.value(), "partly refunded"));
  }

  void otherEventsAndForeignIntentsAreIgnored() {
    auto h = harness();
    for (const char *type : {"payment_intent.created", "charge.succeeded", "customer.created"}) {
      auto r = signedNow(*h, intentEvent("evt_9", type));
      CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("ignored"), r->outcome);
      CPPUNIT_ASSERT(!r->event.has_value());
      CPPUNIT_ASSERT_MESSAGE(r->reason.value(), contains(r->reason.value(), type));
    }
    auto foreign = signedNow(*h, intentEvent("evt_8", "payment_intent.succeeded", 1999, R"({"cart":"c-1"})"));
    CPPUNIT_ASSERT_MESSAGE(why(foreign), foreign.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), foreign->outcome);
    CPPUNIT_ASSERT_MESSAGE(foreign->reason.value(), contains(foreign->reason.value(), "no metadata.order_id"));
  }

  void malformedBodiesNameThePointer() {
    auto h = harness();
    CPPUNIT_ASSERT(errorOf(*h, "type=payment_intent.succeeded").rfind("/: malformed JSON", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("/: expected object, got array"), errorOf(*h, "[1]"));
    CPPUNIT_ASSERT_EQUAL(std::string("/id: is required"), errorOf(*h, R"({"type":"payment_intent.succeeded"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/type: expected string"), errorOf(*h, R"({"id":"evt_1","type":1})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/data: is required"),
                         errorOf(*h, R"({"id":"evt_1","type":"payment_intent.succeeded"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/data/object: expected object"),
                         errorOf(*h, R"({"id":"evt_1","type":"payment_intent.succeeded","data":{"object":"pi_1"}})"));
    std::string no_amount = intentEvent("evt_1", "payment_intent.succeeded");
    no_amount.replace(no_amount.find("\"amount_received\""), 17, "\"amount_recvd\"");
    CPPUNIT_ASSERT_EQUAL(std::string("/data/object/amount_received: is required"), errorOf(*h, no_amount));
    std::string bad_meta = intentEvent("evt_1", "payment_intent.succeeded", 1999, R"({"order_id":7})");
    CPPUNIT_ASSERT_EQUAL(std::string("/data/object/metadata/order_id: expected string"), errorOf(*h, bad_meta));
  }

  void kafkaIsUnsupported() {
    auto h = harness();
    InboundMessage m;
    m.source = "kafka";
    auto r = h->call<ParsedEvent>(h->table<orders_payment_v1_t>()->parse_event, m, std::string("{}"));
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unsupported);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StripeWebhookTest);
