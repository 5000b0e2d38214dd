// The checkout's routing of inputs to plugins: which inventory instance
// holds each line's stock, and who the buyer is per the customer directory.
#include <algorithm>

#include "core/checkout_service.hpp"
#include "log/logger.hpp"

namespace orders::host::core {

std::vector<std::pair<plugins::PluginInstance *, std::vector<sdk::StockLine>>>
stockByInventory(const CorePlugins &plugins, const Order &o, const std::vector<sdk::StockLine> &stock) {
  std::vector<std::pair<plugins::PluginInstance *, std::vector<sdk::StockLine>>> out;
  for (size_t i = 0; i < o.items.size() && i < stock.size(); ++i) {
    const OrderItem &item = o.items[i];
    plugins::PluginInstance *inventory = plugins.inventoryFor(item.product_id, item.seller_id, item.attributes);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto &g) { return g.first == inventory; });
    if (it == out.end()) it = out.insert(out.end(), {inventory, {}});
    it->second.push_back(stock[i]);
  }
  return out;
}

sdk::Status CheckoutService::resolveCustomer(CheckoutRequest &request) {
  if (plugins_.customer == nullptr) return sdk::Status();
  auto found = lookupCustomer(*plugins_.customer, sdk::CustomerRef{request.user_id, request.email});
  if (!found.ok()) {
    if (options_.customer_required) return found.error();
    log::warn("customer directory failed; the snapshot uses the caller's identity",
              {{"plugin", plugins_.customer->id()}, {"userId", request.user_id}, {"error", found.error().message}});
    return sdk::Status();
  }
  // The directory is the source of truth for who the buyer is; request
  // fields only fill what it does not know.
  if (!request.customer.isObject()) request.customer = Json::Value(Json::objectValue);
  if (found->name) request.customer["name"] = *found->name;
  if (found->email) {
    request.customer["email"] = *found->email;
    request.email = found->email;
  }
  if (found->phone) request.customer["phone"] = *found->phone;
  return sdk::Status();
}

} // namespace orders::host::core
