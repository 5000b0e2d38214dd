// payment/manual through its C ABI on a FakeHost.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {
const char *kInstance = "payments-manual";
const char *kPending = R"({"auto_capture":false,"payment_window_seconds":86400})";
const char *kAutoCapture = R"({"auto_capture":true,"payment_window_seconds":86400})";
const char *kWithWebhook = R"({"auto_capture":false,"webhook_secret":"manual_hook","payment_window_seconds":86400})";
const char *kPaidBody = R"({"eventId":"evt-1","orderId":"o-1","status":"paid","amountMinor":150000,
  "currency":"IDR","reference":"man_o-1_1","occurredAt":"2026-11-22T10:30:00Z"})";
const int64_t kNowMs = 1'795'341'600'000; // 2026-11-22T10:00:00Z

PaymentRequest paymentFor(const std::string &order, int64_t attempt) {
  PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-1";
  r.attempt = attempt;
  r.idempotencyKey = "order:" + order + ":" + std::to_string(attempt);
  r.amount = Money{150000, "IDR"};
  return r;
}

InboundMessage webhookWith(const std::string &secret_header) {
  InboundMessage m;
  m.source = "webhook";
  if (!secret_header.empty()) m.headers["x-webhook-secret"] = secret_header;
  return m;
}

// A harness whose instance checks webhooks against the secret "s3cret".
void createWithWebhook(PluginHarness &h) {
  h.host().setSecret("manual_hook", "s3cret");
  Status s = h.create(kWithWebhook, kInstance);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}
} // namespace

class ManualPaymentTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ManualPaymentTest);
  CPPUNIT_TEST(createIsDeterministicPerOrderAndAttempt);
  CPPUNIT_TEST(autoCaptureCapturesAtOnce);
  CPPUNIT_TEST(nonPositiveAmountIsInvalid);
  CPPUNIT_TEST(webhookWithRightSecretBecomesPaidEvent);
  CPPUNIT_TEST(webhookWithWrongOrMissingSecretIsUnauthenticated);
  CPPUNIT_TEST(webhookWithoutConfiguredSecretIsRefused);
  CPPUNIT_TEST(malformedWebhookNamesTheField);
  CPPUNIT_TEST(unknownStatusIsIgnored);
  CPPUNIT_TEST(kafkaEventNeedsNoSecret);
  CPPUNIT_TEST(refundAndCancelReportTheirStatus);
  CPPUNIT_TEST(statusIsUnsupported);
  CPPUNIT_TEST(missingSecretFailsCreate);
  CPPUNIT_TEST_SUITE_END();

