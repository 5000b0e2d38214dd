// LAKOO's wire shapes from canonical orders: decimals as Prisma prints them,
// Prisma field order, status words both ways, validators.
#include <cppunit/extensions/HelperMacros.h>

#include "lakoo_shapes.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::plugins::dialect::lakoo;

namespace {

Vocabulary lakooDefaults() {
  return Vocabulary({{"confirmed", "processing"}, {"in_transit", "shipped"}}, {{"payment_failed", "pending"}}, {});
}

Json::Value canonicalOrder() {
  return orders::sdk::parseJson(R"({"id":"5f0c0000-0000-4000-8000-000000000001","orderNumber":"ORD-20260203-K3J9XQ2",
    "userId":"u-1","sellerId":"s-1","status":"awaiting_payment","currency":"IDR","subtotalMinor":300000,
    "shippingMinor":15000,"totalMinor":315000,"shippingAddress":{"name":"Budi","line1":"Jl. Sudirman 1","city":"Jakarta",
    "region":"DKI Jakarta","country":"ID","phone":"0812"},"customer":null,"createdAt":"2026-02-03T10:00:00.123Z",
    "updatedAt":"2026-02-03T10:00:01Z","items":[{"productId":"p-1","sellerId":"s-1","title":"Kaos","quantity":2,
    "unitPriceMinor":150000,"lineTotalMinor":300000}],"shipments":[]})");
}

} // namespace

class LakooShapesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LakooShapesTest);
  CPPUNIT_TEST(orderBodyHasPrismaFieldsDecimalsAndStatusWord);
  CPPUNIT_TEST(statusWordsMapBothWays);
  CPPUNIT_TEST(decimalsFollowTheCurrencyExponent);
  CPPUNIT_TEST(envelopesAndValidationDetails);
  CPPUNIT_TEST(validators);
  CPPUNIT_TEST_SUITE_END();

public:
  void orderBodyHasPrismaFieldsDecimalsAndStatusWord() {
    const Json::Value o = orderBody(canonicalOrder(), lakooDefaults(), "Indonesia");
    const std::vector<std::string> keys = o.getMemberNames();
    CPPUNIT_ASSERT_EQUAL(std::string("seller"), o["orderSource"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("300000"), o["subtotal"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("15000"), o["shippingCost"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("315000"), o["totalAmount"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Jl. Sudirman 1"), o["shippingStreet"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("DKI Jakarta"), o["shippingProvince"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("-"), o["shippingPostalCode"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Indonesia"), o["shippingCountry"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Budi"), o["customerName"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), o["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-02-03T10:00:01.000Z"), o["updatedAt"].asString());
    CPPUNIT_ASSERT(o["paidAt"].isNull() && o["deletedAt"].isNull() && o.isMember("couponCode"));
    CPPUNIT_ASSERT_EQUAL(std::string("150000"), o["items"][0]["unitPrice"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("seller_product"), o["items"][0]["itemType"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Kaos"), o["items"][0]["snapshotProductName"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(51), o.size()); // every column of LAKOO's Order model, plus items
    CPPUNIT_ASSERT(!orderBody(canonicalOrder(), lakooDefaults(), "Indonesia", false).isMember("items"));
  }
  void statusWordsMapBothWays() {
    const Vocabulary v = lakooDefaults();
    CPPUNIT_ASSERT_EQUAL(std::string("processing"), v.toCore("confirmed").value());
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), v.toCore("paid").value());
    CPPUNIT_ASSERT(!v.toCore("partially_refunded"));
    CPPUNIT_ASSERT(!v.toCore("payment_pending"));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), v.fromCore("payment_failed"));
    CPPUNIT_ASSERT_EQUAL(std::string("shipped"), v.fromCore("shipped"));
    CPPUNIT_ASSERT_EQUAL(size_t(14), lakooStatuses().size());
  }
  void decimalsFollowTheCurrencyExponent() {
    const Vocabulary v({}, {}, {{"XTS", 3}});
    CPPUNIT_ASSERT_EQUAL(std::string("150000"), v.major(150000, "IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("19.5"), v.major(1950, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("1.25"), v.major(1250, "XTS"));
  }
  void envelopesAndValidationDetails() {
    // JSON objects: compared as values (JsonCpp writes keys sorted; no JSON reader cares).
    CPPUNIT_ASSERT(orders::sdk::parseJson(R"({"success":true,"message":"Order cancelled","data":1})") ==
                   success(Json::Value(1), std::string("Order cancelled")));
    CPPUNIT_ASSERT(orders::sdk::parseJson(R"({"success":false,"error":"Order not found"})") ==
                   failure("Order not found"));
    CPPUNIT_ASSERT(
        orders::sdk::parseJson(
            R"({"success":false,"error":"Validation failed","details":[{"field":"id","message":"Invalid value"}]})") ==
        validationFailure({{"id", "Invalid value"}}));
  }
  void validators() {
    CPPUNIT_ASSERT(isUuid("5f0c0000-0000-4000-8000-000000000001"));
    CPPUNIT_ASSERT(!isUuid("5f0c0000-0000-4000-8000-00000000000"));
    CPPUNIT_ASSERT(!isUuid("order-1"));
    CPPUNIT_ASSERT(isIso8601("2026-02-03") && isIso8601("2026-02-03T10:00:00Z") &&
                   isIso8601("2026-02-03T10:00:00.5+07:00"));
    CPPUNIT_ASSERT(!isIso8601("yesterday"));
    CPPUNIT_ASSERT(isZodDatetime("2026-02-03T10:00:00.000Z"));
    CPPUNIT_ASSERT(!isZodDatetime("2026-02-03T10:00:00+07:00"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LakooShapesTest);
