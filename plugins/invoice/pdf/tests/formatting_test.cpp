// invoice/pdf: money and date formatting helpers, directly.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <limits>

#include "formatting.hpp"

using namespace orders::plugins::invoice;

class InvoiceFormattingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InvoiceFormattingTest);
  CPPUNIT_TEST(exponentTable);
  CPPUNIT_TEST(groupsThousands);
  CPPUNIT_TEST(twoDecimals);
  CPPUNIT_TEST(zeroDecimals);
  CPPUNIT_TEST(threeDecimals);
  CPPUNIT_TEST(extremesAreExact);
  CPPUNIT_TEST(symbolDisplay);
  CPPUNIT_TEST(exponentOverrides);
  CPPUNIT_TEST(datesOfTimestamps);
  CPPUNIT_TEST_SUITE_END();

public:
  void exponentTable() {
    CPPUNIT_ASSERT_EQUAL(2, defaultCurrencyExponent("USD"));
    CPPUNIT_ASSERT_EQUAL(2, defaultCurrencyExponent("EUR"));
    CPPUNIT_ASSERT_EQUAL(0, defaultCurrencyExponent("JPY"));
    CPPUNIT_ASSERT_EQUAL(0, defaultCurrencyExponent("KRW"));
    CPPUNIT_ASSERT_EQUAL(0, defaultCurrencyExponent("IDR"));
    CPPUNIT_ASSERT_EQUAL(3, defaultCurrencyExponent("BHD"));
    CPPUNIT_ASSERT_EQUAL(3, defaultCurrencyExponent("KWD"));
    CPPUNIT_ASSERT_EQUAL(4, defaultCurrencyExponent("CLF"));
    CPPUNIT_ASSERT_EQUAL(2, defaultCurrencyExponent("XYZ")); // unknown: 2
  }
  void groupsThousands() {
    CPPUNIT_ASSERT_EQUAL(std::string("0"), groupThousands(0));
    CPPUNIT_ASSERT_EQUAL(std::string("999"), groupThousands(999));
    CPPUNIT_ASSERT_EQUAL(std::string("1,000"), groupThousands(1000));
    CPPUNIT_ASSERT_EQUAL(std::string("150,000"), groupThousands(150000));
    CPPUNIT_ASSERT_EQUAL(std::string("1,234,567"), groupThousands(1234567));
  }
  void twoDecimals() {
    MoneyFormatter money;
    CPPUNIT_ASSERT_EQUAL(std::string("USD 0.00"), money.format(0, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("USD 0.05"), money.format(5, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("USD 12.99"), money.format(1299, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("USD 25.98"), money.format(2598, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("EUR 1,000,000.00"), money.format(100000000, "EUR"));
    CPPUNIT_ASSERT_EQUAL(std::string("XYZ 1.00"), money.format(100, "XYZ"));
    CPPUNIT_ASSERT_EQUAL(std::string("12.99"), money.format(1299, "")); // no currency: the number alone
  }
  void zeroDecimals() {
    MoneyFormatter money;
    CPPUNIT_ASSERT_EQUAL(std::string("IDR 0"), money.format(0, "IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("IDR 150,000"), money.format(150000, "IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("JPY 1,234,567"), money.format(1234567, "JPY"));
    CPPUNIT_ASSERT_EQUAL(std::string("KRW 500"), money.format(500, "KRW"));
  }
  void threeDecimals() {
    MoneyFormatter money;
    CPPUNIT_ASSERT_EQUAL(std::string("BHD 0.000"), money.format(0, "BHD"));
    CPPUNIT_ASSERT_EQUAL(std::string("BHD 1.250"), money.format(1250, "BHD"));
    CPPUNIT_ASSERT_EQUAL(std::string("KWD 0.007"), money.format(7, "KWD"));
    CPPUNIT_ASSERT_EQUAL(std::string("KWD 123,456.789"), money.format(123456789, "KWD"));
  }
  void extremesAreExact() {
    const int64_t max = std::numeric_limits<int64_t>::max();
    CPPUNIT_ASSERT_EQUAL(std::string("92,233,720,368,547,758.07"), formatDecimal(max, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("9,223,372,036,854,775,807"), formatDecimal(max, 0));
    CPPUNIT_ASSERT_EQUAL(std::string("-92,233,720,368,547,758.08"),
                         formatDecimal(std::numeric_limits<int64_t>::min(), 2));
    CPPUNIT_ASSERT_EQUAL(std::string("-0.05"), formatDecimal(-5, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("0.0001"), formatDecimal(1, 4));
  }
  void symbolDisplay() {
    MoneyFormatter money(CurrencyDisplay::symbol, {});
    CPPUNIT_ASSERT_EQUAL(std::string("$12.99"), money.format(1299, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("€5.00"), money.format(500, "EUR"));
    CPPUNIT_ASSERT_EQUAL(std::string("¥1,500"), money.format(1500, "JPY"));
    CPPUNIT_ASSERT_EQUAL(std::string("Rp 150,000"), money.format(150000, "IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("CHF 5.00"), money.format(500, "CHF"));
    CPPUNIT_ASSERT_EQUAL(std::string("BHD 1.250"), money.format(1250, "BHD")); // no symbol known: the code
    CPPUNIT_ASSERT_EQUAL(std::string("-$5.00"), money.format(-500, "USD"));
  }
  void exponentOverrides() {
    MoneyFormatter money(CurrencyDisplay::code, {{"IDR", 2}, {"XTS", 3}});
    CPPUNIT_ASSERT_EQUAL(2, money.exponentOf("IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("IDR 1,500.00"), money.format(150000, "IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("XTS 1.000"), money.format(1000, "XTS"));
    CPPUNIT_ASSERT_EQUAL(std::string("JPY 1,500"), money.format(1500, "JPY")); // others keep the table
  }
  void datesOfTimestamps() {
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22"), displayDate("2026-11-22T10:00:00Z"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22"), displayDate("2026-11-22T23:59:59.123+07:00"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22"), displayDate("2026-11-22"));
    CPPUNIT_ASSERT_EQUAL(std::string("yesterday"), displayDate("yesterday"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), displayDate(""));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InvoiceFormattingTest);
