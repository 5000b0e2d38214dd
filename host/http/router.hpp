// Method + path pattern -> handler, from one explicit table.
//
// Patterns are '/'-separated; a segment ":name" captures one segment into
// Request::params. When several patterns match, the one with more literal
// segments wins (so /api/orders/number/:n beats /api/orders/:id/:x).
// A path that matches some pattern under another method yields the allowed
// methods (405); none yields 404.
//
// Thread-safety: build at start-up, then match() concurrently.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace orders::host::http {

using Handler = std::function<Response(Request &)>;

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  std::vector<std::string> segments;
};

class Router {
public:
  void add(std::string method, std::string pattern, Handler handler);
  // Removes the route of exactly this method and pattern; false when absent.
  bool remove(const std::string &method, const std::string &pattern);

  struct Match {
    const Route *route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed; // when route == nullptr but the path exists
  };
  Match match(const std::string &method, const std::string &path) const;

  const std::vector<Route> &routes() const { return routes_; }

private:
  std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string &path);

} // namespace orders::host::http
