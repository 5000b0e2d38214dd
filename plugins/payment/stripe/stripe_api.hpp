// payment/stripe: PaymentIntents and Refunds <-> the SDK's payment messages.
//
//   amounts     Stripe wants integers in ITS smallest unit of the currency
//               (JPY 0 decimals, USD 2, KWD 3, and IDR/ISK 2 although this
//               service counts whole rupiah/krónur): toStripeAmount /
//               fromStripeAmount scale exactly between the two, refusing
//               what does not divide.
//   bodies      form-encoded (application/x-www-form-urlencoded), nested keys
//               as Stripe writes them: metadata[order_id]=o-1.
//   answers     intentResult(): id -> reference, status -> pending |
//               captured | cancelled, client_secret (or checkout_url_template)
//               -> redirectUrl, amount_received -> amount when succeeded.
//   errors      stripeError(): {"error":{type,code,message,decline_code}} ->
//               the SDK's codes (table in README.md).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/messages.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::stripe {

// Decimal places of Stripe's amount for `currency` (upper case): 0 for
// Stripe's zero-decimal currencies, 3 for BHD/JOD/KWD/OMR/TND, else 2.
int stripeExponent(const std::string &currency);

// This service's minor units -> Stripe's; invalid_argument naming `pointer`
// when the currency's decimal places are unknown or the amount does not
// convert exactly.
sdk::Result<int64_t> toStripeAmount(const Settings &s, const sdk::Money &money, const std::string &pointer);

// Stripe's amount in `currency` (any case) -> Money in this service's minor units.
sdk::Result<sdk::Money> fromStripeAmount(const Settings &s, int64_t stripe_amount, const std::string &currency,
                                         const std::string &pointer);

// Checks a payment request (order id, attempt, key, positive amount that converts).
sdk::Status validatePayment(const Settings &s, const sdk::PaymentRequest &r);

// The form body of POST /v1/payment_intents for a validated request.
std::string intentBody(const Settings &s, const sdk::PaymentRequest &r);

// The form body of POST /v1/refunds for a validated refund.
std::string refundBody(const sdk::RefundRequest &r, int64_t stripe_amount);

// PaymentIntent status -> PaymentResult status; nullopt when unknown.
std::optional<sdk::PaymentStatus> paymentStatusOf(const std::string &intent_status);

// One PaymentIntent object -> PaymentResult (with amount when succeeded).
// `request` (when known) fills checkout_url_template's {orderId}/{orderNumber}.
sdk::Result<sdk::PaymentResult> intentResult(const Settings &s, const Json::Value &intent, const std::string &what,
                                             const std::optional<sdk::PaymentRequest> &request = std::nullopt);

// Stripe's error object of an answer (empty members when the body has none).
struct StripeError {
  std::string type; // card_error | invalid_request_error | idempotency_error | api_error | ...
  std::string code; // card_declined, resource_missing, payment_intent_unexpected_state, ...
  std::string decline_code;
  std::string message;
  std::optional<Json::Value> payment_intent; // the intent the error is about, when Stripe names it
};
StripeError stripeErrorOf(const std::string &body);

// True when the answer is a decline (a business outcome, not an error):
// 402, or 400 of type card_error, other than a processing_error.
bool isDecline(const sdk::HttpResponse &r, const StripeError &e);

// A non-2xx answer -> the SDK's error (README.md, "Errors").
sdk::Error stripeError(const sdk::HttpResponse &r, const std::string &what, const std::string &request_line);

} // namespace orders::plugins::payment::stripe
