// Exports finished spans over OTLP/HTTP with JSON bodies
// (https://opentelemetry.io/docs/specs/otlp/#otlphttp), the format every
// OpenTelemetry collector and most tracing back ends accept.
//
// Spans are queued (bounded: a full queue drops the newest and counts them)
// and sent in batches by one thread, every interval or when a batch fills.
// A batch the collector refuses or cannot be reached for is dropped and
// counted: tracing never slows or fails the work it describes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "log/trace.hpp"

namespace orders::host::metrics {
class MetricsRegistry;
}

namespace orders::host::net {

class OtlpExporter {
public:
  struct Options {
    std::string endpoint; // the URL batches are POSTed to, e.g. http://collector:4318/v1/traces
    std::string service_name;
    std::string service_version;
    std::string environment;
    int interval_ms = 1000;
    size_t max_batch = 512;
    size_t max_queue = 8192;
    int timeout_ms = 5000;
  };

  OtlpExporter(Options options, metrics::MetricsRegistry &metrics);
  // Sends what is queued (each batch within timeout_ms), then stops.
  ~OtlpExporter();
  OtlpExporter(const OtlpExporter &) = delete;
  OtlpExporter &operator=(const OtlpExporter &) = delete;

  void push(trace::SpanData &&span);

  // The OTLP JSON body for `spans` (ExportTraceServiceRequest).
  std::string encode(const std::vector<trace::SpanData> &spans) const;

private:
  void loop();
  bool post(const std::string &body, std::string &error);

  Options options_;
  metrics::MetricsRegistry &metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<trace::SpanData> queue_;
  bool stopping_ = false;
  int64_t last_warning_ms_ = 0;
  int64_t stop_deadline_ms_ = 0; // set when stopping: the queue is sent within 10 s, else dropped
  std::thread thread_;
};

} // namespace orders::host::net
