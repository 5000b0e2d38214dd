#include <cppunit/extensions/HelperMacros.h>

#include <thread>
#include <vector>

#include "metrics/metrics_registry.hpp"

using namespace orders::host::metrics;

class MetricsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsTest);
  CPPUNIT_TEST(countersAddPerLabelSet);
  CPPUNIT_TEST(histogramRendersCumulativeBuckets);
  CPPUNIT_TEST(labelValuesAreEscaped);
  CPPUNIT_TEST(seriesBeyondTheCapAreDroppedAndCounted);
  CPPUNIT_TEST(handlesUpdateTheSeriesTheyNamed);
  CPPUNIT_TEST(updatesFromManyThreadsAllCount);
  CPPUNIT_TEST_SUITE_END();

public:
  void countersAddPerLabelSet() {
    MetricsRegistry m;
    m.increment("x_total", {{"a", "1"}});
    m.increment("x_total", {{"a", "1"}}, 2);
    m.increment("x_total", {{"a", "2"}});
    CPPUNIT_ASSERT_EQUAL(3.0, m.value("x_total", {{"a", "1"}}));
    CPPUNIT_ASSERT_EQUAL(1.0, m.value("x_total", {{"a", "2"}}));
    const std::string text = m.renderPrometheus();
    CPPUNIT_ASSERT(text.find("# TYPE x_total counter\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("x_total{a=\"1\"} 3\n") != std::string::npos);
  }
  void histogramRendersCumulativeBuckets() {
    MetricsRegistry m;
    m.describe("lat_seconds", Type::histogram, "Latency.");
    m.observe("lat_seconds", {}, 0.0007);
    m.observe("lat_seconds", {}, 0.02);
    m.observe("lat_seconds", {}, 50);
    const std::string text = m.renderPrometheus();
    CPPUNIT_ASSERT(text.find("# HELP lat_seconds Latency.\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"0.0005\"} 0\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"0.001\"} 1\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"0.025\"} 2\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"10\"} 2\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_count 3\n") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), m.count("lat_seconds"));
  }
  void labelValuesAreEscaped() {
    MetricsRegistry m;
    m.increment("y_total", {{"path", "a\"b\\c\nd"}});
    CPPUNIT_ASSERT(m.renderPrometheus().find("y_total{path=\"a\\\"b\\\\c\\nd\"} 1") != std::string::npos);
  }

  void seriesBeyondTheCapAreDroppedAndCounted() {
    MetricsRegistry m;
    const size_t cap = MetricsRegistry::kMaxSeriesPerMetric;
    for (size_t i = 0; i < cap + 200; ++i)
      m.increment("plugin_calls_total", {{"who", "v" + std::to_string(i)}});
    CPPUNIT_ASSERT_EQUAL(1.0, m.value("plugin_calls_total", {{"who", "v0"}}));
    CPPUNIT_ASSERT_EQUAL(1.0, m.value("plugin_calls_total", {{"who", "v" + std::to_string(cap - 1)}}));
    CPPUNIT_ASSERT_EQUAL(0.0, m.value("plugin_calls_total", {{"who", "v" + std::to_string(cap)}}));
    CPPUNIT_ASSERT_EQUAL(200.0, m.value(MetricsRegistry::kDroppedSeries, {{"metric", "plugin_calls_total"}}));
    m.increment("plugin_calls_total", {{"who", "v0"}}); // existing series keep counting
    CPPUNIT_ASSERT_EQUAL(2.0, m.value("plugin_calls_total", {{"who", "v0"}}));
    const std::string text = m.renderPrometheus();
    CPPUNIT_ASSERT(text.find("who=\"v" + std::to_string(cap) + "\"") == std::string::npos);
  }
  // Handles (the plugin call path) reach the same series as labelled
  // updates, and past the cap write nowhere.
  void handlesUpdateTheSeriesTheyNamed() {
    MetricsRegistry m;
    const auto calls = m.handle("calls_total", Type::counter, {{"method", "reserve"}});
    const auto gauge = m.handle("open", Type::gauge, {{"instance", "a"}});
    const auto latency = m.handle("lat_seconds", Type::histogram, {{"method", "reserve"}});
    m.increment(calls);
    m.increment(calls, 2);
    m.increment("calls_total", {{"method", "reserve"}});
    m.set(gauge, 1);
    m.observe(latency, 0.0007);
    m.observe("lat_seconds", {{"method", "reserve"}}, 20);
    CPPUNIT_ASSERT_EQUAL(4.0, m.value("calls_total", {{"method", "reserve"}}));
    CPPUNIT_ASSERT_EQUAL(1.0, m.value("open", {{"instance", "a"}}));
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), m.count("lat_seconds", {{"method", "reserve"}}));
    const std::string text = m.renderPrometheus();
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{method=\"reserve\",le=\"0.001\"} 1\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{method=\"reserve\",le=\"+Inf\"} 2\n") != std::string::npos);
    for (size_t i = 0; i < MetricsRegistry::kMaxSeriesPerMetric; ++i)
      m.increment("full_total", {{"who", "v" + std::to_string(i)}});
    const auto beyond = m.handle("full_total", Type::counter, {{"who", "late"}});
    m.increment(beyond, 5);
    CPPUNIT_ASSERT_EQUAL(0.0, m.value("full_total", {{"who", "late"}}));
    CPPUNIT_ASSERT_EQUAL(1.0, m.value(MetricsRegistry::kDroppedSeries, {{"metric", "full_total"}}));
  }
  // Handle updates take no lock: concurrent ones must still all land, by
  // handle and by name alike, while the page renders.
  void updatesFromManyThreadsAllCount() {
    MetricsRegistry m;
    const auto calls = m.handle("calls_total", Type::counter, {});
    const auto latency = m.handle("lat_seconds", Type::histogram, {});
    constexpr int kThreads = 8;
    constexpr int kEach = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          m.increment(calls);
          m.increment("calls_total", {}, 2);
          m.observe(latency, (i % 2) ? 0.0007 : 0.3);
          if (t == 0 && i % 1000 == 0) m.renderPrometheus();
        }
      });
    for (std::thread &t : threads)
      t.join();
    CPPUNIT_ASSERT_EQUAL(3.0 * kThreads * kEach, m.value("calls_total"));
    CPPUNIT_ASSERT_EQUAL(uint64_t(kThreads) * kEach, m.count("lat_seconds"));
    const std::string text = m.renderPrometheus();
    const std::string half = std::to_string(kThreads * kEach / 2);
    const std::string all = std::to_string(kThreads * kEach);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"0.001\"} " + half + "\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_bucket{le=\"0.5\"} " + all + "\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find("lat_seconds_count " + all + "\n") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
