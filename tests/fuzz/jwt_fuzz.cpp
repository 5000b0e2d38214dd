// Bearer JWTs as the server checks them (host/auth: Authenticator ->
// JwtVerifier on Poco::JWT, RS256 keys from a PEM file or a JWKS). The first
// byte picks what the rest is:
//   0  an Authorization header value; HS256 + RS256 (PEM) with issuer, audience, token type
//   1  an Authorization header value; RS256 from a JWKS file by kid, Auth0-style claims
//   2  JOSE header JSON (first line; absent: {"alg":"HS256",...}) and claims JSON (the rest),
//      signed HS256 here with the configured secret, so claims checking is reached
//   3  the same signed RS256 here with the key behind the PEM file and the JWKS
//   4  a JWKS document (JwksKeys::parse)
// Modes 2 and 3 use the strict verifier of 0 or the lax / JWKS one by the
// first byte's next choice. Never a crash or an escaping exception; a refusal
// is unauthenticated "jwt: ..."; an accepted token is a jwt principal with a
// subject; a parsed JWKS holds at least one key.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "auth/auth_util.hpp"
#include "auth/authenticator.hpp"
#include "auth/jwks.hpp"
#include "config/schema_validator.hpp"
#include "log/logger.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;

namespace {

constexpr int64_t kNow = 1700000000;
const std::string kSecret = "fuzz-jwt-secret-0123456789abcdef";

EVP_PKEY *rsa_key = nullptr; // made at start: tokens of mode 3 are signed with it
std::string pem_path, jwks_path;
std::unique_ptr<auth::Authenticator> strict, auth0, lax;

std::string tempFile(const std::string &text) {
  char name[] = "/tmp/orders-fuzz-jwt-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) std::abort();
  close(fd);
  std::ofstream(name, std::ios::binary) << text;
  return name;
}

void removeFiles() {
  std::remove(pem_path.c_str());
  std::remove(jwks_path.c_str());
}

std::string bigEndian(const char *param) {
  BIGNUM *bn = nullptr;
  if (EVP_PKEY_get_bn_param(rsa_key, param, &bn) != 1) std::abort();
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char *>(bytes.data()));
  BN_free(bn);
  return bytes;
}

std::string publicPem() {
  BIO *bio = BIO_new(BIO_s_mem());
  if (PEM_write_bio_PUBKEY(bio, rsa_key) != 1) std::abort();
  char *data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string rs256(const std::string &input) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  size_t size = 0;
  std::string signature;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, rsa_key) == 1 &&
      EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char *>(input.data()), input.size()) == 1) {
    signature.resize(size);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &size,
                       reinterpret_cast<const unsigned char *>(input.data()), input.size()) != 1)
      std::abort();
    signature.resize(size);
  } else {
    std::abort();
  }
  EVP_MD_CTX_free(ctx);
  return signature;
}

// `auth` as the server holds it: validated against the config schema, defaults in.
Json::Value validatedAuth(const config::SchemaValidator &validator, const Json::Value &auth) {
  Json::Value document(Json::objectValue);
  document["auth"] = auth;
  if (!validator.validate(document).empty()) std::abort();
  validator.applyDefaults(document);
  return document["auth"];
}

std::unique_ptr<auth::Authenticator> make(const config::SchemaValidator &validator, const std::string &auth_json) {
  Json::Value secrets(Json::objectValue);
  secrets["JWT_SECRET"]["value"] = kSecret;
  const plugins::SecretStore store(secrets, [](const std::string &) { return std::optional<std::string>(); });
  Json::Value auth = validatedAuth(validator, orders::sdk::parseJson(auth_json));
  auth["jwt"]["rs256_public_key_file"] = auth["jwt"]["rs256_public_key_file"].asString().empty() ? "" : pem_path;
  auth["jwt"]["jwks_file"] = auth["jwt"]["jwks_file"].asString().empty() ? "" : jwks_path;
  auto made = auth::Authenticator::fromConfig(auth, store, [] { return kNow; });
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.error().message.c_str());
    std::abort();
  }
  return std::move(made).value();
}

