// The create_body template: typed placeholders, dropped absent values, text
// substitution, and one entry per seller.
#include <cppunit/extensions/HelperMacros.h>

#include "body_template.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::sdk;
using orders::plugins::payment::fillCreateBody;

class BodyTemplateTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BodyTemplateTest);
  CPPUNIT_TEST(placeholdersKeepTheirTypes);
  CPPUNIT_TEST(eachSellerListsTheSellersOfTheLines);
  CPPUNIT_TEST_SUITE_END();

  static PaymentRequest request() {
    PaymentRequest r;
    r.orderId = "o-1";
    r.orderNumber = "ORD-1";
    r.idempotencyKey = "o-1:1";
    r.amount = Money{150050, "USD"};
    LineItem a;
    a.sellerId = "s2";
    a.lineTotal = Money{100000, "USD"};
    LineItem b;
    b.lineTotal = Money{50050, "USD"};
    LineItem c;
    c.sellerId = "s2";
    c.lineTotal = Money{0, "USD"};
    r.items = {a, b, c};
    return r;
  }

public:
  void placeholdersKeepTheirTypes() {
    const Json::Value out = fillCreateBody(
        parseJson(R"js({"orderId":"{orderId}","userId":"{userId}","amount":"{amountMajor}","minor":"{amountMinor}",
                      "note":"Order {orderNumber} ({currency})","fixed":true})js"),
        request(), 2, "d");
    CPPUNIT_ASSERT(!out.isMember("userId")); // absent: dropped
    CPPUNIT_ASSERT(out["amount"].isDouble() && out["amount"].asDouble() == 1500.5);
    CPPUNIT_ASSERT(out["minor"].isIntegral() && out["minor"].asInt64() == 150050);
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-1 (USD)"), out["note"].asString());
    CPPUNIT_ASSERT(out["fixed"].asBool());
    PaymentRequest idr = request();
    idr.amount = Money{150000, "IDR"};
    idr.userId = "u-1";
    const Json::Value rupiah =
        fillCreateBody(parseJson(R"({"amount":"{amountMajor}","userId":"{userId}"})"), idr, 0, "");
    CPPUNIT_ASSERT(rupiah["amount"].isIntegral() && rupiah["amount"].asInt64() == 150000);
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), rupiah["userId"].asString());
  }
  void eachSellerListsTheSellersOfTheLines() {
    const Json::Value out = fillCreateBody(
        parseJson(R"({"sellerBreakdown":{"$eachSeller":{"sellerId":"{sellerId}","cents":"{sellerAmountMinor}"}}})"),
        request(), 2, "");
    CPPUNIT_ASSERT(parseJson(R"([{"sellerId":"","cents":50050},{"sellerId":"s2","cents":100000}])") ==
                   out["sellerBreakdown"]);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BodyTemplateTest);
