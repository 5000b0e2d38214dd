// Gateway trust headers (host/auth/authenticator: x-gateway-key, then
// x-user-id, x-user-role, x-seller-id, x-user-email believed) next to the
// internal token and Bearer JWTs, as the server reads a request: the rest of
// the input is header lines "name: value" (names lower-cased, the last of a
// name wins, as the HTTP server stores them). The first byte:
//   bit 0  the second config (other header names, default role seller, no aliases)
//   bit 1  a route's scheme list ["gateway", "jwt"] (fall-through) instead of the host order
// Checked against the documented rules: in the host order the first present
// of x-internal-token, x-gateway-key, authorization decides; a gateway
// principal has the trimmed user header as subject (never empty), the role
// its role header names (an alias first, then buyer/seller/admin/internal in
// any case) or the default role, and the trimmed seller and e-mail headers
// when not blank; every refusal is unauthenticated and names its scheme.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "auth/auth_util.hpp"
#include "auth/authenticator.hpp"
#include "config/schema_validator.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;
using AuthResult = orders::sdk::Result<std::optional<auth::Principal>>;

namespace {

constexpr int64_t kNow = 1700000000;
const std::string kGatewayKey = "fuzz-gateway-key-0123456789";
const std::string kInternalToken = "fuzz-internal-token-0123456789";

struct Setup {
  std::unique_ptr<auth::Authenticator> authenticator;
  std::string user, role, seller, email; // header names
  auth::Role default_role;
  std::map<std::string, auth::Role> aliases; // lower-case words
};
Setup setups[2];

std::optional<std::string> header(const std::map<std::string, std::string> &headers, const std::string &name) {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

// The header's value trimmed of spaces and tabs; nullopt when absent or blank.
std::optional<std::string> nonBlank(const std::map<std::string, std::string> &headers, const std::string &name) {
  auto value = header(headers, name);
  if (!value) return std::nullopt;
  const std::string trimmed(auth::trimSpaces(*value));
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

void refusedBy(const AuthResult &result, const std::string &scheme) {
  if (result.ok()) std::abort();
  if (result.error().code != orders::sdk::ErrorCode::unauthenticated) std::abort();
  if (result.error().message.rfind(scheme + ": ", 0) != 0) std::abort();
}

// What the gateway makes of the headers: a principal or a refusal.
void checkGateway(const Setup &s, const std::map<std::string, std::string> &headers, const AuthResult &result) {
  if (std::string(auth::trimSpaces(*header(headers, "x-gateway-key"))) != kGatewayKey)
    return refusedBy(result, "gateway");
  const auto user = nonBlank(headers, s.user);
  if (!user) return refusedBy(result, "gateway");
  std::optional<auth::Role> role = s.default_role;
  if (const auto word = nonBlank(headers, s.role)) {
    auto alias = s.aliases.find(auth::lowerAscii(*word));
    role = alias != s.aliases.end() ? std::optional<auth::Role>(alias->second) : auth::roleFromName(*word);
  }
  if (!role) return refusedBy(result, "gateway");
  if (!result.ok() || !result.value()) std::abort();
  const auth::Principal &p = *result.value();
  if (p.scheme != "gateway" || p.subject != *user || p.role != *role) std::abort();
  if (p.seller_id != nonBlank(headers, s.seller) || p.email != nonBlank(headers, s.email)) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  std::ifstream in(ORDERS_CONFIG_SCHEMA);
  std::stringstream text;
  text << in.rdbuf();
  auto compiled = config::SchemaValidator::compile(orders::sdk::parseJson(text.str()));
  if (!compiled.ok()) std::abort();
  Json::Value store(Json::objectValue);
  store["GATEWAY_KEY"]["value"] = kGatewayKey;
  store["INTERNAL_TOKEN"]["value"] = kInternalToken;
  store["JWT_SECRET"]["value"] = "fuzz-jwt-secret-0123456789abcdef";
  const plugins::SecretStore secrets(store, [](const std::string &) { return std::optional<std::string>(); });
  const char *const configs[2] = {
      R"({"gateway": {"enabled": true, "role_aliases": {"customer": "buyer", "Merchant": "seller", "ops": "admin"}},
          "service_token": {"enabled": true}, "jwt": {"enabled": true}})",
      R"({"gateway": {"enabled": true, "user_header": "X-Auth-User", "role_header": "x-auth-role",
          "seller_header": "x-auth-seller", "email_header": "x-auth-email", "default_role": "seller"},
          "jwt": {"enabled": true}})"};
  for (int i = 0; i < 2; ++i) {
    Json::Value document(Json::objectValue);
    document["auth"] = orders::sdk::parseJson(configs[i]);
    if (!compiled.value()->validate(document).empty()) std::abort();
    compiled.value()->applyDefaults(document);
    auto made = auth::Authenticator::fromConfig(document["auth"], secrets, [] { return kNow; });
    if (!made.ok()) std::abort();
    Setup &s = setups[i];
    s.authenticator = std::move(made).value();
    const Json::Value &g = document["auth"]["gateway"];
    s.user = auth::lowerAscii(g["user_header"].asString());
    s.role = auth::lowerAscii(g["role_header"].asString());
    s.seller = auth::lowerAscii(g["seller_header"].asString());
    s.email = auth::lowerAscii(g["email_header"].asString());
    s.default_role = *auth::roleFromName(g["default_role"].asString());
    for (const std::string &word : g["role_aliases"].getMemberNames())
      s.aliases[auth::lowerAscii(word)] = *auth::roleFromName(g["role_aliases"][word].asString());
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const Setup &s = setups[data[0] & 1];
  const bool route_schemes = (data[0] & 2) != 0;

  auth::AuthRequest request;
  request.method = "GET";
  request.path_and_query = "/api/orders?limit=10";
  const std::string text(reinterpret_cast<const char *>(data + 1), size - 1);
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.headers[auth::lowerAscii(line.substr(0, colon))] = value;
  }
  const auto &h = request.headers;

  if (route_schemes) {
    const AuthResult result = s.authenticator->authenticate(request, {"gateway", "jwt"});
    if (result.ok()) {
      if (result.value() && result.value()->scheme != "gateway" && result.value()->scheme != "jwt") std::abort();
      if (result.value() && result.value()->scheme == "gateway") checkGateway(s, h, result);
    } else if (result.error().code != orders::sdk::ErrorCode::unauthenticated ||
               (result.error().message.rfind("gateway: ", 0) != 0 && result.error().message.rfind("jwt: ", 0) != 0)) {
      std::abort();
    }
    if (h.count("x-gateway-key") != 0 && !result.ok() && result.error().message.rfind("jwt: ", 0) == 0) std::abort();
    return 0;
  }

  const AuthResult result = s.authenticator->authenticate(request);
  if (&s == &setups[0] && h.count("x-internal-token") != 0) { // the service token decides
    if (std::string(auth::trimSpaces(h.at("x-internal-token"))) != kInternalToken)
      refusedBy(result, "internal_token");
    else if (!result.ok() || !result.value() || result.value()->role != auth::Role::internal)
      std::abort();
  } else if (h.count("x-gateway-key") != 0) {
    checkGateway(s, h, result);
  } else if (h.count("authorization") != 0) {
    if (!result.ok())
      refusedBy(result, "jwt");
    else if (result.value() && result.value()->scheme != "jwt")
      std::abort();
  } else if (!result.ok() || result.value()) {
    std::abort(); // no credentials of any enabled scheme
  }
  return 0;
}
