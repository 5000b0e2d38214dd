// W3C trace context: what traceparent headers are accepted and refused,
// how spans nest and restore the thread's context, that no trace is started
// by a child span alone, what a span records, and the OTLP JSON a batch of
// spans becomes.
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "log/trace.hpp"
#include "metrics/metrics_registry.hpp"
#include "net/otlp_exporter.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;

namespace {
// Records finished spans while alive.
struct Recorder {
  std::vector<trace::SpanData> spans;
  Recorder() {
    trace::setSink([this](trace::SpanData &&s) { spans.push_back(std::move(s)); });
  }
  ~Recorder() { trace::setSink(nullptr); }
};
} // namespace

class TraceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TraceTest);
  CPPUNIT_TEST(parsesTheSpecsExamplesAndRefusesMalformedHeaders);
  CPPUNIT_TEST(spansNestAndRestoreTheContext);
  CPPUNIT_TEST(childSpansStartNoTraceOfTheirOwn);
  CPPUNIT_TEST(unsampledTracesPropagateButRecordNothing);
  CPPUNIT_TEST(otlpJsonCarriesIdsKindsAttributesAndStatus);
  CPPUNIT_TEST_SUITE_END();

public:
  void parsesTheSpecsExamplesAndRefusesMalformedHeaders() {
    auto ok = trace::parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "congo=t61rcWkgMzE");
    CPPUNIT_ASSERT(ok);
    CPPUNIT_ASSERT_EQUAL(std::string("0af7651916cd43dd8448eb211c80319c"), ok->trace_id);
    CPPUNIT_ASSERT_EQUAL(std::string("b7ad6b7169203331"), ok->span_id);
    CPPUNIT_ASSERT(ok->sampled());
    CPPUNIT_ASSERT_EQUAL(std::string("congo=t61rcWkgMzE"), ok->tracestate);
    CPPUNIT_ASSERT_EQUAL(std::string("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ok->traceparent());
    auto unsampled = trace::parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
    CPPUNIT_ASSERT(unsampled && !unsampled->sampled());
    // A later version may add fields; its first four are read as version 00's.
    CPPUNIT_ASSERT(trace::parseTraceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future"));
    for (const char *bad : {
             "",
             "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", // 00 has exactly four fields
             "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",       // version ff is invalid
             "00-00000000000000000000000000000000-b7ad6b7169203331-01",       // all-zero trace id
             "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",       // all-zero parent id
             "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",       // upper case
             "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01",        // short trace id
             "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",       // wrong separators
             "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",       // flags not hex
         })
      CPPUNIT_ASSERT_MESSAGE(bad, !trace::parseTraceparent(bad));
    // Flag bits other than `sampled` are not passed on; a tracestate that is not printable ASCII is dropped.
    auto flags = trace::parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03", "a=1\r\nX-Evil: 1");
    CPPUNIT_ASSERT(flags && flags->flags == 1 && flags->tracestate.empty());
    // A tracestate beyond 512 bytes is dropped, the traceparent kept.
    auto big =
        trace::parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", std::string(600, 'a'));
    CPPUNIT_ASSERT(big && big->tracestate.empty());
  }

  void spansNestAndRestoreTheContext() {
    Recorder recorder;
    CPPUNIT_ASSERT(!trace::current().valid());
    {
      trace::Span root("request", trace::Kind::server,
                       trace::parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v"));
      CPPUNIT_ASSERT_EQUAL(root.context().span_id, trace::current().span_id);
      CPPUNIT_ASSERT_EQUAL(std::string("0af7651916cd43dd8448eb211c80319c"), trace::current().trace_id);
      {
        trace::Span child("step");
        CPPUNIT_ASSERT(child.active());
        CPPUNIT_ASSERT_EQUAL(child.context().span_id, trace::current().span_id);
        CPPUNIT_ASSERT(child.context().span_id != root.context().span_id);
        child.set("n", int64_t(3));
        child.fail("it broke");
      }
      CPPUNIT_ASSERT_EQUAL(root.context().span_id, trace::current().span_id);
      // Work queued elsewhere runs in the trace it was queued from.
      const trace::Context queued = trace::current();
      {
        trace::Adopt other(trace::Context{});
        CPPUNIT_ASSERT(!trace::current().valid());
        trace::Adopt back(queued);
        CPPUNIT_ASSERT_EQUAL(queued.span_id, trace::current().span_id);
      }
      CPPUNIT_ASSERT_EQUAL(root.context().span_id, trace::current().span_id);
    }
    CPPUNIT_ASSERT(!trace::current().valid());
    CPPUNIT_ASSERT_EQUAL(size_t(2), recorder.spans.size());
    const trace::SpanData &step = recorder.spans[0];
    const trace::SpanData &request = recorder.spans[1];
    CPPUNIT_ASSERT_EQUAL(std::string("step"), step.name);
    CPPUNIT_ASSERT_EQUAL(request.span_id, step.parent_span_id);
    CPPUNIT_ASSERT_EQUAL(std::string("b7ad6b7169203331"), request.parent_span_id);
    CPPUNIT_ASSERT_EQUAL(std::string("k=v"), step.tracestate);
    CPPUNIT_ASSERT(step.error);
    CPPUNIT_ASSERT_EQUAL(std::string("it broke"), step.status_message);
    CPPUNIT_ASSERT_EQUAL(std::string("3"), step.attributes.at(0).value);
    CPPUNIT_ASSERT(step.attributes.at(0).is_int);
    CPPUNIT_ASSERT(request.start_unix_ns <= step.start_unix_ns && step.end_unix_ns <= request.end_unix_ns);
  }

  void childSpansStartNoTraceOfTheirOwn() {
    { // without an exporter, a trace this process starts is passed on unsampled
      trace::Span root("request", trace::Kind::server, std::nullopt);
      CPPUNIT_ASSERT(root.context().valid() && !root.context().sampled());
    }
    Recorder recorder;
    {
      trace::Span orphan("db transaction");
      CPPUNIT_ASSERT(!orphan.active());
      CPPUNIT_ASSERT(!trace::current().valid());
    }
    CPPUNIT_ASSERT(recorder.spans.empty());
    { // a root with no remote parent starts a new, sampled trace
      trace::Span root("consume", trace::Kind::consumer, std::nullopt);
      CPPUNIT_ASSERT(root.context().valid() && root.context().sampled());
    }
    CPPUNIT_ASSERT_EQUAL(size_t(1), recorder.spans.size());
    CPPUNIT_ASSERT(recorder.spans[0].parent_span_id.empty());
  }

  void unsampledTracesPropagateButRecordNothing() {
    Recorder recorder;
    {
      trace::Span root("request", trace::Kind::server,
                       trace::parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"));
      trace::Span child("step");
      CPPUNIT_ASSERT(child.active());
      CPPUNIT_ASSERT_EQUAL(std::string("0af7651916cd43dd8448eb211c80319c"), trace::current().trace_id);
      CPPUNIT_ASSERT(trace::current().traceparent().substr(53) == "00");
    }
    CPPUNIT_ASSERT(recorder.spans.empty());
  }

  void otlpJsonCarriesIdsKindsAttributesAndStatus() {
    metrics::MetricsRegistry metrics;
    net::OtlpExporter::Options options;
    options.endpoint = "http://127.0.0.1:1/v1/traces"; // never reached: only encode() runs
    options.service_name = "orders";
    options.service_version = "1.2.3";
    options.environment = "test";
    net::OtlpExporter exporter(options, metrics);
    trace::SpanData s;
    s.trace_id = "0af7651916cd43dd8448eb211c80319c";
    s.span_id = "b7ad6b7169203331";
    s.parent_span_id = "00f067aa0ba902b7";
    s.name = "POST /api/orders";
    s.kind = trace::Kind::server;
    s.start_unix_ns = 1700000000000000000ULL;
    s.end_unix_ns = 1700000000123000000ULL;
    s.error = true;
    s.status_message = "HTTP 503";
    s.attributes = {{"http.route", "/api/orders", false}, {"http.response.status_code", "503", true}};
    const Json::Value body = orders::sdk::parseJson(exporter.encode({s}));
    const Json::Value &resource = body["resourceSpans"][0]["resource"];
    CPPUNIT_ASSERT_EQUAL(std::string("service.name"), resource["attributes"][0]["key"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("orders"), resource["attributes"][0]["value"]["stringValue"].asString());
    const Json::Value &span = body["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    CPPUNIT_ASSERT_EQUAL(std::string("0af7651916cd43dd8448eb211c80319c"), span["traceId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("00f067aa0ba902b7"), span["parentSpanId"].asString());
    CPPUNIT_ASSERT_EQUAL(2, span["kind"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000000000000"), span["startTimeUnixNano"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000123000000"), span["endTimeUnixNano"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("503"), span["attributes"][1]["value"]["intValue"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("/api/orders"), span["attributes"][0]["value"]["stringValue"].asString());
    CPPUNIT_ASSERT_EQUAL(2, span["status"]["code"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP 503"), span["status"]["message"].asString());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TraceTest);
