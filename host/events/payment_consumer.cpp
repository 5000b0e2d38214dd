#include "events/payment_consumer.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <utility>

#include "auth/auth_util.hpp"
#include "core/checkout_service.hpp"
#include "core/core_plugins.hpp"
#include "core/payment_reactor.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/contract.hpp"
#include "plugins/plugin_instance.hpp"

namespace orders::host::events {

namespace {

// Every message handed out before a revocation was applied and its offset
// committed synchronously, so a rebalance only has to (un)assign.
void onRebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *partitions, void *) {
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative)
      rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, partitions));
    else
      rd_kafka_assign(rk, partitions);
    log::info("kafka consumer: partitions assigned", {{"count", std::to_string(partitions->cnt)}});
  } else {
    if (cooperative)
      rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, partitions));
    else
      rd_kafka_assign(rk, nullptr);
    log::info("kafka consumer: partitions revoked", {{"count", std::to_string(partitions->cnt)}});
  }
}

std::string topicOf(const rd_kafka_message_t &m) { return m.rkt != nullptr ? rd_kafka_topic_name(m.rkt) : ""; }

std::string derivedEventId(const std::string &topic, std::string_view value) {
  std::string material = topic;
  material.push_back('\0');
  material.append(value);
  return "sha256:" + auth::hex(auth::sha256(material));
}

sdk::InboundMessage inbound(const rd_kafka_message_t &m) {
  sdk::InboundMessage in;
  in.source = "kafka";
  in.topic = topicOf(m);
  if (m.key != nullptr) in.key = std::string(static_cast<const char *>(m.key), m.key_len);
  rd_kafka_headers_t *headers = nullptr;
  if (rd_kafka_message_headers(&m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char *name = nullptr;
    const void *value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      std::string key(name);
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
      in.headers[key] = value != nullptr ? std::string(static_cast<const char *>(value), size) : "";
    }
  }
  return in;
}

} // namespace

PaymentConsumer::PaymentConsumer(std::vector<ConsumeRoute> routes, core::PaymentReactor &reactor,
                                 metrics::MetricsRegistry &metrics, ConsumerOptions options)
    : routes_(std::move(routes)), reactor_(reactor), metrics_(metrics), options_(options) {}

sdk::Result<std::unique_ptr<PaymentConsumer>>
PaymentConsumer::create(const KafkaSettings &consumer_settings, const KafkaSettings &producer_settings,
                        std::vector<ConsumeRoute> routes, core::PaymentReactor &reactor,
                        metrics::MetricsRegistry &metrics, ConsumerOptions options) {
  std::unique_ptr<PaymentConsumer> c(new PaymentConsumer(std::move(routes), reactor, metrics, options));
  auto consumer = createKafkaClient(KafkaRole::consumer, consumer_settings,
                                    [](rd_kafka_conf_t *conf) { rd_kafka_conf_set_rebalance_cb(conf, &onRebalance); });
  if (!consumer.ok()) return consumer.error();
  c->consumer_ = std::move(consumer).value();
  PaymentConsumer *self = c.get();
  KafkaSettings dlq_settings = producer_settings;
  dlq_settings["message.timeout.ms"] = std::to_string(options.dlq_timeout_ms);
  auto dlq = createKafkaClient(KafkaRole::producer, dlq_settings, [self](rd_kafka_conf_t *conf) {
    rd_kafka_conf_set_opaque(conf, self);
    rd_kafka_conf_set_dr_msg_cb(conf, &PaymentConsumer::onDlqDelivery);
  });
  if (!dlq.ok()) return dlq.error();
  c->dlq_ = std::move(dlq).value();
  rd_kafka_poll_set_consumer(c->consumer_.get());

  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(static_cast<int>(c->routes_.size()));
  for (const ConsumeRoute &r : c->routes_)
    rd_kafka_topic_partition_list_add(topics, r.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(c->consumer_.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return sdk::invalidArgument(std::string("/events/consume: cannot subscribe: ") + rd_kafka_err2str(err));
  metrics.describe("orders_payment_events_total", metrics::Type::counter,
                   "Kafka payment messages by topic and outcome (applied, duplicate, ignored, dead_lettered...).");
  metrics.describe(
      "orders_payment_consumer_lag_messages", metrics::Type::gauge,
      "Messages of an assigned partition not yet consumed (high watermark minus position), refreshed each second.");
  metrics.describe("orders_payment_event_retries_total", metrics::Type::counter,
                   "Kafka payment messages retried after a retryable failure.");
  return c;
}

PaymentConsumer::~PaymentConsumer() {
  stop();
  if (consumer_) rd_kafka_consumer_close(consumer_.get());
}

void PaymentConsumer::onDlqDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *opaque) {
  auto *self = static_cast<PaymentConsumer *>(opaque);
  self->dlq_pending_ -= 1;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) self->dlq_error_ = message->err;
}

