// RS256 keys from a JWKS served by a real HTTP peer: kid selection, the
// issuer rotating its key, refetch rate limit, Auth0-style claims (no token
// type, subject claim per role) as seed 000's tokens carry them.
#include "auth/jwks.hpp"
#include "auth_test_support.hpp"
#include "http_peer.hpp"

#include <Poco/Base64Encoder.h>

#include <sstream>

using orders::testing::HttpPeer;

namespace {

Poco::SharedPtr<Poco::Crypto::RSAKey> newKey() {
  return Poco::makeShared<Poco::Crypto::RSAKey>(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
}

std::string b64url(const std::vector<unsigned char> &bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  enc.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  enc.close();
  return out.str();
}

std::string jwk(const Poco::Crypto::RSAKey &key, const std::string &kid) {
  return R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")" + kid + R"(","n":")" + b64url(key.modulus()) +
         R"(","e":")" + b64url(key.encryptionExponent()) + R"("})";
}

// An Auth0 access token of seed 000: namespaced claims, no token type.
std::string auth0Token(const Poco::SharedPtr<Poco::Crypto::RSAKey> &key, const std::string &kid,
                       const std::string &account_type) {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject("auth0|abc");
  token.setIssuer("https://tenant.example/");
  token.setAudience("https://orders.example");
  token.payload().set("https://buyit.local/account_type", account_type);
  token.payload().set("https://buyit.local/user_id", std::string(" 3f2c0000-0000-4000-8000-0000000000aa "));
  token.payload().set("https://buyit.local/email", std::string("seller2@buyit.com"));
  token.payload().set("iat", Poco::Int64(kNow - 10));
  token.payload().set("exp", Poco::Int64(kNow + 600));
  token.header().set("kid", kid);
  Poco::JWT::Signer signer(key);
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

} // namespace

class AuthJwksTest : public AuthFixture {
  CPPUNIT_TEST_SUITE(AuthJwksTest);
  CPPUNIT_TEST(keysComeFromTheJwksByKid);
  CPPUNIT_TEST(rotatedKeysAreFetchedOnAnUnknownKidAtMostOncePerInterval);
  CPPUNIT_TEST(auth0ClaimsWithoutTokenTypeAndSubjectPerRole);
  CPPUNIT_TEST(unreachableJwksFailsTheTokenNamingWhy);
  CPPUNIT_TEST(membersOfTheWrongTypeSkipTheKey);
  CPPUNIT_TEST_SUITE_END();

  Json::Value config(const HttpPeer &peer) {
    Json::Value cfg = json(R"({"jwt": {"enabled": true, "algorithms": ["RS256"], "token_type_claim": "",
        "issuer": "https://tenant.example/", "audience": "https://orders.example",
        "role_claim": "https://buyit.local/account_type", "subject_claim": "https://buyit.local/user_id",
        "seller_id_claim": "https://buyit.local/email",
        "subject_claims_by_role": {"seller": "https://buyit.local/email"}, "jwks_min_refetch_seconds": 30}})");
    cfg["jwt"]["jwks_url"] = peer.baseUrl() + "/.well-known/jwks.json";
    return cfg;
  }

