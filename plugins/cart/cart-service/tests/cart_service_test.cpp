// cart/cart-service through its C ABI on a FakeHost: requests, mapping,
// item validation, clear, and error mapping.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://cart.test";

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://cart.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

CartRef user(const std::string &id, std::optional<std::string> email = std::nullopt) {
  return CartRef{id, std::move(email)};
}

Result<Cart> load(PluginHarness &h, const CartRef &ref) { return h.call<Cart>(h.table<orders_cart_v1_t>()->load, ref); }

Result<Empty> clear(PluginHarness &h, const CartRef &ref) {
  return h.call<Empty>(h.table<orders_cart_v1_t>()->clear, ref);
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string cartUrl(const std::string &user_id) { return kBase + "/api/cart/" + user_id; }

} // namespace

class CartServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CartServiceTest);
  CPPUNIT_TEST(loadsTheCartWithBearerTokenAndUserHeader);
  CPPUNIT_TEST(urlEncodesUserIdAndEmailIntoTheConfiguredPath);
  CPPUNIT_TEST(wrappedShapeIsMappedByPointers);
  CPPUNIT_TEST(emptyOrNullItemsIsACartWithoutLines);
  CPPUNIT_TEST(badItemsNameTheirPointer);
  CPPUNIT_TEST(badItemInAWrappedCartNamesTheFullPointer);
  CPPUNIT_TEST(malformedAnswersAreInvalidArgument);
  CPPUNIT_TEST(notFoundUnlessMissingCartIsEmpty);
  CPPUNIT_TEST(serverAndTransportErrorsAreRetryable);
  CPPUNIT_TEST(clearSendsDeleteWithTheClearTimeout);
  CPPUNIT_TEST(clearTreatsNotFoundAsDoneAndReportsFailures);
  CPPUNIT_TEST(userHeaderAndTokenAreOptional);
  CPPUNIT_TEST(emptyUserIdIsRejectedWithoutARequest);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void loadsTheCartWithBearerTokenAndUserHeader() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("CART_TOKEN", "tok-1");
    CPPUNIT_ASSERT(h.create(config(R"("token_secret":"CART_TOKEN")")).ok());
    h.host().onHttp("GET", cartUrl("u-1"), answer(200, R"({"userId":"u-1","items":[
        {"productId":"p1","quantity":2,"sellerId":"s1","reservationId":"soft-9"},
        {"productId":42,"variantId":"red","quantity":1,"sellerId":null},
        {"productId":"p3","variantId":7,"quantity":3,"reservationId":""}]})"));
    auto r = load(h, user("u-1"));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(cartUrl("u-1"), requests[0].url);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), requests[0].headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), requests[0].headers.at("X-User-Id"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), requests[0].headers.at("Accept"));
    CPPUNIT_ASSERT(!requests[0].timeoutMs.has_value()); // the instance's http.timeout_ms

    CPPUNIT_ASSERT_EQUAL(size_t(3), r->lines.size());
    const StockLine &a = r->lines[0];
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), a.productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), a.quantity);
    CPPUNIT_ASSERT(!a.variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), a.sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("soft-9"), a.reservationId.value());
    const StockLine &b = r->lines[1];
    CPPUNIT_ASSERT_EQUAL(std::string("42"), b.productId); // integer ids become text
    CPPUNIT_ASSERT_EQUAL(std::string("red"), b.variantId.value());
    CPPUNIT_ASSERT(!b.sellerId.has_value());
    CPPUNIT_ASSERT(!b.reservationId.has_value());
    const StockLine &c = r->lines[2];
    CPPUNIT_ASSERT_EQUAL(std::string("7"), c.variantId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(3), c.quantity);
    CPPUNIT_ASSERT(!c.reservationId.has_value()); // "" = none
  }

  void urlEncodesUserIdAndEmailIntoTheConfiguredPath() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("load_path":"carts/{email}/{userId}")")).ok());
    auto r = load(h, user("u 1", std::string("a+b@x.io"))); // unscripted: the FakeHost answers 404
    CPPUNIT_ASSERT_EQUAL(kBase + "/carts/a%2Bb%40x.io/u%201", h.host().requests().at(0).url);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);

    auto without = load(h, user("u-2"));
    CPPUNIT_ASSERT(without.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(contains(without.error().message, "load_path names {email}"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size());
  }

  void wrappedShapeIsMappedByPointers() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("items_pointer":"/data/items","item_fields":{"product_id":"/product/id",
        "quantity":"/qty","reservation_id":"/softReservation/id"})"))
                       .ok());
    h.host().onHttp("GET", cartUrl("u-1"), answer(200, R"({"success":true,"data":{"items":[
        {"product":{"id":"p1"},"qty":2,"softReservation":{"id":"r-1"}},{"product":{"id":"p2"},"qty":1}]}})"));
    auto r = load(h, user("u-1"));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), r->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), r->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), r->lines[0].quantity);
    CPPUNIT_ASSERT_EQUAL(std::string("r-1"), r->lines[0].reservationId.value());
    CPPUNIT_ASSERT(!r->lines[1].reservationId.has_value());
  }

  void emptyOrNullItemsIsACartWithoutLines() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", cartUrl("e1"), answer(200, R"({"items":[]})"));
    h.host().onHttp("GET", cartUrl("e2"), answer(200, R"({"items":null})"));
    auto empty = load(h, user("e1"));
    CPPUNIT_ASSERT_MESSAGE(empty.ok() ? "" : empty.error().message, empty.ok());
    CPPUNIT_ASSERT(empty->lines.empty());
    auto null = load(h, user("e2"));
    CPPUNIT_ASSERT(null.ok());
    CPPUNIT_ASSERT(null->lines.empty());
  }

  void badItemsNameTheirPointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", cartUrl("q0"), answer(200, R"({"items":[{"productId":"a","quantity":1},
        {"productId":"b","quantity":1},{"productId":"c","quantity":0}]})"));
    h.host().onHttp("GET", cartUrl("q-neg"), answer(200, R"({"items":[{"productId":"a","quantity":-1}]})"));
    h.host().onHttp("GET", cartUrl("q-str"), answer(200, R"({"items":[{"productId":"a","quantity":"2"}]})"));
    h.host().onHttp("GET", cartUrl("q-frac"), answer(200, R"({"items":[{"productId":"a","quantity":1.5}]})"));
    h.host().onHttp("GET", cartUrl("p-miss"), answer(200, R"({"items":[{"productId":"a","quantity":1},
        {"productId":null,"quantity":1}]})"));
    h.host().onHttp("GET", cartUrl("p-type"), answer(200, R"({"items":[{"productId":["a"],"quantity":1}]})"));
    h.host().onHttp("GET", cartUrl("v-type"),
                    answer(200, R"({"items":[{"productId":"a","quantity":1,"variantId":{"id":1}}]})"));

    auto zero = load(h, user("q0"));
    CPPUNIT_ASSERT(zero.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!zero.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user q0: /items/2/quantity: must be > 0, got 0"), zero.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user q-neg: /items/0/quantity: must be > 0, got -1"),
                         load(h, user("q-neg")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user q-str: /items/0/quantity: expected integer"),
                         load(h, user("q-str")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user q-frac: /items/0/quantity: expected integer"),
                         load(h, user("q-frac")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user p-miss: /items/1/productId: missing"),
                         load(h, user("p-miss")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user p-type: /items/0/productId: expected string or integer"),
                         load(h, user("p-type")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user v-type: /items/0/variantId: expected string, integer or null"),
                         load(h, user("v-type")).error().message);
  }

  void badItemInAWrappedCartNamesTheFullPointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("items_pointer":"/data/items")")).ok());
    h.host().onHttp("GET", cartUrl("w"), answer(200, R"({"data":{"items":[{"productId":"a","quantity":0}]}})"));
    h.host().onHttp("GET", cartUrl("flat"), answer(200, R"({"items":[{"productId":"a","quantity":1}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user w: /data/items/0/quantity: must be > 0, got 0"),
                         load(h, user("w")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user flat: /data/items: missing"), load(h, user("flat")).error().message);
  }

  void malformedAnswersAreInvalidArgument() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", cartUrl("no-items"), answer(200, R"({"cart":[]})"));
    h.host().onHttp("GET", cartUrl("obj-items"), answer(200, R"({"items":{"productId":"a"}})"));
    h.host().onHttp("GET", cartUrl("not-object"), answer(200, R"({"items":["a"]})"));
    h.host().onHttp("GET", cartUrl("html"), answer(200, "<html>oops</html>"));
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user no-items: /items: missing"),
                         load(h, user("no-items")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user obj-items: /items: expected array"),
                         load(h, user("obj-items")).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user not-object: /items/0: expected object"),
                         load(h, user("not-object")).error().message);
    auto html = load(h, user("html"));
    CPPUNIT_ASSERT(html.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(contains(html.error().message, "cart of user html: GET " + cartUrl("html") + ": malformed JSON"));
  }

  void notFoundUnlessMissingCartIsEmpty() {
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      CPPUNIT_ASSERT(h.create(config()).ok());
      h.host().onHttp("GET", cartUrl("u404"), answer(404, R"({"error":"Cart not found"})"));
      auto r = load(h, user("u404"));
      CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);
      CPPUNIT_ASSERT(!r.error().retryable);
      CPPUNIT_ASSERT_EQUAL(std::string("cart of user u404 not found (GET " + cartUrl("u404") + " answered 404)"),
                           r.error().message);
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      CPPUNIT_ASSERT(h.create(config(R"("missing_cart_is_empty":true)")).ok());
      h.host().onHttp("GET", cartUrl("u404"), answer(404, ""));
      auto r = load(h, user("u404"));
      CPPUNIT_ASSERT(r.ok());
      CPPUNIT_ASSERT(r->lines.empty());
    }
  }

  void serverAndTransportErrorsAreRetryable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", cartUrl("u-5xx"), answer(502, "bad gateway"));
    h.host().onHttpError("GET", cartUrl("u-down"), unavailable("connection refused"));
    auto server = load(h, user("u-5xx"));
    CPPUNIT_ASSERT(server.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(server.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user u-5xx: GET " + cartUrl("u-5xx") + " answered 502: bad gateway"),
                         server.error().message);
    auto down = load(h, user("u-down"));
    CPPUNIT_ASSERT(down.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(down.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("cart of user u-down: connection refused"), down.error().message);
  }

  void clearSendsDeleteWithTheClearTimeout() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("CART_TOKEN", "tok-1");
    CPPUNIT_ASSERT(h.create(config(R"("token_secret":"CART_TOKEN","clear_timeout_ms":250)")).ok());
    h.host().onHttp("DELETE", cartUrl("u-1"), answer(204, ""));
    auto r = clear(h, user("u-1"));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("DELETE"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(cartUrl("u-1"), requests[0].url);
    CPPUNIT_ASSERT_EQUAL(int64_t(250), requests[0].timeoutMs.value());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), requests[0].headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), requests[0].headers.at("X-User-Id"));

    PluginHarness defaults(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(defaults.create(config()).ok());
    defaults.host().onHttp("DELETE", cartUrl("u-1"), answer(200, R"({"success":true})"));
    CPPUNIT_ASSERT(clear(defaults, user("u-1")).ok());
    CPPUNIT_ASSERT_EQUAL(int64_t(1000), defaults.host().requests().at(0).timeoutMs.value());
  }

  void clearTreatsNotFoundAsDoneAndReportsFailures() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("DELETE", cartUrl("gone"), answer(404, ""));
    h.host().onHttp("DELETE", cartUrl("broken"), answer(500, "boom"));
    h.host().onHttpError("DELETE", cartUrl("slow"), timeoutError("no answer within 1000 ms"));
    CPPUNIT_ASSERT(clear(h, user("gone")).ok());
    auto broken = clear(h, user("broken"));
    CPPUNIT_ASSERT(broken.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT_EQUAL(
        std::string("clearing the cart of user broken: DELETE " + cartUrl("broken") + " answered 500: boom"),
        broken.error().message);
    auto slow = clear(h, user("slow"));
    CPPUNIT_ASSERT(slow.error().code == ErrorCode::timeout);
    CPPUNIT_ASSERT_EQUAL(std::string("clearing the cart of user slow: no answer within 1000 ms"), slow.error().message);
  }

  void userHeaderAndTokenAreOptional() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("user_id_header":"")")).ok());
    h.host().onHttp("GET", cartUrl("u-1"), answer(200, R"({"items":[]})"));
    CPPUNIT_ASSERT(load(h, user("u-1")).ok());
    const auto headers = h.host().requests().at(0).headers;
    CPPUNIT_ASSERT_EQUAL(size_t(1), headers.size()); // Accept only
    CPPUNIT_ASSERT(headers.count("Authorization") == 0);
  }

  void emptyUserIdIsRejectedWithoutARequest() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    auto r = load(h, user(""));
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/userId: must not be empty"), r.error().message);
    CPPUNIT_ASSERT(clear(h, user("")).error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(h.host().requests().empty());
  }

  void createRejectsBadConfig() {
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(config(R"("token_secret":"NOPE")"));
      CPPUNIT_ASSERT(!s.ok());
      CPPUNIT_ASSERT(contains(s.error().message, "token_secret: cannot resolve secret 'NOPE'"));
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(config(R"("load_path":"/api/cart")"));
      CPPUNIT_ASSERT_EQUAL(std::string("load_path: must contain {userId} or {email}"), s.error().message);
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(config(R"("items_pointer":"items")"));
      CPPUNIT_ASSERT(contains(s.error().message, "items_pointer: 'items' is not a JSON pointer"));
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(R"({"base_url":"cart.test"})");
      CPPUNIT_ASSERT(contains(s.error().message, "base_url"));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CartServiceTest);
