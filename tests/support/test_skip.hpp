// Honest skips. A test that needs a service (PostgreSQL, Redis) it cannot
// find FAILS, unless ORDERS_TEST_ALLOW_SKIP=1 is set; then it prints
// "SKIPPED: <reason>", returns early, and the binary exits with 77, which
// CTest reports as skipped (SKIP_RETURN_CODE), never as passed.
//
// Header-only so plugin test binaries can use it; the counter lives in an
// inline function, one instance per process.
#pragma once

#include <cppunit/TestAssert.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace orders::testing {

inline int &skippedTests() {
  static int count = 0;
  return count;
}

// True when the caller must return at once (the service is missing and
// skipping is allowed); fails the test when it is missing and skipping is not
// allowed; false when `available`.
inline bool skipUnless(bool available, const std::string &what) {
  if (available) return false;
  const char *allow = std::getenv("ORDERS_TEST_ALLOW_SKIP");
  if (allow == nullptr || std::string(allow) != "1")
    CPPUNIT_FAIL(what + " (set ORDERS_TEST_ALLOW_SKIP=1 to skip instead; packaging/test.sh starts the services)");
  std::cerr << " SKIPPED: " << what;
  ++skippedTests();
  return true;
}

inline bool needPostgres() {
  return skipUnless(std::getenv("ORDERS_TEST_PG_URL") != nullptr && std::getenv("ORDERS_TEST_PG_DSN") != nullptr,
                    "needs PostgreSQL: ORDERS_TEST_PG_URL / ORDERS_TEST_PG_DSN not set");
}

inline bool needRedis() {
  return skipUnless(std::getenv("ORDERS_TEST_REDIS_PORT") != nullptr, "needs Redis: ORDERS_TEST_REDIS_PORT not set");
}

// The exit code of a test binary: 1 on failure, 77 (skipped) when
// everything that ran passed but something was skipped, else 0.
constexpr int kSkipExitCode = 77;
inline int exitCode(bool successful) {
  if (!successful) return 1;
  if (skippedTests() > 0) {
    std::cerr << "SKIPPED: " << skippedTests() << " test(s) could not run (see above)\n";
    return kSkipExitCode;
  }
  return 0;
}

} // namespace orders::testing
