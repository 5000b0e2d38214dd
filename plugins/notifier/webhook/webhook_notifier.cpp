// notifier/webhook (in-tree): POSTs each order notification as JSON to a
// URL, signed with HMAC-SHA256 (X-Signature) and keyed by the event id
// (Idempotency-Key), through the host's outbound HTTP client (timeouts,
// http.retries, breaker). The SDK's out-of-tree example of the same name
// (sdk/examples/notifier-webhook) is a smaller, unsigned variant.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_notifier_webhook_intree_config_schema.hpp"
#include "secret_option.hpp"
#include "webhook_payload.hpp"

namespace orders::plugins::notifier {

using namespace orders::sdk;
using orders::sdk::wire::excerpt;

namespace {

struct WebhookConfig {
  std::string url;
  std::string signing_secret;
  std::optional<int64_t> timeout_ms;
  std::optional<std::map<std::string, std::string>> templates;
  template <class V> void visit(V &v) {
    v("url", url);
    v("signing_secret", signing_secret);
    v("timeout_ms", timeout_ms);
    v("templates", templates);
  }
};

struct Settings {
  std::string url;
  std::string secret;
  std::optional<int64_t> timeout_ms; // absent: the instance's http.timeout_ms
  std::map<std::string, std::string> templates;
};

} // namespace

class WebhookNotifier final : public Notifier {
public:
  WebhookNotifier(Host host, Settings settings) : host_(host), s_(std::move(settings)) {}

  static Result<std::unique_ptr<WebhookNotifier>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<WebhookConfig>(ctx.config);
    Settings s;
    if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0)
      return invalidArgument("url: expected an http:// or https:// URL, got '" + config.url + "'");
    s.url = config.url;
    auto secret = orders::common::resolveSecretOption(ctx.host, "signing_secret", config.signing_secret);
    if (!secret.ok()) return secret.error();
    s.secret = *secret.value();
    if (config.timeout_ms && (*config.timeout_ms < 10 || *config.timeout_ms > 600000))
      return invalidArgument("timeout_ms: must be 10..600000");
    s.timeout_ms = config.timeout_ms;
    s.templates = config.templates ? *config.templates : defaultWebhookTemplates();
    ctx.host.info("webhook notifier to " + s.url + ", " + std::to_string(s.templates.size()) + " event template(s)");
    return std::make_unique<WebhookNotifier>(ctx.host, std::move(s));
  }

  Result<Empty> notify(const Notification &n) override {
    auto t = s_.templates.find(n.event);
    if (t == s_.templates.end()) {
      host_.debug("webhook: no template for " + n.event + ", nothing sent");
      return Empty{};
    }
    HttpRequest req;
    req.method = "POST";
    req.url = s_.url;
    req.timeoutMs = s_.timeout_ms;
    req.body = webhookBody(n, t->second);
    req.headers["Content-Type"] = "application/json";
    req.headers["X-Signature"] = signatureHeader(s_.secret, req.body);
    req.headers["X-Order-Event"] = n.event;
    if (n.eventId && !n.eventId->empty()) {
      req.headers["Idempotency-Key"] = *n.eventId;
      req.idempotent = true; // the receiver dedupes on the key: the host may retry per http.retries
    }
    const std::string what = "webhook POST " + s_.url;
    auto res = host_.http(req);
    if (!res.ok()) return unavailable(what + ": " + res.error().message);
    const int64_t status = res->status;
    if (res->isSuccess()) {
      host_.counter("webhook_notifications_total", 1, {{"event", n.event}});
      return Empty{};
    }
    const std::string detail =
        what + " answered " + std::to_string(status) + (res->body.empty() ? "" : ": " + excerpt(res->body));
    if (status >= 500 || status == 408 || status == 429) return unavailable(detail);
    return rejected(detail);
  }

private:
  Host host_;
  const Settings s_;
};

} // namespace orders::plugins::notifier

ORDERS_PLUGIN(orders::plugins::notifier::WebhookNotifier, "webhook", "1.0.0",
              "Signed JSON webhooks for order notifications", kConfigSchema)
