// orders/sdk/crypto.hpp - the digests and comparisons connectors need to
// sign and verify webhooks: SHA-256, HMAC-SHA256 (RFC 2104), lower-case hex
// and a constant-time compare.
//
// Header-only over OpenSSL's libcrypto (Debian: libssl-dev); no crypto is
// written here. Link the `OrdersSDK::crypto` target, which brings
// OpenSSL::Crypto:
//
//   orders_add_plugin(... LIBRARIES OrdersSDK::crypto)
//
//   if (!crypto::constantTimeEquals(header, crypto::hmacSha256Hex(secret, body)))
//     return unauthenticated("webhook: bad signature");
//
// Thread-safety: pure functions (OpenSSL 3's one-shot calls are reentrant).
#ifndef ORDERS_SDK_CRYPTO_HPP
#define ORDERS_SDK_CRYPTO_HPP

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orders::sdk::crypto {

// Lower-case hex of raw bytes.
inline std::string hex(std::string_view bytes) {
  static const char *kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The raw 32-byte SHA-256 digest of `data` (bytes, not text).
inline std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("crypto::sha256: OpenSSL EVP_Digest failed");
  return std::string(reinterpret_cast<const char *>(digest), size);
}

// The raw 32-byte HMAC-SHA256 of `data` under `key` (any length, may be empty).
inline std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  static const unsigned char kEmpty = 0;
  const void *key_bytes = key.empty() ? static_cast<const void *>(&kEmpty) : key.data();
  const auto *data_bytes = data.empty() ? &kEmpty : reinterpret_cast<const unsigned char *>(data.data());
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), data_bytes, data.size(), digest, &size) == nullptr)
    throw std::runtime_error("crypto::hmacSha256: OpenSSL HMAC failed");
  return std::string(reinterpret_cast<const char *>(digest), size);
}

inline std::string sha256Hex(std::string_view data) { return hex(sha256(data)); }
inline std::string hmacSha256Hex(std::string_view key, std::string_view data) { return hex(hmacSha256(key, data)); }

// True when `a` and `b` hold the same bytes, in time that depends only on
// the length (a plain == stops at the first difference, which tells an
// attacker how much of a guessed signature or token was right).
inline bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace orders::sdk::crypto

#endif
