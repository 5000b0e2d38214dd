#include "auth/service_hmac.hpp"

#include <charconv>
#include <vector>

#include "auth/auth_util.hpp"

namespace orders::host::auth {

namespace {

constexpr int64_t kMillisecondsThreshold = 1000000000000; // 10^12: larger timestamps are milliseconds

sdk::Error fail(const std::string &reason) { return sdk::unauthenticated("service_hmac: " + reason); }

// Splits on ':' into exactly three non-empty fields.
bool splitAuthHeader(const std::string &value, std::string &name, std::string &timestamp, std::string &mac) {
  const size_t first = value.find(':');
  if (first == std::string::npos) return false;
  const size_t second = value.find(':', first + 1);
  if (second == std::string::npos || value.find(':', second + 1) != std::string::npos) return false;
  name = value.substr(0, first);
  timestamp = value.substr(first + 1, second - first - 1);
  mac = value.substr(second + 1);
  return !name.empty() && !timestamp.empty() && !mac.empty();
}

// Unsigned decimal digits only; nullopt on anything else or overflow.
std::optional<int64_t> parseTimestamp(const std::string &text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (const char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const std::string *headerOf(const AuthRequest &request, const std::string &name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? nullptr : &it->second;
}

} // namespace

std::string serviceHmacPayload(const std::string &name, const std::string &timestamp, const std::string &method,
                               const std::string &path_and_query, const std::string &body) {
  return name + ":" + timestamp + ":" + upperAscii(method) + ":" + path_and_query + ":" + hex(sha256(body));
}

std::string signServiceRequest(const std::string &name, const std::string &secret, int64_t timestamp,
                               const std::string &method, const std::string &path_and_query, const std::string &body) {
  const std::string ts = std::to_string(timestamp);
  return name + ":" + ts + ":" + hex(hmacSha256(secret, serviceHmacPayload(name, ts, method, path_and_query, body)));
}

std::string signServiceName(const std::string &name, const std::string &secret, int64_t timestamp) {
  const std::string ts = std::to_string(timestamp);
  return name + ":" + ts + ":" + hex(hmacSha256(secret, name + ":" + ts));
}

sdk::Result<std::unique_ptr<ServiceHmacVerifier>> ServiceHmacVerifier::fromConfig(const Json::Value &config,
                                                                                  const plugins::SecretStore &secrets) {
  const std::string where = "auth.service_hmac";
  std::unique_ptr<ServiceHmacVerifier> verifier(new ServiceHmacVerifier());

  auto secret = resolveSecret(secrets, config, "secret", where);
  if (!secret.ok()) return secret.error();
  verifier->secret_ = secret.value();

  verifier->window_seconds_ = config["window_seconds"].asInt64();
  if (verifier->window_seconds_ <= 0) return sdk::invalidArgument(where + ".window_seconds: must be > 0");
  verifier->future_seconds_ =
      config["future_seconds"].isIntegral() ? config["future_seconds"].asInt64() : verifier->window_seconds_;
  const std::string format = config.get("format", "request_bound").asString();
  if (format != "request_bound" && format != "name_timestamp")
    return sdk::invalidArgument(where + ".format: unknown format " + safeQuote(format));
  verifier->name_timestamp_ = format == "name_timestamp";

  for (const Json::Value &service : config["allowed_services"])
    verifier->allowed_services_.insert(service.asString());

  auto role = roleSetting(config, "role", where);
  if (!role.ok()) return role.error();
  verifier->role_ = role.value();
  return sdk::Result<std::unique_ptr<ServiceHmacVerifier>>(std::move(verifier));
}

sdk::Result<Principal> ServiceHmacVerifier::verify(const AuthRequest &request, const std::string &auth_header,
                                                   int64_t now) const {
  const std::string *name_header = headerOf(request, "x-service-name");
  if (name_header == nullptr || name_header->empty()) return fail("missing x-service-name header");

  std::string name, timestamp, mac;
  if (!splitAuthHeader(auth_header, name, timestamp, mac))
    return fail("malformed x-service-auth header (expected name:timestamp:hmac)");
  if (name != *name_header) return fail("x-service-name does not match the name in x-service-auth");
  if (!allowed_services_.empty() && allowed_services_.count(name) == 0)
    return fail("service " + safeQuote(name) + " is not allowed");

  const std::optional<int64_t> raw_ts = parseTimestamp(timestamp);
  if (!raw_ts) return fail("malformed timestamp " + safeQuote(timestamp));
  const int64_t ts = *raw_ts > kMillisecondsThreshold ? *raw_ts / 1000 : *raw_ts;
  if (now - ts > window_seconds_) return fail("timestamp outside the " + std::to_string(window_seconds_) + " s window");
  if (ts - now > future_seconds_) return fail("timestamp outside the " + std::to_string(future_seconds_) + " s window");

  const std::string signed_text =
      name_timestamp_ ? name + ":" + timestamp
                      : serviceHmacPayload(name, timestamp, request.method, request.path_and_query, request.body);
  const std::string expected = hex(hmacSha256(secret_, signed_text));
  const std::string provided = lowerAscii(mac);
  if (!constantTimeEquals(expected, provided)) return fail("signature mismatch");

  // Only verified headers enter the cache, so callers without the secret
  // cannot fill it. LAKOO's tokens are not bound to a request and its
  // services reuse them within the window: no replay cache for that format.
  if (!name_timestamp_) {
    const std::string key = name + ":" + timestamp + ":" + provided;
    const int64_t expires_at = ts + window_seconds_;
    const bool fresh = replay_guard_ ? replay_guard_(key, expires_at, now) : remember(key, expires_at, now);
    if (!fresh) return fail("replayed request");
  }

  Principal principal;
  principal.subject = name;
  principal.role = role_;
  principal.scheme = "service_hmac";
  return principal;
}

bool ServiceHmacVerifier::remember(const std::string &key, int64_t expires_at, int64_t now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (!seen_.insert(key).second) return false;
  by_expiry_.emplace(expires_at, key);
  return true;
}

} // namespace orders::host::auth
