// orders/sdk/testing/fake_host.hpp - host services without a host.
//
// FakeHost implements the orders_host_services_t table in memory so a
// plugin's unit tests run without sockets or a server: outbound HTTP
// requests are recorded and answered from a script (first matching rule by
// method and URL prefix, else 404 or a configured transport error), log lines
// and metric samples are captured, secrets come from a map, and the clock is
// settable. A dialect's core calls are answered from a script too (onCore;
// without one, Host::core() answers unsupported as it does for other kinds).
// Pass `services()` to a plugin's create(), or use PluginHarness.
//
// Thread-safety: all methods lock; scripted answers may be consumed from
// several plugin threads.
#ifndef ORDERS_SDK_TESTING_FAKE_HOST_HPP
#define ORDERS_SDK_TESTING_FAKE_HOST_HPP

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orders/sdk/host.hpp"

namespace orders::sdk::testing {

struct LoggedLine {
  LogLevel level;
  std::string message;
};

struct MetricSample {
  int32_t type;
  std::string name;
  double value;
  std::string labels_json;
};

class FakeHost {
public:
  // A scripted answer: either an HTTP response or a transport error.
  struct Reply {
    HttpResponse response;
    std::optional<Error> error;
  };

  FakeHost() noexcept
      : table_{sizeof(orders_host_services_t),
               this,
               &FakeHost::logThunk,
               &FakeHost::metricThunk,
               &FakeHost::httpThunk,
               &FakeHost::nowThunk,
               &FakeHost::secretThunk,
               nullptr} {} // core: offered once onCore() scripts it
  FakeHost(const FakeHost &) = delete;
  FakeHost &operator=(const FakeHost &) = delete;

  const orders_host_services_t *services() const noexcept { return &table_; }
  Host host() const noexcept { return Host(&table_); }

  // Answers the next request whose method matches and whose URL starts with
  // `url_prefix`. Replies queued for one rule are used in order; the last
  // one repeats.
  void onHttp(const std::string &method, const std::string &url_prefix, HttpResponse response) {
    std::lock_guard lock(mutex_);
    rules_.push_back(Rule{method, url_prefix, {Reply{std::move(response), std::nullopt}}});
  }
  void onHttpError(const std::string &method, const std::string &url_prefix, Error error) {
    std::lock_guard lock(mutex_);
    rules_.push_back(Rule{method, url_prefix, {Reply{HttpResponse{}, std::move(error)}}});
  }
  // Appends a reply to the most recent rule (sequences: fail, then succeed).
  void thenHttp(HttpResponse response) {
    std::lock_guard lock(mutex_);
    rules_.back().replies.push_back(Reply{std::move(response), std::nullopt});
  }

  // Answers core calls of `op` (a dialect's Host::core()) with `answer`,
  // whatever their parameters; the last onCore for an op wins. Ops without
  // one answer 404 with a problem body. Calls are recorded (coreCalls()).
  void onCore(const std::string &op, CoreAnswer answer) {
    std::lock_guard lock(mutex_);
    core_answers_[op] = std::move(answer);
    table_.core = &FakeHost::coreThunk;
  }
  // The core calls made, each with its body.
  std::vector<std::pair<CoreCall, std::string>> coreCalls() const {
    std::lock_guard lock(mutex_);
    return core_calls_;
  }