void PaymentConsumer::count(const std::string &topic, const std::string &outcome) {
  metrics_.increment("orders_payment_events_total", {{"topic", topic}, {"outcome", outcome}});
}

PaymentConsumer::Verdict PaymentConsumer::deadLetter(const rd_kafka_message_t &m, const std::string &topic,
                                                     const std::string &error) {
  const std::string dlq_topic = topic + ".dlq";
  rd_kafka_headers_t *headers = nullptr;
  rd_kafka_headers_t *original = nullptr;
  if (rd_kafka_message_headers(&m, &original) == RD_KAFKA_RESP_ERR_NO_ERROR)
    headers = rd_kafka_headers_copy(original);
  else
    headers = rd_kafka_headers_new(4);
  const std::string partition = std::to_string(m.partition);
  const std::string offset = std::to_string(m.offset);
  rd_kafka_header_add(headers, "error", -1, error.data(), static_cast<ssize_t>(error.size()));
  rd_kafka_header_add(headers, "source-topic", -1, topic.data(), static_cast<ssize_t>(topic.size()));
  rd_kafka_header_add(headers, "source-partition", -1, partition.data(), static_cast<ssize_t>(partition.size()));
  rd_kafka_header_add(headers, "source-offset", -1, offset.data(), static_cast<ssize_t>(offset.size()));
  dlq_pending_ = 1;
  dlq_error_ = 0;
  rd_kafka_resp_err_t err =
      rd_kafka_producev(dlq_.get(), RD_KAFKA_V_TOPIC(dlq_topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_KEY(m.key, m.key_len), RD_KAFKA_V_VALUE(m.payload, m.len),
                        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(headers); // ownership passes only on success
    dlq_pending_ = 0;
    dlq_error_ = err;
  } else {
    rd_kafka_flush(dlq_.get(), options_.dlq_timeout_ms + 2000);
  }
  if (dlq_pending_ != 0 || dlq_error_ != 0) {
    log::error("kafka consumer: dead-letter publish failed; will retry",
               {{"topic", dlq_topic}, {"error", rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(dlq_error_))}});
    return Verdict::retry;
  }
  log::warn("kafka consumer: message dead-lettered",
            {{"topic", topic}, {"partition", partition}, {"offset", offset}, {"error", error}});
  count(topic, "dead_lettered");
  return Verdict::done;
}

PaymentConsumer::Verdict PaymentConsumer::handle(const rd_kafka_message_t &m) {
  const std::string topic = topicOf(m);
  auto route = std::find_if(routes_.begin(), routes_.end(), [&](const ConsumeRoute &r) { return r.topic == topic; });
  if (route == routes_.end()) { // not subscribed: cannot happen, but never drop silently
    return deadLetter(m, topic, "no consume route for topic " + topic);
  }
  const std::string_view value(m.payload != nullptr ? static_cast<const char *>(m.payload) : "", m.len);
  const sdk::InboundMessage in = inbound(m);
  // The message's processing is a span in the producer's trace (its
  // traceparent header), or the root of a new one: the plugin's parse, the
  // payment's transaction and the events it writes all belong to it.
  auto header = [&in](const char *name) {
    auto it = in.headers.find(name);
    return it == in.headers.end() ? std::string() : it->second;
  };
  trace::Span span("consume " + topic, trace::Kind::consumer,
                   trace::parseTraceparent(header("traceparent"), header("tracestate")));
  span.set("messaging.system", "kafka");
  span.set("messaging.destination.name", topic);
  span.set("messaging.kafka.offset", static_cast<int64_t>(m.offset));
  auto parsed = route->dialect != nullptr ? core::parseDialectEvent(*route->dialect, in, value)
                                          : core::parsePaymentEvent(*route->payment, in, value);
  if (!parsed.ok()) {
    span.fail(parsed.error().message);
    if (parsed.error().retryable) {
      log::warn("kafka consumer: payment plugin failed; will retry",
                {{"topic", topic}, {"error", parsed.error().message}});
      return Verdict::retry;
    }
    return deadLetter(m, topic, parsed.error().message);
  }
  if (parsed->outcome != sdk::wireName(sdk::EventOutcome::event) || !parsed->event) {
    count(topic, "ignored");
    return Verdict::done;
  }
  sdk::PaymentEvent event = *parsed->event;
  plugins::PluginInstance &reader = route->reader();
  if (event.source.empty()) event.source = reader.id();
  // A message that names no event (seed 002's {type, order_id, amount}) is
  // known by its content: a redelivery, or the producer sending it again,
  // is then a duplicate, applied once.
  if (event.eventId.empty()) event.eventId = derivedEventId(topic, value);
  // A dialect's events may settle only orders no payment instance of ours
  // owns (checkout.payment: none); "dialect:<id>" never names one.
  const std::string via = route->dialect != nullptr ? "dialect:" + reader.id() : reader.id();
  sdk::Result<core::ApplyOutcome> applied = sdk::internalError("not applied");
  try {
    applied = reactor_.apply(event, "kafka:" + reader.id(), via);
  } catch (const std::exception &e) {
    applied = sdk::internalError(e.what());
  }
  if (!applied.ok()) {
    span.fail(applied.error().message);
    const auto code = applied.error().code;
    if (code == sdk::ErrorCode::invalid_argument) return deadLetter(m, topic, applied.error().message);
    log::warn("kafka consumer: applying payment event failed; will retry",
              {{"topic", topic}, {"eventId", event.eventId}, {"error", applied.error().message}});
    return Verdict::retry;
  }
  core::crashPoint("kafka_applied"); // tests: die between the DB commit and the offset commit
  count(topic, applied->outcome);
  return Verdict::done;
}

