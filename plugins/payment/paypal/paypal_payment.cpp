// payment/paypal: payments through PayPal's Orders v2 API. One PayPal order
// per order attempt (PayPal-Request-Id = the host's idempotency key, so a
// retried create returns the same order); the buyer approves it on PayPal
// (links[rel=approve|payer-action] is the redirectUrl); this plugin then
// CAPTURES it, because the SDK has no capture step of its own: when the
// verified webhook CHECKOUT.ORDER.APPROVED arrives, or when the host's
// status poll finds the order APPROVED (PayPal-Request-Id
// "capture-<PayPal order id>", so both paths and PayPal's redeliveries make
// one capture). Webhooks are verified by PayPal's own API
// (verify-webhook-signature). OAuth2 client-credentials tokens are cached
// until shortly before they expire and fetched again once on a 401.
#include <mutex>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_payment_paypal_config_schema.hpp"
#include "paypal_api.hpp"
#include "provider_wire.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::paypal {

using namespace orders::sdk;
using orders::common::ignoredEvent;
using orders::common::memberOf;
using orders::common::parseAnswer;
using orders::common::percentEncode;
using orders::common::prefixed;
using orders::common::requiredString;
using orders::common::transportError;

namespace {

const char *kTransmissionHeaders[][2] = {{"paypal-transmission-id", "transmission_id"},
                                         {"paypal-transmission-time", "transmission_time"},
                                         {"paypal-transmission-sig", "transmission_sig"},
                                         {"paypal-cert-url", "cert_url"},
                                         {"paypal-auth-algo", "auth_algo"}};

} // namespace

class PaypalPayment final : public PaymentProvider {
public:
  PaypalPayment(Host host, std::string source, Settings settings)
      : host_(host), source_(std::move(source)), s_(std::move(settings)) {}

  static Result<std::unique_ptr<PaypalPayment>> create(PluginContext ctx) {
    auto settings = settingsFrom(ctx.host, ctx.config);
    if (!settings.ok()) return settings.error();
    if (!settings->webhook_id) ctx.host.warn("paypal: no webhook_id configured: every webhook will be refused");
    ctx.host.info("paypal Orders v2 at " + settings->base_url +
                  (settings->capture_on_approval ? ", capturing approved orders" : ""));
    return std::make_unique<PaypalPayment>(ctx.host, ctx.instanceId, std::move(settings).value());
  }

  // POST /v2/checkout/orders with PayPal-Request-Id = the host's key.
  Result<PaymentResult> createPayment(const PaymentRequest &r) override {
    if (Status valid = validatePayment(s_, r); !valid.ok()) return valid.error();
    const std::string what = "PayPal order for order " + r.orderId + " attempt " + std::to_string(r.attempt);
    const std::string url = s_.base_url + "/v2/checkout/orders";
    auto response = api("POST", url, orderBody(s_, r), r.idempotencyKey, what);
    if (!response.ok()) return response.error();
    if (!response->isSuccess()) return paypalError(*response, what, "POST " + url);
    auto root = parseAnswer(response->body, what, "POST " + url);
    if (!root.ok()) return root.error();
    return orderResult(s_, root.value(), what);
  }

