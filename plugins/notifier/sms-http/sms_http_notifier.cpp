// notifier/sms-http: order notifications as SMS through a generic HTTP SMS
// gateway: POST {base_url}{path} with a JSON body whose field names are
// configurable, authenticated by a Bearer token or an API key header, through
// the host's outbound HTTP client (timeouts, breaker). The POST is not
// marked idempotent (a generic gateway has no idempotency key): the host does
// not repeat it; the notification dispatcher retries retryable failures.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_notifier_sms_http_config_schema.hpp"
#include "secret_option.hpp"
#include "sms_text.hpp"

namespace orders::plugins::notifier {

using namespace orders::sdk;
using orders::sdk::wire::excerpt;

namespace {

// Absent keys take these defaults, equal to config.schema.json's.
constexpr const char *kPath = "/messages";
constexpr const char *kToField = "to";
constexpr const char *kTextField = "text";
constexpr const char *kFromField = "from";
constexpr const char *kApiKeyHeader = "X-API-Key";
constexpr int64_t kMaxLength = 480;

struct SmsConfig {
  std::string base_url;
  std::optional<std::string> path;
  std::optional<std::string> to_field;
  std::optional<std::string> text_field;
  std::optional<std::string> from_field;
  std::optional<std::string> sender;
  std::optional<std::string> token_secret;
  std::optional<std::string> api_key_secret;
  std::optional<std::string> api_key_header;
  std::optional<int64_t> max_length;
  std::optional<int64_t> timeout_ms;
  std::optional<std::map<std::string, std::string>> templates;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("path", path);
    v("to_field", to_field);
    v("text_field", text_field);
    v("from_field", from_field);
    v("sender", sender);
    v("token_secret", token_secret);
    v("api_key_secret", api_key_secret);
    v("api_key_header", api_key_header);
    v("max_length", max_length);
    v("timeout_ms", timeout_ms);
    v("templates", templates);
  }
};

struct Settings {
  std::string url; // base_url without trailing '/' + path
  std::string to_field;
  std::string text_field;
  std::string from_field;
  std::optional<std::string> sender;
  std::map<std::string, std::string> headers;
  size_t max_length = kMaxLength;
  std::optional<int64_t> timeout_ms;
  std::map<std::string, std::string> templates;
};

bool headerSafe(const std::string &s) { return s.find_first_of("\r\n") == std::string::npos; }

} // namespace

class SmsHttpNotifier final : public Notifier {
public:
  SmsHttpNotifier(Host host, Settings settings) : host_(host), s_(std::move(settings)) {}

  static Result<std::unique_ptr<SmsHttpNotifier>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<SmsConfig>(ctx.config);
    Settings s;
    if (config.base_url.rfind("http://", 0) != 0 && config.base_url.rfind("https://", 0) != 0)
      return invalidArgument("base_url: expected an http:// or https:// URL, got '" + config.base_url + "'");
    std::string base = config.base_url;
    while (!base.empty() && base.back() == '/')
      base.pop_back();
    std::string path = config.path.value_or(kPath);
    if (!path.empty() && path.front() != '/') path.insert(0, "/");
    s.url = base + path;

    s.to_field = config.to_field.value_or(kToField);
    s.text_field = config.text_field.value_or(kTextField);
    s.from_field = config.from_field.value_or(kFromField);
    if (s.to_field.empty() || s.text_field.empty() || s.from_field.empty())
      return invalidArgument("to_field, text_field, from_field: must not be empty");
    if (s.to_field == s.text_field) return invalidArgument("to_field and text_field: must differ");
    if (config.sender && (s.from_field == s.to_field || s.from_field == s.text_field))
      return invalidArgument("from_field: must differ from to_field and text_field");
    s.sender = config.sender;

    if (config.token_secret && config.api_key_secret)
      return invalidArgument("token_secret and api_key_secret: give at most one");
    auto token = orders::common::resolveSecretOption(ctx.host, "token_secret", config.token_secret);
    if (!token.ok()) return token.error();
    auto api_key = orders::common::resolveSecretOption(ctx.host, "api_key_secret", config.api_key_secret);
    if (!api_key.ok()) return api_key.error();
    const std::string key_header = config.api_key_header.value_or(kApiKeyHeader);
    if (key_header.empty() || !headerSafe(key_header) || key_header.find(':') != std::string::npos)
      return invalidArgument("api_key_header: must be a header name");
    if (token.value()) {
      if (!headerSafe(*token.value())) return invalidArgument("token_secret: must be one line");
      s.headers["Authorization"] = "Bearer " + *token.value();
    }
    if (api_key.value()) {
      if (!headerSafe(*api_key.value())) return invalidArgument("api_key_secret: must be one line");
      s.headers[key_header] = *api_key.value();
    }
    s.headers["Content-Type"] = "application/json";
    s.headers["Accept"] = "application/json";

    const int64_t max_length = config.max_length.value_or(kMaxLength);
    if (max_length < 1 || max_length > 10000) return invalidArgument("max_length: must be 1..10000");
    s.max_length = static_cast<size_t>(max_length);
    if (config.timeout_ms && (*config.timeout_ms < 10 || *config.timeout_ms > 600000))
      return invalidArgument("timeout_ms: must be 10..600000");
    s.timeout_ms = config.timeout_ms;
    s.templates = config.templates ? *config.templates : defaultSmsTemplates();

    ctx.host.info("sms-http notifier via " + s.url + ", " + std::to_string(s.templates.size()) + " event template(s)");
    return std::make_unique<SmsHttpNotifier>(ctx.host, std::move(s));
  }

  Result<Empty> notify(const Notification &n) override {
    auto t = s_.templates.find(n.event);
    if (t == s_.templates.end()) {
      host_.debug("sms-http: no template for " + n.event + ", nothing sent");
      return Empty{};
    }
    const std::string to = recipientPhone(n);
    if (to.empty()) {
      host_.info("sms-http: " + n.event + " for order " + n.order.orderNumber + " has no phone number, not sent");
      return Empty{};
    }
    Json::Value body(Json::objectValue);
    body[s_.to_field] = to;
    body[s_.text_field] = truncateText(render(t->second, placeholders(n)), s_.max_length);
    if (s_.sender) body[s_.from_field] = *s_.sender;

    HttpRequest req;
    req.method = "POST";
    req.url = s_.url;
    req.headers = s_.headers;
    req.timeoutMs = s_.timeout_ms;
    req.body = writeJson(body);
    const std::string what = "sms-http POST " + s_.url;
    auto res = host_.http(req);
    if (!res.ok()) return unavailable(what + ": " + res.error().message);
    const int64_t status = res->status;
    if (res->isSuccess()) {
      host_.counter("sms_notifications_total", 1, {{"event", n.event}});
      return Empty{};
    }
    const std::string detail =
        what + " answered " + std::to_string(status) + (res->body.empty() ? "" : ": " + excerpt(res->body));
    if (status >= 500 || status == 408 || status == 429) return unavailable(detail);
    if (status == 401 || status == 403) return unauthenticated(detail);
    return rejected(detail);
  }

private:
  Host host_;
  const Settings s_;
};

} // namespace orders::plugins::notifier

ORDERS_PLUGIN(orders::plugins::notifier::SmsHttpNotifier, "sms-http", "1.0.0",
              "Order notifications as SMS through an HTTP SMS gateway", kConfigSchema)
