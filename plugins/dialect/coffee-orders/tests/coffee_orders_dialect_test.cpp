// The coffee-shop dialect's own answers (no core needed): health, field
// errors for a bad order body, unknown statuses and actions, and the
// OrderCreated / PaymentSuccessful events.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {
DialectRequest requestFor(const std::string &method, const std::string &route) {
  return orders::sdk::testing::dialectRequest(method, route,
                                              CallerPrincipal{"u-1", "buyer", std::nullopt, std::nullopt, "jwt"});
}
} // namespace

class CoffeeOrdersDialectTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CoffeeOrdersDialectTest);
  CPPUNIT_TEST(routesAndHealth);
  CPPUNIT_TEST(badBodiesNameTheirFields);
  CPPUNIT_TEST(unknownStatusesAndActionsAreRefused);
  CPPUNIT_TEST(orderCreatedAndPaymentSuccessful);
  CPPUNIT_TEST_SUITE_END();

  PluginHarness h{orders_plugin_descriptor_v1()};
  const orders_dialect_v1_t *t = nullptr;

  Result<DialectResponse> call(const DialectRequest &r, const std::string &body = "") {
    return h.call<DialectResponse>(t->handle, r, body);
  }

public:
  void setUp() override {
    Status s = h.createWithDefaults(); // the schema's defaults, as the host fills them
    CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
    t = h.table<orders_dialect_v1_t>();
  }

  void routesAndHealth() {
    auto spec = h.call<DialectSpec>(t->routes, Empty{});
    CPPUNIT_ASSERT_EQUAL(size_t(6), spec->routes.size());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"service":"order-service","status":"ok"})"),
                         call(requestFor("GET", "/health"))->body);
    auto r = requestFor("GET", "/orders");
    r.authError = "credentials required";
    CPPUNIT_ASSERT_EQUAL(int64_t(401), call(r)->status);
  }

  void badBodiesNameTheirFields() {
    auto r = requestFor("POST", "/orders");
    auto refused = call(r, R"({"items":[{"productId":"bean-1","quantity":0}],"billing":{"address":{"city":"X"}}})");
    CPPUNIT_ASSERT_EQUAL(int64_t(400), refused->status);
    const Json::Value body = parseJson(refused->body);
    CPPUNIT_ASSERT_EQUAL(std::string("Validation failed"), body["message"].asString());
    CPPUNIT_ASSERT_EQUAL(3u, body["errors"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("items[0].quantity"), body["errors"][0]["field"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("shippingAddress"), body["errors"][1]["field"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("billingAddress.line1 is required"), body["errors"][2]["message"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(400), call(r, "[1]")->status);
    // Past int64 (JsonCpp's isIntegral() admits them, asInt64() throws): a 400 naming the field, never a 500.
    for (const char *quantity : {"9223372036854775808", "18446744073709551615", "1e19", "1.5", "true"}) {
      auto big = call(r, std::string(R"({"items":[{"productId":1e300,"quantity":)") + quantity + "}]}");
      CPPUNIT_ASSERT_EQUAL(int64_t(400), big->status);
      const Json::Value errors = parseJson(big->body)["errors"];
      CPPUNIT_ASSERT_EQUAL(std::string("items[0].productId"), errors[0]["field"].asString());
      CPPUNIT_ASSERT_EQUAL(std::string("items[0].quantity"), errors[1]["field"].asString());
    }
  }

  void unknownStatusesAndActionsAreRefused() {
    auto s = requestFor("PUT", "/orders/:orderId/status");
    s.params["orderId"] = "o-1";
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"message":"Unknown status: lost"})"), call(s, R"({"status":"lost"})")->body);
    auto p = requestFor("POST", "/orders/:orderId/payment");
    p.params["orderId"] = "o-1";
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"message":"action must be initiate or confirm"})"),
                         call(p, R"({"action":"refund"})")->body);
  }

  void orderCreatedAndPaymentSuccessful() {
    EventToEncode e;
    e.format = "order_events";
    e.type = "order.created";
    e.event =
        parseJson(R"({"id":"ev-1","type":"order.created","occurredAt":"2026-12-06T10:00:00.000Z","orderId":"o-1",)"
                  R"("data":{"id":"o-1","orderNumber":"ORD-1","userId":"u-1","status":"pending","totalMinor":1250,)"
                  R"("currency":"USD","customer":{"id":"u-1","email":"a@b.c"},"paymentReference":"pi_1",)"
                  R"("items":[{"productId":"bean-1","quantity":1,"unitPriceMinor":1250}]}})");
    auto created = h.call<EncodedEvent>(t->encode_event, e);
    CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("OrderCreated"), created->type.value());
    CPPUNIT_ASSERT_EQUAL(12.5, parseJson(created->value)["totalAmount"].asDouble());
    CPPUNIT_ASSERT_EQUAL(std::string("bean-1"), parseJson(created->value)["items"][0]["productId"].asString());
    e.event["type"] = "order.paid";
    e.type = "order.paid";
    auto paid = h.call<EncodedEvent>(t->encode_event, e);
    CPPUNIT_ASSERT_EQUAL(std::string("PaymentSuccessful"), paid->type.value());
    CPPUNIT_ASSERT_EQUAL(std::string("pi_1"), parseJson(paid->value)["paymentReference"].asString());
    e.event["type"] = "order.shipped";
    e.type = "order.shipped";
    CPPUNIT_ASSERT(!h.call<EncodedEvent>(t->encode_event, e)->publish);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CoffeeOrdersDialectTest);
