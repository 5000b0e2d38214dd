// payment/xendit through its C ABI on a FakeHost: the invoice request
// (Basic auth, exact amounts, deterministic external_id), the lookup after a
// POST of unknown outcome, error mapping, refund, cancel, status and config.
#include <optional>
#include <utility>
#include <vector>

#include "xendit_test_support.hpp"

using namespace xendit_test;

namespace {

const std::string kRedirects = R"("success_redirect_url":"https://shop.test/orders/{orderId}/paid?n={orderNumber}",)"
                               R"("failure_redirect_url":"https://shop.test/orders/{orderId}/failed")";

std::string externalIdSent(const HttpRequest &post) { return parseJson(post.body)["external_id"].asString(); }

size_t countOf(const std::vector<HttpRequest> &requests, const std::string &method) {
  size_t n = 0;
  for (const HttpRequest &r : requests)
    n += r.method == method ? 1 : 0;
  return n;
}

RefundRequest usdRefund(std::optional<std::string> reason) {
  RefundRequest r;
  r.reference = "inv-1";
  r.orderId = "o-1";
  r.amount = Money{1999, "USD"};
  r.reason = std::move(reason);
  r.idempotencyKey = "refund:pay-1";
  return r;
}

} // namespace

class XenditCreateTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XenditCreateTest);
  CPPUNIT_TEST(createPostsTheInvoiceWithBasicAuth);
  CPPUNIT_TEST(amountsAreExactMajorUnits);
  CPPUNIT_TEST(unknownCurrencyNeedsAnExponent);
  CPPUNIT_TEST(externalIdIsDeterministicPerOrderAttempt);
  CPPUNIT_TEST(timeoutThenLookupFindsTheInvoiceWithoutASecondPost);
  CPPUNIT_TEST(timeoutThenLookupFindsNothingAndPostsOnceMore);
  CPPUNIT_TEST(lookupPicksOurPaidInvoice);
  CPPUNIT_TEST(failedLookupIsRetryable);
  CPPUNIT_TEST(lookupFirstAvoidsThePost);
  CPPUNIT_TEST(aRepeatedCreateFindsTheInvoiceALostPostMade);
  CPPUNIT_TEST(statusCodesMapToErrors);
  CPPUNIT_TEST(invalidRequestsSendNothing);
  CPPUNIT_TEST(refundSendsTheIdempotencyKey);
  CPPUNIT_TEST(refundStatusesMap);
  CPPUNIT_TEST(cancelExpiresTheInvoiceAnd404IsOk);
  CPPUNIT_TEST(statusGetsTheInvoice);
  CPPUNIT_TEST(createFailsOnBadConfigOrMissingSecrets);
  CPPUNIT_TEST_SUITE_END();

