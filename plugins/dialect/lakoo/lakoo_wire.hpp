// The dialect's small wire helpers: LAKOO's JSON answers, a canonical error
// in LAKOO's words, and express-validator / zod number parsing.
//
// Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <optional>
#include <string>
#include <vector>

#include "lakoo_shapes.hpp"
#include "orders/sdk/host.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::dialect::lakoo {

sdk::DialectResponse reply(int64_t status, const Json::Value &body);
// 400 {"success":false,"error":"Validation failed","details":[...]}.
sdk::DialectResponse invalid(std::vector<Detail> details);
// The problem detail of a canonical error answer.
std::string detailOf(const sdk::CoreAnswer &a);
// A canonical error as LAKOO's error handler would have answered it.
sdk::DialectResponse fromProblem(const sdk::CoreAnswer &a);
// Role admin or internal (LAKOO's privileged callers).
bool privileged(const sdk::DialectRequest &r);
std::string param(const sdk::DialectRequest &r, const std::string &name);
std::optional<std::string> queryParam(const sdk::DialectRequest &r, const std::string &name);
// express-validator isInt({min, max}).
std::optional<int64_t> intParam(const std::string &text, int64_t min, int64_t max);
// zod z.coerce.number(): numbers as they are, strings via Number().
std::optional<double> coerceNumber(const Json::Value &v);

} // namespace orders::plugins::dialect::lakoo
