// The checkout saga's shipment stage (CheckoutService::createShipments):
// one draft shipment per seller of each order, intent recorded before the
// shipping plugin is called (with the result before it), its result
// written with the next intent or the checkout's completion.
#include <map>
#include <memory>

#include "core/checkout_service.hpp"
#include "orders/sdk/json.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

sdk::Status CheckoutService::createShipments(const std::vector<Order> &orders, Ledger &ledger) {
  if (plugins_.shipping == nullptr) return sdk::Status();
  storage::ShipmentRepository repo(db_);
  for (const Order &o : orders) {
    // One shipment per seller of the order (one when split per seller).
    std::map<std::string, std::vector<sdk::LineItem>> by_seller;
    for (const auto &li : lineItemsOf(o))
      by_seller[li.sellerId.value_or("")].push_back(li);
    for (auto &[seller, items] : by_seller) {
      Shipment sh;
      sh.id = newId();
      sh.order_id = o.id;
      if (!seller.empty()) sh.seller_id = seller;
      sh.provider = plugins_.shipping->id();
      sh.status = ShipmentStatus::creating;
      sh.created_at_ms = sh.updated_at_ms = nowMs();
      commit(ledger, [&](Poco::Data::Session &s) { repo.insert(s, sh); });
      const sdk::ShipmentRequest req = shipmentRequestOf(o, sh.seller_id); // o as the commit left it
      auto created = createShipment(*plugins_.shipping, req);
      if (!created.ok()) return created.error();
      auto paid = std::make_shared<bool>(false);
      ledger.results.push_back([this, sh, paid, result = *created](Poco::Data::Session &s) mutable {
        // Serialised with payment events: paid already (synchronous capture)
        // means the shipment is confirmed next.
        *paid = storage::OrderRepository(db_).lockStatus(s, sh.order_id) == OrderStatus::paid;
        sh.reference = result.reference;
        sh.carrier = result.carrier;
        sh.tracking_number = result.trackingNumber;
        sh.status = *paid ? ShipmentStatus::confirm_pending : ShipmentStatus::draft;
        storage::ShipmentRepository(db_).update(s, sh, ShipmentStatus::creating);
      });
      ledger.after.push_back([this, paid, id = o.id] {
        if (*paid) reconciler_.runForOrder(id);
      });
    }
  }
  return sdk::Status();
}

} // namespace orders::host::core
