#include "core/reconciler.hpp"

#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "domain/order.hpp"
#include "log/logger.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/json.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"
#include "storage/side_effect_claims.hpp"

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

storage::ClaimTable tableOf(int kind) {
  switch (kind) {
  case 0: return storage::kReservationClaims;
  case 1: return storage::kShipmentClaims;
  default: return storage::kPaymentClaims;
  }
}

Reconciler::Decision retry() { return Reconciler::Decision{true, {}}; }

std::string describe(const std::exception &e) {
  auto *poco = dynamic_cast<const Poco::Exception *>(&e);
  return poco != nullptr ? poco->displayText() : e.what();
}
} // namespace

int64_t Reconciler::backoffMs(int failures) {
  return std::min<int64_t>(300000, int64_t(1000) << std::min(std::max(failures, 0), 9));
}

Reconciler::Decision Reconciler::decideReservation(const Reservation &r) {
  plugins::PluginInstance *p = plugins_.inventoryById(r.provider);
  if (p == nullptr) {
    log::error("reservation names an inventory instance that is not configured",
               {{"id", r.id}, {"provider", r.provider}});
    return retry();
  }
  if (r.status == ReservationStatus::restock_pending) return decideRestock(*p, r);
  const bool commit = r.status == ReservationStatus::commit_pending;
  const ReservationStatus expected = r.status;
  auto write = [this, id = r.id, expected](ReservationStatus next) {
    return Decision{false, [this, id, expected, next](Poco::Data::Session &s) {
                      return storage::ReservationRepository(db_).setStatusIf(s, id, expected, next);
                    }};
  };
  if (!commit && !inventoryCanRelease(*p)) {
    // Recording `released` would be a lie: the provider keeps the units
    // until its own hold lapses. A human (or the hold's expiry) settles it.
    log::error("cannot release stock: the inventory provider declares no release",
               {{"id", r.id}, {"provider", r.provider}});
    return write(ReservationStatus::release_failed);
  }
  auto result = commit ? commitStock(*p, refOf(r)) : releaseStock(*p, refOf(r));
  if (result.ok() && commit)
    // A cancel may have overtaken the commit in flight (commit_pending ->
    // release_pending): the units are consumed now, so they must come back.
    return Decision{false, [this, id = r.id](Poco::Data::Session &s) {
                      storage::ReservationRepository repo(db_);
                      return repo.setStatusIf(s, id, ReservationStatus::commit_pending, ReservationStatus::committed) ||
                             repo.setStatusIf(s, id, ReservationStatus::release_pending,
                                              ReservationStatus::restock_pending);
                    }};
  if (result.ok()) return write(ReservationStatus::released);
  if (result.error().retryable) {
    warn(commit ? "stock commit failed; will retry" : "stock release failed; will retry", r.id, result.error());
    return retry();
  }
  log::error("reservation cannot be settled; needs a human", {{"id", r.id}, {"error", result.error().message}});
  return write(commit ? ReservationStatus::commit_failed : ReservationStatus::release_failed);
}

Reconciler::Decision Reconciler::decideRestock(plugins::PluginInstance &p, const Reservation &r) {
  // Flags the order for a manual restock: the provider cannot take the
  // units back itself (no capability, or it said so).
  auto manual = [this, r](const std::string &why) {
    log::error("stock of a cancelled or refunded order needs a manual restock",
               {{"reservation", r.id}, {"order", r.order_id.value_or("")}, {"why", why}});
    return Decision{
        false, [this, r](Poco::Data::Session &s) {
          storage::ReservationRepository repo(db_);
          if (!repo.setStatusIf(s, r.id, ReservationStatus::restock_pending, ReservationStatus::restock_manual))
            return false;
          storage::OrderRepository orders(db_);
          if (r.order_id)
            if (auto o = orders.find(s, *r.order_id, true)) orders.appendEvent(s, "order.restock_required", *o);
          return true;
        }};
  };
  if (!inventoryCanRestock(p))
    return manual("the inventory provider declares no restock (ORDERS_INVENTORY_CAN_RESTOCK)");
  sdk::RestockRequest req;
  req.reservationId = r.reservation_id.value_or("");
  req.reference = r.order_id.value_or(r.checkout_id);
  req.idempotencyKey = "restock:" + r.id;
  req.lines = sdk::fromJsonOrThrow<std::vector<sdk::StockLine>>(r.lines);
  auto result = restockStock(p, req);
  if (result.ok())
    return Decision{false, [this, id = r.id](Poco::Data::Session &s) {
                      return storage::ReservationRepository(db_).setStatusIf(s, id, ReservationStatus::restock_pending,
                                                                             ReservationStatus::restocked);
                    }};
  if (result.error().retryable) {
    warn("restock failed; will retry", r.id, result.error());
    return retry();
  }
  return manual(result.error().message);
}

