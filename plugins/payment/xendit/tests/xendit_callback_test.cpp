// payment/xendit's invoice callbacks through its C ABI on a FakeHost: the
// x-callback-token check, PAID / SETTLED / EXPIRED events, ignored statuses
// and invoices, malformed bodies naming the pointer, and amounts converted
// back to minor units exactly.
#include <cstdint>
#include <limits>
#include <string>

#include "../invoice.hpp"
#include "../money.hpp"
#include "xendit_test_support.hpp"

using namespace xendit_test;
namespace xendit = orders::plugins::payment::xendit;

namespace {

const std::string kPaid =
    R"({"id":"inv-1","external_id":"order-o-1-1","user_id":"5f9a3c","is_high":false,"payment_method":"BANK_TRANSFER",)"
    R"("status":"PAID","merchant_name":"LAKOO","amount":165000,"paid_amount":165000,"bank_code":"BCA",)"
    R"("paid_at":"2026-09-21T14:00:00.000Z","payer_email":"ann@example.com","description":"Order ORD-1",)"
    R"("currency":"IDR","payment_channel":"BCA","metadata":{"order_id":"o-1","order_number":"ORD-1","attempt":1}})";

// A PAID callback for order o-1 with `amounts` (e.g. "\"paid_amount\":0.29") in `currency`.
std::string paidWith(const std::string &amounts, const std::string &currency) {
  return R"({"id":"inv-5","external_id":"order-o-1-1","status":"PAID","currency":")" + currency + R"(",)" + amounts +
         "}";
}

// The error message of parsing `body` with the right token ("" when it parsed).
std::string errorOf(PluginHarness &h, const std::string &body) {
  auto r = parseWebhook(h, kToken, body);
  CPPUNIT_ASSERT_MESSAGE("accepted: " + body, !r.ok());
  CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::invalid_argument);
  return r.error().message;
}

int64_t minorOf(PluginHarness &h, const std::string &body) {
  auto r = parseWebhook(h, kToken, body);
  CPPUNIT_ASSERT_MESSAGE(why(r), r.ok() && r->event.has_value());
  return r->event->amount.value().amountMinor;
}

} // namespace

class XenditCallbackTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XenditCallbackTest);
  CPPUNIT_TEST(paidCallbackBecomesAPaidEvent);
  CPPUNIT_TEST(settledIsASecondEventOfTheSameInvoice);
  CPPUNIT_TEST(expiredFindsTheOrderInTheExternalId);
  CPPUNIT_TEST(wrongOrMissingTokenIsUnauthenticated);
  CPPUNIT_TEST(otherStatusesAreIgnored);
  CPPUNIT_TEST(foreignInvoicesAreIgnored);
  CPPUNIT_TEST(malformedBodiesNameThePointer);
  CPPUNIT_TEST(amountsComeBackToMinorUnitsExactly);
  CPPUNIT_TEST(kafkaIsUnsupported);
  CPPUNIT_TEST(conversionsAndExternalIdsRoundTrip);
  CPPUNIT_TEST_SUITE_END();

