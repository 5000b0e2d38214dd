// The Go order service's wire shapes (seed 000): gin's JSON answers and
// {"error"} bodies, its ids and times, account types, and the OrderResponse
// of a canonical order view.
//
// Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <map>
#include <optional>
#include <string>

#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/host.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::dialect::go_orders {

sdk::DialectResponse reply(int64_t status, const Json::Value &body);
// {"error": message}.
sdk::DialectResponse error(int64_t status, const std::string &message);
// The problem detail of a canonical error answer.
std::string detailOf(const sdk::CoreAnswer &a);
using sdk::isUuid; // 8-4-4-4-12 hex digits
// Go's RFC3339Nano: fractional seconds without trailing zeros.
std::string goTime(const std::string &rfc3339);
// BUYER, SELLER, ADMIN (INTERNAL) of the caller; "" when anonymous.
std::string accountType(const std::optional<sdk::CallerPrincipal> &p);
std::string param(const sdk::DialectRequest &r, const std::string &name);
// A core word in the Go service's words (`map`, else upper-cased).
std::string word(const std::map<std::string, std::string> &map, const std::string &core_word);
// The Go OrderResponse of a canonical order view; a seller sees its own lines only.
Json::Value orderResponse(const Json::Value &o, const std::optional<sdk::CallerPrincipal> &p,
                          const std::map<std::string, std::string> &statuses,
                          const std::map<std::string, std::string> &shipment_statuses,
                          const std::optional<std::string> &confirmed_at = std::nullopt);

} // namespace orders::plugins::dialect::go_orders
