// The Go dialect's own answers (no core needed): routes, health, gin's
// error words for auth and bodies, and the ORDER_CONFIRMED event.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {
using orders::sdk::testing::dialectRequest;
DialectRequest requestFor(const std::string &method, const std::string &route) { return dialectRequest(method, route); }
CallerPrincipal as(const std::string &role) { return CallerPrincipal{"u-1", role, std::nullopt, std::nullopt, "jwt"}; }
} // namespace

class GoOrdersDialectTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GoOrdersDialectTest);
  CPPUNIT_TEST(routesAndHealth);
  CPPUNIT_TEST(authErrorsInTheMiddlewaresWords);
  CPPUNIT_TEST(accountTypesPerRoute);
  CPPUNIT_TEST(cartBodyIsValidatedAsGinDoes);
  CPPUNIT_TEST(orderConfirmedEvent);
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
    CPPUNIT_ASSERT_EQUAL(size_t(9), spec->routes.size());
    auto health = call(requestFor("GET", "/health"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"healthy"})"), health->body);
    auto openapi = call(requestFor("GET", "/api-docs/openapi.json"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), openapi->contentType);
    CPPUNIT_ASSERT(parseJson(openapi->body)["paths"].isMember("/api/orders/{id}/invoice"));
  }
  void authErrorsInTheMiddlewaresWords() {
    auto r = requestFor("POST", "/internal/orders");
    r.authError = "credentials required";
    CPPUNIT_ASSERT_EQUAL(std::string("Missing Authorization header"), errorOf(call(r)));
    r.authError = "internal_token: invalid bearer token";
    CPPUNIT_ASSERT_EQUAL(int64_t(401), call(r)->status);
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid internal API token"), errorOf(call(r)));
    auto j = requestFor("GET", "/api/orders/:id");
    j.authError = "jwt: expired";
    CPPUNIT_ASSERT_EQUAL(std::string("Invalid or expired JWT token: expired"), errorOf(call(j)));
    j.authError = "jwt: no signing key with kid 'k' (signing keys unavailable: GET x answered 503)";
    CPPUNIT_ASSERT_EQUAL(int64_t(500), call(j)->status);
    CPPUNIT_ASSERT_EQUAL(std::string("Failed to fetch JWKS"), errorOf(call(j)));
  }
  void accountTypesPerRoute() {
    auto r = requestFor("GET", "/api/orders/:id/invoice");
    r.principal = as("seller");
    r.params["id"] = "3f2c0000-0000-4000-8000-0000000000aa";
    auto refused = call(r);
    CPPUNIT_ASSERT_EQUAL(int64_t(403), refused->status);
    CPPUNIT_ASSERT_EQUAL(std::string("Access denied. Account type 'SELLER' is not allowed. Required: [BUYER ADMIN]"),
                         errorOf(refused));
    auto bad_id = requestFor("GET", "/api/orders/:id");
    bad_id.principal = as("buyer");
    bad_id.params["id"] = "abc";
    CPPUNIT_ASSERT_EQUAL(std::string("invalid order ID"), errorOf(call(bad_id)));
  }
  void cartBodyIsValidatedAsGinDoes() {
    auto r = requestFor("POST", "/internal/orders");
    r.principal = as("internal");
    auto missing = call(r, R"({"cart_id":"11111111-1111-4111-8111-111111111111","items":[]})");
    CPPUNIT_ASSERT_EQUAL(int64_t(400), missing->status);
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            "Key: 'CreateOrderRequest.BuyerID' Error:Field validation for 'BuyerID' failed on the 'required' tag"),
        errorOf(missing));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid UUID length: 3"),
                         errorOf(call(r, R"({"cart_id":"abc","buyer_id":"b","items":[]})")));
  }
  void orderConfirmedEvent() {
    EventToEncode e;
    e.format = "order_confirmed";
    e.type = "order.paid";
    e.event = parseJson(R"({"id":"ev-1","type":"order.paid","occurredAt":"2026-12-06T10:00:00.120Z","orderId":"o-1",
      "data":{"id":"o-1","userId":"b-1","totalMinor":5998,"currency":"CAD","paymentReference":"pay-1","status":"paid"}})");
    auto encoded = h.call<EncodedEvent>(t->encode_event, e);
    CPPUNIT_ASSERT(encoded.ok() && encoded->publish);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), encoded->key.value_or(""));
    CPPUNIT_ASSERT(parseJson(R"({"eventId":"ev-1","orderId":"o-1","buyerId":"b-1","paymentId":"pay-1","totalCents":5998,
      "currency":"CAD","createdAt":"2026-12-06T10:00:00.12Z","type":"ORDER_CONFIRMED"})") == parseJson(encoded->value));
    e.type = "order.shipped";
    CPPUNIT_ASSERT(!h.call<EncodedEvent>(t->encode_event, e)->publish);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GoOrdersDialectTest);
