// In-process metrics, rendered as Prometheus text at GET /metrics.
//
// Families are created on first use with a type and help text; series are
// keyed by their label set. Histograms use fixed latency buckets (seconds).
// Thread-safe: one mutex guards the families and series maps; a series'
// numbers are atomics, so updates through a Handle take no lock.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orders::host::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Type { counter, gauge, histogram };

class MetricsRegistry {
  struct Series;

public:
  MetricsRegistry();

  // A series looked up once: updates through it skip rendering the labels,
  // the two map lookups and the lock (for series updated on every call;
  // concurrent updates are atomic adds). Valid for
  // the registry's lifetime; past kMaxSeriesPerMetric it writes nowhere
  // (the drop is counted once, when the handle is made).
  class Handle {
    friend class MetricsRegistry;
    Series *series_ = nullptr;
  };
  Handle handle(const std::string &name, Type type, const Labels &labels);
  void increment(Handle h, double by = 1.0);
  void set(Handle h, double value);
  void observe(Handle h, double value);

  // Declares a family (optional; undeclared families get an empty help).
  void describe(const std::string &name, Type type, const std::string &help);

  void increment(const std::string &name, const Labels &labels = {}, double by = 1.0);
  void set(const std::string &name, const Labels &labels, double value);
  void observe(const std::string &name, const Labels &labels, double value);

  // Current value of a counter or gauge series (0 when absent); for tests
  // and readiness reporting.
  double value(const std::string &name, const Labels &labels = {}) const;
  // Observation count of a histogram series.
  uint64_t count(const std::string &name, const Labels &labels = {}) const;

  std::string renderPrometheus() const;

  // At most this many label sets per metric; samples of further ones are
  // dropped and counted in kDroppedSeries{metric}.
  static constexpr size_t kMaxSeriesPerMetric = 1000;
  static constexpr const char *kDroppedSeries = "orders_metric_series_dropped_total";

private:
  static constexpr size_t kBuckets = 14; // histogram bucket bounds (seconds), see the constructor
  struct Series {
    std::atomic<double> value{0};                          // counter/gauge value, histogram sum
    std::atomic<uint64_t> count{0};                        // histogram observations
    std::array<std::atomic<uint64_t>, kBuckets> buckets{}; // histogram cumulative-ready counts
    void reset();
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::map<std::string, std::pair<Labels, Series>> series; // key: rendered labels
  };

  Series &seriesFor(const std::string &name, Type type, const Labels &labels);
  void record(Series &s, double value); // one histogram observation

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  Series discarded_; // where samples of series beyond the cap go
  std::array<double, kBuckets> bucket_bounds_;
};

// Renders {a="x",b="y"} with Prometheus escaping; empty labels give "".
std::string renderLabels(const Labels &labels);

} // namespace orders::host::metrics
