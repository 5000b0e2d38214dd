// OrderService: status changes from admins, internal services and shipping
// providers, and the timed sweeps.
#include "core/order_service.hpp"

#include <algorithm>

#include "log/logger.hpp"
#include "orders/sdk/contract.hpp"
#include "storage/idempotency_repository.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

sdk::Result<OrderView> OrderService::changeStatus(const std::string &id, OrderStatus to, const std::string &actor,
                                                  const std::string &reason, const std::string &event_id) {
  if (to == OrderStatus::cancelled) return cancel(id, actor, reason.empty() ? "cancelled by " + actor : reason);
  storage::OrderRepository orders(db_);
  std::optional<Order> current;
  {
    auto lease = db_.lease();
    current = orders.find(**lease, id);
  }
  if (!current) return sdk::notFound("order " + id + " does not exist");
  if (to == OrderStatus::paid) {
    // The seed-004 payments-service path: same inbox, same effects as a webhook.
    if (current->status != OrderStatus::paid && !canTransition(current->status, OrderStatus::paid))
      throw storage::TransitionError(current->status, to);
    sdk::PaymentEvent paid;
    paid.source = actor;
    paid.eventId = event_id;
    paid.type = sdk::wireName(sdk::PaymentEventType::paid);
    paid.orderId = id;
    auto applied = reactor_.apply(paid, actor, std::nullopt); // an authenticated principal, no plugin
    if (!applied.ok()) return applied.error();
    return view(id);
  }

  storage::PaymentRepository payments(db_);
  storage::ShipmentRepository shipments(db_);
  storage::ReservationRepository reservations(db_);
  db_.transaction([&](Poco::Data::Session &s) {
    auto o = orders.find(s, id, true);
    if (!o) throw DomainError(sdk::notFound("order " + id + " does not exist"));
    orders.transition(s, *o, to, actor, reason.empty() ? "set by " + actor : reason);
    if (to == OrderStatus::shipped || to == OrderStatus::delivered) {
      const ShipmentStatus parcel = to == OrderStatus::shipped ? ShipmentStatus::shipped : ShipmentStatus::delivered;
      for (Shipment sh : shipments.forOrder(s, id)) {
        const ShipmentStatus was = sh.status;
        // Cancelled ones stay cancelled; none moves back (a delivered parcel is not shipped again).
        if (was == ShipmentStatus::cancelled || was == ShipmentStatus::cancel_pending || !canMove(was, parcel))
          continue;
        sh.status = parcel;
        shipments.update(s, sh, was);
      }
    } else if (to == OrderStatus::refunded) {
      for (Payment &p : payments.forOrder(s, id))
        if (p.status == PaymentStatus::captured) {
          p.status = PaymentStatus::refund_pending;
          payments.update(s, p, PaymentStatus::captured);
        }
      for (const Reservation &r : reservations.forOrder(s, id))
        if (r.status == ReservationStatus::committed)
          reservations.setStatus(s, r.id, r.status, ReservationStatus::restock_pending);
    } else if (to == OrderStatus::payment_failed) {
      for (const Reservation &r : reservations.forOrder(s, id))
        if (r.status == ReservationStatus::held)
          reservations.setStatus(s, r.id, r.status, ReservationStatus::release_pending);
    }
  });
  reconciler_.runForOrder(id);
  return view(id);
}

sdk::Result<OrderView> OrderService::applyShipmentUpdate(const std::string &provider,
                                                         const sdk::ShipmentUpdate &update) {
  if (!update.reference && !update.orderId) return sdk::invalidArgument("shipment update names no shipment or order");
  const std::string status = update.status.value_or("");
  if (status != sdk::wireName(sdk::ShipmentStatus::shipped) && status != sdk::wireName(sdk::ShipmentStatus::delivered))
    return sdk::invalidArgument("shipment status '" + status + "' is not shipped or delivered");
  storage::OrderRepository orders(db_);
  storage::ShipmentRepository shipments(db_);
  storage::InboxRepository inbox;
  std::string order_id = update.orderId.value_or("");
  bool found = true;
  db_.transaction([&](Poco::Data::Session &s) {
    std::optional<Shipment> shipment;
    if (update.reference) shipment = shipments.byReference(s, provider, *update.reference);
    if (shipment) order_id = shipment->order_id;
    auto o = orders.find(s, order_id, true);
    if (!o) {
      found = false;
      return;
    }
    const std::string event_id = update.eventId.value_or(update.reference.value_or("") + ":" + status);
    if (!inbox.record(s, "shipping:" + provider, event_id, o->id, status, "applied", sdk::encode(update))) return;
    const ShipmentStatus parcel =
        status == sdk::wireName(sdk::ShipmentStatus::shipped) ? ShipmentStatus::shipped : ShipmentStatus::delivered;
    if (shipment && canMove(shipment->status, parcel)) { // a late "shipped" never undoes "delivered"
      const ShipmentStatus was = shipment->status;
      shipment->status = parcel;
      if (update.carrier) shipment->carrier = update.carrier;
      if (update.trackingNumber) shipment->tracking_number = update.trackingNumber;
      shipments.update(s, *shipment, was);
    }
    const OrderStatus to =
        status == sdk::wireName(sdk::ShipmentStatus::shipped) ? OrderStatus::shipped : OrderStatus::delivered;
    bool all_delivered = true;
    for (const Shipment &sh : shipments.forOrder(s, o->id))
      if (sh.status != ShipmentStatus::delivered && sh.status != ShipmentStatus::cancelled) all_delivered = false;
    if (to == OrderStatus::delivered && !all_delivered) return; // wait for the other sellers' parcels
    if (to == OrderStatus::delivered && o->status != OrderStatus::shipped &&
        canTransition(o->status, OrderStatus::shipped))
      orders.transition(s, *o, OrderStatus::shipped, "shipping:" + provider, "tracking " + event_id);
    if (canTransition(o->status, to)) orders.transition(s, *o, to, "shipping:" + provider, "tracking " + event_id);
  });
  if (!found) return sdk::notFound("no order for shipment " + update.reference.value_or(order_id));
  return view(order_id);
}