public:
  void createIsDeterministicPerOrderAndAttempt() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setNowUnixMs(kNowMs);
    CPPUNIT_ASSERT(h.create(kPending, kInstance).ok());
    const auto create_payment = h.table<orders_payment_v1_t>()->create_payment;
    auto first = h.call<PaymentResult>(create_payment, paymentFor("o-1", 1));
    CPPUNIT_ASSERT_MESSAGE(first.ok() ? "" : first.error().message, first.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-1_1"), first->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), first->status);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-23T10:00:00Z"), first->expiresAt.value());
    CPPUNIT_ASSERT(!first->redirectUrl.has_value());

    auto retry = h.call<PaymentResult>(create_payment, paymentFor("o-1", 1));
    CPPUNIT_ASSERT_EQUAL(first->reference, retry->reference);
    auto second_attempt = h.call<PaymentResult>(create_payment, paymentFor("o-1", 2));
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-1_2"), second_attempt->reference);
    auto other_order = h.call<PaymentResult>(create_payment, paymentFor("o-2", 1));
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-2_1"), other_order->reference);
  }
  void autoCaptureCapturesAtOnce() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kAutoCapture, kInstance).ok());
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, paymentFor("o-1", 1));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-1_1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), r->status);
    CPPUNIT_ASSERT(!r->expiresAt.has_value());
    CPPUNIT_ASSERT(h.host().logs().at(0).level == LogLevel::warn);
  }
  void nonPositiveAmountIsInvalid() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kPending, kInstance).ok());
    PaymentRequest free_order = paymentFor("o-1", 1);
    free_order.amount.amountMinor = 0;
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, free_order);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: must be > 0"), r.error().message);
  }
  void webhookWithRightSecretBecomesPaidEvent() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithWebhook(h);
    auto r = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, webhookWith("s3cret"), kPaidBody);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    const PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string(kInstance), e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("evt-1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-1_1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:30:00Z"), e.occurredAt.value());
  }
  void webhookWithWrongOrMissingSecretIsUnauthenticated() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithWebhook(h);
    const auto parse = h.table<orders_payment_v1_t>()->parse_webhook;
    for (const char *header : {"wrong!", "s3cre", "s3cret2", "S3CRET", ""}) {
      auto r = h.call<ParsedEvent>(parse, webhookWith(header), kPaidBody);
      CPPUNIT_ASSERT_MESSAGE("header '" + std::string(header) + "' was accepted", !r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    }
    InboundMessage other_header = webhookWith("");
    other_header.headers["x-callback-token"] = "s3cret";
    auto r = h.call<ParsedEvent>(parse, other_header, kPaidBody);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
  }
  void webhookWithoutConfiguredSecretIsRefused() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kPending, kInstance).ok());
    auto r = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, webhookWith("anything"), kPaidBody);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("webhooks are disabled: set webhook_secret"), r.error().message);
  }
  void malformedWebhookNamesTheField() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithWebhook(h);
    const auto parse = h.table<orders_payment_v1_t>()->parse_webhook;
    auto mistyped = h.call<ParsedEvent>(
        parse, webhookWith("s3cret"),
        R"({"eventId":"e","orderId":"o-1","status":"paid","amountMinor":"150000","currency":"IDR"})");
    CPPUNIT_ASSERT(mistyped.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/amountMinor: expected integer"), mistyped.error().message);

    auto missing = h.call<ParsedEvent>(parse, webhookWith("s3cret"),
                                       R"({"orderId":"o-1","status":"paid","amountMinor":1,"currency":"IDR"})");
    CPPUNIT_ASSERT_EQUAL(std::string("/eventId: is required"), missing.error().message);

    auto empty_id =
        h.call<ParsedEvent>(parse, webhookWith("s3cret"),
                            R"({"eventId":"","orderId":"o-1","status":"paid","amountMinor":1,"currency":"IDR"})");
    CPPUNIT_ASSERT_EQUAL(std::string("/eventId: must not be empty"), empty_id.error().message);

    auto not_json = h.call<ParsedEvent>(parse, webhookWith("s3cret"), "status=paid");
    CPPUNIT_ASSERT(not_json.error().code == ErrorCode::invalid_argument);
  }
  void unknownStatusIsIgnored() {
    PluginHarness h(orders_plugin_descriptor_v1());
    createWithWebhook(h);
    auto r = h.call<ParsedEvent>(
        h.table<orders_payment_v1_t>()->parse_webhook, webhookWith("s3cret"),
        R"({"eventId":"e-2","orderId":"o-1","status":"authorized","amountMinor":1,"currency":"IDR"})");
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), r->outcome);
    CPPUNIT_ASSERT(!r->event.has_value());
    CPPUNIT_ASSERT(r->reason.value().find("authorized") != std::string::npos);
  }
  void kafkaEventNeedsNoSecret() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kPending, kInstance).ok());
    InboundMessage m;
    m.source = "kafka";
    m.topic = "payments.manual";
    auto r = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_event, m,
                                 R"({"eventId":"evt-9","orderId":"o-3","status":"expired","amountMinor":500,
                                     "currency":"USD"})");
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string(kInstance), r->event.value().source);
    CPPUNIT_ASSERT_EQUAL(std::string("expired"), r->event.value().type);
    CPPUNIT_ASSERT(!r->event.value().paymentReference.has_value());
  }
  void refundAndCancelReportTheirStatus() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kPending, kInstance).ok());
    RefundRequest refund;
    refund.reference = "man_o-1_1";
    refund.orderId = "o-1";
    refund.amount = Money{150000, "IDR"};
    refund.idempotencyKey = "refund:o-1:1";
    auto refunded = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->refund, refund);
    CPPUNIT_ASSERT_MESSAGE(refunded.ok() ? "" : refunded.error().message, refunded.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-1_1"), refunded->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refunded->status);

    auto cancelled = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->cancel, PaymentRef{"man_o-1_2", "o-1"});
    CPPUNIT_ASSERT_EQUAL(std::string("man_o-1_2"), cancelled->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
  }
  void statusIsUnsupported() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kPending, kInstance).ok());
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->status, PaymentRef{"man_o-1_1", "o-1"});
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unsupported);
  }
  void missingSecretFailsCreate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    Status s = h.create(kWithWebhook, kInstance); // no secret named manual_hook on the host
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(
        std::string("webhook_secret: cannot resolve secret 'manual_hook': no secret named manual_hook"),
        s.error().message);
    CPPUNIT_ASSERT(h.instance() == nullptr);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ManualPaymentTest);
