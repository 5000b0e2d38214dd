#include "plugins/circuit_breaker.hpp"

namespace orders::host::plugins {

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for, Clock clock)
    : failure_threshold_(failure_threshold < 1 ? 1 : failure_threshold), open_for_(open_for), clock_(std::move(clock)) {
}

bool CircuitBreaker::allow() {
  std::lock_guard lock(mutex_);
  switch (state_) {
  case State::closed: return true;
  case State::open:
    if (clock_() - opened_at_ < open_for_) return false;
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
}

void CircuitBreaker::onFailure() {
  std::lock_guard lock(mutex_);
  trial_in_flight_ = false;
  if (state_ == State::half_open || ++consecutive_failures_ >= failure_threshold_) {
    state_ = State::open;
    opened_at_ = clock_();
    consecutive_failures_ = 0;
  }
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
