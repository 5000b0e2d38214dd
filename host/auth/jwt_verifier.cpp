#include "auth/jwt_verifier.hpp"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Serializer.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/SharedPtr.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "auth/auth_util.hpp"
#include "auth/jwks.hpp"

namespace orders::host::auth {

namespace {

const char *const kHs256 = "HS256";
const char *const kRs256 = "RS256";

sdk::Error fail(const std::string &reason) { return sdk::unauthenticated("jwt: " + reason); }

// Compact JWS: exactly three dot-separated parts.
bool splitCompact(const std::string &token, std::string &header, std::string &payload, std::string &signature) {
  const size_t first = token.find('.');
  if (first == std::string::npos) return false;
  const size_t second = token.find('.', first + 1);
  if (second == std::string::npos || token.find('.', second + 1) != std::string::npos) return false;
  header = token.substr(0, first);
  payload = token.substr(first + 1, second - first - 1);
  signature = token.substr(second + 1);
  return !header.empty() && !payload.empty();
}

// A NumericDate claim (seconds, possibly fractional) floored to whole
// seconds; nullopt when absent or null, an error when not a number.
sdk::Result<std::optional<int64_t>> numericDate(const Poco::JSON::Object &payload, const std::string &claim) {
  const Poco::Dynamic::Var value = payload.get(claim);
  if (value.isEmpty()) return std::optional<int64_t>();
  if (value.isBoolean() || !value.isNumeric()) return fail(claim + " claim is not a number");
  const double seconds = value.convert<double>();
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e15) return fail(claim + " claim is out of range");
  return std::optional<int64_t>(static_cast<int64_t>(std::floor(seconds)));
}

// A string claim; integers are accepted as their decimal text (numeric user
// ids). nullopt when absent, null or empty.
sdk::Result<std::optional<std::string>> textClaim(const Poco::JSON::Object &payload, const std::string &claim) {
  const Poco::Dynamic::Var value = payload.get(claim);
  if (value.isEmpty()) return std::optional<std::string>();
  std::string text;
  if (value.isString())
    text = value.convert<std::string>();
  else if (value.isInteger() && !value.isBoolean())
    text = value.convert<std::string>();
  else
    return fail(claim + " claim must be a string");
  if (text.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(text));
}

bool audienceMatches(const Poco::JSON::Object &payload, const std::string &audience) {
  const Poco::Dynamic::Var value = payload.get(Poco::JWT::Token::CLAIM_AUDIENCE);
  if (value.isString()) return value.convert<std::string>() == audience;
  if (!payload.isArray(Poco::JWT::Token::CLAIM_AUDIENCE)) return false;
  const Poco::JSON::Array::Ptr list = payload.getArray(Poco::JWT::Token::CLAIM_AUDIENCE);
  if (list.isNull()) return false;
  for (unsigned int i = 0; i < list->size(); ++i) {
    const Poco::Dynamic::Var item = list->get(i);
    if (item.isString() && item.convert<std::string>() == audience) return true;
  }
  return false;
}

std::set<std::string> stringSet(const Json::Value &list) {
  std::set<std::string> out;
  for (const Json::Value &item : list)
    out.insert(item.asString());
  return out;
}

} // namespace

JwtVerifier::JwtVerifier() = default;
JwtVerifier::~JwtVerifier() = default;

