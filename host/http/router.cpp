#include "http/router.hpp"

#include <algorithm>

#include "orders/sdk/json.hpp"

namespace orders::host::http {

Response Response::json(int status, const Json::Value &value) {
  Response r;
  r.status = status;
  r.body = sdk::writeJson(value);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

std::vector<std::string> splitPath(const std::string &path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t next = path.find('/', i);
    if (next == std::string::npos) next = path.size();
    if (next > i) out.push_back(path.substr(i, next - i));
    i = next + 1;
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route r{std::move(method), pattern, std::move(handler), splitPath(pattern)};
  routes_.push_back(std::move(r));
}

bool Router::remove(const std::string &method, const std::string &pattern) {
  for (auto it = routes_.begin(); it != routes_.end(); ++it)
    if (it->method == method && it->pattern == pattern) {
      routes_.erase(it);
      return true;
    }
  return false;
}

Router::Match Router::match(const std::string &method, const std::string &path) const {
  const std::vector<std::string> segments = splitPath(path);
  Match best;
  int best_literals = -1;
  for (const Route &r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string &p = r.segments[i];
      if (!p.empty() && p[0] == ':')
        params[p.substr(1)] = segments[i];
      else if (p == segments[i])
        ++literals;
      else
        ok = false;
    }
    if (!ok) continue;
    if (r.method != method) {
      if (std::find(best.allowed.begin(), best.allowed.end(), r.method) == best.allowed.end())
        best.allowed.push_back(r.method);
      continue;
    }
    if (literals > best_literals) {
      best.route = &r;
      best.params = std::move(params);
      best_literals = literals;
    }
  }
  if (best.route != nullptr) best.allowed.clear();
  return best;
}

} // namespace orders::host::http
