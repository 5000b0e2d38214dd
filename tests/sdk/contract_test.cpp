// The contract's enumerated words (orders/sdk/contract.hpp): one mapping
// per enum, and the answers the host refuses.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/contract.hpp"
#include <string>

using namespace orders::sdk;

class ContractTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ContractTest);
  CPPUNIT_TEST(wordsRoundTrip);
  CPPUNIT_TEST(unknownWordsAreProblems);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(ContractTest);
