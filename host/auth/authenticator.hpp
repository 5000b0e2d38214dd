// Who is calling: the host's authentication of inbound HTTP requests.
//
// Four schemes, each enabled on its own in the config's `auth` section
// (schemas/config.schema.json documents every key):
//   service_hmac   x-service-name + x-service-auth: <name>:<timestamp>:<hex hmac>
//                  over name:timestamp:METHOD:path_and_query:hex(sha256(body)),
//                  within a time window, each header accepted once
//   service_token  a static internal token in one header (x-internal-token)
//   gateway        x-gateway-key (the gateway's shared key), then x-user-id,
//                  x-user-role, x-seller-id, x-user-email set by the gateway
//   jwt            Authorization: Bearer <access token>, HS256 and/or RS256
// When a request carries credentials of several enabled schemes, the first
// present in that order decides; the others are not looked at. Secrets are
// resolved by name through the SecretStore once, at fromConfig().
//
// authenticate() answers:
//   a Principal            the credentials are valid;
//   nullopt                no credentials of any enabled scheme (the caller
//                          decides: 401 on protected routes, fine on /health);
//   Error unauthenticated  credentials present but invalid; the message names
//                          the scheme and the reason ("jwt: expired").
// It never throws.
//
// Thread-safety: an Authenticator is immutable after fromConfig() except for
// the service-HMAC replay cache, which locks; authenticate() may run
// concurrently. The replay cache is per process until setReplayGuard() hands
// it to the database (the server does, so replicas share it).
#pragma once

#include <json/json.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/secret_store.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::auth {

enum class Role { buyer, seller, admin, internal };

// "buyer", "seller", "admin", "internal".
const char *roleName(Role role);
// The role of a name (ASCII case-insensitive: "Admin" is admin); nullopt when
// unknown.
std::optional<Role> roleFromName(std::string_view name);

struct Principal {
  std::string subject; // user id, or service name for service callers
  Role role = Role::buyer;
  std::optional<std::string> seller_id;
  std::optional<std::string> email;
  std::string scheme; // "jwt" | "gateway" | "service_hmac" | "internal_token"
};

struct AuthRequest {
  std::string method;                         // "POST"
  std::string path_and_query;                 // "/internal/orders?x=1", as received
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;                           // raw bytes, as received
};

class JwtVerifier;
class ServiceHmacVerifier;

// Records an accepted service-HMAC header (key) until `expires_at` (unix
// seconds); false when it was recorded before (a replay). The application
// backs it with the database so that replicas share it.
using ReplayGuard = std::function<bool(const std::string &key, int64_t expires_at, int64_t now)>;

class Authenticator {
public:
  using Clock = std::function<int64_t()>; // unix seconds

  // The wall clock, in unix seconds.
  static int64_t systemClock();

  // `config` is the validated `auth` object (defaults applied) from the
  // server config. invalid_argument naming the key ("auth.jwt.hs256_secret:
  // ...") when an enabled scheme's secret cannot be resolved or is empty, the
  // RS256 public key file cannot be read or parsed, or a value is unusable.
  static sdk::Result<std::unique_ptr<Authenticator>>
  fromConfig(const Json::Value &config, const plugins::SecretStore &secrets, Clock clock = systemClock);
  ~Authenticator();
  Authenticator(const Authenticator &) = delete;
  Authenticator &operator=(const Authenticator &) = delete;

  // See the header comment for the three kinds of answer.
  sdk::Result<std::optional<Principal>> authenticate(const AuthRequest &request) const;

  // Tries `schemes` in order ("service_hmac", "service_token", "gateway",
  // "jwt"; "none" is skipped): a scheme whose credentials are absent or
  // invalid falls through to the next. The first valid principal wins;
  // nullopt when no scheme found credentials; else the first scheme's error.
  // A scheme not enabled in the config is an error naming it.
  sdk::Result<std::optional<Principal>> authenticate(const AuthRequest &request,
                                                     const std::vector<std::string> &schemes) const;

  // Shares the service-HMAC replay cache (request-bound format) across
  // replicas; until set, it is per process. Call before requests come.
  void setReplayGuard(ReplayGuard guard);

  // invalid_argument naming a scheme of `schemes` that is unknown or not
  // enabled ("none" is always fine).
  sdk::Status checkSchemes(const std::vector<std::string> &schemes) const;

private:
  struct Gateway {
    std::string key;
    std::string user_header;
    std::string role_header;
    std::string seller_header;
    std::string email_header;
    Role default_role = Role::buyer;
    std::map<std::string, Role> role_aliases;
  };
  struct ServiceToken {
    std::string header;
    std::string token;
    std::string subject;
  };

  Authenticator();
  sdk::Result<std::optional<Principal>> authenticateGateway(const AuthRequest &request, const std::string &key) const;
  // One scheme: nullopt when its credentials are absent.
  sdk::Result<std::optional<Principal>> tryScheme(const AuthRequest &request, const std::string &scheme) const;

  Clock clock_;
  std::unique_ptr<ServiceHmacVerifier> service_hmac_;
  std::optional<ServiceToken> service_token_;
  std::optional<Gateway> gateway_;
  std::unique_ptr<JwtVerifier> jwt_;
};

// The x-service-auth header value for an outbound service call:
// "<name>:<timestamp>:<hex hmac>" with hmac = lower-case hex of
// HMAC-SHA256(secret, name:timestamp:METHOD:path_and_query:hex(sha256(body))).
// `timestamp` is unix seconds (milliseconds are accepted by verifiers too);
// METHOD is upper-cased. Send `name` in x-service-name as well.
std::string signServiceRequest(const std::string &name, const std::string &secret, int64_t timestamp,
                               const std::string &method, const std::string &path_and_query, const std::string &body);

// LAKOO's x-service-auth (its serviceAuth.ts): "<name>:<timestamp>:<hex
// HMAC-SHA256(secret, name:timestamp)>", timestamp in unix seconds as LAKOO
// sends it (verifiers here also read milliseconds). Not bound to the request.
std::string signServiceName(const std::string &name, const std::string &secret, int64_t timestamp);

} // namespace orders::host::auth
