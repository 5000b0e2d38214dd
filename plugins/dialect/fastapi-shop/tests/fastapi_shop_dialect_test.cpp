// The FastAPI dialect's own answers (no core needed): health and _info,
// FastAPI's 401 words, pydantic's 422 bodies, Python's JSON bytes, the
// order.created message and the payment messages it reads.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {
using orders::sdk::testing::dialectRequest;
DialectRequest requestFor(const std::string &method, const std::string &route) { return dialectRequest(method, route); }
} // namespace

class FastApiShopDialectTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FastApiShopDialectTest);
  CPPUNIT_TEST(routesHealthAndInfo);
  CPPUNIT_TEST(authErrorsInFastApisWords);
  CPPUNIT_TEST(badAddressesArePydantic422s);
  CPPUNIT_TEST(nonIntegerOrderIdIs422);
  CPPUNIT_TEST(orderCreatedIsWhatPythonSends);
  CPPUNIT_TEST(paymentMessagesBecomePaymentEvents);
  CPPUNIT_TEST_SUITE_END();

  PluginHarness h{orders_plugin_descriptor_v1()};
  const orders_dialect_v1_t *t = nullptr;

  Result<DialectResponse> call(const DialectRequest &r, const std::string &body = "") {
    return h.call<DialectResponse>(t->handle, r, body);
  }
  Result<ParsedEvent> parse(const std::string &value) {
    InboundMessage m;
    m.source = "kafka";
    m.topic = "payment.events";
    return h.call<ParsedEvent>(t->parse_event, m, value);
  }

