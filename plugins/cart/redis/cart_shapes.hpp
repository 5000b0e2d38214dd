// cart/redis: the two value shapes a cart may have in Redis, turned into
// cart lines. Neither talks to Redis; the plugin hands them what GET or
// HGETALL answered.
//
//   json  a string holding [{...}, ...] or {"items": [{...}, ...]}; each
//         line's fields found by JSON pointers (seed 002: product_id, qty)
//   hash  field = product id (or "productId<separator>variantId"),
//         value = quantity as a decimal integer; or field = any key, value =
//         a JSON line document (seed 002 upstream: {product_id, qty,
//         unit_price_cents, title})
//
// Errors are invalid_argument values starting with `what` (e.g. "redis key
// 'cart:a@x.io'") and naming the JSON pointer ("/items/2/qty") or the hash
// field. Thread-safety: pure functions over immutable shapes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/result.hpp"

namespace orders::plugins::cart_redis {

using orders::sdk::JsonPointer;

struct JsonShape {
  JsonPointer lines;                   // the lines array in an object value; an array value is the lines
  JsonPointer productId;               // inside one line: string or integer, required
  JsonPointer quantity;                // integer > 0, required
  JsonPointer variantId;               // string or integer, optional
  std::optional<JsonPointer> sellerId; // read only when configured
};

// What a hash field's value holds: a decimal quantity, or a JSON line
// document read with the JsonShape's line pointers (seed 002's
// {product_id, qty, unit_price_cents, title}); detect: a value starting
// with '{' is a document, anything else a quantity.
enum class HashValues { detect, quantity, json };

struct HashShape {
  std::string separator; // "" = the whole field is the product id (quantity values)
  HashValues values = HashValues::detect;
  JsonShape lines; // the line pointers for JSON values
};

// The lines of a JSON value. `null`, [] and a null lines member are a cart
// without lines.
sdk::Result<sdk::Cart> cartFromJson(std::string_view text, const JsonShape &shape, const std::string &what);

// The lines of a hash (HGETALL's field/value pairs, in Redis's order).
sdk::Result<sdk::Cart> cartFromHash(const std::vector<std::pair<std::string, std::string>> &fields,
                                    const HashShape &shape, const std::string &what);

} // namespace orders::plugins::cart_redis
