// W3C trace context (https://www.w3.org/TR/trace-context/) and spans.
//
// The context of the work a thread is doing lives in a thread_local: the
// HTTP server, the payment consumer and the outbox relay open a span with a
// remote parent (the caller's traceparent, a Kafka header, the traceparent
// stored with an outbox event) or a new trace; everything below them (plugin
// calls, the host's HTTP client, database transactions, saga steps) opens
// child spans, and only while a trace is current: periodic background work
// starts no traces of its own. Log lines carry the current trace and span
// ids, outgoing HTTP requests and Kafka messages a traceparent.
//
// Finished spans go to the sink set at start-up (the OTLP exporter, when
// tracing.otlp_endpoint is set); without one, spans only carry context.
// Work handed to another thread carries the context with it: capture
// current() where the work is queued and hold an Adopt where it runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orders::host::trace {

struct Context {
  std::string trace_id; // 32 lowercase hex digits; empty: no trace
  std::string span_id;  // 16 lowercase hex digits
  uint8_t flags = 0;    // bit 0: sampled
  std::string tracestate;

  bool valid() const { return trace_id.size() == 32 && span_id.size() == 16; }
  bool sampled() const { return (flags & 1) != 0; }
  // "00-<trace_id>-<span_id>-<flags>"; empty when !valid().
  std::string traceparent() const;
};

// A traceparent header (version 00; a later version read as 00 would be,
// per the spec) and its tracestate. nullopt when malformed, when an id is
// all zeros, or for version ff. A tracestate beyond 512 bytes is dropped.
std::optional<Context> parseTraceparent(std::string_view traceparent, std::string_view tracestate = {});

// The context of the span open on this thread (not valid() when none).
const Context &current();

// OTLP's span kinds.
enum class Kind { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };

struct Attribute {
  std::string key;
  std::string value;
  bool is_int = false; // value holds a decimal integer
};

struct SpanData {
  std::string trace_id, span_id, parent_span_id, tracestate, name;
  Kind kind = Kind::internal;
  uint64_t start_unix_ns = 0, end_unix_ns = 0;
  bool error = false;
  std::string status_message;
  std::vector<Attribute> attributes;
};

using Sink = std::function<void(SpanData &&)>;
// Set once at start-up and cleared at shutdown, while no span is open.
void setSink(Sink sink);

class Span {
public:
  // A child of the span open on this thread; inactive (no context, nothing
  // recorded) when no trace is current.
  explicit Span(std::string name, Kind kind = Kind::internal);
  // A child of `remote_parent`, or the root of a new trace when it is
  // nullopt: always active.
  Span(std::string name, Kind kind, const std::optional<Context> &remote_parent);
  ~Span();
  Span(const Span &) = delete;
  Span &operator=(const Span &) = delete;

  bool active() const { return active_; }
  // Recorded for export (attributes and names matter only then).
  bool recording() const { return data_.start_unix_ns != 0; }
  // This span's context (what a child or an outgoing request names as parent).
  const Context &context() const { return ctx_; }
  void rename(std::string name);
  void set(std::string key, std::string value);
  void set(std::string key, int64_t value);
  // Marks the span failed (OTLP status ERROR) with a message.
  void fail(std::string message);

private:
  void open(std::string name, Kind kind, const Context *parent);
  bool active_ = false;
  Context ctx_;
  Context previous_;
  SpanData data_;
};

// Makes `ctx` current on this thread for the scope (work queued by another
// thread runs in the trace it was queued from).
class Adopt {
public:
  explicit Adopt(Context ctx);
  ~Adopt();
  Adopt(const Adopt &) = delete;
  Adopt &operator=(const Adopt &) = delete;

private:
  Context previous_;
};

} // namespace orders::host::trace
