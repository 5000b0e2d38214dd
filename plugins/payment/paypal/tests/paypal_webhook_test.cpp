// payment/paypal's webhooks through its C ABI on a FakeHost: verification
// through PayPal's verify-webhook-signature (the exact request, the raw event
// spliced in), SUCCESS / FAILURE, missing headers, stale transmissions
// refused without asking PayPal, capture events, CHECKOUT.ORDER.APPROVED
// capturing the order, duplicates parsed identically.
#include "paypal_test_support.hpp"

using namespace paypal_test;

namespace {

std::map<std::string, std::string> transmission(const std::string &time = kNowText) {
  return {{"paypal-transmission-id", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"},
          {"paypal-transmission-time", time},
          {"paypal-transmission-sig", "lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZ"},
          {"paypal-cert-url", "https://api-m.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"},
          {"paypal-auth-algo", "SHA256withRSA"},
          {"content-type", "application/json"}};
}

Result<ParsedEvent> deliver(PluginHarness &h, const std::string &body,
                            std::map<std::string, std::string> headers = transmission()) {
  InboundMessage m;
  m.source = "webhook";
  m.headers = std::move(headers);
  return h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, body);
}

// A PAYMENT.CAPTURE.* event (capture CAP-1 of PayPal order PP-1, our order o-1).
std::string captureEvent(const std::string &id, const std::string &type, const std::string &value = "19.99") {
  return R"({"id":")" + id +
         R"(","event_version":"1.0","create_time":"2026-09-21T14:13:00Z",)"
         R"("resource_type":"capture","event_type":")" +
         type +
         R"(","summary":"Payment completed","resource":{"id":"CAP-1","status":"COMPLETED",)"
         R"("amount":{"currency_code":"USD","value":")" +
         value + R"("},"custom_id":"o-1","supplementary_data":{"related_ids":{"order_id":"PP-1"}}}})";
}

std::string approvedEvent(const std::string &id) {
  return R"({"id":")" + id +
         R"(","event_version":"1.0","create_time":"2026-09-21T14:12:00Z",)"
         R"("resource_type":"checkout-order","event_type":"CHECKOUT.ORDER.APPROVED",)"
         R"("resource":{"id":"PP-1","status":"APPROVED","intent":"CAPTURE",)"
         R"("purchase_units":[{"reference_id":"o-1","custom_id":"o-1","amount":{"currency_code":"USD",)"
         R"("value":"19.99"}}]}})";
}

void verified(PluginHarness &h, const std::string &verdict = "SUCCESS") {
  h.host().onHttp("POST", kVerifyUrl, answer(200, R"({"verification_status":")" + verdict + R"("})"));
}

} // namespace

class PaypalWebhookTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaypalWebhookTest);
  CPPUNIT_TEST(verificationRequestIsExact);
  CPPUNIT_TEST(captureCompletedIsPaid);
  CPPUNIT_TEST(failureVerdictIsRefused);
  CPPUNIT_TEST(missingHeadersAndStaleTimesAreRefusedWithoutAsking);
  CPPUNIT_TEST(approvedCapturesTheOrder);
  CPPUNIT_TEST(deniedRefundedAndIgnoredEvents);
  CPPUNIT_TEST(duplicatesParseIdentically);
  CPPUNIT_TEST(verifierDownIsRetryable);
  CPPUNIT_TEST(malformedBodies);
  CPPUNIT_TEST_SUITE_END();