  void setSecret(const std::string &name, const std::string &value) {
    std::lock_guard lock(mutex_);
    secrets_[name] = value;
  }
  void setNowUnixMs(int64_t now) {
    std::lock_guard lock(mutex_);
    now_ms_ = now;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<LoggedLine> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  std::vector<MetricSample> metrics() const {
    std::lock_guard lock(mutex_);
    return metrics_;
  }

private:
  struct Rule {
    std::string method;
    std::string url_prefix;
    std::deque<Reply> replies;
  };

  static FakeHost *self(void *ctx) noexcept { return static_cast<FakeHost *>(ctx); }

  static void logThunk(void *ctx, int32_t level, orders_bytes_t message) noexcept {
    try {
      std::lock_guard lock(self(ctx)->mutex_);
      self(ctx)->logs_.push_back(LoggedLine{static_cast<LogLevel>(level), std::string(viewOf(message))});
    } catch (...) {
    }
  }
  static void metricThunk(void *ctx, int32_t type, orders_bytes_t name, double value, orders_bytes_t labels) noexcept {
    try {
      std::lock_guard lock(self(ctx)->mutex_);
      self(ctx)->metrics_.push_back(MetricSample{type, std::string(viewOf(name)), value, std::string(viewOf(labels))});
    } catch (...) {
    }
  }
  static int64_t nowThunk(void *ctx) noexcept {
    std::lock_guard lock(self(ctx)->mutex_);
    return self(ctx)->now_ms_;
  }
  static orders_status_t secretThunk(void *ctx, orders_bytes_t name, const orders_sink_t *out) noexcept {
    try {
      std::lock_guard lock(self(ctx)->mutex_);
      auto it = self(ctx)->secrets_.find(std::string(viewOf(name)));
      if (it == self(ctx)->secrets_.end())
        return failInto(out, notFound("no secret named " + std::string(viewOf(name))));
      appendInto(out, ORDERS_PART_BODY, it->second);
      return ORDERS_OK;
    } catch (...) {
      return failInto(out, internalError("fake host secret lookup failed"));
    }
  }
  static orders_status_t coreThunk(void *ctx, orders_bytes_t request, orders_bytes_t payload,
                                   const orders_sink_t *out) noexcept {
    try {
      auto call = decode<CoreCall>(viewOf(request));
      if (!call.ok()) return failInto(out, call.error());
      CoreAnswer answer;
      answer.status = 404;
      answer.headers["content-type"] = "application/problem+json";
      answer.body = R"({"code":"not_found","detail":"no scripted core answer"})";
      {
        std::lock_guard lock(self(ctx)->mutex_);
        self(ctx)->core_calls_.emplace_back(call.value(), std::string(viewOf(payload)));
        auto it = self(ctx)->core_answers_.find(call->op);
        if (it != self(ctx)->core_answers_.end()) answer = it->second;
      }
      appendInto(out, ORDERS_PART_META, encode(answer));
      appendInto(out, ORDERS_PART_BODY, answer.body);
      return ORDERS_OK;
    } catch (...) {
      return failInto(out, internalError("fake host core failed"));
    }
  }
  static orders_status_t httpThunk(void *ctx, orders_bytes_t request, orders_bytes_t payload,
                                   const orders_sink_t *out) noexcept {
    try {
      auto req = decode<HttpRequest>(viewOf(request));
      if (!req.ok()) return failInto(out, req.error());
      HttpRequest recorded = std::move(req).value();
      recorded.body = std::string(viewOf(payload));
      Reply reply{HttpResponse{404, {}, "no scripted response"}, std::nullopt};
      {
        std::lock_guard lock(self(ctx)->mutex_);
        self(ctx)->requests_.push_back(recorded);
        for (Rule &rule : self(ctx)->rules_) {
          if (rule.method == recorded.method && recorded.url.rfind(rule.url_prefix, 0) == 0) {
            reply = rule.replies.front();
            if (rule.replies.size() > 1) rule.replies.pop_front();
            break;
          }
        }
      }
      if (reply.error) return failInto(out, *reply.error);
      appendInto(out, ORDERS_PART_META, encode(reply.response));
      appendInto(out, ORDERS_PART_BODY, reply.response.body);
      return ORDERS_OK;
    } catch (...) {
      return failInto(out, internalError("fake host http failed"));
    }
  }

  orders_host_services_t table_;
  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  std::vector<HttpRequest> requests_;
  std::vector<LoggedLine> logs_;
  std::vector<MetricSample> metrics_;
  std::map<std::string, std::string> secrets_;
  std::map<std::string, CoreAnswer> core_answers_;
  std::vector<std::pair<CoreCall, std::string>> core_calls_;
  int64_t now_ms_ = 1'790'000'000'000; // 2026-09-21T13:33:20Z
};

} // namespace orders::sdk::testing

#endif