Reconciler::Decision Reconciler::decideShipment(const Shipment &sh) {
  plugins::PluginInstance *p = plugins_.shippingById(sh.provider);
  Shipment next = sh;
  const bool confirm = sh.status == ShipmentStatus::confirm_pending;
  auto write = [this](Shipment row, ShipmentStatus expected) {
    return Decision{false, [this, row, expected](Poco::Data::Session &s) {
                      return storage::ShipmentRepository(db_).updateIf(s, row, expected);
                    }};
  };
  std::optional<Order> order;
  {
    auto lease = db_.lease();
    order = storage::OrderRepository(db_).find(**lease, sh.order_id);
  }
  if (p != nullptr && !sh.reference && !confirm && order) {
    // Its creation's outcome was never learned (compensation could not ask):
    // ask again with the same key, so what exists is found and cancelled.
    auto again = createShipment(*p, shipmentRequestOf(*order, sh.seller_id));
    if (!again.ok() && again.error().retryable) {
      warn("shipment to cancel could not be looked up", sh.id, again.error());
      return retry();
    }
    if (again.ok()) next.reference = again->reference;
  }
  if (p == nullptr || !next.reference) {
    next.status =
        confirm ? ShipmentStatus::confirmed : ShipmentStatus::cancelled; // nothing exists at a provider to move
    return write(next, sh.status);
  }
  sdk::ShipmentRef ref{*next.reference, sh.order_id, std::nullopt, sh.seller_id, std::nullopt, {}};
  if (order) {
    ref.orderNumber = order->order_number;
    if (order->shipping_address.isObject()) ref.address = sdk::fromJsonOrThrow<sdk::Address>(order->shipping_address);
    for (const sdk::LineItem &li : lineItemsOf(*order))
      if (li.sellerId == sh.seller_id) ref.lines.push_back(li);
  }
  auto result = confirm ? confirmShipment(*p, ref) : cancelShipment(*p, ref);
  if (!result.ok()) {
    warn(confirm ? "shipment confirm failed" : "shipment cancel failed", sh.id, result.error());
    if (result.error().retryable) return retry();
    next.status = confirm ? ShipmentStatus::confirm_failed : ShipmentStatus::cancel_failed;
    return write(next, sh.status);
  }
  // What the provider says it did, not what was asked: a service without a
  // confirm (or cancel) path answers the shipment unchanged ("draft").
  const std::string &reported = result->status;
  if (confirm)
    next.status = reported == sdk::wireName(sdk::ShipmentStatus::draft)       ? ShipmentStatus::draft
                  : reported == sdk::wireName(sdk::ShipmentStatus::shipped)   ? ShipmentStatus::shipped
                  : reported == sdk::wireName(sdk::ShipmentStatus::delivered) ? ShipmentStatus::delivered
                                                                              : ShipmentStatus::confirmed;
  else
    next.status = reported == sdk::wireName(sdk::ShipmentStatus::cancelled) || reported.empty()
                      ? ShipmentStatus::cancelled
                      : ShipmentStatus::cancel_failed;
  if (next.status == ShipmentStatus::draft || next.status == ShipmentStatus::cancel_failed)
    log::warn("shipping provider did not do what was asked; recorded as it reported",
              {{"id", sh.id}, {"asked", confirm ? "confirm" : "cancel"}, {"reported", reported}});
  if (result->carrier) next.carrier = result->carrier;
  if (result->trackingNumber) next.tracking_number = result->trackingNumber;
  return write(next, sh.status);
}

