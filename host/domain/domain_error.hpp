// An expected failure of the order core raised deep inside a transaction
// (where returning a Result would need unwinding by hand). It carries an
// sdk::Error; the HTTP layer answers it like any other error value.
#pragma once

#include <stdexcept>

#include <string>

#include "domain/order_status.hpp"
#include "domain/side_effect_status.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::core {

class DomainError : public std::runtime_error {
public:
  explicit DomainError(sdk::Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
  const sdk::Error &error() const { return error_; }

private:
  sdk::Error error_;
};

// An illegal move in the transition table (order_status.hpp); the API
// answers 409 naming both.
class TransitionError : public DomainError {
public:
  TransitionError(OrderStatus from, OrderStatus to)
      : DomainError(
            sdk::conflict(std::string("cannot move an order from ") + statusName(from) + " to " + statusName(to))),
        from_(from), to_(to) {}
  OrderStatus from() const { return from_; }
  OrderStatus to() const { return to_; }

private:
  OrderStatus from_;
  OrderStatus to_;
};

// A move of a payment, shipment or reservation row the table in
// side_effect_status.hpp does not list: a defect of the caller, refused
// before anything is written (the transaction rolls back).
class SideEffectMoveError : public std::logic_error {
public:
  template <class S>
  SideEffectMoveError(const char *row, const std::string &id, S from, S to)
      : std::logic_error(std::string("cannot move ") + row + " " + id + " from " + statusName(from) + " to " +
                         statusName(to)) {}
};

// Someone else changed the order between its read and this write
// (optimistic lock): 409 `conflict`, retryable by the client.
class ConcurrentChange : public DomainError {
public:
  explicit ConcurrentChange(const std::string &what)
      : DomainError(sdk::Error{sdk::ErrorCode::conflict, what + " changed concurrently; retry", true}) {}
};

} // namespace orders::host::core
