// payment/stripe: payments through Stripe's PaymentIntents API. One
// PaymentIntent per order attempt (the host's idempotency key is Stripe's
// Idempotency-Key, so a retried create returns the same intent); the buyer
// pays in the browser with Stripe.js and the intent's client_secret (or on
// a configured checkout page); Stripe reports the outcome by signed
// webhook (POST /hooks/payment/<instance>); status() serves the host's
// status poll. All HTTP goes through the host (timeouts, retries of
// idempotent requests, breaker).
#include "orders/sdk/contract.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_payment_stripe_config_schema.hpp"
#include "provider_wire.hpp"
#include "settings.hpp"
#include "stripe_api.hpp"
#include "webhook.hpp"

namespace orders::plugins::payment::stripe {

using namespace orders::sdk;
using orders::common::parseAnswer;
using orders::common::percentEncode;
using orders::common::transportError;

class StripePayment final : public PaymentProvider {
public:
  StripePayment(Host host, std::string source, Settings settings)
      : host_(host), source_(std::move(source)), s_(std::move(settings)) {}

  static Result<std::unique_ptr<StripePayment>> create(PluginContext ctx) {
    auto settings = settingsFrom(ctx.host, ctx.config);
    if (!settings.ok()) return settings.error();
    ctx.host.info("stripe PaymentIntents at " + settings->base_url +
                  (settings->stripe_version ? ", Stripe-Version " + *settings->stripe_version : std::string()));
    return std::make_unique<StripePayment>(ctx.host, ctx.instanceId, std::move(settings).value());
  }

  // POST /v1/payment_intents with Idempotency-Key = the host's key: Stripe
  // answers a repeat with the same intent, so the host may retry it.
  Result<PaymentResult> createPayment(const PaymentRequest &r) override {
    if (Status valid = validatePayment(s_, r); !valid.ok()) return valid.error();
    const std::string what = "PaymentIntent for order " + r.orderId + " attempt " + std::to_string(r.attempt);
    const std::string url = s_.base_url + "/v1/payment_intents";
    HttpRequest post = request("POST", url, intentBody(s_, r));
    post.headers["Idempotency-Key"] = r.idempotencyKey;
    auto response = host_.http(post);
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) {
      const StripeError e = stripeErrorOf(response->body);
      if (isDecline(*response, e)) {
        // A decline is an outcome: the order becomes payment_failed, the buyer may retry.
        host_.info(what + ": declined (" + e.code + (e.decline_code.empty() ? "" : "/" + e.decline_code) + ")");
        PaymentResult failed;
        failed.status = wireName(PaymentStatus::failed);
        if (e.payment_intent)
          if (auto id = orders::common::optionalString(*e.payment_intent, "id", ""); id.ok() && id.value())
            failed.reference = *id.value();
        return failed;
      }
      return stripeError(*response, what, "POST " + url);
    }
    auto root = parseAnswer(response->body, what, "POST " + url);
    if (!root.ok()) return root.error();
    return intentResult(s_, root.value(), what, r);
  }

