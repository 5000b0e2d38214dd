// Tracing end to end: the real binary with tracing.otlp_endpoint set to a
// collector played by an HTTP peer, a payments service played by another,
// and kafka-mock. One checkout arrives with a W3C traceparent: its spans
// (the HTTP request, each saga step, each plugin call, the payment
// service's HTTP call, database transactions, the outbox publication) reach
// the collector as one tree under the caller's span; the payments service
// and the published order.created event carry the trace; the log lines name
// it. A payment event consumed with a traceparent of its own continues that
// trace into the order.paid event.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "kafka_support.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::requestsTo;

namespace {

constexpr const char *kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char *kCallerSpan = "00f067aa0ba902b7";
constexpr const char *kPaymentTrace = "0af7651916cd43dd8448eb211c80319c";
constexpr const char *kPaymentSpan = "b7ad6b7169203331";

struct Span {
  std::string trace_id, span_id, parent_span_id, name;
  int kind = 0;
  std::map<std::string, std::string> attributes;
  int status = 0;
};

// Every span the collector received, from every OTLP/HTTP JSON batch.
std::vector<Span> received(const HttpPeer &collector, std::string *service_name = nullptr) {
  std::vector<Span> out;
  for (const auto &request : requestsTo(collector, "POST", "/v1/traces")) {
    const Json::Value body = orders::sdk::parseJson(request.body);
    for (const Json::Value &rs : body["resourceSpans"]) {
      for (const Json::Value &a : rs["resource"]["attributes"])
        if (service_name != nullptr && a["key"].asString() == "service.name")
          *service_name = a["value"]["stringValue"].asString();
      for (const Json::Value &ss : rs["scopeSpans"])
        for (const Json::Value &s : ss["spans"]) {
          Span span{s["traceId"].asString(),    s["spanId"].asString(), s["parentSpanId"].asString(),
                    s["name"].asString(),       s["kind"].asInt(),      {},
                    s["status"]["code"].asInt()};
          for (const Json::Value &a : s["attributes"])
            span.attributes[a["key"].asString()] = a["value"].isMember("intValue")
                                                       ? a["value"]["intValue"].asString()
                                                       : a["value"]["stringValue"].asString();
          out.push_back(std::move(span));
        }
    }
  }
  return out;
}

std::vector<Span> ofTrace(const std::vector<Span> &spans, const std::string &trace_id) {
  std::vector<Span> out;
  for (const Span &s : spans)
    if (s.trace_id == trace_id) out.push_back(s);
  return out;
}

const Span *named(const std::vector<Span> &spans, const std::string &name) {
  for (const Span &s : spans)
    if (s.name == name) return &s;
  return nullptr;
}

std::string describe(const std::vector<Span> &spans) {
  std::string out;
  for (const Span &s : spans)
    out += "  " + s.span_id + " <- " + (s.parent_span_id.empty() ? "(root)" : s.parent_span_id) + " kind " +
           std::to_string(s.kind) + " " + s.name + "\n";
  return out;
}

// "00-<trace>-<span>-<flags>" split; empty strings when malformed.
std::pair<std::string, std::string> idsOf(const std::string &traceparent) {
  if (traceparent.size() != 55) return {};
  return {traceparent.substr(3, 32), traceparent.substr(36, 16)};
}

} // namespace

class TracingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TracingTest);
  CPPUNIT_TEST(oneCheckoutIsOneTraceAcrossPluginsKafkaAndLogs);
  CPPUNIT_TEST_SUITE_END();

