#include "plugins/plugin_kinds.hpp"

namespace orders::host::plugins {

const std::vector<KindInfo> &allKinds() {
  static const std::vector<KindInfo> kinds = {
      {ORDERS_KIND_INVENTORY, "inventory", ORDERS_INVENTORY_V1_0_SIZE, sizeof(orders_inventory_v1_t)},
      {ORDERS_KIND_CATALOG, "catalog", sizeof(orders_catalog_v1_t), sizeof(orders_catalog_v1_t)},
      {ORDERS_KIND_CART, "cart", sizeof(orders_cart_v1_t), sizeof(orders_cart_v1_t)},
      {ORDERS_KIND_PAYMENT, "payment", sizeof(orders_payment_v1_t), sizeof(orders_payment_v1_t)},
      {ORDERS_KIND_SHIPPING, "shipping", sizeof(orders_shipping_v1_t), sizeof(orders_shipping_v1_t)},
      {ORDERS_KIND_INVOICE, "invoice", sizeof(orders_invoice_v1_t), sizeof(orders_invoice_v1_t)},
      {ORDERS_KIND_NOTIFIER, "notifier", sizeof(orders_notifier_v1_t), sizeof(orders_notifier_v1_t)},
      {ORDERS_KIND_CUSTOMER, "customer", sizeof(orders_customer_v1_t), sizeof(orders_customer_v1_t), 2},
      {ORDERS_KIND_DIALECT, "dialect", sizeof(orders_dialect_v1_t), sizeof(orders_dialect_v1_t), 4},
  };
  return kinds;
}

const KindInfo *kindByName(std::string_view name) {
  for (const KindInfo &k : allKinds())
    if (k.name == name) return &k;
  return nullptr;
}

const KindInfo *kindById(orders_kind_t id) {
  for (const KindInfo &k : allKinds())
    if (k.id == id) return &k;
  return nullptr;
}

} // namespace orders::host::plugins
