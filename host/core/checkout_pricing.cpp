#include "core/checkout_pricing.hpp"

#include <limits>
#include <set>

namespace orders::host::core {

std::string productKey(const std::string &product, const std::optional<std::string> &variant) {
  return variant ? product + "\n" + *variant : product;
}

// The lines grouped into orders by `group_of` their product ("" = house
// brand); not_found naming every product the catalog did not know.
sdk::Result<std::map<std::string, OrderLines>>
groupLines(const std::vector<CheckoutLine> &lines, const std::map<std::string, sdk::Product> &products,
           const std::function<std::string(const sdk::Product &)> &group_of) {
  std::map<std::string, OrderLines> groups;
  std::string unknown;
  for (const auto &l : lines) {
    auto it = products.find(productKey(l.product_id, l.variant_id));
    if (it == products.end()) {
      unknown += (unknown.empty() ? "" : ", ") + l.product_id + (l.variant_id ? "/" + *l.variant_id : "");
      continue;
    }
    groups[group_of(it->second)].emplace_back(l, it->second);
  }
  if (!unknown.empty()) return sdk::notFound("unknown products: " + unknown);
  return groups;
}

// Adds `lines` to `o` as its items, priced by the catalog, and sums its
// totals; one currency per order, no negative price, no overflow.
sdk::Status addItems(Order &o, const OrderLines &lines) {
  int line_no = 0;
  for (const auto &[line, product] : lines) {
    if (product.unitPrice.currency != o.currency)
      return sdk::invalidArgument("products in one order must share a currency: " + product.productId + " is in " +
                                  product.unitPrice.currency + ", others in " + o.currency);
    if (product.unitPrice.amountMinor < 0)
      return sdk::internalError("catalog returned a negative price for " + product.productId);
    if (product.unitPrice.amountMinor > std::numeric_limits<int64_t>::max() / line.quantity)
      return sdk::invalidArgument("line total of " + product.productId + " overflows");
    OrderItem item;
    item.line_no = ++line_no;
    item.product_id = product.productId;
    item.variant_id = product.variantId;
    item.seller_id = product.sellerId;
    item.title = product.title;
    item.quantity = line.quantity;
    item.unit_price_minor = product.unitPrice.amountMinor;
    item.line_total_minor = product.unitPrice.amountMinor * line.quantity;
    for (const auto &[k, v] : product.attributes)
      item.attributes[k] = v;
    item.image_url = product.imageUrl;
    if (__builtin_add_overflow(o.subtotal_minor, item.line_total_minor, &o.subtotal_minor))
      return sdk::invalidArgument("the order's subtotal overflows at " + product.productId);
    o.items.push_back(std::move(item));
  }
  if (__builtin_add_overflow(o.subtotal_minor, o.shipping_minor, &o.total_minor))
    return sdk::invalidArgument("the order's total overflows");
  return sdk::Status();
}

// The seller of an order of `lines`: the one they all share, if any.
std::optional<std::string> sharedSeller(const OrderLines &lines) {
  std::set<std::string> sellers;
  for (const auto &entry : lines)
    sellers.insert(entry.second.sellerId.value_or(""));
  if (sellers.size() == 1 && !sellers.begin()->empty()) return *sellers.begin();
  return std::nullopt;
}

} // namespace orders::host::core
