// orders/sdk/sink.hpp - an owning buffer behind an orders_sink_t.
//
// Whoever makes a call across the ABI creates a SinkBuffer, passes
// `sink()` to the callee, and reads body/meta/error afterwards. The buffer
// owns every byte written into it (the callee never allocates for the
// caller). Used by the host for plugin calls and by plugins for host calls.
//
// Thread-safety: one call at a time; not shared between threads.
#ifndef ORDERS_SDK_SINK_HPP
#define ORDERS_SDK_SINK_HPP

#include <string>
#include <string_view>

#include "orders/sdk/abi.h"
#include "orders/sdk/result.hpp"

namespace orders::sdk {

inline orders_bytes_t bytesOf(std::string_view s) noexcept { return orders_bytes_t{s.data(), s.size()}; }
inline std::string_view viewOf(orders_bytes_t b) noexcept {
  return b.data == nullptr ? std::string_view() : std::string_view(b.data, b.len);
}

class SinkBuffer {
public:
  SinkBuffer() noexcept : sink_{sizeof(orders_sink_t), this, &SinkBuffer::appendThunk, &SinkBuffer::failThunk} {}
  SinkBuffer(const SinkBuffer &) = delete;
  SinkBuffer &operator=(const SinkBuffer &) = delete;

  const orders_sink_t *sink() const noexcept { return &sink_; }

  const std::string &body() const noexcept { return body_; }
  std::string &body() noexcept { return body_; }
  const std::string &meta() const noexcept { return meta_; }
  bool failed() const noexcept { return failed_; }

  // The error reported through fail(), or one synthesised from `status` when
  // the callee returned an error code without calling fail().
  Error errorFor(orders_status_t status) const {
    if (failed_) return Error{code_, message_, retryable_};
    const ErrorCode c = errorCodeFromStatus(status);
    return Error{c, std::string("call failed with ") + errorCodeName(c), Error::defaultRetryable(c)};
  }

private:
  static void appendThunk(void *ctx, int32_t part, orders_bytes_t bytes) noexcept {
    auto *self = static_cast<SinkBuffer *>(ctx);
    try {
      (part == ORDERS_PART_META ? self->meta_ : self->body_).append(viewOf(bytes));
    } catch (...) { // out of memory: report instead of unwinding into C
      self->failed_ = true;
      self->code_ = ErrorCode::internal;
      self->message_ = "out of memory in result sink";
    }
  }
  static void failThunk(void *ctx, orders_status_t code, int32_t retryable, orders_bytes_t message) noexcept {
    auto *self = static_cast<SinkBuffer *>(ctx);
    self->failed_ = true;
    self->code_ = errorCodeFromStatus(code);
    self->retryable_ = retryable != 0;
    try {
      self->message_.assign(viewOf(message));
    } catch (...) {
    }
  }

  orders_sink_t sink_;
  std::string body_;
  std::string meta_;
  bool failed_ = false;
  ErrorCode code_ = ErrorCode::internal;
  bool retryable_ = false;
  std::string message_;
};

// Reports `error` through a sink and returns its status code.
inline orders_status_t failInto(const orders_sink_t *out, const Error &error) noexcept {
  if (out != nullptr && out->fail != nullptr)
    out->fail(out->ctx, static_cast<orders_status_t>(error.code), error.retryable ? 1 : 0, bytesOf(error.message));
  return static_cast<orders_status_t>(error.code);
}

inline void appendInto(const orders_sink_t *out, int32_t part, std::string_view bytes) noexcept {
  if (out != nullptr && out->append != nullptr) out->append(out->ctx, part, bytesOf(bytes));
}

} // namespace orders::sdk

#endif
