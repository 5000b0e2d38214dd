// The Express order service's wire shapes (seed 001): JSON answers, its
// {"error": ...} bodies, the canonical order in its words (status words,
// money in major or minor units) and the order.* lifecycle events.
//
// Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <map>
#include <optional>
#include <string>

#include "orders/sdk/host.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::dialect::express_orders {

struct Words {
  std::map<std::string, std::string> from_core;
  bool major = true; // money in major units
};

sdk::DialectResponse reply(int64_t status, const Json::Value &body);
// {"error": message}.
sdk::DialectResponse error(int64_t status, const std::string &message);
// The problem detail of a canonical error answer.
std::string detailOf(const sdk::CoreAnswer &a);
// A canonical error answer in the service's words.
sdk::DialectResponse fromProblem(const sdk::CoreAnswer &a);
std::string word(const Words &w, const std::string &core_word);
// An amount in the configured unit.
Json::Value money(const Words &w, const Json::Value &minor, const std::string &currency);
// The service's order of a canonical order view.
Json::Value orderOf(const Words &w, const Json::Value &o);
// The seven order.* events: the lifecycle type of a canonical type
// (nullopt: no message), and its payload.
std::optional<std::string> lifecycleType(const std::string &canonical_type);
Json::Value lifecycleEvent(const Words &w, const Json::Value &envelope, const std::string &type);

} // namespace orders::plugins::dialect::express_orders