int OrderService::autoComplete() {
  std::vector<std::string> ids;
  {
    auto lease = db_.lease();
    ids = storage::OrderRepository(db_).idsInStatusSince(**lease, OrderStatus::delivered,
                                                         nowMs() - sweep_.auto_complete_after_ms, 200);
  }
  int moved = 0;
  storage::OrderRepository orders(db_);
  for (const auto &id : ids) {
    db_.transaction([&](Poco::Data::Session &s) {
      auto o = orders.find(s, id, true);
      if (o && o->status == OrderStatus::delivered) {
        orders.transition(s, *o, OrderStatus::completed, "system", "auto-complete after delivery");
        ++moved;
      }
    });
  }
  return moved;
}

int OrderService::expireUnpaid() {
  std::vector<std::string> ids;
  {
    auto lease = db_.lease();
    storage::OrderRepository repo(db_);
    const int64_t before = nowMs() - sweep_.payment_timeout_ms;
    ids = repo.idsInStatusSince(**lease, OrderStatus::awaiting_payment, before, 200);
    for (auto &id : repo.idsInStatusSince(**lease, OrderStatus::payment_failed, before, 200))
      ids.push_back(id);
    // Pay-later orders nobody paid; never one whose checkout may still be
    // running (younger than checkout.lease_seconds).
    const int64_t pending_before = std::min(before, nowMs() - checkout_.options().lease_ms);
    for (auto &id : repo.idsInStatusSince(**lease, OrderStatus::pending, pending_before, 200))
      ids.push_back(id);
  }
  int moved = 0;
  for (const auto &id : ids) {
    try {
      if (cancel(id, "system", "payment timeout").ok()) {
        ++moved;
        payment_timeouts_.fetch_add(1, std::memory_order_relaxed);
      }
    } catch (const storage::TransitionError &) { // paid meanwhile
    } catch (const std::exception &e) {
      // One order that cannot be cancelled now never stops the others.
      log::error("payment timeout: cannot cancel order; will retry", {{"order", id}, {"error", e.what()}});
    }
  }
  return moved;
}

int OrderService::pollPendingPayments() {
  if (sweep_.payment_poll_after_ms <= 0) return 0;
  storage::PaymentRepository payments(db_);
  std::vector<Payment> due;
  {
    auto lease = db_.lease();
    due = payments.awaitingProvider(**lease, nowMs() - sweep_.payment_poll_after_ms, 50);
  }
  int applied = 0;
  for (const Payment &p : due) {
    db_.transaction([&](Poco::Data::Session &s) { payments.touch(s, p.id); });
    if (askProvider(p) == "applied") ++applied;
  }
  return applied;
}

std::string OrderService::askProvider(const Payment &p) {
  plugins::PluginInstance *provider = plugins_.paymentById(p.provider);
  if (provider == nullptr || !p.reference) return "no_reference";
  auto status = paymentStatus(*provider, sdk::PaymentRef{*p.reference, p.order_id});
  if (!status.ok()) {
    if (status.error().code != sdk::ErrorCode::unsupported)
      log::warn("payment status poll failed",
                {{"payment", p.id}, {"provider", p.provider}, {"error", status.error().message}});
    return status.error().code == sdk::ErrorCode::unsupported ? "unsupported" : "provider_error";
  }
  std::optional<sdk::PaymentEventType> type;
  if (status->status == sdk::wireName(sdk::PaymentStatus::captured)) type = sdk::PaymentEventType::paid;
  if (status->status == sdk::wireName(sdk::PaymentStatus::failed) ||
      status->status == sdk::wireName(sdk::PaymentStatus::cancelled))
    type = sdk::PaymentEventType::failed;
  if (!type) return "pending"; // still pending
  sdk::PaymentEvent event;
  event.source = p.provider;
  event.eventId = "poll:" + *p.reference + ":" + status->status;
  event.type = sdk::wireName(*type);
  event.orderId = p.order_id;
  event.paymentReference = p.reference;
  if (type == sdk::PaymentEventType::paid && !status->amount && !status->amountNotReported.value_or(false)) {
    // The check needs the provider's word on what was paid, not our own
    // row (unless the plugin declares its provider never gives it).
    log::warn("payment status poll: the provider reports no amount; not applied",
              {{"payment", p.id}, {"provider", p.provider}});
    return "no_amount";
  }
  event.amount = status->amount;
  event.amountNotReported = status->amountNotReported;
  auto outcome = reactor_.apply(event, "poll:" + p.provider, p.provider);
  if (!outcome.ok()) return "error";
  return outcome->outcome;
}

sdk::Result<OrderView> OrderService::refreshPayment(const std::string &id) {
  std::optional<Payment> latest;
  {
    auto lease = db_.lease();
    if (!storage::OrderRepository(db_).find(**lease, id)) return sdk::notFound("order " + id + " does not exist");
    latest = storage::PaymentRepository(db_).latest(**lease, id);
  }
  if (!latest) return sdk::conflict("order " + id + " has no payment to confirm");
  if (latest->status == PaymentStatus::pending) {
    const std::string outcome = askProvider(*latest);
    if (outcome == "provider_error") return sdk::unavailable("the payment provider did not answer; try again");
  }
  return view(id);
}

} // namespace orders::host::core
