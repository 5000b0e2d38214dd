// Shared by the auth tests: keys, secrets, config and request builders,
// JWT signing helpers and a fixture base on a controllable clock.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Serializer.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/SharedPtr.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "auth/auth_util.hpp"
#include "auth/authenticator.hpp"
#include "config/config_loader.hpp"
#include "config/schema_validator.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;
using auth::Authenticator;
using auth::AuthRequest;
using auth::Principal;
using auth::Role;
using AuthResult = orders::sdk::Result<std::optional<Principal>>;

namespace {

constexpr int64_t kNow = 1700000000;
const std::string kJwtSecret = "jwt-secret-0123456789abcdef0123456789abcdef";
const std::string kGatewayKey = "gateway-key-0123456789";
const std::string kServiceSecret = "service-secret-0123456789";
const std::string kInternalToken = "internal-token-0123456789";

// A temp file removed at scope exit.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string &text) {
    char name[] = "/tmp/orders-auth-XXXXXX";
    const int fd = mkstemp(name);
    CPPUNIT_ASSERT(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

// Secrets as the config's `secrets` section gives them; no environment.
inline plugins::SecretStore testSecrets() {
  Json::Value secrets(Json::objectValue);
  secrets["JWT_SECRET"]["value"] = kJwtSecret;
  secrets["GATEWAY_KEY"]["value"] = kGatewayKey;
  secrets["SERVICE_SECRET"]["value"] = kServiceSecret;
  secrets["INTERNAL_TOKEN"]["value"] = kInternalToken;
  return plugins::SecretStore(secrets, [](const std::string &) -> std::optional<std::string> { return std::nullopt; });
}

// `auth` as the loaded server config holds it: validated against
// schemas/config.schema.json, defaults filled in.
inline Json::Value authConfig(const Json::Value &auth_section) {
  CPPUNIT_ASSERT_MESSAGE("schemas/config.schema.json has no `auth` property",
                         config::configSchema()["properties"].isMember("auth"));
  static const std::shared_ptr<const config::SchemaValidator> validator = [] {
    auto compiled = config::SchemaValidator::compile(config::configSchema());
    CPPUNIT_ASSERT_MESSAGE(compiled.ok() ? "" : compiled.error().message, compiled.ok());
    return compiled.value();
  }();
  Json::Value document(Json::objectValue);
  document["auth"] = auth_section;
  const std::vector<config::Violation> violations = validator->validate(document);
  CPPUNIT_ASSERT_MESSAGE(config::formatViolations("config", violations), violations.empty());
  validator->applyDefaults(document);
  return document["auth"];
}

inline Json::Value json(const std::string &text) { return orders::sdk::parseJson(text); }

inline orders::sdk::Result<std::unique_ptr<Authenticator>> tryMake(const Json::Value &auth_section) {
  return Authenticator::fromConfig(authConfig(auth_section), testSecrets(), [] { return kNow; });
}

inline AuthRequest request(std::map<std::string, std::string> headers, const std::string &method = "GET",
                           const std::string &path = "/api/orders", const std::string &body = "") {
  AuthRequest r;
  r.method = method;
  r.path_and_query = path;
  r.headers = std::move(headers);
  r.body = body;
  return r;
}

inline Principal expectPrincipal(const AuthResult &result) {
  CPPUNIT_ASSERT_MESSAGE(result.ok() ? "" : result.error().message, result.ok());
  CPPUNIT_ASSERT_MESSAGE("expected a principal, got no credentials", result.value().has_value());
  return *result.value();
}

inline void expectRejected(const AuthResult &result, const std::string &message) {
  CPPUNIT_ASSERT_MESSAGE("expected a rejection with: " + message, !result.ok());
  CPPUNIT_ASSERT_EQUAL(std::string("unauthenticated"), std::string(orders::sdk::errorCodeName(result.error().code)));
  CPPUNIT_ASSERT_EQUAL(message, result.error().message);
}

inline void expectNoCredentials(const AuthResult &result) {
  CPPUNIT_ASSERT_MESSAGE(result.ok() ? "" : result.error().message, result.ok());
  CPPUNIT_ASSERT(!result.value().has_value());
}

inline void expectConfigError(const Json::Value &auth_section, const std::string &key) {
  auto created = tryMake(auth_section);
  CPPUNIT_ASSERT_MESSAGE("expected a config error naming " + key, !created.ok());
  CPPUNIT_ASSERT(created.error().code == orders::sdk::ErrorCode::invalid_argument);
  CPPUNIT_ASSERT_MESSAGE(created.error().message, created.error().message.rfind(key + ": ", 0) == 0);
}

// ---- JWT helpers

inline const Poco::SharedPtr<Poco::Crypto::RSAKey> &rsaKey() {
  static const Poco::SharedPtr<Poco::Crypto::RSAKey> key =
      Poco::makeShared<Poco::Crypto::RSAKey>(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
  return key;
}

// An access token for user-42, a seller, valid from kNow - 10 for 10 minutes.
inline Poco::JWT::Token accessToken() {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.payload().set("sub", std::string("user-42"));
  token.payload().set("type", std::string("access"));
  token.payload().set("role", std::string("seller"));
  token.payload().set("sellerId", std::string("seller-7"));
  token.payload().set("email", std::string("ana@example.com"));
  token.payload().set("iat", Poco::Int64(kNow - 10));
  token.payload().set("exp", Poco::Int64(kNow + 600));
  return token;
}

inline std::string signHs256(Poco::JWT::Token token, const std::string &key = kJwtSecret,
                             const std::string &algorithm = Poco::JWT::Signer::ALGO_HS256) {
  Poco::JWT::Signer signer(key);
  return signer.sign(token, algorithm);
}

inline std::string signRs256(Poco::JWT::Token token) {
  Poco::JWT::Signer signer(rsaKey());
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

inline std::map<std::string, std::string> bearer(const std::string &token) {
  return {{"authorization", "Bearer " + token}};
}

// The three dot-separated parts of a compact JWT.
inline std::vector<std::string> jwtParts(const std::string &token) {
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  return {token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

// ---- service HMAC helpers

inline std::map<std::string, std::string> serviceHeaders(const std::string &name, const std::string &auth_header) {
  return {{"x-service-name", name}, {"x-service-auth", auth_header}};
}

const std::string kBody = R"({"cartId":"c-1"})";
const std::string kPath = "/internal/orders?source=cart";

} // namespace

class AuthFixture : public CppUnit::TestFixture {
protected:
  int64_t now_ = kNow;

  // An Authenticator on the fixture's clock (now_).
  std::unique_ptr<Authenticator> make(const Json::Value &auth_section) {
    auto created = Authenticator::fromConfig(authConfig(auth_section), testSecrets(), [this] { return now_; });
    CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
    return std::move(created).value();
  }
  std::unique_ptr<Authenticator> makeAll() {
    return make(json(R"({"jwt": {"enabled": true}, "gateway": {"enabled": true},
                         "service_hmac": {"enabled": true}, "service_token": {"enabled": true}})"));
  }
  std::unique_ptr<Authenticator> makeJwt() { return make(json(R"({"jwt": {"enabled": true}})")); }
  std::unique_ptr<Authenticator> makeHmac() { return make(json(R"({"service_hmac": {"enabled": true}})")); }
  std::unique_ptr<Authenticator> makeGateway() { return make(json(R"({"gateway": {"enabled": true}})")); }
};
