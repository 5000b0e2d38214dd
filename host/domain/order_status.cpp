#include "domain/order_status.hpp"

#include <map>
#include <set>

namespace orders::host::core {

namespace {
using S = OrderStatus;

const std::map<S, std::set<S>> &transitions() {
  // The one table. A paid order may still be cancelled by an admin (the
  // payment is then refunded); a delivered/completed one can only be refunded.
  static const std::map<S, std::set<S>> table = {
      {S::pending, {S::awaiting_payment, S::paid, S::payment_failed, S::cancelled}},
      {S::awaiting_payment, {S::paid, S::payment_failed, S::cancelled}},
      // A paid event for a failed payment is refunded, not accepted (its stock was released).
      {S::payment_failed, {S::awaiting_payment, S::cancelled}},
      {S::paid, {S::processing, S::shipped, S::cancelled, S::refunded}},
      {S::processing, {S::shipped, S::cancelled, S::refunded}},
      {S::shipped, {S::delivered}},
      {S::delivered, {S::completed, S::refunded}},
      {S::completed, {S::refunded}},
      {S::cancelled, {}},
      {S::refunded, {}},
  };
  return table;
}
} // namespace

const std::vector<OrderStatus> &allStatuses() {
  static const std::vector<OrderStatus> all = {S::pending,    S::awaiting_payment, S::payment_failed, S::paid,
                                               S::processing, S::shipped,          S::delivered,      S::completed,
                                               S::cancelled,  S::refunded};
  return all;
}

const char *statusName(OrderStatus s) {
  switch (s) {
  case S::pending: return "pending";
  case S::awaiting_payment: return "awaiting_payment";
  case S::payment_failed: return "payment_failed";
  case S::paid: return "paid";
  case S::processing: return "processing";
  case S::shipped: return "shipped";
  case S::delivered: return "delivered";
  case S::completed: return "completed";
  case S::cancelled: return "cancelled";
  case S::refunded: return "refunded";
  }
  return "pending";
}

std::optional<OrderStatus> statusFromName(std::string_view name) {
  for (OrderStatus s : allStatuses())
    if (name == statusName(s)) return s;
  return std::nullopt;
}

bool canTransition(OrderStatus from, OrderStatus to) {
  auto it = transitions().find(from);
  return it != transitions().end() && it->second.count(to) > 0;
}

const char *eventTypeFor(OrderStatus to) {
  switch (to) {
  case S::paid: return "order.paid";
  case S::payment_failed: return "order.payment_failed";
  case S::cancelled: return "order.cancelled";
  case S::shipped: return "order.shipped";
  case S::delivered: return "order.delivered";
  case S::completed: return "order.completed";
  case S::refunded: return "order.refunded";
  default: return "order.status_changed";
  }
}

bool buyerMayCancel(OrderStatus s) {
  return s == S::pending || s == S::awaiting_payment || s == S::payment_failed || s == S::paid || s == S::processing;
}

bool awaitingPayment(OrderStatus s) { return s == S::pending || s == S::awaiting_payment || s == S::payment_failed; }

} // namespace orders::host::core
