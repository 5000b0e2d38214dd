// orders/sdk/result.hpp - errors as values.
//
// `Result<T>` holds either a T or an `Error`. It is the return type of every
// plugin method and host service in the C++ SDK; exceptions never cross the
// plugin boundary (the trampolines in plugin.hpp turn any escaping exception
// into ErrorCode::internal). Business outcomes such as a declined payment or
// an out-of-stock line are *values* of T, not errors.
//
// Thread-safety: plain values; no shared state.
#ifndef ORDERS_SDK_RESULT_HPP
#define ORDERS_SDK_RESULT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "orders/sdk/abi.h"

namespace orders::sdk {

// Values equal the ORDERS_ERR_* constants of abi.h.
enum class ErrorCode : int32_t {
  invalid_argument = ORDERS_ERR_INVALID_ARGUMENT,
  not_found = ORDERS_ERR_NOT_FOUND,
  conflict = ORDERS_ERR_CONFLICT,
  rejected = ORDERS_ERR_REJECTED,
  unavailable = ORDERS_ERR_UNAVAILABLE,
  timeout = ORDERS_ERR_TIMEOUT,
  unauthenticated = ORDERS_ERR_UNAUTHENTICATED,
  internal = ORDERS_ERR_INTERNAL,
  unsupported = ORDERS_ERR_UNSUPPORTED,
};

// Stable lower-case name of a code ("invalid_argument"), used in logs and as
// the `code` of problem+json responses.
inline const char *errorCodeName(ErrorCode code) noexcept {
  switch (code) {
  case ErrorCode::invalid_argument: return "invalid_argument";
  case ErrorCode::not_found: return "not_found";
  case ErrorCode::conflict: return "conflict";
  case ErrorCode::rejected: return "rejected";
  case ErrorCode::unavailable: return "unavailable";
  case ErrorCode::timeout: return "timeout";
  case ErrorCode::unauthenticated: return "unauthenticated";
  case ErrorCode::internal: return "internal";
  case ErrorCode::unsupported: return "unsupported";
  }
  return "internal";
}

// Maps a raw ABI status to a code; unknown values become internal.
inline ErrorCode errorCodeFromStatus(orders_status_t status) noexcept {
  if (status >= ORDERS_ERR_INVALID_ARGUMENT && status <= ORDERS_ERR_UNSUPPORTED) return static_cast<ErrorCode>(status);
  return ErrorCode::internal;
}

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  // True when the same call may succeed if repeated later (a peer that was
  // down, a timeout). Defaults follow the code; override when you know more.
  bool retryable = false;

  static bool defaultRetryable(ErrorCode c) noexcept { return c == ErrorCode::unavailable || c == ErrorCode::timeout; }
  static Error make(ErrorCode c, std::string msg) { return Error{c, std::move(msg), defaultRetryable(c)}; }
};

inline Error invalidArgument(std::string m) { return Error::make(ErrorCode::invalid_argument, std::move(m)); }
inline Error notFound(std::string m) { return Error::make(ErrorCode::not_found, std::move(m)); }
inline Error conflict(std::string m) { return Error::make(ErrorCode::conflict, std::move(m)); }
inline Error rejected(std::string m) { return Error::make(ErrorCode::rejected, std::move(m)); }
inline Error unavailable(std::string m) { return Error::make(ErrorCode::unavailable, std::move(m)); }
inline Error timeoutError(std::string m) { return Error::make(ErrorCode::timeout, std::move(m)); }
inline Error unauthenticated(std::string m) { return Error::make(ErrorCode::unauthenticated, std::move(m)); }
inline Error internalError(std::string m) { return Error::make(ErrorCode::internal, std::move(m)); }
inline Error unsupported(std::string m) { return Error::make(ErrorCode::unsupported, std::move(m)); }

// Either a value or an Error. Accessing value() of an error (or error() of a
// value) is a programming bug and asserts via std::optional semantics.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  const T &value() const & { return *value_; }
  T &value() & { return *value_; }
  T &&value() && { return std::move(*value_); }
  const T *operator->() const { return &*value_; }
  T *operator->() { return &*value_; }
  const T &operator*() const & { return *value_; }

  const Error &error() const & { return *error_; }
  Error &&error() && { return std::move(*error_); }

private:
  std::optional<T> value_;
  std::optional<Error> error_;
};

// Result<void>: success carries nothing.
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const Error &error() const & { return *error_; }
  Error &&error() && { return std::move(*error_); }

private:
  std::optional<Error> error_;
};

using Status = Result<void>;

} // namespace orders::sdk

#endif