public:
  void verificationRequestIsExact() {
    auto h = harness();
    verified(*h);
    const std::string body = captureEvent("WH-EV-1", "PAYMENT.CAPTURE.COMPLETED");
    // Whitespace as PayPal sent it: forwarded byte for byte, never re-encoded.
    const std::string spaced = body.substr(0, body.size() - 1) + " }";
    auto r = deliver(*h, spaced);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto verify = requestsTo(*h, kVerifyUrl);
    CPPUNIT_ASSERT_EQUAL(size_t(1), verify.size());
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), verify[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), verify[0].headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), verify[0].headers.at("Content-Type"));
    CPPUNIT_ASSERT(verify[0].headers.count("PayPal-Request-Id") == 0);
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            R"({"auth_algo":"SHA256withRSA","cert_url":"https://api-m.paypal.com/v1/notifications/certs/)"
            R"(CERT-360caa42-fca2a594-a5cafa77","transmission_id":"69cd13f0-d67a-11e5-baa3-778b53f4ae55",)"
            R"("transmission_sig":"lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZ",)"
            R"("transmission_time":"2026-09-21T14:13:20Z","webhook_id":"WH-1","webhook_event":)") +
            spaced + "}",
        verify[0].body);
  }

  void captureCompletedIsPaid() {
    auto h = harness();
    verified(*h);
    auto r = deliver(*h, captureEvent("WH-EV-1", "PAYMENT.CAPTURE.COMPLETED"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    const PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(kInstance, e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("WH-EV-1"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("PP-1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-21T14:13:00Z"), e.occurredAt.value());
  }

  void failureVerdictIsRefused() {
    auto h = harness();
    verified(*h, "FAILURE");
    auto r = deliver(*h, captureEvent("WH-EV-1", "PAYMENT.CAPTURE.COMPLETED"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(!r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("PayPal did not verify the webhook signature (verification_status FAILURE)"),
                         r.error().message);
  }

  void missingHeadersAndStaleTimesAreRefusedWithoutAsking() {
    auto h = harness();
    verified(*h);
    const std::string body = captureEvent("WH-EV-1", "PAYMENT.CAPTURE.COMPLETED");
    for (const char *header : {"paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig",
                               "paypal-cert-url", "paypal-auth-algo"}) {
      auto headers = transmission();
      headers.erase(header);
      auto r = deliver(*h, body, headers);
      CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
      CPPUNIT_ASSERT_EQUAL(std::string("missing ") + header, r.error().message);
    }
    auto stale = deliver(*h, body, transmission("2026-09-21T14:03:19Z")); // 601 s ago
    CPPUNIT_ASSERT(stale.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("paypal-transmission-time 2026-09-21T14:03:19Z is 601 s from now, outside the "
                                     "tolerance of 600 s"),
                         stale.error().message);
    CPPUNIT_ASSERT(deliver(*h, body, transmission("2026-09-21T14:23:21Z")).error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(deliver(*h, body, transmission("yesterday")).error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(requestsTo(*h, kVerifyUrl).empty());                                    // none of these asked PayPal
    CPPUNIT_ASSERT(deliver(*h, body, transmission("2026-09-21T16:03:20.123+02:00")).ok()); // 600 s ago, offset form

    PluginHarness no_id(orders_plugin_descriptor_v1());
    no_id.host().setSecret("PAYPAL_CLIENT_ID", "client-1");
    no_id.host().setSecret("PAYPAL_CLIENT_SECRET", "secret-1");
    CPPUNIT_ASSERT(no_id.create(R"({"base_url":"http://paypal.test"})").ok());
    InboundMessage m;
    m.source = "webhook";
    m.headers = transmission();
    auto refused = no_id.call<ParsedEvent>(no_id.table<orders_payment_v1_t>()->parse_webhook, m, body);
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(no_id.host().requests().empty());
  }

  void approvedCapturesTheOrder() {
    auto h = harness();
    verified(*h);
    h->host().onHttp("POST", kOrdersUrl + "/PP-1/capture",
                     answer(201, orderJson("PP-1", "COMPLETED", captureJson("CAP-1", "COMPLETED"))));
    auto r = deliver(*h, approvedEvent("WH-EV-A"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("WH-EV-A"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("PP-1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), e.amount.value().amountMinor);
    const auto captures = requestsTo(*h, kOrdersUrl + "/PP-1/capture");
    CPPUNIT_ASSERT_EQUAL(size_t(1), captures.size());
    CPPUNIT_ASSERT_EQUAL(std::string("capture-PP-1"), captures[0].headers.at("PayPal-Request-Id"));
    // The verification came first.
    CPPUNIT_ASSERT_EQUAL(kVerifyUrl, h->host().requests().at(1).url);

    auto declined = harness();
    verified(*declined);
    declined->host().onHttp(
        "POST", kOrdersUrl + "/PP-1/capture",
        answer(422, R"({"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"INSTRUMENT_DECLINED"}]})"));
    auto failed = deliver(*declined, approvedEvent("WH-EV-B"));
    CPPUNIT_ASSERT_MESSAGE(why(failed), failed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), failed->event.value().type);

    auto off = harness(R"("capture_on_approval":false)");
    verified(*off);
    auto left = deliver(*off, approvedEvent("WH-EV-C"));
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), left->outcome);
    CPPUNIT_ASSERT(requestsTo(*off, kOrdersUrl + "/PP-1/capture").empty());

    auto down = harness();
    verified(*down);
    down->host().onHttp("POST", kOrdersUrl + "/PP-1/capture", answer(500, "{}"));
    auto again = deliver(*down, approvedEvent("WH-EV-D"));
    CPPUNIT_ASSERT(again.error().code == ErrorCode::unavailable && again.error().retryable); // PayPal redelivers
  }

  void deniedRefundedAndIgnoredEvents() {
    auto h = harness();
    verified(*h);
    auto denied = deliver(*h, captureEvent("WH-EV-2", "PAYMENT.CAPTURE.DENIED"));
    CPPUNIT_ASSERT_MESSAGE(why(denied), denied.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), denied->event.value().type);
    auto refunded = deliver(*h, captureEvent("WH-EV-3", "PAYMENT.CAPTURE.REFUNDED"));
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refunded->event.value().type);
    CPPUNIT_ASSERT_EQUAL(std::string("WH-EV-3"), refunded->event.value().eventId);
    auto other = deliver(*h, captureEvent("WH-EV-4", "PAYMENT.CAPTURE.PENDING"));
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), other->outcome);
    CPPUNIT_ASSERT_MESSAGE(other->reason.value(), contains(other->reason.value(), "PAYMENT.CAPTURE.PENDING"));
    std::string foreign = captureEvent("WH-EV-5", "PAYMENT.CAPTURE.COMPLETED");
    for (const std::string &cut : {std::string(R"("custom_id":"o-1",)"),
                                   std::string(R"(,"supplementary_data":{"related_ids":{"order_id":"PP-1"}})")})
      foreign.erase(foreign.find(cut), cut.size());
    auto theirs = deliver(*h, foreign);
    CPPUNIT_ASSERT_MESSAGE(why(theirs), theirs.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), theirs->outcome);
  }

  void duplicatesParseIdentically() {
    auto h = harness();
    verified(*h);
    const std::string body = captureEvent("WH-EV-1", "PAYMENT.CAPTURE.COMPLETED");
    auto first = deliver(*h, body);
    auto second = deliver(*h, body);
    CPPUNIT_ASSERT(first.ok() && second.ok());
    CPPUNIT_ASSERT_EQUAL(encode(first.value()), encode(second.value()));
  }

  void verifierDownIsRetryable() {
    auto h = harness();
    h->host().onHttp("POST", kVerifyUrl, answer(503, "{}"));
    auto r = deliver(*h, captureEvent("WH-EV-1", "PAYMENT.CAPTURE.COMPLETED"));
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
  }

  void malformedBodies() {
    auto h = harness();
    verified(*h);
    auto text = deliver(*h, "event=1");
    CPPUNIT_ASSERT(text.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(requestsTo(*h, kVerifyUrl).empty()); // never spliced into the verification request
    CPPUNIT_ASSERT(deliver(*h, "[1]").error().code == ErrorCode::invalid_argument);
    auto no_amount =
        deliver(*h, R"({"id":"E","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"custom_id":"o-1"}})");
    CPPUNIT_ASSERT_EQUAL(std::string("/resource/amount: is required"), no_amount.error().message);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaypalWebhookTest);