bool PaymentConsumer::waitFor(int ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

// orders_payment_consumer_lag_messages{topic,partition}: the partition's
// high watermark (librdkafka's cached value, from the last fetch: no broker
// round trip) minus this consumer's position, for each assigned partition.
// A partition reported before and no longer assigned (or without a position)
// goes to 0 here: another replica reports it now.
void PaymentConsumer::reportLag() {
  rd_kafka_topic_partition_list_t *assigned = nullptr;
  const rd_kafka_resp_err_t got = rd_kafka_assignment(consumer_.get(), &assigned);
  std::set<std::pair<std::string, int32_t>> reported;
  if (got == RD_KAFKA_RESP_ERR_NO_ERROR && assigned != nullptr &&
      rd_kafka_position(consumer_.get(), assigned) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < assigned->cnt; ++i) {
      const rd_kafka_topic_partition_t &p = assigned->elems[i];
      int64_t low = 0, high = 0;
      // No position yet (nothing fetched since the assignment) or no
      // watermark yet: not known, so not reported.
      if (p.offset < 0 ||
          rd_kafka_get_watermark_offsets(consumer_.get(), p.topic, p.partition, &low, &high) !=
              RD_KAFKA_RESP_ERR_NO_ERROR ||
          high < 0)
        continue;
      const int64_t lag = std::max<int64_t>(0, high - p.offset);
      metrics_.set("orders_payment_consumer_lag_messages",
                   {{"topic", p.topic}, {"partition", std::to_string(p.partition)}}, static_cast<double>(lag));
      reported.emplace(p.topic, p.partition);
    }
  }
  if (assigned != nullptr) rd_kafka_topic_partition_list_destroy(assigned);
  for (const auto &[topic, partition] : lag_reported_)
    if (reported.count({topic, partition}) == 0)
      metrics_.set("orders_payment_consumer_lag_messages", {{"topic", topic}, {"partition", std::to_string(partition)}},
                   0);
  lag_reported_ = std::move(reported);
}

void PaymentConsumer::loop() {
  auto next_lag = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (const auto now = std::chrono::steady_clock::now(); now >= next_lag) {
      reportLag();
      next_lag = now + std::chrono::seconds(1);
    }
    rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer_.get(), 200);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
        log::warn("kafka consumer error", {{"error", rd_kafka_message_errstr(m)}});
      rd_kafka_message_destroy(m);
      continue;
    }
    int backoff_ms = 0;
    for (;;) {
      if (handle(*m) == Verdict::done) {
        rd_kafka_resp_err_t err = rd_kafka_commit_message(consumer_.get(), m, 0);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) // redelivered later; the inbox makes that a no-op
          log::warn("kafka consumer: offset commit failed", {{"error", rd_kafka_err2str(err)}});
        break;
      }
      metrics_.increment("orders_payment_event_retries_total", {{"topic", topicOf(*m)}});
      reportLag(); // a message stuck in retries is when the lag matters
      backoff_ms = std::min(backoff_ms == 0 ? 200 : backoff_ms * 2, options_.max_backoff_ms);
      if (!waitFor(backoff_ms)) break; // stopping: not committed, so redelivered after restart
    }
    rd_kafka_message_destroy(m);
  }
}

void PaymentConsumer::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void PaymentConsumer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

} // namespace orders::host::events
