// The create-payment body as a JSON template (config create_body), for
// services whose body differs from the plugin's own (seeds 004 and 000).
//
// A string that is exactly one placeholder becomes the typed value (numbers
// stay numbers; an absent optional value drops the key); placeholders inside
// longer strings are replaced as text; {"$eachSeller": <template>} becomes a
// list with one entry per seller of the order's lines, with {sellerId},
// {sellerAmountMinor} and {sellerAmountMajor}. Placeholders: {orderId},
// {orderNumber}, {userId}, {amountMinor}, {amountMajor}, {amountMajorText},
// {currency}, {idempotencyKey}, {attempt}, {description}, {customerEmail},
// {customerName}, {customerPhone}.
//
// Thread-safety: pure function.
#pragma once

#include <json/json.h>

#include <string>

#include "orders/sdk/messages.hpp"

namespace orders::plugins::payment {

// `exponent`: decimal places of the request's currency (for the major units).
Json::Value fillCreateBody(const Json::Value &tpl, const sdk::PaymentRequest &r, int exponent,
                           const std::string &description);

} // namespace orders::plugins::payment
