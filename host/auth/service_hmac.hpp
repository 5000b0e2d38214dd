// Service-to-service HMAC authentication (the seeds' contract), internal to
// host/auth; outbound callers sign with signServiceRequest() from
// authenticator.hpp.
//
//   x-service-name: <name>
//   x-service-auth: <name>:<timestamp>:<hex hmac>
//   hmac = hex(HMAC-SHA256(secret, name:timestamp:METHOD:path_and_query:hex(sha256(body))))
//
// `timestamp` is unix seconds; values above 10^12 are read as milliseconds.
// A request is accepted when the two names agree, the service is allowed,
// the timestamp is within `window_seconds` of now (either side), the hmac
// matches (constant time) and the header was not accepted before.
//
// The replay cache holds each accepted header until its timestamp leaves the
// window, so memory is bounded by the rate of valid requests times the window.
// It lives in this process unless a ReplayGuard is set (the server sets one
// backed by the database, shared by every replica).
//
// Thread-safety: verify() may run concurrently; the replay cache locks.
#pragma once

#include <json/json.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>

#include "auth/authenticator.hpp"
#include "auth/secret_store.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::auth {

class ServiceHmacVerifier {
public:
  // `config` is auth.service_hmac. invalid_argument naming the key when the
  // secret cannot be resolved, the role is unknown or the window is not > 0.
  static sdk::Result<std::unique_ptr<ServiceHmacVerifier>> fromConfig(const Json::Value &config,
                                                                      const plugins::SecretStore &secrets);

  // `auth_header` is the x-service-auth value; `now` is unix seconds.
  // unauthenticated ("service_hmac: ...") when anything above fails.
  sdk::Result<Principal> verify(const AuthRequest &request, const std::string &auth_header, int64_t now) const;

  // Where accepted headers are remembered instead of this process's cache
  // (the database, shared by replicas); set once before requests come.
  void setReplayGuard(ReplayGuard guard) { replay_guard_ = std::move(guard); }

private:
  ServiceHmacVerifier() = default;
  // Records `key` until `expires_at` (unix seconds) after dropping entries
  // that expired before `now`; false when `key` is already there.
  bool remember(const std::string &key, int64_t expires_at, int64_t now) const;

  std::string secret_;
  bool name_timestamp_ = false; // LAKOO's format: hmac over name:timestamp, no replay cache
  int64_t window_seconds_ = 300;
  int64_t future_seconds_ = 300;
  std::set<std::string> allowed_services_; // empty: any service
  Role role_ = Role::internal;

  ReplayGuard replay_guard_;
  mutable std::mutex mutex_;
  mutable std::unordered_set<std::string> seen_;
  mutable std::set<std::pair<int64_t, std::string>> by_expiry_;
};

// The string the hmac is computed over (exposed for signServiceRequest).
std::string serviceHmacPayload(const std::string &name, const std::string &timestamp, const std::string &method,
                               const std::string &path_and_query, const std::string &body);

} // namespace orders::host::auth
