// payment/paypal through its C ABI on a FakeHost: the OAuth2 token (exact
// request, cached, renewed before expiry, fetched again once on a 401), the
// order request (PayPal-Request-Id, exact JSON, decimal strings), capture on
// an APPROVED status poll, refunds through the capture, cancel, errors, config.
#include "../paypal_api.hpp"
#include "paypal_test_support.hpp"

using namespace paypal_test;
namespace paypal = orders::plugins::payment::paypal;

namespace {

RefundRequest usdRefund() {
  RefundRequest r;
  r.reference = "PP-1";
  r.orderId = "o-1";
  r.amount = Money{1999, "USD"};
  r.reason = "damaged";
  r.idempotencyKey = "refund:pay-1";
  return r;
}

std::string paypalErrorJson(int status_name_unused, const std::string &name, const std::string &issue) {
  (void)status_name_unused;
  return R"({"name":")" + name +
         R"(","message":"The requested action could not be performed.","debug_id":"dbg1",)"
         R"("details":[{"issue":")" +
         issue + R"(","description":"about )" + issue + R"("}]})";
}

} // namespace

class PaypalOrdersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaypalOrdersTest);
  CPPUNIT_TEST(createFetchesATokenThenPostsTheOrder);
  CPPUNIT_TEST(experienceContextAndPayerActionLink);
  CPPUNIT_TEST(tokenIsCachedAndRenewedBeforeExpiry);
  CPPUNIT_TEST(a401FetchesANewTokenOnce);
  CPPUNIT_TEST(amountsAreDecimalStringsByCurrency);
  CPPUNIT_TEST(errorsMapToSdkCodes);
  CPPUNIT_TEST(statusPollCapturesAnApprovedOrder);
  CPPUNIT_TEST(captureOutcomes);
  CPPUNIT_TEST(refundGoesThroughTheCapture);
  CPPUNIT_TEST(cancelIsHonest);
  CPPUNIT_TEST(createFailsOnBadConfigOrMissingSecrets);
  CPPUNIT_TEST_SUITE_END();

