// One outbox event as the relay and the admin listing see it (the row
// storage::OutboxRepository reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace orders::host::core {

struct OutboxRow {
  int64_t id = 0;
  std::string event_id;
  std::string event_type;
  std::string aggregate_id;
  std::string payload;
  int64_t created_at_ms = 0;
  std::optional<int64_t> published_at_ms;
  std::optional<std::string> parked_error; // page(): set when the relay parked the event (cannot be encoded)
  // claimFree(): the W3C trace context the event was written in (absent
  // when written outside a trace or by an earlier version).
  std::optional<std::string> traceparent;
  std::optional<std::string> tracestate;
};

} // namespace orders::host::core
