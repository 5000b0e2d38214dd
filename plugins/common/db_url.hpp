// Database URLs as deployers write them -> what Poco::Data needs.
//
//   postgresql://user:pass@host:5432/db?sslmode=require  -> connector "postgresql",
//       "host=host port=5432 user=user password=pass dbname=db sslmode=require"
//   postgres://...                                        -> same
//   postgresql+psycopg://... (SQLAlchemy, any known driver) -> same
//   sqlite:///abs/path.db   sqlite://relative/path.db     -> connector "sqlite", the path
//   sqlite::memory:                                       -> an in-memory database
//
// Percent-escapes in user, password and database are decoded. Poco's
// PostgreSQL connector rejects quoted values, so values containing spaces or
// quotes are refused with a clear message. Header-only, no Poco: shared by
// the host and in-tree plugins.
#pragma once

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <string_view>

#include "orders/sdk/result.hpp"

namespace orders::dburl {

struct Target {
  std::string connector; // "postgresql" or "sqlite"
  std::string connection;
};

inline std::string percentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

inline sdk::Result<Target> parse(std::string_view url) {
  auto startsWith = [&](std::string_view p) { return url.substr(0, p.size()) == p; };
  if (url == "sqlite::memory:") return Target{"sqlite", ":memory:"};
  if (startsWith("sqlite://")) {
    std::string path(url.substr(9));
    if (path.empty()) return sdk::invalidArgument("database url '" + std::string(url) + "': no file path");
    return Target{"sqlite", path};
  }
  std::string_view rest;
  // SQLAlchemy names its driver after a '+' (postgresql+psycopg://,
  // postgresql+psycopg2://, postgresql+asyncpg://...): the same server
  // address, so a Python service's DSN is reused as is.
  if (startsWith("postgresql+") || startsWith("postgres+")) {
    const size_t scheme_end = url.find("://");
    const std::string_view driver =
        url.substr(url.find('+') + 1,
                   scheme_end == std::string_view::npos ? std::string_view::npos : scheme_end - url.find('+') - 1);
    static constexpr std::string_view kDrivers[] = {"psycopg", "psycopg2", "psycopg2cffi", "asyncpg", "pg8000"};
    if (scheme_end == std::string_view::npos ||
        std::find(std::begin(kDrivers), std::end(kDrivers), driver) == std::end(kDrivers))
      return sdk::invalidArgument("database url '" + std::string(url) + "': unknown SQLAlchemy driver '" +
                                  std::string(driver) + "' (known: psycopg, psycopg2, psycopg2cffi, asyncpg, pg8000)");
    rest = url.substr(scheme_end + 3);
  } else if (startsWith("postgresql://")) {
    rest = url.substr(13);
  } else if (startsWith("postgres://")) {
    rest = url.substr(11);
  } else {
    return sdk::invalidArgument("database url '" + std::string(url) +
                                "': expected postgresql://user:pass@host:port/db (postgresql+psycopg:// too) or "
                                "sqlite:///path");
  }

  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view userinfo;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string_view hostport = rest, db;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    db = rest.substr(slash + 1);
  }
  std::string host(hostport), port;
  if (auto colon = hostport.rfind(':');
      colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    host = std::string(hostport.substr(0, colon));
    port = std::string(hostport.substr(colon + 1));
  }
  std::string user, password;
  if (!userinfo.empty()) {
    auto colon = userinfo.find(':');
    user = percentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) password = percentDecode(userinfo.substr(colon + 1));
  }

  std::string dsn;
  auto add = [&](const std::string &key, const std::string &value) -> sdk::Status {
    if (value.empty()) return sdk::Status();
    for (char c : value)
      if (std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '"' || c == '\\')
        return sdk::invalidArgument("database url: " + key +
                                    " contains a space, quote or backslash, which the "
                                    "PostgreSQL connector cannot pass");
    dsn += (dsn.empty() ? "" : " ") + key + "=" + value;
    return sdk::Status();
  };
  for (auto [k, v] : {std::pair<std::string, std::string>{"host", host.empty() ? "localhost" : host},
                      {"port", port},
                      {"user", user},
                      {"password", password},
                      {"dbname", percentDecode(db)}}) {
    if (auto s = add(k, v); !s.ok()) return s.error();
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) {
      if (auto s = add(std::string(kv.substr(0, eq)), percentDecode(kv.substr(eq + 1))); !s.ok()) return s.error();
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return Target{"postgresql", dsn};
}

} // namespace orders::dburl
