#include "events/event_bridge.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "domain/order.hpp"
#include "log/logger.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/client.hpp"
#include "plugins/plugin_instance.hpp"
#include "plugins/plugin_registry.hpp"
#include "storage/database.hpp"
#include "storage/retention_repository.hpp"

namespace orders::host::events {

namespace {

constexpr int kRetentionBatch = 1000;

// "<dialect instance>/<format>": the dialect plugin encodes.
sdk::Result<PublishRoute> dialectRoute(PublishRoute route, const std::string &name, const std::string &at,
                                       const plugins::PluginRegistry &plugins) {
  const size_t slash = name.find('/');
  const std::string id = name.substr(0, slash), format = name.substr(slash + 1);
  plugins::PluginInstance *dialect = plugins.find("dialect", id);
  if (dialect == nullptr)
    return sdk::invalidArgument(at + "/format: '" + name + "' names no dialect instance '" + id + "'");
  const auto &table = dialect->methods<orders_dialect_v1_t>();
  auto spec = dialect->call<sdk::DialectSpec>("spec", table.routes, sdk::Empty{});
  if (!spec.ok()) return sdk::invalidArgument(at + "/format: dialect " + id + ": " + spec.error().message);
  if (std::find(spec->eventFormats.begin(), spec->eventFormats.end(), format) == spec->eventFormats.end())
    return sdk::invalidArgument(at + "/format: dialect " + id + " has no event format '" + format + "'");
  route.format_label = name;
  route.dialect_encoder = [dialect, format](const std::string &type,
                                            const std::string &payload) -> sdk::Result<std::optional<EncodedEvent>> {
    sdk::EventToEncode e;
    e.format = format;
    e.type = type;
    try {
      e.event = sdk::parseJson(payload);
    } catch (const std::exception &ex) {
      return sdk::invalidArgument(std::string("outbox payload is not JSON: ") + ex.what());
    }
    const auto &t = dialect->methods<orders_dialect_v1_t>();
    auto encoded = dialect->call<sdk::EncodedEvent>("encode_event", t.encode_event, e);
    if (!encoded.ok()) return encoded.error();
    if (!encoded->publish) return std::optional<EncodedEvent>();
    return std::optional<EncodedEvent>(
        EncodedEvent{encoded->type.value_or(type), std::move(encoded->value), std::move(encoded->key)});
  };
  return route;
}

sdk::Result<std::vector<PublishRoute>> publishRoutes(const Json::Value &publish,
                                                     const plugins::PluginRegistry &plugins) {
  std::vector<PublishRoute> out;
  for (Json::ArrayIndex i = 0; i < publish.size(); ++i) {
    const Json::Value &r = publish[i];
    const std::string at = "/events/publish/" + std::to_string(i);
    PublishRoute route;
    route.topic = r["topic"].asString();
    for (const Json::Value &t : r["types"])
      route.types.push_back(t.asString());
    if (route.types.empty()) route.types.push_back("*");
    const std::string name = r.get("format", "canonical").asString();
    if (name.find('/') != std::string::npos) {
      auto dialect = dialectRoute(std::move(route), name, at, plugins);
      if (!dialect.ok()) return dialect.error();
      out.push_back(std::move(dialect).value());
      continue;
    }
    auto format = parseEventFormat(name);
    if (!format) return sdk::invalidArgument(at + "/format: unknown format '" + name + "'");
    route.format = *format;
    route.format_label = name;
    out.push_back(std::move(route));
  }
  return out;
}

sdk::Result<std::vector<ConsumeRoute>> consumeRoutes(const Json::Value &consume, const plugins::PluginRegistry &plugins,
                                                     plugins::PluginInstance *default_payment) {
  std::vector<ConsumeRoute> out;
  for (Json::ArrayIndex i = 0; i < consume.size(); ++i) {
    const Json::Value &r = consume[i];
    const std::string at = "/events/consume/" + std::to_string(i);
    ConsumeRoute route;
    route.topic = r["topic"].asString();
    if (r.isMember("dialect")) {
      if (r.isMember("payment_instance"))
        return sdk::invalidArgument(at + ": name a dialect or a payment_instance, not both");
      route.dialect = plugins.find("dialect", r["dialect"].asString());
      if (route.dialect == nullptr)
        return sdk::invalidArgument(at + "/dialect: no dialect instance '" + r["dialect"].asString() + "'");
      if (route.dialect->methods<orders_dialect_v1_t>().parse_event == nullptr)
        return sdk::invalidArgument(at + "/dialect: dialect '" + route.dialect->id() +
                                    "' parses no payment messages (it was built before ABI 1.5 or offers none)");
      out.push_back(std::move(route));
      continue;
    }
    if (r.isMember("payment_instance")) {
      route.payment = plugins.find("payment", r["payment_instance"].asString());
      if (route.payment == nullptr)
        return sdk::invalidArgument(at + "/payment_instance: no payment instance '" + r["payment_instance"].asString() +
                                    "'");
    } else {
      route.payment = default_payment;
    }
    if (route.payment == nullptr) return sdk::invalidArgument(at + ": no payment instance to parse its messages");
    out.push_back(std::move(route));
  }
  return out;
}

KafkaSettings producerSettings(const Json::Value &kafka) {
  return kafkaSettings(kafka, KafkaRole::producer, {{"enable.idempotence", "true"}, {"linger.ms", "5"}}, {});
}

KafkaSettings consumerSettings(const Json::Value &kafka) {
  return kafkaSettings(kafka, KafkaRole::consumer, {{"auto.offset.reset", "earliest"}},
                       {{"group.id", kafka["consumer_group_id"].asString()},
                        {"enable.auto.commit", "false"},
                        {"enable.auto.offset.store", "false"}});
}

} // namespace

sdk::Result<sdk::Empty> EventBridge::check(const Json::Value &config, const plugins::PluginRegistry &plugins,
                                           plugins::PluginInstance *default_payment) {
  const Json::Value &kafka = config["kafka"];
  auto routes = publishRoutes(config["events"]["publish"], plugins);
  if (!routes.ok()) return routes.error();
  auto notifiers = NotificationDispatcher::routesFrom(config["notifications"], plugins);
  if (!notifiers.ok()) return notifiers.error();
  if (kafka["bootstrap_servers"].asString().empty()) return sdk::Empty{};
  auto consume = consumeRoutes(config["events"]["consume"], plugins, default_payment);
  if (!consume.ok()) return consume.error();
  for (const KafkaSettings &settings : {producerSettings(kafka), consumerSettings(kafka)}) {
    auto valid = validateKafkaSettings(settings);
    if (!valid.ok()) return sdk::Error{valid.error().code, "/kafka: " + valid.error().message, false};
  }
  return sdk::Empty{};
}

sdk::Result<std::unique_ptr<EventBridge>> EventBridge::create(const Json::Value &config, storage::Database &db,
                                                              const plugins::PluginRegistry &plugins,
                                                              plugins::PluginInstance *default_payment,
                                                              core::PaymentReactor &reactor,
                                                              metrics::MetricsRegistry &metrics) {
  std::unique_ptr<EventBridge> bridge(new EventBridge(db, metrics));
  const Json::Value &events = config["events"];
  const Json::Value &kafka = config["kafka"];
  bridge->retention_ms_ = events["retention"]["published_max_age_seconds"].asInt64() * 1000;
  bridge->notification_retention_ms_ = config["orders"]["retention"]["notifications_max_age_seconds"].asInt64() * 1000;
  bridge->publishes_ = !kafka["bootstrap_servers"].asString().empty() && !events["publish"].empty();
  metrics.describe("orders_outbox_backlog", metrics::Type::gauge, "Outbox rows not yet published.");
  metrics.describe("orders_outbox_oldest_unpublished_age_seconds", metrics::Type::gauge,
                   "Age of the oldest unpublished outbox row (0 when none).");
  const Json::Value &notifications = config["notifications"];
  if (notifications["enabled"].asBool()) {
    auto routes = NotificationDispatcher::routesFrom(notifications, plugins);
    if (!routes.ok()) return routes.error();
    if (!routes->empty()) {
      DispatcherOptions options;
      options.poll_interval_ms = notifications["poll_interval_ms"].asInt();
      options.max_attempts = notifications["max_attempts"].asInt();
      bridge->notifications_ =
          std::make_unique<NotificationDispatcher>(db, metrics, std::move(routes).value(), options);
    }
  }
  if (kafka["bootstrap_servers"].asString().empty()) return bridge;

  const KafkaSettings producer = producerSettings(kafka);
  auto routes = publishRoutes(events["publish"], plugins);
  if (!routes.ok()) return routes.error();
  const Json::Value &relay = kafka["relay"];
  if (relay["enabled"].asBool() && !routes->empty()) {
    RelayOptions options;
    options.batch_size = relay["batch_size"].asInt();
    options.idle_poll_ms = relay["idle_poll_ms"].asInt();
    options.delivery_timeout_ms = relay["delivery_timeout_ms"].asInt();
    options.max_backoff_ms = relay["max_backoff_ms"].asInt();
    auto created = OutboxRelay::create(db, metrics, producer, std::move(routes).value(), options);
    if (!created.ok()) return sdk::Error{created.error().code, "/kafka: " + created.error().message, false};
    bridge->relay_ = std::move(created).value();
  }
  auto consume = consumeRoutes(events["consume"], plugins, default_payment);
  if (!consume.ok()) return consume.error();
  const Json::Value &consumer = kafka["consumer"];
  if (consumer["enabled"].asBool() && !consume->empty()) {
    const KafkaSettings settings = consumerSettings(kafka);
    ConsumerOptions options;
    options.max_backoff_ms = consumer["max_backoff_ms"].asInt();
    auto created = PaymentConsumer::create(settings, producer, std::move(consume).value(), reactor, metrics, options);
    if (!created.ok()) return sdk::Error{created.error().code, "/kafka: " + created.error().message, false};
    bridge->consumer_ = std::move(created).value();
  }
  return bridge;
}

EventBridge::~EventBridge() { stop(); }

void EventBridge::housekeepingOnce() {
  try {
    storage::OutboxRepository repo;
    const auto backlog = [&] {
      auto lease = db_.lease(); // returned before the purge's transaction leases one
      return repo.backlog(**lease);
    }();
    metrics_.set("orders_outbox_backlog", {}, static_cast<double>(backlog.rows));
    const double age =
        backlog.oldest_created_at_ms ? static_cast<double>(core::nowMs() - *backlog.oldest_created_at_ms) / 1000.0 : 0;
    metrics_.set("orders_outbox_oldest_unpublished_age_seconds", {}, age);
    if (retention_ms_ > 0) {
      const int64_t before = core::nowMs() - retention_ms_;
      const int64_t below = notifications_ ? notifications_->readFloor() : std::numeric_limits<int64_t>::max();
      const size_t purged = storage::RetentionRepository::drain(
          [&] {
            size_t n = 0;
            db_.transaction([&](Poco::Data::Session &s) {
              n = publishes_ ? repo.purgePublished(s, before, kRetentionBatch, below)
                             : repo.purgeUnpublishable(s, before, kRetentionBatch, below);
            });
            return n;
          },
          kRetentionBatch);
      if (purged > 0)
        log::info(publishes_ ? "outbox retention: deleted published rows" : "outbox retention: deleted rows",
                  {{"count", std::to_string(purged)}});
    }
    if (notifications_ && notification_retention_ms_ > 0) {
      const size_t purged = notifications_->purgeDeliveries(core::nowMs() - notification_retention_ms_);
      if (purged > 0) log::info("notification retention: deleted deliveries", {{"count", std::to_string(purged)}});
    }
  } catch (const std::exception &e) {
    log::error("outbox housekeeping failed", {{"error", e.what()}});
  }
}

void EventBridge::start() {
  if (relay_) relay_->start();
  if (consumer_) consumer_->start();
  if (notifications_) notifications_->start();
  if (housekeeper_.joinable()) return;
  housekeeper_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      housekeepingOnce();
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  });
}

void EventBridge::stop() {
  if (notifications_) notifications_->stop();
  if (consumer_) consumer_->stop();
  if (relay_) relay_->stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (housekeeper_.joinable()) housekeeper_.join();
}

} // namespace orders::host::events
