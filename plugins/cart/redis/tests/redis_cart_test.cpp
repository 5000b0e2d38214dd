// cart/redis without a Redis server: config validation through the C ABI on
// a FakeHost, key template errors (answered before any connection), a
// closed port as a retryable unavailable error, and the URL, key template,
// value-shape and error-reply helpers directly.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <string>
#include <utility>
#include <vector>

#include "cart_shapes.hpp"
#include "key_template.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"
#include "redis_pool.hpp"
#include "redis_url.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::plugins::cart_redis::cartFromHash;
using orders::plugins::cart_redis::cartFromJson;
using orders::plugins::cart_redis::HashShape;
using orders::plugins::cart_redis::JsonPointer;
using orders::plugins::cart_redis::JsonShape;
using orders::plugins::cart_redis::KeyTemplate;
using orders::plugins::cart_redis::parseRedisUrl;
using orders::plugins::cart_redis::replyError;
using orders::sdk::testing::PluginHarness;

namespace {

// A port on 127.0.0.1 nothing listens on.
uint16_t closedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

// A config pointing at a closed port (so any connection attempt fails)
// plus `extra` members.
std::string config(const std::string &extra = "") {
  return R"({"url":"redis://127.0.0.1:)" + std::to_string(closedPort()) + R"(/0")" +
         (extra.empty() ? "" : "," + extra) + "}";
}

CartRef buyer(const std::string &id, std::optional<std::string> email = std::nullopt) {
  return CartRef{id, std::move(email)};
}

Result<Cart> load(PluginHarness &h, const CartRef &ref) { return h.call<Cart>(h.table<orders_cart_v1_t>()->load, ref); }

Result<Empty> clear(PluginHarness &h, const CartRef &ref) {
  return h.call<Empty>(h.table<orders_cart_v1_t>()->clear, ref);
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// The create() error for `json` config, or "" when it succeeded.
std::string createError(const std::string &json) {
  PluginHarness h(orders_plugin_descriptor_v1());
  Status s = h.create(json);
  return s.ok() ? std::string() : s.error().message;
}

JsonPointer pointer(const std::string &text) { return *JsonPointer::parse(text); }

// The seed 002 defaults: lines at /items, product_id, qty, variant_id.
JsonShape seedShape() {
  JsonShape shape;
  shape.lines = pointer("/items");
  shape.productId = pointer("/product_id");
  shape.quantity = pointer("/qty");
  shape.variantId = pointer("/variant_id");
  return shape;
}

const std::string kWhat = "redis key 'cart:a@x.io'";

} // namespace

class RedisCartTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RedisCartTest);
  CPPUNIT_TEST(createNeedsNoServer);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST(createRejectsAnUnresolvableSecret);
  CPPUNIT_TEST(emailTemplateWithoutEmailIsInvalidArgumentBeforeAnyConnection);
  CPPUNIT_TEST(userIdTemplateNeedsAUserId);
  CPPUNIT_TEST(clearDoesNothingWhenClearAfterCheckoutIsOff);
  CPPUNIT_TEST(closedPortIsRetryableUnavailable);
  CPPUNIT_TEST(urlParsesHostPortAndDatabase);
  CPPUNIT_TEST(urlRejectsWhatItCannotServe);
  CPPUNIT_TEST(keyTemplateSubstitutesVerbatim);
  CPPUNIT_TEST(keyTemplateRejectsUnknownPlaceholders);
  CPPUNIT_TEST(jsonArrayAndObjectValuesBecomeLines);
  CPPUNIT_TEST(jsonNullOrEmptyIsACartWithoutLines);
  CPPUNIT_TEST(badJsonLinesNameTheirPointer);
  CPPUNIT_TEST(malformedJsonNamesTheKey);
  CPPUNIT_TEST(hashFieldsBecomeLines);
  CPPUNIT_TEST(badHashFieldsAreNamed);
  CPPUNIT_TEST(hashValuesMayBeJsonLineDocuments);
  CPPUNIT_TEST(errorRepliesMapToCodes);
  CPPUNIT_TEST_SUITE_END();

