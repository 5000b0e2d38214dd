// LAKOO's checkout body (zod createOrderSchema, validation.ts) checked with
// its own messages and translated into the canonical checkout body.
//
// Thread-safety: pure function.
#pragma once

#include <json/json.h>

#include <string>
#include <variant>

#include "orders/sdk/messages.hpp"

namespace orders::plugins::dialect::lakoo {

// The canonical body {items, shippingAddress, idempotencyKey}, or the 400
// "Validation failed" answer naming every field. `country` goes into the
// address (LAKOO's carry none). `userId` stays the caller's to handle.
std::variant<sdk::DialectResponse, Json::Value> canonicalCheckout(const Json::Value &b, const std::string &country);

} // namespace orders::plugins::dialect::lakoo
