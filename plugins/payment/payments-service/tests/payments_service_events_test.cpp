// payment/payments-service through its C ABI on a FakeHost: Kafka messages
// (parseEvent) and webhooks (parseWebhook) translated into payment events.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const char *kInstance = "payments";

std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://payments.test")") + (extra.empty() ? "" : "," + extra) + "}";
}

void create(PluginHarness &h, const std::string &config_json) {
  Status s = h.create(config_json, kInstance);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}

InboundMessage kafka(std::map<std::string, std::string> headers = {}) {
  InboundMessage m;
  m.source = "kafka";
  m.topic = "payment.events";
  m.key = "o-1";
  m.headers = std::move(headers);
  return m;
}

InboundMessage webhook(std::map<std::string, std::string> headers) {
  InboundMessage m;
  m.source = "webhook";
  m.headers = std::move(headers);
  return m;
}

Result<ParsedEvent> parseEvent(PluginHarness &h, const std::string &value, const InboundMessage &m = kafka()) {
  return h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_event, m, value);
}

Result<ParsedEvent> parseWebhook(PluginHarness &h, const InboundMessage &m, const std::string &body) {
  return h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, body);
}

std::string why(const Result<ParsedEvent> &r) { return r.ok() ? std::string() : r.error().message; }

// The event of a successful translation (fails the test otherwise).
PaymentEvent eventOf(const Result<ParsedEvent> &r) {
  CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
  CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
  CPPUNIT_ASSERT(r->event.has_value());
  return *r->event;
}

// An invalid_argument error's message (fails the test otherwise).
std::string invalid(const Result<ParsedEvent> &r) {
  CPPUNIT_ASSERT(!r.ok());
  CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::invalid_argument);
  CPPUNIT_ASSERT(!r.error().retryable);
  return r.error().message;
}

const std::string kPaid = R"({"type":"payment.paid","eventId":"evt-1","orderId":"o-1","amountMinor":1500,)"
                          R"("currency":"USD"})";

} // namespace

class PaymentsServiceEventsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentsServiceEventsTest);
  CPPUNIT_TEST(everyDefaultTypeNameMapsToItsEvent);
  CPPUNIT_TEST(otherTypesAreIgnoredNamingTheType);
  CPPUNIT_TEST(typeComesFromAHeaderWhenThePointerIsAbsent);
  CPPUNIT_TEST(idPointersFallBack);
  CPPUNIT_TEST(configuredPointersAndTypesReplaceTheDefaults);
  CPPUNIT_TEST(majorAmountsConvertExactlyByCurrency);
  CPPUNIT_TEST(badAmountsNameThePointer);
  CPPUNIT_TEST(aServiceWithoutAmountsMarksItsEvents);
  CPPUNIT_TEST(malformedOrIncompleteMessagesNameThePointer);
  CPPUNIT_TEST(webhookNeedsTheSharedSecret);
  CPPUNIT_TEST(webhooksAreRefusedWithoutAConfiguredSecret);
  CPPUNIT_TEST_SUITE_END();

