// cart/redis loaded as the server loads it (the real registry, schema
// validation and defaults, host secrets) against a real redis-server named
// by ORDERS_TEST_REDIS_HOST / ORDERS_TEST_REDIS_PORT (packaging/redis_temp.sh
// starts one). Fixtures are written with the test's own Poco::Redis::Client
// under a key prefix unique to each test (and process), expire after five
// minutes and are deleted in tearDown. Without ORDERS_TEST_REDIS_PORT the
// tests that need a server are skipped; "Redis down" runs anyway.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Type.h>
#include <Poco/Timespan.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <latch>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"

using orders::testing::json;
using orders::testing::LoadedPlugin;
namespace core = orders::host::core;
namespace sdk = orders::sdk;
using Reply = Poco::Redis::RedisType::Ptr;

namespace {

const char *env(const char *name) {
  const char *value = std::getenv(name);
  return value && *value ? value : nullptr;
}

std::string redisHost() {
  const char *host = env("ORDERS_TEST_REDIS_HOST");
  return host ? host : "127.0.0.1";
}

int redisPort() { return std::stoi(env("ORDERS_TEST_REDIS_PORT")); }

std::string url(int db = 0) {
  return "redis://" + redisHost() + ":" + std::to_string(redisPort()) + "/" + std::to_string(db);
}

// "orders-test:<pid>:<n>:<name>:": keys of one test never meet another's,
// even with several test processes on one server.
std::string uniquePrefix(const std::string &name) {
  static std::atomic<int> counter{0};
  return "orders-test:" + std::to_string(::getpid()) + ":" + std::to_string(++counter) + ":" + name + ":";
}

// `config` is the instance's config object (JSON text); `secrets` the server
// config's secrets map.
std::unique_ptr<LoadedPlugin> load(const std::string &config, const std::string &id = "cart",
                                   const std::string &secrets = "{}") {
  const std::string instance = R"({"name":"redis","id":")" + id + R"(","config":)" + config + "}";
  auto plugin = std::make_unique<LoadedPlugin>("cart", json(instance), json(secrets));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::CartRef buyer(const std::string &user_id, std::optional<std::string> email) {
  return sdk::CartRef{user_id, std::move(email)};
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

template <class T> T valueOf(const Reply &reply) {
  CPPUNIT_ASSERT(!reply.isNull());
  CPPUNIT_ASSERT_MESSAGE(reply->toString(), reply->type() == static_cast<int>(Poco::Redis::RedisTypeTraits<T>::TypeId));
  return static_cast<const Poco::Redis::Type<T> *>(reply.get())->value();
}

std::vector<sdk::StockLine> sortedLines(std::vector<sdk::StockLine> lines) {
  std::sort(lines.begin(), lines.end(),
            [](const sdk::StockLine &a, const sdk::StockLine &b) { return a.productId < b.productId; });
  return lines;
}

} // namespace

class RedisCartIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RedisCartIntegrationTest);
  CPPUNIT_TEST(jsonDocumentShapeOfSeed002);
  CPPUNIT_TEST(hashShape);
  CPPUNIT_TEST(hashOfJsonDocumentsOfSeed002);
  CPPUNIT_TEST(autoDetectsTheShapePerKey);
  CPPUNIT_TEST(missingKeyIsAnEmptyCart);
  CPPUNIT_TEST(badValuesNameThePointerOrField);
  CPPUNIT_TEST(clearDeletesTheKeyUnlessTurnedOff);
  CPPUNIT_TEST(userIdTemplateInAnotherDatabase);
  CPPUNIT_TEST(concurrentLoadsShareTheBoundedPool);
  CPPUNIT_TEST(connectionKilledWhileIdleIsReplaced);
  CPPUNIT_TEST(aclUserAuthenticatesWithTheSecret);
  CPPUNIT_TEST(redisDownIsARetryableUnavailableError);
  CPPUNIT_TEST_SUITE_END();

public:
  void setUp() override {
    keys_.clear();
    acl_users_.clear();
    if (!env("ORDERS_TEST_REDIS_PORT")) return;
    admin_ = std::make_unique<Poco::Redis::Client>();
    admin_->connect(redisHost(), redisPort(), Poco::Timespan(5, 0));
    admin_->setReceiveTimeout(Poco::Timespan(5, 0));
  }