public:
  void paidCallbackBecomesAPaidEvent() {
    auto h = harness();
    auto r = parseWebhook(*h, kToken, kPaid);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    const PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(kInstance, e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1:PAID"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), e.orderNumber.value());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(165000), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-21T14:00:00.000Z"), e.occurredAt.value());
    CPPUNIT_ASSERT(h->host().requests().empty()); // nothing is asked of Xendit
  }

  void settledIsASecondEventOfTheSameInvoice() {
    auto h = harness();
    std::string settled = kPaid;
    settled.replace(settled.find(R"("status":"PAID")"), 15, R"("status":"SETTLED")");
    auto r = parseWebhook(*h, kToken, settled);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1:SETTLED"), r->event.value().eventId); // the core dedupes by order state
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), r->event.value().type);
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), r->event.value().paymentReference.value());
  }

  void expiredFindsTheOrderInTheExternalId() {
    auto h = harness();
    auto r =
        parseWebhook(*h, kToken,
                     R"({"id":"inv-2","external_id":"order-5f0c7a1e-8b2d-4c3f-9a6e-0d1b2c3d4e5f-12",)"
                     R"("status":"EXPIRED","amount":19.99,"currency":"USD","updated":"2026-09-22T13:33:21.000Z"})");
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("inv-2:EXPIRED"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("expired"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("5f0c7a1e-8b2d-4c3f-9a6e-0d1b2c3d4e5f"), e.orderId.value());
    CPPUNIT_ASSERT(!e.orderNumber.has_value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), e.amount.value().currency);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-22T13:33:21.000Z"), e.occurredAt.value());
  }

  void wrongOrMissingTokenIsUnauthenticated() {
    auto h = harness();
    for (const char *token : {"wrong", "cb-toke", "cb-token2", "CB-TOKEN", " cb-token"}) {
      auto r = parseWebhook(*h, token, kPaid);
      CPPUNIT_ASSERT_MESSAGE(std::string("accepted token '") + token + "'", !r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
      CPPUNIT_ASSERT_EQUAL(std::string("wrong x-callback-token"), r.error().message);
    }
    auto missing = parseWebhook(*h, "", kPaid);
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(std::string("missing x-callback-token"), missing.error().message);
    InboundMessage other = webhook("");
    other.headers["x-webhook-secret"] = kToken;
    auto r = h->call<ParsedEvent>(h->table<orders_payment_v1_t>()->parse_webhook, other, kPaid);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    // The token is checked before the body is read.
    CPPUNIT_ASSERT(parseWebhook(*h, "wrong", "not json").error().code == ErrorCode::unauthenticated);
  }

  void otherStatusesAreIgnored() {
    auto h = harness();
    for (const char *status : {"PENDING", "ACTIVE", "paid"}) {
      auto r = parseWebhook(*h, kToken,
                            R"({"id":"inv-3","external_id":"order-o-1-1","status":")" + std::string(status) + R"("})");
      CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("ignored"), r->outcome);
      CPPUNIT_ASSERT(!r->event.has_value());
      CPPUNIT_ASSERT_MESSAGE(r->reason.value(), contains(r->reason.value(), std::string("'") + status + "'"));
    }
  }

  void foreignInvoicesAreIgnored() {
    auto h = harness();
    auto r = parseWebhook(*h, kToken,
                          R"({"id":"inv-4","external_id":"INV-2026-0042","status":"PAID","amount":1,)"
                          R"("currency":"IDR"})");
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), r->outcome);
    CPPUNIT_ASSERT_MESSAGE(r->reason.value(), contains(r->reason.value(), "INV-2026-0042"));
    // metadata.order_id wins over the external_id's form.
    auto mine = parseWebhook(*h, kToken,
                             R"({"id":"inv-4","external_id":"INV-2026-0042","status":"PAID","amount":1,)"
                             R"("currency":"IDR","metadata":{"order_id":"o-9"}})");
    CPPUNIT_ASSERT_EQUAL(std::string("o-9"), mine->event.value().orderId.value());
  }

  void malformedBodiesNameThePointer() {
    auto h = harness();
    CPPUNIT_ASSERT(errorOf(*h, "status=PAID").rfind("/: malformed JSON", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("/: expected object, got array"), errorOf(*h, "[1]"));
    CPPUNIT_ASSERT_EQUAL(std::string("/id: is required"), errorOf(*h, R"({"status":"PAID"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/id: must not be empty"), errorOf(*h, R"({"id":"","status":"PAID"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/status: expected string"), errorOf(*h, R"({"id":"inv-1","status":1})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/external_id: is required"), errorOf(*h, R"({"id":"i","status":"PAID"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("/paid_amount: expected number"),
                         errorOf(*h, paidWith(R"("paid_amount":"165000")", "IDR")));
    CPPUNIT_ASSERT_EQUAL(std::string("/amount: is required"), errorOf(*h, paidWith(R"("paid_at":null)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(std::string("/paid_at: expected string"),
                         errorOf(*h, paidWith(R"("amount":1,"paid_at":1700000000)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(std::string("/metadata/order_id: expected string"),
                         errorOf(*h, paidWith(R"("amount":1,"metadata":{"order_id":42})", "IDR")));
    CPPUNIT_ASSERT_EQUAL(std::string("/metadata: expected object"),
                         errorOf(*h, paidWith(R"("amount":1,"metadata":"o-1")", "IDR")));
    CPPUNIT_ASSERT_EQUAL(std::string("/currency: is required"),
                         errorOf(*h, R"({"id":"i","external_id":"order-o-1-1","status":"PAID","amount":1})"));
    CPPUNIT_ASSERT_EQUAL(
        std::string("/currency: no decimal places known for currency 'XYZ'; add it to currency_exponents"),
        errorOf(*h, paidWith(R"("amount":1)", "XYZ")));
    CPPUNIT_ASSERT_EQUAL(std::string("/paid_amount: '19.999' has more decimal places than USD allows (2)"),
                         errorOf(*h, paidWith(R"("paid_amount":19.999)", "USD")));
    CPPUNIT_ASSERT_EQUAL(std::string("/amount: '150000.5' has more decimal places than IDR allows (0)"),
                         errorOf(*h, paidWith(R"("amount":150000.5)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(std::string("/paid_amount: '-5' is negative"),
                         errorOf(*h, paidWith(R"("paid_amount":-5)", "IDR")));
  }

  void amountsComeBackToMinorUnitsExactly() {
    auto h = harness(R"("currency_exponents":{"KWD":3})");
    CPPUNIT_ASSERT_EQUAL(int64_t(29), minorOf(*h, paidWith(R"("paid_amount":0.29)", "USD"))); // 28.999... as a double
    CPPUNIT_ASSERT_EQUAL(int64_t(123456789), minorOf(*h, paidWith(R"("paid_amount":1234567.89)", "USD")));
    CPPUNIT_ASSERT_EQUAL(int64_t(2000), minorOf(*h, paidWith(R"("paid_amount":20)", "USD")));
    CPPUNIT_ASSERT_EQUAL(int64_t(2050), minorOf(*h, paidWith(R"("paid_amount":20.50)", "SGD")));
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), minorOf(*h, paidWith(R"("paid_amount":150000)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), minorOf(*h, paidWith(R"("paid_amount":150000.00)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), minorOf(*h, paidWith(R"("paid_amount":1.5e3)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(int64_t(1005), minorOf(*h, paidWith(R"("paid_amount":1.005)", "KWD")));
    // paid_amount (what the buyer paid) wins over the invoiced amount.
    CPPUNIT_ASSERT_EQUAL(int64_t(165000), minorOf(*h, paidWith(R"("amount":200000,"paid_amount":165000)", "IDR")));
    CPPUNIT_ASSERT_EQUAL(int64_t(200000), minorOf(*h, paidWith(R"("amount":200000,"paid_amount":null)", "IDR")));
  }

  void kafkaIsUnsupported() {
    auto h = harness();
    InboundMessage m;
    m.source = "kafka";
    auto r = h->call<ParsedEvent>(h->table<orders_payment_v1_t>()->parse_event, m, kPaid);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unsupported);
  }

  void conversionsAndExternalIdsRoundTrip() {
    CPPUNIT_ASSERT_EQUAL(std::string("19.99"), xendit::minorToMajor(1999, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("0.05"), xendit::minorToMajor(5, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("20"), xendit::minorToMajor(2000, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("20.1"), xendit::minorToMajor(2010, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("150000"), xendit::minorToMajor(150000, 0));
    CPPUNIT_ASSERT_EQUAL(std::string("0.001"), xendit::minorToMajor(1, 3));
    CPPUNIT_ASSERT_EQUAL(std::string("92233720368547758.07"),
                         xendit::minorToMajor(std::numeric_limits<int64_t>::max(), 2));
    for (const int64_t minor : {int64_t(1), int64_t(29), int64_t(1999), int64_t(100000), int64_t(123456789012)}) {
      for (const int exponent : {0, 2, 3}) {
        int64_t back = -1;
        CPPUNIT_ASSERT(xendit::decimalToMinor(xendit::minorToMajor(minor, exponent), exponent, back) ==
                       xendit::DecimalError::none);
        CPPUNIT_ASSERT_EQUAL(minor, back);
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::string("order-o-1-2"), xendit::externalId("order-", "o-1", 2));
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), xendit::orderIdFromExternalId("order-", "order-o-1-2").value());
    CPPUNIT_ASSERT_EQUAL(std::string("a-b"), xendit::orderIdFromExternalId("", "a-b-7").value());
    for (const char *foreign : {"order--1", "order-o-1-x", "order-abc", "order-o-1-", "INV-o-1-1", "order-"})
      CPPUNIT_ASSERT_MESSAGE(foreign, !xendit::orderIdFromExternalId("order-", foreign).has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XenditCallbackTest);
