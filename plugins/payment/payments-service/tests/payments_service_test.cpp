// payment/payments-service through its C ABI on a FakeHost: the calls to the
// service (create, refund, cancel), their headers and bodies, status mapping
// and error mapping. Messages and webhooks: payments_service_events_test.cpp.
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <utility>
#include <vector>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://payments.test";
const std::string kCreateUrl = kBase + "/api/payments";
const char *kInstance = "payments";

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://payments.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

void create(PluginHarness &h, const std::string &config_json) {
  Status s = h.create(config_json, kInstance);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}

PaymentRequest paymentFor(const std::string &order, int64_t attempt = 1) {
  PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-" + order;
  r.attempt = attempt;
  r.idempotencyKey = "order:" + order + ":" + std::to_string(attempt);
  r.amount = Money{150000, "IDR"};
  r.customer = Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::string("+62 811 000")};
  r.description = "Order ORD-" + order;
  return r;
}

Result<PaymentResult> createPayment(PluginHarness &h, const PaymentRequest &r) {
  return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, r);
}

Result<PaymentResult> cancel(PluginHarness &h, const std::string &reference, const std::string &order) {
  return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->cancel, PaymentRef{reference, order});
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string why(const Result<PaymentResult> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class PaymentsServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentsServiceTest);
  CPPUNIT_TEST(createPostsTheOrderWithTheIdempotencyKey);
  CPPUNIT_TEST(configuredPathsHeaderTemplateTokenAndPointers);
  CPPUNIT_TEST(statusesMapToPendingCapturedOrFailed);
  CPPUNIT_TEST(configuredStatusMapReplacesTheDefaults);
  CPPUNIT_TEST(badAnswersNameThePointer);
  CPPUNIT_TEST(errorStatusesAndTransportFailuresMapToErrors);
  CPPUNIT_TEST(invalidRequestsAreRefusedWithoutACall);
  CPPUNIT_TEST(refundPostsToThePaymentWithTheRefundKey);
  CPPUNIT_TEST(cancelPostsToTheCancelPathAndA404IsNothingToCancel);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void createPostsTheOrderWithTheIdempotencyKey() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    h.host().onHttp("POST", kCreateUrl, answer(201, R"({"paymentId":"pay_1","status":"pending",
        "redirectUrl":"https://pay.test/p/1","expiresAt":"2026-11-23T10:00:00Z"})"));
    auto r = createPayment(h, paymentFor("o-1"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pay_1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://pay.test/p/1"), r->redirectUrl.value());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-23T10:00:00Z"), r->expiresAt.value());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &sent = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(kCreateUrl, sent.url);
    CPPUNIT_ASSERT(sent.idempotent); // the key makes a retry safe
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Content-Type"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Accept"));
    CPPUNIT_ASSERT(sent.headers.count("Authorization") == 0); // no token_secret: the host's http.auth, if any

    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-o-1"), body["orderNumber"].asString());
    CPPUNIT_ASSERT(body["amountMinor"].isIntegral());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(150000), body["amountMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), body["currency"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), body["customer"]["id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), body["customer"]["name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), body["customer"]["email"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("+62 811 000"), body["customer"]["phone"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-o-1"), body["description"].asString());
    CPPUNIT_ASSERT_EQUAL(6u, body.size());

    // The next attempt of the same order carries its own key.
    h.host().onHttp("POST", kCreateUrl, answer(200, R"({"paymentId":"pay_2","status":"pending"})"));
    auto second = createPayment(h, paymentFor("o-1", 2));
    CPPUNIT_ASSERT_MESSAGE(why(second), second.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:2"), h.host().requests().at(1).headers.at("Idempotency-Key"));
  }

  void configuredPathsHeaderTemplateTokenAndPointers() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("PAYMENTS_TOKEN", "t-123");
    create(h, config(R"("create_path":"v2/charges","idempotency_header":"X-Idem-Key",)"
                     R"j("description_template":"Payment {orderNumber} ({orderId})","token_secret":"PAYMENTS_TOKEN",)j"
                     R"("response_payment_id_pointer":"/data/id","response_status_pointer":"/data/state",)"
                     R"("response_redirect_url_pointer":"/data/links/pay")"));
    h.host().onHttp("POST", kBase + "/v2/charges",
                    answer(200, R"({"data":{"id":12345,"state":"PENDING","links":{"pay":null}}})"));
    PaymentRequest request = paymentFor("o-2");
    request.customer.reset();
    auto r = createPayment(h, request);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("12345"), r->reference); // an integer id becomes text
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT(!r->redirectUrl.has_value());

    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(kBase + "/v2/charges", sent.url);
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-2:1"), sent.headers.at("X-Idem-Key"));
    CPPUNIT_ASSERT(sent.headers.count("Idempotency-Key") == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer t-123"), sent.headers.at("Authorization"));
    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("Payment ORD-o-2 (o-2)"), body["description"].asString());
    CPPUNIT_ASSERT(!body.isMember("customer")); // no snapshot: left out
  }

  void statusesMapToPendingCapturedOrFailed() {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"pending", "pending"},    {"created", "pending"}, {"requires_action", "pending"}, {"captured", "captured"},
        {"succeeded", "captured"}, {"paid", "captured"},   {"SUCCEEDED", "captured"},      {"failed", "failed"},
        {"declined", "failed"},    {"Declined", "failed"}};
    for (const auto &[service_status, expected] : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      create(h, config());
      h.host().onHttp("POST", kCreateUrl, answer(200, R"({"paymentId":"pay_9","status":")" + service_status + "\"}"));
      auto r = createPayment(h, paymentFor("o-9"));
      // A decline is a result with status failed, not an error; captured is the synchronous flow (seed 001).
      CPPUNIT_ASSERT_MESSAGE(service_status + ": " + why(r), r.ok());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(service_status, expected, r->status);
      CPPUNIT_ASSERT_EQUAL(std::string("pay_9"), r->reference);
    }
  }

  void configuredStatusMapReplacesTheDefaults() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config(R"("status_map":{"AUTHORIZED":"captured","open":"pending"})"));
    h.host().onHttp("POST", kCreateUrl, answer(200, R"({"paymentId":"p","status":"authorized"})"));
    h.host().thenHttp(answer(200, R"({"paymentId":"p","status":"pending"})"));
    auto authorized = createPayment(h, paymentFor("o-1"));
    CPPUNIT_ASSERT_MESSAGE(why(authorized), authorized.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), authorized->status);
    auto unlisted = createPayment(h, paymentFor("o-1"));
    CPPUNIT_ASSERT(unlisted.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("payment for order o-1: /status: unknown status 'pending' (map it in status_map)"),
                         unlisted.error().message);
  }

  void badAnswersNameThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    h.host().onHttp("POST", kCreateUrl, answer(200, R"({"paymentId":"p","status":"weird"})"));
    h.host().thenHttp(answer(200, R"({"status":"pending"})"));
    h.host().thenHttp(answer(200, R"({"paymentId":"p","status":7})"));
    h.host().thenHttp(answer(200, R"({"paymentId":{"id":"p"},"status":"pending"})"));
    h.host().thenHttp(answer(200, R"({"paymentId":"p","status":"pending","redirectUrl":5})"));
    h.host().thenHttp(answer(200, "<html>oops</html>"));
    h.host().thenHttp(answer(200, R"(["pending"])"));
    const std::vector<std::string> expected = {
        "payment for order o-1: /status: unknown status 'weird' (map it in status_map)",
        "payment for order o-1: /paymentId: missing",
        "payment for order o-1: /status: expected string, got number",
        "payment for order o-1: /paymentId: expected a non-empty string or integer, got object",
        "payment for order o-1: /redirectUrl: expected string or null, got number",
        "payment for order o-1: POST " + kCreateUrl + ": /: malformed JSON",
        "payment for order o-1: POST " + kCreateUrl + ": /: expected object, got array",
    };
    for (const std::string &message : expected) {
      auto r = createPayment(h, paymentFor("o-1"));
      CPPUNIT_ASSERT_MESSAGE(message, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT(!r.error().retryable);
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.rfind(message, 0) == 0);
    }
  }

  void errorStatusesAndTransportFailuresMapToErrors() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    h.host().onHttp("POST", kCreateUrl, answer(503, "maintenance"));
    for (int status : {401, 402, 409, 400, 500})
      h.host().thenHttp(answer(status, R"({"error":"no"})"));
    const std::vector<std::pair<ErrorCode, bool>> expected = {
        {ErrorCode::unavailable, true}, {ErrorCode::unauthenticated, false},  {ErrorCode::rejected, false},
        {ErrorCode::conflict, false},   {ErrorCode::invalid_argument, false}, {ErrorCode::unavailable, true}};
    for (const auto &[code, retryable] : expected) {
      auto r = createPayment(h, paymentFor("o-1"));
      CPPUNIT_ASSERT(!r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == code);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.error().message, retryable, r.error().retryable);
      CPPUNIT_ASSERT_MESSAGE(r.error().message,
                             contains(r.error().message, "payment for order o-1: POST " + kCreateUrl + " answered "));
    }

    PluginHarness t(orders_plugin_descriptor_v1());
    create(t, config());
    t.host().onHttpError("POST", kCreateUrl, timeoutError("no answer within 300 ms"));
    auto timeout = createPayment(t, paymentFor("o-2"));
    CPPUNIT_ASSERT(timeout.error().code == ErrorCode::timeout);
    CPPUNIT_ASSERT(timeout.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("payment for order o-2: no answer within 300 ms"), timeout.error().message);
  }

  void invalidRequestsAreRefusedWithoutACall() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    PaymentRequest free_order = paymentFor("o-1");
    free_order.amount.amountMinor = 0;
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: must be > 0"), createPayment(h, free_order).error().message);
    PaymentRequest keyless = paymentFor("o-1");
    keyless.idempotencyKey.clear();
    CPPUNIT_ASSERT_EQUAL(std::string("/idempotencyKey: must not be empty"), createPayment(h, keyless).error().message);
    CPPUNIT_ASSERT(h.host().requests().empty());
  }

  void refundPostsToThePaymentWithTheRefundKey() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    h.host().onHttp("POST", kBase + "/api/payments/pay%2F1/refund", answer(200, R"({"status":"processing"})"));
    RefundRequest refund;
    refund.reference = "pay/1";
    refund.orderId = "o-1";
    refund.amount = Money{50000, "IDR"};
    refund.reason = "damaged in transit";
    refund.idempotencyKey = "refund:p-1";
    const auto call = h.table<orders_payment_v1_t>()->refund;
    auto r = h.call<PaymentResult>(call, refund);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pay/1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), r->status);

    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/payments/pay%2F1/refund", sent.url);
    CPPUNIT_ASSERT_EQUAL(std::string("refund:p-1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Content-Type"));
    CPPUNIT_ASSERT(sent.idempotent);
    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("pay/1"), body["paymentId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(50000), body["amountMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), body["currency"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("damaged in transit"), body["reason"].asString());

    refund.reference = "pay_unknown"; // unscripted: the FakeHost answers 404
    auto unknown = h.call<PaymentResult>(call, refund);
    CPPUNIT_ASSERT(unknown.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_MESSAGE(unknown.error().message,
                           contains(unknown.error().message, "refund of payment pay_unknown: POST " + kBase +
                                                                 "/api/payments/pay_unknown/refund answered 404"));
  }

  void cancelPostsToTheCancelPathAndA404IsNothingToCancel() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config());
    h.host().onHttp("POST", kBase + "/api/payments/pay_1/cancel", answer(200, R"({"status":"cancelled"})"));
    h.host().onHttp("POST", kBase + "/api/payments/pay_busy/cancel", answer(502, "bad gateway"));
    h.host().onHttp("POST", kBase + "/api/payments/pay_done/cancel", answer(409, R"({"error":"already captured"})"));

    auto r = cancel(h, "pay_1", "o-1");
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pay_1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), r->status);
    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/payments/pay_1/cancel", sent.url);
    CPPUNIT_ASSERT(sent.headers.count("Idempotency-Key") == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Accept"));
    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("pay_1"), body["paymentId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());

    auto gone = cancel(h, "pay_gone", "o-2"); // unscripted: 404
    CPPUNIT_ASSERT_MESSAGE(why(gone), gone.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), gone->status);
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/payments/pay_gone/cancel", h.host().requests().at(1).url);

    auto busy = cancel(h, "pay_busy", "o-3");
    CPPUNIT_ASSERT(busy.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(busy.error().retryable);
    auto done = cancel(h, "pay_done", "o-4");
    CPPUNIT_ASSERT(done.error().code == ErrorCode::conflict);
    CPPUNIT_ASSERT(!done.error().retryable);

    PluginHarness by_order(orders_plugin_descriptor_v1());
    create(by_order, config(R"("cancel_path":"/api/orders/{orderId}/payment/cancel")"));
    CPPUNIT_ASSERT(cancel(by_order, "pay_1", "o 5").ok());
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/orders/o%205/payment/cancel", by_order.host().requests().at(0).url);
  }

  void createRejectsBadConfig() {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {config(R"("refund_path":"/api/refunds")"), "refund_path: must contain {paymentId} or {orderId}"},
        {config(R"("cancel_path":"/cancel")"), "cancel_path: must contain {paymentId} or {orderId}"},
        {config(R"("response_status_pointer":"status")"), "response_status_pointer: 'status' is not a JSON pointer"},
        {config(R"("event_type_pointer":"")"), "event_type_pointer: '' is not a JSON pointer"},
        {config(R"("event_id_pointers":[])"), "event_id_pointers: must list at least one JSON pointer"},
        {config(R"("order_id_pointers":["/orderId","orderId"])"), "order_id_pointers/1: 'orderId' is not a JSON"},
        {config(R"("status_map":{"ok":"done"})"), "status_map/ok: expected pending, captured or failed, got 'done'"},
        {config(R"("event_types":{"x":"settled"})"), "event_types/x: expected paid, failed, expired or refunded"},
        {config(R"("currency_exponents":{"usd":9})"), "currency_exponents/usd: must be 0..6"},
        {config(R"("idempotency_header":"")"), "idempotency_header: must not be empty"},
        {config(R"("token_secret":"NOPE")"), "token_secret: cannot resolve secret 'NOPE'"},
        {config(R"("webhook_secret":"NOPE")"), "webhook_secret: cannot resolve secret 'NOPE'"},
        {R"({"base_url":"payments.test"})", "base_url: expected an http:// or https:// URL"},
        {"{}", "base_url"},
    };
    for (const auto &[text, expected] : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(text, kInstance);
      CPPUNIT_ASSERT_MESSAGE(text, !s.ok());
      CPPUNIT_ASSERT_MESSAGE(text, s.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT_MESSAGE(s.error().message, contains(s.error().message, expected));
      CPPUNIT_ASSERT(h.instance() == nullptr);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentsServiceTest);
