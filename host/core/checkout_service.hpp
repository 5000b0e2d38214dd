// Checkout: a saga whose checkout row records the last step it reached.
//
//   started -> priced -> reserved -> orders_written -> payments_created
//           -> shipments_created -> completed
//
// Lines come from the request or the cart plugin; prices, titles and
// sellers from the catalog plugin (client prices are never read); lines are
// split into one order per seller (checkout.split = orders_per_seller) or
// one order with a shipment per seller (shipments_per_seller). Before each
// plugin call the intent is written (a reservation "reserving", a payment or
// shipment "creating") with an idempotency key derived from the checkout and
// order, so after a crash the recovery sweep can ask the provider again
// with the same key and undo exactly what was done. A call's result and the
// step it completes go out with the next transaction the saga needs anyway
// (the next call's intent, or the orders), never after the next call: five
// commits for a checkout with one order, one inventory, payment and shipping.
// Any failure compensates
// everything (stock released, shipments cancelled, payments voided or
// refunded, orders cancelled) and the caller gets a clear error.
//
// Out of stock is an outcome (CheckoutOutcome::shortages), not an error.
#pragma once

#include <atomic>

#include <json/json.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/background_queue.hpp"
#include "core/core_plugins.hpp"
#include "core/payment_reactor.hpp"
#include "core/reconciler.hpp"
#include "domain/order.hpp"
#include "storage/database.hpp"

namespace orders::host::core {

struct CheckoutOptions {
  std::string split = "orders_per_seller"; // | shipments_per_seller
  int64_t reservation_ttl_seconds = 900;
  int64_t lease_ms = 120000; // a running checkout older than this is presumed dead
  int64_t budget_ms = 20000; // every plugin call of one checkout shares this deadline
  int max_lines = 100;
  int64_t max_quantity = 10000;
  bool clear_cart = true;
  bool customer_required = false; // fail when the customer directory cannot answer
};

struct CheckoutLine {
  std::string product_id;
  std::optional<std::string> variant_id;
  int64_t quantity = 0;
  std::optional<std::string> reservation_id;
  // Priced by a trusted internal caller (checkout.trust_internal_prices):
  // the catalog is not asked for this line (seed 000's cart sends prices).
  std::optional<sdk::Product> priced;
};

struct CheckoutRequest {
  std::string user_id;
  std::optional<std::string> email;
  std::vector<CheckoutLine> items; // empty: take the cart
  Json::Value shipping_address;    // null when none
  Json::Value customer;            // null when none
  Json::Value billing_address;     // null when none
  Json::Value metadata;            // null when none
  // Create now, pay later (seeds 001, 003): orders are written `pending`
  // with no payment attempt; POST .../payment makes the first one.
  bool pay_later = false;
};

struct CheckoutOutcome {
  std::string checkout_id;
  std::vector<Order> orders;
  // Per order, same order as `orders`, as stored when the checkout finished.
  std::vector<std::vector<Payment>> payments; // by attempt
  std::vector<std::vector<Shipment>> shipments;
  std::vector<sdk::Shortage> shortages; // non-empty: nothing was created
};

class CheckoutService {
public:
  CheckoutService(storage::Database &db, const CorePlugins &plugins, Reconciler &reconciler, PaymentReactor &reactor,
                  CheckoutOptions options);

  // `in_doubt` (optional) tells, on failure, that the checkout may have
  // completed: it did and only reading its orders back failed, or the
  // database went away while a transaction's COMMIT was on the wire (it may
  // have been applied) and compensation could not show the checkout undone.
  // Its outcome is then unknown to the caller, not undone: a retry must ask
  // earlier() and never create it again.
  sdk::Result<CheckoutOutcome> checkout(const CheckoutRequest &request, const std::string &checkout_id,
                                        bool *in_doubt = nullptr);

  // Undoes whatever a checkout did; idempotent; used on failure and by
  // the recovery sweep. Returns false, undoing nothing, when the checkout
  // had completed (a completing COMMIT applied although its caller saw the
  // connection fail).
  bool compensate(const std::string &checkout_id, const std::string &reason);
  // Compensates running checkouts whose lease expired; returns how many.
  int recoverStale();

