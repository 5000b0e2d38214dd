#include "core/payment_reactor.hpp"

#include <Poco/Data/Statement.h>

#include <set>

#include "log/logger.hpp"
#include "storage/idempotency_repository.hpp"
#include "storage/order_repository.hpp"
#include "storage/payment_repository.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::core {

namespace {

std::optional<std::string> resolveOrderId(Poco::Data::Session &s, const sdk::PaymentEvent &e) {
  std::string id;
  if (e.orderId && !e.orderId->empty()) {
    std::string key = *e.orderId;
    Poco::Data::Statement st(s);
    st << "SELECT id FROM orders WHERE id = $1 OR order_number = $1", use(key), into(id);
    if (st.execute() > 0) return id;
  }
  if (e.orderNumber) {
    std::string key = *e.orderNumber;
    Poco::Data::Statement st(s);
    st << "SELECT id FROM orders WHERE order_number = $1", use(key), into(id);
    if (st.execute() > 0) return id;
  }
  if (e.paymentReference) {
    std::string key = *e.paymentReference;
    Poco::Data::Statement st(s);
    st << "SELECT order_id FROM payments WHERE reference = $1", use(key), into(id);
    if (st.execute() > 0) return id;
  }
  return std::nullopt;
}

// The payment the event is about: by reference, else the latest attempt.
std::optional<Payment> paymentFor(storage::PaymentRepository &repo, Poco::Data::Session &s, const Order &order,
                                  const sdk::PaymentEvent &e) {
  auto all = repo.forOrder(s, order.id);
  if (e.paymentReference)
    for (auto &p : all)
      if (p.reference == e.paymentReference) return p;
  if (all.empty()) return std::nullopt;
  return all.back();
}

} // namespace

sdk::Result<ApplyOutcome> PaymentReactor::apply(const sdk::PaymentEvent &event, const std::string &actor) {
  if (event.source.empty() || event.eventId.empty())
    return sdk::invalidArgument("payment event needs a source and an event id");
  static const std::set<std::string> kTypes = {"paid", "failed", "expired", "refunded"};
  if (!kTypes.count(event.type)) return sdk::invalidArgument("unknown payment event type '" + event.type + "'");

  ApplyOutcome out;
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::ReservationRepository reservations(db_);
  storage::ShipmentRepository shipments(db_);
  storage::InboxRepository inbox;
  const std::string payload = sdk::encode(event);

  db_.transaction([&](Poco::Data::Session &s) {
    out = ApplyOutcome{};
    auto order_id = resolveOrderId(s, event);
    if (!order_id) {
      // Not recorded: the order (or the payment reference) may not be stored
      // yet, and the provider's redelivery must then still apply.
      out.outcome = "unknown_order";
      return;
    }
    auto order = orders.find(s, *order_id, true);
    out.order_id = order->id;
    auto payment = paymentFor(payments, s, *order, event);
    const auto all_payments = payments.forOrder(s, order->id);
    // Is the event about the attempt the order is waiting for?
    const bool about_latest = !payment || all_payments.empty() || payment->id == all_payments.back().id;

    // Decide first (nothing written yet), then record, then apply.
    enum class Action { none, pay, fail, refund_flag, refunded } action = Action::none;
    std::string outcome = "ignored";
    const bool amount_ok =
        !event.amount || (event.amount->amountMinor == order->total_minor && event.amount->currency == order->currency);
    if (event.type == "paid") {
      if (!amount_ok)
        outcome = "amount_mismatch";
      else if (order->status == OrderStatus::pending || order->status == OrderStatus::awaiting_payment) {
        action = Action::pay;
        outcome = "applied";
      } else if (order->status == OrderStatus::cancelled || order->status == OrderStatus::payment_failed) {
        action = Action::refund_flag;
        outcome = "refund_flagged";
      } else if (payment && payment->status != "captured" && payment->status != "refunded" &&
                 payment->status != "refund_pending") {
        action = Action::refund_flag; // paid twice (another attempt was captured): give this one back
        outcome = "refund_flagged";
      } else {
        outcome = "already_paid";
      }
    } else if (event.type == "failed" || event.type == "expired") {
      // A late failure of an older attempt must not fail the one now pending.
      if ((order->status == OrderStatus::pending || order->status == OrderStatus::awaiting_payment) && about_latest) {
        action = Action::fail;
        outcome = "applied";
      }
    } else if (event.type == "refunded") {
      if (canTransition(order->status, OrderStatus::refunded)) {
        action = Action::refunded;
        outcome = "applied";
      }
    }
    if (!inbox.record(s, event.source, event.eventId, order->id, event.type, outcome, payload)) {
      out.outcome = "duplicate";
      out.order_status = statusName(order->status);
      return;
    }
    out.outcome = outcome;
    const std::string reason = event.type + " (" + event.source + " " + event.eventId + ")";
    switch (action) {
    case Action::pay:
      orders.transition(s, *order, OrderStatus::paid, actor, reason);
      for (auto &p : payments.forOrder(s, order->id)) {
        if (payment && p.id == payment->id)
          p.status = "captured";
        else if (p.status == "pending")
          p.status = "void_pending"; // another attempt was paid
        else
          continue;
        payments.update(s, p);
      }
      for (auto &r : reservations.forOrder(s, order->id))
        if (r.status == "held") reservations.setStatus(s, r.id, "commit_pending");
      for (auto sh : shipments.forOrder(s, order->id))
        if (sh.status == "draft") {
          sh.status = "confirm_pending";
          shipments.update(s, sh);
        }
      break;
    case Action::fail:
      orders.transition(s, *order, OrderStatus::payment_failed, actor, reason);
      if (payment && payment->status == "pending") {
        payment->status = event.type; // failed | expired
        payments.update(s, *payment);
      }
      for (auto &r : reservations.forOrder(s, order->id))
        if (r.status == "held") reservations.setStatus(s, r.id, "release_pending");
      break;
    case Action::refund_flag:
      orders.setRefundRequired(s, *order, true);
      if (payment) {
        if (payment->status != "refunded" && payment->status != "refund_pending") {
          payment->status = "refund_pending";
          payments.update(s, *payment);
        }
      }
      orders.appendEvent(s, "order.refund_required", *order);
      log::warn("payment arrived for an order that can no longer take it; refunding",
                {{"order", order->id}, {"status", statusName(order->status)}, {"event", event.eventId}});
      break;
    case Action::refunded:
      orders.transition(s, *order, OrderStatus::refunded, actor, reason);
      if (payment) {
        payment->status = "refunded";
        payments.update(s, *payment);
      }
      break;
    case Action::none:
      if (outcome == "amount_mismatch")
        log::error("payment amount does not match the order; not applied",
                   {{"order", order->id},
                    {"expected", std::to_string(order->total_minor) + " " + order->currency},
                    {"got", std::to_string(event.amount->amountMinor) + " " + event.amount->currency}});
      break;
    }
    out.order_status = statusName(order->status);
  });
  if (out.order_id && out.outcome != "duplicate") reconciler_.runForOrder(*out.order_id);
  return out;
}

} // namespace orders::host::core
