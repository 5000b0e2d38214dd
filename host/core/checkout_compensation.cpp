// CheckoutService::compensate and the recovery sweep: undo a checkout that
// failed or whose process died, using the intents recorded before each
// plugin call. Providers are asked again with the same idempotency key when
// the outcome of a call is unknown ("reserving", "creating"), so what they
// hold is found and released rather than guessed.
#include "core/checkout_service.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/host_services.hpp"
#include "storage/checkout_repository.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

// compensate() in steps: ask again about reservations whose reserve()
// outcome is unknown; per order, ask again about payments and shipments
// whose creation outcome is unknown, then decide the order's end in one
// transaction; release what is still held and finish the checkout; settle.
bool CheckoutService::compensate(const std::string &checkout_id, const std::string &reason) {
  // Undoing runs on each call's own timeout, whatever spent the checkout's
  // budget or made its client leave.
  plugins::CallBudget::Detached detached;
  trace::Span span("checkout.compensate");
  if (span.active()) span.set("checkout.reason", reason);
  std::vector<Reservation> held;
  std::vector<Order> created;
  {
    // Read locked: a transaction still committing this checkout's completion
    // (its COMMIT sent, its connection lost before the reply) holds the row,
    // and the lock waits for it to settle, so a completion is seen.
    std::optional<storage::CheckoutRecord> record;
    db_.transaction(
        [&](Poco::Data::Session &s) { record = storage::CheckoutRepository(db_).find(s, checkout_id, true); });
    if (record && record->status == "completed") return false;
    if (record && record->status != "running") return true; // already compensated
    auto lease = db_.lease();
    held = storage::ReservationRepository(db_).forCheckout(**lease, checkout_id);
    created = storage::OrderRepository(db_).findByCheckout(**lease, checkout_id);
  }
  for (Reservation &r : held)
    if (r.status == ReservationStatus::reserving) reaskReservation(checkout_id, r);
  for (const Order &o : created) {
    reaskCreations(o);
    cancelCreated(o, reason);
  }
  bool finished = false;
  db_.transaction([&](Poco::Data::Session &s) {
    storage::ReservationRepository reservations(db_);
    for (const Reservation &r : reservations.forCheckout(s, checkout_id))
      if (r.status == ReservationStatus::held || r.status == ReservationStatus::commit_pending)
        reservations.setStatus(s, r.id, r.status, ReservationStatus::release_pending);
    finished = storage::CheckoutRepository(db_).finish(s, checkout_id, "compensated", reason);
  });
  if (!finished) { // finished meanwhile: by recovery (compensated), or by a completion that arrived late
    std::optional<storage::CheckoutRecord> now;
    {
      auto lease = db_.lease();
      now = storage::CheckoutRepository(db_).find(**lease, checkout_id);
    }
    if (now && now->status == "completed") {
      log::error("checkout completed while it was being compensated; its orders were cancelled",
                 {{"checkout", checkout_id}, {"reason", reason}});
      return false;
    }
  }
  // Settle what is pending now: per order, then the checkout's own rows.
  for (const Order &o : created)
    reconciler_.runForOrder(o.id);
  reconciler_.runForCheckout(checkout_id);
  if (!finished) return true; // another compensation finished it (and counted it)
  counters_.compensated.fetch_add(1, std::memory_order_relaxed);
  log::warn("checkout compensated", {{"checkout", checkout_id}, {"reason", reason}});
  return true;
}

void CheckoutService::reaskReservation(const std::string &checkout_id, Reservation &r) {
  storage::ReservationRepository reservations(db_);
  plugins::PluginInstance *p = plugins_.inventoryById(r.provider);
  ReservationStatus next = ReservationStatus::released;
  if (p != nullptr) {
    sdk::ReserveRequest req{r.order_id.value_or(checkout_id), r.idempotency_key, options_.reservation_ttl_seconds,
                            sdk::fromJsonOrThrow<std::vector<sdk::StockLine>>(r.lines)};
    auto again = reserve(*p, req);
    if (!again.ok())
      next = ReservationStatus::release_pending; // try again later (reservationId still unknown)
    else if (again->reserved && again->reservationId) {
      db_.transaction([&](Poco::Data::Session &s) {
        reservations.setProviderId(s, r.id, *again->reservationId, again->expiresAt);
      });
      next = ReservationStatus::release_pending;
    }
  }
  db_.transaction([&](Poco::Data::Session &s) { reservations.setStatus(s, r.id, r.status, next); });
  r.status = next;
}