public:
  void setUp() override {
    Status s = h.createWithDefaults(); // the schema's defaults, as the host fills them
    CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
    t = h.table<orders_dialect_v1_t>();
  }

  void routesHealthAndInfo() {
    auto spec = h.call<DialectSpec>(t->routes, Empty{});
    CPPUNIT_ASSERT(spec.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(5), spec->routes.size());
    for (const char *route : {"/health", "/order/health"}) {
      auto r = call(requestFor("GET", route));
      CPPUNIT_ASSERT_EQUAL(int64_t(200), r->status);
      CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"ok"})"), r->body);
      CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r->contentType);
    }
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"service":"order","version":"0.1.0"})"),
                         call(requestFor("GET", "/v1/_info"))->body);
  }

  void authErrorsInFastApisWords() {
    auto r = requestFor("POST", "/order/v1/orders/checkout");
    r.authError = "credentials required";
    auto none = call(r, "{}");
    CPPUNIT_ASSERT_EQUAL(int64_t(401), none->status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Not authenticated"})"), none->body);
    r.authError = "jwt: signature mismatch";
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Invalid token"})"), call(r, "{}")->body);
    r.authError = "jwt: token type 'refresh' rejected (access tokens only)";
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":"Invalid access token"})"), call(r, "{}")->body);
  }

  void badAddressesArePydantic422s() {
    auto r = requestFor("POST", "/order/v1/orders/checkout");
    r.principal = CallerPrincipal{"cust@example.com", "buyer", std::nullopt, std::string("cust@example.com"), "jwt"};
    auto missing = call(r, R"({"address_line1":"1 Demo Street","city":"Dublin","country":"IE"})");
    CPPUNIT_ASSERT_EQUAL(int64_t(422), missing->status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":[{"type":"missing","loc":["body","postcode"],"msg":"Field required",)"
                                     R"("input":{"address_line1":"1 Demo Street","city":"Dublin","country":"IE"}}]})"),
                         missing->body);
    auto typed = call(r, R"({"address_line1":1,"address_line2":null,"city":"D","country":"IE","postcode":"X"})");
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            R"({"detail":[{"type":"string_type","loc":["body","address_line1"],"msg":"Input should be a valid string",)"
            R"("input":1}]})"),
        typed->body);
    auto broken = call(r, "{nope");
    CPPUNIT_ASSERT_EQUAL(int64_t(422), broken->status);
    CPPUNIT_ASSERT(broken->body.find(R"("type":"json_invalid")") != std::string::npos);
    auto empty = call(r, "");
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})"),
        empty->body);
  }

  void nonIntegerOrderIdIs422() {
    auto r = requestFor("GET", "/order/v1/orders/:order_id");
    r.params["order_id"] = "abc";
    auto refused = call(r);
    CPPUNIT_ASSERT_EQUAL(int64_t(422), refused->status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"detail":[{"type":"int_parsing","loc":["path","order_id"],)"
                                     R"("msg":"Input should be a valid integer, unable to parse string as an )"
                                     R"(integer","input":"abc"}]})"),
                         refused->body);
  }

  void orderCreatedIsWhatPythonSends() {
    EventToEncode e;
    e.format = "order_created";
    e.type = "order.created";
    e.event = parseJson(R"({"id":"ev-1","type":"order.created","occurredAt":"2026-12-06T10:00:00.000Z",)"
                        R"("orderId":"u-1","data":{"id":"u-1","numericId":123,"userId":"cust@example.com",)"
                        R"("customer":{"id":"cust@example.com","email":"cust@example.com"},"totalMinor":25998,)"
                        R"("currency":"USD","items":[{"productId":"1","quantity":2,"unitPriceMinor":12999},)"
                        R"({"productId":"sku-9","quantity":1,"unitPriceMinor":0}]}})");
    auto out = h.call<EncodedEvent>(t->encode_event, e);
    CPPUNIT_ASSERT_MESSAGE(out.ok() ? "" : out.error().message, out.ok());
    CPPUNIT_ASSERT(out->publish);
    CPPUNIT_ASSERT_EQUAL(std::string("123"), out->key.value());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"type": "order.created", "order_id": 123, "user_email": "cust@example.com", )"
                                     R"("amount_cents": 25998, "items": [{"product_id": 1, "qty": 2, )"
                                     R"("unit_price_cents": 12999}, {"product_id": "sku-9", "qty": 1, )"
                                     R"("unit_price_cents": 0}]})"),
                         out->value);
    e.type = "order.paid";
    CPPUNIT_ASSERT(!h.call<EncodedEvent>(t->encode_event, e)->publish);
  }

  void paymentMessagesBecomePaymentEvents() {
    auto paid = parse(R"({"type": "payment.succeeded", "order_id": 123, "amount_cents": 25998, "currency": "USD"})");
    CPPUNIT_ASSERT_MESSAGE(paid.ok() ? "" : paid.error().message, paid.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), paid->outcome);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), paid->event->type);
    CPPUNIT_ASSERT_EQUAL(std::string("123"), paid->event->orderId.value());
    CPPUNIT_ASSERT(paid->event->eventId.empty()); // the host derives it
    CPPUNIT_ASSERT_EQUAL(int64_t(25998), paid->event->amount->amountMinor);

    auto doc = parse(R"({"type": "payment.succeeded", "order_id": "7", "amount": 500})"); // the stack document's shape
    CPPUNIT_ASSERT_EQUAL(std::string("7"), doc->event->orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), doc->event->amount->currency);

    auto bare = parse(R"({"type": "payment.succeeded", "order_id": 7})");
    CPPUNIT_ASSERT(!bare->event->amount.has_value());
    CPPUNIT_ASSERT(bare->event->amountNotReported.value_or(false));

    CPPUNIT_ASSERT_EQUAL(std::string("ignored"), parse(R"({"type": "shipping.ready", "order_id": 7})")->outcome);
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), parse(R"({"type": "payment.failed", "order_id": 7})")->event->type);
    auto bad = parse(R"({"type": "payment.succeeded", "order_id": "x"})");
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT(bad.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!parse("not json").ok());
    // Integers beyond int64 are malformed, not an exception (found by fuzz.provider_events: "plugin threw").
    for (const char *beyond :
         {R"({"type": "payment.succeeded", "order_id": 18446744073709551615})",
          R"({"type": "payment.succeeded", "order_id": 1e19})",
          R"({"type": "payment.succeeded", "order_id": 7, "amount_cents": 9223372036854775808})"}) {
      auto r = parse(beyond);
      CPPUNIT_ASSERT_MESSAGE(beyond, !r.ok() && r.error().code == ErrorCode::invalid_argument);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FastApiShopDialectTest);
