#include "metrics/metrics_registry.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace orders::host::metrics {

namespace {
std::string formatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

const char *typeName(Type t) {
  switch (t) {
  case Type::counter: return "counter";
  case Type::gauge: return "gauge";
  case Type::histogram: return "histogram";
  }
  return "untyped";
}

std::string escapeLabel(const std::string &v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}
} // namespace

std::string renderLabels(const Labels &labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"" + escapeLabel(labels[i].second) + "\"";
  }
  return out + "}";
}

MetricsRegistry::MetricsRegistry()
    : bucket_bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10} {}

void MetricsRegistry::describe(const std::string &name, Type type, const std::string &help) {
  std::lock_guard lock(mutex_);
  Family &f = families_[name];
  f.type = type;
  f.help = help;
}

MetricsRegistry::Series &MetricsRegistry::seriesFor(const std::string &name, Type type, const Labels &labels) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) it->second.type = type;
  const std::string key = renderLabels(labels);
  auto found = it->second.series.find(key);
  if (found == it->second.series.end() && it->second.series.size() >= kMaxSeriesPerMetric && name != kDroppedSeries) {
    // Label values are not all ours (plugins, clients): past the cap a new
    // series is dropped and counted instead of growing memory for ever.
    auto &dropped = families_[kDroppedSeries];
    dropped.type = Type::counter;
    auto &counter = dropped.series[renderLabels({{"metric", name}})];
    if (counter.first.empty()) counter.first = {{"metric", name}};
    counter.second.value.fetch_add(1, std::memory_order_relaxed);
    discarded_.reset();
    return discarded_;
  }
  auto &entry = found != it->second.series.end() ? found->second : it->second.series[key];
  if (entry.first.empty() && !labels.empty()) entry.first = labels;
  return entry.second;
}

void MetricsRegistry::increment(const std::string &name, const Labels &labels, double by) {
  std::lock_guard lock(mutex_);
  seriesFor(name, Type::counter, labels).value.fetch_add(by, std::memory_order_relaxed);
}

void MetricsRegistry::set(const std::string &name, const Labels &labels, double value) {
  std::lock_guard lock(mutex_);
  seriesFor(name, Type::gauge, labels).value.store(value, std::memory_order_relaxed);
}

void MetricsRegistry::observe(const std::string &name, const Labels &labels, double value) {
  std::lock_guard lock(mutex_);
  record(seriesFor(name, Type::histogram, labels), value);
}

void MetricsRegistry::Series::reset() {
  value.store(0, std::memory_order_relaxed);
  count.store(0, std::memory_order_relaxed);
  for (auto &b : buckets)
    b.store(0, std::memory_order_relaxed);
}

void MetricsRegistry::record(Series &s, double value) {
  s.value.fetch_add(value, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < bucket_bounds_.size(); ++i)
    if (value <= bucket_bounds_[i]) {
      s.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
}

MetricsRegistry::Handle MetricsRegistry::handle(const std::string &name, Type type, const Labels &labels) {
  std::lock_guard lock(mutex_);
  Series &s = seriesFor(name, type, labels);
  Handle h;
  if (&s != &discarded_) h.series_ = &s; // map nodes never move; the discard slot is reused
  return h;
}

// Through a handle: the series node never moves, so no lock is needed.
void MetricsRegistry::increment(Handle h, double by) {
  if (h.series_ != nullptr) h.series_->value.fetch_add(by, std::memory_order_relaxed);
}

void MetricsRegistry::set(Handle h, double value) {
  if (h.series_ != nullptr) h.series_->value.store(value, std::memory_order_relaxed);
}

void MetricsRegistry::observe(Handle h, double value) {
  if (h.series_ != nullptr) record(*h.series_, value);
}

double MetricsRegistry::value(const std::string &name, const Labels &labels) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(renderLabels(labels));
  return s == f->second.series.end() ? 0 : s->second.second.value.load(std::memory_order_relaxed);
}

uint64_t MetricsRegistry::count(const std::string &name, const Labels &labels) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(renderLabels(labels));
  return s == f->second.series.end() ? 0 : s->second.second.count.load(std::memory_order_relaxed);
}

std::string MetricsRegistry::renderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  for (const auto &[name, family] : families_) {
    if (!family.help.empty()) out << "# HELP " << name << ' ' << family.help << '\n';
    out << "# TYPE " << name << ' ' << typeName(family.type) << '\n';
    for (const auto &[key, entry] : family.series) {
      const Labels &labels = entry.first;
      const Series &s = entry.second;
      if (family.type != Type::histogram) {
        out << name << key << ' ' << formatNumber(s.value.load(std::memory_order_relaxed)) << '\n';
        continue;
      }
      // Read once each: updates land while this renders, and the +Inf
      // bucket must not be below the last bound's.
      uint64_t cumulative = 0;
      for (size_t i = 0; i < bucket_bounds_.size(); ++i) {
        cumulative += s.buckets[i].load(std::memory_order_relaxed);
        Labels with_le = labels;
        with_le.emplace_back("le", formatNumber(bucket_bounds_[i]));
        out << name << "_bucket" << renderLabels(with_le) << ' ' << cumulative << '\n';
      }
      Labels inf = labels;
      inf.emplace_back("le", "+Inf");
      const uint64_t count = std::max(cumulative, s.count.load(std::memory_order_relaxed));
      out << name << "_bucket" << renderLabels(inf) << ' ' << count << '\n';
      out << name << "_sum" << key << ' ' << formatNumber(s.value.load(std::memory_order_relaxed)) << '\n';
      out << name << "_count" << key << ' ' << count << '\n';
    }
  }
  return out.str();
}

} // namespace orders::host::metrics
