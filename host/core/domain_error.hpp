// An expected failure of the order core raised deep inside a transaction
// (where returning a Result would need unwinding by hand). It carries an
// sdk::Error; the HTTP layer answers it like any other error value.
#pragma once

#include <stdexcept>

#include "orders/sdk/result.hpp"

namespace orders::host::core {

class DomainError : public std::runtime_error {
public:
  explicit DomainError(sdk::Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
  const sdk::Error &error() const { return error_; }

private:
  sdk::Error error_;
};

} // namespace orders::host::core
