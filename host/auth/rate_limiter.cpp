#include "auth/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace orders::host::auth {

sdk::Result<std::unique_ptr<RateLimiter>> RateLimiter::fromConfig(const Json::Value &rules) {
  std::vector<RateRule> out;
  for (Json::ArrayIndex i = 0; i < rules.size(); ++i) {
    const Json::Value &r = rules[i];
    RateRule rule;
    rule.group = r["group"].asString();
    for (const Json::Value &route : r["routes"])
      rule.routes.push_back(route.asString());
    rule.per_second = r["per_second"].asDouble();
    rule.burst = r.isMember("burst") ? r["burst"].asDouble() : std::max(1.0, std::ceil(rule.per_second));
    if (r.isMember("exempt_roles")) {
      rule.exempt_roles.clear();
      for (const Json::Value &role : r["exempt_roles"]) {
        auto parsed = roleFromName(role.asString());
        if (!parsed)
          return sdk::invalidArgument("http.rate_limits[" + std::to_string(i) + "].exempt_roles: unknown role '" +
                                      role.asString() + "'");
        rule.exempt_roles.push_back(*parsed);
      }
    }
    out.push_back(std::move(rule));
  }
  return std::make_unique<RateLimiter>(std::move(out));
}

RateLimiter::RateLimiter(std::vector<RateRule> rules, size_t max_callers)
    : rules_(std::move(rules)), max_callers_per_shard_(std::max<size_t>(1, max_callers / 16)) {}

const RateRule *RateLimiter::ruleFor(const std::string &method, const std::string &route) const {
  const std::string exact = method + " " + route, any_route = method + " *";
  for (const RateRule &rule : rules_)
    for (const std::string &r : rule.routes)
      if (r == exact || r == any_route || r == "* *" || r == "* " + route) return &rule;
  return nullptr;
}

std::optional<RateLimiter::Refusal> RateLimiter::admit(const Principal &caller, const std::string &method,
                                                       const std::string &route, Clock::time_point now) {
  const RateRule *rule = ruleFor(method, route);
  if (rule == nullptr) return std::nullopt;
  if (std::find(rule->exempt_roles.begin(), rule->exempt_roles.end(), caller.role) != rule->exempt_roles.end())
    return std::nullopt;
  const std::string key = rule->group + "\n" + roleName(caller.role) + ":" + caller.subject;
  Shard &shard = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  auto refill = [&](Bucket &b) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    if (elapsed > 0) b.tokens = std::min(rule->burst, b.tokens + elapsed * rule->per_second);
    b.at = std::max(b.at, now);
  };
  auto found = shard.buckets.find(key);
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= max_callers_per_shard_) // forget idle callers (their buckets refilled)
      for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
        const double idle = std::chrono::duration<double>(now - it->second.at).count();
        const RateRule &r = *it->second.rule;
        it = it->second.tokens + idle * r.per_second >= r.burst ? shard.buckets.erase(it) : std::next(it);
      }
    found = shard.buckets.emplace(key, Bucket{rule->burst, now, rule}).first;
  }
  Bucket &bucket = found->second;
  refill(bucket);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  const double wait = (1.0 - bucket.tokens) / rule->per_second;
  return Refusal{rule->group, std::max(1, static_cast<int>(std::ceil(wait))), rule->per_second, rule->burst};
}

} // namespace orders::host::auth