public:
  void createPostsTheInvoiceWithBasicAuth() {
    auto h = harness(kRedirects + "," + kPostFirst);
    h->host().onHttp("POST", kInvoicesUrl, answer(200, invoiceJson("inv-1", "order-o-1-1", "PENDING")));
    auto r = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://checkout.xendit.co/web/inv-1"), r->redirectUrl.value());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-22T13:33:20.000Z"), r->expiresAt.value());

    const auto requests = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &post = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(kInvoicesUrl, post.url);
    CPPUNIT_ASSERT_EQUAL(kAuthorization, post.headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), post.headers.at("Content-Type"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), post.headers.at("Accept"));
    CPPUNIT_ASSERT(post.headers.count("Idempotency-key") == 0); // invoices dedupe by external_id only
    CPPUNIT_ASSERT(!post.idempotent);                           // never repeated blindly by the host
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"external_id":"order-o-1-1","amount":165000,"currency":"IDR","payer_email":"ann@example.com",)"
                    R"("description":"Order ORD-20260921-ABCD2345","invoice_duration":86400,)"
                    R"("success_redirect_url":"https://shop.test/orders/o-1/paid?n=ORD-20260921-ABCD2345",)"
                    R"("failure_redirect_url":"https://shop.test/orders/o-1/failed",)"
                    R"("items":[{"name":"Mug","quantity":2,"price":50000,"category":"Kitchen"},)"
                    R"({"name":"Tee","quantity":1,"price":65000}],)"
                    R"("customer":{"given_names":"Ann Lee","email":"ann@example.com","mobile_number":"+628112345678"},)"
                    R"("metadata":{"order_id":"o-1","order_number":"ORD-20260921-ABCD2345","attempt":1}})"),
        post.body);
  }

  void amountsAreExactMajorUnits() {
    auto h = harness(
        std::string(R"("currency_exponents":{"XAU":3,"jpy":2},"description_template":"#{orderNumber}/{attempt}")") +
        "," + kPostFirst);
    h->host().onHttp("POST", kInvoicesUrl, answer(200, invoiceJson("inv-1", "x", "PENDING")));
    PaymentRequest usd = idrPayment();
    usd.amount = Money{2029, "USD"}; // 0.29 and 20.29 are not exact doubles
    usd.items = {line("Pen", 1, Money{29, "USD"}), line("Book", 1, Money{2000, "USD"})};
    usd.customer.reset();
    auto first = createPayment(*h, usd);
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    PaymentRequest big = usd;
    big.amount = Money{123456789012345678, "USD"};
    big.items.clear();
    CPPUNIT_ASSERT(createPayment(*h, big).ok());
    PaymentRequest gold = big;
    gold.amount = Money{1005, "XAU"}; // configured: 3 places
    CPPUNIT_ASSERT(createPayment(*h, gold).ok());
    PaymentRequest yen = big;
    yen.amount = Money{150, "JPY"}; // override of the table's 0
    CPPUNIT_ASSERT(createPayment(*h, yen).ok());

    const auto requests = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(4), requests.size());
    const std::string &body = requests[0].body;
    CPPUNIT_ASSERT_MESSAGE(body, contains(body, R"("amount":20.29,"currency":"USD")"));
    CPPUNIT_ASSERT_MESSAGE(body, contains(body, R"({"name":"Pen","quantity":1,"price":0.29})"));
    CPPUNIT_ASSERT_MESSAGE(body, contains(body, R"({"name":"Book","quantity":1,"price":20})"));
    CPPUNIT_ASSERT_MESSAGE(body, contains(body, R"("description":"#ORD-20260921-ABCD2345/1")"));
    CPPUNIT_ASSERT_MESSAGE(body, !contains(body, "customer") && !contains(body, "payer_email"));
    CPPUNIT_ASSERT_MESSAGE(requests[1].body, contains(requests[1].body, R"("amount":1234567890123456.78,)"));
    CPPUNIT_ASSERT_MESSAGE(requests[1].body, !contains(requests[1].body, "items"));
    CPPUNIT_ASSERT_MESSAGE(requests[2].body, contains(requests[2].body, R"("amount":1.005,"currency":"XAU")"));
    CPPUNIT_ASSERT_MESSAGE(requests[3].body, contains(requests[3].body, R"("amount":1.5,"currency":"JPY")"));

    auto idr = harness(kPostFirst);
    idr->host().onHttp("POST", kInvoicesUrl, answer(200, invoiceJson("inv-1", "x", "PENDING")));
    PaymentRequest rupiah = idrPayment();
    rupiah.amount = Money{150000, "IDR"}; // whole rupiah: no decimals
    CPPUNIT_ASSERT(createPayment(*idr, rupiah).ok());
    CPPUNIT_ASSERT(contains(idr->host().requests().at(0).body, R"("amount":150000,"currency":"IDR")"));
  }

  void unknownCurrencyNeedsAnExponent() {
    auto h = harness();
    PaymentRequest r = idrPayment();
    r.amount = Money{100, "XYZ"};
    r.items.clear();
    auto out = createPayment(*h, r);
    CPPUNIT_ASSERT(out.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(
        std::string("/amount/currency: no decimal places known for currency 'XYZ'; add it to currency_exponents"),
        out.error().message);
    CPPUNIT_ASSERT(h->host().requests().empty());
  }

  void externalIdIsDeterministicPerOrderAttempt() {
    auto h = harness(kPostFirst);
    h->host().onHttp("POST", kInvoicesUrl, answer(200, invoiceJson("inv-1", "x", "PENDING")));
    const std::vector<std::pair<std::string, int64_t>> attempts = {{"o-1", 1}, {"o-1", 1}, {"o-1", 2}, {"o-2", 1}};
    for (const auto &[order, attempt] : attempts)
      CPPUNIT_ASSERT(createPayment(*h, idrPayment(order, attempt)).ok());
    const auto requests = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(std::string("order-o-1-1"), externalIdSent(requests.at(0)));
    CPPUNIT_ASSERT_EQUAL(requests[0].body, requests[1].body); // a retry sends the very same invoice
    CPPUNIT_ASSERT_EQUAL(std::string("order-o-1-2"), externalIdSent(requests.at(2)));
    CPPUNIT_ASSERT_EQUAL(std::string("order-o-2-1"), externalIdSent(requests.at(3)));

    auto prefixed = harness(std::string(R"("external_id_prefix":"lakoo/")") + "," + kPostFirst);
    prefixed->host().onHttp("POST", kInvoicesUrl, answer(200, invoiceJson("inv-1", "x", "PENDING")));
    CPPUNIT_ASSERT(createPayment(*prefixed, idrPayment("5f0c7a1e-8b2d-4c3f", 3)).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("lakoo/5f0c7a1e-8b2d-4c3f-3"), externalIdSent(prefixed->host().requests().at(0)));
  }

  void timeoutThenLookupFindsTheInvoiceWithoutASecondPost() {
    auto h = harness(kPostFirst);
    h->host().onHttpError("POST", kInvoicesUrl, timeoutError("POST " + kInvoicesUrl + ": no answer within 300 ms"));
    h->host().onHttp("GET", kLookupUrl, answer(200, "[" + invoiceJson("inv-7", "order-o-1-1", "PENDING") + "]"));
    auto r = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-7"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://checkout.xendit.co/web/inv-7"), r->redirectUrl.value());

    const auto requests = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[1].method);
    CPPUNIT_ASSERT_EQUAL(kLookupUrl + "order-o-1-1", requests[1].url);
    CPPUNIT_ASSERT_EQUAL(kAuthorization, requests[1].headers.at("Authorization"));
    CPPUNIT_ASSERT(requests[1].body.empty());
  }

  void timeoutThenLookupFindsNothingAndPostsOnceMore() {
    for (const bool empty_list : {true, false}) { // Xendit answers [] or 404 when it has none
      auto h = harness(kPostFirst);
      h->host().onHttpError("POST", kInvoicesUrl, unavailable("connection reset by peer"));
      h->host().thenHttp(answer(200, invoiceJson("inv-8", "order-o-1-1", "PENDING")));
      if (empty_list) h->host().onHttp("GET", kLookupUrl, answer(200, "[]"));
      auto r = createPayment(*h, idrPayment());
      CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("inv-8"), r->reference);
      const auto requests = h->host().requests();
      CPPUNIT_ASSERT_EQUAL(size_t(3), requests.size());
      CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[1].method);
      CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[2].method);
      CPPUNIT_ASSERT_EQUAL(requests[0].body, requests[2].body);
    }
  }

  void lookupPicksOurPaidInvoice() {
    auto h = harness(kPostFirst);
    h->host().onHttp("POST", kInvoicesUrl, answer(504, "gateway timeout"));
    h->host().onHttp("GET", kLookupUrl,
                     answer(200, "[" + invoiceJson("inv-x", "order-o-1-10", "PAID") + "," +
                                     invoiceJson("inv-old", "order-o-1-1", "EXPIRED") + "," +
                                     invoiceJson("inv-paid", "order-o-1-1", "SETTLED") + "]"));
    auto r = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-paid"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), r->status);
    CPPUNIT_ASSERT(!r->expiresAt.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(h->host().requests(), "POST"));
  }

  void failedLookupIsRetryable() {
    auto h = harness(kPostFirst);
    h->host().onHttpError("POST", kInvoicesUrl, timeoutError("no answer within 300 ms"));
    h->host().onHttpError("GET", kLookupUrl, unavailable("connection refused"));
    auto r = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "invoice order-o-1-1: POST"));
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "lookup of invoice order-o-1-1"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(h->host().requests(), "POST")); // never posted blind
  }

  void lookupFirstAvoidsThePost() {
    auto h = harness(); // the default
    h->host().onHttp("GET", kLookupUrl, answer(200, "[" + invoiceJson("inv-3", "order-o-1-1", "PENDING") + "]"));
    auto r = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-3"), r->reference);
    CPPUNIT_ASSERT_EQUAL(size_t(1), h->host().requests().size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), h->host().requests()[0].method);
  }

  // A POST whose answer was cut and whose lookup failed fails the call; the
  // host then asks again with the same key (undoing the checkout, then the
  // reconciler). The repeat must find the invoice the lost POST made, not
  // make a second one that leaves the first open (tests/chaos provider_faults).
  void aRepeatedCreateFindsTheInvoiceALostPostMade() {
    auto h = harness();
    h->host().onHttp("GET", kLookupUrl, answer(200, "[]"));
    h->host().thenHttp(answer(503, R"({"error_code":"SERVER_ERROR"})"));
    h->host().thenHttp(answer(200, "[" + invoiceJson("inv-5", "order-o-1-1", "PENDING") + "]"));
    h->host().onHttpError("POST", kInvoicesUrl, unavailable("the connection closed after 110 of 321 response bytes"));
    auto first = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT(first.error().retryable);
    auto again = createPayment(*h, idrPayment());
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-5"), again->reference);
    CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(h->host().requests(), "POST"));
  }

  void statusCodesMapToErrors() {
    const struct {
      int64_t status;
      ErrorCode code;
      bool retryable;
      size_t requests; // 502/503/504 leave the outcome unknown: lookup (404), post again
    } cases[] = {{400, ErrorCode::invalid_argument, false, 1}, {401, ErrorCode::unauthenticated, false, 1},
                 {403, ErrorCode::unauthenticated, false, 1},  {500, ErrorCode::unavailable, true, 1},
                 {503, ErrorCode::unavailable, true, 3},       {429, ErrorCode::unavailable, true, 1}};
    for (const auto &c : cases) {
      auto h = harness(kPostFirst);
      h->host().onHttp("POST", kInvoicesUrl,
                       answer(c.status, R"({"error_code":"API_VALIDATION_ERROR","message":"amount is too low"})"));
      auto r = createPayment(*h, idrPayment());
      const std::string label = "status " + std::to_string(c.status) + ": " + why(r);
      CPPUNIT_ASSERT_MESSAGE(label, !r.ok() && r.error().code == c.code);
      CPPUNIT_ASSERT_MESSAGE(label, r.error().retryable == c.retryable);
      CPPUNIT_ASSERT_MESSAGE(label, contains(r.error().message, "API_VALIDATION_ERROR: amount is too low"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, c.requests, h->host().requests().size());
    }
  }

  void invalidRequestsSendNothing() {
    auto h = harness();
    PaymentRequest no_order = idrPayment("");
    CPPUNIT_ASSERT_EQUAL(std::string("/orderId: must not be empty"), createPayment(*h, no_order).error().message);
    PaymentRequest zero = idrPayment();
    zero.amount.amountMinor = 0;
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: must be > 0"), createPayment(*h, zero).error().message);
    PaymentRequest mixed = idrPayment();
    mixed.items[1].unitPrice.currency = "USD";
    CPPUNIT_ASSERT_EQUAL(std::string("/items/1/unitPrice/currency: 'USD' is not the payment's currency 'IDR'"),
                         createPayment(*h, mixed).error().message);
    CPPUNIT_ASSERT(h->host().requests().empty());
  }

  void refundSendsTheIdempotencyKey() {
    auto h = harness();
    h->host().onHttp("POST", kBase + "/refunds",
                     answer(200, R"({"id":"rfd-1","invoice_id":"inv-1","amount":19.99,"currency":"USD",)"
                                 R"("status":"SUCCEEDED","reason":"REQUESTED_BY_CUSTOMER"})"));
    auto r = h->call<PaymentResult>(h->table<orders_payment_v1_t>()->refund, usdRefund("requested by customer"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), r->status);

    const HttpRequest post = h->host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(kBase + "/refunds", post.url);
    CPPUNIT_ASSERT_EQUAL(std::string("refund:pay-1"), post.headers.at("Idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(kAuthorization, post.headers.at("Authorization"));
    CPPUNIT_ASSERT(post.idempotent); // the key makes repeats safe
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"invoice_id":"inv-1","reason":"REQUESTED_BY_CUSTOMER","amount":19.99,)"
                                     R"("currency":"USD","metadata":{"order_id":"o-1"}})"),
                         post.body);
  }

  void refundStatusesMap() {
    auto pending = harness(R"("refund_reason":"CANCELLATION")");
    pending->host().onHttp("POST", kBase + "/refunds", answer(200, R"({"id":"rfd-2","status":"PENDING"})"));
    auto p =
        pending->call<PaymentResult>(pending->table<orders_payment_v1_t>()->refund, usdRefund("buyer changed mind"));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), p->status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"invoice_id":"inv-1","reason":"CANCELLATION","amount":19.99,"currency":"USD",)"
                                     R"("metadata":{"order_id":"o-1","reason_detail":"buyer changed mind"}})"),
                         pending->host().requests().at(0).body);

    auto failed = harness();
    failed->host().onHttp("POST", kBase + "/refunds",
                          answer(200, R"({"id":"rfd-3","status":"FAILED","failure_code":"INSUFFICIENT_BALANCE"})"));
    auto f = failed->call<PaymentResult>(failed->table<orders_payment_v1_t>()->refund, usdRefund(std::nullopt));
    CPPUNIT_ASSERT(f.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT(!f.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(f.error().message, contains(f.error().message, "INSUFFICIENT_BALANCE"));
    CPPUNIT_ASSERT(contains(failed->host().requests().at(0).body, R"("reason":"OTHERS")"));
  }

  void cancelExpiresTheInvoiceAnd404IsOk() {
    auto h = harness();
    h->host().onHttp("POST", kBase + "/invoices/inv-1/expire!",
                     answer(200, invoiceJson("inv-1", "order-o-1-1", "EXPIRED")));
    const auto cancel = h->table<orders_payment_v1_t>()->cancel;
    auto expired = h->call<PaymentResult>(cancel, PaymentRef{"inv-1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(expired), expired.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), expired->status);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), h->host().requests().at(0).method);
    CPPUNIT_ASSERT_EQUAL(kAuthorization, h->host().requests().at(0).headers.at("Authorization"));

    auto gone = h->call<PaymentResult>(cancel, PaymentRef{"inv-gone", "o-1"}); // unscripted: 404
    CPPUNIT_ASSERT_MESSAGE(why(gone), gone.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-gone"), gone->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), gone->status);
    CPPUNIT_ASSERT_EQUAL(kBase + "/invoices/inv-gone/expire!", h->host().requests().at(1).url);
  }

  void statusGetsTheInvoice() {
    auto h = harness();
    h->host().onHttp("GET", kBase + "/v2/invoices/inv-1", answer(200, invoiceJson("inv-1", "order-o-1-1", "PAID")));
    const auto status = h->table<orders_payment_v1_t>()->status;
    auto paid = h->call<PaymentResult>(status, PaymentRef{"inv-1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(paid), paid.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), paid->status);
    CPPUNIT_ASSERT(!paid->expiresAt.has_value());
    auto missing = h->call<PaymentResult>(status, PaymentRef{"inv-9", "o-1"});
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::not_found);
    h->host().onHttp("GET", kBase + "/v2/invoices/inv-odd", answer(200, invoiceJson("inv-odd", "x", "VOIDED")));
    auto odd = h->call<PaymentResult>(status, PaymentRef{"inv-odd", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(odd), contains(why(odd), "/status: unknown invoice status 'VOIDED'"));
  }

  void createFailsOnBadConfigOrMissingSecrets() {
    PluginHarness no_key(orders_plugin_descriptor_v1());
    no_key.host().setSecret("XENDIT_CALLBACK_TOKEN", kToken);
    Status s = no_key.create(config(), kInstance);
    CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(
        std::string("secret_key_secret: cannot resolve secret 'XENDIT_SECRET_KEY': no secret named XENDIT_SECRET_KEY"),
        s.error().message);

    PluginHarness no_token(orders_plugin_descriptor_v1());
    no_token.host().setSecret("XENDIT_SECRET_KEY", "xnd_test_123");
    CPPUNIT_ASSERT(contains(no_token.create(config(), kInstance).error().message, "callback_token_secret: "));

    PluginHarness bad(orders_plugin_descriptor_v1());
    bad.host().setSecret("XENDIT_SECRET_KEY", "xnd_test_123");
    bad.host().setSecret("XENDIT_CALLBACK_TOKEN", kToken);
    CPPUNIT_ASSERT(contains(bad.create(R"({"base_url":"ftp://x"})").error().message, "base_url: "));
    CPPUNIT_ASSERT(contains(bad.create(config(R"("refund_reason":"BECAUSE")")).error().message, "refund_reason: "));
    CPPUNIT_ASSERT(bad.instance() == nullptr);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XenditCreateTest);
