#include "core/payment_reactor.hpp"

#include "log/logger.hpp"
#include "orders/sdk/contract.hpp"
#include "storage/idempotency_repository.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

namespace {

std::optional<std::string> resolveOrderId(storage::Database &db, Poco::Data::Session &s, const sdk::PaymentEvent &e) {
  storage::OrderRepository orders(db);
  if (e.orderId && !e.orderId->empty()) {
    // Digits only: the order's numeric id (ids are UUIDs, numbers ORD-...).
    const std::string &key = *e.orderId;
    if (key.size() <= 18 && key.find_first_not_of("0123456789") == std::string::npos)
      return orders.idBySeq(s, std::stoll(key));
    if (auto id = orders.idByIdOrNumber(s, key)) return id;
  }
  if (e.orderNumber)
    if (auto id = orders.idByNumber(s, *e.orderNumber)) return id;
  if (e.paymentReference) return storage::PaymentRepository(db).orderIdOfReference(s, *e.paymentReference);
  return std::nullopt;
}

// The payment the event is about: the attempt with its reference. A
// reference no attempt has is not guessed (nullopt, `unknown` set); an event
// without a reference is about the latest attempt.
std::optional<Payment> paymentFor(const std::vector<Payment> &all, const sdk::PaymentEvent &e, bool &unknown) {
  unknown = false;
  if (e.paymentReference) {
    for (const auto &p : all)
      if (p.reference == e.paymentReference) return p;
    unknown = true;
    return std::nullopt;
  }
  if (all.empty()) return std::nullopt;
  return all.back();
}

enum class Action { none, pay, fail, refund_flag, refunded };
struct Decision {
  Action action = Action::none;
  std::string outcome = "ignored";
};

bool refundable(const std::optional<Payment> &p) {
  return p && p->status != PaymentStatus::refunded && p->status != PaymentStatus::refund_pending;
}

Decision decidePaid(const Order &order, const std::optional<Payment> &payment, bool amount_ok, bool fits_order) {
  if (!amount_ok) return {refundable(payment) ? Action::refund_flag : Action::none, "amount_mismatch"};
  if (!fits_order) return {refundable(payment) ? Action::refund_flag : Action::none, "stale_amount"};
  if (order.status == OrderStatus::pending || order.status == OrderStatus::awaiting_payment) {
    // An attempt already being refunded (or refunded) does not pay the
    // order: its money is on its way back, and the buyer pays again.
    if (payment && !canMove(payment->status, PaymentStatus::captured)) return {Action::none, "already_refunding"};
    return {Action::pay, "applied"};
  }
  if (order.status == OrderStatus::cancelled || order.status == OrderStatus::payment_failed)
    return {Action::refund_flag, "refund_flagged"};
  if (payment && payment->status != PaymentStatus::captured && refundable(payment))
    return {Action::refund_flag, "refund_flagged"}; // paid twice (another attempt was captured): give this one back
  return {Action::none, "already_paid"};
}

Decision decide(const sdk::PaymentEvent &event, const Order &order, const std::optional<Payment> &payment,
                bool about_latest, bool amount_ok, bool fits_order) {
  if (event.type == sdk::wireName(sdk::PaymentEventType::paid))
    return decidePaid(order, payment, amount_ok, fits_order);
  if (event.type == sdk::wireName(sdk::PaymentEventType::failed) ||
      event.type == sdk::wireName(sdk::PaymentEventType::expired)) {
    // A late failure of an older attempt must not fail the one now pending.
    if ((order.status == OrderStatus::pending || order.status == OrderStatus::awaiting_payment) && about_latest)
      return {Action::fail, "applied"};
    return {};
  }
  if (event.type == sdk::wireName(sdk::PaymentEventType::refunded) &&
      canTransition(order.status, OrderStatus::refunded))
    return {Action::refunded, "applied"};
  return {};
}

} // namespace