public:
  void everyDefaultTypeNameMapsToItsEvent() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    const std::vector<std::pair<std::string, std::string>> types = {
        {"payment.succeeded", "paid"},   {"PaymentCapturedEvent", "paid"}, {"payment.paid", "paid"},
        {"payment.failed", "failed"},    {"PaymentFailedEvent", "failed"}, {"payment.expired", "expired"},
        {"payment.refunded", "refunded"}};
    for (const auto &[type, expected] : types) {
      const PaymentEvent e = eventOf(parseEvent(h, R"({"type":")" + type + R"(","eventId":"evt-)" + type +
                                                       R"(","orderId":"o-1","paymentId":"pay_1",)"
                                                       R"("orderNumber":"ORD-1","amountMinor":150000,)"
                                                       R"("currency":"idr","occurredAt":"2026-11-22T10:30:00Z"})"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(type, expected, e.type);
      CPPUNIT_ASSERT_EQUAL(std::string(kInstance), e.source); // the instance id: half of the dedupe key
      CPPUNIT_ASSERT_EQUAL("evt-" + type, e.eventId);
      CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
      CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), e.orderNumber.value());
      CPPUNIT_ASSERT_EQUAL(std::string("pay_1"), e.paymentReference.value());
      CPPUNIT_ASSERT_EQUAL(int64_t(150000), e.amount.value().amountMinor);
      CPPUNIT_ASSERT_EQUAL(std::string("IDR"), e.amount.value().currency);
      CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:30:00Z"), e.occurredAt.value());
    }
  }

  void otherTypesAreIgnoredNamingTheType() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    for (const char *name : {"payment.created", "paymentcapturedevent", "OrderConfirmedEvent", ""}) {
      const std::string type = name;
      // Ignored before any id is required: other kinds of messages share the topic.
      auto r = parseEvent(h, R"({"type":")" + type + R"("})");
      CPPUNIT_ASSERT_MESSAGE(type + ": " + why(r), r.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("ignored"), r->outcome);
      CPPUNIT_ASSERT(!r->event.has_value());
      CPPUNIT_ASSERT_MESSAGE(r->reason.value(), r->reason.value().find("'" + type + "'") != std::string::npos);
    }
  }

  void typeComesFromAHeaderWhenThePointerIsAbsent() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    const std::string body = R"({"eventId":"evt-2","orderId":"o-1"})";
    CPPUNIT_ASSERT_EQUAL(std::string("paid"),
                         eventOf(parseEvent(h, body, kafka({{"event-type", "PaymentCapturedEvent"}}))).type);
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), eventOf(parseEvent(h, body, kafka({{"type", "payment.failed"}}))).type);
    // The pointer wins over the headers; a null pointer value counts as absent.
    CPPUNIT_ASSERT_EQUAL(std::string("expired"),
                         eventOf(parseEvent(h, R"({"type":"payment.expired","eventId":"e","orderId":"o"})",
                                            kafka({{"event-type", "payment.paid"}})))
                             .type);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), eventOf(parseEvent(h, R"({"type":null,"eventId":"e","orderId":"o"})",
                                                                     kafka({{"event-type", "payment.refunded"}})))
                                                      .type);
    auto other = parseEvent(h, body, kafka({{"event-type", "order.created"}}));
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), other->outcome);
  }

  void idPointersFallBack() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    const PaymentEvent wrapped =
        eventOf(parseEvent(h, R"({"type":"PaymentCapturedEvent","id":"evt-7","data":{"orderId":"o-9"}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("evt-7"), wrapped.eventId);       // /id when /eventId is absent
    CPPUNIT_ASSERT_EQUAL(std::string("o-9"), wrapped.orderId.value()); // /data/orderId when /orderId is absent
    CPPUNIT_ASSERT(!wrapped.paymentReference.has_value());
    CPPUNIT_ASSERT(!wrapped.orderNumber.has_value());
    CPPUNIT_ASSERT(!wrapped.amount.has_value()); // no amount: the core does not compare totals
    CPPUNIT_ASSERT(!wrapped.occurredAt.has_value());

    const PaymentEvent first = eventOf(
        parseEvent(h, R"({"type":"payment.paid","eventId":42,"id":"x","orderId":1001,"data":{"orderId":"y"}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("42"), first.eventId); // integers become text; the first pointer wins
    CPPUNIT_ASSERT_EQUAL(std::string("1001"), first.orderId.value());
  }

  void configuredPointersAndTypesReplaceTheDefaults() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config(R"("event_type_pointer":"/event","event_types":{"CHARGE_OK":"paid","CHARGE_KO":"failed"},)"
                     R"("event_id_pointers":["/meta/id"],"order_id_pointers":["/ref"],)"
                     R"("payment_id_pointers":["/charge","/data/charge"],"order_number_pointers":["/number"],)"
                     R"("amount_minor_pointer":"/total","currency_pointer":"/cur","occurred_at_pointer":"/at",)"
                     R"("event_type_headers":["X-Kind"])"));
    const PaymentEvent e = eventOf(parseEvent(h, R"({"event":"CHARGE_KO","meta":{"id":"m-1"},"ref":"o-5",)"
                                                 R"("data":{"charge":"ch_1"},"number":"ORD-5","total":"990",)"
                                                 R"("cur":"EUR","at":"2026-01-01T00:00:00Z"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("m-1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("o-5"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ch_1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-5"), e.orderNumber.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(990), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("EUR"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-01-01T00:00:00Z"), e.occurredAt.value());
    // The table replaced the defaults; the header list too (names in any case).
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), parseEvent(h, R"({"event":"payment.paid"})")->outcome);
    const std::string body = R"({"meta":{"id":"m-2"},"ref":"o-5"})";
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), eventOf(parseEvent(h, body, kafka({{"x-kind", "CHARGE_OK"}}))).type);
    CPPUNIT_ASSERT_EQUAL(std::string("/event: missing (and no x-kind header)"),
                         invalid(parseEvent(h, body, kafka({{"event-type", "CHARGE_OK"}}))));
  }

  void majorAmountsConvertExactlyByCurrency() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config(R"("amount_major_pointer":"/amount","currency_exponents":{"xts":1})"));
    const std::vector<std::pair<std::string, int64_t>> cases = {
        {R"("amount":19.99,"currency":"USD")", 1999}, {R"("amount":"150000","currency":"IDR")", 150000},
        {R"("amount":1.005,"currency":"KWD")", 1005}, {R"("amount":0.1,"currency":"EUR")", 10},
        {R"("amount":"2.50","currency":"usd")", 250}, {R"("amount":5,"currency":"XTS")", 50},
        {R"("amount":1e3,"currency":"JPY")", 1000},   {R"("amountMinor":7,"amount":3,"currency":"IDR")", 3}};
    for (const auto &[fields, expected_minor] : cases) {
      const PaymentEvent e =
          eventOf(parseEvent(h, R"({"type":"payment.paid","eventId":"e","orderId":"o",)" + fields + "}"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(fields, expected_minor, e.amount.value().amountMinor);
    }
    const std::string head = R"({"type":"payment.paid","eventId":"e","orderId":"o",)";
    CPPUNIT_ASSERT_EQUAL(std::string("/amount: '19.999' has more decimal places than USD allows (2)"),
                         invalid(parseEvent(h, head + R"("amount":19.999,"currency":"USD"})")));
    CPPUNIT_ASSERT_EQUAL(std::string("/amount: no decimal places known for currency XAU; add it to currency_exponents"),
                         invalid(parseEvent(h, head + R"("amount":1,"currency":"XAU"})")));
  }

  // amounts_reported: false marks an event without an amount for the host;
  // by default nothing is marked (the host then refunds such a paid event).
  void aServiceWithoutAmountsMarksItsEvents() {
    const std::string bare = R"({"type":"payment.paid","eventId":"e","orderId":"o"})";
    PluginHarness plain(orders_plugin_descriptor_v1());
    create(plain, config());
    const PaymentEvent unmarked = eventOf(parseEvent(plain, bare));
    CPPUNIT_ASSERT(!unmarked.amount);
    CPPUNIT_ASSERT(!unmarked.amountNotReported.has_value());

    PluginHarness without(orders_plugin_descriptor_v1());
    create(without, config(R"("amounts_reported":false)"));
    const PaymentEvent marked = eventOf(parseEvent(without, bare));
    CPPUNIT_ASSERT(!marked.amount);
    CPPUNIT_ASSERT(marked.amountNotReported.value_or(false));
    // An amount the message does carry is still read, and then not marked.
    const PaymentEvent with_amount = eventOf(
        parseEvent(without, R"({"type":"payment.paid","eventId":"e","orderId":"o","amountMinor":5,"currency":"USD"})"));
    CPPUNIT_ASSERT_EQUAL(int64_t(5), with_amount.amount.value().amountMinor);
    CPPUNIT_ASSERT(!with_amount.amountNotReported.has_value());
  }

  void badAmountsNameThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    const std::string head = R"({"type":"payment.paid","eventId":"e","orderId":"o",)";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"("amountMinor":1.5,"currency":"USD"})", "/amountMinor: '1.5' is not a whole number of minor units"},
        {R"("amountMinor":-5,"currency":"USD"})", "/amountMinor: '-5' is negative"},
        {R"("amountMinor":"abc","currency":"USD"})", "/amountMinor: 'abc' is not a decimal number"},
        {R"("amountMinor":true,"currency":"USD"})", "/amountMinor: expected a number or a decimal string, got boolean"},
        {R"("amountMinor":100})", "/currency: missing (needed with the amount at /amountMinor)"},
        {R"("amountMinor":100,"currency":"rupiah"})", "/currency: 'rupiah' is not an ISO 4217 code"},
        {R"("amountMinor":100,"currency":"USD","occurredAt":17})", "/occurredAt: expected string, got number"},
        {R"("paymentId":["p"]})", "/paymentId: expected string or integer, got array"},
    };
    for (const auto &[fields, expected] : cases)
      CPPUNIT_ASSERT_EQUAL(expected, invalid(parseEvent(h, head + fields)));
  }

  void malformedOrIncompleteMessagesNameThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    CPPUNIT_ASSERT(invalid(parseEvent(h, "status=paid")).rfind("/: malformed JSON", 0) == 0);
    CPPUNIT_ASSERT(invalid(parseEvent(h, "")).rfind("/: malformed JSON", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("/: expected object, got array"), invalid(parseEvent(h, "[1]")));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"type":"payment.paid","orderId":"o-1"})", "/eventId: missing (also tried /id)"},
        {R"({"type":"payment.paid","eventId":"e","data":{}})", "/orderId: missing (also tried /data/orderId)"},
        {R"({"type":"payment.paid","eventId":null,"id":null,"orderId":"o"})", "/eventId: missing (also tried /id)"},
        {R"({"type":"payment.paid","eventId":"","orderId":"o"})", "/eventId: must not be empty"},
        {R"({"type":"payment.paid","eventId":{},"orderId":"o"})", "/eventId: expected string or integer, got object"},
        {R"({"type":"payment.paid","eventId":"e","orderId":1.5})", "/orderId: expected string or integer, got number"},
        {R"({"eventId":"e","orderId":"o"})", "/type: missing (and no event-type or type header)"},
        {R"({"type":5,"eventId":"e","orderId":"o"})", "/type: expected string, got number"},
    };
    for (const auto &[body, expected] : cases)
      CPPUNIT_ASSERT_EQUAL(expected, invalid(parseEvent(h, body)));
  }

  void webhookNeedsTheSharedSecret() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("PAYMENTS_HOOK", "s3cret");
    create(h, config(R"("webhook_secret":"PAYMENTS_HOOK")"));
    const PaymentEvent e = eventOf(parseWebhook(h, webhook({{"x-webhook-secret", "s3cret"}}), kPaid));
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string(kInstance), e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("evt-1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), e.amount.value().amountMinor);

    for (const char *header : {"wrong!", "s3cre", "s3cret2", "S3CRET", ""}) {
      auto r = parseWebhook(h, webhook({{"x-webhook-secret", header}}), kPaid);
      CPPUNIT_ASSERT_MESSAGE("header '" + std::string(header) + "' was accepted", !r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    }
    auto missing = parseWebhook(h, webhook({{"x-callback-token", "s3cret"}}), kPaid);
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("missing or wrong x-webhook-secret header"), missing.error().message);
    // Authenticated but unreadable: invalid_argument naming the pointer.
    CPPUNIT_ASSERT_EQUAL(std::string("/eventId: missing (also tried /id)"),
                         invalid(parseWebhook(h, webhook({{"x-webhook-secret", "s3cret"}}),
                                              R"({"type":"payment.paid","orderId":"o-1"})")));

    PluginHarness custom(orders_plugin_descriptor_v1());
    custom.host().setSecret("PAYMENTS_HOOK", "s3cret");
    create(custom, config(R"("webhook_secret":"PAYMENTS_HOOK","webhook_secret_header":"X-Payments-Token")"));
    CPPUNIT_ASSERT(parseWebhook(custom, webhook({{"x-payments-token", "s3cret"}}), kPaid).ok());
    CPPUNIT_ASSERT(parseWebhook(custom, webhook({{"x-webhook-secret", "s3cret"}}), kPaid).error().code ==
                   ErrorCode::unauthenticated);
  }

  void webhooksAreRefusedWithoutAConfiguredSecret() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    auto r = parseWebhook(h, webhook({{"x-webhook-secret", "anything"}}), kPaid);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("webhooks are disabled: set webhook_secret"), r.error().message);
    CPPUNIT_ASSERT(parseEvent(h, kPaid).ok()); // Kafka needs no secret
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentsServiceEventsTest);
