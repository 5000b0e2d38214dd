// The statuses of the rows that track side effects at neighbours (payment
// attempts, shipments, stock reservations) and the one table of moves
// between them, like OrderStatus (domain/order_status.hpp).
//
// A status is either where the neighbour is (captured, confirmed, held...),
// where the reconciler must bring it (*_pending, after a database decision),
// or where a human must look (*_failed, restock_manual). Moves the
// neighbour reports (a capture, a refund, a tracking update) are allowed
// from wherever the row is: the provider's word about money and parcels
// wins over our bookkeeping. Every write of a status goes through the
// storage repositories, which refuse a move the table does not list
// (core::TransitionError). A row may always be rewritten in the status it
// has (a reference or a tracking number learned).
#pragma once

#include <optional>
#include <string_view>

namespace orders::host::core {

enum class PaymentStatus {
  creating,       // asked the provider; its answer not recorded yet
  pending,        // the provider waits for the buyer
  captured,       // paid
  failed,         // the provider refused or the buyer gave up
  expired,        // the provider's offer lapsed
  cancelled,      // voided at the provider
  refunded,       // money returned
  void_pending,   // to be voided by the reconciler
  refund_pending, // to be refunded by the reconciler
  void_failed,    // the provider refused the void: a human looks
  refund_failed,  // the provider refused the refund: a human looks
};

enum class ShipmentStatus {
  creating,        // asked the provider; its answer not recorded yet
  draft,           // exists at the provider, not yet released for pickup
  confirm_pending, // to be confirmed by the reconciler (the order is paid)
  confirmed,       // released for pickup
  confirm_failed,  // the provider refused the confirm: a human looks
  shipped,         // on its way (tracking)
  delivered,       // arrived (tracking)
  cancel_pending,  // to be cancelled by the reconciler
  cancelled,       // cancelled at the provider
  cancel_failed,   // the provider refused the cancel: a human looks
};

enum class ReservationStatus {
  reserving,       // asked the inventory; its answer not recorded yet
  held,            // stock held for the order
  commit_pending,  // to be committed by the reconciler (the order is paid)
  committed,       // stock consumed
  commit_failed,   // the inventory refused the commit: a human looks
  release_pending, // to be released by the reconciler
  released,        // stock back on sale (or never held)
  release_failed,  // cannot be released (refused, or no release path): a human looks
  restock_pending, // committed units to be returned by the reconciler
  restocked,       // committed units back on sale
  restock_manual,  // the inventory cannot take them back: flagged for a human
};

const char *statusName(PaymentStatus status);
const char *statusName(ShipmentStatus status);
const char *statusName(ReservationStatus status);
std::optional<PaymentStatus> paymentStatusFromName(std::string_view name);
std::optional<ShipmentStatus> shipmentStatusFromName(std::string_view name);
std::optional<ReservationStatus> reservationStatusFromName(std::string_view name);

// The table: true when a row may move from `from` to `to` (always for from == to).
bool canMove(PaymentStatus from, PaymentStatus to);
bool canMove(ShipmentStatus from, ShipmentStatus to);
bool canMove(ReservationStatus from, ReservationStatus to);

// Rows the reconciler works on (the *_pending statuses).
bool reconcilable(PaymentStatus status);
bool reconcilable(ShipmentStatus status);
bool reconcilable(ReservationStatus status);

} // namespace orders::host::core