void CheckoutService::reaskCreations(const Order &o) {
  storage::PaymentRepository payments(db_);
  storage::ShipmentRepository shipments(db_);
  std::vector<Payment> order_payments;
  std::vector<Shipment> order_shipments;
  {
    auto lease = db_.lease();
    order_payments = payments.forOrder(**lease, o.id);
    order_shipments = shipments.forOrder(**lease, o.id);
  }
  for (Payment &p : order_payments) {
    if (p.status != PaymentStatus::creating) continue;
    plugins::PluginInstance *provider = plugins_.paymentById(p.provider);
    if (provider == nullptr) continue;
    auto again = createPayment(*provider, paymentRequestOf(o, p));
    if (!again.ok()) {
      // The provider cannot say whether a payment exists for this key: the
      // row becomes void_pending without a reference (cancelCreated), and
      // the reconciler asks again with the same key until it can void it.
      log::warn("payment of a failed checkout could not be confirmed at the provider; will ask again",
                {{"payment", p.id}, {"error", again.error().message}});
      continue;
    }
    p.reference = again->reference;
    p.status =
        again->status == sdk::wireName(sdk::PaymentStatus::captured) ? PaymentStatus::captured : PaymentStatus::pending;
    db_.transaction([&](Poco::Data::Session &s) { payments.updateIf(s, p, PaymentStatus::creating); });
  }
  for (Shipment &sh : order_shipments) {
    if (sh.status != ShipmentStatus::creating) continue;
    plugins::PluginInstance *provider = plugins_.shippingById(sh.provider);
    if (provider == nullptr) continue;
    auto again = createShipment(*provider, shipmentRequestOf(o, sh.seller_id));
    if (!again.ok()) {
      // Unknown at the provider: cancel_pending without a reference; the
      // reconciler asks again with the same key, then cancels.
      log::warn("shipment of a failed checkout could not be confirmed at the provider; will ask again",
                {{"shipment", sh.id}, {"error", again.error().message}});
      continue;
    }
    sh.reference = again->reference;
    sh.status = ShipmentStatus::draft;
    db_.transaction([&](Poco::Data::Session &s) { shipments.updateIf(s, sh, ShipmentStatus::creating); });
  }
}

void CheckoutService::cancelCreated(const Order &o, const std::string &reason) {
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::ShipmentRepository shipments(db_);
  // One transaction decides the order's end and marks what must follow.
  db_.transaction([&](Poco::Data::Session &s) {
    auto locked = orders.find(s, o.id, true);
    if (locked && canTransition(locked->status, OrderStatus::cancelled))
      orders.transition(s, *locked, OrderStatus::cancelled, "system", "checkout failed: " + reason);
    for (Payment &p : payments.forOrder(s, o.id)) {
      const PaymentStatus was = p.status;
      if (was == PaymentStatus::pending ||
          was == PaymentStatus::creating) // creating: unknown at the provider, asked again
        p.status = PaymentStatus::void_pending;
      else if (was == PaymentStatus::captured)
        p.status = PaymentStatus::refund_pending;
      else
        continue;
      payments.update(s, p, was);
    }
    for (Shipment sh : shipments.forOrder(s, o.id)) {
      const ShipmentStatus was = sh.status;
      if (was == ShipmentStatus::draft || was == ShipmentStatus::confirmed || was == ShipmentStatus::confirm_pending ||
          was == ShipmentStatus::creating) {
        sh.status = ShipmentStatus::cancel_pending;
        shipments.update(s, sh, was);
      }
    }
  });
}

int CheckoutService::recoverStale() {
  storage::CheckoutRepository checkouts(db_);
  std::vector<storage::CheckoutRecord> stale;
  const int64_t now = nowMs();
  db_.transaction([&](Poco::Data::Session &s) { stale = checkouts.claimStale(s, now, now + options_.lease_ms, 50); });
  for (const auto &c : stale) {
    log::warn("recovering an abandoned checkout", {{"checkout", c.id}});
    try {
      compensate(c.id, "abandoned: its process stopped before completing");
    } catch (const std::exception &e) {
      log::error("checkout recovery failed; will retry", {{"checkout", c.id}, {"error", e.what()}});
    }
  }
  return static_cast<int>(stale.size());
}

} // namespace orders::host::core
