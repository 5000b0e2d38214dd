// LAKOO's wire shapes (seed 004; upstream Flow-Indo/LAKOO
// backend/services/order-service-ts at 3567928): envelopes, validation
// details, status words and the Prisma-shaped order body, built from the
// core's canonical JSON.
//
// Thread-safety: Vocabulary is immutable after construction; the rest are
// pure functions.
#pragma once

#include <json/json.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/dialect_support.hpp"

namespace orders::plugins::dialect::lakoo {

// LAKOO's fourteen status words, in its own order (src/types/index.ts).
const std::vector<std::string> &lakooStatuses();

// Status and money vocabulary of one dialect instance.
class Vocabulary {
public:
  Vocabulary(std::map<std::string, std::string> to_core, std::map<std::string, std::string> from_core,
             std::map<std::string, int> exponents);
  // The core status a LAKOO word names; nullopt when the core has no such state.
  std::optional<std::string> toCore(const std::string &lakoo) const;
  // The LAKOO word for a core status.
  std::string fromCore(const std::string &core) const;
  // Decimal major units as LAKOO's Prisma Decimals print them ("150000", "19.5").
  std::string major(int64_t minor, const std::string &currency) const;
  int exponent(const std::string &currency) const;

private:
  std::map<std::string, std::string> to_core_;
  std::map<std::string, std::string> from_core_;
  std::map<std::string, int> exponents_;
};

// One field problem of a 400 "Validation failed".
struct Detail {
  std::string field;
  std::string message;
};

// {"success":true,"data":...} (+ "message" between them when given).
Json::Value success(const Json::Value &data, const std::optional<std::string> &message = std::nullopt);
// {"success":false,"error":...} (+ "code" when given).
Json::Value failure(const std::string &error, const std::optional<std::string> &code = std::nullopt);
// {"success":false,"error":"Validation failed","details":[{field,message}]}.
Json::Value validationFailure(const std::vector<Detail> &details);

// A canonical order (GET /api/orders/:id shape, or a list item) as LAKOO's
// order row: Prisma field order, decimals as strings, absent columns null.
// `with_items`: LAKOO answers some routes without the items include.
Json::Value orderBody(const Json::Value &canonical, const Vocabulary &vocabulary, const std::string &country_name,
                      bool with_items = true);

// canonical createdAt ("...123Z" or without millis) -> "....123Z".
std::string isoMillis(const std::string &rfc3339);

using sdk::isUuid; // 8-4-4-4-12 hex digits

// ISO 8601 date or date-time as validator.js isISO8601 accepts (simplified:
// YYYY-MM-DD with an optional Thh:mm[:ss[.fff]] and zone).
bool isIso8601(const std::string &text);
// zod .datetime(): YYYY-MM-DDThh:mm:ss[.fff]Z only.
bool isZodDatetime(const std::string &text);

} // namespace orders::plugins::dialect::lakoo
