// Canonical order statuses and the one table of allowed transitions.
//
//   pending -> awaiting_payment -> paid -> processing -> shipped -> delivered -> completed
//   payment_failed (retryable), cancelled, refunded
//
// Every transition is written with order_history and one outbox event in
// the same transaction (OrderRepository::transition); this file only says
// which moves are legal and which event names them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orders::host::core {

enum class OrderStatus {
  pending,
  awaiting_payment,
  payment_failed,
  paid,
  processing,
  shipped,
  delivered,
  completed,
  cancelled,
  refunded,
};

const char *statusName(OrderStatus status);
std::optional<OrderStatus> statusFromName(std::string_view name);
const std::vector<OrderStatus> &allStatuses();

bool canTransition(OrderStatus from, OrderStatus to);

// The outbox event type a transition into `to` publishes
// ("order.paid", "order.cancelled", ... or "order.status_changed").
const char *eventTypeFor(OrderStatus to);

// Statuses in which the buyer may still cancel (before shipping).
bool buyerMayCancel(OrderStatus status);
// Statuses in which stock is still reserved and payment not captured.
bool awaitingPayment(OrderStatus status);

} // namespace orders::host::core
