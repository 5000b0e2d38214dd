// The smallest test runner a plugin's unit test needs, for tests without a
// framework (the generated projects' test.cpp):
//
//   check(r.ok() && r->status == "pending", "a pending payment");
//   ...
//   return checkSummary(); // prints "all passed" or "N failed"; 0 or 1
//
// Each check prints "ok   <what>" or "FAIL <what>". Compiles as C++17.
// Thread-safety: call from one thread (the test's main).
#pragma once

#include <iostream>
#include <string>

namespace orders::sdk::testing {

inline int &checkFailures() {
  static int failures = 0;
  return failures;
}

inline void check(bool ok, const std::string &what) {
  if (!ok) ++checkFailures();
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
}

// The exit code of the test: 0 when every check passed.
inline int checkSummary() {
  const int failures = checkFailures();
  std::cout << (failures == 0 ? std::string("all passed") : std::to_string(failures) + " failed") << "\n";
  return failures == 0 ? 0 : 1;
}

} // namespace orders::sdk::testing
