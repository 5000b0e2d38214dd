// Notifications: order events from the outbox to notifier plugins.
//
// Each notifier instance reads service_outbox on its own cursor
// (notifier_cursors) and gets the event types of its route (default: order
// placed, paid, shipped, delivered, cancelled). Every event it handled is
// recorded in notification_deliveries (notifier, event id), so a re-read or
// a restart never sends one twice once it succeeded: at-least-once delivery,
// deduplicated by event id (which the plugin also gets, for its peer). A
// failure is recorded with a backoff (1 s doubling to 5 min) and retried up
// to max_attempts, then left as `dead` (counted). A new notifier starts at
// the end of the outbox (it does not replay history). The cursor re-reads a
// window below itself, so a row that committed late is still seen.
//
// Runs on its own thread; a failing or slow notifier never blocks or fails
// an order (orders never wait for it).
#pragma once

#include <json/json.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "orders/sdk/messages.hpp"

namespace orders::host::metrics {
class MetricsRegistry;
}
namespace orders::host::plugins {
class PluginInstance;
class PluginRegistry;
} // namespace orders::host::plugins
namespace orders::host::core {
struct OutboxRow;
} // namespace orders::host::core
namespace orders::host::storage {
class Database;
} // namespace orders::host::storage

namespace orders::host::events {

struct NotifierRoute {
  plugins::PluginInstance *notifier = nullptr;
  std::set<std::string> types;
};

struct DispatcherOptions {
  int poll_interval_ms = 500;
  int max_attempts = 8;
  int batch = 200;
  int rescan_ids = 200; // how far below its cursor a notifier re-reads
};

class NotificationDispatcher {
public:
  // Routes from `notifications` in the config; invalid_argument names a bad
  // notifier id.
  static sdk::Result<std::vector<NotifierRoute>> routesFrom(const Json::Value &notifications,
                                                            const plugins::PluginRegistry &plugins);

  NotificationDispatcher(storage::Database &db, metrics::MetricsRegistry &metrics, std::vector<NotifierRoute> routes,
                         DispatcherOptions options);
  ~NotificationDispatcher();

  // One pass over every route (also run by the thread). Returns how many
  // notifications were sent.
  int runOnce();
  // The lowest outbox id a notifier may still read (its cursor less the
  // rescan window, over every route): outbox retention keeps rows from
  // there on.
  int64_t readFloor();
  // Deletes deliveries that are over and older than `before_ms` below each
  // notifier's floor (storage::RetentionRepository); returns how many.
  size_t purgeDeliveries(int64_t before_ms);
  void start();
  void stop();

private:
  int pass(const NotifierRoute &route);
  // false: failed (recorded for a retry)
  bool deliver(const NotifierRoute &route, const core::OutboxRow &row, int attempts_so_far);

  storage::Database &db_;
  metrics::MetricsRegistry &metrics_;
  std::vector<NotifierRoute> routes_;
  DispatcherOptions options_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

// The notification for a canonical outbox event (envelope JSON).
sdk::Result<sdk::Notification> notificationFor(const std::string &type, const std::string &payload);

} // namespace orders::host::events
