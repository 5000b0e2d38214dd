#include "auth/authenticator.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "auth/auth_util.hpp"
#include "auth/jwt_verifier.hpp"
#include "auth/service_hmac.hpp"

namespace orders::host::auth {

namespace {

constexpr const char *kGatewayKeyHeader = "x-gateway-key";
constexpr const char *kServiceAuthHeader = "x-service-auth";
constexpr const char *kAuthorizationHeader = "authorization";

const std::string *headerOf(const AuthRequest &request, const std::string &name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? nullptr : &it->second;
}

std::optional<std::string> nonEmptyHeader(const AuthRequest &request, const std::string &name) {
  const std::string *value = headerOf(request, name);
  if (value == nullptr) return std::nullopt;
  const std::string_view trimmed = trimSpaces(*value);
  if (trimmed.empty()) return std::nullopt;
  return std::string(trimmed);
}

sdk::Result<std::optional<Principal>> lift(sdk::Result<Principal> result) {
  if (!result.ok()) return std::move(result).error();
  return std::optional<Principal>(std::move(result).value());
}

// A section of the auth object; null when absent.
const Json::Value &section(const Json::Value &config, const char *name) {
  static const Json::Value kNull;
  return config.isObject() && config[name].isObject() ? config[name] : kNull;
}

bool enabled(const Json::Value &scheme) { return scheme["enabled"].isBool() && scheme["enabled"].asBool(); }

// A lower-case header name from `scheme[key]`; invalid_argument when empty.
sdk::Result<std::string> headerSetting(const Json::Value &scheme, const std::string &key, const std::string &where) {
  const std::string name = lowerAscii(scheme[key].asString());
  if (name.empty()) return sdk::invalidArgument(where + "." + key + ": must not be empty");
  return name;
}

// "Bearer <token>" (scheme case-insensitive); nullopt for any other scheme.
std::optional<std::string> bearerToken(const std::string &authorization) {
  const std::string_view value = trimSpaces(authorization);
  const std::string scheme = "bearer";
  if (value.size() < scheme.size() || lowerAscii(value.substr(0, scheme.size())) != scheme) return std::nullopt;
  const std::string_view rest = value.substr(scheme.size());
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return std::nullopt; // "Bearerish"
  return std::string(trimSpaces(rest));
}

} // namespace

const char *roleName(Role role) {
  switch (role) {
  case Role::buyer: return "buyer";
  case Role::seller: return "seller";
  case Role::admin: return "admin";
  case Role::internal: return "internal";
  }
  return "buyer";
}

std::optional<Role> roleFromName(std::string_view name) {
  const std::string lower = lowerAscii(name);
  for (Role role : {Role::buyer, Role::seller, Role::admin, Role::internal})
    if (lower == roleName(role)) return role;
  return std::nullopt;
}

int64_t Authenticator::systemClock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Authenticator::Authenticator() = default;
Authenticator::~Authenticator() = default;

sdk::Result<std::unique_ptr<Authenticator>>
Authenticator::fromConfig(const Json::Value &config, const plugins::SecretStore &secrets, Clock clock) {
  if (!config.isNull() && !config.isObject()) return sdk::invalidArgument("auth: must be an object");
  std::unique_ptr<Authenticator> authenticator(new Authenticator());
  authenticator->clock_ = clock ? std::move(clock) : Clock(systemClock);
  try {
    const Json::Value &hmac = section(config, "service_hmac");
    if (enabled(hmac)) {
      auto verifier = ServiceHmacVerifier::fromConfig(hmac, secrets);
      if (!verifier.ok()) return verifier.error();
      authenticator->service_hmac_ = std::move(verifier).value();
    }

    const Json::Value &token = section(config, "service_token");
    if (enabled(token)) {
      const std::string where = "auth.service_token";
      ServiceToken settings;
      auto header = headerSetting(token, "header", where);
      if (!header.ok()) return header.error();
      settings.header = header.value();
      auto secret = resolveSecret(secrets, token, "secret", where);
      if (!secret.ok()) return secret.error();
      settings.token = secret.value();
      settings.subject = token["subject"].asString();
      if (settings.subject.empty()) return sdk::invalidArgument(where + ".subject: must not be empty");
      authenticator->service_token_ = std::move(settings);
    }

    const Json::Value &gateway = section(config, "gateway");
    if (enabled(gateway)) {
      const std::string where = "auth.gateway";
      Gateway settings;
      auto key = resolveSecret(secrets, gateway, "key_secret", where);
      if (!key.ok()) return key.error();
      settings.key = key.value();
      for (auto [field, name] :
           {std::pair{&settings.user_header, "user_header"}, std::pair{&settings.role_header, "role_header"},
            std::pair{&settings.seller_header, "seller_header"}, std::pair{&settings.email_header, "email_header"}}) {
        auto header = headerSetting(gateway, name, where);
        if (!header.ok()) return header.error();
        *field = header.value();
      }
      auto role = roleSetting(gateway, "default_role", where);
      if (!role.ok()) return role.error();
      settings.default_role = role.value();
      auto aliases = roleAliasesSetting(gateway, where);
      if (!aliases.ok()) return aliases.error();
      settings.role_aliases = std::move(aliases).value();
      authenticator->gateway_ = std::move(settings);
    }

    const Json::Value &jwt = section(config, "jwt");
    if (enabled(jwt)) {
      auto verifier = JwtVerifier::fromConfig(jwt, secrets);
      if (!verifier.ok()) return verifier.error();
      authenticator->jwt_ = std::move(verifier).value();
    }
  } catch (const std::exception &e) {
    // Only reachable with a config that skipped schema validation (wrong types).
    return sdk::invalidArgument(std::string("auth: ") + e.what());
  }
  return sdk::Result<std::unique_ptr<Authenticator>>(std::move(authenticator));
}

sdk::Result<std::optional<Principal>> Authenticator::authenticate(const AuthRequest &request) const {
  // The host's order; the first scheme whose credentials are present decides (no fall-through).
  static const char *const kHostOrder[] = {"service_hmac", "service_token", "gateway", "jwt"};
  try {
    for (const char *scheme : kHostOrder) {
      auto result = tryScheme(request, scheme);
      if (!result.ok() || result.value()) return result;
    }
    return std::optional<Principal>();
  } catch (const std::exception &e) {
    return sdk::internalError(std::string("auth: ") + e.what());
  }
}

void Authenticator::setReplayGuard(ReplayGuard guard) {
  if (service_hmac_) service_hmac_->setReplayGuard(std::move(guard));
}

sdk::Status Authenticator::checkSchemes(const std::vector<std::string> &schemes) const {
  for (const std::string &s : schemes) {
    const bool on = s == "none" || (s == "service_hmac" && service_hmac_) || (s == "service_token" && service_token_) ||
                    (s == "gateway" && gateway_) || (s == "jwt" && jwt_);
    if (!on) return sdk::invalidArgument("auth scheme " + safeQuote(s) + " is not enabled in the auth section");
  }
  return {};
}

sdk::Result<std::optional<Principal>> Authenticator::tryScheme(const AuthRequest &request,
                                                               const std::string &scheme) const {
  if (scheme == "service_hmac" && service_hmac_) {
    if (const std::string *header = headerOf(request, kServiceAuthHeader))
      return lift(service_hmac_->verify(request, *header, clock_()));
  } else if (scheme == "service_token" && service_token_) {
    if (const std::string *presented = headerOf(request, service_token_->header)) {
      std::string_view value = trimSpaces(*presented);
      // A token in Authorization travels as "Bearer <token>".
      if (service_token_->header == kAuthorizationHeader) {
        auto token = bearerToken(*presented);
        if (!token) return std::optional<Principal>();
        if (!constantTimeEquals(*token, service_token_->token))
          return sdk::unauthenticated("internal_token: invalid bearer token");
      } else if (!constantTimeEquals(value, service_token_->token)) {
        return sdk::unauthenticated("internal_token: invalid " + service_token_->header + " header");
      }
      Principal principal;
      principal.subject = service_token_->subject;
      principal.role = Role::internal;
      principal.scheme = "internal_token";
      return std::optional<Principal>(std::move(principal));
    }
  } else if (scheme == "gateway" && gateway_) {
    if (const std::string *key = headerOf(request, kGatewayKeyHeader)) return authenticateGateway(request, *key);
  } else if (scheme == "jwt" && jwt_) {
    if (const std::string *authorization = headerOf(request, kAuthorizationHeader)) {
      if (std::optional<std::string> token = bearerToken(*authorization)) {
        if (token->empty()) return sdk::unauthenticated("jwt: empty bearer token");
        return lift(jwt_->verify(*token, clock_()));
      }
    }
  }
  return std::optional<Principal>();
}

sdk::Result<std::optional<Principal>> Authenticator::authenticate(const AuthRequest &request,
                                                                  const std::vector<std::string> &schemes) const {
  try {
    std::optional<sdk::Error> first_error;
    for (const std::string &scheme : schemes) {
      if (scheme == "none") continue;
      auto result = tryScheme(request, scheme);
      if (result.ok() && result.value()) return result;
      if (!result.ok() && !first_error) first_error = result.error();
    }
    if (first_error) return *first_error;
    return std::optional<Principal>();
  } catch (const std::exception &e) {
    return sdk::internalError(std::string("auth: ") + e.what());
  }
}

sdk::Result<std::optional<Principal>> Authenticator::authenticateGateway(const AuthRequest &request,
                                                                         const std::string &key) const {
  const Gateway &g = *gateway_;
  if (!constantTimeEquals(trimSpaces(key), g.key)) return sdk::unauthenticated("gateway: invalid x-gateway-key");

  Principal principal;
  principal.scheme = "gateway";
  std::optional<std::string> user = nonEmptyHeader(request, g.user_header);
  if (!user) return sdk::unauthenticated("gateway: missing " + g.user_header + " header");
  principal.subject = std::move(*user);

  principal.role = g.default_role;
  if (std::optional<std::string> role_name = nonEmptyHeader(request, g.role_header)) {
    const std::optional<Role> role = roleFromWord(g.role_aliases, *role_name);
    if (!role) return sdk::unauthenticated("gateway: unknown role " + safeQuote(*role_name));
    principal.role = *role;
  }
  principal.seller_id = nonEmptyHeader(request, g.seller_header);
  principal.email = nonEmptyHeader(request, g.email_header);
  return std::optional<Principal>(std::move(principal));
}

} // namespace orders::host::auth
