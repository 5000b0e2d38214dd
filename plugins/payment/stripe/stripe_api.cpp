#include "stripe_api.hpp"

#include <limits>
#include <set>

#include "orders/sdk/money.hpp"
#include "provider_wire.hpp"

namespace orders::plugins::payment::stripe {

using namespace orders::sdk;
using orders::common::fillOrderText;
using orders::common::FormBody;
using orders::common::lowerAscii;
using orders::common::memberOf;
using orders::common::optionalString;
using orders::common::percentEncode;
using orders::common::prefixed;
using orders::common::replaceAll;
using orders::common::requiredString;
using orders::common::upperAscii;

namespace {

Result<int> ourExponent(const Settings &s, const std::string &currency, const std::string &pointer) {
  auto it = s.exponents.find(currency);
  if (it == s.exponents.end())
    return invalidArgument(pointer + ": no decimal places known for currency '" + currency +
                           "'; add it to currency_exponents");
  return it->second;
}

} // namespace

int stripeExponent(const std::string &currency) {
  static const std::set<std::string> zero = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                                             "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
  static const std::set<std::string> three = {"BHD", "JOD", "KWD", "OMR", "TND"};
  if (zero.count(currency)) return 0;
  if (three.count(currency)) return 3;
  return 2;
}

Result<int64_t> toStripeAmount(const Settings &s, const Money &money, const std::string &pointer) {
  auto ours = ourExponent(s, money.currency, pointer + "/currency");
  if (!ours.ok()) return ours.error();
  int64_t stripe_amount = 0;
  switch (orders::sdk::rescaleMinor(money.amountMinor, ours.value(), stripeExponent(money.currency), stripe_amount)) {
  case orders::sdk::RescaleError::none: return stripe_amount;
  case orders::sdk::RescaleError::too_large: return invalidArgument(pointer + "/amountMinor: too large for Stripe");
  case orders::sdk::RescaleError::too_precise: break;
  }
  return invalidArgument(pointer + "/amountMinor: " + std::to_string(money.amountMinor) + " " + money.currency +
                         " has more decimal places than Stripe takes (" +
                         std::to_string(stripeExponent(money.currency)) + ")");
}

Result<Money> fromStripeAmount(const Settings &s, int64_t stripe_amount, const std::string &currency,
                               const std::string &pointer) {
  const std::string code = upperAscii(currency);
  auto ours = ourExponent(s, code, pointer + "/currency");
  if (!ours.ok()) return ours.error();
  if (stripe_amount < 0) return invalidArgument(pointer + "/amount: must not be negative");
  int64_t minor = 0;
  switch (orders::sdk::rescaleMinor(stripe_amount, stripeExponent(code), ours.value(), minor)) {
  case orders::sdk::RescaleError::none: return Money{minor, code};
  case orders::sdk::RescaleError::too_large: return invalidArgument(pointer + "/amount: too large");
  case orders::sdk::RescaleError::too_precise: break;
  }
  return invalidArgument(pointer + "/amount: " + std::to_string(stripe_amount) + " is not a whole number of " + code +
                         " minor units of this service");
}

Status validatePayment(const Settings &s, const PaymentRequest &r) {
  if (r.orderId.empty()) return invalidArgument("/orderId: must not be empty");
  if (r.attempt < 1) return invalidArgument("/attempt: must be >= 1");
  if (r.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
  if (r.idempotencyKey.size() > 255) return invalidArgument("/idempotencyKey: longer than Stripe's 255 characters");
  if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
  auto amount = toStripeAmount(s, r.amount, "/amount");
  if (!amount.ok()) return amount.error();
  return Status();
}

std::string intentBody(const Settings &s, const PaymentRequest &r) {
  const int64_t amount = toStripeAmount(s, r.amount, "/amount").value(); // validatePayment() checked it
  FormBody body;
  body.add("amount", std::to_string(amount));
  body.add("currency", lowerAscii(r.amount.currency));
  if (s.payment_method_types.empty()) {
    body.add("automatic_payment_methods[enabled]", "true");
  } else {
    for (size_t i = 0; i < s.payment_method_types.size(); ++i)
      body.add("payment_method_types[" + std::to_string(i) + "]", s.payment_method_types[i]);
  }
  body.add("description", fillOrderText(s.description_template, r.orderId, r.orderNumber, r.attempt));
  body.add("metadata[order_id]", r.orderId);
  if (!r.orderNumber.empty()) body.add("metadata[order_number]", r.orderNumber);
  body.add("metadata[attempt]", std::to_string(r.attempt));
  body.add("metadata[payment_key]", r.idempotencyKey);
  return body.text();
}

std::string refundBody(const RefundRequest &r, int64_t stripe_amount) {
  FormBody body;
  body.add("payment_intent", r.reference);
  body.add("amount", std::to_string(stripe_amount));
  // Stripe takes only its own three reasons; anything else goes to metadata.
  const std::string reason = r.reason ? replaceAll(lowerAscii(*r.reason), " ", "_") : std::string();
  if (reason == "duplicate" || reason == "fraudulent" || reason == "requested_by_customer") body.add("reason", reason);
  body.add("metadata[order_id]", r.orderId);
  if (r.reason && !r.reason->empty() && reason != "duplicate" && reason != "fraudulent" &&
      reason != "requested_by_customer")
    body.add("metadata[reason]", *r.reason);
  return body.text();
}

std::optional<PaymentStatus> paymentStatusOf(const std::string &intent_status) {
  if (intent_status == "requires_payment_method" || intent_status == "requires_confirmation" ||
      intent_status == "requires_action" || intent_status == "processing" || intent_status == "requires_capture")
    return PaymentStatus::pending;
  if (intent_status == "succeeded") return PaymentStatus::captured;
  if (intent_status == "canceled") return PaymentStatus::cancelled;
  return std::nullopt;
}

Result<PaymentResult> intentResult(const Settings &s, const Json::Value &intent, const std::string &what,
                                   const std::optional<PaymentRequest> &request) {
  if (!intent.isObject()) return invalidArgument(what + ": /: expected object");
  auto id = requiredString(intent, "id", "");
  if (!id.ok()) return prefixed(id.error(), what);
  auto status = requiredString(intent, "status", "");
  if (!status.ok()) return prefixed(status.error(), what);
  auto secret = optionalString(intent, "client_secret", "");
  if (!secret.ok()) return prefixed(secret.error(), what);
  const std::optional<PaymentStatus> mapped = paymentStatusOf(status.value());
  if (!mapped) return invalidArgument(what + ": /status: unknown PaymentIntent status '" + status.value() + "'");

  PaymentResult out;
  out.reference = id.value();
  out.status = wireName(*mapped);
  if (*mapped == PaymentStatus::pending) {
    if (s.checkout_url_template) {
      std::string order_id, order_number;
      int64_t attempt = 1;
      if (request) {
        order_id = request->orderId, order_number = request->orderNumber, attempt = request->attempt;
      } else if (const Json::Value *meta = memberOf(intent, "metadata")) {
        if (auto v = optionalString(*meta, "order_id", "/metadata"); v.ok() && v.value()) order_id = *v.value();
        if (auto v = optionalString(*meta, "order_number", "/metadata"); v.ok() && v.value()) order_number = *v.value();
      }
      std::string url = fillOrderText(*s.checkout_url_template, order_id, order_number, attempt, true);
      url = replaceAll(std::move(url), "{paymentIntentId}", percentEncode(id.value()));
      out.redirectUrl = replaceAll(std::move(url), "{clientSecret}", percentEncode(secret.value().value_or("")));
    } else {
      out.redirectUrl = secret.value(); // Stripe.js confirms the payment with it
    }
  }
  if (*mapped == PaymentStatus::captured) {
    const Json::Value *received = memberOf(intent, "amount_received");
    if (received == nullptr) received = memberOf(intent, "amount");
    auto currency = requiredString(intent, "currency", "");
    if (!currency.ok()) return prefixed(currency.error(), what);
    if (received == nullptr || !received->isIntegral() || received->isBool() || !received->isInt64())
      return invalidArgument(what + ": /amount_received: expected integer");
    auto money = fromStripeAmount(s, received->asInt64(), currency.value(), "");
    if (!money.ok()) return prefixed(money.error(), what);
    out.amount = std::move(money).value();
  }
  return out;
}

StripeError stripeErrorOf(const std::string &body) {
  StripeError out;
  try {
    const Json::Value root = parseJson(body);
    const Json::Value *error = memberOf(root, "error");
    if (error == nullptr || !error->isObject()) return out;
    const auto text = [&](const char *key) {
      const Json::Value *v = memberOf(*error, key);
      return v != nullptr && v->isString() ? v->asString() : std::string();
    };
    out.type = text("type");
    out.code = text("code");
    out.decline_code = text("decline_code");
    out.message = text("message");
    if (const Json::Value *intent = memberOf(*error, "payment_intent"); intent != nullptr && intent->isObject())
      out.payment_intent = *intent;
  } catch (const DecodeError &) {
  }
  return out;
}

bool isDecline(const HttpResponse &r, const StripeError &e) {
  if (e.code == "processing_error") return false; // the card network hiccuped: try again
  return r.status == 402 || (r.status == 400 && e.type == "card_error");
}

Error stripeError(const HttpResponse &r, const std::string &what, const std::string &request_line) {
  const StripeError e = stripeErrorOf(r.body);
  std::string detail;
  if (!e.type.empty() || !e.code.empty()) {
    detail = e.type + (e.code.empty() ? "" : "/" + e.code);
    if (!e.decline_code.empty()) detail += " (" + e.decline_code + ")";
    if (!e.message.empty()) detail += ": " + e.message;
  } else {
    detail = orders::common::excerpt(r.body);
  }
  const std::string message =
      what + ": " + request_line + " answered " + std::to_string(r.status) + (detail.empty() ? "" : ": " + detail);
  if (r.status >= 500 || r.status == 429 || r.status == 408 || e.code == "processing_error")
    return unavailable(message);
  if (r.status == 401 || r.status == 403) return unauthenticated(message); // wrong or restricted key: not retryable
  if (e.type == "idempotency_error") return conflict(message); // same key, other parameters: a bug, not retryable
  if (r.status == 409) return Error{ErrorCode::conflict, message, true}; // the key's first request still runs
  if (r.status == 402 || e.type == "card_error") return rejected(message);
  if (r.status == 404) return notFound(message);
  if (r.status == 400 || r.status == 422) return invalidArgument(message);
  return internalError(message + " (unexpected status)");
}

} // namespace orders::plugins::payment::stripe
