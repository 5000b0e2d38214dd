// cart/redis: the `url` option, redis://[user@]host[:port][/db].
//
//   redis://127.0.0.1:6379/0   host 127.0.0.1, port 6379, database 0
//   redis://redis              port 6379, database 0
//   redis://[::1]:6380/2       an IPv6 host in brackets
//   redis://orders@redis/1     AUTH as user "orders" (Redis 6 ACL), with the password from password_secret
//
// A password in the URL, TLS (rediss://), unix sockets, query parameters and
// anything after the database number are refused: messages never repeat the
// URL, which could hold a secret. Header-only. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/result.hpp"

namespace orders::plugins::cart_redis {

struct RedisUrl {
  std::string host;
  uint16_t port = 6379;
  int64_t db = 0;
  std::optional<std::string> username; // AUTH <username> <password> when set

  // host:port/db, IPv6 hosts in brackets; for messages and logs.
  std::string text() const {
    const std::string shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
    return shown + ":" + std::to_string(port) + "/" + std::to_string(db);
  }
};

namespace detail {

inline bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

} // namespace detail

inline sdk::Result<RedisUrl> parseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  constexpr const char *kShape = "expected redis://[user@]host[:port][/db]";
  if (url.rfind("rediss://", 0) == 0) return sdk::invalidArgument("url: TLS (rediss://) is not supported");
  if (url.rfind(kScheme, 0) != 0) return sdk::invalidArgument(std::string("url: ") + kShape);
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos)
    return sdk::invalidArgument("url: query parameters and fragments are not supported");

  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);

  RedisUrl out;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    if (userinfo.find(':') != std::string_view::npos)
      return sdk::invalidArgument("url: a password in the URL is not accepted; name a secret in password_secret");
    if (userinfo.empty()) return sdk::invalidArgument("url: empty user name before '@'");
    out.username = std::string(userinfo);
    authority = authority.substr(at + 1);
  }

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return sdk::invalidArgument("url: unclosed '[' in the host");
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return sdk::invalidArgument(std::string("url: ") + kShape);
      port = after.substr(1);
      if (port.empty()) return sdk::invalidArgument("url: empty port after ':'");
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':', colon + 1) != std::string_view::npos)
        return sdk::invalidArgument("url: write an IPv6 host in brackets, e.g. redis://[::1]:6379");
      port = authority.substr(colon + 1);
      if (port.empty()) return sdk::invalidArgument("url: empty port after ':'");
      authority = authority.substr(0, colon);
    }
    out.host = std::string(authority);
  }
  if (out.host.empty()) return sdk::invalidArgument("url: missing host");

  if (!port.empty()) {
    if (!detail::allDigits(port) || port.size() > 5)
      return sdk::invalidArgument("url: port must be a number from 1 to 65535, got '" + std::string(port) + "'");
    const long value = std::stol(std::string(port));
    if (value < 1 || value > 65535)
      return sdk::invalidArgument("url: port must be a number from 1 to 65535, got '" + std::string(port) + "'");
    out.port = static_cast<uint16_t>(value);
  }

  if (path.size() > 1) {
    const std::string_view db = path.substr(1);
    if (!detail::allDigits(db) || db.size() > 9)
      return sdk::invalidArgument("url: the path must be a database number such as /0, got '" + std::string(path) +
                                  "'");
    out.db = std::stoll(std::string(db));
  }
  return out;
}

} // namespace orders::plugins::cart_redis
