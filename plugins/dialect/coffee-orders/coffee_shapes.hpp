// The coffee-shop order service's wire shapes (seed 003): JSON answers,
// {"message"} errors, the canonical order in its words (money in major or
// minor units, billing information), and its OrderCreated /
// PaymentSuccessful events.
//
// Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <optional>
#include <string>

#include "orders/sdk/host.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::dialect::coffee_orders {

sdk::DialectResponse reply(int64_t status, const Json::Value &body);
// {"message": "..."} (and "errors" when given).
sdk::DialectResponse failure(int64_t status, const std::string &message, const Json::Value &errors = Json::Value());
// The problem detail of a canonical error answer.
std::string detailOf(const sdk::CoreAnswer &a);
// A canonical error answer in the service's words (field errors kept).
sdk::DialectResponse fromProblem(const sdk::CoreAnswer &a);
Json::Value money(bool major, const Json::Value &minor, const std::string &currency);
// The service's order of a canonical order view.
Json::Value orderOf(bool major, const std::string &provider, const Json::Value &o);
// OrderCreated / PaymentSuccessful of a canonical event envelope; nullopt:
// the event has no message in this format.
std::optional<Json::Value> eventOf(bool major, const Json::Value &envelope);

} // namespace orders::plugins::dialect::coffee_orders