  // What became of a checkout whose request never answered (its replica died,
  // or the database went away): for a retry with the same idempotency key.
  struct Earlier {
    enum class State {
      unknown,   // no such checkout (not begun, or begun and rolled back)
      running,   // still running, or dead and not yet undone by the sweeps
      completed, // `outcome` holds what it created
      undone,    // failed or compensated: nothing of it is left
    } state = State::unknown;
    std::optional<CheckoutOutcome> outcome;
  };
  Earlier earlier(const std::string &checkout_id);

  const CheckoutOptions &options() const { return options_; }

  // Since start, for /metrics: checkouts answered with orders, with a
  // shortage, with an error; and checkouts undone (by their request or by
  // the recovery sweep).
  struct Counters {
    std::atomic<uint64_t> completed{0};
    std::atomic<uint64_t> out_of_stock{0};
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> compensated{0};
  };
  const Counters &counters() const { return counters_; }

private:
  // compensate()'s steps (checkout_compensation.cpp).
  void reaskReservation(const std::string &checkout_id, Reservation &r);
  void reaskCreations(const Order &o);
  void cancelCreated(const Order &o, const std::string &reason);
  sdk::Status resolveCustomer(CheckoutRequest &request);
  struct Context;
  sdk::Result<std::vector<CheckoutLine>> loadLines(const CheckoutRequest &request);
  sdk::Result<std::vector<Order>> priceAndSplit(const CheckoutRequest &request, const std::vector<CheckoutLine> &lines,
                                                const std::string &checkout_id);
  // What a running checkout has done and not yet written: the steps it
  // reached and the results of its plugin calls. They go out with the next
  // transaction (commit()), which always comes before the next plugin call:
  // a crash before it finds the intent of the call whose result was lost,
  // and recovery asks that provider again, as after a crash during the call.
  // A result may write back to the saga's orders in memory: it is written
  // only while they live (checkout()'s catch block drops them unwritten).
  struct Ledger {
    const std::string &checkout_id;
    std::vector<const char *> steps; // reached, in order
    std::vector<std::function<void(Poco::Data::Session &)>> results;
    std::vector<std::function<void()>> after; // once the results are durable
  };
  // One pipelined transaction: the ledger's results, then `work` (an
  // intent, the orders), then the last step with a renewed lease; then each
  // step's crash point and the `after` work. Nothing of the ledger is
  // dropped when it throws.
  void commit(Ledger &ledger, const std::function<void(Poco::Data::Session &)> &work = {});
  // The last commit: the ledger and the checkout `completed`. False when
  // recovery had compensated the checkout (nothing is written then).
  bool complete(Ledger &ledger);
  static void settle(Ledger &ledger);

  sdk::Result<std::vector<sdk::Shortage>> reserveStock(const std::vector<Order> &orders,
                                                       const std::vector<CheckoutLine> &lines, Ledger &ledger);
  // Writes the orders and their first payment attempts (`payments`, same
  // order as `orders`) with the ledger.
  // `take_payment`: one payment row per order (none when paid later or outside).
  sdk::Status writeOrders(Ledger &ledger, std::vector<Order> &orders, std::vector<Payment> &payments,
                          bool take_payment);
  sdk::Status createPayments(std::vector<Order> &orders, const std::vector<Payment> &payments, Ledger &ledger);
  sdk::Status createShipments(const std::vector<Order> &orders, Ledger &ledger);

  storage::Database &db_;
  const CorePlugins &plugins_;
  Reconciler &reconciler_;
  PaymentReactor &reactor_;
  CheckoutOptions options_;
  Counters counters_;
  BackgroundQueue background_; // best-effort work after a checkout (cart clearing); drained on destruction
  // Undoing checkouts that ran out of budget or lost their client, after the
  // answer (it must not wait on the slow neighbour that spent the budget);
  // drained on destruction, and the recovery sweep finishes what a crash cut.
  BackgroundQueue undo_{256};
};

// Test hook (only in the order-service-test binary, core/test_hooks.cpp):
// when $ORDERS_TEST_CRASH_AFTER names a saga step, the process
// kills itself with SIGKILL right after that step is durable. Used by the
// crash-consistency tests; unset in production.
void crashPoint(const char *step);

// The order's stock lines (one per item, same order) grouped by the inventory
// instance each routes to (CorePlugins::inventoryFor), first use first.
std::vector<std::pair<plugins::PluginInstance *, std::vector<sdk::StockLine>>>
stockByInventory(const CorePlugins &plugins, const Order &o, const std::vector<sdk::StockLine> &stock);

} // namespace orders::host::core