  // POST /v1/refunds (payment_intent, amount) with Idempotency-Key = the
  // host's refund key.
  Result<PaymentResult> refund(const RefundRequest &r) override {
    if (r.reference.empty()) return invalidArgument("/reference: must not be empty");
    if (r.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    auto amount = toStripeAmount(s_, r.amount, "/amount");
    if (!amount.ok()) return amount.error();
    const std::string what = "refund of PaymentIntent " + r.reference;
    const std::string url = s_.base_url + "/v1/refunds";
    HttpRequest post = request("POST", url, refundBody(r, amount.value()));
    post.headers["Idempotency-Key"] = r.idempotencyKey;
    auto response = host_.http(post);
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) {
      if (stripeErrorOf(response->body).code == "charge_already_refunded") {
        host_.info(what + ": Stripe says the charge is already refunded");
        return PaymentResult{r.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
      }
      return stripeError(*response, what, "POST " + url);
    }
    auto root = parseAnswer(response->body, what, "POST " + url);
    if (!root.ok()) return root.error();
    auto status = orders::common::requiredString(root.value(), "status", "");
    if (!status.ok()) return orders::common::prefixed(status.error(), what);
    const std::string &st = status.value();
    if (st == "succeeded")
      return PaymentResult{r.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
    if (st == "pending" || st == "requires_action")
      return PaymentResult{r.reference, wireName(PaymentStatus::pending), std::nullopt, std::nullopt};
    if (st == "failed" || st == "canceled") {
      auto reason = orders::common::optionalString(root.value(), "failure_reason", "");
      // An error, not a value: the core records any successful refund() as refunded.
      return rejected(what + ": Stripe's refund is " + st + " (" +
                      (reason.ok() && reason.value() ? *reason.value() : std::string("no failure_reason")) + ")");
    }
    return invalidArgument(what + ": /status: unknown refund status '" + st + "'");
  }

  // POST /v1/payment_intents/{id}/cancel. An intent that already succeeded
  // answers "captured" (the host then refunds it); one Stripe does not know
  // (404) or already cancelled has nothing left to cancel.
  Result<PaymentResult> cancel(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string what = "PaymentIntent " + payment.reference;
    const std::string url = s_.base_url + "/v1/payment_intents/" + percentEncode(payment.reference) + "/cancel";
    HttpRequest post = request("POST", url, "");
    auto response = host_.http(post);
    if (!response.ok()) return transportError(response.error(), what);
    if (response->status == 404) {
      host_.info(what + ": Stripe has no such PaymentIntent (404); nothing to cancel");
      return PaymentResult{payment.reference, wireName(PaymentStatus::cancelled), std::nullopt, std::nullopt};
    }
    if (!response->isSuccess()) {
      const StripeError e = stripeErrorOf(response->body);
      if (e.code == "payment_intent_unexpected_state" && e.payment_intent) {
        auto now = intentResult(s_, *e.payment_intent, what);
        if (now.ok() &&
            (now->status == wireName(PaymentStatus::captured) || now->status == wireName(PaymentStatus::cancelled))) {
          now->redirectUrl.reset();
          return now;
        }
        // processing: it will succeed or fail shortly; ask again later.
        return Error{ErrorCode::unavailable,
                     stripeError(*response, what, "POST " + url).message + " (asked again later)", true};
      }
      return stripeError(*response, what, "POST " + url);
    }
    auto root = parseAnswer(response->body, what, "POST " + url);
    if (!root.ok()) return root.error();
    auto result = intentResult(s_, root.value(), what);
    if (result.ok()) result->redirectUrl.reset();
    return result;
  }

  // GET /v1/payment_intents/{id}, for the host's status poll (with the
  // amount Stripe says it received).
  Result<PaymentResult> status(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string what = "PaymentIntent " + payment.reference;
    const std::string url = s_.base_url + "/v1/payment_intents/" + percentEncode(payment.reference);
    auto response = host_.http(request("GET", url, ""));
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) return stripeError(*response, what, "GET " + url);
    auto root = parseAnswer(response->body, what, "GET " + url);
    if (!root.ok()) return root.error();
    return intentResult(s_, root.value(), what);
  }

  Result<ParsedEvent> parseWebhook(const InboundMessage &message, std::string_view body) override {
    auto header = message.headers.find("stripe-signature");
    const std::string signature = header == message.headers.end() ? std::string() : header->second;
    if (Status ok = verifySignature(s_, signature, body, host_.nowUnixMs() / 1000); !ok.ok()) {
      host_.counter("stripe_webhook_refused_total");
      return ok.error();
    }
    return parseStripeEvent(s_, source_, body);
  }

private:
  HttpRequest request(const char *method, const std::string &url, std::string body) const {
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.headers["Authorization"] = s_.authorization;
    if (s_.stripe_version) r.headers["Stripe-Version"] = *s_.stripe_version;
    if (std::string(method) == "POST") r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    r.timeoutMs = s_.timeout_ms;
    r.idempotent = true; // GETs, and POSTs that carry an Idempotency-Key or cancel (safe twice)
    r.body = std::move(body);
    return r;
  }

  // All immutable after create(): safe to read from concurrent calls.
  Host host_;
  std::string source_; // the instance id: the source of payment events
  const Settings s_;
};

} // namespace orders::plugins::payment::stripe

ORDERS_PLUGIN(orders::plugins::payment::stripe::StripePayment, "stripe", "1.0.0",
              "Payments through Stripe PaymentIntents (client_secret, signed webhooks, refunds)", kConfigSchema)
