// The plugin instances the order core uses, picked from the registry by the
// config's `checkout` section, with typed calls over their C method tables.
#pragma once

#include <string>
#include <vector>

#include "orders/sdk/messages.hpp"
#include "plugins/plugin_registry.hpp"

namespace orders::host::core {

// Sends matching order lines to another inventory instance than the
// default (checkout.inventory_routes; first match wins). Every condition
// given must hold.
struct InventoryRoute {
  plugins::PluginInstance *inventory = nullptr;
  std::string product_prefix;  // product id starts with this
  std::string seller;          // line's seller id equals this
  std::string attribute;       // catalog attribute name...
  std::string attribute_value; // ...whose value equals this
  bool matches(const std::string &product_id, const std::optional<std::string> &seller_id,
               const Json::Value &attributes) const;
};

struct CorePlugins {
  plugins::PluginInstance *catalog = nullptr;   // required
  plugins::PluginInstance *inventory = nullptr; // required
  plugins::PluginInstance *payment = nullptr;   // nullptr only with checkout.payment: none
  plugins::PluginInstance *shipping = nullptr;  // optional: no shipments without it
  plugins::PluginInstance *cart = nullptr;      // optional: request items only without it
  plugins::PluginInstance *customer = nullptr;  // optional: snapshot from the caller's identity without it
  plugins::PluginInstance *invoice = nullptr;   // optional: no invoices without it
  std::vector<plugins::PluginInstance *> notifiers;
  std::vector<InventoryRoute> inventory_routes;
  const plugins::PluginRegistry *registry = nullptr;

  // The inventory instance holding this line's stock.
  plugins::PluginInstance *inventoryFor(const std::string &product_id, const std::optional<std::string> &seller_id,
                                        const Json::Value &attributes) const;

  // Picks instances by the ids in `checkout` (or the first of each kind).
  // invalid_argument naming the config key when a required one is missing.
  static sdk::Result<CorePlugins> select(const plugins::PluginRegistry &registry, const Json::Value &checkout);

  plugins::PluginInstance *paymentById(const std::string &id) const;
  plugins::PluginInstance *shippingById(const std::string &id) const;
  plugins::PluginInstance *inventoryById(const std::string &id) const;
};

// ---- typed calls ---------------------------------------------------------
sdk::Result<sdk::LookupResult> lookup(plugins::PluginInstance &p, const sdk::LookupRequest &r);
sdk::Result<sdk::ReserveOutcome> reserve(plugins::PluginInstance &p, const sdk::ReserveRequest &r);
sdk::Result<sdk::Empty> commitStock(plugins::PluginInstance &p, const sdk::ReservationRef &r);
sdk::Result<sdk::Empty> releaseStock(plugins::PluginInstance &p, const sdk::ReservationRef &r);
// The inventory instance declares ORDERS_INVENTORY_CAN_RELEASE (it can give
// held stock back before its hold lapses).
bool inventoryCanRelease(const plugins::PluginInstance &p);
// ORDERS_INVENTORY_CAN_RESTOCK (ABI 1.3): committed units can go back on sale.
bool inventoryCanRestock(const plugins::PluginInstance &p);
sdk::Result<sdk::Empty> restockStock(plugins::PluginInstance &p, const sdk::RestockRequest &r);
sdk::Result<sdk::Document> renderInvoice(plugins::PluginInstance &p, const sdk::InvoiceRequest &r);
sdk::Result<sdk::Party> lookupCustomer(plugins::PluginInstance &p, const sdk::CustomerRef &r);
sdk::Result<sdk::Cart> loadCart(plugins::PluginInstance &p, const sdk::CartRef &r);
sdk::Result<sdk::Empty> clearCart(plugins::PluginInstance &p, const sdk::CartRef &r);
sdk::Result<sdk::PaymentResult> createPayment(plugins::PluginInstance &p, const sdk::PaymentRequest &r);
sdk::Result<sdk::PaymentResult> refundPayment(plugins::PluginInstance &p, const sdk::RefundRequest &r);
sdk::Result<sdk::PaymentResult> paymentStatus(plugins::PluginInstance &p, const sdk::PaymentRef &r);
sdk::Result<sdk::PaymentResult> cancelPayment(plugins::PluginInstance &p, const sdk::PaymentRef &r);
sdk::Result<sdk::ParsedEvent> parsePaymentWebhook(plugins::PluginInstance &p, const sdk::InboundMessage &m,
                                                  std::string_view body);
sdk::Result<sdk::ParsedEvent> parsePaymentEvent(plugins::PluginInstance &p, const sdk::InboundMessage &m,
                                                std::string_view value);
// A dialect's payment message (events.consume[].dialect; ABI 1.5).
sdk::Result<sdk::ParsedEvent> parseDialectEvent(plugins::PluginInstance &d, const sdk::InboundMessage &m,
                                                std::string_view value);
sdk::Result<sdk::Shipment> createShipment(plugins::PluginInstance &p, const sdk::ShipmentRequest &r);
sdk::Result<sdk::Shipment> confirmShipment(plugins::PluginInstance &p, const sdk::ShipmentRef &r);
sdk::Result<sdk::Shipment> cancelShipment(plugins::PluginInstance &p, const sdk::ShipmentRef &r);
sdk::Result<sdk::ShipmentUpdate> parseShippingWebhook(plugins::PluginInstance &p, const sdk::InboundMessage &m,
                                                      std::string_view body);
sdk::Result<sdk::Empty> notify(plugins::PluginInstance &p, const sdk::Notification &n);

} // namespace orders::host::core
