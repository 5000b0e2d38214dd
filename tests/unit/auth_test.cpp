// Authentication: dispatch, JWT (HS256/RS256) and configuration errors.
#include "auth_test_support.hpp"

class AuthTest : public AuthFixture {
  CPPUNIT_TEST_SUITE(AuthTest);
  CPPUNIT_TEST(requestWithoutCredentialsIsNoCredentials);
  CPPUNIT_TEST(everySchemeIsDisabledByDefault);
  CPPUNIT_TEST(headersOfDisabledSchemesAreIgnored);
  CPPUNIT_TEST(firstPresentSchemeDecidesInDocumentedOrder);
  CPPUNIT_TEST(rolesRoundTripByNameCaseInsensitively);
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
  CPPUNIT_TEST(unresolvableJwtSecretFailsNamingTheKey);
  CPPUNIT_TEST(unreadableRs256KeyFileFailsNamingTheKey);
  CPPUNIT_TEST(unresolvableGatewayAndServiceSecretsFailNamingTheKey);
  CPPUNIT_TEST_SUITE_END();

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
    // A subject of only spaces is no subject (found by fuzz.jwt: it gave a principal without one).
    token.payload().set("sub", std::string("  "));
    expectRejected(makeJwt()->authenticate(request(bearer(signHs256(token)))), "jwt: missing sub claim");
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
