// The checkout's pricing steps (CheckoutService::priceAndSplit): lines
// grouped into orders by seller, items priced by the catalog with one
// currency per order and overflow-checked totals.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/checkout_service.hpp"
#include "domain/order.hpp"
#include "orders/sdk/result.hpp"
#include "orders/sdk/types.hpp"

namespace orders::host::core {

// The key a product is found by: its id, and its variant id after a newline.
std::string productKey(const std::string &product, const std::optional<std::string> &variant);

// A checkout's lines that go into one order, each with its catalog product.
using OrderLines = std::vector<std::pair<CheckoutLine, sdk::Product>>;

// The lines grouped into orders by `group_of` their product ("" = house
// brand); not_found naming every product the catalog did not know.
sdk::Result<std::map<std::string, OrderLines>>
groupLines(const std::vector<CheckoutLine> &lines, const std::map<std::string, sdk::Product> &products,
           const std::function<std::string(const sdk::Product &)> &group_of);

// Adds `lines` to `o` as its items, priced by the catalog, and sums its
// totals; one currency per order, no negative price, no overflow.
sdk::Status addItems(Order &o, const OrderLines &lines);

// The seller of an order of `lines`: the one they all share, if any.
std::optional<std::string> sharedSeller(const OrderLines &lines);

} // namespace orders::host::core
