// The contract's enumerated words (orders/sdk/contract.hpp): one mapping
// per enum, and the answers the host refuses; its text rules
// (orders/sdk/text.hpp) and provider text fitted to them.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/contract.hpp"
#include <string>

using namespace orders::sdk;

class ContractTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ContractTest);
  CPPUNIT_TEST(wordsRoundTrip);
  CPPUNIT_TEST(unknownWordsAreProblems);
  CPPUNIT_TEST(utf8IsCheckedAndRepaired);
  CPPUNIT_TEST(timesBecomeUtc);
  CPPUNIT_TEST(providerTextIsFitOrRefused);
  CPPUNIT_TEST_SUITE_END();

public:
  void wordsRoundTrip() {
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), std::string(wireName(PaymentStatus::captured)));
    CPPUNIT_ASSERT(fromWire<PaymentEventType>("refunded") == PaymentEventType::refunded);
    CPPUNIT_ASSERT(fromWire<EventOutcome>("ignored") == EventOutcome::ignored);
    CPPUNIT_ASSERT(fromWire<ShipmentStatus>("delivered") == ShipmentStatus::delivered);
    CPPUNIT_ASSERT(!fromWire<PaymentStatus>("Captured").has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("paid, failed, expired, refunded"), wireWords<PaymentEventType>());
  }

  void unknownWordsAreProblems() {
    PaymentResult r;
    r.reference = "p-1";
    r.status = "captured";
    CPPUNIT_ASSERT(!contractProblem(r).has_value());
    r.status = "capturd";
    CPPUNIT_ASSERT_EQUAL(std::string("/status: 'capturd' is not one of pending, captured, failed, cancelled, refunded"),
                         contractProblem(r).value());
    ParsedEvent e;
    e.outcome = "evnt"; // a misspelled outcome is never taken as "ignored"
    CPPUNIT_ASSERT(contractProblem(e).has_value());
    e.outcome = "event";
    CPPUNIT_ASSERT_EQUAL(std::string("/event: is required when outcome is 'event'"), contractProblem(e).value());
    e.event = PaymentEvent{};
    e.event->type = "payed";
    CPPUNIT_ASSERT(contractProblem(e).value().find("/event/type: 'payed'") == 0);
    e.event->type = "paid";
    CPPUNIT_ASSERT(!contractProblem(e).has_value());
    ShipmentUpdate u;
    u.outcome = "event";
    u.status = "in_transit";
    CPPUNIT_ASSERT(contractProblem(u).has_value());
    u.outcome = "ignored";
    CPPUNIT_ASSERT(!contractProblem(u).has_value());
    CPPUNIT_ASSERT(!contractProblem(LookupResult{}).has_value());
  }

  void utf8IsCheckedAndRepaired() {
    CPPUNIT_ASSERT(validUtf8("plain") && validUtf8("caf\xc3\xa9") && validUtf8("\xf0\x9f\x98\x80") && validUtf8(""));
    for (const char *bad : {"\xff", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\xaf"})
      CPPUNIT_ASSERT_MESSAGE(bad, !validUtf8(bad));
    CPPUNIT_ASSERT_EQUAL(std::string("a\xEF\xBF\xBD"
                                     "b\xEF\xBF\xBD\xEF\xBF\xBD"),
                         toValidUtf8("a\xff"
                                     "b\xc3\xc3"));
    CPPUNIT_ASSERT_EQUAL(std::string("caf\xc3\xa9"), toValidUtf8("caf\xc3\xa9"));
  }

  void timesBecomeUtc() {
    auto utc = [](const char *text) { return utcTimestamp(text).value_or("(none)"); };
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:00:00Z"), utc("2026-11-22T10:00:00Z"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:00:00.123Z"), utc("2026-11-22t17:00:00.123+07:00"));
    CPPUNIT_ASSERT_EQUAL(std::string("2027-01-01T02:30:00Z"), utc("2026-12-31T23:00:00-03:30"));
    CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29T23:59:59Z"), utc("2024-03-01T00:59:59+01:00"));
    CPPUNIT_ASSERT_EQUAL(std::string("1969-12-31T23:00:00Z"), utc("1970-01-01T00:00:00+01:00"));
    for (const char *bad : {"", "2026-11-22", "2026-11-22 10:00:00Z", "2026-11-22T10:00:00", "2026-02-29T10:00:00Z",
                            "2026-13-01T10:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:00:60Z",
                            "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0700", "2026-11-22T10:00:00+24:00",
                            "2026-11-22T10:00:00Zjunk", "0000-01-01T00:00:00+00:01", "1763805600"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("(none)"), utc(bad));
  }

  void providerTextIsFitOrRefused() {
    ParsedEvent e;
    e.outcome = "event";
    e.event = PaymentEvent{};
    e.event->source = "xendit";
    e.event->eventId = "ev-1";
    e.event->type = "paid";
    e.event->orderId = "o-1";
    e.event->amount = Money{1999, "USD"};
    e.event->occurredAt = "2026-11-22T17:00:00+07:00";
    e.reason = "type 'pa\xff"
               "d'";
    CPPUNIT_ASSERT(!fitProviderText(e).has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:00:00Z"), *e.event->occurredAt);
    CPPUNIT_ASSERT_EQUAL(std::string("type 'pa\xEF\xBF\xBD"
                                     "d'"),
                         *e.reason);
    e.event->occurredAt = "yesterday"; // no time: dropped, the host uses when it received the event
    CPPUNIT_ASSERT(!fitProviderText(e).has_value() && !e.event->occurredAt.has_value());

    ParsedEvent bad_id = e;
    bad_id.event->orderId = "o-\xc3";
    auto refused = fitProviderText(bad_id);
    CPPUNIT_ASSERT(refused && refused->code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("provider message: /event/orderId: must be UTF-8 text"), refused->message);
    ParsedEvent bad_currency = e;
    bad_currency.event->amount->currency = "usd";
    refused = fitProviderText(bad_currency);
    CPPUNIT_ASSERT(refused && refused->code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("provider message: /event/amount/currency: 'usd' is not an ISO 4217 code "
                                     "(three capitals)"),
                         refused->message);
    bad_currency.event->amount->currency = "";
    CPPUNIT_ASSERT(fitProviderText(bad_currency).has_value());

    ShipmentUpdate u;
    u.outcome = "event";
    u.trackingNumber = "JP\x80";
    refused = fitProviderText(u);
    CPPUNIT_ASSERT(refused && refused->message == "provider message: /trackingNumber: must be UTF-8 text");
    u.trackingNumber = "JP123";
    CPPUNIT_ASSERT(!fitProviderText(u).has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ContractTest);
