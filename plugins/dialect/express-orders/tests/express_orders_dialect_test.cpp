// The Express dialect's own answers (no core needed): health, its 401 and
// 400 words, the nine status words and money units, and the seven order.*
// events.
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

class ExpressOrdersDialectTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ExpressOrdersDialectTest);
  CPPUNIT_TEST(routesAndHealth);
  CPPUNIT_TEST(authAndBodyErrors);
  CPPUNIT_TEST(othersOrdersAreForbidden);
  CPPUNIT_TEST(lifecycleEventsInTheServicesWords);
  CPPUNIT_TEST_SUITE_END();

  PluginHarness h{orders_plugin_descriptor_v1()};
  const orders_dialect_v1_t *t = nullptr;

  Result<DialectResponse> call(const DialectRequest &r, const std::string &body = "") {
    return h.call<DialectResponse>(t->handle, r, body);
  }
  static std::string errorOf(const Result<DialectResponse> &r) { return parseJson(r->body)["error"].asString(); }

public:
  void setUp() override {
    Status s = h.createWithDefaults(); // the schema's defaults, as the host fills them
    CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
    t = h.table<orders_dialect_v1_t>();
  }

  void routesAndHealth() {
    auto spec = h.call<DialectSpec>(t->routes, Empty{});
    CPPUNIT_ASSERT(spec.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(7), spec->routes.size());
    auto health = call(requestFor("GET", "/health"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"service":"order-service","status":"healthy"})"), health->body);
  }

  void authAndBodyErrors() {
    auto r = requestFor("POST", "/api/v1/orders");
    r.authError = "credentials required";
    CPPUNIT_ASSERT_EQUAL(int64_t(401), call(r, "{}")->status);
    CPPUNIT_ASSERT_EQUAL(std::string("Authentication required"), errorOf(call(r, "{}")));
    r.authError = "jwt: expired";
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid or expired token"), errorOf(call(r, "{}")));
    r.authError.reset();
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid JSON body"), errorOf(call(r, "{nope")));
    CPPUNIT_ASSERT_EQUAL(std::string("items must be a non-empty array"), errorOf(call(r, R"({"items":[]})")));
    CPPUNIT_ASSERT_EQUAL(std::string("items[0].quantity must be a positive integer"),
                         errorOf(call(r, R"({"items":[{"productId":"p1","quantity":0}]})")));
    // Past int64 (JsonCpp's isIntegral() admits them, asInt64() throws): a 400 naming the field, never a 500.
    for (const char *quantity : {"9223372036854775808", "18446744073709551615", "1e19", "1.5", "true", "\"2\""})
      CPPUNIT_ASSERT_EQUAL(
          std::string("items[0].quantity must be a positive integer"),
          errorOf(call(r, std::string(R"({"items":[{"productId":"p1","quantity":)") + quantity + "}]}")));
    CPPUNIT_ASSERT_EQUAL(std::string("items[0].productId is required"),
                         errorOf(call(r, R"({"items":[{"productId":1e300,"quantity":1}]})")));
    CPPUNIT_ASSERT_EQUAL(
        std::string("shippingAddress.line1 is required"),
        errorOf(call(r, R"({"items":[{"productId":"p1","quantity":1}],"shippingAddress":{"city":"X"}})")));
    auto s = requestFor("PUT", "/api/v1/orders/:orderId/status");
    s.params["orderId"] = "o-1";
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid status: awaiting_payment"),
                         errorOf(call(s, R"({"status":"awaiting_payment"})"))); // the core's word is not the service's
    CPPUNIT_ASSERT_EQUAL(std::string("status is required"), errorOf(call(s, "{}")));
  }

  void othersOrdersAreForbidden() {
    auto r = requestFor("GET", "/api/v1/orders/user/:userId");
    r.params["userId"] = "u-2";
    auto refused = call(r);
    CPPUNIT_ASSERT_EQUAL(int64_t(403), refused->status);
    CPPUNIT_ASSERT_EQUAL(std::string("You can only view your own orders"), errorOf(refused));
  }

  void lifecycleEventsInTheServicesWords() {
    EventToEncode e;
    e.format = "order_lifecycle";
    e.type = "order.paid";
    e.event = parseJson(R"({"id":"ev-1","type":"order.paid","occurredAt":"2026-12-06T10:00:00.000Z","orderId":"o-1",)"
                        R"("data":{"id":"o-1","orderNumber":"ORD-1","userId":"u-1","status":"paid",)"
                        R"("fromStatus":"awaiting_payment","subtotalMinor":2598,"shippingMinor":0,"totalMinor":2598,)"
                        R"("currency":"USD","items":[{"productId":"p1","quantity":2,"unitPriceMinor":1299}]}})");
    auto out = h.call<EncodedEvent>(t->encode_event, e);
    CPPUNIT_ASSERT_MESSAGE(out.ok() ? "" : out.error().message, out.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("order.payment_successful"), out->type.value());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), out->key.value());
    const Json::Value v = parseJson(out->value);
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), v["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("payment_pending"), v["previousStatus"].asString());
    CPPUNIT_ASSERT_EQUAL(25.98, v["total"].asDouble());
    CPPUNIT_ASSERT_EQUAL(12.99, v["items"][0]["unitPrice"].asDouble());
    e.type = "order.refunded";
    CPPUNIT_ASSERT_EQUAL(std::string("order.status_changed"), h.call<EncodedEvent>(t->encode_event, e)->type.value());
    e.type = "order.refund_required";
    CPPUNIT_ASSERT(!h.call<EncodedEvent>(t->encode_event, e)->publish);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ExpressOrdersDialectTest);