  // GET the order for its capture, then POST /v2/payments/captures/{id}/refund
  // with PayPal-Request-Id = the host's refund key.
  Result<PaymentResult> refund(const RefundRequest &r) override {
    if (r.reference.empty()) return invalidArgument("/reference: must not be empty");
    if (r.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    auto value = amountValue(s_, r.amount, "/amount");
    if (!value.ok()) return value.error();
    const std::string what = "refund of PayPal order " + r.reference;
    auto order = getOrder(r.reference, what);
    if (!order.ok()) return order.error();
    const Json::Value *capture = firstCapture(order.value());
    if (capture == nullptr) return rejected(what + ": the order has no capture to refund");
    auto capture_id = requiredString(*capture, "id", "/purchase_units/0/payments/captures/0");
    if (!capture_id.ok()) return prefixed(capture_id.error(), what);
    const std::string url = s_.base_url + "/v2/payments/captures/" + percentEncode(capture_id.value()) + "/refund";
    auto response = api("POST", url, refundBody(r, value.value()), r.idempotencyKey, what);
    if (!response.ok()) return response.error();
    if (!response->isSuccess()) {
      if (response->status == 422 && paypalErrorOf(response->body).issue == "CAPTURE_FULLY_REFUNDED") {
        host_.info(what + ": PayPal says the capture is already fully refunded");
        return PaymentResult{r.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
      }
      return paypalError(*response, what, "POST " + url);
    }
    auto root = parseAnswer(response->body, what, "POST " + url);
    if (!root.ok()) return root.error();
    auto status = requiredString(root.value(), "status", "");
    if (!status.ok()) return prefixed(status.error(), what);
    const std::string &st = status.value();
    if (st == "COMPLETED")
      return PaymentResult{r.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
    if (st == "PENDING")
      return PaymentResult{r.reference, wireName(PaymentStatus::pending), std::nullopt, std::nullopt};
    if (st == "FAILED" || st == "CANCELLED")
      return rejected(what + ": PayPal's refund is " + st); // the core records any successful refund() as refunded
    return invalidArgument(what + ": /status: unknown refund status '" + st + "'");
  }

  // PayPal cannot void an order of intent CAPTURE: one never captured simply
  // expires. So cancel asks what the order is: captured -> "captured" (the
  // host refunds it), anything else -> "cancelled" (nothing was taken).
  Result<PaymentResult> cancel(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string what = "PayPal order " + payment.reference;
    auto order = getOrder(payment.reference, what);
    if (!order.ok()) {
      if (order.error().code == ErrorCode::not_found)
        return PaymentResult{payment.reference, wireName(PaymentStatus::cancelled), std::nullopt, std::nullopt};
      return order.error();
    }
    auto result = orderResult(s_, order.value(), what);
    if (!result.ok()) return result;
    result->redirectUrl.reset();
    if (result->status == wireName(PaymentStatus::captured) || result->status == wireName(PaymentStatus::cancelled))
      return result;
    // A pending order with a capture: PayPal still processes it.
    if (result->status == wireName(PaymentStatus::pending) && firstCapture(order.value()) != nullptr)
      return Error{ErrorCode::unavailable, what + ": its capture is PENDING; asked again later", true};
    host_.info(what + ": never captured; left to expire at PayPal");
    result->status = wireName(PaymentStatus::cancelled);
    return result;
  }

  // GET /v2/checkout/orders/{id}; an APPROVED order is captured first (when
  // capture_on_approval), so a lost webhook still ends in a payment.
  Result<PaymentResult> status(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string what = "PayPal order " + payment.reference;
    auto order = getOrder(payment.reference, what);
    if (!order.ok()) return order.error();
    auto st = memberOf(order.value(), "status");
    if (s_.capture_on_approval && st != nullptr && st->isString() && st->asString() == "APPROVED")
      return capture(payment.reference, what);
    auto result = orderResult(s_, order.value(), what);
    if (result.ok()) result->redirectUrl.reset();
    return result;
  }

  Result<ParsedEvent> parseWebhook(const InboundMessage &message, std::string_view body) override {
    if (!s_.webhook_id) return unauthenticated("no webhook_id configured: PayPal webhooks cannot be verified");
    Json::Value verify(Json::objectValue);
    for (const auto &[header, field] : kTransmissionHeaders) {
      auto it = message.headers.find(header);
      if (it == message.headers.end() || it->second.empty()) return unauthenticated(std::string("missing ") + header);
      verify[field] = it->second;
    }
    verify["webhook_id"] = *s_.webhook_id;
    const std::string sent_at = verify["transmission_time"].asString();
    const std::optional<int64_t> at = unixFromRfc3339(sent_at);
    if (!at) return unauthenticated("paypal-transmission-time '" + sent_at + "' is not an RFC 3339 time");
    const int64_t age = host_.nowUnixMs() / 1000 - *at;
    if (age > s_.tolerance_seconds || -age > s_.tolerance_seconds)
      return unauthenticated("paypal-transmission-time " + sent_at + " is " + std::to_string(age) +
                             " s from now, outside the tolerance of " + std::to_string(s_.tolerance_seconds) + " s");
    auto parsed = orders::common::parseObjectBody(body);
    if (!parsed.ok()) return parsed.error();
    const Json::Value event = std::move(parsed).value();

    // The event goes to PayPal exactly as it came (a re-encoding could differ
    // from what PayPal signed): spliced into the request as raw JSON.
    std::string text = writeJson(verify);
    text.pop_back();
    text += ",\"webhook_event\":" + std::string(body) + "}";
    const std::string what = "verification of PayPal webhook " + verify["transmission_id"].asString();
    const std::string url = s_.base_url + "/v1/notifications/verify-webhook-signature";
    auto response = api("POST", url, std::move(text), std::nullopt, what);
    if (!response.ok()) return response.error();
    if (!response->isSuccess()) return paypalError(*response, what, "POST " + url);
    auto answer = parseAnswer(response->body, what, "POST " + url);
    if (!answer.ok()) return answer.error();
    const Json::Value *verdict = memberOf(answer.value(), "verification_status");
    if (verdict == nullptr || !verdict->isString() || verdict->asString() != "SUCCESS") {
      host_.counter("paypal_webhook_refused_total");
      return unauthenticated("PayPal did not verify the webhook signature (verification_status " +
                             (verdict != nullptr && verdict->isString() ? verdict->asString() : std::string("absent")) +
                             ")");
    }

    auto type = requiredString(event, "event_type", "");
    if (!type.ok()) return type.error();
    if (type.value() == "CHECKOUT.ORDER.APPROVED") return approved(event);
    return translateCaptureEvent(s_, source_, event);
  }

private:
  // CHECKOUT.ORDER.APPROVED: capture the order now; a COMPLETED capture is
  // the "paid" event (PAYMENT.CAPTURE.COMPLETED follows and changes nothing).
  Result<ParsedEvent> approved(const Json::Value &event) {
    auto id = requiredString(event, "id", "");
    if (!id.ok()) return id.error();
    const Json::Value *resource = memberOf(event, "resource");
    if (resource == nullptr || !resource->isObject()) return invalidArgument("/resource: expected object");
    auto order_ref = requiredString(*resource, "id", "/resource");
    if (!order_ref.ok()) return order_ref.error();
    std::optional<std::string> order_id;
    if (const Json::Value *units = memberOf(*resource, "purchase_units"); units != nullptr && units->isArray()) {
      if (!units->empty()) {
        auto custom = orders::common::optionalString((*units)[0], "custom_id", "/resource/purchase_units/0");
        if (!custom.ok()) return custom.error();
        order_id = custom.value();
      }
    }
    if (!order_id || order_id->empty())
      return ignoredEvent("PayPal order " + order_ref.value() + " has no custom_id (another system's?)");
    if (!s_.capture_on_approval)
      return ignoredEvent("PayPal order " + order_ref.value() + " approved; capture_on_approval is off");
    auto captured = capture(order_ref.value(), "PayPal order " + order_ref.value());
    if (!captured.ok()) return captured.error();
    if (captured->status == wireName(PaymentStatus::pending))
      return ignoredEvent("PayPal order " + order_ref.value() +
                          " captured, capture PENDING: PAYMENT.CAPTURE.* follows");
    PaymentEvent out;
    out.source = source_;
    out.eventId = id.value();
    out.type = wireName(captured->status == wireName(PaymentStatus::captured) ? PaymentEventType::paid
                                                                              : PaymentEventType::failed);
    out.orderId = order_id;
    out.paymentReference = order_ref.value();
    out.amount = captured->amount;
    if (auto when = orders::common::optionalString(event, "create_time", ""); when.ok() && when.value())
      out.occurredAt = when.value();
    ParsedEvent parsed;
    parsed.outcome = wireName(EventOutcome::event);
    parsed.event = std::move(out);
    return parsed;
  }

  // POST /v2/checkout/orders/{id}/capture, PayPal-Request-Id
  // "capture-<id>": however often it is asked, one capture.
  Result<PaymentResult> capture(const std::string &paypal_order, const std::string &what) {
    const std::string url = s_.base_url + "/v2/checkout/orders/" + percentEncode(paypal_order) + "/capture";
    auto response = api("POST", url, "", "capture-" + paypal_order, what + ": capture");
    if (!response.ok()) return response.error();
    if (!response->isSuccess()) {
      const PaypalError e = paypalErrorOf(response->body);
      if (response->status == 422 && e.issue == "ORDER_ALREADY_CAPTURED") {
        auto order = getOrder(paypal_order, what);
        if (!order.ok()) return order.error();
        auto result = orderResult(s_, order.value(), what);
        if (result.ok()) result->redirectUrl.reset();
        return result;
      }
      if (response->status == 422 && (e.issue == "INSTRUMENT_DECLINED" || e.issue == "TRANSACTION_REFUSED")) {
        host_.info(what + ": capture declined (" + e.issue + ")");
        return PaymentResult{paypal_order, wireName(PaymentStatus::failed), std::nullopt, std::nullopt};
      }
      if (response->status == 422 && e.issue == "ORDER_NOT_APPROVED")
        return PaymentResult{paypal_order, wireName(PaymentStatus::pending), std::nullopt, std::nullopt};
      return paypalError(*response, what + ": capture", "POST " + url);
    }
    host_.counter("paypal_captures_total");
    auto root = parseAnswer(response->body, what + ": capture", "POST " + url);
    if (!root.ok()) return root.error();
    auto result = orderResult(s_, root.value(), what + ": capture");
    if (result.ok()) result->redirectUrl.reset();
    return result;
  }

  Result<Json::Value> getOrder(const std::string &paypal_order, const std::string &what) {
    const std::string url = s_.base_url + "/v2/checkout/orders/" + percentEncode(paypal_order);
    auto response = api("GET", url, "", std::nullopt, what);
    if (!response.ok()) return response.error();
    if (!response->isSuccess()) return paypalError(*response, what, "GET " + url);
    return parseAnswer(response->body, what, "GET " + url);
  }

  // One API call with a Bearer token; a 401 drops the token and the call is
  // made once more with a fresh one.
  Result<HttpResponse> api(const char *method, const std::string &url, std::string body,
                           const std::optional<std::string> &request_id, const std::string &what) {
    HttpRequest r;
    r.method = method;
    r.url = url;
    if (std::string(method) == "POST") {
      r.headers["Content-Type"] = "application/json";
      r.headers["Prefer"] = "return=representation";
    }
    if (request_id) r.headers["PayPal-Request-Id"] = *request_id;
    r.timeoutMs = s_.timeout_ms;
    r.idempotent = true; // GETs, POSTs with a PayPal-Request-Id, and the signature check (a pure question)
    r.body = std::move(body);
    std::string refused; // the token PayPal answered 401 to
    for (int round = 0; round < 2; ++round) {
      auto token = accessToken(refused);
      if (!token.ok()) return prefixed(token.error(), what);
      r.headers["Authorization"] = "Bearer " + token.value();
      auto response = host_.http(r);
      if (!response.ok()) return transportError(response.error(), what);
      if (response->status != 401 || round > 0) return response;
      host_.info(what + ": PayPal answered 401; fetching a new access token once");
      refused = token.value();
    }
    return internalError(what + ": unreachable");
  }

  // The cached token, or a new one from POST /v1/oauth2/token when there is
  // none, it expires within token_refresh_margin_seconds, or it is the one
  // PayPal just refused (`refused`; a call that raced us may have renewed it
  // already, and then its new token is used).
  Result<std::string> accessToken(const std::string &refused) {
    std::lock_guard lock(token_mutex_); // one fetch at a time; the others wait for its token
    const int64_t now = host_.nowUnixMs();
    if (!token_.empty() && now < token_expires_ms_ && token_ != refused) return token_;
    const std::string url = s_.base_url + "/v1/oauth2/token";
    HttpRequest r;
    r.method = "POST";
    r.url = url;
    r.headers["Authorization"] = s_.basic_authorization;
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    r.headers["Accept"] = "application/json";
    r.timeoutMs = s_.timeout_ms;
    r.idempotent = true;
    r.body = "grant_type=client_credentials";
    auto response = host_.http(r);
    if (!response.ok()) return transportError(response.error(), "PayPal access token");
    if (!response->isSuccess()) return paypalError(*response, "PayPal access token", "POST " + url);
    auto root = parseAnswer(response->body, "PayPal access token", "POST " + url);
    if (!root.ok()) return root.error();
    auto token = requiredString(root.value(), "access_token", "");
    if (!token.ok()) return prefixed(token.error(), "PayPal access token");
    auto expires = orders::common::requiredInteger(root.value(), "expires_in", "");
    if (!expires.ok()) return prefixed(expires.error(), "PayPal access token");
    token_ = token.value();
    token_expires_ms_ = now + (expires.value() - s_.token_margin_seconds) * 1000;
    host_.counter("paypal_token_fetches_total");
    return token_;
  }

  Host host_;
  std::string source_; // the instance id: the source of payment events
  const Settings s_;
  std::mutex token_mutex_; // guards the two below
  std::string token_;
  int64_t token_expires_ms_ = 0;
};

} // namespace orders::plugins::payment::paypal

ORDERS_PLUGIN(orders::plugins::payment::paypal::PaypalPayment, "paypal", "1.0.0",
              "Payments through PayPal Orders v2 (approval link, capture on approval, verified webhooks, refunds)",
              kConfigSchema)
