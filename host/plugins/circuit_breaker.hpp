// A per-plugin-instance circuit breaker.
//
// Closed: calls pass; `failure_threshold` consecutive retryable failures
// (unavailable, timeout) open it. Open: calls are refused at once for
// `open_for`, then one trial call is let through (half-open); its success
// closes the breaker, its failure opens it again. Business errors (rejected,
// not_found...) are answers, not failures, and reset the count.
//
// Thread-safety: all methods lock.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace orders::host::plugins {

class CircuitBreaker {
public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  enum class State { closed, open, half_open };

  CircuitBreaker(
      int failure_threshold, std::chrono::milliseconds open_for,
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // True when a call may proceed now. In half-open, only one caller gets true
  // until that trial call reports back.
  bool allow();
  void onSuccess();
  void onFailure();
  State state() const;

private:
  const int failure_threshold_;
  const std::chrono::milliseconds open_for_;
  const Clock clock_;
  mutable std::mutex mutex_;
  State state_ = State::closed;
  int consecutive_failures_ = 0;
  bool trial_in_flight_ = false;
  std::chrono::steady_clock::time_point opened_at_{};
};

const char *breakerStateName(CircuitBreaker::State state);

} // namespace orders::host::plugins
