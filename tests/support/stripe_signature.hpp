// Stripe-Signature headers as Stripe computes them (t=<unix>,v1=<hex of
// HMAC-SHA256(secret, "<t>.<body>")>), for tests that post webhooks.
// Header-only; the SDK's crypto.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "orders/sdk/crypto.hpp"

namespace orders::testing {

inline int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline std::string stripeSignature(const std::string &body, int64_t t, const std::string &secret) {
  return "t=" + std::to_string(t) + ",v1=" + sdk::crypto::hmacSha256Hex(secret, std::to_string(t) + "." + body);
}

} // namespace orders::testing
