// notifier/@NAME@: order notifications POSTed to @NEIGHBOUR@ as JSON, signed
// with HMAC-SHA256 and keyed by the event id (delivery is at least once:
// the receiver dedupes on Idempotency-Key). Thread-safety: immutable after
// create(), so concurrent calls are safe.
#include <memory>
#include <set>
#include <string>

#include "orders/sdk/crypto.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

class @CLASS@ final : public Notifier {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto n = std::make_unique<@CLASS@>(ctx.host);
    n->url_ = ctx.config["url"].asString();
    n->timeout_ms_ = ctx.config["timeout_ms"].asInt64();
    for (const Json::Value &e : ctx.config["events"])
      n->events_.insert(e.asString());
    auto key = ctx.host.secret(ctx.config["signing_secret"].asString());
    if (!key.ok()) return invalidArgument("signing_secret: " + key.error().message);
    n->key_ = key.value();
    return n;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<Empty> notify(const Notification &n) override {
    if (!events_.empty() && events_.count(n.event) == 0) return Empty{};
    Json::Value body(Json::objectValue);
    body["event"] = n.event;
    body["eventId"] = n.eventId.value_or("");
    body["orderId"] = n.order.id;
    body["orderNumber"] = n.order.orderNumber;
    body["status"] = n.order.status;
    body["totalMinor"] = static_cast<Json::Int64>(n.order.totalMinor);
    body["currency"] = n.order.currency;
    HttpRequest req;
    req.method = "POST";
    req.url = url_;
    req.body = writeJson(body);
    req.headers["Content-Type"] = "application/json";
    req.headers["X-Signature"] = crypto::hmacSha256Hex(key_, req.body);
    if (n.eventId) req.headers["Idempotency-Key"] = *n.eventId;
    req.timeoutMs = timeout_ms_;
    req.idempotent = n.eventId.has_value();
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), "notify");
    if (!res->isSuccess()) return wire::retryableOrRejected(*res, "notify", "POST " + url_);
    host_.counter("notifications_sent_total", 1, {{"event", n.event}});
    return Empty{};
  }

private:
  Host host_;
  std::string url_;
  int64_t timeout_ms_ = 5000;
  std::set<std::string> events_;
  std::string key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Order notifications to @NEIGHBOUR@", kConfigSchema)
