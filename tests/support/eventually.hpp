// Waiting for an outcome in tests: polls `probe` until it is true or
// `timeout_ms` passes (servers' sweeps and consumers run on timers; a test
// waits for what they do, not for a fixed time). Header-only.
#pragma once

#include <chrono>
#include <thread>

namespace orders::testing {

template <class F> bool eventually(F probe, int timeout_ms = 30000, int poll_ms = 50) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return probe();
}

} // namespace orders::testing