  void tearDown() override {
    if (!admin_) return;
    try {
      for (const auto &[db, key] : keys_) {
        run({"SELECT", std::to_string(db)});
        run({"DEL", key});
      }
      run({"SELECT", "0"});
      for (const std::string &user : acl_users_)
        run({"ACL", "DELUSER", user});
    } catch (...) { // cleanup is best effort: the keys expire anyway
    }
    admin_.reset();
  }

  void jsonDocumentShapeOfSeed002() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("json");
    set(prefix + "cart:cust@example.com",
        R"({"items":[{"product_id":"1","qty":2},{"product_id":"7","qty":1,"variant_id":"blue"}]})");
    set(prefix + "cart:bare@example.com", R"([{"product_id":"3","qty":4}])");
    auto plugin = load(R"({"url":")" + url() + R"(","shape":"json","key_template":")" + prefix + R"(cart:{email}"})");

    auto cart = core::loadCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT_MESSAGE(cart.ok() ? "" : cart.error().message, cart.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), cart->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), cart->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), cart->lines[0].quantity);
    CPPUNIT_ASSERT(!cart->lines[0].variantId.has_value());
    CPPUNIT_ASSERT(!cart->lines[0].sellerId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("7"), cart->lines[1].productId);
    CPPUNIT_ASSERT_EQUAL(std::string("blue"), cart->lines[1].variantId.value());

    auto bare = core::loadCart(plugin->instance(), buyer("u-2", "bare@example.com")); // the value is the array
    CPPUNIT_ASSERT_MESSAGE(bare.ok() ? "" : bare.error().message, bare.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), bare->lines.size());
    CPPUNIT_ASSERT_EQUAL(int64_t(4), bare->lines[0].quantity);
  }

  void hashShape() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("hash");
    hset(prefix + "cart:cust@example.com", {{"p1", "2"}, {"p2:red", "1"}, {"p3", "5"}});
    auto plugin = load(R"({"url":")" + url() + R"(","shape":"hash","key_template":")" + prefix + R"(cart:{email}"})");
    auto cart = core::loadCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT_MESSAGE(cart.ok() ? "" : cart.error().message, cart.ok());
    const auto lines = sortedLines(cart->lines);
    CPPUNIT_ASSERT_EQUAL(size_t(3), lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), lines[0].quantity);
    CPPUNIT_ASSERT(!lines[0].variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("p2"), lines[1].productId);
    CPPUNIT_ASSERT_EQUAL(std::string("red"), lines[1].variantId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), lines[1].quantity);
    CPPUNIT_ASSERT_EQUAL(int64_t(5), lines[2].quantity);
  }

  // Upstream seed 002's cart service: HSET cart:{email} <product_id> <json.dumps(item)>.
  void hashOfJsonDocumentsOfSeed002() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("hashjson");
    hset(prefix + "cart:cust@example.com",
         {{"1", R"({"product_id": 1, "qty": 2, "unit_price_cents": 12999, "title": "Mug"})"},
          {"7", R"({"product_id": 7, "qty": 1, "unit_price_cents": 500, "title": "Tea"})"}});
    auto plugin = load(R"({"url":")" + url() + R"(","key_template":")" + prefix + R"(cart:{email}"})"); // auto
    auto cart = core::loadCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT_MESSAGE(cart.ok() ? "" : cart.error().message, cart.ok());
    const auto lines = sortedLines(cart->lines);
    CPPUNIT_ASSERT_EQUAL(size_t(2), lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), lines[0].quantity);
    CPPUNIT_ASSERT_EQUAL(std::string("7"), lines[1].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), lines[1].quantity);

    hset(prefix + "cart:bad@example.com", {{"1", R"({"product_id": 1, "qty": "two"})"}});
    auto bad = core::loadCart(plugin->instance(), buyer("u-2", "bad@example.com"));
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT_MESSAGE(bad.error().message,
                           bad.error().message.find("field '1': value /qty: expected integer") != std::string::npos);
  }

  void autoDetectsTheShapePerKey() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("auto");
    set(prefix + "cart:j@example.com", R"({"items":[{"product_id":"1","qty":2}]})");
    hset(prefix + "cart:h@example.com", {{"9", "3"}});
    run({"RPUSH", prefix + "cart:l@example.com", "1"});
    keys_.emplace_back(0, prefix + "cart:l@example.com");
    auto plugin = load(R"({"url":")" + url() + R"(","key_template":")" + prefix + R"(cart:{email}"})"); // auto

    auto fromJson = core::loadCart(plugin->instance(), buyer("u-1", "j@example.com"));
    CPPUNIT_ASSERT_MESSAGE(fromJson.ok() ? "" : fromJson.error().message, fromJson.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), fromJson->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), fromJson->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), fromJson->lines[0].quantity);

    auto fromHash = core::loadCart(plugin->instance(), buyer("u-2", "h@example.com"));
    CPPUNIT_ASSERT_MESSAGE(fromHash.ok() ? "" : fromHash.error().message, fromHash.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), fromHash->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("9"), fromHash->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(3), fromHash->lines[0].quantity);

    auto none = core::loadCart(plugin->instance(), buyer("u-3", "nobody@example.com"));
    CPPUNIT_ASSERT_MESSAGE(none.ok() ? "" : none.error().message, none.ok());
    CPPUNIT_ASSERT(none->lines.empty());

    auto list = core::loadCart(plugin->instance(), buyer("u-4", "l@example.com"));
    CPPUNIT_ASSERT(!list.ok());
    CPPUNIT_ASSERT(list.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL("redis key '" + prefix +
                             "cart:l@example.com' holds a list; expected a string (JSON) or a hash",
                         list.error().message);
  }

  void missingKeyIsAnEmptyCart() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("missing");
    for (const char *shape : {"auto", "json", "hash"}) {
      auto plugin = load(R"({"url":")" + url() + R"(","shape":")" + shape + R"(","key_template":")" + prefix +
                         R"(cart:{email}"})");
      auto cart = core::loadCart(plugin->instance(), buyer("u-1", "ghost@example.com"));
      CPPUNIT_ASSERT_MESSAGE(std::string(shape) + ": " + (cart.ok() ? "" : cart.error().message), cart.ok());
      CPPUNIT_ASSERT_MESSAGE(shape, cart->lines.empty());
    }
  }

  void badValuesNameThePointerOrField() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("bad");
    set(prefix + "cart:zero@example.com", R"({"items":[{"product_id":"1","qty":2},{"product_id":"2","qty":1},
        {"product_id":"3","qty":0}]})");
    set(prefix + "cart:noid@example.com", R"({"items":[{"qty":1}]})");
    set(prefix + "cart:garbage@example.com", "{not json");
    hset(prefix + "cart:hash@example.com", {{"p9", "x"}});
    auto plugin = load(R"({"url":")" + url() + R"(","key_template":")" + prefix + R"(cart:{email}"})");
    auto &instance = plugin->instance();
    const std::string key = "redis key '" + prefix + "cart:";

    auto zero = core::loadCart(instance, buyer("u-1", "zero@example.com"));
    CPPUNIT_ASSERT(!zero.ok());
    CPPUNIT_ASSERT(zero.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!zero.error().retryable);
    CPPUNIT_ASSERT_EQUAL(key + "zero@example.com': /items/2/qty: must be > 0, got 0", zero.error().message);
    CPPUNIT_ASSERT_EQUAL(key + "noid@example.com': /items/0/product_id: missing",
                         core::loadCart(instance, buyer("u-1", "noid@example.com")).error().message);
    auto garbage = core::loadCart(instance, buyer("u-1", "garbage@example.com"));
    CPPUNIT_ASSERT(garbage.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(garbage.error().message,
                           contains(garbage.error().message, key + "garbage@example.com': malformed JSON"));
    auto hash = core::loadCart(instance, buyer("u-1", "hash@example.com"));
    CPPUNIT_ASSERT(hash.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(key + "hash@example.com': field 'p9': quantity 'x' is not an integer", hash.error().message);

    // An explicit shape meeting the other type answers WRONGTYPE.
    auto json_only = load(R"({"url":")" + url() + R"(","shape":"json","key_template":")" + prefix + R"(cart:{email}"})",
                          "cart-json");
    auto wrong = core::loadCart(json_only->instance(), buyer("u-1", "hash@example.com"));
    CPPUNIT_ASSERT(wrong.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(wrong.error().message,
                           contains(wrong.error().message, key + "hash@example.com' holds no string (shape json)"));
  }

  void clearDeletesTheKeyUnlessTurnedOff() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("clear");
    const std::string key = prefix + "cart:cust@example.com";
    set(key, R"([{"product_id":"1","qty":2}])");
    const std::string config = R"({"url":")" + url() + R"(","key_template":")" + prefix + R"(cart:{email}")";

    auto keep = load(config + R"(,"clear_after_checkout":false})", "cart-keep");
    auto kept = core::clearCart(keep->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT_MESSAGE(kept.ok() ? "" : kept.error().message, kept.ok());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), valueOf<Poco::Int64>(run({"EXISTS", key})));

    auto plugin = load(config + "}");
    auto cleared = core::clearCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT_MESSAGE(cleared.ok() ? "" : cleared.error().message, cleared.ok());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), valueOf<Poco::Int64>(run({"EXISTS", key})));
    CPPUNIT_ASSERT(core::clearCart(plugin->instance(), buyer("u-1", "cust@example.com")).ok()); // nothing left
    CPPUNIT_ASSERT(core::loadCart(plugin->instance(), buyer("u-1", "cust@example.com"))->lines.empty());

    auto without = core::clearCart(plugin->instance(), buyer("u-1", std::nullopt));
    CPPUNIT_ASSERT(without.error().code == sdk::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(without.error().message, contains(without.error().message, "names {email}"));
  }

  void userIdTemplateInAnotherDatabase() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("user");
    set(prefix + "cart:u-42", R"({"items":[{"product_id":"5","qty":3}]})", 1);
    auto plugin = load(R"({"url":")" + url(1) + R"(","key_template":")" + prefix + R"(cart:{userId}"})");
    auto cart = core::loadCart(plugin->instance(), buyer("u-42", std::nullopt)); // no email needed
    CPPUNIT_ASSERT_MESSAGE(cart.ok() ? "" : cart.error().message, cart.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), cart->lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("5"), cart->lines[0].productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(3), cart->lines[0].quantity);

    // Database 0 holds no such key.
    auto other = load(R"({"url":")" + url(0) + R"(","key_template":")" + prefix + R"(cart:{userId}"})", "cart-db0");
    CPPUNIT_ASSERT(core::loadCart(other->instance(), buyer("u-42", std::nullopt))->lines.empty());
  }

  void concurrentLoadsShareTheBoundedPool() {
    if (skip()) return;
    constexpr int kThreads = 20;
    const std::string prefix = uniquePrefix("pool");
    for (int i = 0; i < kThreads; ++i)
      set(prefix + "cart:u" + std::to_string(i),
          R"([{"product_id":"p)" + std::to_string(i) + R"(","qty":)" + std::to_string(i + 1) + "}]");
    auto plugin = load(R"({"url":")" + url() + R"(","key_template":")" + prefix +
                           R"(cart:{userId}","pool_size":4,"timeout_ms":5000})",
                       "cart-pool");
    auto &instance = plugin->instance();

    std::vector<std::string> failures(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        auto cart = core::loadCart(instance, buyer("u" + std::to_string(i), std::nullopt));
        if (!cart.ok())
          failures[i] = cart.error().message;
        else if (cart->lines.size() != 1 || cart->lines[0].productId != "p" + std::to_string(i) ||
                 cart->lines[0].quantity != i + 1)
          failures[i] = "wrong cart for u" + std::to_string(i);
      });
    }
    for (auto &t : threads)
      t.join();
    for (const std::string &failure : failures)
      CPPUNIT_ASSERT_MESSAGE(failure, failure.empty());

    // The pool kept at most pool_size connections, named by CLIENT SETNAME.
    const size_t open = connectionsNamed("orders-cart-cart-pool").size();
    CPPUNIT_ASSERT_MESSAGE(std::to_string(open) + " connections", open >= 1 && open <= 4);
  }

  void connectionKilledWhileIdleIsReplaced() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("kill");
    set(prefix + "cart:u-1", R"([{"product_id":"1","qty":1}])");
    auto plugin = load(R"({"url":")" + url() + R"(","key_template":")" + prefix + R"(cart:{userId}"})", "cart-kill");
    CPPUNIT_ASSERT(core::loadCart(plugin->instance(), buyer("u-1", std::nullopt)).ok());
    const std::vector<std::string> before = connectionsNamed("orders-cart-cart-kill");
    CPPUNIT_ASSERT_EQUAL(size_t(1), before.size());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), valueOf<Poco::Int64>(run({"CLIENT", "KILL", "ID", before[0]})));

    auto again = core::loadCart(plugin->instance(), buyer("u-1", std::nullopt)); // the idle one is dead
    CPPUNIT_ASSERT_MESSAGE(again.ok() ? "" : again.error().message, again.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), again->lines.size());
    const std::vector<std::string> after = connectionsNamed("orders-cart-cart-kill");
    CPPUNIT_ASSERT_EQUAL(size_t(1), after.size());
    CPPUNIT_ASSERT(after[0] != before[0]);
  }

  void aclUserAuthenticatesWithTheSecret() {
    if (skip()) return;
    const std::string prefix = uniquePrefix("acl");
    const std::string user = "orders-test-" + std::to_string(::getpid());
    acl_users_.push_back(user);
    const Reply created = run({"ACL", "SETUSER", user, "reset", "on", ">s3cret-pw", "~" + prefix + "*", "+@all"});
    CPPUNIT_ASSERT_MESSAGE(created->toString(), !created->isError());
    set(prefix + "cart:cust@example.com", R"([{"product_id":"1","qty":2}])");
    const std::string host_port = redisHost() + ":" + std::to_string(redisPort());
    const std::string config = R"({"url":"redis://)" + user + "@" + host_port + R"(/0","key_template":")" + prefix +
                               R"(cart:{email}","password_secret":"REDIS_PASSWORD"})";

    auto plugin = load(config, "cart-acl", R"({"REDIS_PASSWORD":{"value":"s3cret-pw"}})");
    auto cart = core::loadCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT_MESSAGE(cart.ok() ? "" : cart.error().message, cart.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), cart->lines.size());

    auto wrong = load(config, "cart-acl-wrong", R"({"REDIS_PASSWORD":{"value":"not-it"}})");
    auto refused = core::loadCart(wrong->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, refused.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "AUTH rejected"));
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, !contains(refused.error().message, "not-it"));
  }

  void redisDownIsARetryableUnavailableError() {
    const uint16_t port = orders::testing::unusedPort(); // nothing listens there
    auto plugin = load(R"({"url":"redis://127.0.0.1:)" + std::to_string(port) + R"(/0","timeout_ms":300})");
    auto cart = core::loadCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT(!cart.ok());
    CPPUNIT_ASSERT_MESSAGE(cart.error().message, cart.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(cart.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(cart.error().message,
                           contains(cart.error().message, "redis at 127.0.0.1:" + std::to_string(port) + "/0"));

    auto cleared = core::clearCart(plugin->instance(), buyer("u-1", "cust@example.com"));
    CPPUNIT_ASSERT(!cleared.ok());
    CPPUNIT_ASSERT_MESSAGE(cleared.error().message, cleared.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(cleared.error().retryable);
  }

private:
  static bool skip() { return orders::testing::needRedis(); }

  Reply run(const std::vector<std::string> &args) {
    Poco::Redis::Array command;
    command.add(args);
    return admin_->sendCommand(command);
  }

  void ok(const std::vector<std::string> &args) {
    const Reply reply = run(args);
    CPPUNIT_ASSERT(!reply.isNull());
    CPPUNIT_ASSERT_MESSAGE(args[0] + ": " + reply->toString(), !reply->isError());
  }

  // A string fixture in `db`, expiring in five minutes.
  void set(const std::string &key, const std::string &value, int db = 0) {
    keys_.emplace_back(db, key);
    if (db != 0) ok({"SELECT", std::to_string(db)});
    ok({"SET", key, value, "EX", "300"});
    if (db != 0) ok({"SELECT", "0"});
  }

  void hset(const std::string &key, const std::vector<std::pair<std::string, std::string>> &fields) {
    keys_.emplace_back(0, key);
    std::vector<std::string> args{"HSET", key};
    for (const auto &[field, value] : fields) {
      args.push_back(field);
      args.push_back(value);
    }
    ok(args);
    ok({"EXPIRE", key, "300"});
  }

  // The ids of the connections CLIENT LIST shows with `name`.
  std::vector<std::string> connectionsNamed(const std::string &name) {
    const std::string list = valueOf<Poco::Redis::BulkString>(run({"CLIENT", "LIST"})).value();
    std::vector<std::string> ids;
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) {
      if (!contains(line + " ", " name=" + name + " ") || line.rfind("id=", 0) != 0) continue;
      ids.push_back(line.substr(3, line.find(' ') - 3));
    }
    return ids;
  }

  std::unique_ptr<Poco::Redis::Client> admin_;
  std::vector<std::pair<int, std::string>> keys_;
  std::vector<std::string> acl_users_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisCartIntegrationTest);
