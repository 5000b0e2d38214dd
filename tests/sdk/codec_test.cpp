#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>

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
  CPPUNIT_TEST(writeJsonWritesTheBytesOfJsonCppsWriter);
  CPPUNIT_TEST(encodeWritesTheValueToJsonBuilds);
  CPPUNIT_TEST(mapEntriesAndNestedArraysAreNamedInErrors);
  CPPUNIT_TEST(readerDecodesEscapesNumbersAndSpaceAsJsonCppDid);
  CPPUNIT_TEST(readerRefusesWhatTheStrictParserRefused);
  CPPUNIT_TEST(readerFindsMembersInAnyOrderUnderAnyName);
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
  // writeJson is a direct writer (no streams); API answers are its bytes, so
  // it must write exactly what JsonCpp's compact writer did.
  void writeJsonWritesTheBytesOfJsonCppsWriter() {
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    builder["emitUTF8"] = true;
    const std::unique_ptr<Json::StreamWriter> reference(builder.newStreamWriter());
    Json::Value v(Json::objectValue);
    v["text"] = std::string("quote \" back \\ slash / ctl \b\f\n\r\t \x01\x1f \x7f caf\xc3\xa9 \xe2\x80\x94 bad \xff");
    v["nul"] = std::string("a\0b", 3);
    v["key \"with\" \n"] = 1;
    v["ints"].append(Json::Int64(0));
    v["ints"].append(Json::Int64(-9223372036854775807LL - 1));
    v["ints"].append(Json::UInt64(18446744073709551615ULL));
    v["reals"].append(0.1);
    v["reals"].append(-0.0);
    v["reals"].append(1e300);
    v["reals"].append(123456789.125);
    v["reals"].append(std::numeric_limits<double>::quiet_NaN());
    v["reals"].append(std::numeric_limits<double>::infinity());
    v["reals"].append(-std::numeric_limits<double>::infinity());
    v["empty"]["array"] = Json::Value(Json::arrayValue);
    v["empty"]["object"] = Json::Value(Json::objectValue);
    v["empty"]["string"] = "";
    v["bools"].append(true);
    v["bools"].append(false);
    v["null"] = Json::Value();
    v["nested"][0][0]["deep"] = Json::Value(Json::arrayValue);
    for (const Json::Value &value : {v, Json::Value(), Json::Value("top"), Json::Value(7), v["reals"]}) {
      std::ostringstream expected;
      reference->write(value, &expected);
      CPPUNIT_ASSERT_EQUAL(expected.str(), writeJson(value));
    }
  }
  // encode writes visited structs directly; the text must parse to what
  // toJson builds (members in visit order instead of sorted).
  void encodeWritesTheValueToJsonBuilds() {
    DialectRequest d;
    d.callId = "c-1";
    d.method = "GET";
    d.path = "/api/orders/\"x\"";
    d.route = "/api/orders/:id";
    d.params["id"] = "tab\there";
    d.queryParams["q"] = "caf\xc3\xa9";
    d.headers["idempotency-key"] = "k";
    d.principal = CallerPrincipal{"u-1", "buyer", std::nullopt, std::string("a@b.c"), "gateway"};
    d.requestId = "r";
    const std::string text = encode(d);
    const std::string start = "{\"callId\":\"c-1\",\"method\":\"GET\",";
    CPPUNIT_ASSERT_EQUAL(start, text.substr(0, start.size()));
    CPPUNIT_ASSERT(parseJson(text) == toJson(d));
    auto back = decode<DialectRequest>(text);
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT_EQUAL(text, encode(back.value()));
    CPPUNIT_ASSERT(!back->authError);
    EventToEncode e;
    e.format = "f";
    e.type = "order.paid";
    e.event["data"]["amount"] = 12.5;
    e.event["data"]["ids"].append(Json::Int64(1) << 40);
    CPPUNIT_ASSERT(parseJson(encode(e)) == toJson(e));
    const std::vector<std::map<std::string, int64_t>> nested = {{{"a", -1}}, {}};
    CPPUNIT_ASSERT_EQUAL(std::string(R"([{"a":-1},{}])"), encode(nested));
  }
  // Paths are built only on errors now; they must name the same place.
  void mapEntriesAndNestedArraysAreNamedInErrors() {
    auto r = decode<DialectRequest>(
        R"({"callId":"c","method":"GET","path":"/","route":"/","params":{"a/b~c":7},"query":"","queryParams":{},"headers":{},"requestId":"r"})");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("/params/a~1b~0c: expected string"), r.error().message);
    auto missing = decode<DialectSpec>(
        R"({"routes":[{"method":"GET","path":"/","auth":"user","headers":[]},{"method":"GET"}],"eventFormats":[]})");
    CPPUNIT_ASSERT_EQUAL(std::string("/routes/1/path: is required"), missing.error().message);
    auto top = decode<Money>("[]");
    CPPUNIT_ASSERT_EQUAL(std::string("/: expected object"), top.error().message);
  }
  // decode reads text straight into the structs (orders/sdk/json_reader.hpp);
  // what it gives must be what JsonCpp + the Value decoder gave.
  void readerDecodesEscapesNumbersAndSpaceAsJsonCppDid() {
    auto p = decode<Party>(R"( { "id" : "a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC\ud83d\ude00\u0000z" , "name" : null } )");
    CPPUNIT_ASSERT_MESSAGE(p.ok() ? "" : p.error().message, p.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0z", 23), p->id);
    CPPUNIT_ASSERT(!p->name);
    const auto amount = [](const std::string &number) {
      return decode<Money>("{\"amountMinor\":" + number + ",\"currency\":\"X\"}");
    };
    CPPUNIT_ASSERT_EQUAL(int64_t(1000), amount("1e3")->amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(15), amount("1.5E1")->amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), amount("-0")->amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(7), amount("007")->amountMinor); // JsonCpp reads leading zeros
    CPPUNIT_ASSERT_EQUAL(std::numeric_limits<int64_t>::min(), amount("-9223372036854775808")->amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::numeric_limits<int64_t>::max(), amount("9223372036854775807")->amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("/amountMinor: expected integer in 64-bit range"),
                         amount("9223372036854775808").error().message);
    for (const char *not_integer : {"12.5", "1e19", "18446744073709551616", "-9223372036854775809", "\"1\"", "true"})
      CPPUNIT_ASSERT_EQUAL(std::string("/amountMinor: expected integer"), amount(not_integer).error().message);
    EventToEncode e; // a Json::Value member may be any value, scalars too
    auto scalar = decode<EventToEncode>(R"({"format":"f","type":"t","event":7})");
    CPPUNIT_ASSERT(scalar.ok());
    CPPUNIT_ASSERT_EQUAL(7, scalar->event.asInt());
    auto nested = decode<EventToEncode>(R"({"format":"f","type":"t","event":{"a":[1,{"b":null}],"c":"\u00e9"}})");
    CPPUNIT_ASSERT(nested.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":[1,{\"b\":null}],\"c\":\"\xc3\xa9\"}"), writeJson(nested->event));
    CPPUNIT_ASSERT(decode<Party>("").error().message == "/id: is required"); // empty text is {}
  }
  void readerRefusesWhatTheStrictParserRefused() {
    const std::string deep = R"({"id":"a","x":)" + std::string(1100, '[') + std::string(1100, ']') + "}";
    for (const std::string &text :
         {std::string(R"({"id":"a"} x)"), std::string(R"({"id":"a","id":"b"})"),
          std::string(R"({"id":"a","x":{"k":1,"k":2}})"), std::string(R"({"id":"a",})"), std::string(R"({"id":'a'})"),
          std::string(R"({"id":"\x"})"), std::string(R"({"id":"\ud83d"})"), std::string(R"({"id":"\u12"})"),
          std::string(R"({"id":"a")"), std::string(R"({"id":"a","n":NaN})"), std::string(R"({"id":"a","n":tru})"),
          std::string("\"a\""), std::string("7"), std::string("{"), deep}) {
      auto r = decode<Party>(text);
      CPPUNIT_ASSERT_MESSAGE(text, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(text + ": " + r.error().message, r.error().message.rfind("malformed JSON", 0) == 0);
      CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
      Json::Value ignored; // and JsonCpp's strict parse refused each of them too
      CPPUNIT_ASSERT_THROW_MESSAGE(text, ignored = parseJson(text), DecodeError);
    }
    // JsonCpp's strict mode let these through (a comment after a member, a
    // number ending in a point, a lone minus); JSON has none of them, and no
    // writer of SDK messages makes them.
    for (const char *text : {R"({"id":"a" /* c */})", R"({"id":"a","n":1.})", R"({"id":"a","n":-})"})
      CPPUNIT_ASSERT_MESSAGE(text, !decode<Party>(text).ok());
  }
  // The reader looks for the next field after the member the last one took
  // (writers keep visit order), keeps up to 16 members without allocating
  // and views names without escapes in the text: members in any order, names
  // with escapes and objects of many members must read as JsonCpp read them.
  void readerFindsMembersInAnyOrderUnderAnyName() {
    DialectRequest d;
    d.callId = "c-1";
    d.method = "GET";
    d.path = "/p";
    d.route = "/p";
    d.principal = CallerPrincipal{"u-1", "buyer", std::nullopt, std::nullopt, "gateway"};
    d.requestId = "r";
    for (int i = 0; i < 30; ++i)
      d.headers["h" + std::to_string(i)] = std::to_string(i); // a map past the 16 kept inline
    Json::Value members = parseJson(encode(d));
    std::string reversed = "{";
    const Json::Value::Members names = members.getMemberNames();
    for (auto it = names.rbegin(); it != names.rend(); ++it)
      reversed += (it == names.rbegin() ? "" : ",") + writeJson(Json::Value(*it)) + ":" + writeJson(members[*it]);
    reversed += "}";
    auto back = decode<DialectRequest>(reversed);
    CPPUNIT_ASSERT_MESSAGE(back.ok() ? "" : back.error().message, back.ok());
    CPPUNIT_ASSERT_EQUAL(encode(d), encode(back.value()));
    CPPUNIT_ASSERT_EQUAL(size_t(30), back->headers.size());

    // A name written with escapes is the name it spells, for a field and for a duplicate.
    auto escaped = decode<Party>(R"({"\u0069d":"a","n\u0061me":"b"})");
    CPPUNIT_ASSERT_MESSAGE(escaped.ok() ? "" : escaped.error().message, escaped.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("a"), escaped->id);
    CPPUNIT_ASSERT_EQUAL(std::string("b"), escaped->name.value_or(""));
    const std::string twice = R"({"id":"a","\u0069d":"b"})";
    const std::string why = decode<Party>(twice).error().message;
    CPPUNIT_ASSERT_MESSAGE(why, why.rfind("malformed JSON: duplicate member name 'id'", 0) == 0);
    Json::Value ignored;
    CPPUNIT_ASSERT_THROW(ignored = parseJson(twice), DecodeError);

    // Forty members the struct does not know, then a duplicate among them
    // (one kept inline, one on the heap).
    std::string many = R"({"id":"a")";
    for (int i = 0; i < 40; ++i)
      many += ",\"m" + std::to_string(i) + "\":[" + std::to_string(i) + "]";
    auto wide = decode<Party>(many + "}");
    CPPUNIT_ASSERT_MESSAGE(wide.ok() ? "" : wide.error().message, wide.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("a"), wide->id);
    auto dup = decode<Party>(many + R"(,"m3":0})");
    CPPUNIT_ASSERT(!dup.ok());
    CPPUNIT_ASSERT_MESSAGE(dup.error().message,
                           dup.error().message.rfind("malformed JSON: duplicate member name 'm3'", 0) == 0);
    CPPUNIT_ASSERT_THROW(ignored = parseJson(many + R"(,"m3":0})"), DecodeError);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodecTest);
