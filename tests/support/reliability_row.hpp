// A row of README.md's Reliability table, as a test measured it. The test
// prints it on one line of stderr:
//
//   RELIABILITY-ROW {"scenario":"...","done":"...","held":"..."}
//
// and bench/reliability collects the lines of a CTest run into the table.
// Rows with the same scenario are joined ("; ") in the order printed, so
// each test of a suite can add its own part. Write figures the test
// measured (counts, durations, the slowest answer), never constants.
//
// Header-only, like test_skip.hpp, so any test binary can print a row.
#pragma once

#include "orders/sdk/json.hpp"

#include <iostream>
#include <string>

namespace orders::testing {

inline void reliabilityRow(const std::string &scenario, const std::string &done, const std::string &held) {
  Json::Value row(Json::objectValue);
  row["scenario"] = scenario;
  row["done"] = done;
  row["held"] = held;
  // One write, so no other output lands inside the line.
  std::cerr << ("\nRELIABILITY-ROW " + orders::sdk::writeJson(row) + "\n") << std::flush;
}

// A duration or latency in milliseconds as the table shows it: whole
// milliseconds, or one decimal below 10 ms.
inline std::string msText(double ms) {
  const double rounded = ms < 10 ? static_cast<double>(static_cast<long long>(ms * 10 + 0.5)) / 10
                                 : static_cast<double>(static_cast<long long>(ms + 0.5));
  std::string s = std::to_string(rounded);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + " ms";
}

} // namespace orders::testing
