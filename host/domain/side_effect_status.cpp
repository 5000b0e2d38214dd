#include "domain/side_effect_status.hpp"

#include <array>
#include <utility>
#include <vector>

namespace orders::host::core {

namespace {

// One table per row kind: for each status, where it may go.
template <class S> struct Moves {
  S from;
  std::vector<S> to;
};

template <class S, size_t N> bool listed(const std::array<Moves<S>, N> &table, S from, S to) {
  if (from == to) return true;
  for (const Moves<S> &m : table)
    if (m.from == from)
      for (S s : m.to)
        if (s == to) return true;
  return false;
}

using P = PaymentStatus;
using Sh = ShipmentStatus;
using R = ReservationStatus;

// A capture or a refund the provider reports is taken from wherever the row
// is; our own decisions (void, refund) start from the states they name.
const std::array<Moves<P>, 11> kPayments{{
    // cancelled: the provider refused to create it (nothing exists there).
    {P::creating, {P::pending, P::captured, P::failed, P::cancelled, P::void_pending, P::refund_pending, P::refunded}},
    {P::pending, {P::captured, P::failed, P::expired, P::void_pending, P::refund_pending, P::refunded}},
    {P::captured, {P::refund_pending, P::refunded}},
    {P::failed, {P::captured, P::refund_pending, P::refunded}},
    {P::expired, {P::captured, P::refund_pending, P::refunded}},
    {P::cancelled, {P::captured, P::refund_pending, P::refunded}},
    {P::void_pending, {P::cancelled, P::void_failed, P::captured, P::refund_pending, P::refunded}},
    {P::void_failed, {P::captured, P::refund_pending, P::refunded}},
    {P::refund_pending, {P::refunded, P::refund_failed}},
    {P::refund_failed, {P::refund_pending, P::refunded}},
    {P::refunded, {}},
}};

// Tracking (shipped, delivered) is taken from any state but delivered.
const std::array<Moves<Sh>, 10> kShipments{{
    {Sh::creating, {Sh::draft, Sh::confirm_pending, Sh::cancel_pending, Sh::shipped, Sh::delivered}},
    {Sh::draft, {Sh::confirm_pending, Sh::cancel_pending, Sh::shipped, Sh::delivered}},
    {Sh::confirm_pending,
     {Sh::confirmed, Sh::draft, Sh::confirm_failed, Sh::cancel_pending, Sh::shipped, Sh::delivered}},
    {Sh::confirmed, {Sh::cancel_pending, Sh::shipped, Sh::delivered}},
    {Sh::confirm_failed, {Sh::confirm_pending, Sh::cancel_pending, Sh::shipped, Sh::delivered}},
    {Sh::shipped, {Sh::delivered}},
    {Sh::delivered, {}},
    {Sh::cancel_pending, {Sh::cancelled, Sh::cancel_failed, Sh::shipped, Sh::delivered}},
    {Sh::cancelled, {Sh::shipped, Sh::delivered}},
    {Sh::cancel_failed, {Sh::cancel_pending, Sh::shipped, Sh::delivered}},
}};

const std::array<Moves<R>, 11> kReservations{{
    {R::reserving, {R::held, R::released, R::release_pending}},
    {R::held, {R::commit_pending, R::release_pending, R::released}},
    {R::commit_pending, {R::committed, R::commit_failed, R::release_pending}},
    {R::committed, {R::restock_pending}},
    {R::commit_failed, {}},
    // A commit that overtook the release consumed the units: they come back by restock.
    {R::release_pending, {R::released, R::release_failed, R::restock_pending}},
    {R::released, {}},
    {R::release_failed, {}},
    {R::restock_pending, {R::restocked, R::restock_manual}},
    {R::restocked, {}},
    {R::restock_manual, {}},
}};

template <class S, size_t N> std::optional<S> fromName(const std::array<Moves<S>, N> &table, std::string_view name) {
  for (const Moves<S> &m : table)
    if (name == statusName(m.from)) return m.from;
  return std::nullopt;
}

} // namespace

const char *statusName(PaymentStatus s) {
  switch (s) {
  case P::creating: return "creating";
  case P::pending: return "pending";
  case P::captured: return "captured";
  case P::failed: return "failed";
  case P::expired: return "expired";
  case P::cancelled: return "cancelled";
  case P::refunded: return "refunded";
  case P::void_pending: return "void_pending";
  case P::refund_pending: return "refund_pending";
  case P::void_failed: return "void_failed";
  case P::refund_failed: return "refund_failed";
  }
  return "creating";
}

const char *statusName(ShipmentStatus s) {
  switch (s) {
  case Sh::creating: return "creating";
  case Sh::draft: return "draft";
  case Sh::confirm_pending: return "confirm_pending";
  case Sh::confirmed: return "confirmed";
  case Sh::confirm_failed: return "confirm_failed";
  case Sh::shipped: return "shipped";
  case Sh::delivered: return "delivered";
  case Sh::cancel_pending: return "cancel_pending";
  case Sh::cancelled: return "cancelled";
  case Sh::cancel_failed: return "cancel_failed";
  }
  return "creating";
}

const char *statusName(ReservationStatus s) {
  switch (s) {
  case R::reserving: return "reserving";
  case R::held: return "held";
  case R::commit_pending: return "commit_pending";
  case R::committed: return "committed";
  case R::commit_failed: return "commit_failed";
  case R::release_pending: return "release_pending";
  case R::released: return "released";
  case R::release_failed: return "release_failed";
  case R::restock_pending: return "restock_pending";
  case R::restocked: return "restocked";
  case R::restock_manual: return "restock_manual";
  }
  return "reserving";
}

std::optional<PaymentStatus> paymentStatusFromName(std::string_view name) { return fromName(kPayments, name); }
std::optional<ShipmentStatus> shipmentStatusFromName(std::string_view name) { return fromName(kShipments, name); }
std::optional<ReservationStatus> reservationStatusFromName(std::string_view name) {
  return fromName(kReservations, name);
}

bool canMove(PaymentStatus from, PaymentStatus to) { return listed(kPayments, from, to); }
bool canMove(ShipmentStatus from, ShipmentStatus to) { return listed(kShipments, from, to); }
bool canMove(ReservationStatus from, ReservationStatus to) { return listed(kReservations, from, to); }

bool reconcilable(PaymentStatus s) { return s == P::void_pending || s == P::refund_pending; }
bool reconcilable(ShipmentStatus s) { return s == Sh::confirm_pending || s == Sh::cancel_pending; }
bool reconcilable(ReservationStatus s) {
  return s == R::commit_pending || s == R::release_pending || s == R::restock_pending;
}

} // namespace orders::host::core
