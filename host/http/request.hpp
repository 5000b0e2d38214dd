// The HTTP request and response as handlers see them: plain values, no
// Poco types, so handlers are testable without sockets.
#pragma once

#include <json/json.h>

#include <any>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace orders::host::http {

struct Request {
  std::string method;
  std::string path;                           // decoded path, no query
  std::string query;                          // raw query string
  std::map<std::string, std::string> headers; // lower-case names
  std::map<std::string, std::string> params;  // from the route pattern
  std::map<std::string, std::string> query_params;
  std::string body;
  std::string request_id;
  std::string route; // the matched pattern, e.g. /api/orders/:id
  // Set when the caller was authenticated before the handler runs (a
  // dialect's core call carries the principal the host authenticated for
  // the dialect request): handlers use it instead of the headers. Holds a
  // `const auth::Principal *` (null: no principal) that outlives the handler.
  std::any preauthenticated;
  // True once the client closed its connection (set by the HTTP server;
  // empty for requests made inside the process): long work checks it
  // between steps instead of finishing for nobody.
  std::function<bool()> client_gone;

  std::string header(const std::string &lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string param(const std::string &name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Response json(int status, const Json::Value &value);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

} // namespace orders::host::http
