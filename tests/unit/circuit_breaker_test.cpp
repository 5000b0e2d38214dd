#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>
#include <vector>

#include "plugins/circuit_breaker.hpp"

using orders::host::plugins::CircuitBreaker;
using namespace std::chrono;

class CircuitBreakerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CircuitBreakerTest);
  CPPUNIT_TEST(opensAfterThresholdConsecutiveFailures);
  CPPUNIT_TEST(successResetsTheFailureCount);
  CPPUNIT_TEST(letsOneTrialCallThroughAfterOpenPeriod);
  CPPUNIT_TEST(failedTrialReopens);
  CPPUNIT_TEST(eachFailedTrialDoublesTheWaitUpToTheMaximum);
  CPPUNIT_TEST(lateFailuresWhileOpenDoNotExtendIt);
  CPPUNIT_TEST(concurrentCallersGetOneTrial);
  CPPUNIT_TEST(transitionsAreReported);
  CPPUNIT_TEST_SUITE_END();

  steady_clock::time_point now_{};
  CircuitBreaker make(int threshold) {
    return CircuitBreaker(threshold, milliseconds(1000), milliseconds(3000), [this] { return now_; });
  }

public:
  void opensAfterThresholdConsecutiveFailures() {
    auto b = make(3);
    for (int i = 0; i < 2; ++i) {
      CPPUNIT_ASSERT(b.allow());
      b.onFailure();
    }
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::closed);
    b.onFailure();
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::open);
    CPPUNIT_ASSERT(!b.allow());
  }
  void successResetsTheFailureCount() {
    auto b = make(2);
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::closed);
  }
  void letsOneTrialCallThroughAfterOpenPeriod() {
    auto b = make(1);
    b.onFailure();
    now_ += milliseconds(999);
    CPPUNIT_ASSERT(!b.allow());
    now_ += milliseconds(2);
    CPPUNIT_ASSERT(b.allow());  // the trial
    CPPUNIT_ASSERT(!b.allow()); // only one at a time
    b.onSuccess();
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT(b.allow());
  }
  void failedTrialReopens() {
    auto b = make(5);
    for (int i = 0; i < 5; ++i)
      b.onFailure();
    now_ += milliseconds(1001);
    CPPUNIT_ASSERT(b.allow());
    b.onFailure(); // one failure in half-open is enough
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::open);
    CPPUNIT_ASSERT(!b.allow());
  }
  void eachFailedTrialDoublesTheWaitUpToTheMaximum() {
    auto b = make(1);
    b.onFailure();
    CPPUNIT_ASSERT_EQUAL(int64_t(1000), int64_t(b.openPeriod().count()));
    for (int64_t expected : {2000, 3000, 3000}) { // doubled, then capped at max_open_for
      now_ += b.openPeriod();
      CPPUNIT_ASSERT(b.allow());
      b.onFailure();
      CPPUNIT_ASSERT_EQUAL(expected, int64_t(b.openPeriod().count()));
      now_ += b.openPeriod() - milliseconds(1);
      CPPUNIT_ASSERT(!b.allow()); // still open one millisecond before the period ends
      now_ += milliseconds(1) - b.openPeriod();
    }
    now_ += b.openPeriod();
    CPPUNIT_ASSERT(b.allow());
    b.onSuccess(); // a successful trial starts the next outage from open_for again
    b.onFailure();
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::open);
    CPPUNIT_ASSERT_EQUAL(int64_t(1000), int64_t(b.openPeriod().count()));
  }
  void lateFailuresWhileOpenDoNotExtendIt() {
    auto b = make(2);
    b.onFailure();
    b.onFailure(); // opens
    now_ += milliseconds(600);
    b.onFailure(); // calls admitted before it opened, failing late
    b.onFailure();
    now_ += milliseconds(401);
    CPPUNIT_ASSERT(b.allow());
  }
  // allow() and onSuccess() skip the lock while the breaker is closed: once
  // it has opened, callers racing for the trial still get exactly one, and
  // its success closes the breaker for all.
  void concurrentCallersGetOneTrial() {
    for (int round = 0; round < 50; ++round) {
      auto b = make(1);
      b.onFailure();
      now_ += milliseconds(1001);
      std::atomic<int> allowed{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
          for (int i = 0; i < 100; ++i)
            if (b.allow()) allowed.fetch_add(1);
        });
      for (std::thread &t : threads)
        t.join();
      CPPUNIT_ASSERT_EQUAL(1, allowed.load());
      CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::half_open);
      b.onSuccess();
      CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::closed);
      CPPUNIT_ASSERT(b.allow() && b.allow());
    }
  }
  // onFailure() says when it opened the breaker, onSuccess() when it closed
  // it: the host counts both (orders_plugin_breaker_opened_total/closed_total).
  void transitionsAreReported() {
    auto b = make(2);
    CPPUNIT_ASSERT(!b.onSuccess()); // closed already
    CPPUNIT_ASSERT(!b.onFailure());
    CPPUNIT_ASSERT(b.onFailure());  // the second in a row opens it
    CPPUNIT_ASSERT(!b.onFailure()); // already open
    now_ += milliseconds(1001);
    CPPUNIT_ASSERT(b.allow());
    CPPUNIT_ASSERT(b.onFailure()); // the trial failed: open again
    now_ += milliseconds(2001);
    CPPUNIT_ASSERT(b.allow());
    CPPUNIT_ASSERT(b.onSuccess()); // the trial closed it
    CPPUNIT_ASSERT(!b.onSuccess());
    CPPUNIT_ASSERT(b.state() == CircuitBreaker::State::closed);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CircuitBreakerTest);
