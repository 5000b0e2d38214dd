// payment/stripe through its C ABI on a FakeHost: the PaymentIntent request
// (Bearer key, Idempotency-Key, Stripe-Version, exact form body, amounts in
// Stripe's decimals), status mapping, declines as outcomes, error mapping,
// refund, cancel, status and config.
#include <optional>
#include <utility>
#include <vector>

#include "../stripe_api.hpp"
#include "stripe_test_support.hpp"

using namespace stripe_test;
namespace stripe = orders::plugins::payment::stripe;

namespace {

RefundRequest usdRefund(std::optional<std::string> reason) {
  RefundRequest r;
  r.reference = "pi_1";
  r.orderId = "o-1";
  r.amount = Money{1999, "USD"};
  r.reason = std::move(reason);
  r.idempotencyKey = "refund:pay-1";
  return r;
}

std::string stripeErrorJson(const std::string &type, const std::string &code, const std::string &extra = "") {
  return R"({"error":{"type":")" + type + R"(","code":")" + code + R"(","message":"Something about )" + code + R"(")" +
         extra + "}}";
}

} // namespace

class StripeCreateTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StripeCreateTest);
  CPPUNIT_TEST(createPostsTheIntentFormEncoded);
  CPPUNIT_TEST(paymentMethodTypesVersionAndCheckoutTemplate);
  CPPUNIT_TEST(amountsScaleToStripesDecimals);
  CPPUNIT_TEST(amountsComeBackExactly);
  CPPUNIT_TEST(intentStatusesMap);
  CPPUNIT_TEST(declineIsAFailedOutcome);
  CPPUNIT_TEST(errorsMapToSdkCodes);
  CPPUNIT_TEST(transportErrorsKeepTheirCode);
  CPPUNIT_TEST(invalidRequestsSendNothing);
  CPPUNIT_TEST(refundSendsTheIdempotencyKey);
  CPPUNIT_TEST(refundStatusesMap);
  CPPUNIT_TEST(cancelMapsEveryState);
  CPPUNIT_TEST(statusGetsTheIntentWithItsAmount);
  CPPUNIT_TEST(createFailsOnBadConfigOrMissingSecrets);
  CPPUNIT_TEST_SUITE_END();

