#include "plugins/circuit_breaker.hpp"

#include <algorithm>

namespace orders::host::plugins {

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for,
                               std::chrono::milliseconds max_open_for, Clock clock)
    : failure_threshold_(failure_threshold < 1 ? 1 : failure_threshold), open_for_(open_for),
      max_open_for_(max_open_for < open_for ? open_for : max_open_for), clock_(std::move(clock)), period_(open_for) {}

bool CircuitBreaker::allow() {
  if (state_.load(std::memory_order_acquire) == State::closed) return true;
  std::lock_guard lock(mutex_);
  switch (state_.load(std::memory_order_relaxed)) {
  case State::closed: return true;
  case State::open:
    if (clock_() - opened_at_ < period_) return false;
    state_.store(State::half_open, std::memory_order_release);
    trial_in_flight_ = true;
    return true;
  case State::half_open:
    if (trial_in_flight_) return false;
    trial_in_flight_ = true;
    return true;
  }
  return true;
}

bool CircuitBreaker::onSuccess() {
  // Nothing to reset: the same as taking the lock before a concurrent
  // failure did.
  if (state_.load(std::memory_order_acquire) == State::closed &&
      consecutive_failures_.load(std::memory_order_acquire) == 0)
    return false;
  std::lock_guard lock(mutex_);
  const bool was_closed = state_.load(std::memory_order_relaxed) == State::closed;
  state_.store(State::closed, std::memory_order_release);
  consecutive_failures_.store(0, std::memory_order_release);
  trial_in_flight_ = false;
  period_ = open_for_;
  return !was_closed;
}

bool CircuitBreaker::onFailure() {
  std::lock_guard lock(mutex_);
  trial_in_flight_ = false;
  const State state = state_.load(std::memory_order_relaxed);
  if (state == State::half_open) {
    period_ = std::min(period_ * 2, max_open_for_); // the trial failed: wait longer
    opened_at_ = clock_();
    state_.store(State::open, std::memory_order_release);
    return true;
  }
  if (state == State::closed &&
      consecutive_failures_.fetch_add(1, std::memory_order_acq_rel) + 1 >= failure_threshold_) {
    period_ = open_for_;
    opened_at_ = clock_();
    state_.store(State::open, std::memory_order_release);
    consecutive_failures_.store(0, std::memory_order_release);
    return true;
  }
  return false;
}

std::chrono::milliseconds CircuitBreaker::openPeriod() const {
  std::lock_guard lock(mutex_);
  return period_;
}

CircuitBreaker::State CircuitBreaker::state() const { return state_.load(std::memory_order_acquire); }

const char *breakerStateName(CircuitBreaker::State state) {
  switch (state) {
  case CircuitBreaker::State::closed: return "closed";
  case CircuitBreaker::State::open: return "open";
  case CircuitBreaker::State::half_open: return "half_open";
  }
  return "closed";
}

} // namespace orders::host::plugins
