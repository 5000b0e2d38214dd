// Everything done to existing orders: reading (with visibility rules applied
// by the caller), status changes by admins, internal services and
// providers, cancellation, retrying a failed payment, shipping cost, and the
// timed sweeps (auto-complete, payment timeout).
#pragma once

#include <atomic>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/checkout_service.hpp"
#include "core/core_plugins.hpp"
#include "core/order_view_cache.hpp"
#include "core/payment_reactor.hpp"
#include "core/reconciler.hpp"
#include "storage/order_repository.hpp"

namespace orders::host::core {

struct SweepOptions {
  int64_t auto_complete_after_ms = 7LL * 24 * 3600 * 1000;
  int64_t payment_timeout_ms = 24LL * 3600 * 1000;
  int64_t payment_poll_after_ms = 0; // 0: never ask providers for the status of pending payments
};

class OrderService {
public:
  OrderService(storage::Database &db, const CorePlugins &plugins, Reconciler &reconciler, PaymentReactor &reactor,
               CheckoutService &checkout, SweepOptions sweep, size_t view_cache_entries = 0,
               int64_t view_cache_max_staleness_ms = 0);

  std::optional<OrderView> get(const std::string &id);
  // The order as `render` shows it, from the view cache while its rows are
  // unchanged (core/order_view_cache.hpp); nullopt when there is none.
  std::optional<RenderedOrder> rendered(const std::string &id, const OrderViewCache::Render &render) {
    return views_.get(id, render);
  }
  const OrderViewCache &viewCache() const { return views_; }
  std::optional<OrderView> getByNumber(const std::string &number);
  // By the order's numeric id (`numericId`, for dialects with integer ids).
  std::optional<OrderView> getByNumericId(int64_t seq);
  // The order id of an order number / numeric id. Both never change once
  // written (and orders are never deleted), so answers are kept in the
  // process (bounded; dropped wholesale when full): a read by number then
  // costs what a read by id does.
  std::optional<std::string> idByNumber(const std::string &number);
  std::optional<std::string> idByNumericId(int64_t seq);
  std::vector<Order> list(const storage::OrderFilter &filter);
  int64_t count(const storage::OrderFilter &filter);
  std::vector<HistoryEntry> history(const std::string &id);

  // Admin/internal status change. "paid" goes through the payment inbox
  // (event id = `event_id`), "cancelled" through cancel(); others are plain
  // transitions (shipped/delivered also move the shipments).
  sdk::Result<OrderView> changeStatus(const std::string &id, OrderStatus to, const std::string &actor,
                                      const std::string &reason, const std::string &event_id);
  // Cancels, releasing stock, cancelling shipments, voiding or refunding.
  sdk::Result<OrderView> cancel(const std::string &id, const std::string &actor, const std::string &reason);
  // New payment attempt for a payment_failed order (stock is reserved again).
  sdk::Result<OrderView> retryPayment(const std::string &id, const std::string &actor);
  // Asks the provider about the order's latest payment now (a client that
  // returned from the provider's page) and applies a settled answer like
  // the status poll; the order as it then stands.
  sdk::Result<OrderView> refreshPayment(const std::string &id);
  sdk::Result<OrderView> setShippingCost(const std::string &id, int64_t shipping_minor, const std::string &actor);
  // Applies a shipment tracking update from a shipping provider.
  sdk::Result<OrderView> applyShipmentUpdate(const std::string &provider, const sdk::ShipmentUpdate &update);

  // Timed work; each returns how many orders it moved.
  int autoComplete();
  int expireUnpaid();
  // Orders the payment-timeout sweep cancelled since start (/metrics).
  uint64_t paymentTimeouts() const { return payment_timeouts_.load(std::memory_order_relaxed); }
  // Asks the provider for the status of payments pending longer than
  // payment_poll_after_ms (a lost callback must not leave an order unpaid);
  // a settled answer is applied through the inbox like a callback.
  int pollPendingPayments();

private:
  // The provider's word on payment `p`, applied when settled: the reactor's
  // outcome, or pending / unsupported / provider_error / no_amount.
  std::string askProvider(const Payment &p);
  // retryPayment's steps (order_service.cpp).
  sdk::Result<std::pair<Order, Payment>> beginRetry(const std::string &id);
  sdk::Status holdStockForRetry(const Order &o, const Payment &attempt, std::vector<std::string> &made);
  void abandonRetry(const std::string &order_id, Payment &attempt, const std::vector<std::string> &made,
                    PaymentStatus attempt_status);
  sdk::Status finishRetry(const Order &o, Payment &attempt, const sdk::PaymentResult &result,
                          const std::vector<std::string> &made, const std::string &actor);

  sdk::Result<OrderView> view(const std::string &id);

  storage::Database &db_;
  const CorePlugins &plugins_;
  Reconciler &reconciler_;
  PaymentReactor &reactor_;
  CheckoutService &checkout_;
  SweepOptions sweep_;
  std::atomic<uint64_t> payment_timeouts_{0};
  OrderViewCache views_;
  using IdLookup = std::function<std::optional<std::string>(Poco::Data::Session &)>;
  // ids_[key], else lookup() on a leased session, remembered when found.
  std::optional<std::string> rememberedId(const std::string &key, const IdLookup &lookup);
  std::mutex ids_mutex_;
  std::unordered_map<std::string, std::string> ids_; // "n:<number>" / "s:<seq>" -> order id
};

} // namespace orders::host::core
