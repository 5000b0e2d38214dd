// payment/payments-service: payments created, refunded and cancelled in an
// internal payments service over HTTP (seed 000's "Payments Service", seed
// 001's synchronous payment call, seed 004's payment-service), through the
// host's outbound client (timeouts, retries of idempotent calls, breaker,
// per-instance `http.auth`). The outcome arrives later as a Kafka message
// (PaymentCapturedEvent, payment.paid...) that the host's consumer hands to
// parseEvent, or as a webhook; a service that captures at once answers
// "captured" and the core confirms the order without waiting.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "body_template.hpp"
#include "event_mapping.hpp"
#include "http_util.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_payment_payments_service_config_schema.hpp"
#include "secret_option.hpp"

namespace orders::plugins::payment {

using orders::sdk::JsonPointer;

using namespace orders::sdk;
using orders::sdk::wire::lowerAscii;
using orders::sdk::wire::upperAscii;

namespace {

// Paths without a leading '/' get one (the schema does not ask for it).
constexpr PathRule kAddSlash{false, true};

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kCreatePath = "/api/payments";
constexpr const char *kRefundPath = "/api/payments/{paymentId}/refund";
constexpr const char *kCancelPath = "/api/payments/{paymentId}/cancel";
constexpr const char *kIdempotencyHeader = "Idempotency-Key";
constexpr const char *kWebhookSecretHeader = "X-Webhook-Secret";

// Service status (left) -> the contract's PaymentResult status.
const std::map<std::string, std::string> kStatusMap = {
    {"pending", wireName(PaymentStatus::pending)},         {"created", wireName(PaymentStatus::pending)},
    {"requires_action", wireName(PaymentStatus::pending)}, {"captured", wireName(PaymentStatus::captured)},
    {"succeeded", wireName(PaymentStatus::captured)},      {"paid", wireName(PaymentStatus::captured)},
    {"failed", wireName(PaymentStatus::failed)},           {"declined", wireName(PaymentStatus::failed)}};

struct ServiceConfig {
  std::string base_url;
  std::optional<std::string> create_path, refund_path, cancel_path, idempotency_header, description_template;
  std::optional<std::string> token_secret, webhook_secret; // NAMES of host secrets
  std::optional<std::string> webhook_secret_header;
  std::optional<std::string> response_payment_id_pointer, response_status_pointer, response_redirect_url_pointer,
      response_expires_at_pointer;
  std::optional<std::map<std::string, std::string>> status_map;
  std::optional<std::string> event_type_pointer;
  std::optional<std::vector<std::string>> event_type_headers;
  std::optional<std::map<std::string, std::string>> event_types;
  std::optional<std::vector<std::string>> event_id_pointers, order_id_pointers, payment_id_pointers,
      order_number_pointers;
  std::optional<std::string> amount_minor_pointer, amount_major_pointer, currency_pointer, occurred_at_pointer;
  std::optional<std::map<std::string, int64_t>> currency_exponents;
  std::optional<bool> amounts_reported;
  std::optional<Json::Value> create_body;
  template <class V> void visit(V &v) {
    v("create_body", create_body);
    v("base_url", base_url);
    v("create_path", create_path);
    v("refund_path", refund_path);
    v("cancel_path", cancel_path);
    v("idempotency_header", idempotency_header);
    v("description_template", description_template);
    v("token_secret", token_secret);
    v("webhook_secret", webhook_secret);
    v("webhook_secret_header", webhook_secret_header);
    v("response_payment_id_pointer", response_payment_id_pointer);
    v("response_status_pointer", response_status_pointer);
    v("response_redirect_url_pointer", response_redirect_url_pointer);
    v("response_expires_at_pointer", response_expires_at_pointer);
    v("status_map", status_map);
    v("event_type_pointer", event_type_pointer);
    v("event_type_headers", event_type_headers);
    v("event_types", event_types);
    v("event_id_pointers", event_id_pointers);
    v("order_id_pointers", order_id_pointers);
    v("payment_id_pointers", payment_id_pointers);
    v("order_number_pointers", order_number_pointers);
    v("amount_minor_pointer", amount_minor_pointer);
    v("amount_major_pointer", amount_major_pointer);
    v("currency_pointer", currency_pointer);
    v("occurred_at_pointer", occurred_at_pointer);
    v("currency_exponents", currency_exponents);
    v("amounts_reported", amounts_reported);
  }
};

// The resolved config.
struct Settings {
  std::string base_url; // without a trailing '/'
  std::string create_path, refund_path, cancel_path;
  std::string idempotency_header;
  std::optional<std::string> description_template;
  std::optional<Json::Value> create_body;                   // template; absent: the fixed body
  bool no_status_in_answer = false;                         // response_status_pointer "": a created payment is pending
  JsonPointer payment_id, status, redirect_url, expires_at; // in the create answer
  std::map<std::string, PaymentStatus> status_map;          // lower-case service status -> PaymentResult status
  std::map<std::string, std::string> headers;               // sent with every request
  std::optional<std::string> webhook_secret;                // the resolved value, not the name
  std::string webhook_secret_header;                        // lower-case
  EventMapping events;
};

// A field pointer from the config: "/status", "/data/status"; never the whole document.
Status pointerOption(JsonPointer &out, const std::string &key, const std::optional<std::string> &value,
                     const char *fallback) {
  auto parsed = fieldPointerOption(key, value.value_or(fallback));
  if (!parsed.ok()) return parsed.error();
  out = std::move(parsed).value();
  return Status();
}

Status pointerList(std::vector<JsonPointer> &out, const std::string &key,
                   const std::optional<std::vector<std::string>> &value, std::vector<std::string> fallback) {
  const std::vector<std::string> texts = value.value_or(std::move(fallback));
  if (texts.empty()) return invalidArgument(key + ": must list at least one JSON pointer");
  for (size_t i = 0; i < texts.size(); ++i) {
    JsonPointer pointer;
    if (Status st = pointerOption(pointer, key + "/" + std::to_string(i), texts[i], ""); !st.ok()) return st;
    out.push_back(std::move(pointer));
  }
  return Status();
}

// An optional text field of an answer: nullopt when absent, null or "".
Result<std::optional<std::string>> optionalText(const Json::Value &root, const JsonPointer &pointer,
                                                const std::string &what) {
  const Json::Value *value = pointer.find(root);
  if (value == nullptr || value->isNull()) return std::optional<std::string>();
  if (!value->isString())
    return invalidArgument(what + ": " + pointer.text() + ": expected string or null, got " + typeName(*value));
  if (value->asString().empty()) return std::optional<std::string>();
  return std::optional<std::string>(value->asString());
}

// Where requests go: base URL, paths, idempotency header.
Status resolveCalls(Settings &s, const ServiceConfig &config) {
  auto base_url = baseUrlOption("base_url", config.base_url);
  if (!base_url.ok()) return base_url.error();
  s.base_url = std::move(base_url).value();
  const struct {
    std::string *out;
    const char *key;
    const std::optional<std::string> *value;
    const char *fallback;
    bool needs_id;
  } paths[] = {{&s.create_path, "create_path", &config.create_path, kCreatePath, false},
               {&s.refund_path, "refund_path", &config.refund_path, kRefundPath, true},
               {&s.cancel_path, "cancel_path", &config.cancel_path, kCancelPath, true}};
  for (const auto &p : paths) {
    // A path appended to base_url; with `needs_id`, {paymentId} or {orderId} must appear.
    auto path = p.needs_id ? pathOption(p.key, p.value->value_or(p.fallback), {"{paymentId}", "{orderId}"}, kAddSlash)
                           : pathOption(p.key, p.value->value_or(p.fallback), {}, kAddSlash);
    if (!path.ok()) return path.error();
    *p.out = std::move(path).value();
  }
  s.idempotency_header = config.idempotency_header.value_or(kIdempotencyHeader);
  if (s.idempotency_header.empty()) return invalidArgument("idempotency_header: must not be empty");
  s.description_template = config.description_template;
  if (config.create_body && !config.create_body->isObject()) return invalidArgument("create_body: must be an object");
  s.create_body = config.create_body;
  s.no_status_in_answer = config.response_status_pointer && config.response_status_pointer->empty();
  return Status();
}

// Where the answers and the events carry what we read, and what their words mean.
Status resolveMapping(Settings &s, const ServiceConfig &config) {
  EventMapping &e = s.events;
  const struct {
    JsonPointer *out;
    const char *key;
    const std::optional<std::string> *value;
    const char *fallback;
  } pointers[] = {
      {&s.payment_id, "response_payment_id_pointer", &config.response_payment_id_pointer, "/paymentId"},
      {&s.status, "response_status_pointer", &config.response_status_pointer, "/status"},
      {&s.redirect_url, "response_redirect_url_pointer", &config.response_redirect_url_pointer, "/redirectUrl"},
      {&s.expires_at, "response_expires_at_pointer", &config.response_expires_at_pointer, "/expiresAt"},
      {&e.type, "event_type_pointer", &config.event_type_pointer, "/type"},
      {&e.amount_minor, "amount_minor_pointer", &config.amount_minor_pointer, "/amountMinor"},
      {&e.currency, "currency_pointer", &config.currency_pointer, "/currency"},
      {&e.occurred_at, "occurred_at_pointer", &config.occurred_at_pointer, "/occurredAt"},
  };
  for (const auto &p : pointers) {
    if (p.out == &s.status && p.value->has_value() && (*p.value)->empty()) continue; // no status in the answer
    if (Status st = pointerOption(*p.out, p.key, *p.value, p.fallback); !st.ok()) return st.error();
  }
  if (config.amount_major_pointer) {
    JsonPointer major_at;
    if (Status st = pointerOption(major_at, "amount_major_pointer", config.amount_major_pointer, ""); !st.ok())
      return st.error();
    e.amount_major = std::move(major_at);
  }
  const struct {
    std::vector<JsonPointer> *out;
    const char *key;
    const std::optional<std::vector<std::string>> *value;
    std::vector<std::string> fallback;
  } lists[] = {{&e.event_id, "event_id_pointers", &config.event_id_pointers, {"/eventId", "/id"}},
               {&e.order_id, "order_id_pointers", &config.order_id_pointers, {"/orderId", "/data/orderId"}},
               {&e.payment_id, "payment_id_pointers", &config.payment_id_pointers, {"/paymentId"}},
               {&e.order_number, "order_number_pointers", &config.order_number_pointers, {"/orderNumber"}}};
  for (const auto &l : lists)
    if (Status st = pointerList(*l.out, l.key, *l.value, l.fallback); !st.ok()) return st.error();

  for (const auto &[status, meaning] : config.status_map.value_or(kStatusMap)) {
    const std::optional<PaymentStatus> ours = fromWire<PaymentStatus>(meaning);
    if (!ours ||
        (*ours != PaymentStatus::pending && *ours != PaymentStatus::captured && *ours != PaymentStatus::failed))
      return invalidArgument("status_map/" + status + ": expected pending, captured or failed, got '" + meaning + "'");
    s.status_map[lowerAscii(status)] = *ours;
  }
  for (const auto &[type, meaning] : config.event_types.value_or(defaultEventTypes())) {
    const std::optional<PaymentEventType> ours = fromWire<PaymentEventType>(meaning);
    if (!ours)
      return invalidArgument("event_types/" + type + ": expected paid, failed, expired or refunded, got '" + meaning +
                             "'");
    e.types[type] = *ours;
  }
  for (const std::string &name : config.event_type_headers.value_or(std::vector<std::string>{"event-type", "type"}))
    e.type_headers.push_back(lowerAscii(name));
  e.amounts_reported = config.amounts_reported.value_or(true);
  e.exponents = defaultCurrencyExponents();
  for (const auto &[code, places] : config.currency_exponents.value_or(std::map<std::string, int64_t>{})) {
    if (places < 0 || places > 6) return invalidArgument("currency_exponents/" + code + ": must be 0..6");
    e.exponents[upperAscii(code)] = static_cast<int>(places);
  }
  return Status();
}

// The API token and the webhook secret, and the headers every request carries.
Status resolveAuth(Settings &s, const Host &host, const ServiceConfig &config) {
  auto token = orders::common::resolveSecretOption(host, "token_secret", config.token_secret);
  if (!token.ok()) return token.error();
  auto webhook = orders::common::resolveSecretOption(host, "webhook_secret", config.webhook_secret);
  if (!webhook.ok()) return webhook.error();
  s.webhook_secret = std::move(webhook).value();
  s.webhook_secret_header = lowerAscii(config.webhook_secret_header.value_or(kWebhookSecretHeader));
  if (s.webhook_secret_header.empty()) return invalidArgument("webhook_secret_header: must not be empty");
  s.headers["Accept"] = "application/json";
  s.headers["Content-Type"] = "application/json";
  if (token.value()) s.headers["Authorization"] = "Bearer " + *token.value();
  return Status();
}

Result<Settings> resolve(const Host &host, const ServiceConfig &config) {
  Settings s;
  if (Status st = resolveCalls(s, config); !st.ok()) return st.error();
  if (Status st = resolveMapping(s, config); !st.ok()) return st.error();
  if (Status st = resolveAuth(s, host, config); !st.ok()) return st.error();
  return s;
}

} // namespace

class PaymentsService final : public PaymentProvider {
public:
  PaymentsService(Host host, std::string source, Settings settings)
      : host_(host), source_(std::move(source)), s_(std::move(settings)) {}

