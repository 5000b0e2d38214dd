// Service-to-service HMAC (host/auth/service_hmac: x-service-name +
// x-service-auth "<name>:<timestamp>:<hex hmac>") through the Authenticator,
// a fresh one per input (its replay cache starts empty). The first byte:
//   bit 0  1: the harness signs (then the second byte is the timestamp's
//          offset from now in units of 4 s, signed; the lines are name,
//          method, path and the body); 0: the lines are x-service-name,
//          x-service-auth, method, path and the body, as sent
//   bit 1  format name_timestamp (LAKOO's) instead of request_bound
//   bit 2  allowed_services set (cart-service, payment-service, fuzz)
//   bit 3  the timestamp in milliseconds (signed inputs)
//   bit 4  the hmac in upper case (signed inputs)
// Any refusal is unauthenticated "service_hmac: ...". A signed request
// within the window from an allowed name without ':' is accepted as that
// internal service, once: the same header again is a replay (request_bound),
// and another body under it a signature mismatch; anything else is refused.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
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
constexpr int64_t kWindow = 300;
const std::string kSecret = "fuzz-service-secret-0123456789";
const std::set<std::string> kAllowed = {"cart-service", "payment-service", "fuzz"};

Json::Value configs[2][2]; // [name_timestamp][allowed_services], validated, defaults in
std::unique_ptr<plugins::SecretStore> secrets;

std::vector<std::string> lines(const std::string &text, size_t fields) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() + 1 < fields) {
    const size_t newline = text.find('\n', start);
    if (newline == std::string::npos) break;
    out.push_back(text.substr(start, newline - start));
    start = newline + 1;
  }
  out.push_back(text.substr(start));
  out.resize(fields);
  return out;
}

void refused(const AuthResult &result) {
  if (result.ok()) std::abort();
  if (result.error().code != orders::sdk::ErrorCode::unauthenticated) std::abort();
  if (result.error().message.rfind("service_hmac: ", 0) != 0) std::abort();
}

void accepted(const AuthResult &result, const std::string &name) {
  if (!result.ok() || !result.value()) std::abort();
  const auth::Principal &p = *result.value();
  if (p.subject != name || p.role != auth::Role::internal || p.scheme != "service_hmac") std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  std::ifstream in(ORDERS_CONFIG_SCHEMA);
  std::stringstream text;
  text << in.rdbuf();
  auto compiled = config::SchemaValidator::compile(orders::sdk::parseJson(text.str()));
  if (!compiled.ok()) std::abort();
  for (int format = 0; format < 2; ++format)
    for (int allowed = 0; allowed < 2; ++allowed) {
      Json::Value document(Json::objectValue);
      Json::Value &hmac = document["auth"]["service_hmac"];
      hmac["enabled"] = true;
      hmac["window_seconds"] = static_cast<Json::Int64>(kWindow);
      hmac["format"] = format == 1 ? "name_timestamp" : "request_bound";
      if (allowed == 1)
        for (const std::string &name : kAllowed)
          hmac["allowed_services"].append(name);
      if (!compiled.value()->validate(document).empty()) std::abort();
      compiled.value()->applyDefaults(document);
      configs[format][allowed] = document["auth"];
    }
  Json::Value store(Json::objectValue);
  store["SERVICE_SECRET"]["value"] = kSecret;
  secrets = std::make_unique<plugins::SecretStore>(
      store, [](const std::string &) -> std::optional<std::string> { return std::nullopt; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  const bool sign = (data[0] & 1) != 0, name_timestamp = (data[0] & 2) != 0, allow_list = (data[0] & 4) != 0;
  const bool millis = (data[0] & 8) != 0, upper = (data[0] & 16) != 0;
  auto made = auth::Authenticator::fromConfig(configs[name_timestamp][allow_list], *secrets, [] { return kNow; });
  if (!made.ok()) std::abort();
  const auth::Authenticator &authenticator = *made.value();

  auth::AuthRequest request;
  if (!sign) {
    const auto f = lines(std::string(reinterpret_cast<const char *>(data + 1), size - 1), 5);
    request.headers["x-service-name"] = f[0];
    request.headers["x-service-auth"] = f[1];
    request.method = f[2];
    request.path_and_query = f[3];
    request.body = f[4];
    const AuthResult result = authenticator.authenticate(request);
    if (result.ok()) {
      if (!result.value() || result.value()->scheme != "service_hmac") std::abort();
    } else {
      refused(result);
    }
    return 0;
  }

  const int64_t offset = static_cast<int8_t>(data[1]) * 4;
  const auto f = lines(std::string(reinterpret_cast<const char *>(data + 2), size - 2), 4);
  const std::string &name = f[0];
  request.method = f[1];
  request.path_and_query = f[2];
  request.body = f[3];
  const int64_t timestamp = millis ? (kNow + offset) * 1000 : kNow + offset;
  std::string header = name_timestamp ? auth::signServiceName(name, kSecret, timestamp)
                                      : auth::signServiceRequest(name, kSecret, timestamp, request.method,
                                                                 request.path_and_query, request.body);
  if (upper) {
    const size_t colon = header.rfind(':');
    header = header.substr(0, colon + 1) + auth::upperAscii(header.substr(colon + 1));
  }
  request.headers["x-service-name"] = name;
  request.headers["x-service-auth"] = header;

  const bool valid = !name.empty() && name.find(':') == std::string::npos && (!allow_list || kAllowed.count(name)) &&
                     offset >= -kWindow && offset <= kWindow;
  const AuthResult first = authenticator.authenticate(request);
  if (!valid) {
    refused(first);
    return 0;
  }
  accepted(first, name);
  const AuthResult again = authenticator.authenticate(request);
  if (name_timestamp) {
    accepted(again, name); // not bound to a request: reused within the window
  } else {
    refused(again);
    if (again.error().message != "service_hmac: replayed request") std::abort();
    auth::AuthRequest tampered = request;
    tampered.body += "x";
    const AuthResult other = authenticator.authenticate(tampered);
    refused(other);
    if (other.error().message != "service_hmac: signature mismatch") std::abort();
  }
  return 0;
}
