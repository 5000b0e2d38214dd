// The SDK's helpers every connector needs (orders/sdk/crypto.hpp,
// money.hpp, json_pointer.hpp): published test vectors and edge cases.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/money.hpp"

using namespace orders::sdk;

class SdkHelpersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SdkHelpersTest);
  CPPUNIT_TEST(sha256MatchesFips180Vectors);
  CPPUNIT_TEST(hmacMatchesRfc4231Vectors);
  CPPUNIT_TEST(constantTimeEqualsComparesWholeInputs);
  CPPUNIT_TEST(moneyConvertsExactly);
  CPPUNIT_TEST(jsonPointerFollowsRfc6901);
  CPPUNIT_TEST(moneyRescalesExactlyOrSaysWhy);
  CPPUNIT_TEST(configOptionsNameTheKey);
  CPPUNIT_TEST(dialectHelpers);
  CPPUNIT_TEST_SUITE_END();

public:
  void sha256MatchesFips180Vectors() {
    CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                         crypto::sha256Hex(""));
    CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                         crypto::sha256Hex("abc"));
    CPPUNIT_ASSERT_EQUAL(std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
                         crypto::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    CPPUNIT_ASSERT_EQUAL(std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
                         crypto::sha256Hex(std::string(1000000, 'a')));
    CPPUNIT_ASSERT_EQUAL(size_t(32), crypto::sha256("x").size());
  }

  void hmacMatchesRfc4231Vectors() {
    // Test cases 1, 2 and 6 (a key longer than one block), and an empty key.
    CPPUNIT_ASSERT_EQUAL(std::string("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                         crypto::hmacSha256Hex(std::string(20, '\x0b'), "Hi There"));
    CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                         crypto::hmacSha256Hex("Jefe", "what do ya want for nothing?"));
    CPPUNIT_ASSERT_EQUAL(
        std::string("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        crypto::hmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"));
    CPPUNIT_ASSERT_EQUAL(std::string("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
                         crypto::hmacSha256Hex("", ""));
  }

  void constantTimeEqualsComparesWholeInputs() {
    CPPUNIT_ASSERT(crypto::constantTimeEquals("secret", "secret"));
    CPPUNIT_ASSERT(crypto::constantTimeEquals("", ""));
    CPPUNIT_ASSERT(!crypto::constantTimeEquals("secret", "secreT"));
    CPPUNIT_ASSERT(!crypto::constantTimeEquals("secret", "secret2"));
    CPPUNIT_ASSERT(!crypto::constantTimeEquals("secret", ""));
    CPPUNIT_ASSERT(!crypto::constantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
    CPPUNIT_ASSERT_EQUAL(std::string("00ff10"), crypto::hex(std::string("\x00\xff\x10", 3)));
  }

  void moneyConvertsExactly() {
    CPPUNIT_ASSERT_EQUAL(std::string("19.99"), minorToMajor(1999, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("20"), minorToMajor(2000, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("0.05"), minorToMajor(5, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("150000"), minorToMajor(150000, 0));
    int64_t minor = 0;
    CPPUNIT_ASSERT(decimalToMinor("19.99", 2, minor) == DecimalError::none && minor == 1999);
    CPPUNIT_ASSERT(decimalToMinor("1.5e3", 0, minor) == DecimalError::none && minor == 1500);
    CPPUNIT_ASSERT(decimalToMinor("0.001", 2, minor) == DecimalError::too_precise);
    CPPUNIT_ASSERT(decimalToMinor("-1", 2, minor) == DecimalError::negative);
    CPPUNIT_ASSERT(decimalToMinor("1e30", 2, minor) == DecimalError::too_large);
    CPPUNIT_ASSERT(decimalToMinor("12abc", 2, minor) == DecimalError::malformed);
    // The text as written, not a double's rounding of it.
    const std::string body = R"({"amount": 0.30000000000000004})";
    const Json::Value v = parseJson(body);
    CPPUNIT_ASSERT_EQUAL(std::string("0.30000000000000004"), numberText(v["amount"], body));
  }

  void jsonPointerFollowsRfc6901() {
    const Json::Value doc = parseJson(R"({"data":{"items":[{"id":"a"}]},"a/b":{"c~d":1}})");
    auto items = JsonPointer::parse("/data/items/0/id");
    CPPUNIT_ASSERT(items.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("a"), items->find(doc)->asString());
    auto escaped = JsonPointer::parse("/a~1b/c~0d");
    CPPUNIT_ASSERT(escaped.has_value() && escaped->find(doc) != nullptr && escaped->find(doc)->asInt() == 1);
    CPPUNIT_ASSERT(JsonPointer::parse("/data/missing")->find(doc) == nullptr);
    CPPUNIT_ASSERT(!JsonPointer::parse("no-slash").has_value());
    CPPUNIT_ASSERT(!JsonPointer::parse("/bad~2").has_value());
  }

  void moneyRescalesExactlyOrSaysWhy() {
    int64_t out = 0;
    CPPUNIT_ASSERT(rescaleMinor(1999, 2, 3, out) == RescaleError::none);
    CPPUNIT_ASSERT_EQUAL(int64_t(19990), out);
    CPPUNIT_ASSERT(rescaleMinor(19990, 3, 2, out) == RescaleError::none);
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), out);
    CPPUNIT_ASSERT(rescaleMinor(150000, 0, 0, out) == RescaleError::none);
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), out);
    CPPUNIT_ASSERT(rescaleMinor(-250, 2, 1, out) == RescaleError::none); // a refund's negative amount
    CPPUNIT_ASSERT_EQUAL(int64_t(-25), out);
    CPPUNIT_ASSERT(rescaleMinor(-250, 2, 0, out) == RescaleError::too_precise);
    CPPUNIT_ASSERT(rescaleMinor(150, 2, 0, out) == RescaleError::too_precise);
    CPPUNIT_ASSERT(rescaleMinor(int64_t(1) << 62, 0, 3, out) == RescaleError::too_large);
    CPPUNIT_ASSERT(rescaleMinor(-(int64_t(1) << 62), 0, 3, out) == RescaleError::too_large);
    CPPUNIT_ASSERT(isCurrencyCode("IDR"));
    CPPUNIT_ASSERT(!isCurrencyCode("idr"));
    CPPUNIT_ASSERT(!isCurrencyCode("RUPIAH"));
  }

  void configOptionsNameTheKey() {
    auto url = baseUrlOption("base_url", "https://catalog.test/api//");
    CPPUNIT_ASSERT(url.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("https://catalog.test/api"), url.value());
    auto bad_url = baseUrlOption("base_url", "catalog.test");
    CPPUNIT_ASSERT(!bad_url.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("base_url: expected an http:// or https:// URL, got 'catalog.test'"),
                         bad_url.error().message);

    CPPUNIT_ASSERT_EQUAL(std::string("/v1/{id}"), pathOption("p", "/v1/{id}", {"{id}"}).value());
    CPPUNIT_ASSERT_EQUAL(std::string("p: 'v1/{id}' must start with /"), pathOption("p", "v1/{id}").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("/v1/{id}"), pathOption("p", "v1/{id}", {}, PathRule{false, true}).value());
    CPPUNIT_ASSERT_EQUAL(std::string("p: must contain {paymentId} or {orderId}"),
                         pathOption("p", "/v1/refunds", {"{paymentId}", "{orderId}"}).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("/v1/{orderId}"),
                         pathOption("p", "/v1/{orderId}", {"{paymentId}", "{orderId}"}).value());
    CPPUNIT_ASSERT_EQUAL(std::string(""), pathOption("p", "", {"{id}"}, PathRule{true, false}).value());
    CPPUNIT_ASSERT(!pathOption("p", "").ok());

    CPPUNIT_ASSERT(pointerOption("k", "").value().isRoot());
    CPPUNIT_ASSERT_EQUAL(std::string("k: 'items' is not a JSON pointer (\"\" or \"/a/b\")"),
                         pointerOption("k", "items").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("k: '' is not a JSON pointer to a field (\"/id\", \"/data/id\")"),
                         fieldPointerOption("k", "").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("/data/id"), fieldPointerOption("k", "/data/id").value().text());
    CPPUNIT_ASSERT(!optionalFieldPointerOption("k", "").value().has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("/id"), optionalFieldPointerOption("k", "/id").value()->text());
    CPPUNIT_ASSERT(!optionalFieldPointerOption("k", "/a~2").ok());
  }

  void dialectHelpers() {
    const DialectResponse r = jsonError(404, "order not found");
    CPPUNIT_ASSERT_EQUAL(int64_t(404), r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"order not found"})"), r.body);
    CPPUNIT_ASSERT(isUuid("5f0c0000-0000-4000-8000-00000000000A"));
    CPPUNIT_ASSERT(!isUuid("5f0c0000-0000-4000-8000-00000000000g"));
    CPPUNIT_ASSERT(!isUuid("5f0c00000000-4000-8000-000000000001-"));
    CPPUNIT_ASSERT(!isUuid(""));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdkHelpersTest);
