#include "core/reconciler.hpp"

#include "core/order.hpp"
#include "log/logger.hpp"
#include "orders/sdk/json.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

namespace {
sdk::ReservationRef refOf(const Reservation &r) {
  sdk::ReservationRef ref;
  ref.reservationId = r.reservation_id.value_or("");
  ref.reference = r.order_id.value_or(r.checkout_id);
  ref.lines = sdk::fromJsonOrThrow<std::vector<sdk::StockLine>>(r.lines);
  return ref;
}

void warn(const std::string &what, const std::string &id, const sdk::Error &e) {
  log::warn(what, {{"id", id}, {"code", sdk::errorCodeName(e.code)}, {"error", e.message}});
}
} // namespace

bool Reconciler::settleReservation(const Reservation &r) {
  plugins::PluginInstance *p = plugins_.inventoryById(r.provider);
  if (p == nullptr) {
    log::error("reservation names an inventory instance that is not configured",
               {{"id", r.id}, {"provider", r.provider}});
    return false;
  }
  storage::ReservationRepository repo(db_);
  const bool commit = r.status == "commit_pending";
  auto result = commit ? commitStock(*p, refOf(r)) : releaseStock(*p, refOf(r));
  std::string next;
  if (result.ok())
    next = commit ? "committed" : "released";
  else if (!result.error().retryable && result.error().code == sdk::ErrorCode::conflict)
    next = commit ? "commit_failed" : "release_failed"; // needs a human: logged below
  else {
    warn(commit ? "stock commit failed; will retry" : "stock release failed; will retry", r.id, result.error());
    return false;
  }
  if (!result.ok()) log::error("reservation cannot be settled", {{"id", r.id}, {"error", result.error().message}});
  db_.transaction([&](Poco::Data::Session &s) { repo.setStatus(s, r.id, next); });
  return true;
}

bool Reconciler::settleShipment(const Shipment &sh) {
  plugins::PluginInstance *p = plugins_.shippingById(sh.provider);
  storage::ShipmentRepository repo(db_);
  Shipment next = sh;
  const bool confirm = sh.status == "confirm_pending";
  if (p == nullptr || !sh.reference) {
    next.status = confirm ? "confirmed" : "cancelled"; // nothing exists at a provider to move
  } else {
    sdk::ShipmentRef ref{*sh.reference, sh.order_id, std::nullopt, sh.seller_id, std::nullopt, {}};
    {
      storage::OrderRepository orders(db_);
      auto lease = db_.lease();
      if (auto o = orders.find(**lease, sh.order_id)) {
        ref.orderNumber = o->order_number;
        if (o->shipping_address.isObject()) ref.address = sdk::fromJsonOrThrow<sdk::Address>(o->shipping_address);
        for (const sdk::LineItem &li : lineItemsOf(*o))
          if (li.sellerId == sh.seller_id) ref.lines.push_back(li);
      }
    }
    auto result = confirm ? confirmShipment(*p, ref) : cancelShipment(*p, ref);
    if (!result.ok()) {
      warn(confirm ? "shipment confirm failed; will retry" : "shipment cancel failed; will retry", sh.id,
           result.error());
      if (result.error().retryable) return false;
      next.status = confirm ? "confirm_failed" : "cancel_failed";
    } else {
      next.status = confirm ? "confirmed" : "cancelled";
      if (result->carrier) next.carrier = result->carrier;
      if (result->trackingNumber) next.tracking_number = result->trackingNumber;
    }
  }
  db_.transaction([&](Poco::Data::Session &s) { repo.update(s, next); });
  return true;
}

bool Reconciler::settlePayment(const Payment &pay) {
  plugins::PluginInstance *p = plugins_.paymentById(pay.provider);
  storage::PaymentRepository repo(db_);
  Payment next = pay;
  const bool refund = pay.status == "refund_pending";
  if (p == nullptr || !pay.reference) {
    next.status = refund ? "refund_failed" : "cancelled";
    if (refund) log::error("cannot refund: payment has no provider reference", {{"payment", pay.id}});
  } else if (refund) {
    sdk::RefundRequest req;
    req.reference = *pay.reference;
    req.orderId = pay.order_id;
    req.amount = sdk::Money{pay.amount_minor, pay.currency};
    req.idempotencyKey = "refund:" + pay.id;
    auto result = refundPayment(*p, req);
    if (!result.ok()) {
      warn("refund failed; will retry", pay.id, result.error());
      if (result.error().retryable) return false;
      next.status = "refund_failed";
    } else {
      next.status = "refunded";
    }
  } else {
    auto result = cancelPayment(*p, sdk::PaymentRef{*pay.reference, pay.order_id});
    if (!result.ok()) {
      warn("payment void failed; will retry", pay.id, result.error());
      if (result.error().retryable) return false;
      next.status = "void_failed";
    } else {
      next.status = "cancelled";
    }
  }
  db_.transaction([&](Poco::Data::Session &s) { repo.update(s, next); });
  return true;
}

void Reconciler::runForOrder(const std::string &order_id) {
  std::vector<Reservation> reservations;
  std::vector<Shipment> shipments;
  std::vector<Payment> payments;
  {
    auto lease = db_.lease();
    storage::ReservationRepository rr(db_);
    for (auto &r : rr.forOrder(**lease, order_id))
      if (r.status == "commit_pending" || r.status == "release_pending") reservations.push_back(r);
    storage::ShipmentRepository sr(db_);
    for (auto &s : sr.forOrder(**lease, order_id))
      if (s.status == "confirm_pending" || s.status == "cancel_pending") shipments.push_back(s);
    storage::PaymentRepository pr(db_);
    for (auto &p : pr.forOrder(**lease, order_id))
      if (p.status == "refund_pending" || p.status == "void_pending") payments.push_back(p);
  }
  for (const auto &r : reservations)
    settleReservation(r);
  for (const auto &s : shipments)
    settleShipment(s);
  for (const auto &p : payments)
    settlePayment(p);
}

void Reconciler::runForCheckout(const std::string &checkout_id) {
  std::vector<Reservation> reservations;
  {
    auto lease = db_.lease();
    for (auto &r : storage::ReservationRepository(db_).forCheckout(**lease, checkout_id))
      if (r.status == "commit_pending" || r.status == "release_pending") reservations.push_back(r);
  }
  for (const auto &r : reservations)
    settleReservation(r);
}

int Reconciler::sweep(int limit) {
  std::vector<Reservation> reservations;
  std::vector<Shipment> shipments;
  std::vector<Payment> payments;
  {
    auto lease = db_.lease();
    reservations = storage::ReservationRepository(db_).pending(**lease, limit);
    shipments = storage::ShipmentRepository(db_).pending(**lease, limit);
    payments = storage::PaymentRepository(db_).pending(**lease, limit);
  }
  int settled = 0;
  for (const auto &r : reservations)
    settled += settleReservation(r) ? 1 : 0;
  for (const auto &s : shipments)
    settled += settleShipment(s) ? 1 : 0;
  for (const auto &p : payments)
    settled += settlePayment(p) ? 1 : 0;
  return settled;
}

} // namespace orders::host::core