  static Result<std::unique_ptr<PaymentsService>> create(PluginContext ctx) {
    auto settings = resolve(ctx.host, fromJsonOrThrow<ServiceConfig>(ctx.config));
    if (!settings.ok()) return settings.error();
    ctx.host.info("payments service at " + settings->base_url + settings->create_path +
                  (settings->webhook_secret ? ", webhooks on" : ", webhooks off"));
    return std::make_unique<PaymentsService>(ctx.host, ctx.instanceId, std::move(settings).value());
  }

  Result<PaymentResult> createPayment(const PaymentRequest &request) override {
    if (request.orderId.empty()) return invalidArgument("/orderId: must not be empty");
    if (request.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (request.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    Json::Value body(Json::objectValue);
    if (s_.create_body) {
      const int exponent =
          s_.events.exponents.count(request.amount.currency) ? s_.events.exponents.at(request.amount.currency) : 2;
      body = fillCreateBody(*s_.create_body, request, exponent, description(request));
    } else {
      body["orderId"] = request.orderId;
      body["orderNumber"] = request.orderNumber;
      body["amountMinor"] = Json::Int64(request.amount.amountMinor);
      body["currency"] = request.amount.currency;
      if (request.customer) body["customer"] = toJson(*request.customer);
      body["description"] = description(request);
    }

    const std::string url = s_.base_url + s_.create_path;
    const std::string what = "payment for order " + request.orderId;
    // Safe to repeat: the service answers a repeated key with the same payment.
    auto response = post(url, writeJson(body), request.idempotencyKey, true);
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) return statusError(*response, what, "POST " + url);
    Json::Value root;
    try {
      root = parseJson(response->body);
    } catch (const DecodeError &e) {
      return invalidArgument(what + ": POST " + url + ": /: " + e.what());
    }
    if (!root.isObject())
      return invalidArgument(what + ": POST " + url + ": /: expected object, got " + typeName(root));

    PaymentResult out;
    const Json::Value *id = s_.payment_id.find(root);
    if (id == nullptr || id->isNull()) return invalidArgument(what + ": " + s_.payment_id.text() + ": missing");
    std::optional<std::string> reference = idText(*id);
    if (!reference || reference->empty())
      return invalidArgument(what + ": " + s_.payment_id.text() + ": expected a non-empty string or integer, got " +
                             (reference ? "\"\"" : typeName(*id)));
    out.reference = std::move(*reference);

    if (s_.no_status_in_answer) {
      // The service answers a created payment without a status (seed 000).
      out.status = wireName(PaymentStatus::pending);
    } else {
      const Json::Value *state = s_.status.find(root);
      if (state == nullptr || state->isNull()) return invalidArgument(what + ": " + s_.status.text() + ": missing");
      if (!state->isString())
        return invalidArgument(what + ": " + s_.status.text() + ": expected string, got " + typeName(*state));
      auto meaning = s_.status_map.find(lowerAscii(state->asString()));
      if (meaning == s_.status_map.end())
        return invalidArgument(what + ": " + s_.status.text() + ": unknown status '" + state->asString() +
                               "' (map it in status_map)");
      out.status = wireName(meaning->second); // a decline is "failed", not an error
    }

    auto redirect_url = optionalText(root, s_.redirect_url, what);
    if (!redirect_url.ok()) return redirect_url.error();
    out.redirectUrl = std::move(redirect_url).value();
    auto expires_at = optionalText(root, s_.expires_at, what);
    if (!expires_at.ok()) return expires_at.error();
    out.expiresAt = std::move(expires_at).value();
    return out;
  }

  Result<PaymentResult> refund(const RefundRequest &request) override {
    if (request.reference.empty()) return invalidArgument("/reference: must not be empty");
    if (request.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    Json::Value body(Json::objectValue);
    body["paymentId"] = request.reference;
    body["orderId"] = request.orderId;
    body["amountMinor"] = Json::Int64(request.amount.amountMinor);
    body["currency"] = request.amount.currency;
    if (request.reason) body["reason"] = *request.reason;
    const std::string url = s_.base_url + pathFor(s_.refund_path, request.reference, request.orderId);
    const std::string what = "refund of payment " + request.reference;
    auto response = post(url, writeJson(body), request.idempotencyKey, !request.idempotencyKey.empty());
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) return statusError(*response, what, "POST " + url);
    return PaymentResult{request.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
  }

  Result<PaymentResult> cancel(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    Json::Value body(Json::objectValue);
    body["paymentId"] = payment.reference;
    body["orderId"] = payment.orderId;
    const std::string url = s_.base_url + pathFor(s_.cancel_path, payment.reference, payment.orderId);
    const std::string what = "cancel of payment " + payment.reference;
    auto response = post(url, writeJson(body), "", true); // cancelling twice cancels once
    if (!response.ok()) return transportError(response.error(), what);
    if (response->status == 404) // the service never kept it (or forgot it): nothing to cancel
      host_.info(what + ": POST " + url + " answered 404; nothing to cancel");
    else if (!response->isSuccess())
      return statusError(*response, what, "POST " + url);
    return PaymentResult{payment.reference, wireName(PaymentStatus::cancelled), std::nullopt, std::nullopt};
  }

  Result<ParsedEvent> parseWebhook(const InboundMessage &message, std::string_view body) override {
    if (!s_.webhook_secret) return unauthenticated("webhooks are disabled: set webhook_secret");
    auto header = message.headers.find(s_.webhook_secret_header);
    if (header == message.headers.end() || !orders::sdk::crypto::constantTimeEquals(header->second, *s_.webhook_secret))
      return unauthenticated("missing or wrong " + s_.webhook_secret_header + " header");
    return translateEvent(s_.events, source_, message, body);
  }

  // Kafka is inside the trust boundary: no secret is checked.
  Result<ParsedEvent> parseEvent(const InboundMessage &message, std::string_view value) override {
    return translateEvent(s_.events, source_, message, value);
  }

private:
  std::string description(const PaymentRequest &request) const {
    if (!s_.description_template) return request.description.value_or("Order " + request.orderNumber);
    return replaceAll(replaceAll(*s_.description_template, "{orderNumber}", request.orderNumber), "{orderId}",
                      request.orderId);
  }

  static std::string pathFor(const std::string &path, const std::string &payment_id, const std::string &order_id) {
    return replaceAll(replaceAll(path, "{paymentId}", percentEncode(payment_id)), "{orderId}", percentEncode(order_id));
  }

  Result<HttpResponse> post(const std::string &url, std::string body, const std::string &idempotency_key,
                            bool idempotent) const {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = s_.headers;
    if (!idempotency_key.empty()) request.headers[s_.idempotency_header] = idempotency_key;
    request.idempotent = idempotent;
    request.body = std::move(body);
    return host_.http(request);
  }

  // All immutable after create(): safe to read from concurrent calls.
  Host host_;
  std::string source_; // the instance id: PaymentEvent::source
  const Settings s_;
};

} // namespace orders::plugins::payment

ORDERS_PLUGIN(orders::plugins::payment::PaymentsService, "payments-service", "1.0.0",
              "Payments created, refunded and cancelled in an internal payments service over HTTP; outcomes by Kafka "
              "message or webhook",
              kConfigSchema)
