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
plugins::SecretStore testSecrets() {
  Json::Value secrets(Json::objectValue);
  secrets["JWT_SECRET"]["value"] = kJwtSecret;
  secrets["GATEWAY_KEY"]["value"] = kGatewayKey;
  secrets["SERVICE_SECRET"]["value"] = kServiceSecret;
  secrets["INTERNAL_TOKEN"]["value"] = kInternalToken;
  return plugins::SecretStore(secrets, [](const std::string &) -> std::optional<std::string> { return std::nullopt; });
}

// `auth` as the loaded server config holds it: validated against
// schemas/config.schema.json, defaults filled in.
Json::Value authConfig(const Json::Value &auth_section) {
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

Json::Value json(const std::string &text) { return orders::sdk::parseJson(text); }

orders::sdk::Result<std::unique_ptr<Authenticator>> tryMake(const Json::Value &auth_section) {
  return Authenticator::fromConfig(authConfig(auth_section), testSecrets(), [] { return kNow; });
}

AuthRequest request(std::map<std::string, std::string> headers, const std::string &method = "GET",
                    const std::string &path = "/api/orders", const std::string &body = "") {
  AuthRequest r;
  r.method = method;
  r.path_and_query = path;
  r.headers = std::move(headers);
  r.body = body;
  return r;
}

Principal expectPrincipal(const AuthResult &result) {
  CPPUNIT_ASSERT_MESSAGE(result.ok() ? "" : result.error().message, result.ok());
  CPPUNIT_ASSERT_MESSAGE("expected a principal, got no credentials", result.value().has_value());
  return *result.value();
}

void expectRejected(const AuthResult &result, const std::string &message) {
  CPPUNIT_ASSERT_MESSAGE("expected a rejection with: " + message, !result.ok());
  CPPUNIT_ASSERT_EQUAL(std::string("unauthenticated"), std::string(orders::sdk::errorCodeName(result.error().code)));
  CPPUNIT_ASSERT_EQUAL(message, result.error().message);
}

void expectNoCredentials(const AuthResult &result) {
  CPPUNIT_ASSERT_MESSAGE(result.ok() ? "" : result.error().message, result.ok());
  CPPUNIT_ASSERT(!result.value().has_value());
}

void expectConfigError(const Json::Value &auth_section, const std::string &key) {
  auto created = tryMake(auth_section);
  CPPUNIT_ASSERT_MESSAGE("expected a config error naming " + key, !created.ok());
  CPPUNIT_ASSERT(created.error().code == orders::sdk::ErrorCode::invalid_argument);
  CPPUNIT_ASSERT_MESSAGE(created.error().message, created.error().message.rfind(key + ": ", 0) == 0);
}

// ---- JWT helpers

const Poco::SharedPtr<Poco::Crypto::RSAKey> &rsaKey() {
  static const Poco::SharedPtr<Poco::Crypto::RSAKey> key =
      Poco::makeShared<Poco::Crypto::RSAKey>(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
  return key;
}

// An access token for user-42, a seller, valid from kNow - 10 for 10 minutes.
Poco::JWT::Token accessToken() {
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

std::string signHs256(Poco::JWT::Token token, const std::string &key = kJwtSecret,
                      const std::string &algorithm = Poco::JWT::Signer::ALGO_HS256) {
  Poco::JWT::Signer signer(key);
  return signer.sign(token, algorithm);
}

std::string signRs256(Poco::JWT::Token token) {
  Poco::JWT::Signer signer(rsaKey());
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

std::map<std::string, std::string> bearer(const std::string &token) { return {{"authorization", "Bearer " + token}}; }

// The three dot-separated parts of a compact JWT.
std::vector<std::string> jwtParts(const std::string &token) {
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  return {token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

// ---- service HMAC helpers

std::map<std::string, std::string> serviceHeaders(const std::string &name, const std::string &auth_header) {
  return {{"x-service-name", name}, {"x-service-auth", auth_header}};
}

const std::string kBody = R"({"cartId":"c-1"})";
const std::string kPath = "/internal/orders?source=cart";

} // namespace

class AuthTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AuthTest);
  CPPUNIT_TEST(requestWithoutCredentialsIsNoCredentials);
  CPPUNIT_TEST(everySchemeIsDisabledByDefault);
  CPPUNIT_TEST(headersOfDisabledSchemesAreIgnored);
  CPPUNIT_TEST(firstPresentSchemeDecidesInDocumentedOrder);
  CPPUNIT_TEST(rolesRoundTripByNameCaseInsensitively);
  CPPUNIT_TEST(constantTimeEqualsComparesWholeStrings);
  CPPUNIT_TEST(digestsMatchPublishedTestVectors);
  CPPUNIT_TEST(jwtHs256AccessTokenYieldsPrincipalFromClaims);
  CPPUNIT_TEST(jwtRs256TokenIsVerifiedWithThePublicKeyFile);
  CPPUNIT_TEST(jwtWithoutRoleIsBuyerAndNumericSubjectIsText);
  CPPUNIT_TEST(jwtClaimNamesAreConfigurable);
  CPPUNIT_TEST(jwtExpiredTokenIsRejectedBeyondLeeway);
  CPPUNIT_TEST(jwtWithoutExpIsRejected);
  CPPUNIT_TEST(jwtNotYetValidTokenIsRejectedBeyondLeeway);
  CPPUNIT_TEST(jwtSignedWithAnotherSecretIsSignatureMismatch);
  CPPUNIT_TEST(jwtWithTamperedPayloadIsSignatureMismatch);
  CPPUNIT_TEST(jwtRefreshTokenIsRejectedAsRefresh);
  CPPUNIT_TEST(jwtWithoutTokenTypeIsRejected);
  CPPUNIT_TEST(jwtAlgNoneIsRejected);
  CPPUNIT_TEST(jwtUnlistedAlgorithmIsRejected);
  CPPUNIT_TEST(jwtUnknownRoleIsRejected);
  CPPUNIT_TEST(jwtIssuerAndAudienceAreCheckedWhenConfigured);
  CPPUNIT_TEST(jwtMalformedTokensAreRejectedWithoutThrowing);
  CPPUNIT_TEST(jwtNonBearerAuthorizationIsNoCredentials);
  CPPUNIT_TEST(gatewayHeadersWithValidKeyYieldPrincipal);
  CPPUNIT_TEST(gatewayRoleDefaultsToConfiguredRoleAndHeaderNamesAreConfigurable);
  CPPUNIT_TEST(gatewayWrongKeyIsRejected);
  CPPUNIT_TEST(gatewayMissingUserIdIsRejected);
  CPPUNIT_TEST(gatewayUnknownRoleIsRejected);
  CPPUNIT_TEST(serviceHmacSignedRequestYieldsInternalPrincipal);
  CPPUNIT_TEST(serviceHmacSignatureFollowsTheSeedContract);
  CPPUNIT_TEST(serviceHmacMillisecondTimestampIsAccepted);
  CPPUNIT_TEST(serviceHmacWrongSecretIsRejected);
  CPPUNIT_TEST(serviceHmacTamperedBodyOrPathIsRejected);
  CPPUNIT_TEST(serviceHmacTimestampOutsideWindowIsRejected);
  CPPUNIT_TEST(serviceHmacReplayedHeaderIsRejected);
  CPPUNIT_TEST(serviceHmacNameMismatchIsRejected);
  CPPUNIT_TEST(serviceHmacMalformedHeaderIsRejected);
  CPPUNIT_TEST(serviceHmacAllowListAndRoleAreApplied);
  CPPUNIT_TEST(internalTokenYieldsInternalPrincipal);
  CPPUNIT_TEST(internalTokenWrongValueIsRejected);
  CPPUNIT_TEST(unresolvableJwtSecretFailsNamingTheKey);
  CPPUNIT_TEST(unreadableRs256KeyFileFailsNamingTheKey);
  CPPUNIT_TEST(unresolvableGatewayAndServiceSecretsFailNamingTheKey);
  CPPUNIT_TEST_SUITE_END();

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

public:
  // ---- dispatch and helpers

  void requestWithoutCredentialsIsNoCredentials() {
    auto authenticator = makeAll();
    expectNoCredentials(authenticator->authenticate(request({{"accept", "application/json"}})));
    // Trust headers without the gateway key are not credentials.
    expectNoCredentials(authenticator->authenticate(request({{"x-user-id", "u-1"}, {"x-user-role", "admin"}})));
  }
  void everySchemeIsDisabledByDefault() {
    auto authenticator = make(Json::Value(Json::objectValue));
    const std::string token = signHs256(accessToken());
    expectNoCredentials(authenticator->authenticate(request({{"authorization", "Bearer " + token},
                                                             {"x-gateway-key", kGatewayKey},
                                                             {"x-user-id", "u-1"},
                                                             {"x-internal-token", kInternalToken}})));
  }
  void headersOfDisabledSchemesAreIgnored() {
    auto authenticator = makeJwt();
    expectNoCredentials(authenticator->authenticate(
        request({{"x-internal-token", "wrong"}, {"x-gateway-key", "wrong"}, {"x-service-auth", "a:1:ff"}})));
  }
  void firstPresentSchemeDecidesInDocumentedOrder() {
    auto authenticator = makeAll();
    const std::string token = signHs256(accessToken());
    // A wrong internal token is not rescued by a valid bearer token...
    auto headers = bearer(token);
    headers["x-internal-token"] = "wrong";
    expectRejected(authenticator->authenticate(request(headers)), "internal_token: invalid x-internal-token header");
    // ...and a valid internal token wins over a broken bearer token and gateway headers.
    headers = bearer("garbage");
    headers["x-internal-token"] = kInternalToken;
    headers["x-gateway-key"] = "wrong";
    CPPUNIT_ASSERT_EQUAL(std::string("internal_token"),
                         expectPrincipal(authenticator->authenticate(request(headers))).scheme);
    // Service HMAC comes before everything else.
    headers["x-service-name"] = "cart";
    headers["x-service-auth"] = auth::signServiceRequest("cart", kServiceSecret, kNow, "GET", "/api/orders", "");
    CPPUNIT_ASSERT_EQUAL(std::string("service_hmac"),
                         expectPrincipal(authenticator->authenticate(request(headers))).scheme);
  }
  void rolesRoundTripByNameCaseInsensitively() {
    for (Role role : {Role::buyer, Role::seller, Role::admin, Role::internal})
      CPPUNIT_ASSERT(auth::roleFromName(auth::roleName(role)) == role);
    CPPUNIT_ASSERT_EQUAL(std::string("admin"), std::string(auth::roleName(Role::admin)));
    CPPUNIT_ASSERT(auth::roleFromName("ADMIN") == Role::admin);
    CPPUNIT_ASSERT(!auth::roleFromName("root").has_value());
    CPPUNIT_ASSERT(!auth::roleFromName("").has_value());
  }
  void constantTimeEqualsComparesWholeStrings() {
    CPPUNIT_ASSERT(auth::constantTimeEquals("secret", "secret"));
    CPPUNIT_ASSERT(auth::constantTimeEquals("", ""));
    CPPUNIT_ASSERT(!auth::constantTimeEquals("secret", "secreT"));
    CPPUNIT_ASSERT(!auth::constantTimeEquals("secret", "secret2"));
    CPPUNIT_ASSERT(!auth::constantTimeEquals("secret", "secre"));
    CPPUNIT_ASSERT(!auth::constantTimeEquals("secret", ""));
    CPPUNIT_ASSERT(!auth::constantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
  }
  void digestsMatchPublishedTestVectors() {
    // FIPS 180-2 and RFC 4231 test case 1.
    CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                         auth::hexLower(auth::sha256("")));
    CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                         auth::hexLower(auth::sha256("abc")));
    CPPUNIT_ASSERT_EQUAL(std::string("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                         auth::hexLower(auth::hmacSha256(std::string(20, '\x0b'), "Hi There")));
  }

  // ---- JWT

  void jwtHs256AccessTokenYieldsPrincipalFromClaims() {
    const Principal p = expectPrincipal(makeJwt()->authenticate(request(bearer(signHs256(accessToken())))));
    CPPUNIT_ASSERT_EQUAL(std::string("user-42"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::seller);
    CPPUNIT_ASSERT(p.seller_id == std::optional<std::string>("seller-7"));
    CPPUNIT_ASSERT(p.email == std::optional<std::string>("ana@example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("jwt"), p.scheme);
    // The scheme word is case-insensitive.
    const std::string token = signHs256(accessToken());
    expectPrincipal(makeJwt()->authenticate(request({{"authorization", "bearer  " + token}})));
  }
  void jwtRs256TokenIsVerifiedWithThePublicKeyFile() {
    TempFile key_file("");
    rsaKey()->save(key_file.path);
    Json::Value cfg = json(R"({"jwt": {"enabled": true, "algorithms": ["RS256"]}})");
    cfg["jwt"]["rs256_public_key_file"] = key_file.path;
    auto authenticator = make(cfg);

    const Principal p = expectPrincipal(authenticator->authenticate(request(bearer(signRs256(accessToken())))));
    CPPUNIT_ASSERT_EQUAL(std::string("user-42"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::seller);
    // No algorithm confusion: an RS256-only verifier refuses HS256 tokens.
    expectRejected(authenticator->authenticate(request(bearer(signHs256(accessToken())))),
                   "jwt: algorithm 'HS256' is not accepted");
    // Expiry is checked for RS256 too.
    Poco::JWT::Token expired = accessToken();
    expired.payload().set("exp", Poco::Int64(kNow - 3600));
    expectRejected(authenticator->authenticate(request(bearer(signRs256(expired)))), "jwt: expired");
  }
  void jwtWithoutRoleIsBuyerAndNumericSubjectIsText() {
    Poco::JWT::Token token = accessToken();
    token.payload().remove("role");
    token.payload().remove("sellerId");
    token.payload().remove("email");
    token.payload().set("sub", Poco::Int64(42));
    const Principal p = expectPrincipal(makeJwt()->authenticate(request(bearer(signHs256(token)))));
    CPPUNIT_ASSERT_EQUAL(std::string("42"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::buyer);
    CPPUNIT_ASSERT(!p.seller_id.has_value());
    CPPUNIT_ASSERT(!p.email.has_value());
  }
  void jwtClaimNamesAreConfigurable() {
    auto authenticator = make(json(R"({"jwt": {"enabled": true, "subject_claim": "userId", "role_claim": "userRole",
        "seller_id_claim": "shop", "email_claim": "mail", "token_type_claim": "tokenUse",
        "access_token_types": ["access", "api"]}})"));
    Poco::JWT::Token token;
    token.payload().set("userId", std::string("u-9"));
    token.payload().set("userRole", std::string("admin"));
    token.payload().set("shop", std::string("s-1"));
    token.payload().set("mail", std::string("x@example.com"));
    token.payload().set("tokenUse", std::string("api"));
    token.payload().set("exp", Poco::Int64(kNow + 60));
    const Principal p = expectPrincipal(authenticator->authenticate(request(bearer(signHs256(token)))));
    CPPUNIT_ASSERT_EQUAL(std::string("u-9"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::admin);
    CPPUNIT_ASSERT(p.seller_id == std::optional<std::string>("s-1"));
    CPPUNIT_ASSERT(p.email == std::optional<std::string>("x@example.com"));
  }
  void jwtExpiredTokenIsRejectedBeyondLeeway() {
    auto authenticator = makeJwt(); // leeway_seconds defaults to 30
    Poco::JWT::Token token = accessToken();
    token.payload().set("exp", Poco::Int64(kNow - 29));
    expectPrincipal(authenticator->authenticate(request(bearer(signHs256(token)))));
    token.payload().set("exp", Poco::Int64(kNow - 31));
    expectRejected(authenticator->authenticate(request(bearer(signHs256(token)))), "jwt: expired");
    // The same token was fine earlier: the clock decides.
    now_ = kNow - 100;
    expectPrincipal(authenticator->authenticate(request(bearer(signHs256(token)))));
  }
  void jwtWithoutExpIsRejected() {
    Poco::JWT::Token token = accessToken();
    token.payload().remove("exp");
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))), "jwt: missing exp claim");
    token.payload().set("exp", std::string("tomorrow"));
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))), "jwt: exp claim is not a number");
  }
  void jwtNotYetValidTokenIsRejectedBeyondLeeway() {
    auto authenticator = makeJwt();
    Poco::JWT::Token token = accessToken();
    token.payload().set("nbf", Poco::Int64(kNow + 29));
    expectPrincipal(authenticator->authenticate(request(bearer(signHs256(token)))));
    token.payload().set("nbf", Poco::Int64(kNow + 31));
    expectRejected(authenticator->authenticate(request(bearer(signHs256(token)))), "jwt: not yet valid");
  }
  void jwtSignedWithAnotherSecretIsSignatureMismatch() {
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(accessToken(), "another-secret-0123456789")))),
                   "jwt: signature mismatch");
  }
  void jwtWithTamperedPayloadIsSignatureMismatch() {
    Poco::JWT::Token admin = accessToken();
    admin.payload().set("role", std::string("admin"));
    const std::vector<std::string> forged = jwtParts(signHs256(admin, "attacker-key-0123456789"));

    // HS256: a payload swapped under a valid signature.
    const std::vector<std::string> hs = jwtParts(signHs256(accessToken()));
    expectRejected(makeJwt()->authenticate(request(bearer(hs[0] + "." + forged[1] + "." + hs[2]))),
                   "jwt: signature mismatch");

    // RS256 likewise.
    TempFile key_file("");
    rsaKey()->save(key_file.path);
    Json::Value cfg = json(R"({"jwt": {"enabled": true, "algorithms": ["HS256", "RS256"]}})");
    cfg["jwt"]["rs256_public_key_file"] = key_file.path;
    auto authenticator = make(cfg);
    const std::vector<std::string> rs = jwtParts(signRs256(accessToken()));
    expectRejected(authenticator->authenticate(request(bearer(rs[0] + "." + forged[1] + "." + rs[2]))),
                   "jwt: signature mismatch");
    // Both algorithms listed: each token is checked with its own key.
    expectPrincipal(authenticator->authenticate(request(bearer(signRs256(accessToken())))));
    expectPrincipal(authenticator->authenticate(request(bearer(signHs256(accessToken())))));
  }
  void jwtRefreshTokenIsRejectedAsRefresh() {
    Poco::JWT::Token token = accessToken();
    token.payload().set("type", std::string("refresh"));
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))),
                   "jwt: refresh token rejected (access tokens only)");
    token.payload().set("type", std::string("id"));
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))),
                   "jwt: token type 'id' rejected (access tokens only)");
  }
  void jwtWithoutTokenTypeIsRejected() {
    Poco::JWT::Token token = accessToken();
    token.payload().remove("type");
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))),
                   "jwt: no type claim (access tokens only)");
  }
  void jwtAlgNoneIsRejected() {
    Poco::JWT::Token token = accessToken();
    token.setAlgorithm("none");
    const std::string unsigned_token =
        Poco::JWT::Serializer::serialize(token.header()) + "." + Poco::JWT::Serializer::serialize(token.payload());
    expectRejected(makeJwt()->authenticate(request(bearer(unsigned_token + "."))), "jwt: alg none is not accepted");
    // With a signature appended, and spelled otherwise, it is still none.
    token.setAlgorithm("None");
    const std::string with_signature = Poco::JWT::Serializer::serialize(token.header()) + "." +
                                       Poco::JWT::Serializer::serialize(token.payload()) + ".c2lnbmF0dXJl";
    expectRejected(makeJwt()->authenticate(request(bearer(with_signature))), "jwt: alg none is not accepted");
  }
  void jwtUnlistedAlgorithmIsRejected() {
    auto authenticator = makeJwt(); // algorithms default to ["HS256"]
    expectRejected(authenticator->authenticate(
                       request(bearer(signHs256(accessToken(), kJwtSecret, Poco::JWT::Signer::ALGO_HS512)))),
                   "jwt: algorithm 'HS512' is not accepted");
    expectRejected(authenticator->authenticate(request(bearer(signRs256(accessToken())))),
                   "jwt: algorithm 'RS256' is not accepted");
  }
  void jwtUnknownRoleIsRejected() {
    Poco::JWT::Token token = accessToken();
    token.payload().set("role", std::string("superuser"));
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))), "jwt: unknown role 'superuser'");
  }
  void jwtIssuerAndAudienceAreCheckedWhenConfigured() {
    auto authenticator =
        make(json(R"({"jwt": {"enabled": true, "issuer": "https://auth.example", "audience": "orders"}})"));
    Poco::JWT::Token token = accessToken();
    token.setIssuer("https://auth.example");
    token.setAudience(std::vector<std::string>{"carts", "orders"});
    expectPrincipal(authenticator->authenticate(request(bearer(signHs256(token)))));
    token.setAudience(std::string("orders"));
    expectPrincipal(authenticator->authenticate(request(bearer(signHs256(token)))));

    token.setAudience(std::string("carts"));
    expectRejected(authenticator->authenticate(request(bearer(signHs256(token)))), "jwt: audience mismatch");
    token.setAudience(std::string("orders"));
    token.setIssuer("https://evil.example");
    expectRejected(authenticator->authenticate(request(bearer(signHs256(token)))), "jwt: issuer mismatch");
    token.payload().remove("iss");
    expectRejected(authenticator->authenticate(request(bearer(signHs256(token)))), "jwt: issuer mismatch");
  }
  void jwtMalformedTokensAreRejectedWithoutThrowing() {
    auto authenticator = makeJwt();
    for (const std::string &token : {std::string("abc"), std::string("a.b"), std::string("a.b.c.d"),
                                     std::string("!!!.???.***"), std::string(".."), std::string("e30..c2ln")})
      expectRejected(authenticator->authenticate(request(bearer(token))), "jwt: malformed token");
    // "e30" is base64url for {}: a header without alg.
    expectRejected(authenticator->authenticate(request(bearer("e30.e30.c2ln"))), "jwt: missing alg header");
    expectRejected(authenticator->authenticate(request({{"authorization", "Bearer "}})), "jwt: empty bearer token");

    // A correctly signed token whose payload is not a JSON object.
    Poco::JWT::Token token = accessToken();
    token.setAlgorithm("HS256");
    const std::string header = Poco::JWT::Serializer::serialize(token.header());
    const std::string payload = auth::base64UrlNoPad("[1,2]");
    const std::string signature = auth::base64UrlNoPad(auth::hmacSha256(kJwtSecret, header + "." + payload));
    expectRejected(authenticator->authenticate(request(bearer(header + "." + payload + "." + signature))),
                   "jwt: malformed token");

    // RS256: Poco's tryVerify() throws on a payload it cannot parse.
    TempFile key_file("");
    rsaKey()->save(key_file.path);
    Json::Value cfg = json(R"({"jwt": {"enabled": true, "algorithms": ["RS256"]}})");
    cfg["jwt"]["rs256_public_key_file"] = key_file.path;
    token.setAlgorithm("RS256");
    const std::string rs_header = Poco::JWT::Serializer::serialize(token.header());
    expectRejected(make(cfg)->authenticate(request(bearer(rs_header + ".!!!.c2ln"))), "jwt: malformed token");
  }
  void jwtNonBearerAuthorizationIsNoCredentials() {
    expectNoCredentials(makeJwt()->authenticate(request({{"authorization", "Basic dXNlcjpwYXNz"}})));
    expectNoCredentials(makeJwt()->authenticate(request({{"authorization", "Bearerx abc"}})));
  }

  // ---- gateway

  void gatewayHeadersWithValidKeyYieldPrincipal() {
    const Principal p = expectPrincipal(makeGateway()->authenticate(request({{"x-gateway-key", kGatewayKey},
                                                                             {"x-user-id", "u-1"},
                                                                             {"x-user-role", "seller"},
                                                                             {"x-seller-id", "s-1"},
                                                                             {"x-user-email", "u@example.com"}})));
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::seller);
    CPPUNIT_ASSERT(p.seller_id == std::optional<std::string>("s-1"));
    CPPUNIT_ASSERT(p.email == std::optional<std::string>("u@example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("gateway"), p.scheme);
  }
  void gatewayRoleDefaultsToConfiguredRoleAndHeaderNamesAreConfigurable() {
    Principal p =
        expectPrincipal(makeGateway()->authenticate(request({{"x-gateway-key", kGatewayKey}, {"x-user-id", "u-1"}})));
    CPPUNIT_ASSERT(p.role == Role::buyer);
    CPPUNIT_ASSERT(!p.seller_id.has_value());
    CPPUNIT_ASSERT(!p.email.has_value());

    auto custom = make(json(R"({"gateway": {"enabled": true, "default_role": "seller", "user_header": "X-Auth-User",
        "role_header": "x-auth-role"}})"));
    p = expectPrincipal(custom->authenticate(request({{"x-gateway-key", kGatewayKey}, {"x-auth-user", "u-2"}})));
    CPPUNIT_ASSERT_EQUAL(std::string("u-2"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::seller);
    p = expectPrincipal(custom->authenticate(
        request({{"x-gateway-key", kGatewayKey}, {"x-auth-user", "u-2"}, {"x-auth-role", "Admin"}})));
    CPPUNIT_ASSERT(p.role == Role::admin);
  }
  void gatewayWrongKeyIsRejected() {
    auto authenticator = makeGateway();
    expectRejected(authenticator->authenticate(request({{"x-gateway-key", "guess"}, {"x-user-id", "u-1"}})),
                   "gateway: invalid x-gateway-key");
    expectRejected(authenticator->authenticate(request({{"x-gateway-key", ""}, {"x-user-id", "u-1"}})),
                   "gateway: invalid x-gateway-key");
    expectRejected(authenticator->authenticate(request({{"x-gateway-key", kGatewayKey + "x"}, {"x-user-id", "u-1"}})),
                   "gateway: invalid x-gateway-key");
  }
  void gatewayMissingUserIdIsRejected() {
    auto authenticator = makeGateway();
    expectRejected(authenticator->authenticate(request({{"x-gateway-key", kGatewayKey}, {"x-user-role", "admin"}})),
                   "gateway: missing x-user-id header");
    expectRejected(authenticator->authenticate(request({{"x-gateway-key", kGatewayKey}, {"x-user-id", " "}})),
                   "gateway: missing x-user-id header");
  }
  void gatewayUnknownRoleIsRejected() {
    expectRejected(makeGateway()->authenticate(
                       request({{"x-gateway-key", kGatewayKey}, {"x-user-id", "u-1"}, {"x-user-role", "root"}})),
                   "gateway: unknown role 'root'");
  }

  // ---- service HMAC

  void serviceHmacSignedRequestYieldsInternalPrincipal() {
    const std::string header = auth::signServiceRequest("cart-service", kServiceSecret, kNow, "POST", kPath, kBody);
    const Principal p = expectPrincipal(
        makeHmac()->authenticate(request(serviceHeaders("cart-service", header), "POST", kPath, kBody)));
    CPPUNIT_ASSERT_EQUAL(std::string("cart-service"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::internal);
    CPPUNIT_ASSERT(!p.seller_id.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("service_hmac"), p.scheme);
  }
  void serviceHmacSignatureFollowsTheSeedContract() {
    const std::string header = auth::signServiceRequest("cart-service", kServiceSecret, kNow, "post", kPath, kBody);
    const std::string signed_text = "cart-service:1700000000:POST:" + kPath + ":" + auth::hexLower(auth::sha256(kBody));
    CPPUNIT_ASSERT_EQUAL("cart-service:1700000000:" + auth::hexLower(auth::hmacSha256(kServiceSecret, signed_text)),
                         header);
    // Upper-case hex from another implementation is accepted.
    const size_t mac_at = header.rfind(':') + 1;
    const std::string upper = header.substr(0, mac_at) + auth::upperAscii(header.substr(mac_at));
    expectPrincipal(makeHmac()->authenticate(request(serviceHeaders("cart-service", upper), "POST", kPath, kBody)));
  }
  void serviceHmacMillisecondTimestampIsAccepted() {
    const std::string header =
        auth::signServiceRequest("cart-service", kServiceSecret, kNow * 1000 + 250, "POST", kPath, kBody);
    CPPUNIT_ASSERT(header.find(":1700000000250:") != std::string::npos);
    expectPrincipal(makeHmac()->authenticate(request(serviceHeaders("cart-service", header), "POST", kPath, kBody)));
    // Milliseconds are windowed like seconds.
    const std::string old_ms =
        auth::signServiceRequest("cart-service", kServiceSecret, (kNow - 301) * 1000, "POST", kPath, kBody);
    expectRejected(makeHmac()->authenticate(request(serviceHeaders("cart-service", old_ms), "POST", kPath, kBody)),
                   "service_hmac: timestamp outside the 300 s window");
  }
  void serviceHmacWrongSecretIsRejected() {
    const std::string header = auth::signServiceRequest("cart-service", "not-the-secret", kNow, "POST", kPath, kBody);
    expectRejected(makeHmac()->authenticate(request(serviceHeaders("cart-service", header), "POST", kPath, kBody)),
                   "service_hmac: signature mismatch");
  }
  void serviceHmacTamperedBodyOrPathIsRejected() {
    auto authenticator = makeHmac();
    const std::string header = auth::signServiceRequest("cart-service", kServiceSecret, kNow, "POST", kPath, kBody);
    expectRejected(authenticator->authenticate(
                       request(serviceHeaders("cart-service", header), "POST", kPath, R"({"cartId":"c-2"})")),
                   "service_hmac: signature mismatch");
    expectRejected(
        authenticator->authenticate(request(serviceHeaders("cart-service", header), "POST", "/internal/orders", kBody)),
        "service_hmac: signature mismatch");
    expectRejected(authenticator->authenticate(request(serviceHeaders("cart-service", header), "PUT", kPath, kBody)),
                   "service_hmac: signature mismatch");
    // Tampering did not burn the genuine request.
    expectPrincipal(authenticator->authenticate(request(serviceHeaders("cart-service", header), "POST", kPath, kBody)));
  }
  void serviceHmacTimestampOutsideWindowIsRejected() {
    auto authenticator = makeHmac(); // window_seconds defaults to 300
    for (int64_t ts : {kNow - 301, kNow + 301}) {
      const std::string header = auth::signServiceRequest("cart-service", kServiceSecret, ts, "POST", kPath, kBody);
      expectRejected(authenticator->authenticate(request(serviceHeaders("cart-service", header), "POST", kPath, kBody)),
                     "service_hmac: timestamp outside the 300 s window");
    }
    for (int64_t ts : {kNow - 300, kNow + 300}) {
      const std::string header = auth::signServiceRequest("cart-service", kServiceSecret, ts, "POST", kPath, kBody);
      expectPrincipal(
          authenticator->authenticate(request(serviceHeaders("cart-service", header), "POST", kPath, kBody)));
    }
  }
  void serviceHmacReplayedHeaderIsRejected() {
    auto authenticator = makeHmac();
    const AuthRequest signed_request =
        request(serviceHeaders("cart-service",
                               auth::signServiceRequest("cart-service", kServiceSecret, kNow, "POST", kPath, kBody)),
                "POST", kPath, kBody);
    expectPrincipal(authenticator->authenticate(signed_request));
    expectRejected(authenticator->authenticate(signed_request), "service_hmac: replayed request");
    now_ += 200; // still inside the window
    expectRejected(authenticator->authenticate(signed_request), "service_hmac: replayed request");
    // A fresh signature for the same call is fine.
    const std::string fresh = auth::signServiceRequest("cart-service", kServiceSecret, now_, "POST", kPath, kBody);
    expectPrincipal(authenticator->authenticate(request(serviceHeaders("cart-service", fresh), "POST", kPath, kBody)));
    // Once the window has passed, the timestamp check rejects the old header.
    now_ = kNow + 301;
    expectRejected(authenticator->authenticate(signed_request), "service_hmac: timestamp outside the 300 s window");
  }
  void serviceHmacNameMismatchIsRejected() {
    const std::string header = auth::signServiceRequest("cart-service", kServiceSecret, kNow, "POST", kPath, kBody);
    expectRejected(makeHmac()->authenticate(request(serviceHeaders("admin-service", header), "POST", kPath, kBody)),
                   "service_hmac: x-service-name does not match the name in x-service-auth");
    expectRejected(makeHmac()->authenticate(request({{"x-service-auth", header}}, "POST", kPath, kBody)),
                   "service_hmac: missing x-service-name header");
  }
  void serviceHmacMalformedHeaderIsRejected() {
    auto authenticator = makeHmac();
    for (const std::string &header : {std::string("cart-service"), std::string("cart-service:1700000000"),
                                      std::string("cart-service:1700000000:ab:cd"), std::string("::")})
      expectRejected(authenticator->authenticate(request(serviceHeaders("cart-service", header))),
                     "service_hmac: malformed x-service-auth header (expected name:timestamp:hmac)");
    expectRejected(authenticator->authenticate(request(serviceHeaders("cart-service", "cart-service:-5:ab"))),
                   "service_hmac: malformed timestamp '-5'");
    expectRejected(
        authenticator->authenticate(request(serviceHeaders("cart-service", "cart-service:99999999999999999999:ab"))),
        "service_hmac: malformed timestamp '99999999999999999999'");
  }
  void serviceHmacAllowListAndRoleAreApplied() {
    auto authenticator = make(json(R"({"service_hmac": {"enabled": true, "allowed_services": ["cart-service"],
                                                         "role": "admin", "window_seconds": 60}})"));
    const std::string billing = auth::signServiceRequest("billing", kServiceSecret, kNow, "GET", "/x", "");
    expectRejected(authenticator->authenticate(request(serviceHeaders("billing", billing), "GET", "/x")),
                   "service_hmac: service 'billing' is not allowed");
    const std::string cart = auth::signServiceRequest("cart-service", kServiceSecret, kNow, "GET", "/x", "");
    CPPUNIT_ASSERT(
        expectPrincipal(authenticator->authenticate(request(serviceHeaders("cart-service", cart), "GET", "/x"))).role ==
        Role::admin);
    const std::string old = auth::signServiceRequest("cart-service", kServiceSecret, kNow - 61, "GET", "/x", "");
    expectRejected(authenticator->authenticate(request(serviceHeaders("cart-service", old), "GET", "/x")),
                   "service_hmac: timestamp outside the 60 s window");
  }

  // ---- internal token

  void internalTokenYieldsInternalPrincipal() {
    auto authenticator = make(json(R"({"service_token": {"enabled": true}})"));
    const Principal p = expectPrincipal(authenticator->authenticate(request({{"x-internal-token", kInternalToken}})));
    CPPUNIT_ASSERT_EQUAL(std::string("internal"), p.subject);
    CPPUNIT_ASSERT(p.role == Role::internal);
    CPPUNIT_ASSERT_EQUAL(std::string("internal_token"), p.scheme);

    auto custom = make(json(R"({"service_token": {"enabled": true, "header": "x-api-token", "subject": "ops"}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("ops"),
                         expectPrincipal(custom->authenticate(request({{"x-api-token", kInternalToken}}))).subject);
  }
  void internalTokenWrongValueIsRejected() {
    auto authenticator = make(json(R"({"service_token": {"enabled": true}})"));
    for (const std::string &value :
         {std::string("wrong"), std::string(""), kInternalToken + "0", kInternalToken.substr(1)})
      expectRejected(authenticator->authenticate(request({{"x-internal-token", value}})),
                     "internal_token: invalid x-internal-token header");
  }

  // ---- configuration

  void unresolvableJwtSecretFailsNamingTheKey() {
    expectConfigError(json(R"({"jwt": {"enabled": true, "hs256_secret": "NO_SUCH_SECRET"}})"), "auth.jwt.hs256_secret");
    // Not needed when HS256 is not listed.
    TempFile key_file("");
    rsaKey()->save(key_file.path);
    Json::Value cfg = json(R"({"jwt": {"enabled": true, "algorithms": ["RS256"], "hs256_secret": "NO_SUCH_SECRET"}})");
    cfg["jwt"]["rs256_public_key_file"] = key_file.path;
    CPPUNIT_ASSERT(tryMake(cfg).ok());
  }
  void unreadableRs256KeyFileFailsNamingTheKey() {
    Json::Value cfg = json(R"({"jwt": {"enabled": true, "algorithms": ["RS256"]}})");
    expectConfigError(cfg, "auth.jwt.rs256_public_key_file"); // not configured
    cfg["jwt"]["rs256_public_key_file"] = "/nonexistent/orders/jwt.pem";
    expectConfigError(cfg, "auth.jwt.rs256_public_key_file");
    TempFile not_a_key("-----BEGIN NOTHING-----\nxyz\n-----END NOTHING-----\n");
    cfg["jwt"]["rs256_public_key_file"] = not_a_key.path;
    expectConfigError(cfg, "auth.jwt.rs256_public_key_file");
  }
  void unresolvableGatewayAndServiceSecretsFailNamingTheKey() {
    expectConfigError(json(R"({"gateway": {"enabled": true, "key_secret": "NOPE"}})"), "auth.gateway.key_secret");
    expectConfigError(json(R"({"service_hmac": {"enabled": true, "secret": "NOPE"}})"), "auth.service_hmac.secret");
    expectConfigError(json(R"({"service_token": {"enabled": true, "secret": "NOPE"}})"), "auth.service_token.secret");
    // A disabled scheme's secret is never looked up.
    CPPUNIT_ASSERT(tryMake(json(R"({"gateway": {"enabled": false, "key_secret": "NOPE"}})")).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthTest);