Reconciler::Decision Reconciler::decidePayment(const Payment &pay) {
  plugins::PluginInstance *p = plugins_.paymentById(pay.provider);
  Payment next = pay;
  const bool refund = pay.status == PaymentStatus::refund_pending;
  auto write = [this](Payment row, PaymentStatus expected) {
    return Decision{false, [this, row, expected](Poco::Data::Session &s) {
                      return storage::PaymentRepository(db_).updateIf(s, row, expected);
                    }};
  };
  if (p != nullptr && !pay.reference && !refund) {
    // Its creation's outcome was never learned (compensation could not ask):
    // ask again with the same key, then void what it names.
    std::optional<Order> order;
    {
      auto lease = db_.lease();
      order = storage::OrderRepository(db_).find(**lease, pay.order_id);
    }
    if (!order) return retry(); // cannot rebuild the request yet
    auto again = createPayment(*p, paymentRequestOf(*order, pay));
    if (!again.ok() && again.error().retryable) {
      warn("payment to void could not be looked up", pay.id, again.error());
      return retry();
    }
    if (again.ok()) {
      next.reference = again->reference;
      if (again->status == sdk::wireName(sdk::PaymentStatus::captured)) {
        next.status = PaymentStatus::refund_pending; // paid meanwhile: give it back
        return write(next, pay.status);
      }
    }
  }
  if (p == nullptr || !next.reference) {
    next.status = refund ? PaymentStatus::refund_failed : PaymentStatus::cancelled;
    if (refund) log::error("cannot refund: payment has no provider reference", {{"payment", pay.id}});
    return write(next, pay.status);
  }
  if (refund) {
    sdk::RefundRequest req;
    req.reference = *next.reference;
    req.orderId = pay.order_id;
    req.amount = sdk::Money{pay.amount_minor, pay.currency};
    req.idempotencyKey = "refund:" + pay.id;
    auto result = refundPayment(*p, req);
    if (!result.ok()) {
      warn("refund failed", pay.id, result.error());
      if (result.error().retryable) return retry();
      next.status = PaymentStatus::refund_failed;
    } else if (result->status == sdk::wireName(sdk::PaymentStatus::pending)) {
      // Accepted, not done: ask again (same idempotency key) after a backoff
      // until the provider says it went through.
      log::info("refund accepted by the provider, not yet done; will ask again", {{"payment", pay.id}});
      return retry();
    } else {
      next.status = PaymentStatus::refunded;
    }
    return write(next, pay.status);
  }
  auto result = cancelPayment(*p, sdk::PaymentRef{*next.reference, pay.order_id});
  if (!result.ok()) {
    warn("payment void failed", pay.id, result.error());
    if (result.error().retryable) return retry();
    next.status = PaymentStatus::void_failed;
  } else if (result->status == sdk::wireName(sdk::PaymentStatus::captured)) {
    // Paid before the void reached the provider: the money must go back.
    log::warn("payment was captured before it could be voided; refunding", {{"payment", pay.id}});
    next.status = PaymentStatus::refund_pending;
  } else {
    next.status = PaymentStatus::cancelled;
  }
  return write(next, pay.status);
}

bool Reconciler::settleClaimed(Kind kind, const std::string &id, int failures) {
  storage::SideEffectClaims claims(db_, tableOf(static_cast<int>(kind)));
  // A lost compare-and-set means the row moved while its plugin call ran:
  // decide again on what it says now (bounded; the claim is still ours).
  for (int round = 0; round < 4; ++round) {
    std::optional<std::string> status;
    Decision decision;
    switch (kind) {
    case Kind::reservation: {
      std::optional<Reservation> r;
      {
        auto lease = db_.lease();
        r = storage::ReservationRepository(db_).byId(**lease, id);
      }
      if (r && reconcilable(r->status)) {
        status = statusName(r->status);
        decision = decideReservation(*r);
      }
      break;
    }
    case Kind::shipment: {
      std::optional<Shipment> sh;
      {
        auto lease = db_.lease();
        sh = storage::ShipmentRepository(db_).byId(**lease, id);
      }
      if (sh && reconcilable(sh->status)) {
        status = statusName(sh->status);
        decision = decideShipment(*sh);
      }
      break;
    }
    case Kind::payment: {
      std::optional<Payment> pay;
      {
        auto lease = db_.lease();
        pay = storage::PaymentRepository(db_).byId(**lease, id);
      }
      if (pay && reconcilable(pay->status)) {
        status = statusName(pay->status);
        decision = decidePayment(*pay);
      }
      break;
    }
    }
    if (!status) break; // settled by someone else meanwhile
    bool written = false;
    db_.transaction([&](Poco::Data::Session &s) {
      written = decision.retry ? claims.retryLater(s, id, *status, nowMs() + backoffMs(failures)) : decision.write(s);
    });
    if (written) return !decision.retry;
    log::info("side-effect row moved while its plugin call ran; deciding again", {{"id", id}, {"was", *status}});
  }
  db_.autocommit([&](Poco::Data::Session &s) { claims.release(s, id); });
  return false;
}

