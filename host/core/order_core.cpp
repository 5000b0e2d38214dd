#include "core/order_core.hpp"

#include <Poco/Exception.h>

#include <algorithm>

#include "log/logger.hpp"
#include "storage/migrations.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/retention_repository.hpp"

namespace orders::host::core {

sdk::Result<std::unique_ptr<OrderCore>> OrderCore::create(const Json::Value &config,
                                                          const plugins::PluginRegistry &registry) {
  std::unique_ptr<OrderCore> core(new OrderCore());
  const Json::Value &db = config["database"];
  auto opened =
      storage::Database::open(db["url"].asString(), db["pool_size"].asInt(), db.get("lease_timeout_ms", 5000).asInt());
  if (!opened.ok()) return sdk::Error{opened.error().code, "/database/url: " + opened.error().message, false};
  core->db_ = std::move(opened).value();
  if (db["migrate_on_start"].asBool()) {
    auto migrated = storage::migrate(*core->db_);
    if (!migrated.ok()) return migrated.error();
  }
  const Json::Value &checkout = config["checkout"];
  auto selected = CorePlugins::select(registry, checkout);
  if (!selected.ok()) return selected.error();
  core->plugins_ = selected.value();

  CheckoutOptions options;
  options.split = checkout["split"].asString();
  // Stock must stay held for as long as the order may still be paid; a hold
  // that expired before a late payment would let the same units sell twice.
  options.reservation_ttl_seconds =
      std::max(checkout["reservation_ttl_seconds"].asInt64(), checkout["payment_timeout_seconds"].asInt64() + 300);
  options.lease_ms = checkout["lease_seconds"].asInt64() * 1000;
  options.budget_ms = checkout["budget_ms"].asInt64();
  if (options.budget_ms >= options.lease_ms)
    return sdk::invalidArgument("/checkout/budget_ms (" + std::to_string(options.budget_ms) +
                                ") must be below /checkout/lease_seconds (" + std::to_string(options.lease_ms / 1000) +
                                " s): a checkout still inside its budget would be undone by the recovery sweep");
  options.max_lines = checkout["max_lines"].asInt();
  options.clear_cart = checkout["clear_cart"].asBool();
  options.customer_required = checkout["customer_required"].asBool();
  SweepOptions sweep;
  sweep.payment_timeout_ms = checkout["payment_timeout_seconds"].asInt64() * 1000;
  sweep.auto_complete_after_ms = config["orders"]["auto_complete_after_seconds"].asInt64() * 1000;
  sweep.payment_poll_after_ms = checkout["payment_poll_after_seconds"].asInt64() * 1000;
  core->sweep_interval_ms_ = config["orders"]["sweep_interval_ms"].asInt64();
  core->idempotency_ttl_ms_ = config["orders"]["idempotency_ttl_seconds"].asInt64() * 1000;
  const Json::Value &retention = config["orders"]["retention"];
  core->checkouts_retention_ms_ = retention["checkouts_max_age_seconds"].asInt64() * 1000;
  core->processed_events_retention_ms_ = retention["processed_events_max_age_seconds"].asInt64() * 1000;
  if (core->checkouts_retention_ms_ > 0 && core->checkouts_retention_ms_ < core->idempotency_ttl_ms_)
    return sdk::invalidArgument(
        "/orders/retention/checkouts_max_age_seconds (" + std::to_string(core->checkouts_retention_ms_ / 1000) +
        ") must be at least /orders/idempotency_ttl_seconds (" + std::to_string(core->idempotency_ttl_ms_ / 1000) +
        "): a retried checkout key answers from its checkout");
  core->require_idempotency_key_ = checkout["require_idempotency_key"].asBool();
  core->trust_internal_prices_ = checkout["trust_internal_prices"].asBool();

  core->reconciler_ = std::make_unique<Reconciler>(*core->db_, core->plugins_);
  core->reactor_ = std::make_unique<PaymentReactor>(*core->db_, *core->reconciler_);
  core->checkout_ =
      std::make_unique<CheckoutService>(*core->db_, core->plugins_, *core->reconciler_, *core->reactor_, options);
  core->orders_ =
      std::make_unique<OrderService>(*core->db_, core->plugins_, *core->reconciler_, *core->reactor_, *core->checkout_,
                                     sweep, static_cast<size_t>(config["orders"]["view_cache_entries"].asInt64()),
                                     config["orders"]["view_cache_max_staleness_ms"].asInt64());
  core->idempotency_ = std::make_unique<storage::IdempotencyRepository>(*core->db_);
  core->invoices_ = std::make_unique<InvoiceService>(*core->db_, core->plugins_);
  return core;
}

OrderCore::~OrderCore() { stopSweeper(); }

OrderCore::Stats OrderCore::stats() const {
  Stats out;
  const auto &c = checkout_->counters();
  out.checkouts_completed = c.completed.load(std::memory_order_relaxed);
  out.checkouts_out_of_stock = c.out_of_stock.load(std::memory_order_relaxed);
  out.checkouts_failed = c.failed.load(std::memory_order_relaxed);
  out.checkouts_compensated = c.compensated.load(std::memory_order_relaxed);
  out.payment_timeouts = orders_->paymentTimeouts();
  out.pool = db_->poolStats();
  return out;
}

OrderCore::DatabaseHealth OrderCore::checkDatabase() {
  DatabaseHealth health;
  health.engine = db_->engineName();
  try {
    db_->ping();
    health.ok = true;
  } catch (const std::exception &e) {
    health.detail = e.what();
  }
  return health;
}

std::vector<OutboxRow> OrderCore::outboxPage(int64_t after_id, int limit, bool unpublished_only,
                                             const std::optional<std::string> &order_id) {
  auto lease = db_->lease();
  return storage::OutboxRepository().page(**lease, after_id, limit, unpublished_only, order_id);
}

void OrderCore::sweepOnce() {
  auto guarded = [](const char *what, auto &&fn) {
    try {
      const int n = fn();
      if (n > 0) log::info("sweep", {{"what", what}, {"count", std::to_string(n)}});
    } catch (const std::exception &e) {
      auto *poco = dynamic_cast<const Poco::Exception *>(&e);
      log::error("sweep failed", {{"what", what}, {"error", poco != nullptr ? poco->displayText() : e.what()}});
    }
  };
  guarded("recovered_checkouts", [&] { return checkout_->recoverStale(); });
  guarded("settled_side_effects", [&] { return reconciler_->sweep(); });
  guarded("auto_completed", [&] { return orders_->autoComplete(); });
  guarded("expired_unpaid", [&] { return orders_->expireUnpaid(); });
  guarded("payments_settled_by_poll", [&] { return orders_->pollPendingPayments(); });
  guarded("purged_idempotency_keys", [&] { return idempotency_->purge(nowMs() - idempotency_ttl_ms_); });
  // Retention (orders.retention): bounded batches, so a sweep after a long
  // pause catches up over several sweeps instead of one long transaction.
  storage::RetentionRepository retention(*db_);
  constexpr int kBatch = 1000;
  if (checkouts_retention_ms_ > 0)
    guarded("purged_checkouts", [&] {
      const int64_t before = nowMs() - checkouts_retention_ms_;
      return static_cast<int>(
          storage::RetentionRepository::drain([&] { return retention.finishedCheckouts(before, kBatch); }, kBatch));
    });
  if (processed_events_retention_ms_ > 0)
    guarded("purged_processed_events", [&] {
      const int64_t before = nowMs() - processed_events_retention_ms_;
      return static_cast<int>(
          storage::RetentionRepository::drain([&] { return retention.processedEvents(before, kBatch); }, kBatch));
    });
}

void OrderCore::startSweeper() {
  sweeper_ = std::thread([this] {
    std::unique_lock lock(sweeper_mutex_);
    while (!stopping_) {
      lock.unlock();
      sweepOnce();
      lock.lock();
      sweeper_wake_.wait_for(lock, std::chrono::milliseconds(sweep_interval_ms_), [this] { return stopping_; });
    }
  });
}

void OrderCore::stopSweeper() {
  {
    std::lock_guard lock(sweeper_mutex_);
    stopping_ = true;
  }
  sweeper_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

} // namespace orders::host::core
