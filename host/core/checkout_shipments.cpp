// The checkout saga's shipment stage (CheckoutService::createShipments):
// one draft shipment per seller of each order, intent recorded before the
// shipping plugin is called.
#include <map>

#include "core/checkout_service.hpp"
#include "orders/sdk/json.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

sdk::Status CheckoutService::createShipments(const std::vector<Order> &orders, CarriedStep &done) {
  if (plugins_.shipping == nullptr) return sdk::Status();
  storage::ShipmentRepository repo(db_);
  storage::OrderRepository order_repo(db_);
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
      db_.autocommit([&](Poco::Data::Session &s) { repo.insert(s, sh); });
      const sdk::ShipmentRequest req = shipmentRequestOf(o, sh.seller_id);
      auto created = createShipment(*plugins_.shipping, req);
      if (!created.ok()) return created.error();
      bool paid = false;
      const bool last = &o == &orders.back() && seller == by_seller.rbegin()->first;
      db_.pipelined([&](Poco::Data::Session &s) {
        paid = order_repo.lockStatus(s, o.id) == OrderStatus::paid; // serialised with payment events
        if (last) record(s, done);
        sh.reference = created->reference;
        sh.carrier = created->carrier;
        sh.tracking_number = created->trackingNumber;
        sh.status =
            paid ? ShipmentStatus::confirm_pending : ShipmentStatus::draft; // paid already (synchronous capture)
        repo.update(s, sh, ShipmentStatus::creating);
      });
      if (paid) reconciler_.runForOrder(o.id);
    }
  }
  return sdk::Status();
}

} // namespace orders::host::core
