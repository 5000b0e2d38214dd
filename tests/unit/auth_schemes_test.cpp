// Authentication: gateway headers, service HMAC and the internal token.
#include "auth_test_support.hpp"

class AuthSchemesTest : public AuthFixture {
  CPPUNIT_TEST_SUITE(AuthSchemesTest);
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
  CPPUNIT_TEST(roleAliasesMapTheCallersWords);
  CPPUNIT_TEST(lakooNameTimestampHmacFollowsServiceAuthTs);
  CPPUNIT_TEST(schemeListsFallThroughInOrder);
  CPPUNIT_TEST(internalTokenAndUserJwtShareAuthorization);
  CPPUNIT_TEST(schemeListNamingADisabledSchemeIsRefused);
  CPPUNIT_TEST_SUITE_END();

public:
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
    const std::string signed_text = "cart-service:1700000000:POST:" + kPath + ":" + auth::hex(auth::sha256(kBody));
    CPPUNIT_ASSERT_EQUAL("cart-service:1700000000:" + auth::hex(auth::hmacSha256(kServiceSecret, signed_text)), header);
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

  // ---- vocabularies, formats and scheme lists (dialects)

  void roleAliasesMapTheCallersWords() {
    auto authenticator =
        make(json(R"({"gateway": {"enabled": true, "role_aliases": {"User": "buyer", "staff": "admin"}}})"));
    auto as = [&](const std::string &role) {
      return authenticator->authenticate(
          request({{"x-gateway-key", kGatewayKey}, {"x-user-id", "u-1"}, {"x-user-role", role}}));
    };
    CPPUNIT_ASSERT(expectPrincipal(as("user")).role == Role::buyer);
    CPPUNIT_ASSERT(expectPrincipal(as("STAFF")).role == Role::admin);
    CPPUNIT_ASSERT(expectPrincipal(as("seller")).role == Role::seller); // the host's own words still work
    expectRejected(as("root"), "gateway: unknown role 'root'"); // (an alias to an unknown role fails the schema)
  }
  void lakooNameTimestampHmacFollowsServiceAuthTs() {
    auto authenticator = make(json(R"({"service_hmac": {"enabled": true, "format": "name_timestamp",
                                       "window_seconds": 300, "future_seconds": 60}})"));
    // hex(HMAC-SHA256(secret, "name:ts")), not bound to the request, reusable within the window.
    const std::string token = auth::signServiceName("payment-service", kServiceSecret, kNow);
    CPPUNIT_ASSERT_EQUAL("payment-service:1700000000:" +
                             auth::hex(auth::hmacSha256(kServiceSecret, "payment-service:1700000000")),
                         token);
    for (const char *path : {"/api/orders/1/status", "/api/orders?sellerId=s"})
      CPPUNIT_ASSERT(expectPrincipal(authenticator->authenticate(request(serviceHeaders("payment-service", token),
                                                                         "PUT", path, "{\"newStatus\":\"paid\"}")))
                         .role == Role::internal);
    // 300 s back, 60 s ahead.
    expectPrincipal(authenticator->authenticate(request(
        serviceHeaders("payment-service", auth::signServiceName("payment-service", kServiceSecret, kNow - 300)))));
    expectRejected(authenticator->authenticate(request(serviceHeaders(
                       "payment-service", auth::signServiceName("payment-service", kServiceSecret, kNow - 301)))),
                   "service_hmac: timestamp outside the 300 s window");
    expectPrincipal(authenticator->authenticate(request(
        serviceHeaders("payment-service", auth::signServiceName("payment-service", kServiceSecret, kNow + 60)))));
    expectRejected(authenticator->authenticate(request(serviceHeaders(
                       "payment-service", auth::signServiceName("payment-service", kServiceSecret, kNow + 61)))),
                   "service_hmac: timestamp outside the 60 s window");
    // The request-bound signature is not LAKOO's.
    const std::string bound = auth::signServiceRequest("payment-service", kServiceSecret, kNow, "GET", "/x", "");
    expectRejected(authenticator->authenticate(request(serviceHeaders("payment-service", bound), "GET", "/x")),
                   "service_hmac: signature mismatch");
  }
  void schemeListsFallThroughInOrder() {
    auto authenticator = makeAll();
    const std::vector<std::string> hmac_then_gateway = {"service_hmac", "gateway"};
    const auto gw = request({{"x-gateway-key", kGatewayKey}, {"x-user-id", "u-1"}});
    CPPUNIT_ASSERT_EQUAL(std::string("gateway"),
                         expectPrincipal(authenticator->authenticate(gw, hmac_then_gateway)).scheme);
    // A scheme absent from the list is not looked at, even when its credentials come.
    auto none = authenticator->authenticate(request({{"x-internal-token", kInternalToken}}), hmac_then_gateway);
    CPPUNIT_ASSERT(none.ok() && !none.value());
    // Invalid credentials of the first fall through to the second; with none valid, the first error.
    auto mixed = request({{"x-gateway-key", kGatewayKey},
                          {"x-user-id", "u-1"},
                          {"x-service-name", "svc"},
                          {"x-service-auth", "svc:1:00"}});
    CPPUNIT_ASSERT_EQUAL(std::string("gateway"),
                         expectPrincipal(authenticator->authenticate(mixed, hmac_then_gateway)).scheme);
    expectRejected(authenticator->authenticate(request({{"x-gateway-key", "guess"},
                                                        {"x-user-id", "u"},
                                                        {"x-service-name", "svc"},
                                                        {"x-service-auth", "svc:1:00"}}),
                                               hmac_then_gateway),
                   "service_hmac: timestamp outside the 300 s window");
  }
  void internalTokenAndUserJwtShareAuthorization() {
    // Seed 000: `Authorization: Bearer <INTERNAL_API_TOKEN>` on /internal/*, a user JWT on /api/*.
    auto authenticator = make(json(R"({"jwt": {"enabled": true},
                                       "service_token": {"enabled": true, "header": "Authorization"}})"));
    const auto internal = request({{"authorization", "Bearer " + kInternalToken}});
    CPPUNIT_ASSERT(expectPrincipal(authenticator->authenticate(internal, {"service_token"})).role == Role::internal);
    const auto user = request(bearer(signHs256(accessToken())));
    CPPUNIT_ASSERT_EQUAL(std::string("user-42"), expectPrincipal(authenticator->authenticate(user, {"jwt"})).subject);
    // On a route that takes both, the token falls through to the JWT and back.
    CPPUNIT_ASSERT_EQUAL(std::string("user-42"),
                         expectPrincipal(authenticator->authenticate(user, {"service_token", "jwt"})).subject);
    CPPUNIT_ASSERT(expectPrincipal(authenticator->authenticate(internal, {"jwt", "service_token"})).role ==
                   Role::internal);
    // A user JWT is not the internal token, and the internal token is no JWT.
    expectRejected(authenticator->authenticate(user, {"service_token"}), "internal_token: invalid bearer token");
    CPPUNIT_ASSERT(!authenticator->authenticate(internal, {"jwt"}).ok());
  }
  void schemeListNamingADisabledSchemeIsRefused() {
    auto authenticator = makeGateway();
    CPPUNIT_ASSERT(authenticator->checkSchemes({"gateway", "none"}).ok());
    const auto refused = authenticator->checkSchemes({"gateway", "jwt"});
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("auth scheme 'jwt' is not enabled in the auth section"), refused.error().message);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthSchemesTest);
