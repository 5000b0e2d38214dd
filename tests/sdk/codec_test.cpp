#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/messages.hpp"

using namespace orders::sdk;

class CodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CodecTest);
  CPPUNIT_TEST(orderSnapshotRoundTrips);
  CPPUNIT_TEST(optionalFieldsAreOmittedWhenAbsent);
  CPPUNIT_TEST(missingRequiredFieldNamesPointer);
  CPPUNIT_TEST(wrongTypeNamesPointerInsideArrays);
  CPPUNIT_TEST(fractionalMoneyIsRejected);
  CPPUNIT_TEST(unknownFieldsAreIgnoredForForwardCompatibility);
  CPPUNIT_TEST(strictParserRejectsDuplicatesAndTrailingData);
  CPPUNIT_TEST_SUITE_END();

public:
  void orderSnapshotRoundTrips() {
    OrderSnapshot o;
    o.id = "o-1";
    o.orderNumber = "ORD-20261122-0001";
    o.userId = "u-1";
    o.sellerId = "s-1";
    o.status = "awaiting_payment";
    o.currency = "IDR";
    LineItem li;
    li.productId = "p-1";
    li.title = "Kopi Luwak 250 g — café";
    li.quantity = 2;
    li.unitPrice = Money{150000, "IDR"};
    li.lineTotal = Money{300000, "IDR"};
    li.attributes["type"] = "merch";
    o.items.push_back(li);
    o.subtotalMinor = 300000;
    o.totalMinor = 300000;
    o.shippingAddress = Address{std::string("Ana"), "Jl. Sudirman 1",     std::nullopt, "Jakarta",
                                std::nullopt,       std::string("10210"), "ID",         std::nullopt};
    o.createdAt = "2026-11-22T10:00:00Z";
    auto back = decode<OrderSnapshot>(encode(o));
    CPPUNIT_ASSERT_MESSAGE(back.ok() ? "" : back.error().message, back.ok());
    CPPUNIT_ASSERT_EQUAL(encode(o), encode(back.value()));
    CPPUNIT_ASSERT_EQUAL(std::string("Kopi Luwak 250 g — café"), back->items[0].title);
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), back->items[0].unitPrice.amountMinor);
  }
  void optionalFieldsAreOmittedWhenAbsent() {
    Party p;
    p.id = "u1";
    CPPUNIT_ASSERT_EQUAL(std::string("{\"id\":\"u1\"}"), encode(p));
  }
  void missingRequiredFieldNamesPointer() {
    auto r = decode<Money>("{\"currency\":\"USD\"}");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/amountMinor: is required"), r.error().message);
  }
  void wrongTypeNamesPointerInsideArrays() {
    auto r = decode<ReserveRequest>(
        R"({"reference":"c1","idempotencyKey":"k","ttlSeconds":0,"lines":[{"productId":"a","quantity":1},{"productId":"b","quantity":"2"}]})");
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/1/quantity: expected integer"), r.error().message);
  }
  void fractionalMoneyIsRejected() {
    auto r = decode<Money>(R"({"amountMinor":12.5,"currency":"USD"})");
    CPPUNIT_ASSERT_EQUAL(std::string("/amountMinor: expected integer"), r.error().message);
  }
  void unknownFieldsAreIgnoredForForwardCompatibility() {
    auto r = decode<Money>(R"({"amountMinor":1,"currency":"USD","addedInAbi17":true})");
    CPPUNIT_ASSERT(r.ok());
  }
  void strictParserRejectsDuplicatesAndTrailingData() {
    CPPUNIT_ASSERT(!decode<Money>(R"({"amountMinor":1,"amountMinor":2,"currency":"USD"})").ok());
    CPPUNIT_ASSERT(!decode<Money>(R"({"amountMinor":1,"currency":"USD"} x)").ok());
    auto r = decode<Money>("{nope");
    CPPUNIT_ASSERT(r.error().message.rfind("malformed JSON", 0) == 0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodecTest);
