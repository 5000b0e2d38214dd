#include "plugins/circuit_breaker.hpp"

#include <algorithm>

namespace orders::host::plugins {

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for,
                               std::chrono::milliseconds max_open_for, Clock clock)
    : failure_threshold_(failure_threshold < 1 ? 1 : failure_threshold), open_for_(open_for),
      max_open_for_(max_open_for < open_for ? open_for : max_open_for), clock_(std::move(clock)), period_(open_for) {}

bool CircuitBreaker::allow() {
  std::lock_guard lock(mutex_);
  switch (state_) {
  case State::closed: return true;
  case State::open:
    if (clock_() - opened_at_ < period_) return false;
    state_ = State::half_open;
    trial_in_flight_ = true;
    return true;
  case State::half_open:
    if (trial_in_flight_) return false;
    trial_in_flight_ = true;
    return true;
  }
  return true;
}

void CircuitBreaker::onSuccess() {
  std::lock_guard lock(mutex_);
  state_ = State::closed;
  consecutive_failures_ = 0;
  trial_in_flight_ = false;
  period_ = open_for_;
}

void CircuitBreaker::onFailure() {
  std::lock_guard lock(mutex_);
  trial_in_flight_ = false;
  if (state_ == State::half_open) {
    period_ = std::min(period_ * 2, max_open_for_); // the trial failed: wait longer
    state_ = State::open;
    opened_at_ = clock_();
  } else if (state_ == State::closed && ++consecutive_failures_ >= failure_threshold_) {
    period_ = open_for_;
    state_ = State::open;
    opened_at_ = clock_();
    consecutive_failures_ = 0;
  }
}

std::chrono::milliseconds CircuitBreaker::openPeriod() const {
  std::lock_guard lock(mutex_);
  return period_;
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

const char *breakerStateName(CircuitBreaker::State state) {
  switch (state) {
  case CircuitBreaker::State::closed: return "closed";
  case CircuitBreaker::State::open: return "open";
  case CircuitBreaker::State::half_open: return "half_open";
  }
  return "closed";
}

} // namespace orders::host::plugins