sdk::Result<std::unique_ptr<JwtVerifier>> JwtVerifier::fromConfig(const Json::Value &config,
                                                                  const plugins::SecretStore &secrets) {
  const std::string where = "auth.jwt";
  std::unique_ptr<JwtVerifier> v(new JwtVerifier());

  v->algorithms_ = stringSet(config["algorithms"]);
  if (v->algorithms_.empty()) return sdk::invalidArgument(where + ".algorithms: list at least one algorithm");
  for (const std::string &algorithm : v->algorithms_)
    if (algorithm != kHs256 && algorithm != kRs256)
      return sdk::invalidArgument(where + ".algorithms: unsupported algorithm " + safeQuote(algorithm) +
                                  " (HS256, RS256)");

  if (v->algorithms_.count(kHs256) != 0) {
    auto secret = resolveSecret(secrets, config, "hs256_secret", where);
    if (!secret.ok()) return secret.error();
    v->hs256_key_ = secret.value();
  }
  const std::string jwks_url = config["jwks_url"].asString(), jwks_file = config["jwks_file"].asString();
  if (v->algorithms_.count(kRs256) != 0 && (!jwks_url.empty() || !jwks_file.empty())) {
    if (!jwks_url.empty() && !jwks_file.empty())
      return sdk::invalidArgument(where + ".jwks_url/jwks_file: set one of them, not both");
    if (!jwks_url.empty() && jwks_url.rfind("https://", 0) != 0 && jwks_url.rfind("http://", 0) != 0)
      return sdk::invalidArgument(where + ".jwks_url: expected an http:// or https:// URL, got " + safeQuote(jwks_url));
    if (!jwks_file.empty() && !std::ifstream(jwks_file))
      return sdk::invalidArgument(where + ".jwks_file: cannot read " + jwks_file);
    const int64_t timeout_ms = config.get("jwks_timeout_ms", 5000).asInt64();
    JwksKeys::Fetch fetch =
        !jwks_url.empty() ? JwksKeys::Fetch([jwks_url, timeout_ms] { return JwksKeys::httpGet(jwks_url, timeout_ms); })
                          : JwksKeys::Fetch([jwks_file]() -> sdk::Result<std::string> {
                              std::ifstream in(jwks_file);
                              if (!in) return sdk::unavailable("cannot read " + jwks_file);
                              std::ostringstream text;
                              text << in.rdbuf();
                              return text.str();
                            });
    if (!jwks_file.empty()) {
      auto first = fetch();
      auto keys = first.ok() ? JwksKeys::parse(first.value()) : first.error();
      if (!keys.ok()) return sdk::invalidArgument(where + ".jwks_file: " + jwks_file + ": " + keys.error().message);
    }
    v->jwks_ = std::make_unique<JwksKeys>(std::move(fetch), jwks_url.empty() ? jwks_file : jwks_url,
                                          config.get("jwks_cache_seconds", 600).asInt64(),
                                          config.get("jwks_min_refetch_seconds", 30).asInt64());
  } else if (v->algorithms_.count(kRs256) != 0) {
    const std::string key = where + ".rs256_public_key_file";
    const std::string path = config["rs256_public_key_file"].asString();
    if (path.empty()) return sdk::invalidArgument(key + ": required when " + where + ".algorithms lists RS256");
    if (!std::ifstream(path)) return sdk::invalidArgument(key + ": cannot read " + path);
    try {
      auto signer = std::make_unique<Poco::JWT::Signer>(Poco::makeShared<Poco::Crypto::RSAKey>(path));
      signer->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
      v->rs256_signer_ = std::move(signer);
    } catch (const Poco::Exception &e) {
      return sdk::invalidArgument(key + ": " + path + " is not an RSA public key in PEM (" + e.displayText() + ")");
    }
  }

  v->issuer_ = config["issuer"].asString();
  v->audience_ = config["audience"].asString();
  v->leeway_seconds_ = config["leeway_seconds"].asInt64();
  if (v->leeway_seconds_ < 0) return sdk::invalidArgument(where + ".leeway_seconds: must be >= 0");
  v->token_type_claim_ = config["token_type_claim"].asString();
  v->access_token_types_ = stringSet(config["access_token_types"]);
  v->subject_claim_ = config["subject_claim"].asString();
  v->role_claim_ = config["role_claim"].asString();
  auto aliases = roleAliasesSetting(config, where);
  if (!aliases.ok()) return aliases.error();
  v->role_aliases_ = std::move(aliases).value();
  v->seller_id_claim_ = config["seller_id_claim"].asString();
  v->email_claim_ = config["email_claim"].asString();
  if (!v->token_type_claim_.empty() && v->access_token_types_.empty())
    return sdk::invalidArgument(where + ".access_token_types: must not be empty while token_type_claim is set");
  const Json::Value &by_role = config["subject_claims_by_role"];
  for (const std::string &name : by_role.getMemberNames()) {
    const std::optional<Role> role = roleFromName(name);
    if (!role) return sdk::invalidArgument(where + ".subject_claims_by_role." + name + ": unknown role");
    v->subject_claims_by_role_[*role] = by_role[name].asString();
  }
  if (v->subject_claim_.empty()) return sdk::invalidArgument(where + ".subject_claim: must not be empty");
  return sdk::Result<std::unique_ptr<JwtVerifier>>(std::move(v));
}

sdk::Result<Principal> JwtVerifier::verify(const std::string &token, int64_t now) const {
  // Poco throws from parsing (bad base64, bad JSON, a header that is not an
  // object) and from verification; none of that may escape.
  try {
    return verifyOrThrow(token, now);
  } catch (const Poco::Exception &) {
    return fail("malformed token");
  } catch (const std::exception &) {
    return fail("malformed token");
  }
}

sdk::Result<Principal> JwtVerifier::verifyOrThrow(const std::string &token, int64_t now) const {
  std::string header_b64, payload_b64, signature_b64;
  if (!splitCompact(token, header_b64, payload_b64, signature_b64)) return fail("malformed token");

  const Poco::JSON::Object::Ptr header = Poco::JWT::Serializer::deserialize(header_b64);
  if (header.isNull()) return fail("malformed token");
  const Poco::Dynamic::Var alg = header->get(Poco::JWT::Token::CLAIM_ALGORITHM);
  if (!alg.isString()) return fail("missing alg header");
  const std::string algorithm = alg.convert<std::string>();
  if (lowerAscii(algorithm) == Poco::JWT::Signer::ALGO_NONE) return fail("alg none is not accepted");
  if (algorithms_.count(algorithm) == 0) return fail("algorithm " + safeQuote(algorithm) + " is not accepted");
  if (signature_b64.empty()) return fail("missing signature");

  const Poco::Dynamic::Var kid = header->get("kid");
  auto signature = checkSignature(algorithm, token, header_b64, payload_b64, signature_b64,
                                  kid.isString() ? kid.convert<std::string>() : std::string(), now);
  if (!signature.ok()) return signature.error();

  // Claims are read only once the signature holds.
  const Poco::JSON::Object::Ptr payload = Poco::JWT::Serializer::deserialize(payload_b64);
  if (payload.isNull()) return fail("malformed token");
  auto validity = checkValidity(*payload, now);
  if (!validity.ok()) return validity.error();
  return principalOf(*payload);
}

