// payment/stripe: Stripe webhook events -> ParsedEvent.
//
// Verification (verifySignature): Stripe-Signature "t=<unix>,v1=<hex>[,v1=<hex>...]";
// the signed payload is "<t>.<raw body>", HMAC-SHA256 keyed with the
// endpoint's signing secret (whsec_..., used as is); any v1 may match
// (compared in constant time); |now - t| must be within the tolerance.
//
// Translation (parseStripeEvent):
//   payment_intent.succeeded       -> paid     (amount_received)
//   payment_intent.payment_failed  -> failed
//   payment_intent.canceled        -> failed   (PaymentEvent has no "cancelled")
//   charge.refunded                -> refunded (fully refunded charges only)
//   anything else                  -> outcome "ignored" with a reason
// eventId is the Stripe event id (evt_...), so a redelivery applies once.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "orders/sdk/messages.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::stripe {

// unauthenticated naming what is wrong, or ok.
sdk::Status verifySignature(const Settings &s, const std::string &header, std::string_view body, int64_t now_unix_s);

sdk::Result<sdk::ParsedEvent> parseStripeEvent(const Settings &s, const std::string &source, std::string_view body);

} // namespace orders::plugins::payment::stripe
