// Per-caller rate limits by route group (config http.rate_limits): a token
// bucket per (group, principal), refilled at `per_second` up to `burst`.
// A request over its group's limit is answered 429 too_many_requests with
// Retry-After (seconds until a token is back), so one abusive caller is
// slowed without touching the others. Callers are told apart by role and
// subject ("buyer:u1"); roles in `exempt_roles` (default internal) are not
// limited. A request matches the first group listing "METHOD /pattern"
// (the router's pattern, e.g. "POST /api/orders"), "METHOD *" or "* *".
//
// Memory: at most `max_callers` buckets per group shard; beyond it, buckets
// that are full again (idle callers) are dropped first.
//
// Thread-safety: admit() may run concurrently (sharded locks).
#pragma once

#include <json/json.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::auth {

struct RateRule {
  std::string group;
  std::vector<std::string> routes; // "POST /api/orders", "GET *", "* *"
  double per_second = 1;
  double burst = 1;
  std::vector<Role> exempt_roles{Role::internal};
};

class RateLimiter {
public:
  using Clock = std::chrono::steady_clock;

  // From config http.rate_limits (already schema-checked); invalid_argument
  // naming the entry for an unknown role.
  static sdk::Result<std::unique_ptr<RateLimiter>> fromConfig(const Json::Value &rules);
  explicit RateLimiter(std::vector<RateRule> rules, size_t max_callers = 100000);

  struct Refusal {
    std::string group;
    int retry_after_s = 1;
    double per_second = 0;
    double burst = 0;
  };
  // nullopt when the request may run (a token was taken); the refusal otherwise.
  std::optional<Refusal> admit(const Principal &caller, const std::string &method, const std::string &route,
                               Clock::time_point now = Clock::now());
  bool empty() const { return rules_.empty(); }

private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
    const RateRule *rule;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  const RateRule *ruleFor(const std::string &method, const std::string &route) const;

  std::vector<RateRule> rules_;
  size_t max_callers_per_shard_;
  std::array<Shard, 16> shards_;
};

} // namespace orders::host::auth