sdk::Status JwtVerifier::checkSignature(const std::string &algorithm, const std::string &token,
                                        const std::string &header_b64, const std::string &payload_b64,
                                        const std::string &signature_b64, const std::string &kid, int64_t now) const {
  if (algorithm == kHs256) {
    const std::string expected = base64UrlNoPad(hmacSha256(hs256_key_, header_b64 + "." + payload_b64));
    if (!constantTimeEquals(expected, signature_b64)) return fail("signature mismatch");
    return sdk::Status();
  }
  if (algorithm == kRs256 && jwks_) {
    auto signer = jwks_->signerFor(kid, now);
    if (!signer.ok()) return signer.error();
    Poco::JWT::Token verified;
    if (!signer.value()->tryVerify(token, verified)) return fail("signature mismatch");
    return sdk::Status();
  }
  if (algorithm == kRs256 && rs256_signer_) {
    Poco::JWT::Token verified;
    if (!rs256_signer_->tryVerify(token, verified)) return fail("signature mismatch");
    return sdk::Status();
  }
  return fail("algorithm " + safeQuote(algorithm) + " is not accepted");
}

sdk::Status JwtVerifier::checkValidity(const Poco::JSON::Object &payload, int64_t now) const {
  auto exp = numericDate(payload, Poco::JWT::Token::CLAIM_EXPIRATION);
  if (!exp.ok()) return exp.error();
  if (!exp.value()) return fail("missing exp claim");
  if (now >= *exp.value() + leeway_seconds_) return fail("expired");

  auto nbf = numericDate(payload, Poco::JWT::Token::CLAIM_NOT_BEFORE);
  if (!nbf.ok()) return nbf.error();
  if (nbf.value() && now + leeway_seconds_ < *nbf.value()) return fail("not yet valid");

  if (!issuer_.empty()) {
    const Poco::Dynamic::Var iss = payload.get(Poco::JWT::Token::CLAIM_ISSUER);
    if (!iss.isString() || iss.convert<std::string>() != issuer_) return fail("issuer mismatch");
  }
  if (!audience_.empty() && !audienceMatches(payload, audience_)) return fail("audience mismatch");

  if (token_type_claim_.empty()) return sdk::Status(); // the issuer has no token types (Auth0)
  auto type = textClaim(payload, token_type_claim_);
  if (!type.ok()) return type.error();
  if (!type.value()) return fail("no " + token_type_claim_ + " claim (access tokens only)");
  if (access_token_types_.count(*type.value()) == 0) {
    if (lowerAscii(*type.value()) == "refresh") return fail("refresh token rejected (access tokens only)");
    return fail("token type " + safeQuote(*type.value()) + " rejected (access tokens only)");
  }
  return sdk::Status();
}

sdk::Result<Principal> JwtVerifier::principalOf(const Poco::JSON::Object &payload) const {
  Principal principal;
  principal.scheme = "jwt";

  if (!role_claim_.empty()) {
    auto role = textClaim(payload, role_claim_);
    if (!role.ok()) return role.error();
    if (role.value()) {
      const std::optional<Role> known = roleFromWord(role_aliases_, std::string(trimSpaces(*role.value())));
      if (!known) return fail("unknown role " + safeQuote(*role.value()));
      principal.role = *known;
    }
  }

  auto by_role = subject_claims_by_role_.find(principal.role);
  const std::string &subject_claim = by_role == subject_claims_by_role_.end() ? subject_claim_ : by_role->second;
  auto subject = textClaim(payload, subject_claim);
  if (!subject.ok()) return subject.error();
  // Only spaces is no subject either (the gateway's x-user-id is read the same way).
  if (!subject.value() || trimSpaces(*subject.value()).empty()) return fail("missing " + subject_claim + " claim");
  principal.subject = std::string(trimSpaces(*subject.value()));
  if (!seller_id_claim_.empty()) {
    auto seller = textClaim(payload, seller_id_claim_);
    if (!seller.ok()) return seller.error();
    principal.seller_id = seller.value();
  }
  if (!email_claim_.empty()) {
    auto email = textClaim(payload, email_claim_);
    if (!email.ok()) return email.error();
    principal.email = email.value();
  }
  return principal;
}

} // namespace orders::host::auth