public:
  void oneCheckoutIsOneTraceAcrossPluginsKafkaAndLogs() {
    HttpPeer collector, payments;
    collector.on("POST", "/v1/traces", {200, "{}"});
    payments.on("POST", "/api/payments", {201, R"({"paymentId":"pay-1","status":"pending"})"});
    orders::testing::KafkaMock kafka({"payment.events", "payment.events.dlq", "order.events"});
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.access_log = true;
    o.checkout_extra = ", payment: payments";
    o.payment_extra = "    - name: payments-service\n      id: payments\n      config: { base_url: \"" +
                      payments.baseUrl() + "\" }\n";
    o.extra_yaml = "kafka:\n  bootstrap_servers: \"" + kafka.bootstrap() +
                   "\"\n  consumer_client: { session.timeout.ms: 6000, heartbeat.interval.ms: 1000 }\n"
                   "  relay: { idle_poll_ms: 20, delivery_timeout_ms: 2000, max_backoff_ms: 500 }\n"
                   "events:\n"
                   "  publish:\n    - { topic: order.events, types: [\"*\"], format: canonical }\n"
                   "  consume:\n    - { topic: payment.events, payment_instance: payments }\n"
                   "tracing: { otlp_endpoint: \"" +
                   collector.baseUrl() + "/v1/traces\", service_name: orders-under-test, export_interval_ms: 100 }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    const std::string caller = std::string("00-") + kTrace + "-" + kCallerSpan + "-01";
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}),
                        {{"traceparent", caller}, {"tracestate", "vendor=opaque"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();

    // The payments service got the trace, as a child of one of our spans.
    const auto created = requestsTo(payments, "POST", "/api/payments");
    CPPUNIT_ASSERT_EQUAL(size_t(1), created.size());
    CPPUNIT_ASSERT_MESSAGE("no traceparent to the payments service", created[0].headers.count("traceparent") == 1);
    const auto [peer_trace, peer_parent] = idsOf(created[0].headers.at("traceparent"));
    CPPUNIT_ASSERT_EQUAL(std::string(kTrace), peer_trace);
    CPPUNIT_ASSERT(peer_parent != kCallerSpan);
    CPPUNIT_ASSERT_EQUAL(std::string("vendor=opaque"), created[0].headers.at("tracestate"));

    // The payment for it, with a trace of its own: consumed in that trace, and order.paid published in it.
    const std::string captured = R"({"type":"PaymentCapturedEvent","eventId":"ev-1","orderId":")" + id +
                                 R"(","paymentId":"pay-1","amountMinor":1299,"currency":"USD"})";
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, captured,
                             {{"traceparent", std::string("00-") + kPaymentTrace + "-" + kPaymentSpan + "-01"}});

    // The collector has the checkout's spans, one tree under the caller's span.
    std::vector<Span> spans;
    std::string service;
    const std::vector<std::string> steps = {
        "checkout.resolve_customer", "checkout.load_lines",   "checkout.price",
        "checkout.reserve_stock",    "checkout.write_orders", "checkout.create_payments",
        "checkout.create_shipments", "checkout.complete"};
    auto complete = [&] {
      spans = ofTrace(received(collector, &service), kTrace);
      for (const auto &step : steps)
        if (named(spans, step) == nullptr) return false;
      for (const Span &s : spans)
        if (s.kind == 4) return true; // the relay's publication arrives last
      return false;
    };
    CPPUNIT_ASSERT_MESSAGE("spans of the checkout's trace:\n" + describe(spans) + server.log(),
                           eventually(complete, 20000));
    CPPUNIT_ASSERT_EQUAL(std::string("orders-under-test"), service);
    const Span *http = named(spans, "POST /api/orders");
    CPPUNIT_ASSERT_MESSAGE(describe(spans), http != nullptr);
    CPPUNIT_ASSERT_EQUAL(2, http->kind);
    const std::string http_span_id = http->span_id;
    CPPUNIT_ASSERT_EQUAL(std::string(kCallerSpan), http->parent_span_id);
    CPPUNIT_ASSERT_EQUAL(std::string("201"), http->attributes.at("http.response.status_code"));
    CPPUNIT_ASSERT_EQUAL(std::string("/api/orders"), http->attributes.at("http.route"));
    std::set<std::string> ids;
    for (const Span &s : spans)
      ids.insert(s.span_id);
    for (const Span &s : spans)
      CPPUNIT_ASSERT_MESSAGE(s.name + " has a parent outside the trace:\n" + describe(spans),
                             s.parent_span_id == kCallerSpan || ids.count(s.parent_span_id) == 1);
    for (const auto &step : steps)
      CPPUNIT_ASSERT_EQUAL_MESSAGE(step, http->span_id, named(spans, step)->parent_span_id);
    // Each plugin call: catalog, stock, payment, shipping.
    std::set<std::string> instances;
    for (const Span &s : spans)
      if (s.attributes.count("plugin.instance")) instances.insert(s.attributes.at("plugin.instance"));
    for (const char *instance : {"catalog", "stock", "payments"})
      CPPUNIT_ASSERT_MESSAGE(std::string(instance) + " call not traced:\n" + describe(spans),
                             instances.count(instance));
    // The payments service's request is the HTTP client span's child, itself the payment plugin call's.
    const Span *client = nullptr;
    for (const Span &s : spans)
      if (s.span_id == peer_parent) client = &s;
    CPPUNIT_ASSERT_MESSAGE(describe(spans), client != nullptr);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(spans), 3, client->kind);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP POST"), client->name);
    const Span *payment_call = nullptr;
    for (const Span &s : spans)
      if (s.span_id == client->parent_span_id) payment_call = &s;
    CPPUNIT_ASSERT_MESSAGE(describe(spans), payment_call != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("payments"), payment_call->attributes.at("plugin.instance"));
    CPPUNIT_ASSERT_EQUAL(named(spans, "checkout.create_payments")->span_id, payment_call->parent_span_id);
    // Database transactions, under the steps that ran them.
    int transactions = 0;
    for (const Span &s : spans)
      if (s.name.rfind("db ", 0) == 0) {
        ++transactions;
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), s.attributes.at("db.system"));
      }
    CPPUNIT_ASSERT_MESSAGE(describe(spans), transactions >= 3);
    CPPUNIT_ASSERT_MESSAGE(describe(spans), named(spans, "db transaction") != nullptr);

    auto state = [&] {
      std::string metrics;
      std::istringstream lines(server.request("GET", "/metrics").body);
      for (std::string l; std::getline(lines, l);)
        if (l.rfind("orders_payment", 0) == 0 || l.rfind("orders_outbox", 0) == 0) metrics += l + "\n";
      return "order " + server.as("u1", "buyer", "GET", "/api/orders/" + id).body + "\n" + metrics + server.log();
    };
    // The order is paid; the published events carry their traces: order.created the checkout's (its
    // traceparent names the publication span), order.paid the payment event's.
    CPPUNIT_ASSERT_MESSAGE(
        state(),
        eventually(
            [&] { return server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["status"].asString() == "paid"; },
            30000));
    std::map<std::string, orders::testing::KafkaMessage> by_type;
    eventually(
        [&] {
          for (const auto &m : orders::testing::readTopic(kafka.bootstrap(), "order.events", 10, 2000, 0))
            by_type[m.headers.count("event-type") ? m.headers.at("event-type") : ""] = m;
          return by_type.count("order.created") && by_type.count("order.paid");
        },
        20000);
    CPPUNIT_ASSERT_MESSAGE("no order.created published", by_type.count("order.created"));
    CPPUNIT_ASSERT_MESSAGE("no order.paid published", by_type.count("order.paid"));
    const auto &created_event = by_type["order.created"];
    CPPUNIT_ASSERT_MESSAGE("order.created published without a traceparent", created_event.headers.count("traceparent"));
    const auto [event_trace, event_parent] = idsOf(created_event.headers.at("traceparent"));
    CPPUNIT_ASSERT_EQUAL(std::string(kTrace), event_trace);
    spans = ofTrace(received(collector), kTrace);
    const Span *publish = nullptr;
    for (const Span &s : spans)
      if (s.span_id == event_parent) publish = &s;
    CPPUNIT_ASSERT_MESSAGE(describe(spans), publish != nullptr);
    CPPUNIT_ASSERT_EQUAL(4, publish->kind);
    CPPUNIT_ASSERT_EQUAL(std::string("publish order.events"), publish->name);
    CPPUNIT_ASSERT_EQUAL(std::string(kPaymentTrace), idsOf(by_type["order.paid"].headers["traceparent"]).first);

    // The request's access log line names the trace and the request's span.
    const std::string log = server.log();
    const std::string line = std::string("\"trace_id\":\"") + kTrace + "\"";
    CPPUNIT_ASSERT_MESSAGE(log, log.find(line) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("\"span_id\":\"" + http_span_id + "\"") != std::string::npos);

    std::vector<Span> payment_spans;
    CPPUNIT_ASSERT_MESSAGE(describe(payment_spans), eventually(
                                                        [&] {
                                                          payment_spans = ofTrace(received(collector), kPaymentTrace);
                                                          return named(payment_spans, "consume payment.events") &&
                                                                 named(payment_spans, "publish order.events");
                                                        },
                                                        20000));
    const Span *consume = named(payment_spans, "consume payment.events");
    CPPUNIT_ASSERT_EQUAL(5, consume->kind);
    CPPUNIT_ASSERT_EQUAL(std::string(kPaymentSpan), consume->parent_span_id);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TracingTest);