public:
  void keysComeFromTheJwksByKid() {
    auto a = newKey(), b = newKey();
    HttpPeer issuer;
    issuer.on("GET", "/.well-known/jwks.json", {200, R"({"keys":[)" + jwk(*a, "a") + "," + jwk(*b, "b") + "]}"});
    auto authenticator = make(config(issuer));
    CPPUNIT_ASSERT(expectPrincipal(authenticator->authenticate(request(bearer(auth0Token(a, "a", "BUYER"))))).role ==
                   Role::buyer);
    expectPrincipal(authenticator->authenticate(request(bearer(auth0Token(b, "b", "ADMIN")))));
    // Signed by a but claiming b's kid: the key of kid b decides.
    expectRejected(authenticator->authenticate(request(bearer(auth0Token(a, "b", "BUYER")))),
                   "jwt: signature mismatch");
    CPPUNIT_ASSERT_EQUAL(size_t(1), issuer.count("GET", "/.well-known/jwks.json")); // cached
  }
  void rotatedKeysAreFetchedOnAnUnknownKidAtMostOncePerInterval() {
    auto old_key = newKey(), new_key = newKey();
    HttpPeer issuer;
    issuer.on("GET", "/.well-known/jwks.json", {200, R"({"keys":[)" + jwk(*old_key, "k1") + "]}"});
    issuer.then("GET", "/.well-known/jwks.json", {200, R"({"keys":[)" + jwk(*new_key, "k2") + "]}"});
    auto authenticator = make(config(issuer));
    expectPrincipal(authenticator->authenticate(request(bearer(auth0Token(old_key, "k1", "BUYER")))));
    // The issuer rotates; the first token with the new kid makes the server fetch again.
    now_ += 31;
    expectPrincipal(authenticator->authenticate(request(bearer(auth0Token(new_key, "k2", "BUYER")))));
    CPPUNIT_ASSERT_EQUAL(size_t(2), issuer.count("GET", "/.well-known/jwks.json"));
    // The retired key no longer verifies, and made-up kids do not refetch within the interval.
    for (const char *kid : {"k1", "zz", "yy"})
      expectRejected(authenticator->authenticate(request(bearer(auth0Token(old_key, kid, "BUYER")))),
                     std::string("jwt: no signing key with kid '") + kid + "'");
    CPPUNIT_ASSERT_EQUAL(size_t(2), issuer.count("GET", "/.well-known/jwks.json"));
  }
  void auth0ClaimsWithoutTokenTypeAndSubjectPerRole() {
    auto key = newKey();
    HttpPeer issuer;
    issuer.on("GET", "/.well-known/jwks.json", {200, R"({"keys":[)" + jwk(*key, "k") + "]}"});
    auto authenticator = make(config(issuer));
    const Principal buyer =
        expectPrincipal(authenticator->authenticate(request(bearer(auth0Token(key, "k", "buyer ")))));
    CPPUNIT_ASSERT_EQUAL(std::string("3f2c0000-0000-4000-8000-0000000000aa"), buyer.subject); // trimmed
    const Principal seller =
        expectPrincipal(authenticator->authenticate(request(bearer(auth0Token(key, "k", "SELLER")))));
    CPPUNIT_ASSERT(seller.role == Role::seller);
    CPPUNIT_ASSERT_EQUAL(std::string("seller2@buyit.com"), seller.subject);
    CPPUNIT_ASSERT_EQUAL(std::string("seller2@buyit.com"), seller.seller_id.value_or(""));
  }
  void unreachableJwksFailsTheTokenNamingWhy() {
    auto key = newKey();
    HttpPeer issuer;
    issuer.on("GET", "/.well-known/jwks.json", {503, "down"});
    auto authenticator = make(config(issuer));
    auto refused = authenticator->authenticate(request(bearer(auth0Token(key, "k", "BUYER"))));
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT_MESSAGE(refused.error().message,
                           refused.error().message.find("signing keys unavailable: GET ") != std::string::npos &&
                               refused.error().message.find("answered 503") != std::string::npos);
  }

  // An issuer's JWKS whose kty, use or alg is an array or object (fuzz.jwt found "alg": [..]): that key is
  // skipped, as a key of another type is; before, JsonCpp's asString() threw out of the parser.
  void membersOfTheWrongTypeSkipTheKey() {
    auto key = newKey();
    const std::string good = jwk(*key, "k1");
    for (const char *member : {"kty", "use", "alg"})
      for (const char *value : {R"(["RS256"])", R"({"v":"sig"})"}) {
        std::string odd = good;
        const std::string from = std::string("\"") + member + "\":\"";
        const size_t at = odd.find(from);
        odd.replace(at, odd.find('"', at + from.size()) + 1 - at, std::string("\"") + member + "\":" + value);
        auto only_odd = auth::JwksKeys::parse(R"({"keys":[)" + odd + "]}");
        CPPUNIT_ASSERT_MESSAGE(odd, !only_odd.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("the JWKS holds no RSA signing key"), only_odd.error().message);
        auto beside = auth::JwksKeys::parse(R"({"keys":[)" + odd + "," + jwk(*key, "k2") + "]}");
        CPPUNIT_ASSERT(beside.ok() && beside.value().size() == 1 && beside.value().count("k2") == 1);
      }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthJwksTest);
