// notifier/echo: an example of a plugin written out of tree against the
// installed SDK. It needs no HTTP client of its own: the host does the call
// (timeouts, retries, breaker, metrics). Named `echo` so that its library,
// orders-notifier-echo.so, never shadows the shipped notifier/webhook.
#include <set>

#include "notifier_echo_config_schema.hpp"
#include "orders/sdk/plugin.hpp"

namespace {

using namespace orders::sdk;

class EchoNotifier final : public Notifier {
public:
  static Result<std::unique_ptr<EchoNotifier>> create(PluginContext ctx) {
    auto n = std::make_unique<EchoNotifier>(ctx.host);
    n->url_ = ctx.config["url"].asString();
    for (const Json::Value &e : ctx.config["events"])
      n->events_.insert(e.asString());
    if (ctx.config.isMember("token_secret")) {
      auto token = ctx.host.secret(ctx.config["token_secret"].asString());
      if (!token.ok()) return invalidArgument("token_secret: " + token.error().message);
      n->token_ = token.value();
    }
    return n;
  }
  explicit EchoNotifier(Host host) : host_(host) {}

  Result<Empty> notify(const Notification &notification) override {
    if (!events_.empty() && events_.count(notification.event) == 0) return Empty{};
    HttpRequest req;
    req.method = "POST";
    req.url = url_;
    req.headers["Content-Type"] = "application/json";
    if (!token_.empty()) req.headers["Authorization"] = "Bearer " + token_;
    req.idempotent = true; // receivers dedupe on event + order id
    req.body = encode(notification);
    auto res = host_.http(req);
    if (!res.ok()) return res.error();
    if (!res->isSuccess()) return unavailable("echo endpoint answered " + std::to_string(res->status));
    host_.counter("echo_notifications_total", 1, {{"event", notification.event}});
    return Empty{};
  }

private:
  Host host_;
  std::string url_;
  std::set<std::string> events_;
  std::string token_;
};

} // namespace

ORDERS_PLUGIN(EchoNotifier, "echo", "0.1.0", "POSTs order notifications to a URL (SDK example)", kConfigSchema)
