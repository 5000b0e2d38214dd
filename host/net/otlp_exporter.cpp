#include "net/otlp_exporter.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <memory>
#include <sstream>

#include "log/logger.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::net {

Poco::Net::Context::Ptr clientTlsContext(); // net/http_client.cpp

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Json::Value stringAttribute(const std::string &key, const std::string &value) {
  Json::Value a(Json::objectValue);
  a["key"] = key;
  a["value"]["stringValue"] = value;
  return a;
}

} // namespace

OtlpExporter::OtlpExporter(Options options, metrics::MetricsRegistry &metrics)
    : options_(std::move(options)), metrics_(metrics) {
  metrics_.describe("orders_trace_spans_exported_total", metrics::Type::counter, "Spans the OTLP collector accepted.");
  metrics_.describe("orders_trace_spans_dropped_total", metrics::Type::counter,
                    "Spans not exported, by reason (queue_full, export_failed).");
  thread_ = std::thread([this] { loop(); });
}

OtlpExporter::~OtlpExporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OtlpExporter::push(trace::SpanData &&span) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queue) {
      metrics_.increment("orders_trace_spans_dropped_total", {{"reason", "queue_full"}});
      return;
    }
    queue_.push_back(std::move(span));
    wake = queue_.size() >= options_.max_batch;
  }
  if (wake) wake_.notify_one();
}

std::string OtlpExporter::encode(const std::vector<trace::SpanData> &spans) const {
  Json::Value resource(Json::objectValue);
  resource["attributes"].append(stringAttribute("service.name", options_.service_name));
  if (!options_.service_version.empty())
    resource["attributes"].append(stringAttribute("service.version", options_.service_version));
  if (!options_.environment.empty())
    resource["attributes"].append(stringAttribute("deployment.environment", options_.environment));
  Json::Value scope(Json::objectValue);
  scope["scope"]["name"] = "order-service";
  if (!options_.service_version.empty()) scope["scope"]["version"] = options_.service_version;
  Json::Value &out = scope["spans"] = Json::Value(Json::arrayValue);
  for (const trace::SpanData &s : spans) {
    Json::Value span(Json::objectValue);
    span["traceId"] = s.trace_id;
    span["spanId"] = s.span_id;
    if (!s.parent_span_id.empty()) span["parentSpanId"] = s.parent_span_id;
    if (!s.tracestate.empty()) span["traceState"] = s.tracestate;
    span["name"] = s.name;
    span["kind"] = static_cast<int>(s.kind);
    span["startTimeUnixNano"] = std::to_string(s.start_unix_ns);
    span["endTimeUnixNano"] = std::to_string(s.end_unix_ns);
    Json::Value attributes(Json::arrayValue);
    for (const trace::Attribute &a : s.attributes) {
      Json::Value attribute(Json::objectValue);
      attribute["key"] = a.key;
      if (a.is_int)
        attribute["value"]["intValue"] = a.value; // int64 travels as a decimal string in OTLP JSON
      else
        attribute["value"]["stringValue"] = a.value;
      attributes.append(attribute);
    }
    span["attributes"] = attributes;
    Json::Value status(Json::objectValue);
    if (s.error) {
      status["code"] = 2; // STATUS_CODE_ERROR
      status["message"] = s.status_message;
    }
    span["status"] = status;
    out.append(span);
  }
  Json::Value resource_spans(Json::objectValue);
  resource_spans["resource"] = resource;
  resource_spans["scopeSpans"].append(scope);
  Json::Value body(Json::objectValue);
  body["resourceSpans"].append(resource_spans);
  return sdk::writeJson(body);
}

bool OtlpExporter::post(const std::string &body, std::string &error) {
  try {
    Poco::URI uri(options_.endpoint);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https")
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), clientTlsContext());
    else
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    session->setTimeout(Poco::Timespan(static_cast<long>(options_.timeout_ms) * 1000));
    std::string path = uri.getPathAndQuery();
    if (path.empty() || path == "/") path = "/v1/traces";
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session->sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream &in = session->receiveResponse(res);
    std::ostringstream answer;
    Poco::StreamCopier::copyStream(in, answer, 4096);
    if (res.getStatus() >= 200 && res.getStatus() < 300) return true;
    error = "HTTP " + std::to_string(res.getStatus()) + ": " + answer.str().substr(0, 200);
  } catch (const Poco::Exception &e) {
    error = e.displayText();
  } catch (const std::exception &e) {
    error = e.what();
  }
  return false;
}

void OtlpExporter::loop() {
  for (;;) {
    std::vector<trace::SpanData> batch;
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                     [this] { return stopping_ || queue_.size() >= options_.max_batch; });
      last = stopping_;
      const size_t n = std::min(queue_.size(), options_.max_batch);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (last && !queue_.empty()) last = false; // drain the rest first
      if (stopping_ && stop_deadline_ms_ == 0) stop_deadline_ms_ = nowMs() + 10000;
      if (stopping_ && nowMs() > stop_deadline_ms_ && !queue_.empty()) { // a slow collector: stop waiting on it
        metrics_.increment("orders_trace_spans_dropped_total", {{"reason", "export_failed"}},
                           static_cast<double>(queue_.size()));
        queue_.clear();
        last = true;
      }
    }
    if (!batch.empty()) {
      std::string error;
      if (post(encode(batch), error)) {
        metrics_.increment("orders_trace_spans_exported_total", {}, static_cast<double>(batch.size()));
      } else {
        metrics_.increment("orders_trace_spans_dropped_total", {{"reason", "export_failed"}},
                           static_cast<double>(batch.size()));
        bool stopping = false;
        {
          std::lock_guard lock(mutex_);
          stopping = stopping_;
          if (stopping && !queue_.empty()) { // shutting down and the collector is away: do not wait on it again
            metrics_.increment("orders_trace_spans_dropped_total", {{"reason", "export_failed"}},
                               static_cast<double>(queue_.size()));
            queue_.clear();
          }
        }
        if (stopping) last = true;
        const int64_t now = nowMs();
        if (now - last_warning_ms_ >= 60000) { // at most one line a minute
          last_warning_ms_ = now;
          log::warn("tracing: spans not exported",
                    {{"endpoint", options_.endpoint}, {"spans", std::to_string(batch.size())}, {"error", error}});
        }
      }
    }
    if (last) return;
  }
}

} // namespace orders::host::net
