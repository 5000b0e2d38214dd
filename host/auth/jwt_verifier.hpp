// Bearer JWT verification for the Authenticator (internal to host/auth).
//
// Poco::JWT parses the token and verifies RS256; the rest is done here
// because Poco leaves it out: `alg` is checked against the configured list
// (`none` never passes), HS256 is compared in constant time (Poco's own check
// uses ==), `exp` (required) and `nbf` are checked with leeway (Poco's verify()
// ignores them), then issuer, audience and the token type (access tokens
// only; no check when token_type_claim is empty). RS256 keys come from a PEM
// file or from a JWKS (URL or file, cached by kid, refetched on rotation: see
// jwks.hpp); the subject claim may differ per role (Auth0 sellers by email). Every Poco exception becomes
// unauthenticated ("jwt: malformed token"). Claims are mapped to a Principal by the configured claim names.
//
// Thread-safety: immutable after fromConfig(); verify() may run concurrently.
#pragma once

#include <json/json.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "auth/authenticator.hpp"
#include "auth/secret_store.hpp"
#include "orders/sdk/result.hpp"

namespace Poco::JWT {
class Signer;
}

namespace Poco::JSON {
class Object;
}

namespace orders::host::auth {

class JwksKeys;

class JwtVerifier {
public:
  // `config` is auth.jwt. invalid_argument naming the key when an algorithm is
  // unsupported, the HS256 secret cannot be resolved, or the RS256 public key
  // file cannot be read or is not an RSA public key in PEM.
  static sdk::Result<std::unique_ptr<JwtVerifier>> fromConfig(const Json::Value &config,
                                                              const plugins::SecretStore &secrets);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier &) = delete;
  JwtVerifier &operator=(const JwtVerifier &) = delete;

  // `token` is the compact JWS after "Bearer "; `now` is unix seconds.
  // unauthenticated ("jwt: <reason>") when it is not a valid access token.
  sdk::Result<Principal> verify(const std::string &token, int64_t now) const;

private:
  JwtVerifier();
  sdk::Result<Principal> verifyOrThrow(const std::string &token, int64_t now) const;
  sdk::Status checkSignature(const std::string &algorithm, const std::string &token, const std::string &header_b64,
                             const std::string &payload_b64, const std::string &signature_b64, const std::string &kid,
                             int64_t now) const;
  sdk::Status checkValidity(const Poco::JSON::Object &payload, int64_t now) const;
  sdk::Result<Principal> principalOf(const Poco::JSON::Object &payload) const;

  std::set<std::string> algorithms_;
  std::string hs256_key_;
  std::unique_ptr<Poco::JWT::Signer> rs256_signer_;
  std::unique_ptr<JwksKeys> jwks_; // RS256 keys by kid, instead of rs256_signer_
  std::string issuer_;             // empty: not checked
  std::string audience_;           // empty: not checked
  int64_t leeway_seconds_ = 30;
  std::string token_type_claim_;
  std::set<std::string> access_token_types_;
  std::string subject_claim_;
  std::string role_claim_;
  std::map<Role, std::string> subject_claims_by_role_; // overrides subject_claim_ per role
  std::map<std::string, Role> role_aliases_;
  std::string seller_id_claim_;
  std::string email_claim_;
};

} // namespace orders::host::auth
