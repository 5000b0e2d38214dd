// Applies PaymentEvents (from webhooks, Kafka, or an admin setting "paid")
// to orders, exactly once per (source, event id), in any order.
//
// In one transaction: lock the order, decide, record the event in the inbox
// (processed_events; a duplicate changes nothing), change the order and mark
// the side effects that must follow (stock commit/release, shipment confirm,
// refund). The reconciler then performs them.
//
// Checks, before anything changes:
// - An event that came through a payment plugin instance (`via`) applies only
//   to an attempt that instance created (or, when it names no attempt, to an
//   order whose payment instance it is): any other is `wrong_instance`.
// - A payment reference no attempt has is never guessed: `unknown_payment`,
//   not recorded (the reference may not be stored yet; a redelivery applies).
// - The amount is compared with the attempt's own amount (the order's total
//   when no attempt is known); a plugin event without an amount is a
//   mismatch. A `paid` whose amount does not match, or that pays an attempt
//   for an old total (the shipping cost changed since), is recorded, the
//   order flagged refund_required and the payment refunded: money is never
//   silently kept.
// A `paid` arriving after the order was cancelled or its payment failed is
// recorded, the order is flagged refund_required and the payment refunded.
#pragma once

#include <optional>
#include <string>

#include "core/reconciler.hpp"
#include "domain/order.hpp"
#include "orders/sdk/types.hpp"
#include "storage/database.hpp"

namespace orders::host::core {

struct ApplyOutcome {
  // applied | duplicate | ignored | already_paid | amount_mismatch | stale_amount | refund_flagged |
  // wrong_instance | unknown_order, unknown_payment (not recorded: a redelivery may apply once the
  // order or its payment reference is stored)
  std::string outcome;
  std::optional<std::string> order_id;
  std::optional<std::string> order_status;
};

class PaymentReactor {
public:
  PaymentReactor(storage::Database &db, Reconciler &reconciler) : db_(db), reconciler_(reconciler) {}
  // `via`: the payment plugin instance the event came through (webhook,
  // consumer route, status poll, synchronous capture); nullopt for an
  // authenticated principal marking an order paid (no plugin involved).
  sdk::Result<ApplyOutcome> apply(const sdk::PaymentEvent &event, const std::string &actor,
                                  const std::optional<std::string> &via);

private:
  // Carries out a decision inside the event's transaction.
  void perform(Poco::Data::Session &s, int action, const sdk::PaymentEvent &event, Order &order,
               std::optional<Payment> &payment, const std::string &actor);

  storage::Database &db_;
  Reconciler &reconciler_;
};

} // namespace orders::host::core
