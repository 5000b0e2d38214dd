// Token buckets per (route group, caller), on an injected clock.
#include <cppunit/extensions/HelperMacros.h>

#include "auth/rate_limiter.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host::auth;
using namespace std::chrono_literals;

namespace {
Principal who(const std::string &subject, Role role = Role::buyer) {
  Principal p;
  p.subject = subject;
  p.role = role;
  return p;
}
} // namespace

class RateLimiterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RateLimiterTest);
  CPPUNIT_TEST(burstThenRefusedWithRetryAfterThenRefilled);
  CPPUNIT_TEST(callersAndGroupsHaveTheirOwnBuckets);
  CPPUNIT_TEST(firstMatchingGroupAndWildcards);
  CPPUNIT_TEST(exemptRolesAreNotLimited);
  CPPUNIT_TEST(unknownRoleInConfigIsNamed);
  CPPUNIT_TEST(idleCallersAreForgottenBeyondTheCap);
  CPPUNIT_TEST_SUITE_END();

  static RateRule rule(std::string group, std::vector<std::string> routes, double per_second, double burst) {
    RateRule r;
    r.group = std::move(group);
    r.routes = std::move(routes);
    r.per_second = per_second;
    r.burst = burst;
    return r;
  }

public:
  void burstThenRefusedWithRetryAfterThenRefilled() {
    RateLimiter limiter({rule("checkout", {"POST /api/orders"}, 0.5, 3)});
    const auto t0 = RateLimiter::Clock::now();
    for (int i = 0; i < 3; ++i)
      CPPUNIT_ASSERT(!limiter.admit(who("u1"), "POST", "/api/orders", t0));
    auto refused = limiter.admit(who("u1"), "POST", "/api/orders", t0);
    CPPUNIT_ASSERT(refused.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("checkout"), refused->group);
    CPPUNIT_ASSERT_EQUAL(2, refused->retry_after_s); // one token at 0.5/s
    CPPUNIT_ASSERT(limiter.admit(who("u1"), "POST", "/api/orders", t0 + 1s).has_value());
    CPPUNIT_ASSERT(!limiter.admit(who("u1"), "POST", "/api/orders", t0 + 2s)); // refilled one
    CPPUNIT_ASSERT(limiter.admit(who("u1"), "POST", "/api/orders", t0 + 2s).has_value());
    for (int i = 0; i < 3; ++i) // a long pause refills up to the burst, not beyond
      CPPUNIT_ASSERT(!limiter.admit(who("u1"), "POST", "/api/orders", t0 + 1h));
    CPPUNIT_ASSERT(limiter.admit(who("u1"), "POST", "/api/orders", t0 + 1h).has_value());
  }

  void callersAndGroupsHaveTheirOwnBuckets() {
    RateLimiter limiter({rule("checkout", {"POST /api/orders"}, 1, 1), rule("reads", {"GET *"}, 1, 1)});
    const auto t0 = RateLimiter::Clock::now();
    CPPUNIT_ASSERT(!limiter.admit(who("greedy"), "POST", "/api/orders", t0));
    CPPUNIT_ASSERT(limiter.admit(who("greedy"), "POST", "/api/orders", t0).has_value());
    for (int i = 0; i < 9; ++i) // nine others are untouched by the greedy one
      CPPUNIT_ASSERT(!limiter.admit(who("calm-" + std::to_string(i)), "POST", "/api/orders", t0));
    CPPUNIT_ASSERT(!limiter.admit(who("greedy"), "GET", "/api/orders/:id", t0)); // another group
    // The same subject under another role is another caller.
    CPPUNIT_ASSERT(!limiter.admit(who("greedy", Role::seller), "POST", "/api/orders", t0));
  }

  void firstMatchingGroupAndWildcards() {
    RateLimiter limiter({rule("payment", {"POST /api/orders/:id/payment"}, 1, 1), rule("writes", {"POST *"}, 1, 5),
                         rule("all", {"* *"}, 1, 1)});
    const auto t0 = RateLimiter::Clock::now();
    CPPUNIT_ASSERT(!limiter.admit(who("u"), "POST", "/api/orders/:id/payment", t0));
    auto r = limiter.admit(who("u"), "POST", "/api/orders/:id/payment", t0);
    CPPUNIT_ASSERT(r && r->group == "payment");
    for (int i = 0; i < 5; ++i)
      CPPUNIT_ASSERT(!limiter.admit(who("u"), "POST", "/api/orders", t0));
    r = limiter.admit(who("u"), "POST", "/api/orders", t0);
    CPPUNIT_ASSERT(r && r->group == "writes");
    CPPUNIT_ASSERT(!limiter.admit(who("u"), "PUT", "/api/orders/:id/status", t0));
    r = limiter.admit(who("u"), "GET", "/health", t0);
    CPPUNIT_ASSERT(r && r->group == "all");
    RateLimiter none({rule("checkout", {"POST /api/orders"}, 1, 1)});
    for (int i = 0; i < 10; ++i) // no group: never limited
      CPPUNIT_ASSERT(!none.admit(who("u"), "GET", "/api/orders", t0));
  }

  void exemptRolesAreNotLimited() {
    RateLimiter limiter({rule("checkout", {"POST /api/orders"}, 1, 1)}); // default: internal exempt
    const auto t0 = RateLimiter::Clock::now();
    for (int i = 0; i < 10; ++i)
      CPPUNIT_ASSERT(!limiter.admit(who("svc", Role::internal), "POST", "/api/orders", t0));
    auto configured = RateLimiter::fromConfig(orders::sdk::parseJson(
        R"([{"group":"g","routes":["* *"],"per_second":1,"burst":1,"exempt_roles":["admin"]}])"));
    CPPUNIT_ASSERT(configured.ok());
    for (int i = 0; i < 3; ++i)
      CPPUNIT_ASSERT(!configured.value()->admit(who("ops", Role::admin), "GET", "/x", t0));
    CPPUNIT_ASSERT(!configured.value()->admit(who("svc", Role::internal), "GET", "/x", t0));
    CPPUNIT_ASSERT(configured.value()->admit(who("svc", Role::internal), "GET", "/x", t0).has_value());
  }

  void unknownRoleInConfigIsNamed() {
    auto bad = RateLimiter::fromConfig(orders::sdk::parseJson(
        R"([{"group":"a","routes":["* *"],"per_second":1},{"group":"b","routes":["* *"],"per_second":1,"exempt_roles":["robot"]}])"));
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("http.rate_limits[1].exempt_roles: unknown role 'robot'"), bad.error().message);
  }

  void idleCallersAreForgottenBeyondTheCap() {
    RateLimiter limiter({rule("g", {"* *"}, 10, 1)}, 16); // one bucket per shard
    const auto t0 = RateLimiter::Clock::now();
    for (int i = 0; i < 1000; ++i) // each takes its token; later arrivals evict idle, refilled ones
      CPPUNIT_ASSERT(!limiter.admit(who("u" + std::to_string(i)), "GET", "/x", t0 + std::chrono::seconds(i)));
    // A caller that is still empty is not forgotten by a newcomer in its shard.
    CPPUNIT_ASSERT(limiter.admit(who("u999"), "GET", "/x", t0 + 999s).has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RateLimiterTest);
