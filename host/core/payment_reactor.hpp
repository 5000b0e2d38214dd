// Applies PaymentEvents (from webhooks, Kafka, or an admin setting "paid")
// to orders, exactly once per (source, event id), in any order.
//
// In one transaction: lock the order, decide, record the event in the inbox
// (processed_events; a duplicate changes nothing), change the order and mark
// the side effects that must follow (stock commit/release, shipment confirm,
// refund). The reconciler then performs them. Amount and currency are
// checked against the order; a mismatch is recorded and changes nothing.
// A `paid` arriving after the order was cancelled or its payment failed is
// recorded, the order is flagged refund_required and the payment refunded.
#pragma once

#include <optional>
#include <string>

#include "core/reconciler.hpp"
#include "orders/sdk/types.hpp"
#include "storage/database.hpp"

namespace orders::host::core {

struct ApplyOutcome {
  // applied | duplicate | ignored | already_paid | amount_mismatch | refund_flagged |
  // unknown_order (not recorded: a redelivery may apply once the order exists)
  std::string outcome;
  std::optional<std::string> order_id;
  std::optional<std::string> order_status;
};

class PaymentReactor {
public:
  PaymentReactor(storage::Database &db, Reconciler &reconciler) : db_(db), reconciler_(reconciler) {}
  sdk::Result<ApplyOutcome> apply(const sdk::PaymentEvent &event, const std::string &actor);

private:
  storage::Database &db_;
  Reconciler &reconciler_;
};

} // namespace orders::host::core