public:
  void createNeedsNoServer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    Status s = h.create(config(R"("shape":"hash","key_template":"cart:{userId}","pool_size":1,"timeout_ms":50)"));
    CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
    PluginHarness defaults(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(defaults.create("{}").ok()); // every key has a default
    bool logged = false;
    for (const auto &line : defaults.host().logs())
      logged = logged || contains(line.message, "redis at 127.0.0.1:6379/0");
    CPPUNIT_ASSERT(logged);
  }

  void createRejectsBadConfig() {
    CPPUNIT_ASSERT_EQUAL(std::string("url: expected redis://[user@]host[:port][/db]"),
                         createError(R"({"url":"http://127.0.0.1:6379"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: TLS (rediss://) is not supported"),
                         createError(R"({"url":"rediss://cache:6380"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("key_template: unknown placeholder {user_id} (use {email} or {userId})"),
                         createError(R"({"key_template":"cart:{user_id}"})"));
    CPPUNIT_ASSERT(contains(createError(R"({"key_template":"cart"})"), "key_template: must contain {email} or"));
    CPPUNIT_ASSERT_EQUAL(std::string("shape: expected \"auto\", \"json\" or \"hash\", got 'list'"),
                         createError(R"({"shape":"list"})"));
    CPPUNIT_ASSERT(
        contains(createError(R"({"lines_pointer":"items"})"), "lines_pointer: 'items' is not a JSON pointer"));
    CPPUNIT_ASSERT(contains(createError(R"({"quantity_pointer":"/a~2"})"), "quantity_pointer: '/a~2'"));
    CPPUNIT_ASSERT(contains(createError(R"({"seller_id_pointer":"seller"})"), "seller_id_pointer: 'seller'"));
    CPPUNIT_ASSERT_EQUAL(std::string("pool_size: must be from 1 to 64"), createError(R"({"pool_size":0})"));
    CPPUNIT_ASSERT_EQUAL(std::string("timeout_ms: must be from 10 to 60000"), createError(R"({"timeout_ms":5})"));
    CPPUNIT_ASSERT(
        contains(createError(R"({"url":"redis://orders@127.0.0.1"})"), "url: a user name needs password_secret"));
    CPPUNIT_ASSERT(contains(createError(R"({"pool_size":"four"})"), "/pool_size"));
  }

  void createRejectsAnUnresolvableSecret() {
    CPPUNIT_ASSERT(contains(createError(config(R"("password_secret":"REDIS_PASSWORD")")),
                            "password_secret: cannot resolve secret 'REDIS_PASSWORD'"));
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("REDIS_PASSWORD", "s3cret");
    Status s = h.create(config(R"("password_secret":"REDIS_PASSWORD")"));
    CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
    for (const auto &line : h.host().logs())
      CPPUNIT_ASSERT_MESSAGE(line.message, !contains(line.message, "s3cret"));
  }

  void emailTemplateWithoutEmailIsInvalidArgumentBeforeAnyConnection() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok()); // default key_template cart:{email}
    for (const std::optional<std::string> &email : {std::optional<std::string>(), std::optional<std::string>("")}) {
      auto r = load(h, buyer("u-1", email));
      CPPUNIT_ASSERT(!r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument); // not unavailable: no connection tried
      CPPUNIT_ASSERT(!r.error().retryable);
      CPPUNIT_ASSERT_EQUAL(
          std::string("key_template 'cart:{email}' names {email} but the cart of user u-1 was asked without an email"),
          r.error().message);
      auto c = clear(h, buyer("u-1", email));
      CPPUNIT_ASSERT(c.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT(contains(c.error().message, "names {email}"));
    }
  }

  void userIdTemplateNeedsAUserId() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("key_template":"cart:{userId}")")).ok());
    auto r = load(h, buyer("", std::string("a@x.io")));
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/userId: must not be empty (key_template 'cart:{userId}' names {userId})"),
                         r.error().message);
  }

  void clearDoesNothingWhenClearAfterCheckoutIsOff() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("clear_after_checkout":false)")).ok());
    auto r = clear(h, buyer("u-1", std::string("a@x.io"))); // the port is closed: a DEL would fail
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
  }

  void closedPortIsRetryableUnavailable() {
    const uint16_t port = closedPort();
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(R"({"url":"redis://127.0.0.1:)" + std::to_string(port) + R"(/3","timeout_ms":500})").ok());
    auto r = load(h, buyer("u-1", std::string("a@x.io")));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message,
                           contains(r.error().message, "redis at 127.0.0.1:" + std::to_string(port) + "/3"));
    auto c = clear(h, buyer("u-1", std::string("a@x.io")));
    CPPUNIT_ASSERT(c.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(c.error().retryable);

    SinkBuffer sink; // readiness: PING fails the same way
    const orders_status_t rc = orders_plugin_descriptor_v1()->ready(h.instance(), sink.sink());
    CPPUNIT_ASSERT(rc != ORDERS_OK);
    CPPUNIT_ASSERT(sink.errorFor(rc).code == ErrorCode::unavailable);
  }

  void urlParsesHostPortAndDatabase() {
    auto full = parseRedisUrl("redis://cache.internal:6380/2");
    CPPUNIT_ASSERT_MESSAGE(full.ok() ? "" : full.error().message, full.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cache.internal"), full->host);
    CPPUNIT_ASSERT_EQUAL(uint16_t(6380), full->port);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), full->db);
    CPPUNIT_ASSERT(!full->username.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("cache.internal:6380/2"), full->text());

    auto bare = parseRedisUrl("redis://redis");
    CPPUNIT_ASSERT(bare.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("redis"), bare->host);
    CPPUNIT_ASSERT_EQUAL(uint16_t(6379), bare->port);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), bare->db);

    auto slash = parseRedisUrl("redis://127.0.0.1:6379/");
    CPPUNIT_ASSERT(slash.ok());
    CPPUNIT_ASSERT_EQUAL(int64_t(0), slash->db);

    auto v6 = parseRedisUrl("redis://[::1]:7000/15");
    CPPUNIT_ASSERT(v6.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("::1"), v6->host);
    CPPUNIT_ASSERT_EQUAL(uint16_t(7000), v6->port);
    CPPUNIT_ASSERT_EQUAL(int64_t(15), v6->db);
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:7000/15"), v6->text());

    auto user = parseRedisUrl("redis://orders@redis:6379/1");
    CPPUNIT_ASSERT(user.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("orders"), user->username.value());
    CPPUNIT_ASSERT_EQUAL(std::string("redis"), user->host);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), user->db);
  }

  void urlRejectsWhatItCannotServe() {
    auto message = [](const std::string &url) {
      auto r = parseRedisUrl(url);
      return r.ok() ? std::string("(accepted)") : r.error().message;
    };
    CPPUNIT_ASSERT_EQUAL(std::string("url: a password in the URL is not accepted; name a secret in password_secret"),
                         message("redis://:hunter2@redis:6379/0"));
    CPPUNIT_ASSERT(!contains(message("redis://user:hunter2@redis"), "hunter2"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: missing host"), message("redis://:6379/0"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: missing host"), message("redis://"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: port must be a number from 1 to 65535, got '0'"),
                         message("redis://redis:0"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: port must be a number from 1 to 65535, got '65536'"),
                         message("redis://redis:65536"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: port must be a number from 1 to 65535, got 'x'"),
                         message("redis://redis:x"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: empty port after ':'"), message("redis://redis:/0"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: the path must be a database number such as /0, got '/db1'"),
                         message("redis://redis:6379/db1"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: the path must be a database number such as /0, got '/0/x'"),
                         message("redis://redis/0/x"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: query parameters and fragments are not supported"),
                         message("redis://redis:6379/0?timeout=1"));
    CPPUNIT_ASSERT(contains(message("redis://::1:6379"), "IPv6 host in brackets"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: unclosed '[' in the host"), message("redis://[::1:6379"));
    CPPUNIT_ASSERT_EQUAL(std::string("url: expected redis://[user@]host[:port][/db]"), message("unix:///tmp/r.sock"));
  }

  void keyTemplateSubstitutesVerbatim() {
    auto both = KeyTemplate::parse("shop:{userId}:cart:{email}");
    CPPUNIT_ASSERT(both.ok());
    CPPUNIT_ASSERT(both->needsEmail());
    CPPUNIT_ASSERT(both->needsUserId());
    auto key = both->keyFor(buyer("u 1", std::string("A+b@X.io")));
    CPPUNIT_ASSERT(key.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shop:u 1:cart:A+b@X.io"), key.value());

    auto seed = KeyTemplate::parse("cart:{email}");
    CPPUNIT_ASSERT(seed.ok());
    CPPUNIT_ASSERT(!seed->needsUserId());
    CPPUNIT_ASSERT_EQUAL(std::string("cart:cust@example.com"),
                         seed->keyFor(buyer("", std::string("cust@example.com"))).value());

    auto only = KeyTemplate::parse("{userId}");
    CPPUNIT_ASSERT(only.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("u-9"), only->keyFor(buyer("u-9")).value());
  }

  void keyTemplateRejectsUnknownPlaceholders() {
    CPPUNIT_ASSERT_EQUAL(std::string("key_template: unknown placeholder {Email} (use {email} or {userId})"),
                         KeyTemplate::parse("cart:{Email}").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("key_template: '{' at offset 5 does not start {email} or {userId}"),
                         KeyTemplate::parse("cart:{email").error().message);
    CPPUNIT_ASSERT(contains(KeyTemplate::parse("").error().message, "must contain {email} or {userId}"));
  }

  void jsonArrayAndObjectValuesBecomeLines() {
    // Seed 002: a list of {"product_id", "qty"} lines.
    auto array =
        cartFromJson(R"([{"product_id":"1","qty":2},{"product_id":7,"qty":1,"variant_id":"red"}])", seedShape(), kWhat);
    CPPUNIT_ASSERT_MESSAGE(array.ok() ? "" : array.error().message, array.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), array->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), array->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), array->lines[0].quantity);
    CPPUNIT_ASSERT(!array->lines[0].variantId.has_value());
    CPPUNIT_ASSERT(!array->lines[0].sellerId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("7"), array->lines[1].productId); // integer ids become text
    CPPUNIT_ASSERT_EQUAL(std::string("red"), array->lines[1].variantId.value());

    JsonShape custom;
    custom.lines = pointer("/cart/lines");
    custom.productId = pointer("/product/id");
    custom.quantity = pointer("/count");
    custom.variantId = pointer("/variant");
    custom.sellerId = pointer("/seller");
    const std::string value = R"({"cart":{"lines":[{"product":{"id":"p1"},"count":3,"seller":"s1","variant":null},)"
                              R"({"product":{"id":"p2"},"count":1,"seller":""}]}})";
    auto object = cartFromJson(value, custom, kWhat);
    CPPUNIT_ASSERT_MESSAGE(object.ok() ? "" : object.error().message, object.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), object->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), object->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(3), object->lines[0].quantity);
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), object->lines[0].sellerId.value());
    CPPUNIT_ASSERT(!object->lines[0].variantId.has_value());
    CPPUNIT_ASSERT(!object->lines[1].sellerId.has_value()); // "" = none

    // Without seller_id_pointer, a seller member is not read.
    auto unmapped = cartFromJson(R"({"items":[{"product_id":"1","qty":1,"seller":"s1"}]})", seedShape(), kWhat);
    CPPUNIT_ASSERT(unmapped.ok());
    CPPUNIT_ASSERT(!unmapped->lines[0].sellerId.has_value());
  }

  void jsonNullOrEmptyIsACartWithoutLines() {
    for (const char *text : {"null", "[]", R"({"items":[]})", R"({"items":null})"}) {
      auto r = cartFromJson(text, seedShape(), kWhat);
      CPPUNIT_ASSERT_MESSAGE(text, r.ok());
      CPPUNIT_ASSERT_MESSAGE(text, r->lines.empty());
    }
  }

  void badJsonLinesNameTheirPointer() {
    auto message = [](const std::string &text) {
      auto r = cartFromJson(text, seedShape(), kWhat);
      CPPUNIT_ASSERT_MESSAGE(text, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(text, r.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT_MESSAGE(text, !r.error().retryable);
      return r.error().message;
    };
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/2/qty: must be > 0, got 0",
                         message(R"({"items":[{"product_id":"1","qty":1},{"product_id":"2","qty":1},
                                             {"product_id":"3","qty":0}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /0/qty: must be > 0, got -2", message(R"([{"product_id":"1","qty":-2}])"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/0/qty: missing", message(R"({"items":[{"product_id":"1"}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/0/qty: expected integer",
                         message(R"({"items":[{"product_id":"1","qty":"2"}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/0/qty: expected integer",
                         message(R"({"items":[{"product_id":"1","qty":1.5}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/1/product_id: missing",
                         message(R"({"items":[{"product_id":"1","qty":1},{"qty":1}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/0/product_id: must not be empty",
                         message(R"({"items":[{"product_id":"","qty":1}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/0/product_id: expected string or integer",
                         message(R"({"items":[{"product_id":{"id":1},"qty":1}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/0/variant_id: expected string, integer or null",
                         message(R"({"items":[{"product_id":"1","qty":1,"variant_id":[1]}]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items/1: expected object", message(R"({"items":[{"product_id":"1","qty":1},7]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items: missing", message(R"({"lines":[]})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": /items: expected array", message(R"({"items":{"product_id":"1"}})"));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": expected a JSON array of lines or an object with /items", message(R"("1")"));
  }

  void malformedJsonNamesTheKey() {
    auto r = cartFromJson("{\"items\": [", seedShape(), kWhat);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, kWhat + ": malformed JSON"));
    CPPUNIT_ASSERT(contains(cartFromJson("", seedShape(), kWhat).error().message, "malformed JSON"));
  }

  void hashFieldsBecomeLines() {
    auto r = cartFromHash({{"p1", "2"}, {"p2:red", "1"}, {"p3:", "4"}, {"p4:a:b", "1"}}, HashShape{":"}, kWhat);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(4), r->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), r->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), r->lines[0].quantity);
    CPPUNIT_ASSERT(!r->lines[0].variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("p2"), r->lines[1].productId);
    CPPUNIT_ASSERT_EQUAL(std::string("red"), r->lines[1].variantId.value());
    CPPUNIT_ASSERT(!r->lines[2].variantId.has_value());             // "p3:" = no variant
    CPPUNIT_ASSERT_EQUAL(std::string("p4"), r->lines[3].productId); // split at the first separator
    CPPUNIT_ASSERT_EQUAL(std::string("a:b"), r->lines[3].variantId.value());

    auto bare = cartFromHash({{"sku:1", "3"}}, HashShape{""}, kWhat);
    CPPUNIT_ASSERT(bare.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("sku:1"), bare->lines[0].productId);
    CPPUNIT_ASSERT(!bare->lines[0].variantId.has_value());

    auto multi = cartFromHash({{"p1||v2", "1"}}, HashShape{"||"}, kWhat);
    CPPUNIT_ASSERT_EQUAL(std::string("v2"), multi->lines[0].variantId.value());

    CPPUNIT_ASSERT(cartFromHash({}, HashShape{":"}, kWhat)->lines.empty());
  }

  void badHashFieldsAreNamed() {
    auto message = [](std::vector<std::pair<std::string, std::string>> fields) {
      auto r = cartFromHash(fields, HashShape{":"}, kWhat);
      CPPUNIT_ASSERT(!r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
      return r.error().message;
    };
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p2': quantity must be > 0, got 0", message({{"p1", "1"}, {"p2", "0"}}));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p1': quantity must be > 0, got -1", message({{"p1", "-1"}}));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p1': quantity 'two' is not an integer", message({{"p1", "two"}}));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p1': quantity '1.5' is not an integer", message({{"p1", "1.5"}}));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p1': quantity '' is not an integer", message({{"p1", ""}}));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p1': quantity '99999999999999999999' is not an integer",
                         message({{"p1", "99999999999999999999"}}));
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field ':red': empty product id", message({{":red", "1"}}));
  }

  void hashValuesMayBeJsonLineDocuments() {
    HashShape shape{":"};
    shape.lines.productId = JsonPointer::parse("/product_id").value();
    shape.lines.quantity = JsonPointer::parse("/qty").value();
    shape.lines.variantId = JsonPointer::parse("/variant_id").value();
    auto r = cartFromHash({{"12", R"({"product_id":12,"qty":3,"unit_price_cents":999,"title":"A"})"}, {"p2", "1"}},
                          shape, kWhat);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), r->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("12"), r->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(3), r->lines[0].quantity);
    CPPUNIT_ASSERT_EQUAL(std::string("p2"), r->lines[1].productId); // detect: a bare integer is a quantity

    shape.values = orders::plugins::cart_redis::HashValues::json;
    auto refused = cartFromHash({{"p2", "1"}}, shape, kWhat);
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field 'p2': value: expected a JSON object", refused.error().message);
    auto missing = cartFromHash({{"1", R"({"product_id":1})"}}, shape, kWhat);
    CPPUNIT_ASSERT_EQUAL(kWhat + ": field '1': value /qty: missing", missing.error().message);
    auto broken = cartFromHash({{"1", "{nope"}}, shape, kWhat);
    CPPUNIT_ASSERT(broken.error().message.find(kWhat + ": field '1': malformed JSON") == 0);
  }

  void errorRepliesMapToCodes() {
    const Error loading = replyError("redis at r:6379/0: GET k", "LOADING Redis is loading the dataset in memory");
    CPPUNIT_ASSERT(loading.code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(loading.retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("redis at r:6379/0: GET k: LOADING Redis is loading the dataset in memory"),
                         loading.message);
    CPPUNIT_ASSERT(replyError("x", "READONLY You can't write against a read only replica.").code ==
                   ErrorCode::unavailable);
    CPPUNIT_ASSERT(replyError("x", "NOAUTH Authentication required.").code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(replyError("x", "NOPERM this user has no permissions").code == ErrorCode::unauthenticated);
    const Error other = replyError("x", "ERR DB index is out of range");
    CPPUNIT_ASSERT(other.code == ErrorCode::internal);
    CPPUNIT_ASSERT(!other.retryable);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisCartTest);
