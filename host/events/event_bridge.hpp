// Events in and out of the process, assembled from config:
//   - `kafka.bootstrap_servers` set: the outbox relay (events.publish routes)
//     and the payment-event consumer (events.consume routes) run;
//   - always: a housekeeping thread keeps the outbox metrics current
//     (orders_outbox_backlog, orders_outbox_oldest_unpublished_age_seconds)
//     and deletes outbox rows older than
//     events.retention.published_max_age_seconds (0 keeps them) that every
//     notifier has read past: published ones, or every one where the
//     deployment publishes nothing (no bootstrap servers or no publish
//     route); and notification deliveries that are over, older than
//     orders.retention.notifications_max_age_seconds.
// Without Kafka, rows stay in the outbox (GET /api/admin/outbox) and
// payments arrive by webhook. Notifications (notifier plugins) read the
// outbox with or without Kafka.
#pragma once

#include <json/json.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "events/notification_dispatcher.hpp"
#include "events/outbox_relay.hpp"
#include "events/payment_consumer.hpp"
#include "orders/sdk/types.hpp"

namespace orders::host::plugins {
class PluginRegistry;
}

namespace orders::host::events {

class EventBridge {
public:
  // `config` is the validated server config. Errors name the config key.
  static sdk::Result<std::unique_ptr<EventBridge>>
  create(const Json::Value &config, storage::Database &db, const plugins::PluginRegistry &plugins,
         plugins::PluginInstance *default_payment, core::PaymentReactor &reactor, metrics::MetricsRegistry &metrics);
  ~EventBridge();
  // What create() checks, without connecting: routes, payment instances and
  // every librdkafka setting (for --check-config).
  static sdk::Result<sdk::Empty> check(const Json::Value &config, const plugins::PluginRegistry &plugins,
                                       plugins::PluginInstance *default_payment);

  bool kafkaEnabled() const { return relay_ != nullptr || consumer_ != nullptr; }
  void start();
  void stop();
  // Outbox metrics and retention, once (also run by the housekeeping thread).
  void housekeepingOnce();

private:
  EventBridge(storage::Database &db, metrics::MetricsRegistry &metrics) : db_(db), metrics_(metrics) {}
  storage::Database &db_;
  metrics::MetricsRegistry &metrics_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<PaymentConsumer> consumer_;
  std::unique_ptr<NotificationDispatcher> notifications_;
  int64_t retention_ms_ = 0;
  int64_t notification_retention_ms_ = 0;
  bool publishes_ = false; // the deployment publishes events (a relay may run in some process)

  std::thread housekeeper_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

} // namespace orders::host::events
