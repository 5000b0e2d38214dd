#include "core/core_plugins.hpp"

namespace orders::host::core {

namespace {
sdk::Result<plugins::PluginInstance *> pick(const plugins::PluginRegistry &registry, const Json::Value &checkout,
                                            const std::string &kind, const std::string &key, bool required) {
  if (checkout.isMember(key)) {
    const std::string id = checkout[key].asString();
    if (auto *p = registry.find(kind, id)) return p;
    return sdk::invalidArgument("/checkout/" + key + ": no " + kind + " plugin instance with id '" + id + "'");
  }
  auto all = registry.ofKind(kind);
  if (all.empty()) {
    if (required) return sdk::invalidArgument("/plugins/" + kind + ": the order core needs one " + kind + " plugin");
    return static_cast<plugins::PluginInstance *>(nullptr);
  }
  return all.front();
}

} // namespace

sdk::Result<CorePlugins> CorePlugins::select(const plugins::PluginRegistry &registry, const Json::Value &checkout) {
  CorePlugins out;
  out.registry = &registry;
  // Without a catalog only lines a trusted internal caller priced can be sold.
  auto catalog = pick(registry, checkout, "catalog", "catalog", !checkout["trust_internal_prices"].asBool());
  if (!catalog.ok()) return catalog.error();
  auto inventory = pick(registry, checkout, "inventory", "inventory", true);
  if (!inventory.ok()) return inventory.error();
  // "none": payment is taken outside the order service (seed 002); orders
  // wait in awaiting_payment for a payment event and no provider is called.
  const bool paid_outside = checkout["payment"].isString() && checkout["payment"].asString() == "none";
  auto payment = paid_outside ? sdk::Result<plugins::PluginInstance *>(static_cast<plugins::PluginInstance *>(nullptr))
                              : pick(registry, checkout, "payment", "payment", true);
  if (!payment.ok()) return payment.error();
  auto shipping = pick(registry, checkout, "shipping", "shipping", false);
  if (!shipping.ok()) return shipping.error();
  auto cart = pick(registry, checkout, "cart", "cart", false);
  if (!cart.ok()) return cart.error();
  auto customer = pick(registry, checkout, "customer", "customer", false);
  if (!customer.ok()) return customer.error();
  out.customer = customer.value();
  auto invoice = pick(registry, checkout, "invoice", "invoice", false);
  if (!invoice.ok()) return invoice.error();
  out.invoice = invoice.value();
  out.catalog = catalog.value();
  out.inventory = inventory.value();
  out.payment = payment.value();
  out.shipping = shipping.value();
  out.cart = cart.value();
  out.notifiers = registry.ofKind("notifier");
  const Json::Value &routes = checkout["inventory_routes"];
  for (Json::ArrayIndex i = 0; i < routes.size(); ++i) {
    const Json::Value &r = routes[i];
    InventoryRoute route;
    route.inventory = registry.find("inventory", r["inventory"].asString());
    if (route.inventory == nullptr)
      return sdk::invalidArgument("/checkout/inventory_routes/" + std::to_string(i) +
                                  "/inventory: no inventory plugin instance with id '" + r["inventory"].asString() +
                                  "'");
    route.product_prefix = r["product_prefix"].asString();
    route.seller = r["seller"].asString();
    route.attribute = r["attribute"]["name"].asString();
    route.attribute_value = r["attribute"]["value"].asString();
    out.inventory_routes.push_back(route);
  }
  return out;
}

bool InventoryRoute::matches(const std::string &product_id, const std::optional<std::string> &seller_id,
                             const Json::Value &attributes) const {
  if (!product_prefix.empty() && product_id.rfind(product_prefix, 0) != 0) return false;
  if (!seller.empty() && seller_id.value_or("") != seller) return false;
  if (!attribute.empty()) {
    const Json::Value &v = attributes.isObject() ? attributes[attribute] : Json::Value::nullSingleton();
    if (!v.isString() || v.asString() != attribute_value) return false;
  }
  return true;
}

plugins::PluginInstance *CorePlugins::inventoryFor(const std::string &product_id,
                                                   const std::optional<std::string> &seller_id,
                                                   const Json::Value &attributes) const {
  for (const InventoryRoute &r : inventory_routes)
    if (r.matches(product_id, seller_id, attributes)) return r.inventory;
  return inventory;
}

plugins::PluginInstance *CorePlugins::paymentById(const std::string &id) const { return registry->find("payment", id); }
plugins::PluginInstance *CorePlugins::shippingById(const std::string &id) const {
  return registry->find("shipping", id);
}
plugins::PluginInstance *CorePlugins::inventoryById(const std::string &id) const {
  return registry->find("inventory", id);
}

sdk::Result<sdk::LookupResult> lookup(plugins::PluginInstance &p, const sdk::LookupRequest &r) {
  return p.call<sdk::LookupResult>("lookup", p.methods<orders_catalog_v1_t>().lookup, r);
}
sdk::Result<sdk::ReserveOutcome> reserve(plugins::PluginInstance &p, const sdk::ReserveRequest &r) {
  return p.call<sdk::ReserveOutcome>("reserve", p.methods<orders_inventory_v1_t>().reserve, r);
}
sdk::Result<sdk::Empty> commitStock(plugins::PluginInstance &p, const sdk::ReservationRef &r) {
  return p.call<sdk::Empty>("commit", p.methods<orders_inventory_v1_t>().commit, r);
}
bool inventoryCanRelease(const plugins::PluginInstance &p) {
  return (p.methods<orders_inventory_v1_t>().capabilities & ORDERS_INVENTORY_CAN_RELEASE) != 0;
}
bool inventoryCanRestock(const plugins::PluginInstance &p) {
  return (p.methods<orders_inventory_v1_t>().capabilities & ORDERS_INVENTORY_CAN_RESTOCK) != 0;
}
sdk::Result<sdk::Empty> restockStock(plugins::PluginInstance &p, const sdk::RestockRequest &r) {
  return p.call<sdk::Empty>("restock", p.methods<orders_inventory_v1_t>().restock, r);
}
sdk::Result<sdk::Empty> releaseStock(plugins::PluginInstance &p, const sdk::ReservationRef &r) {
  return p.call<sdk::Empty>("release", p.methods<orders_inventory_v1_t>().release, r);
}
sdk::Result<sdk::Document> renderInvoice(plugins::PluginInstance &p, const sdk::InvoiceRequest &r) {
  return p.call<sdk::Document>("render", p.methods<orders_invoice_v1_t>().render, r);
}
sdk::Result<sdk::Party> lookupCustomer(plugins::PluginInstance &p, const sdk::CustomerRef &r) {
  return p.call<sdk::Party>("lookup", p.methods<orders_customer_v1_t>().lookup, r);
}
sdk::Result<sdk::Cart> loadCart(plugins::PluginInstance &p, const sdk::CartRef &r) {
  return p.call<sdk::Cart>("load", p.methods<orders_cart_v1_t>().load, r);
}
sdk::Result<sdk::Empty> clearCart(plugins::PluginInstance &p, const sdk::CartRef &r) {
  return p.call<sdk::Empty>("clear", p.methods<orders_cart_v1_t>().clear, r);
}
sdk::Result<sdk::PaymentResult> createPayment(plugins::PluginInstance &p, const sdk::PaymentRequest &r) {
  return p.call<sdk::PaymentResult>("create_payment", p.methods<orders_payment_v1_t>().create_payment, r);
}
sdk::Result<sdk::PaymentResult> refundPayment(plugins::PluginInstance &p, const sdk::RefundRequest &r) {
  return p.call<sdk::PaymentResult>("refund", p.methods<orders_payment_v1_t>().refund, r);
}
sdk::Result<sdk::PaymentResult> paymentStatus(plugins::PluginInstance &p, const sdk::PaymentRef &r) {
  return p.call<sdk::PaymentResult>("status", p.methods<orders_payment_v1_t>().status, r);
}
sdk::Result<sdk::PaymentResult> cancelPayment(plugins::PluginInstance &p, const sdk::PaymentRef &r) {
  return p.call<sdk::PaymentResult>("cancel", p.methods<orders_payment_v1_t>().cancel, r);
}
sdk::Result<sdk::ParsedEvent> parsePaymentWebhook(plugins::PluginInstance &p, const sdk::InboundMessage &m,
                                                  std::string_view body) {
  return p.call<sdk::ParsedEvent>("parse_webhook", p.methods<orders_payment_v1_t>().parse_webhook, m, body);
}
sdk::Result<sdk::ParsedEvent> parsePaymentEvent(plugins::PluginInstance &p, const sdk::InboundMessage &m,
                                                std::string_view value) {
  return p.call<sdk::ParsedEvent>("parse_event", p.methods<orders_payment_v1_t>().parse_event, m, value);
}
sdk::Result<sdk::ParsedEvent> parseDialectEvent(plugins::PluginInstance &d, const sdk::InboundMessage &m,
                                                std::string_view value) {
  return d.call<sdk::ParsedEvent>("parse_event", d.methods<orders_dialect_v1_t>().parse_event, m, value);
}
sdk::Result<sdk::Shipment> createShipment(plugins::PluginInstance &p, const sdk::ShipmentRequest &r) {
  return p.call<sdk::Shipment>("create_shipment", p.methods<orders_shipping_v1_t>().create_shipment, r);
}
sdk::Result<sdk::Shipment> confirmShipment(plugins::PluginInstance &p, const sdk::ShipmentRef &r) {
  return p.call<sdk::Shipment>("confirm_shipment", p.methods<orders_shipping_v1_t>().confirm_shipment, r);
}
sdk::Result<sdk::Shipment> cancelShipment(plugins::PluginInstance &p, const sdk::ShipmentRef &r) {
  return p.call<sdk::Shipment>("cancel_shipment", p.methods<orders_shipping_v1_t>().cancel_shipment, r);
}
sdk::Result<sdk::ShipmentUpdate> parseShippingWebhook(plugins::PluginInstance &p, const sdk::InboundMessage &m,
                                                      std::string_view body) {
  return p.call<sdk::ShipmentUpdate>("parse_webhook", p.methods<orders_shipping_v1_t>().parse_webhook, m, body);
}
sdk::Result<sdk::Empty> notify(plugins::PluginInstance &p, const sdk::Notification &n) {
  return p.call<sdk::Empty>("notify", p.methods<orders_notifier_v1_t>().notify, n);
}

} // namespace orders::host::core
