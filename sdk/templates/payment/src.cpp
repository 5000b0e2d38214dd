// payment/@NAME@: payments through @NEIGHBOUR@'s REST API.
//
//   POST {base_url}/v1/payments            create (Idempotency-Key = the host's key)
//   GET  {base_url}/v1/payments/{id}       status
//   POST {base_url}/v1/payments/{id}/refunds, /cancel
//   webhooks: X-Signature = hex HMAC-SHA256(webhook secret, body)
//
// Every call goes through the host's HTTP service (timeouts, retries of
// idempotent calls, circuit breaker, metrics). Thread-safety: the instance
// holds only immutable settings, so concurrent calls are safe.
#include <memory>
#include <string>
#include <utility>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

// The neighbour's payment statuses in the host's words; nullptr: unknown.
const char *paymentStatus(const std::string &theirs) {
  if (theirs == "pending" || theirs == "requires_action") return "pending";
  if (theirs == "succeeded") return "captured";
  if (theirs == "failed" || theirs == "declined") return "failed";
  if (theirs == "cancelled") return "cancelled";
  if (theirs == "refunded") return "refunded";
  return nullptr;
}

// Webhook event types -> PaymentEvent::type; nullptr: not for us.
const char *eventType(const std::string &theirs) {
  if (theirs == "payment.succeeded") return "paid";
  if (theirs == "payment.failed") return "failed";
  if (theirs == "payment.expired") return "expired";
  if (theirs == "payment.refunded") return "refunded";
  return nullptr;
}

class @CLASS@ final : public PaymentProvider {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto p = std::make_unique<@CLASS@>(ctx.host);
    auto base_url = baseUrlOption("base_url", ctx.config["base_url"].asString()); // http(s), no trailing '/'
    if (!base_url.ok()) return base_url.error();
    p->base_url_ = std::move(base_url).value();
    p->timeout_ms_ = ctx.config["timeout_ms"].asInt64();
    auto key = ctx.host.secret(ctx.config["api_key_secret"].asString());
    if (!key.ok()) return invalidArgument("api_key_secret: " + key.error().message);
    p->api_key_ = key.value();
    auto hook = ctx.host.secret(ctx.config["webhook_secret"].asString());
    if (!hook.ok()) return invalidArgument("webhook_secret: " + hook.error().message);
    p->webhook_key_ = hook.value();
    return p;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<PaymentResult> createPayment(const PaymentRequest &r) override {
    if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be positive");
    const auto exponents = defaultCurrencyExponents();
    const auto exponent = exponents.find(r.amount.currency);
    if (exponent == exponents.end())
      return invalidArgument("/amount/currency: unsupported currency " + r.amount.currency);
    Json::Value body(Json::objectValue);
    body["reference"] = r.orderId;
    body["amount"] = minorToMajor(r.amount.amountMinor, exponent->second);
    body["currency"] = r.amount.currency;
    body["description"] = r.description.value_or("Order " + r.orderNumber);
    // The same idempotency key on every retry: the neighbour answers a
    // repeated create with the payment it already made.
    return send("POST", "/v1/payments", writeJson(body), r.idempotencyKey, "create payment");
  }

  Result<PaymentResult> status(const PaymentRef &p) override {
    return send("GET", "/v1/payments/" + wire::percentEncode(p.reference), "", "", "payment status");
  }

  Result<PaymentResult> refund(const RefundRequest &r) override {
    Json::Value body(Json::objectValue);
    body["amountMinor"] = static_cast<Json::Int64>(r.amount.amountMinor);
    if (r.reason) body["reason"] = *r.reason;
    return send("POST", "/v1/payments/" + wire::percentEncode(r.reference) + "/refunds", writeJson(body),
                r.idempotencyKey, "refund");
  }

  Result<PaymentResult> cancel(const PaymentRef &p) override {
    return send("POST", "/v1/payments/" + wire::percentEncode(p.reference) + "/cancel", "{}",
                "cancel:" + p.reference, "cancel payment");
  }

  Result<ParsedEvent> parseWebhook(const InboundMessage &m, std::string_view body) override {
    const auto signature = m.headers.find("x-signature");
    if (signature == m.headers.end() ||
        !crypto::constantTimeEquals(signature->second, crypto::hmacSha256Hex(webhook_key_, body)))
      return unauthenticated("missing or wrong X-Signature");
    Json::Value event;
    try {
      event = parseJson(body);
    } catch (const DecodeError &e) {
      return invalidArgument(std::string("webhook body: ") + e.what());
    }
    if (!event.isObject() || !event["id"].isString() || !event["type"].isString() || !event["data"].isObject())
      return invalidArgument("webhook body: expected {id, type, data}");
    ParsedEvent out;
    const char *type = eventType(event["type"].asString());
    if (type == nullptr) {
      out.outcome = "ignored";
      out.reason = "event type " + event["type"].asString() + " is not a payment outcome";
      return out;
    }
    const Json::Value &data = event["data"];
    PaymentEvent e;
    e.source = "@NAME@";
    e.eventId = event["id"].asString();
    e.type = type;
    if (data["reference"].isString()) e.orderId = data["reference"].asString();
    if (data["id"].isString()) e.paymentReference = data["id"].asString();
    if (data["amount"].isString() && data["currency"].isString()) {
      const auto exponents = defaultCurrencyExponents();
      const auto exponent = exponents.find(data["currency"].asString());
      int64_t minor = 0;
      if (exponent == exponents.end() ||
          decimalToMinor(data["amount"].asString(), exponent->second, minor) != DecimalError::none)
        return invalidArgument("webhook body: /data/amount is not an amount in " + data["currency"].asString());
      e.amount = Money{minor, data["currency"].asString()};
    }
    out.outcome = "event";
    out.event = e;
    return out;
  }

private:
  Result<PaymentResult> send(const std::string &method, const std::string &path, const std::string &body,
                             const std::string &idempotency_key, const std::string &what) {
    HttpRequest req;
    req.method = method;
    req.url = base_url_ + path;
    req.headers["Authorization"] = "Bearer " + api_key_;
    req.headers["Accept"] = "application/json";
    if (!body.empty()) req.headers["Content-Type"] = "application/json";
    if (!idempotency_key.empty()) req.headers["Idempotency-Key"] = idempotency_key;
    req.timeoutMs = timeout_ms_;
    req.idempotent = method == "GET" || !idempotency_key.empty(); // safe to retry on a transport failure
    req.body = body;
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), what);
    const std::string line = method + " " + req.url;
    if (!res->isSuccess()) return wire::statusError(*res, what, line);
    Json::Value answer;
    try {
      answer = parseJson(res->body);
    } catch (const DecodeError &e) {
      return unavailable(what + ": " + line + " answered a body that is not JSON: " + wire::excerpt(res->body));
    }
    if (!answer.isObject() || !answer["id"].isString() || !answer["status"].isString())
      return unavailable(what + ": " + line + " answered without id and status: " + wire::excerpt(res->body));
    const char *status = paymentStatus(answer["status"].asString());
    if (status == nullptr) return internalError(what + ": unknown payment status " + answer["status"].asString());
    PaymentResult out;
    out.reference = answer["id"].asString();
    out.status = status;
    if (answer["redirect_url"].isString()) out.redirectUrl = answer["redirect_url"].asString();
    return out;
  }

  Host host_;
  std::string base_url_;
  int64_t timeout_ms_ = 5000;
  std::string api_key_;
  std::string webhook_key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Payments through @NEIGHBOUR@", kConfigSchema)
