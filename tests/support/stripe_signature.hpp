// Stripe-Signature headers as Stripe computes them (t=<unix>,v1=<hex of
// HMAC-SHA256(secret, "<t>.<body>")>), for tests that post webhooks.
// Header-only; Poco Foundation.
#pragma once

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace orders::testing {

// Poco 1.11's SHA2Engine with the block and digest sizes HMACEngine needs.
class Sha256ForHmac : public Poco::SHA2Engine {
public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256ForHmac() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

inline int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline std::string stripeSignature(const std::string &body, int64_t t, const std::string &secret) {
  Poco::HMACEngine<Sha256ForHmac> hmac(secret);
  const std::string payload = std::to_string(t) + "." + body;
  hmac.update(payload.data(), payload.size());
  return "t=" + std::to_string(t) + ",v1=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

} // namespace orders::testing
