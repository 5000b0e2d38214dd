#include "events/notification_dispatcher.hpp"

#include <Poco/Data/Statement.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/core_plugins.hpp"
#include "domain/order.hpp"
#include "log/logger.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/plugin_registry.hpp"
#include "storage/database.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/retention_repository.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::events {

namespace {

constexpr int kRetentionBatch = 1000;

const std::set<std::string> kDefaultTypes{"order.created", "order.paid", "order.shipped", "order.delivered",
                                          "order.cancelled"};

std::optional<std::string> str(const Json::Value &v) {
  if (v.isString()) return v.asString();
  return std::nullopt;
}

int64_t cursorOf(storage::Database &db, Poco::Data::Session &s, const std::string &notifier) {
  auto st = db.query(s, "SELECT last_id FROM notifier_cursors WHERE notifier = $1", notifier);
  storage::Rows r(st);
  if (r.valid()) return r.i64("last_id");
  // A new notifier starts at the end of the outbox: no replay of history.
  Poco::Int64 last = 0;
  s << "SELECT COALESCE(MAX(id), 0) FROM service_outbox", into(last), now;
  db.exec(s, "INSERT INTO notifier_cursors (notifier, last_id) VALUES ($1, $2)", notifier, int64_t(last));
  return last;
}

struct Delivery {
  std::string status;
  int64_t attempts = 0;
  int64_t next_attempt_at_ms = 0;
};

std::optional<Delivery> deliveryOf(storage::Database &db, Poco::Data::Session &s, const std::string &notifier,
                                   const std::string &event_id) {
  auto st = db.query(s,
                     "SELECT status, attempts, next_attempt_at_ms FROM notification_deliveries WHERE notifier = '" +
                         notifier + "' AND event_id = $1",
                     event_id);
  storage::Rows r(st);
  if (!r.valid()) return std::nullopt;
  return Delivery{r.str("status"), r.i64("attempts"), r.i64("next_attempt_at_ms")};
}

} // namespace

sdk::Result<sdk::Notification> notificationFor(const std::string &type, const std::string &payload) {
  Json::Value env;
  try {
    env = sdk::parseJson(payload);
  } catch (const std::exception &e) {
    return sdk::invalidArgument(std::string("outbox payload: ") + e.what());
  }
  const Json::Value &d = env["data"];
  if (!d.isObject()) return sdk::invalidArgument("outbox payload: /data is missing");
  sdk::Notification n;
  n.event = type;
  n.eventId = str(env["id"]);
  n.occurredAt = str(env["occurredAt"]);
  sdk::OrderSnapshot &o = n.order;
  o.id = d["id"].asString();
  o.orderNumber = d["orderNumber"].asString();
  o.userId = d["userId"].asString();
  o.sellerId = str(d["sellerId"]);
  o.status = d["status"].asString();
  o.currency = d["currency"].asString();
  o.subtotalMinor = d["subtotalMinor"].asInt64();
  o.shippingMinor = d["shippingMinor"].asInt64();
  o.totalMinor = d["totalMinor"].asInt64();
  o.createdAt = d["createdAt"].asString();
  for (const Json::Value &i : d["items"]) {
    sdk::LineItem li;
    li.productId = i["productId"].asString();
    li.variantId = str(i["variantId"]);
    li.sellerId = str(i["sellerId"]);
    li.title = i["title"].asString();
    li.quantity = i["quantity"].asInt64();
    li.unitPrice = sdk::Money{i["unitPriceMinor"].asInt64(), o.currency};
    li.lineTotal = sdk::Money{i["lineTotalMinor"].asInt64(), o.currency};
    o.items.push_back(std::move(li));
  }
  try {
    if (d["shippingAddress"].isObject()) o.shippingAddress = sdk::fromJsonOrThrow<sdk::Address>(d["shippingAddress"]);
    if (d["customer"].isObject()) o.customer = sdk::fromJsonOrThrow<sdk::Party>(d["customer"]);
  } catch (const std::exception &) { // a snapshot the SDK cannot read: sent without it
  }
  n.recipient = o.customer;
  return n;
}

sdk::Result<std::vector<NotifierRoute>> NotificationDispatcher::routesFrom(const Json::Value &notifications,
                                                                           const plugins::PluginRegistry &plugins) {
  std::vector<NotifierRoute> out;
  const Json::Value &routes = notifications["routes"];
  if (routes.empty()) {
    for (plugins::PluginInstance *p : plugins.ofKind("notifier"))
      out.push_back(NotifierRoute{p, kDefaultTypes});
    return out;
  }
  for (Json::ArrayIndex i = 0; i < routes.size(); ++i) {
    NotifierRoute route;
    route.notifier = plugins.find("notifier", routes[i]["notifier"].asString());
    if (route.notifier == nullptr)
      return sdk::invalidArgument("/notifications/routes/" + std::to_string(i) + "/notifier: no notifier instance '" +
                                  routes[i]["notifier"].asString() + "'");
    for (const Json::Value &t : routes[i]["types"])
      route.types.insert(t.asString());
    if (route.types.empty()) route.types = kDefaultTypes;
    out.push_back(std::move(route));
  }
  return out;
}

NotificationDispatcher::NotificationDispatcher(storage::Database &db, metrics::MetricsRegistry &metrics,
                                               std::vector<NotifierRoute> routes, DispatcherOptions options)
    : db_(db), metrics_(metrics), routes_(std::move(routes)), options_(options) {
  metrics_.describe("orders_notifications_total", metrics::Type::counter,
                    "Notifications by notifier and outcome (sent, failed, dead).");
  metrics_.describe("orders_notification_passes_total", metrics::Type::counter,
                    "Completed dispatcher passes (each looks at every notifier's pending events once).");
}