public:
  void createFetchesATokenThenPostsTheOrder() {
    auto h = harness();
    h->host().onHttp("POST", kOrdersUrl, answer(201, orderJson("PP-1", "CREATED")));
    auto r = createPayment(*h, usdPayment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("PP-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://www.paypal.com/checkoutnow?token=PP-1"), r->redirectUrl.value());

    const auto requests = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    const HttpRequest &token = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), token.method);
    CPPUNIT_ASSERT_EQUAL(kTokenUrl, token.url);
    CPPUNIT_ASSERT_EQUAL(size_t(3), token.headers.size());
    CPPUNIT_ASSERT_EQUAL(kBasic, token.headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), token.headers.at("Content-Type"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), token.headers.at("Accept"));
    CPPUNIT_ASSERT_EQUAL(std::string("grant_type=client_credentials"), token.body);

    const HttpRequest &post = requests[1];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(kOrdersUrl, post.url);
    CPPUNIT_ASSERT_EQUAL(size_t(4), post.headers.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), post.headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:attempt:1"), post.headers.at("PayPal-Request-Id"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), post.headers.at("Content-Type"));
    CPPUNIT_ASSERT_EQUAL(std::string("return=representation"), post.headers.at("Prefer"));
    CPPUNIT_ASSERT(post.idempotent);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"USD",)"
                                     R"("value":"19.99"},"custom_id":"o-1","description":"Order ORD-1",)"
                                     R"("reference_id":"o-1"}]})"),
                         post.body);
  }

  void experienceContextAndPayerActionLink() {
    auto h = harness(R"("return_url":"https://shop.test/paid/{orderId}","cancel_url":"https://shop.test/cancel",)"
                     R"("brand_name":"Kopi","timeout_ms":5000)");
    h->host().onHttp("POST", kOrdersUrl,
                     answer(200, R"({"id":"PP-2","status":"PAYER_ACTION_REQUIRED","links":[{"href":"https://)"
                                 R"(www.paypal.com/checkoutnow?token=PP-2","rel":"payer-action","method":"GET"}]})"));
    auto r = createPayment(*h, usdPayment("o/2"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("https://www.paypal.com/checkoutnow?token=PP-2"), r->redirectUrl.value());
    const HttpRequest post = requestsTo(*h, kOrdersUrl).at(0);
    CPPUNIT_ASSERT_EQUAL(int64_t(5000), post.timeoutMs.value());
    const Json::Value body = parseJson(post.body);
    const Json::Value &context = body["payment_source"]["paypal"]["experience_context"];
    CPPUNIT_ASSERT_EQUAL(std::string("https://shop.test/paid/o%2F2"), context["return_url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://shop.test/cancel"), context["cancel_url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Kopi"), context["brand_name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("PAY_NOW"), context["user_action"].asString());
  }

  void tokenIsCachedAndRenewedBeforeExpiry() {
    auto h = harness(R"("token_refresh_margin_seconds":60)", false);
    h->host().onHttp("POST", kTokenUrl, answer(200, tokenJson("A21-1", 600)));
    h->host().thenHttp(answer(200, tokenJson("A21-2", 600)));
    h->host().onHttp("POST", kOrdersUrl, answer(201, orderJson("PP-1", "CREATED")));
    for (int i = 0; i < 3; ++i)
      CPPUNIT_ASSERT(createPayment(*h, usdPayment("o-" + std::to_string(i))).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(*h, kTokenUrl).size());
    h->host().setNowUnixMs(1'790'000'000'000 + 539'000); // 539 s later: still within 600 - 60
    CPPUNIT_ASSERT(createPayment(*h, usdPayment()).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), requestsTo(*h, kTokenUrl).size());
    h->host().setNowUnixMs(1'790'000'000'000 + 540'000); // the margin reached: renewed
    CPPUNIT_ASSERT(createPayment(*h, usdPayment()).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), requestsTo(*h, kTokenUrl).size());
    const auto posts = requestsTo(*h, kOrdersUrl);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), posts.at(3).headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-2"), posts.at(4).headers.at("Authorization"));
  }

  void a401FetchesANewTokenOnce() {
    auto h = harness("", false);
    h->host().onHttp("POST", kTokenUrl, answer(200, tokenJson("A21-old")));
    h->host().thenHttp(answer(200, tokenJson("A21-new")));
    h->host().onHttp("POST", kOrdersUrl, answer(401, R"({"name":"AUTHENTICATION_FAILURE","message":"expired"})"));
    h->host().thenHttp(answer(201, orderJson("PP-1", "CREATED")));
    auto r = createPayment(*h, usdPayment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto posts = requestsTo(*h, kOrdersUrl);
    CPPUNIT_ASSERT_EQUAL(size_t(2), posts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-old"), posts[0].headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-new"), posts[1].headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(posts[0].headers.at("PayPal-Request-Id"), posts[1].headers.at("PayPal-Request-Id"));

    auto refused = harness();
    refused->host().onHttp("POST", kOrdersUrl, answer(401, R"({"name":"AUTHENTICATION_FAILURE","message":"no"})"));
    auto again = createPayment(*refused, usdPayment());
    CPPUNIT_ASSERT(again.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(!again.error().retryable);
    CPPUNIT_ASSERT_EQUAL(size_t(2), requestsTo(*refused, kOrdersUrl).size()); // once more, not forever
    CPPUNIT_ASSERT_EQUAL(size_t(2), requestsTo(*refused, kTokenUrl).size());

    auto bad_client = harness("", false);
    bad_client->host().onHttp(
        "POST", kTokenUrl,
        answer(401, R"({"error":"invalid_client","error_description":"Client Authentication failed"})"));
    auto denied = createPayment(*bad_client, usdPayment());
    CPPUNIT_ASSERT(denied.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_MESSAGE(denied.error().message, contains(denied.error().message, "invalid_client"));
    CPPUNIT_ASSERT(requestsTo(*bad_client, kOrdersUrl).empty());
  }

  void amountsAreDecimalStringsByCurrency() {
    auto h = harness();
    h->host().onHttp("POST", kOrdersUrl, answer(201, orderJson("PP-1", "CREATED")));
    const struct {
      Money money;
      const char *value;
    } cases[] = {{{1999, "USD"}, "19.99"}, {{2000, "USD"}, "20.00"},    {{5, "EUR"}, "0.05"},
                 {{1500, "JPY"}, "1500"},  {{150000, "IDR"}, "150000"}, {{2000, "TWD"}, "20"}};
    for (const auto &c : cases) {
      PaymentRequest r = usdPayment();
      r.amount = c.money;
      auto out = createPayment(*h, r);
      CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
      const Json::Value body = parseJson(requestsTo(*h, kOrdersUrl).back().body);
      CPPUNIT_ASSERT_EQUAL(std::string(c.value), body["purchase_units"][0]["amount"]["value"].asString());
      CPPUNIT_ASSERT_EQUAL(c.money.currency, body["purchase_units"][0]["amount"]["currency_code"].asString());
    }
    PaymentRequest cents = usdPayment();
    cents.amount = Money{1999, "TWD"}; // PayPal takes no TWD decimals
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: 1999 TWD has more decimal places than PayPal takes (0)"),
                         createPayment(*h, cents).error().message);

    paypal::Settings s;
    s.exponents = {{"USD", 2}, {"JPY", 0}};
    CPPUNIT_ASSERT_EQUAL(
        int64_t(29),
        paypal::moneyOf(s, parseJson(R"({"currency_code":"USD","value":"0.29"})"), "").value().amountMinor);
    CPPUNIT_ASSERT(!paypal::moneyOf(s, parseJson(R"({"currency_code":"JPY","value":"10.5"})"), "").ok());
  }

  void errorsMapToSdkCodes() {
    const struct {
      int64_t status;
      std::string name, issue;
      ErrorCode code;
      bool retryable;
    } cases[] = {{400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", ErrorCode::invalid_argument, false},
                 {403, "NOT_AUTHORIZED", "PERMISSION_DENIED", ErrorCode::unauthenticated, false},
                 {404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", ErrorCode::not_found, false},
                 {409, "RESOURCE_CONFLICT", "DUPLICATE_REQUEST_ID", ErrorCode::conflict, true},
                 {422, "UNPROCESSABLE_ENTITY", "CURRENCY_NOT_SUPPORTED", ErrorCode::invalid_argument, false},
                 {422, "UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED", ErrorCode::rejected, false},
                 {429, "RATE_LIMIT_REACHED", "RATE_LIMIT_REACHED", ErrorCode::unavailable, true},
                 {500, "INTERNAL_SERVER_ERROR", "INTERNAL_SERVICE_ERROR", ErrorCode::unavailable, true},
                 {503, "SERVICE_UNAVAILABLE", "", ErrorCode::unavailable, true}};
    for (const auto &c : cases) {
      auto h = harness();
      h->host().onHttp("POST", kOrdersUrl, answer(c.status, paypalErrorJson(0, c.name, c.issue)));
      auto r = createPayment(*h, usdPayment());
      const std::string label = c.name + "/" + c.issue + ": " + why(r);
      CPPUNIT_ASSERT_MESSAGE(label, !r.ok() && r.error().code == c.code);
      CPPUNIT_ASSERT_MESSAGE(label, r.error().retryable == c.retryable);
      CPPUNIT_ASSERT_MESSAGE(label, contains(r.error().message, c.name + (c.issue.empty() ? "" : "/" + c.issue)));
      CPPUNIT_ASSERT_MESSAGE(label, contains(r.error().message, "(debug_id dbg1)"));
    }
  }

  void statusPollCapturesAnApprovedOrder() {
    auto h = harness();
    h->host().onHttp("POST", kOrdersUrl + "/PP-1/capture",
                     answer(201, orderJson("PP-1", "COMPLETED", captureJson("CAP-1", "COMPLETED"))));
    h->host().onHttp("GET", kOrdersUrl + "/PP-1", answer(200, orderJson("PP-1", "APPROVED")));
    auto r = status(*h, "PP-1");
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), r->status);
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), r->amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), r->amount.value().currency);
    CPPUNIT_ASSERT(!r->redirectUrl.has_value());
    const auto captures = requestsTo(*h, kOrdersUrl + "/PP-1/capture");
    CPPUNIT_ASSERT_EQUAL(size_t(1), captures.size());
    CPPUNIT_ASSERT_EQUAL(std::string("capture-PP-1"), captures[0].headers.at("PayPal-Request-Id"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), captures[0].headers.at("Authorization"));
    CPPUNIT_ASSERT(captures[0].body.empty());

    auto off = harness(R"("capture_on_approval":false)");
    off->host().onHttp("GET", kOrdersUrl + "/PP-1", answer(200, orderJson("PP-1", "APPROVED")));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), status(*off, "PP-1")->status);
    CPPUNIT_ASSERT(requestsTo(*off, kOrdersUrl + "/PP-1/capture").empty());

    auto done = harness();
    done->host().onHttp("GET", kOrdersUrl + "/PP-1",
                        answer(200, orderJson("PP-1", "COMPLETED", captureJson("CAP-1", "COMPLETED", "1500", "JPY"))));
    auto yen = status(*done, "PP-1");
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), yen->status);
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), yen->amount.value().amountMinor);
  }

  void captureOutcomes() {
    auto h = harness();
    h->host().onHttp("GET", kOrdersUrl + "/PP-D", answer(200, orderJson("PP-D", "APPROVED")));
    h->host().onHttp("POST", kOrdersUrl + "/PP-D/capture",
                     answer(422, paypalErrorJson(0, "UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED")));
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), status(*h, "PP-D")->status);

    h->host().onHttp("POST", kOrdersUrl + "/PP-A/capture",
                     answer(422, paypalErrorJson(0, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")));
    h->host().onHttp("GET", kOrdersUrl + "/PP-A", answer(200, orderJson("PP-A", "APPROVED")));
    h->host().thenHttp(answer(200, orderJson("PP-A", "COMPLETED", captureJson("CAP-A", "COMPLETED"))));
    auto already = status(*h, "PP-A");
    CPPUNIT_ASSERT_MESSAGE(why(already), already.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), already->status);

    h->host().onHttp("POST", kOrdersUrl + "/PP-P/capture",
                     answer(201, orderJson("PP-P", "COMPLETED", captureJson("CAP-P", "PENDING"))));
    h->host().onHttp("GET", kOrdersUrl + "/PP-P", answer(200, orderJson("PP-P", "APPROVED")));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), status(*h, "PP-P")->status);

    h->host().onHttp("POST", kOrdersUrl + "/PP-X/capture", answer(503, "{}"));
    h->host().onHttp("GET", kOrdersUrl + "/PP-X", answer(200, orderJson("PP-X", "APPROVED")));
    auto down = status(*h, "PP-X");
    CPPUNIT_ASSERT(down.error().code == ErrorCode::unavailable && down.error().retryable);
  }

  void refundGoesThroughTheCapture() {
    auto h = harness();
    h->host().onHttp("POST", kBase + "/v2/payments/captures/CAP-1/refund",
                     answer(201, R"({"id":"RF-1","status":"COMPLETED","amount":{"currency_code":"USD",)"
                                 R"("value":"19.99"}})"));
    h->host().onHttp("GET", kOrdersUrl + "/PP-1",
                     answer(200, orderJson("PP-1", "COMPLETED", captureJson("CAP-1", "COMPLETED"))));
    auto r = h->call<PaymentResult>(h->table<orders_payment_v1_t>()->refund, usdRefund());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("PP-1"), r->reference);
    const auto posts = requestsTo(*h, kBase + "/v2/payments/captures/CAP-1/refund");
    CPPUNIT_ASSERT_EQUAL(size_t(1), posts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("refund:pay-1"), posts[0].headers.at("PayPal-Request-Id"));
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer A21-1"), posts[0].headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            R"({"amount":{"currency_code":"USD","value":"19.99"},"custom_id":"o-1","note_to_payer":"damaged"})"),
        posts[0].body);

    const auto refund = [](PluginHarness &p) {
      return p.call<PaymentResult>(p.table<orders_payment_v1_t>()->refund, usdRefund());
    };
    auto pending = harness();
    pending->host().onHttp("POST", kBase + "/v2/payments/captures/CAP-1/refund",
                           answer(201, R"({"id":"RF-2","status":"PENDING"})"));
    pending->host().onHttp("GET", kOrdersUrl + "/PP-1",
                           answer(200, orderJson("PP-1", "COMPLETED", captureJson("CAP-1", "COMPLETED"))));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), refund(*pending)->status);

    auto twice = harness();
    twice->host().onHttp("POST", kBase + "/v2/payments/captures/CAP-1/refund",
                         answer(422, paypalErrorJson(0, "UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED")));
    twice->host().onHttp("GET", kOrdersUrl + "/PP-1",
                         answer(200, orderJson("PP-1", "COMPLETED", captureJson("CAP-1", "REFUNDED"))));
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refund(*twice)->status);

    auto never = harness();
    never->host().onHttp("GET", kOrdersUrl + "/PP-1", answer(200, orderJson("PP-1", "APPROVED")));
    CPPUNIT_ASSERT(refund(*never).error().code == ErrorCode::rejected);
  }

  void cancelIsHonest() {
    auto h = harness();
    const auto cancel = h->table<orders_payment_v1_t>()->cancel;
    h->host().onHttp("GET", kOrdersUrl + "/PP-C", answer(200, orderJson("PP-C", "CREATED")));
    h->host().onHttp("GET", kOrdersUrl + "/PP-P",
                     answer(200, orderJson("PP-P", "COMPLETED", captureJson("CAP-1", "COMPLETED"))));
    auto open = h->call<PaymentResult>(cancel, PaymentRef{"PP-C", "o-1"});
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), open->status);
    CPPUNIT_ASSERT(!open->redirectUrl.has_value());
    auto paid = h->call<PaymentResult>(cancel, PaymentRef{"PP-P", "o-1"});
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), paid->status); // the host refunds it
    auto gone = h->call<PaymentResult>(cancel, PaymentRef{"PP-G", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(gone), gone.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), gone->status);
    for (const HttpRequest &r : h->host().requests())
      CPPUNIT_ASSERT_MESSAGE(r.url, r.method == "GET" || r.url == kTokenUrl); // nothing is captured or voided
  }

  void createFailsOnBadConfigOrMissingSecrets() {
    PluginHarness no_id(orders_plugin_descriptor_v1());
    no_id.host().setSecret("PAYPAL_CLIENT_SECRET", "secret-1");
    Status s = no_id.create(config(), kInstance);
    CPPUNIT_ASSERT_EQUAL(
        std::string("client_id_secret: cannot resolve secret 'PAYPAL_CLIENT_ID': no secret named PAYPAL_CLIENT_ID"),
        s.error().message);
    PluginHarness no_secret(orders_plugin_descriptor_v1());
    no_secret.host().setSecret("PAYPAL_CLIENT_ID", "client-1");
    CPPUNIT_ASSERT(contains(no_secret.create(config(), kInstance).error().message, "client_secret_secret: "));
    PluginHarness bad(orders_plugin_descriptor_v1());
    bad.host().setSecret("PAYPAL_CLIENT_ID", "client-1");
    bad.host().setSecret("PAYPAL_CLIENT_SECRET", "secret-1");
    CPPUNIT_ASSERT(contains(bad.create(R"({"base_url":"ftp://x"})").error().message, "base_url: "));
    CPPUNIT_ASSERT(contains(bad.create(config(R"("return_url":"shop")")).error().message, "return_url: "));
    CPPUNIT_ASSERT(bad.instance() == nullptr);
    CPPUNIT_ASSERT(bad.host().requests().empty()); // no token is fetched at start-up
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaypalOrdersTest);