void PaymentReactor::perform(Poco::Data::Session &s, int action_value, const sdk::PaymentEvent &event, Order &order,
                             std::optional<Payment> &payment, const std::string &actor) {
  const Action action = static_cast<Action>(action_value);
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::ReservationRepository reservations(db_);
  storage::ShipmentRepository shipments(db_);
  const std::string reason = event.type + " (" + event.source + " " + event.eventId + ")";
  switch (action) {
  case Action::pay: {
    Json::Value paid(Json::objectValue); // which payment paid, for neighbours keyed by it (seed 000)
    if (payment && payment->reference) paid["paymentReference"] = *payment->reference;
    orders.transition(s, order, OrderStatus::paid, actor, reason, paid);
    for (auto &p : payments.forOrder(s, order.id)) {
      const PaymentStatus was = p.status;
      if (payment && p.id == payment->id)
        p.status = PaymentStatus::captured;
      else if (was == PaymentStatus::pending)
        p.status = PaymentStatus::void_pending; // another attempt was paid
      else
        continue;
      payments.update(s, p, was);
    }
    for (auto &r : reservations.forOrder(s, order.id))
      if (r.status == ReservationStatus::held)
        reservations.setStatus(s, r.id, r.status, ReservationStatus::commit_pending);
    for (auto sh : shipments.forOrder(s, order.id))
      if (sh.status == ShipmentStatus::draft) {
        sh.status = ShipmentStatus::confirm_pending;
        shipments.update(s, sh, ShipmentStatus::draft);
      }
    break;
  }
  case Action::fail:
    orders.transition(s, order, OrderStatus::payment_failed, actor, reason);
    if (payment && payment->status == PaymentStatus::pending) {
      payment->status =
          event.type == sdk::wireName(sdk::PaymentEventType::expired) ? PaymentStatus::expired : PaymentStatus::failed;
      payments.update(s, *payment, PaymentStatus::pending);
    }
    for (auto &r : reservations.forOrder(s, order.id))
      if (r.status == ReservationStatus::held)
        reservations.setStatus(s, r.id, r.status, ReservationStatus::release_pending);
    break;
  case Action::refund_flag:
    orders.setRefundRequired(s, order, true);
    if (refundable(payment)) {
      const PaymentStatus was = payment->status;
      payment->status = PaymentStatus::refund_pending;
      payments.update(s, *payment, was);
    }
    orders.appendEvent(s, "order.refund_required", order);
    log::warn("payment arrived that the order cannot take; refunding",
              {{"order", order.id}, {"status", statusName(order.status)}, {"event", event.eventId}});
    break;
  case Action::refunded:
    orders.transition(s, order, OrderStatus::refunded, actor, reason);
    if (payment) {
      const PaymentStatus was = payment->status;
      payment->status = PaymentStatus::refunded;
      payments.update(s, *payment, was);
    }
    for (const auto &r : reservations.forOrder(s, order.id))
      if (r.status == ReservationStatus::committed) // the units go back on sale
        reservations.setStatus(s, r.id, r.status, ReservationStatus::restock_pending);
    break;
  case Action::none: break;
  }
}

sdk::Result<ApplyOutcome> PaymentReactor::apply(const sdk::PaymentEvent &event, const std::string &actor,
                                                const std::optional<std::string> &via) {
  if (event.source.empty() || event.eventId.empty())
    return sdk::invalidArgument("payment event needs a source and an event id");
  if (!sdk::fromWire<sdk::PaymentEventType>(event.type))
    return sdk::invalidArgument("unknown payment event type '" + event.type + "'");

  ApplyOutcome out;
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::InboxRepository inbox;
  const std::string payload = sdk::encode(event);

  db_.transaction([&](Poco::Data::Session &s) {
    out = ApplyOutcome{};
    auto order_id = resolveOrderId(db_, s, event);
    auto order = order_id ? orders.find(s, *order_id, true) : std::nullopt;
    if (!order) {
      // Not recorded: the order (or the payment reference) may not be stored
      // yet, and the provider's redelivery must then still apply.
      out.outcome = "unknown_order";
      return;
    }
    out.order_id = order->id;
    const auto all_payments = payments.forOrder(s, order->id);
    bool unknown_reference = false;
    auto payment = paymentFor(all_payments, event, unknown_reference);
    if (unknown_reference) {
      out.outcome = "unknown_payment"; // never guessed; not recorded, so a redelivery may apply
      out.order_status = statusName(order->status);
      log::warn("payment event names a reference no attempt of the order has; not applied",
                {{"order", order->id}, {"reference", *event.paymentReference}, {"event", event.eventId}});
      return;
    }
    // Is the event about the attempt the order is waiting for?
    const bool about_latest = !payment || all_payments.empty() || payment->id == all_payments.back().id;
    const sdk::Money expected = payment ? sdk::Money{payment->amount_minor, payment->currency}
                                        : sdk::Money{order->total_minor, order->currency};
    const bool amount_ok =
        event.amount ? event.amount->amountMinor == expected.amountMinor && event.amount->currency == expected.currency
                     : !via || event.amountNotReported.value_or(false); // a plugin's event must say what was paid,
                                                                        // unless it declares its provider never does
    const bool fits_order = expected.amountMinor == order->total_minor && expected.currency == order->currency;
    const std::optional<std::string> owner =
        payment ? std::optional<std::string>(payment->provider) : order->payment_instance;
    Decision decision;
    if (via && owner && *via != *owner)
      decision.outcome = "wrong_instance";
    else
      decision = decide(event, *order, payment, about_latest, amount_ok, fits_order);

    if (!inbox.record(s, event.source, event.eventId, order->id, event.type, decision.outcome, payload)) {
      out.outcome = "duplicate";
      out.order_status = statusName(order->status);
      return;
    }
    out.outcome = decision.outcome;
    perform(s, static_cast<int>(decision.action), event, *order, payment, actor);
    if (decision.outcome == "wrong_instance")
      log::error("payment event came through another payment instance than the order's; not applied",
                 {{"order", order->id}, {"via", *via}, {"owner", *owner}, {"event", event.eventId}});
    else if (decision.outcome == "amount_mismatch" || decision.outcome == "stale_amount")
      log::error("payment amount does not match what was asked; refunding, order unchanged",
                 {{"order", order->id},
                  {"outcome", decision.outcome},
                  {"expected", std::to_string(expected.amountMinor) + " " + expected.currency},
                  {"got", event.amount ? std::to_string(event.amount->amountMinor) + " " + event.amount->currency
                                       : std::string("no amount")}});
    out.order_status = statusName(order->status);
  });
  if (out.order_id && out.outcome != "duplicate") reconciler_.runForOrder(*out.order_id);
  return out;
}

} // namespace orders::host::core