void check(const orders::sdk::Result<std::optional<auth::Principal>> &result) {
  if (!result.ok()) {
    if (result.error().code != orders::sdk::ErrorCode::unauthenticated) std::abort();
    if (result.error().message.rfind("jwt: ", 0) != 0) std::abort();
    return;
  }
  if (!result.value()) return; // not a Bearer header: no credentials
  const auth::Principal &p = *result.value();
  if (p.scheme != "jwt" || p.subject.empty()) std::abort();
}

void bearer(const auth::Authenticator &authenticator, const std::string &authorization) {
  auth::AuthRequest request;
  request.method = "GET";
  request.path_and_query = "/api/orders";
  request.headers["authorization"] = authorization;
  check(authenticator.authenticate(request));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  log::Logger::instance().setLevel(log::Level::error);
  std::ifstream in(ORDERS_CONFIG_SCHEMA);
  std::stringstream text;
  text << in.rdbuf();
  auto compiled = config::SchemaValidator::compile(orders::sdk::parseJson(text.str()));
  if (!compiled.ok()) std::abort();
  const config::SchemaValidator &validator = *compiled.value();

  rsa_key = EVP_RSA_gen(1024); // small: mode 3 signs every input
  if (rsa_key == nullptr) std::abort();
  pem_path = tempFile(publicPem());
  const std::string n = auth::base64UrlNoPad(bigEndian(OSSL_PKEY_PARAM_RSA_N));
  const std::string e = auth::base64UrlNoPad(bigEndian(OSSL_PKEY_PARAM_RSA_E));
  jwks_path = tempFile(R"({"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"fuzz-1","n":")" + n + R"(","e":")" +
                       e + R"("},{"kty":"EC","kid":"ec-1","crv":"P-256","x":"AA","y":"AA"}]})");
  std::atexit(removeFiles);

  strict = make(validator, R"({"jwt": {"enabled": true, "algorithms": ["HS256", "RS256"],
      "rs256_public_key_file": "pem", "issuer": "https://issuer.test/", "audience": "orders-api",
      "role_aliases": {"customer": "buyer", "merchant": "seller"}}})");
  auth0 = make(validator, R"({"jwt": {"enabled": true, "algorithms": ["RS256"], "jwks_file": "jwks",
      "token_type_claim": "", "role_claim": "https://buyit.local/account_type",
      "subject_claim": "https://buyit.local/user_id", "seller_id_claim": "https://buyit.local/email",
      "subject_claims_by_role": {"seller": "https://buyit.local/email"}}})");
  lax = make(validator, R"({"jwt": {"enabled": true, "algorithms": ["HS256"], "token_type_claim": "typ",
      "access_token_types": ["access", "at+jwt"], "leeway_seconds": 0, "subject_claim": "uid",
      "role_aliases": {"USER": "buyer", "staff": "admin"}, "subject_claims_by_role": {"admin": "email"}}})");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 5;
  const bool other = (data[0] / 5) % 2 == 1;
  const std::string rest(reinterpret_cast<const char *>(data + 1), size - 1);
  switch (mode) {
  case 0: bearer(*strict, rest); break;
  case 1: bearer(*auth0, rest); break;
  case 2:
  case 3: {
    const size_t newline = rest.find('\n');
    const std::string header = newline != std::string::npos ? rest.substr(0, newline)
                               : mode == 2                  ? R"({"alg":"HS256","typ":"JWT"})"
                                                            : R"({"alg":"RS256","typ":"JWT","kid":"fuzz-1"})";
    const std::string claims = newline != std::string::npos ? rest.substr(newline + 1) : rest;
    const std::string input = auth::base64UrlNoPad(header) + "." + auth::base64UrlNoPad(claims);
    const std::string signature = mode == 2 ? auth::hmacSha256(kSecret, input) : rs256(input);
    const auth::Authenticator &verifier = !other ? *strict : mode == 2 ? *lax : *auth0;
    bearer(verifier, "Bearer " + input + "." + auth::base64UrlNoPad(signature));
    break;
  }
  case 4: {
    auto keys = auth::JwksKeys::parse(rest);
    if (keys.ok()) {
      if (keys.value().empty()) std::abort();
      for (const auto &[kid, signer] : keys.value())
        if (!signer) std::abort();
    } else if (keys.error().code != orders::sdk::ErrorCode::invalid_argument) {
      std::abort();
    }
    break;
  }
  }
  return 0;
}
