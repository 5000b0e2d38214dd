// payment/manual: payments settled outside any gateway (cash on delivery, a
// bank transfer confirmed by staff). Nothing is called out; staff tooling
// reports the outcome by webhook or Kafka message.
#include <algorithm>
#include <ctime>
#include <utility>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/text.hpp"
#include "orders_payment_manual_config_schema.hpp"
#include "secret_option.hpp"

namespace orders::plugins::payment {

using namespace orders::sdk;

namespace {

// The validated config; the schema supplies every default.
struct ManualPaymentConfig {
  bool auto_capture = false;
  std::optional<std::string> webhook_secret; // the NAME of a host secret
  int64_t payment_window_seconds = 0;
  template <class V> void visit(V &v) {
    v("auto_capture", auto_capture);
    v("webhook_secret", webhook_secret);
    v("payment_window_seconds", payment_window_seconds);
  }
};

// What staff tooling posts (webhook) or publishes (Kafka).
struct PaymentNotice {
  std::string eventId;
  std::string orderId;
  std::string status;
  int64_t amountMinor = 0;
  std::string currency;
  std::optional<std::string> reference;
  std::optional<std::string> occurredAt;
  template <class V> void visit(V &v) {
    v("eventId", eventId);
    v("orderId", orderId);
    v("status", status);
    v("amountMinor", amountMinor);
    v("currency", currency);
    v("reference", reference);
    v("occurredAt", occurredAt);
  }
};

std::string rfc3339Utc(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  char text[32] = "1970-01-01T00:00:00Z";
  if (::gmtime_r(&seconds, &utc) != nullptr) std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

} // namespace

class ManualPayment final : public PaymentProvider {
public:
  ManualPayment(Host host, std::string source, bool auto_capture, int64_t window_seconds,
                std::optional<std::string> webhook_secret)
      : host_(host), source_(std::move(source)), auto_capture_(auto_capture), window_seconds_(window_seconds),
        webhook_secret_(std::move(webhook_secret)) {}

  static Result<std::unique_ptr<ManualPayment>> create(PluginContext ctx) {
    auto config = fromJsonOrThrow<ManualPaymentConfig>(ctx.config);
    auto secret = orders::common::resolveSecretOption(ctx.host, "webhook_secret", config.webhook_secret);
    if (!secret.ok()) return secret.error();
    if (config.auto_capture)
      ctx.host.warn("auto_capture is on: every payment is captured at once without any money moving (demos only)");
    return std::make_unique<ManualPayment>(ctx.host, ctx.instanceId, config.auto_capture, config.payment_window_seconds,
                                           std::move(secret).value());
  }

  Result<PaymentResult> createPayment(const PaymentRequest &request) override {
    if (request.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    PaymentResult out;
    // Derived only from the request so that a retry with the same idempotency key gets the same payment.
    out.reference = "man_" + request.orderId + "_" + std::to_string(request.attempt);
    out.status = wireName(auto_capture_ ? PaymentStatus::captured : PaymentStatus::pending);
    // A captured payment cannot lapse, so only a pending one carries a deadline.
    if (!auto_capture_) out.expiresAt = rfc3339Utc(host_.nowUnixMs() + window_seconds_ * 1000);
    return out;
  }

  Result<PaymentResult> refund(const RefundRequest &request) override {
    if (request.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    return PaymentResult{request.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
  }

  Result<PaymentResult> cancel(const PaymentRef &payment) override {
    return PaymentResult{payment.reference, wireName(PaymentStatus::cancelled), std::nullopt, std::nullopt};
  }

  Result<ParsedEvent> parseWebhook(const InboundMessage &message, std::string_view body) override {
    if (!webhook_secret_) return unauthenticated("webhooks are disabled: set webhook_secret");
    auto header = message.headers.find("x-webhook-secret");
    if (header == message.headers.end() || !orders::sdk::crypto::constantTimeEquals(header->second, *webhook_secret_))
      return unauthenticated("missing or wrong x-webhook-secret");
    return translate(body);
  }

  // Kafka is inside the trust boundary: no secret is checked.
  Result<ParsedEvent> parseEvent(const InboundMessage &, std::string_view value) override { return translate(value); }

private:
  Result<ParsedEvent> translate(std::string_view payload) const {
    auto decoded = decode<PaymentNotice>(payload);
    if (!decoded.ok()) return decoded.error();
    PaymentNotice notice = std::move(decoded).value();
    // eventId is half of the host's dedupe key and orderId finds the order: empty ones would misfile the event.
    if (notice.eventId.empty()) return invalidArgument("/eventId: must not be empty");
    if (notice.orderId.empty()) return invalidArgument("/orderId: must not be empty");
    // A notice the host would refuse as an answer outside the contract is the sender's mistake (400), not a fault
    // of this plugin (500): its strings must be UTF-8 and the currency of an event ISO 4217.
    for (const auto &[name, text] : {std::pair{"/eventId", &notice.eventId}, std::pair{"/orderId", &notice.orderId},
                                     std::pair{"/status", &notice.status}, std::pair{"/currency", &notice.currency}})
      if (!orders::sdk::validUtf8(*text)) return invalidArgument(std::string(name) + ": must be UTF-8 text");
    for (const auto &[name, text] :
         {std::pair{"/reference", &notice.reference}, std::pair{"/occurredAt", &notice.occurredAt}})
      if (*text && !orders::sdk::validUtf8(**text)) return invalidArgument(std::string(name) + ": must be UTF-8 text");
    ParsedEvent out;
    // Staff tooling posts the contract's own event words.
    const std::optional<PaymentEventType> type = fromWire<PaymentEventType>(notice.status);
    if (!type) {
      out.outcome = wireName(EventOutcome::ignored);
      out.reason = "status '" + notice.status + "' is not one of " + wireWords<PaymentEventType>();
      return out;
    }
    const bool currency = notice.currency.size() == 3 && std::all_of(notice.currency.begin(), notice.currency.end(),
                                                                     [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!currency) return invalidArgument("/currency: must be an ISO 4217 code (three capital letters)");
    PaymentEvent event;
    event.source = source_;
    event.eventId = std::move(notice.eventId);
    event.type = wireName(*type);
    event.orderId = std::move(notice.orderId);
    event.paymentReference = std::move(notice.reference);
    event.amount = Money{notice.amountMinor, std::move(notice.currency)};
    event.occurredAt = std::move(notice.occurredAt);
    out.outcome = wireName(EventOutcome::event);
    out.event = std::move(event);
    return out;
  }

  // All immutable after create(): safe to read from concurrent calls.
  Host host_;
  std::string source_;
  bool auto_capture_;
  int64_t window_seconds_;
  std::optional<std::string> webhook_secret_; // the resolved value, not the name
};

} // namespace orders::plugins::payment

ORDERS_PLUGIN(orders::plugins::payment::ManualPayment, "manual", "1.0.0",
              "Payments settled outside a gateway (cash on delivery, bank transfer), confirmed by staff", kConfigSchema)
