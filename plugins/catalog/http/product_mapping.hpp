// catalog/http: one catalog product object (JSON) -> orders::sdk::Product.
//
// Fields are found by configured JSON pointers. Prices are exact: a JSON
// number is read from the text the peer wrote (never through a double), a
// decimal string the same way, then scaled by the currency's decimal places
// when the catalog sends major units.
//
// Thread-safety: free functions on values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::plugins::catalog {

using orders::sdk::DecimalError;
using orders::sdk::decimalToMinor;
using orders::sdk::defaultCurrencyExponents;
using orders::sdk::JsonPointer;
using orders::sdk::numberText;

// One product object as the catalog served it. The number offsets JsonCpp
// recorded in `value` refer to `body`, so the body travels with it.
struct ProductDoc {
  std::shared_ptr<const std::string> body;
  Json::Value value;
  std::string pointer; // where `value` sits in the response: "", "/data", "/items/3"
};

// Pointers inside one product object (variant ones inside one variant).
struct FieldMapping {
  JsonPointer id;
  JsonPointer title;
  JsonPointer price;
  JsonPointer currency;
  JsonPointer sellerId;
  JsonPointer imageUrl;
  JsonPointer attributes;
  JsonPointer variants;
  JsonPointer variantId;
  JsonPointer variantPrice;
  std::optional<JsonPointer> variantTitle;
};

struct PriceRules {
  bool major = false;                         // prices are major units ("19.99") rather than minor (1999)
  std::optional<std::string> defaultCurrency; // when the product names none
  std::map<std::string, int> exponents;       // decimal places per currency, for major units
};

// An identifier: a string as is, an integer in decimal; nullopt otherwise.
using sdk::wire::idText;

// Maps `doc` (and the variant ref.variantId names, if any) to the Product for
// `ref`. not_found when the variant does not exist; invalid_argument naming
// the product id and the response's JSON pointer when a mapped field is
// missing or ill-typed.
sdk::Result<sdk::Product> mapProduct(const FieldMapping &fields, const PriceRules &prices, const ProductDoc &doc,
                                     const sdk::ProductRef &ref);

} // namespace orders::plugins::catalog
