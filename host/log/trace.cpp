#include "log/trace.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>

namespace orders::host::trace {

namespace {

thread_local Context t_current;

// The sink, swapped whole: spans finishing on other threads keep the one
// they loaded.
std::mutex g_sink_mutex;
std::shared_ptr<const Sink> g_sink;
std::atomic<bool> g_recording{false};

std::shared_ptr<const Sink> sink() {
  std::lock_guard lock(g_sink_mutex);
  return g_sink;
}

std::string randomHex(size_t digits) {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digits, '0');
  do {
    for (size_t i = 0; i < digits; i += 16) {
      uint64_t r = rng();
      for (size_t j = i; j < digits && j < i + 16; ++j, r >>= 4)
        out[j] = kHex[r & 0xf];
    }
  } while (out.find_first_not_of('0') == std::string::npos); // all zeros is invalid
  return out;
}

bool lowerHex(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return s.find_first_not_of('0') != std::string_view::npos;
}

uint64_t nowUnixNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

} // namespace

std::string Context::traceparent() const {
  if (!valid()) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "00-" + trace_id + "-" + span_id + "-";
  out += kHex[flags >> 4];
  out += kHex[flags & 0xf];
  return out;
}

std::optional<Context> parseTraceparent(std::string_view header, std::string_view tracestate) {
  // version "-" trace-id "-" parent-id "-" flags; a later version may add
  // fields after another "-".
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
    header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t'))
    header.remove_suffix(1);
  if (header.size() < 55) return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  if (!(lowerHex(version, 2) || version == "00") || version == "ff") return std::nullopt;
  if (version == "00" && header.size() != 55) return std::nullopt;
  if (header.size() > 55 && header[55] != '-') return std::nullopt;
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const std::string_view trace_id = header.substr(3, 32);
  const std::string_view span_id = header.substr(36, 16);
  const std::string_view flags = header.substr(53, 2);
  if (!lowerHex(trace_id, 32) || !lowerHex(span_id, 16)) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  const int hi = nibble(flags[0]);
  const int lo = nibble(flags[1]);
  if (hi < 0 || lo < 0) return std::nullopt;
  Context ctx;
  ctx.trace_id = std::string(trace_id);
  ctx.span_id = std::string(span_id);
  ctx.flags = static_cast<uint8_t>((hi * 16 + lo) & 0x01); // only `sampled` is defined; others are passed on as 0
  // tracestate: kept only when it is at most 512 bytes of printable ASCII
  // (it goes on into HTTP headers and Kafka headers as it is).
  const bool printable =
      std::all_of(tracestate.begin(), tracestate.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (tracestate.size() <= 512 && printable) ctx.tracestate = std::string(tracestate);
  return ctx;
}

const Context &current() { return t_current; }

void setSink(Sink s) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = s ? std::make_shared<const Sink>(std::move(s)) : nullptr;
  g_recording.store(g_sink != nullptr);
}

Span::Span(std::string name, Kind kind) {
  if (!t_current.valid()) return;
  open(std::move(name), kind, &t_current); // open() reads the parent before it replaces t_current
}

Span::Span(std::string name, Kind kind, const std::optional<Context> &remote_parent) {
  open(std::move(name), kind, remote_parent && remote_parent->valid() ? &*remote_parent : nullptr);
}

void Span::open(std::string name, Kind kind, const Context *parent) {
  active_ = true;
  const bool recording = g_recording.load(std::memory_order_relaxed);
  if (parent != nullptr) {
    ctx_.trace_id = parent->trace_id;
    ctx_.flags = parent->flags;
    ctx_.tracestate = parent->tracestate;
  } else {
    ctx_.trace_id = randomHex(32);
    ctx_.flags = recording ? 1 : 0; // sampled when this process exports what it starts
  }
  ctx_.span_id = randomHex(16);
  if (recording && ctx_.sampled()) {
    data_.name = std::move(name);
    data_.kind = kind;
    data_.start_unix_ns = nowUnixNs();
    if (parent != nullptr) data_.parent_span_id = parent->span_id;
  } else {
    data_.start_unix_ns = 0; // not recorded
  }
  previous_ = std::move(t_current); // `parent` may be t_current: read above, replaced now
  t_current = ctx_;
}

Span::~Span() {
  if (!active_) return;
  t_current = std::move(previous_);
  if (data_.start_unix_ns == 0) return;
  auto s = sink();
  if (!s) return;
  data_.end_unix_ns = nowUnixNs();
  data_.trace_id = ctx_.trace_id;
  data_.span_id = ctx_.span_id;
  data_.tracestate = ctx_.tracestate;
  try {
    (*s)(std::move(data_));
  } catch (...) {
    // A span that cannot be exported is dropped; the work it describes is done.
  }
}

void Span::rename(std::string name) {
  if (data_.start_unix_ns != 0) data_.name = std::move(name);
}

void Span::set(std::string key, std::string value) {
  if (data_.start_unix_ns != 0) data_.attributes.push_back({std::move(key), std::move(value), false});
}

void Span::set(std::string key, int64_t value) {
  if (data_.start_unix_ns != 0) data_.attributes.push_back({std::move(key), std::to_string(value), true});
}

void Span::fail(std::string message) {
  if (data_.start_unix_ns == 0) return;
  data_.error = true;
  data_.status_message = std::move(message);
}

Adopt::Adopt(Context ctx) : previous_(std::move(t_current)) { t_current = std::move(ctx); }

Adopt::~Adopt() { t_current = std::move(previous_); }

} // namespace orders::host::trace
