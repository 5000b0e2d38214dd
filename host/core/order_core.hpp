// The order core assembled: database, chosen plugins, services, and the
// background sweeper (checkout recovery, side-effect reconciliation,
// auto-complete, payment timeout). One per process; replicas share only the
// database.
#pragma once

#include <json/json.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/checkout_service.hpp"
#include "core/invoice_service.hpp"
#include "core/order_service.hpp"
#include "domain/idempotency.hpp"
#include "domain/outbox.hpp"
#include "storage/database.hpp"
#include "storage/idempotency_repository.hpp"

namespace orders::host::core {

class OrderCore {
public:
  // `config` is the validated server config. Opens the database, applies
  // migrations, picks plugins. Errors name the config key.
  static sdk::Result<std::unique_ptr<OrderCore>> create(const Json::Value &config,
                                                        const plugins::PluginRegistry &registry);
  ~OrderCore();

  storage::Database &db() { return *db_; }
  CheckoutService &checkout() { return *checkout_; }
  OrderService &orders() { return *orders_; }
  PaymentReactor &payments() { return *reactor_; }
  InvoiceService &invoices() { return *invoices_; }
  IdempotencyStore &idempotency() { return *idempotency_; }
  // One round trip to the database (for /health/ready), within its lease timeout.
  struct DatabaseHealth {
    bool ok = false;
    std::string detail; // why not, when not ok
    std::string engine; // "sqlite" or "postgres"
  };
  DatabaseHealth checkDatabase();
  // Counters and gauges of the core for /metrics, read at scrape time.
  struct Stats {
    uint64_t checkouts_completed = 0, checkouts_out_of_stock = 0, checkouts_failed = 0, checkouts_compensated = 0;
    uint64_t payment_timeouts = 0;
    storage::Database::PoolStats pool;
  };
  Stats stats() const;
  // The outbox for /api/admin/outbox: events with id > after_id, oldest
  // first (only unpublished ones, only one order's, when asked).
  std::vector<OutboxRow> outboxPage(int64_t after_id, int limit, bool unpublished_only,
                                    const std::optional<std::string> &order_id);
  const CorePlugins &plugins() const { return plugins_; }
  bool requireIdempotencyKey() const { return require_idempotency_key_; }
  // checkout.trust_internal_prices: internal callers may price their lines.
  bool trustInternalPrices() const { return trust_internal_prices_; }

  // One pass of every sweep (also run by the background thread).
  void sweepOnce();
  void startSweeper();
  void stopSweeper();

private:
  OrderCore() = default;
  std::unique_ptr<storage::Database> db_;
  CorePlugins plugins_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<PaymentReactor> reactor_;
  std::unique_ptr<CheckoutService> checkout_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<InvoiceService> invoices_;
  std::unique_ptr<storage::IdempotencyRepository> idempotency_;
  bool require_idempotency_key_ = false;
  bool trust_internal_prices_ = false;
  int64_t sweep_interval_ms_ = 5000;
  int64_t idempotency_ttl_ms_ = 24LL * 3600 * 1000;
  int64_t checkouts_retention_ms_ = 0; // orders.retention: 0 keeps the rows
  int64_t processed_events_retention_ms_ = 0;

  std::thread sweeper_;
  std::mutex sweeper_mutex_;
  std::condition_variable sweeper_wake_;
  bool stopping_ = false;
};

} // namespace orders::host::core
