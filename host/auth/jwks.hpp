// RS256 verification keys from a JSON Web Key Set (RFC 7517), internal to
// host/auth: an issuer's JWKS URL (Auth0: https://<domain>/.well-known/
// jwks.json) or a file.
//
// Keys are cached by `kid`. The set is fetched at the first use, again when
// older than `cache_seconds`, and at once when a token names a `kid` the set
// does not hold (a key rotation), but no more often than every
// `min_refetch_seconds`, so tokens with made-up kids cannot make the server
// hammer the issuer. A failed fetch keeps the keys it had. Only RSA keys
// meant for signatures are taken (`kty` RSA, `use` absent or "sig", `alg`
// absent or RS256).
//
// Thread-safety: signerFor() may run concurrently; a fetch happens under a
// lock (one at a time), verifications with the returned signers do not.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "orders/sdk/result.hpp"

namespace Poco::JWT {
class Signer;
}

namespace orders::host::auth {

class JwksKeys {
public:
  // Returns the JWKS document's text.
  using Fetch = std::function<sdk::Result<std::string>()>;

  JwksKeys(Fetch fetch, std::string source, int64_t cache_seconds, int64_t min_refetch_seconds);
  ~JwksKeys();

  // The verifier of `kid` (empty: the set's only key); unauthenticated
  // ("jwt: ...") naming the kid, and the last fetch error when there is one.
  sdk::Result<std::shared_ptr<const Poco::JWT::Signer>> signerFor(const std::string &kid, int64_t now);

  // The RSA signing keys of a JWKS document, by kid ("" for a key without
  // one). invalid_argument when it is not a JWKS or holds no usable key.
  static sdk::Result<std::map<std::string, std::shared_ptr<const Poco::JWT::Signer>>> parse(const std::string &jwks);

  // GET `url` (http or https), 200 only; the body.
  static sdk::Result<std::string> httpGet(const std::string &url, int64_t timeout_ms);

private:
  void refresh(int64_t now); // with mutex_ held

  Fetch fetch_;
  std::string source_;
  int64_t cache_seconds_;
  int64_t min_refetch_seconds_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Poco::JWT::Signer>> keys_;
  int64_t fetched_at_ = -1;   // last successful fetch
  int64_t attempted_at_ = -1; // last attempt
  std::string last_error_;
};

} // namespace orders::host::auth
