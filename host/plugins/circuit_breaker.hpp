// A per-plugin-instance circuit breaker.
//
// Closed: calls pass; `failure_threshold` consecutive retryable failures
// (unavailable, timeout) open it. Open: calls are refused at once for the
// open period, then one trial call is let through (half-open); its success
// closes the breaker, its failure opens it again for twice as long as the
// last period, up to `max_open_for`. The first period is `open_for`: a
// neighbour that blinked (a database restart) is tried again within
// seconds, one that stays down is asked less and less often. Business errors
// (rejected, not_found...) are answers, not failures, and reset the count.
//
// Thread-safety: changes lock; while the breaker is closed and nothing has
// failed, allow(), onSuccess() and state() only read two atomics (every
// plugin call passes through them).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

namespace orders::host::plugins {

class CircuitBreaker {
public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  enum class State { closed, open, half_open };

  CircuitBreaker(
      int failure_threshold, std::chrono::milliseconds open_for, std::chrono::milliseconds max_open_for,
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // True when a call may proceed now. In half-open, only one caller gets true
  // until that trial call reports back.
  bool allow();
  // Each reports whether this call changed the state: onSuccess() closed
  // an open or half-open breaker, onFailure() opened it (for the
  // transition counters: a gauge sampled now and then misses a short open).
  bool onSuccess();
  bool onFailure();
  State state() const;
  // How long the breaker stays (or last stayed) open before its next trial.
  std::chrono::milliseconds openPeriod() const;

private:
  const int failure_threshold_;
  const std::chrono::milliseconds open_for_;
  const std::chrono::milliseconds max_open_for_;
  const Clock clock_;
  mutable std::mutex mutex_;
  // Written under the lock, read without it on the fast paths.
  std::atomic<State> state_{State::closed};
  std::atomic<int> consecutive_failures_{0};
  bool trial_in_flight_ = false;
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point opened_at_{};
};

const char *breakerStateName(CircuitBreaker::State state);

} // namespace orders::host::plugins