void Reconciler::freeUnfreedClaims(Kind kind) {
  std::vector<Unfreed> mine;
  {
    std::lock_guard lock(unfreed_mutex_);
    if (unfreed_.empty()) return;
    auto of_kind =
        std::stable_partition(unfreed_.begin(), unfreed_.end(), [kind](const Unfreed &u) { return u.kind != kind; });
    mine.assign(std::make_move_iterator(of_kind), std::make_move_iterator(unfreed_.end()));
    unfreed_.erase(of_kind, unfreed_.end());
  }
  storage::SideEffectClaims claims(db_, tableOf(static_cast<int>(kind)));
  for (size_t i = 0; i < mine.size(); ++i) {
    try {
      db_.autocommit([&](Poco::Data::Session &s) {
        claims.retryLaterAnyway(s, mine[i].id, nowMs() + backoffMs(mine[i].attempts));
      });
    } catch (const std::exception &) { // still refused: keep this one and the rest for the next sweep
      std::lock_guard lock(unfreed_mutex_);
      unfreed_.insert(unfreed_.end(), std::make_move_iterator(mine.begin() + static_cast<std::ptrdiff_t>(i)),
                      std::make_move_iterator(mine.end()));
      return;
    }
  }
}

int Reconciler::run(Kind kind, int limit, const char *scope_column, const std::string &scope) {
  freeUnfreedClaims(kind);
  storage::SideEffectClaims claims(db_, tableOf(static_cast<int>(kind)));
  std::vector<storage::Claimed> claimed;
  const int64_t now = nowMs();
  db_.transaction(
      [&](Poco::Data::Session &s) { claimed = claims.claim(s, now, now + kClaimLeaseMs, limit, scope_column, scope); });
  int settled = 0;
  for (const auto &c : claimed) {
    // One row never stops the others: whatever it throws, it is freed with a
    // backoff and the pass goes on.
    try {
      settled += settleClaimed(kind, c.id, c.attempts) ? 1 : 0;
    } catch (const std::exception &e) {
      log::error("side-effect row failed; will retry later", {{"id", c.id}, {"error", describe(e)}});
      try {
        db_.autocommit(
            [&](Poco::Data::Session &s) { claims.retryLaterAnyway(s, c.id, nowMs() + backoffMs(c.attempts)); });
      } catch (const std::exception &again) {
        log::error("cannot postpone a failed side-effect row; its claim is freed on a later sweep",
                   {{"id", c.id}, {"error", describe(again)}});
        std::lock_guard lock(unfreed_mutex_);
        unfreed_.push_back(Unfreed{kind, c.id, c.attempts});
      }
    }
  }
  return settled;
}

void Reconciler::runForOrder(const std::string &order_id) {
  // Rows a concurrent sweep claimed a moment before are its to settle; wait
  // for them (briefly), so that the caller's answer shows the settled state
  // whoever settled it. Rows in backoff are not waited for.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kInlineWaitMs);
  for (;;) {
    run(Kind::reservation, 100, "order_id", order_id);
    run(Kind::shipment, 100, "order_id", order_id);
    run(Kind::payment, 100, "order_id", order_id);
    int64_t elsewhere = 0;
    {
      auto lease = db_.lease();
      const int64_t now = nowMs();
      for (int kind :
           {static_cast<int>(Kind::reservation), static_cast<int>(Kind::shipment), static_cast<int>(Kind::payment)})
        elsewhere += storage::SideEffectClaims(db_, tableOf(kind)).claimedElsewhere(**lease, now, "order_id", order_id);
    }
    if (elsewhere == 0 || std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Reconciler::runForCheckout(const std::string &checkout_id) {
  run(Kind::reservation, 100, "checkout_id", checkout_id);
}

int Reconciler::sweep(int limit) {
  return run(Kind::reservation, limit, nullptr, {}) + run(Kind::shipment, limit, nullptr, {}) +
         run(Kind::payment, limit, nullptr, {});
}

} // namespace orders::host::core
