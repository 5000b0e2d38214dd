#include "auth/jwks.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <json/json.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <sstream>

#include "log/logger.hpp"

namespace orders::host::auth {

namespace {

sdk::Error fail(const std::string &reason) { return sdk::unauthenticated("jwt: " + reason); }

// base64url without padding (RFC 7515) -> bytes.
std::string base64Url(const std::string &text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  std::string out;
  Poco::StreamCopier::copyToString(decoder, out);
  return out;
}

// An RSA public key from its modulus and exponent (big-endian bytes).
std::shared_ptr<const Poco::JWT::Signer> rsaSigner(const std::string &n, const std::string &e) {
  BIGNUM *bn_n = BN_bin2bn(reinterpret_cast<const unsigned char *>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM *bn_e = BN_bin2bn(reinterpret_cast<const unsigned char *>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD *build = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = nullptr;
  EVP_PKEY_CTX *ctx = nullptr;
  EVP_PKEY *pkey = nullptr;
  if (bn_n != nullptr && bn_e != nullptr && build != nullptr &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
      (params = OSSL_PARAM_BLD_to_param(build)) != nullptr &&
      (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) != nullptr && EVP_PKEY_fromdata_init(ctx) == 1)
    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  if (pkey == nullptr) return nullptr;
  std::shared_ptr<const Poco::JWT::Signer> signer;
  try {
    Poco::Crypto::EVPPKey wrapped(pkey); // duplicates the key
    auto signing = std::make_shared<Poco::JWT::Signer>(Poco::makeShared<Poco::Crypto::RSAKey>(wrapped));
    signing->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
    signer = std::move(signing);
  } catch (const Poco::Exception &) {
  }
  EVP_PKEY_free(pkey);
  return signer;
}

} // namespace

JwksKeys::JwksKeys(Fetch fetch, std::string source, int64_t cache_seconds, int64_t min_refetch_seconds)
    : fetch_(std::move(fetch)), source_(std::move(source)), cache_seconds_(cache_seconds),
      min_refetch_seconds_(min_refetch_seconds) {}

JwksKeys::~JwksKeys() = default;

sdk::Result<std::map<std::string, std::shared_ptr<const Poco::JWT::Signer>>> JwksKeys::parse(const std::string &jwks) {
  Json::Value doc;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!reader->parse(jwks.data(), jwks.data() + jwks.size(), &doc, &errors) || !doc.isObject() ||
      !doc["keys"].isArray())
    return sdk::invalidArgument("not a JWKS document (expected {\"keys\": [...]})");
  std::map<std::string, std::shared_ptr<const Poco::JWT::Signer>> out;
  for (const Json::Value &key : doc["keys"]) {
    if (!key.isObject()) continue;
    // A member of another type is not the word it should be (asString() would throw on an array or object).
    auto is = [&key](const char *name, const char *word) {
      return key[name].isString() && key[name].asString() == word;
    };
    if (!is("kty", "RSA")) continue;
    if (key.isMember("use") && !is("use", "sig")) continue;
    if (key.isMember("alg") && !is("alg", "RS256")) continue;
    if (!key["n"].isString() || !key["e"].isString()) continue;
    auto signer = rsaSigner(base64Url(key["n"].asString()), base64Url(key["e"].asString()));
    if (signer) out[key["kid"].isString() ? key["kid"].asString() : std::string()] = std::move(signer);
  }
  if (out.empty()) return sdk::invalidArgument("the JWKS holds no RSA signing key");
  return out;
}

void JwksKeys::refresh(int64_t now) {
  attempted_at_ = now;
  auto text = fetch_();
  auto keys = text.ok() ? parse(text.value())
                        : sdk::Result<std::map<std::string, std::shared_ptr<const Poco::JWT::Signer>>>(text.error());
  if (!keys.ok()) {
    last_error_ = keys.error().message;
    log::warn("jwt: signing keys not refreshed", {{"jwks", source_}, {"error", last_error_}});
    return;
  }
  keys_ = std::move(keys).value();
  fetched_at_ = now;
  last_error_.clear();
  log::info("jwt: signing keys loaded", {{"jwks", source_}, {"keys", std::to_string(keys_.size())}});
}

sdk::Result<std::shared_ptr<const Poco::JWT::Signer>> JwksKeys::signerFor(const std::string &kid, int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool may_fetch = attempted_at_ < 0 || now - attempted_at_ >= min_refetch_seconds_;
  if (may_fetch && (fetched_at_ < 0 || now - fetched_at_ >= cache_seconds_)) refresh(now);
  auto find = [&]() -> std::shared_ptr<const Poco::JWT::Signer> {
    if (kid.empty()) return keys_.size() == 1 ? keys_.begin()->second : nullptr;
    auto it = keys_.find(kid);
    return it == keys_.end() ? nullptr : it->second;
  };
  if (auto signer = find()) return signer;
  // A kid we do not know: the issuer may have rotated its keys.
  if (attempted_at_ < 0 || now - attempted_at_ >= min_refetch_seconds_) {
    refresh(now);
    if (auto signer = find()) return signer;
  }
  std::string reason =
      kid.empty() ? std::string("token names no kid and the JWKS holds ") + std::to_string(keys_.size()) + " keys"
                  : "no signing key with kid '" + kid + "'";
  if (!last_error_.empty()) reason += " (signing keys unavailable: " + last_error_ + ")";
  return fail(reason);
}

sdk::Result<std::string> JwksKeys::httpGet(const std::string &url, int64_t timeout_ms) {
  try {
    const Poco::URI uri(url);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https")
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort());
    else if (uri.getScheme() == "http")
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    else
      return sdk::invalidArgument("JWKS URL must be http:// or https://, got '" + url + "'");
    session->setTimeout(Poco::Timespan(timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1000));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json");
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream &in = session->receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
      return sdk::unavailable("GET " + url + " answered " + std::to_string(response.getStatus()));
    return body;
  } catch (const Poco::Exception &e) {
    return sdk::unavailable("GET " + url + ": " + e.displayText());
  } catch (const std::exception &e) {
    return sdk::unavailable("GET " + url + ": " + e.what());
  }
}

} // namespace orders::host::auth