NotificationDispatcher::~NotificationDispatcher() { stop(); }

bool NotificationDispatcher::deliver(const NotifierRoute &route, const core::OutboxRow &row, int attempts_so_far) {
  const std::string id = route.notifier->id();
  auto n = notificationFor(row.event_type, row.payload);
  sdk::Status sent = n.ok() ? sdk::Status() : sdk::Status(n.error());
  if (n.ok()) {
    auto r = core::notify(*route.notifier, n.value());
    if (!r.ok()) sent = r.error();
  }
  const int64_t attempts = attempts_so_far + 1;
  const bool ok = sent.ok();
  const bool dead = !ok && (attempts >= options_.max_attempts || !sent.error().retryable);
  const std::string status = ok ? "sent" : dead ? "dead" : "failed";
  const int64_t backoff = std::min<int64_t>(1000LL << std::min<int64_t>(attempts - 1, 20), 300000);
  const std::string error = ok ? "" : sent.error().message;
  db_.transaction([&](Poco::Data::Session &s) {
    db_.exec(s,
             "INSERT INTO notification_deliveries (notifier, event_id, status, attempts, last_error, "
             "next_attempt_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (notifier, event_id) "
             "DO UPDATE SET status = excluded.status, attempts = excluded.attempts, last_error = excluded.last_error, "
             "next_attempt_at_ms = excluded.next_attempt_at_ms, updated_at_ms = excluded.updated_at_ms",
             id, row.event_id, status, attempts, error, core::nowMs() + backoff, core::nowMs());
  });
  metrics_.increment("orders_notifications_total", {{"notifier", id}, {"outcome", status}});
  if (!ok)
    log::warn(dead ? "notification given up" : "notification failed; will retry",
              {{"notifier", id}, {"eventId", row.event_id}, {"attempts", std::to_string(attempts)}, {"error", error}});
  return ok;
}

int64_t NotificationDispatcher::readFloor() {
  int64_t floor = std::numeric_limits<int64_t>::max();
  auto lease = db_.lease();
  for (const NotifierRoute &route : routes_)
    floor = std::min(floor, cursorOf(db_, **lease, route.notifier->id()) - options_.rescan_ids);
  return std::max<int64_t>(floor, 0);
}

size_t NotificationDispatcher::purgeDeliveries(int64_t before_ms) {
  storage::RetentionRepository retention(db_);
  size_t deleted = 0;
  for (const NotifierRoute &route : routes_) {
    const std::string id = route.notifier->id();
    const int64_t below = [&] {
      auto lease = db_.lease();
      return cursorOf(db_, **lease, id) - options_.rescan_ids;
    }();
    deleted += storage::RetentionRepository::drain(
        [&] { return retention.notificationDeliveries(id, before_ms, below, kRetentionBatch); }, kRetentionBatch);
  }
  return deleted;
}

int NotificationDispatcher::pass(const NotifierRoute &route) {
  const std::string id = route.notifier->id();
  storage::OutboxRepository outbox;
  int sent = 0;
  std::vector<core::OutboxRow> rows;
  std::vector<std::pair<core::OutboxRow, int>> due;
  {
    auto lease = db_.lease();
    Poco::Data::Session &s = **lease;
    const int64_t cursor = cursorOf(db_, s, id);
    rows = outbox.page(s, std::max<int64_t>(0, cursor - options_.rescan_ids), options_.batch, false);
    // Failed deliveries whose backoff is over.
    Poco::Data::Statement st(s);
    std::string notifier = id;
    Poco::Int64 at = core::nowMs();
    Poco::Int32 max_attempts = options_.max_attempts;
    st << "SELECT o.id, o.event_id, o.event_type, o.aggregate_id, o.payload, o.created_at_ms, d.attempts "
          "FROM notification_deliveries d JOIN service_outbox o ON o.event_id = d.event_id "
          "WHERE d.notifier = $1 AND d.status = 'failed' AND d.next_attempt_at_ms <= $2 AND d.attempts < $3 "
          "ORDER BY o.id LIMIT 50",
        use(notifier), use(at), use(max_attempts);
    st.execute();
    for (storage::Rows r(st); r.valid(); r.next())
      due.emplace_back(core::OutboxRow{r.i64("id"), r.str("event_id"), r.str("event_type"), r.str("aggregate_id"),
                                       r.str("payload"), r.i64("created_at_ms"), std::nullopt},
                       static_cast<int>(r.i64("attempts")));
  }
  for (const auto &[row, attempts] : due)
    if (deliver(route, row, attempts)) ++sent;
  int64_t last = 0;
  for (const core::OutboxRow &row : rows) {
    last = std::max(last, row.id);
    if (route.types.count(row.event_type) == 0) continue;
    std::optional<Delivery> known;
    {
      auto lease = db_.lease();
      known = deliveryOf(db_, **lease, id, row.event_id);
    }
    if (known) continue; // sent, dead, or failed and waiting for its retry above
    if (deliver(route, row, 0)) ++sent;
  }
  if (last > 0)
    db_.transaction([&](Poco::Data::Session &s) {
      db_.exec(s, "UPDATE notifier_cursors SET last_id = $1 WHERE notifier = $2 AND last_id < $1", last, id);
    });
  return sent;
}

int NotificationDispatcher::runOnce() {
  int sent = 0;
  for (const NotifierRoute &route : routes_) {
    try {
      sent += pass(route);
    } catch (const std::exception &e) {
      log::error("notification pass failed", {{"notifier", route.notifier->id()}, {"error", e.what()}});
    }
  }
  metrics_.increment("orders_notification_passes_total");
  return sent;
}

void NotificationDispatcher::start() {
  if (routes_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      runOnce();
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms), [this] { return stopping_; });
    }
  });
}

void NotificationDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

} // namespace orders::host::events
