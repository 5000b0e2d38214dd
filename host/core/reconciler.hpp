// Carries out plugin side effects that a committed DB decision asked for.
//
// The core never calls a plugin inside a DB transaction. Instead the
// transaction that decides (an order became paid, was cancelled...) also
// marks the rows whose provider state must follow: reservations
// commit_pending / release_pending, shipments confirm_pending /
// cancel_pending, payments refund_pending / void_pending. The reconciler
// then calls the plugins (right after the commit, and again on a timer for
// anything a crash or an outage left behind) and records the outcome.
// Plugin calls are idempotent, so at-least-once is safe.
//
// Thread-safety: safe to run concurrently; each row is updated by id.
#pragma once

#include <string>

#include "core/core_plugins.hpp"
#include "core/order.hpp"
#include "storage/database.hpp"

namespace orders::host::core {

class Reconciler {
public:
  Reconciler(storage::Database &db, const CorePlugins &plugins) : db_(db), plugins_(plugins) {}

  // Pending work of one order (after the commit that created it).
  void runForOrder(const std::string &order_id);
  // Pending reservations of one checkout (compensation of a failed checkout).
  void runForCheckout(const std::string &checkout_id);
  // Every pending row, oldest first; returns how many were settled.
  int sweep(int limit = 200);

private:
  bool settleReservation(const Reservation &r);
  bool settleShipment(const Shipment &s);
  bool settlePayment(const Payment &p);

  storage::Database &db_;
  const CorePlugins &plugins_;
};

} // namespace orders::host::core