public:
  void createPostsTheIntentFormEncoded() {
    auto h = harness();
    h->host().onHttp("POST", kIntentsUrl, answer(200, intentJson("pi_1", "requires_payment_method")));
    PaymentRequest r = usdPayment();
    r.orderNumber = "ORD 1&2"; // encoded in the body
    auto out = createPayment(*h, r);
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), out->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), out->status);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1_secret_abc"), out->redirectUrl.value());
    CPPUNIT_ASSERT(!out->amount.has_value());

    const auto requests = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &post = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(kIntentsUrl, post.url);
    CPPUNIT_ASSERT_EQUAL(size_t(3), post.headers.size());
    CPPUNIT_ASSERT_EQUAL(kBearer, post.headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:attempt:1"), post.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), post.headers.at("Content-Type"));
    CPPUNIT_ASSERT(post.idempotent); // the key makes repeats safe
    CPPUNIT_ASSERT(!post.timeoutMs.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("amount=1999&currency=usd&automatic_payment_methods[enabled]=true&"
                                     "description=Order%20ORD%201%262&metadata[order_id]=o-1&"
                                     "metadata[order_number]=ORD%201%262&metadata[attempt]=1&"
                                     "metadata[payment_key]=order%3Ao-1%3Aattempt%3A1"),
                         post.body);
  }

  void paymentMethodTypesVersionAndCheckoutTemplate() {
    auto h = harness(
        R"("payment_method_types":["card","ideal"],"stripe_version":"2024-06-20",)"
        R"("timeout_ms":4000,"description_template":"#{orderNumber}/{attempt}",)"
        R"("checkout_url_template":"https://shop.test/pay?o={orderId}&pi={paymentIntentId}&cs={clientSecret}")");
    h->host().onHttp("POST", kIntentsUrl, answer(200, intentJson("pi_1", "requires_payment_method")));
    auto out = createPayment(*h, usdPayment("o/1"));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("https://shop.test/pay?o=o%2F1&pi=pi_1&cs=pi_1_secret_abc"),
                         out->redirectUrl.value());
    const HttpRequest post = h->host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), post.headers.at("Stripe-Version"));
    CPPUNIT_ASSERT_EQUAL(int64_t(4000), post.timeoutMs.value());
    CPPUNIT_ASSERT_EQUAL(std::string("amount=1999&currency=usd&payment_method_types[0]=card&"
                                     "payment_method_types[1]=ideal&description=%23ORD-1%2F1&"
                                     "metadata[order_id]=o%2F1&metadata[order_number]=ORD-1&metadata[attempt]=1&"
                                     "metadata[payment_key]=order%3Ao%2F1%3Aattempt%3A1"),
                         post.body);
  }

  void amountsScaleToStripesDecimals() {
    auto h = harness(R"("currency_exponents":{"XAU":3})");
    h->host().onHttp("POST", kIntentsUrl, answer(200, intentJson("pi_1", "requires_payment_method")));
    const struct {
      Money money;
      std::string sent;
    } cases[] = {{{1999, "USD"}, "amount=1999&currency=usd&"},       {{1500, "JPY"}, "amount=1500&currency=jpy&"},
                 {{150000, "IDR"}, "amount=15000000&currency=idr&"}, {{1005, "KWD"}, "amount=1005&currency=kwd&"},
                 {{1000, "XAU"}, "amount=100&currency=xau&"},        {{5000, "VND"}, "amount=5000&currency=vnd&"}};
    size_t i = 0;
    for (const auto &c : cases) {
      PaymentRequest r = usdPayment();
      r.amount = c.money;
      auto out = createPayment(*h, r);
      CPPUNIT_ASSERT_MESSAGE(c.money.currency + ": " + why(out), out.ok());
      const std::string body = h->host().requests().at(i++).body;
      CPPUNIT_ASSERT_MESSAGE(body, body.rfind(c.sent, 0) == 0);
    }
    PaymentRequest odd = usdPayment();
    odd.amount = Money{1005, "XAU"}; // 1.005 cannot be sent in Stripe's 2 decimals
    auto refused = createPayment(*h, odd);
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: 1005 XAU has more decimal places than Stripe takes (2)"),
                         refused.error().message);
    CPPUNIT_ASSERT_EQUAL(i, h->host().requests().size());
  }

  // Stripe's amounts back to this service's minor units, exactly or not at all.
  void amountsComeBackExactly() {
    stripe::Settings s;
    s.exponents = {{"USD", 2}, {"IDR", 0}, {"JPY", 0}, {"KWD", 3}};
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), stripe::fromStripeAmount(s, 15000000, "idr", "").value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), stripe::fromStripeAmount(s, 15000000, "idr", "").value().currency);
    CPPUNIT_ASSERT(!stripe::fromStripeAmount(s, 15000001, "idr", "").ok());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), stripe::fromStripeAmount(s, 1999, "usd", "").value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), stripe::fromStripeAmount(s, 1500, "jpy", "").value().amountMinor);
    CPPUNIT_ASSERT(!stripe::fromStripeAmount(s, 1, "xyz", "").ok());
  }

  void intentStatusesMap() {
    const struct {
      const char *stripe;
      const char *ours;
    } cases[] = {{"requires_payment_method", "pending"},
                 {"requires_confirmation", "pending"},
                 {"requires_action", "pending"},
                 {"processing", "pending"},
                 {"requires_capture", "pending"},
                 {"succeeded", "captured"},
                 {"canceled", "cancelled"}};
    for (const auto &c : cases) {
      auto h = harness();
      h->host().onHttp("POST", kIntentsUrl, answer(200, intentJson("pi_1", c.stripe, 1999, "usd", 1999)));
      auto out = createPayment(*h, usdPayment());
      CPPUNIT_ASSERT_MESSAGE(std::string(c.stripe) + ": " + why(out), out.ok());
      CPPUNIT_ASSERT_EQUAL(std::string(c.ours), out->status);
      CPPUNIT_ASSERT_EQUAL(std::string(c.ours) == "pending", out->redirectUrl.has_value());
    }
    auto h = harness();
    h->host().onHttp("POST", kIntentsUrl, answer(200, intentJson("pi_1", "exploded")));
    auto odd = createPayment(*h, usdPayment());
    CPPUNIT_ASSERT_MESSAGE(why(odd), contains(why(odd), "/status: unknown PaymentIntent status 'exploded'"));
  }

  void declineIsAFailedOutcome() {
    auto h = harness();
    h->host().onHttp("POST", kIntentsUrl,
                     answer(402, stripeErrorJson("card_error", "card_declined",
                                                 R"(,"decline_code":"insufficient_funds","payment_intent":)" +
                                                     intentJson("pi_9", "requires_payment_method"))));
    auto out = createPayment(*h, usdPayment());
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), out->status);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_9"), out->reference);

    auto bare = harness();
    bare->host().onHttp("POST", kIntentsUrl, answer(400, stripeErrorJson("card_error", "expired_card")));
    auto expired = createPayment(*bare, usdPayment());
    CPPUNIT_ASSERT_MESSAGE(why(expired), expired.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), expired->status);
    CPPUNIT_ASSERT_EQUAL(std::string(""), expired->reference);

    auto hiccup = harness();
    hiccup->host().onHttp("POST", kIntentsUrl, answer(402, stripeErrorJson("card_error", "processing_error")));
    auto again = createPayment(*hiccup, usdPayment());
    CPPUNIT_ASSERT(!again.ok());
    CPPUNIT_ASSERT(again.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(again.error().retryable);
  }

  void errorsMapToSdkCodes() {
    const struct {
      int64_t status;
      std::string body;
      ErrorCode code;
      bool retryable;
      std::string detail;
    } cases[] = {
        {400, stripeErrorJson("invalid_request_error", "parameter_invalid_integer"), ErrorCode::invalid_argument, false,
         "invalid_request_error/parameter_invalid_integer: Something about parameter_invalid_integer"},
        {401, R"({"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_***123"}})",
         ErrorCode::unauthenticated, false, "Invalid API Key provided"},
        {403, stripeErrorJson("invalid_request_error", "secret_key_required"), ErrorCode::unauthenticated, false,
         "secret_key_required"},
        {404, stripeErrorJson("invalid_request_error", "resource_missing"), ErrorCode::not_found, false,
         "resource_missing"},
        {409, stripeErrorJson("invalid_request_error", "lock_timeout"), ErrorCode::conflict, true, "lock_timeout"},
        {400, stripeErrorJson("idempotency_error", "idempotency_key_in_use"), ErrorCode::conflict, false,
         "idempotency_error/idempotency_key_in_use"},
        {429, stripeErrorJson("invalid_request_error", "rate_limit"), ErrorCode::unavailable, true, "rate_limit"},
        {500, stripeErrorJson("api_error", "api_error"), ErrorCode::unavailable, true, "api_error"},
        {503, "<html>upstream</html>", ErrorCode::unavailable, true, "<html>upstream</html>"},
        {418, "{}", ErrorCode::internal, false, "unexpected status"},
    };
    for (const auto &c : cases) {
      auto h = harness();
      h->host().onHttp("POST", kIntentsUrl, answer(c.status, c.body));
      auto r = createPayment(*h, usdPayment());
      const std::string label = "status " + std::to_string(c.status) + ": " + why(r);
      CPPUNIT_ASSERT_MESSAGE(label, !r.ok() && r.error().code == c.code);
      CPPUNIT_ASSERT_MESSAGE(label, r.error().retryable == c.retryable);
      CPPUNIT_ASSERT_MESSAGE(label, contains(r.error().message, c.detail));
      CPPUNIT_ASSERT_MESSAGE(label,
                             contains(r.error().message, "PaymentIntent for order o-1 attempt 1: POST " + kIntentsUrl +
                                                             " answered " + std::to_string(c.status)));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, size_t(1), h->host().requests().size());
    }
  }

  void transportErrorsKeepTheirCode() {
    auto h = harness();
    h->host().onHttpError("POST", kIntentsUrl, timeoutError("POST " + kIntentsUrl + ": no answer within 300 ms"));
    auto r = createPayment(*h, usdPayment());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::timeout);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "PaymentIntent for order o-1 attempt 1: "));
  }

  void invalidRequestsSendNothing() {
    auto h = harness();
    CPPUNIT_ASSERT_EQUAL(std::string("/orderId: must not be empty"), createPayment(*h, usdPayment("")).error().message);
    PaymentRequest zero = usdPayment();
    zero.amount.amountMinor = 0;
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: must be > 0"), createPayment(*h, zero).error().message);
    PaymentRequest no_key = usdPayment();
    no_key.idempotencyKey.clear();
    CPPUNIT_ASSERT_EQUAL(std::string("/idempotencyKey: must not be empty"), createPayment(*h, no_key).error().message);
    PaymentRequest unknown = usdPayment();
    unknown.amount.currency = "XYZ";
    CPPUNIT_ASSERT_EQUAL(
        std::string("/amount/currency: no decimal places known for currency 'XYZ'; add it to currency_exponents"),
        createPayment(*h, unknown).error().message);
    CPPUNIT_ASSERT(h->host().requests().empty());
  }

  void refundSendsTheIdempotencyKey() {
    auto h = harness(R"("stripe_version":"2024-06-20")");
    h->host().onHttp("POST", kRefundsUrl,
                     answer(200, R"({"id":"re_1","object":"refund","amount":1999,"payment_intent":"pi_1",)"
                                 R"("status":"succeeded"})"));
    auto r = h->call<PaymentResult>(h->table<orders_payment_v1_t>()->refund, usdRefund("Requested by customer"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), r->status);
    const HttpRequest post = h->host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(kRefundsUrl, post.url);
    CPPUNIT_ASSERT_EQUAL(size_t(4), post.headers.size());
    CPPUNIT_ASSERT_EQUAL(kBearer, post.headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("refund:pay-1"), post.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), post.headers.at("Stripe-Version"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), post.headers.at("Content-Type"));
    CPPUNIT_ASSERT(post.idempotent);
    CPPUNIT_ASSERT_EQUAL(std::string("payment_intent=pi_1&amount=1999&reason=requested_by_customer&"
                                     "metadata[order_id]=o-1"),
                         post.body);

    auto free_text = harness();
    free_text->host().onHttp("POST", kRefundsUrl, answer(200, R"({"id":"re_2","status":"pending"})"));
    RefundRequest idr = usdRefund("buyer changed mind");
    idr.amount = Money{150000, "IDR"};
    auto pending = free_text->call<PaymentResult>(free_text->table<orders_payment_v1_t>()->refund, idr);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), pending->status);
    CPPUNIT_ASSERT_EQUAL(std::string("payment_intent=pi_1&amount=15000000&metadata[order_id]=o-1&"
                                     "metadata[reason]=buyer%20changed%20mind"),
                         free_text->host().requests().at(0).body);
  }

  void refundStatusesMap() {
    const auto refund = [](PluginHarness &h) {
      return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->refund, usdRefund(std::nullopt));
    };
    auto failed = harness();
    failed->host().onHttp(
        "POST", kRefundsUrl,
        answer(200, R"({"id":"re_3","status":"failed","failure_reason":"expired_or_canceled_card"})"));
    auto f = refund(*failed);
    CPPUNIT_ASSERT(f.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT(!f.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(f.error().message, contains(f.error().message, "expired_or_canceled_card"));

    auto already = harness();
    already->host().onHttp("POST", kRefundsUrl,
                           answer(400, stripeErrorJson("invalid_request_error", "charge_already_refunded")));
    auto a = refund(*already);
    CPPUNIT_ASSERT_MESSAGE(why(a), a.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), a->status);

    auto down = harness();
    down->host().onHttp("POST", kRefundsUrl, answer(503, "{}"));
    auto d = refund(*down);
    CPPUNIT_ASSERT(d.error().code == ErrorCode::unavailable && d.error().retryable);

    auto unrefundable = harness();
    unrefundable->host().onHttp("POST", kRefundsUrl,
                                answer(400, stripeErrorJson("invalid_request_error", "amount_too_large")));
    CPPUNIT_ASSERT(refund(*unrefundable).error().code == ErrorCode::invalid_argument);
  }

  void cancelMapsEveryState() {
    auto h = harness();
    const auto cancel = h->table<orders_payment_v1_t>()->cancel;
    h->host().onHttp("POST", kIntentsUrl + "/pi_1/cancel", answer(200, intentJson("pi_1", "canceled")));
    auto ok = h->call<PaymentResult>(cancel, PaymentRef{"pi_1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(ok), ok.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), ok->status);
    const HttpRequest post = h->host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(kBearer, post.headers.at("Authorization"));
    CPPUNIT_ASSERT(post.body.empty());

    h->host().onHttp(
        "POST", kIntentsUrl + "/pi_paid/cancel",
        answer(400, stripeErrorJson("invalid_request_error", "payment_intent_unexpected_state",
                                    R"(,"payment_intent":)" + intentJson("pi_paid", "succeeded", 1999, "usd", 1999))));
    auto paid = h->call<PaymentResult>(cancel, PaymentRef{"pi_paid", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(paid), paid.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), paid->status); // the host refunds it
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), paid->amount.value().amountMinor);

    h->host().onHttp("POST", kIntentsUrl + "/pi_again/cancel",
                     answer(400, stripeErrorJson("invalid_request_error", "payment_intent_unexpected_state",
                                                 R"(,"payment_intent":)" + intentJson("pi_again", "canceled"))));
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"),
                         h->call<PaymentResult>(cancel, PaymentRef{"pi_again", "o-1"})->status);

    h->host().onHttp("POST", kIntentsUrl + "/pi_busy/cancel",
                     answer(400, stripeErrorJson("invalid_request_error", "payment_intent_unexpected_state",
                                                 R"(,"payment_intent":)" + intentJson("pi_busy", "processing"))));
    auto busy = h->call<PaymentResult>(cancel, PaymentRef{"pi_busy", "o-1"});
    CPPUNIT_ASSERT(busy.error().code == ErrorCode::unavailable && busy.error().retryable);

    auto gone = h->call<PaymentResult>(cancel, PaymentRef{"pi_gone", "o-1"}); // unscripted: 404
    CPPUNIT_ASSERT_MESSAGE(why(gone), gone.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), gone->status);
    CPPUNIT_ASSERT_EQUAL(std::string("pi_gone"), gone->reference);
  }

  void statusGetsTheIntentWithItsAmount() {
    auto h = harness();
    const auto status = h->table<orders_payment_v1_t>()->status;
    h->host().onHttp("GET", kIntentsUrl + "/pi_1",
                     answer(200, intentJson("pi_1", "succeeded", 15000000, "idr", 15000000)));
    auto paid = h->call<PaymentResult>(status, PaymentRef{"pi_1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(paid), paid.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), paid->status);
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), paid->amount.value().amountMinor); // whole rupiah again
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), paid->amount.value().currency);
    const HttpRequest get = h->host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), get.method);
    CPPUNIT_ASSERT_EQUAL(size_t(1), get.headers.size());
    CPPUNIT_ASSERT_EQUAL(kBearer, get.headers.at("Authorization"));

    h->host().onHttp("GET", kIntentsUrl + "/pi_2", answer(200, intentJson("pi_2", "processing")));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), h->call<PaymentResult>(status, PaymentRef{"pi_2", "o-1"})->status);
    auto missing = h->call<PaymentResult>(status, PaymentRef{"pi_9", "o-1"});
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::not_found);
  }

  void createFailsOnBadConfigOrMissingSecrets() {
    PluginHarness no_key(orders_plugin_descriptor_v1());
    no_key.host().setSecret("STRIPE_WEBHOOK_SECRET", kWebhookSecret);
    Status s = no_key.create(config(), kInstance);
    CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(
        std::string("secret_key_secret: cannot resolve secret 'STRIPE_SECRET_KEY': no secret named STRIPE_SECRET_KEY"),
        s.error().message);

    PluginHarness no_hook(orders_plugin_descriptor_v1());
    no_hook.host().setSecret("STRIPE_SECRET_KEY", "sk_test_123");
    CPPUNIT_ASSERT(contains(no_hook.create(config(), kInstance).error().message, "webhook_secret_secret: "));

    PluginHarness bad(orders_plugin_descriptor_v1());
    bad.host().setSecret("STRIPE_SECRET_KEY", "sk_test_123");
    bad.host().setSecret("STRIPE_WEBHOOK_SECRET", kWebhookSecret);
    CPPUNIT_ASSERT(contains(bad.create(R"({"base_url":"ftp://x"})").error().message, "base_url: "));
    CPPUNIT_ASSERT(contains(bad.create(config(R"("webhook_tolerance_seconds":0)")).error().message,
                            "webhook_tolerance_seconds: "));
    CPPUNIT_ASSERT(contains(bad.create(config(R"("payment_method_types":["card&x=1"])")).error().message,
                            "payment_method_types/0: "));
    CPPUNIT_ASSERT(bad.instance() == nullptr);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StripeCreateTest);
