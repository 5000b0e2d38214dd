#include "events/outbox_relay.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "core/order.hpp"
#include "log/logger.hpp"
#include "metrics/metrics_registry.hpp"
#include "storage/database.hpp"

namespace orders::host::events {

bool PublishRoute::matches(const std::string &type) const {
  return std::any_of(types.begin(), types.end(), [&](const std::string &t) { return t == "*" || t == type; });
}

OutboxRelay::OutboxRelay(storage::Database &db, metrics::MetricsRegistry &metrics, std::vector<PublishRoute> routes,
                         RelayOptions options)
    : db_(db), metrics_(metrics), routes_(std::move(routes)), options_(options) {}

sdk::Result<std::unique_ptr<OutboxRelay>> OutboxRelay::create(storage::Database &db, metrics::MetricsRegistry &metrics,
                                                              KafkaSettings settings, std::vector<PublishRoute> routes,
                                                              RelayOptions options) {
  std::unique_ptr<OutboxRelay> relay(new OutboxRelay(db, metrics, std::move(routes), options));
  settings["message.timeout.ms"] = std::to_string(options.delivery_timeout_ms);
  OutboxRelay *self = relay.get();
  auto handle = createKafkaClient(KafkaRole::producer, settings, [self](rd_kafka_conf_t *conf) {
    rd_kafka_conf_set_opaque(conf, self);
    rd_kafka_conf_set_dr_msg_cb(conf, &OutboxRelay::onDelivery);
  });
  if (!handle.ok()) return handle.error();
  relay->producer_ = std::move(handle).value();
  metrics.describe("orders_outbox_published_total", metrics::Type::counter,
                   "Outbox rows acknowledged by Kafka and marked published.");
  metrics.describe("orders_outbox_delivery_errors_total", metrics::Type::counter,
                   "Messages Kafka did not acknowledge (retried with backoff).");
  return relay;
}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::onDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *opaque) {
  auto *self = static_cast<OutboxRelay *>(opaque);
  const auto index = reinterpret_cast<uintptr_t>(message->_private);
  if (index == 0 || index > self->slots_.size()) return;
  Slot &slot = self->slots_[index - 1];
  slot.pending -= 1;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    slot.failed = true;
    self->metrics_.increment("orders_outbox_delivery_errors_total", {{"topic", rd_kafka_topic_name(message->rkt)},
                                                                     {"error", rd_kafka_err2name(message->err)}});
  }
}

RelayPass OutboxRelay::runOnce() {
  RelayPass pass;
  auto lease = db_.lease();
  Poco::Data::Session &s = **lease;
  const bool postgres = db_.engine() == storage::Engine::postgres;
  if (postgres) s.begin();
  try {
    std::vector<storage::OutboxRow> rows = repo_.claim(s, options_.batch_size, db_.forUpdateSkipLocked());
    pass.claimed = rows.size();
    if (postgres && !rows.empty()) rows = holdBack(s, std::move(rows), pass);
    std::vector<bool> delivered = deliver(rows);
    // Per order, only the prefix up to the first failure: a later event must
    // not count as published while an earlier one will be sent again.
    std::set<std::string> broken;
    std::vector<int64_t> done;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (broken.count(rows[i].aggregate_id) != 0) continue;
      if (delivered[i])
        done.push_back(rows[i].id);
      else
        broken.insert(rows[i].aggregate_id);
      if (!delivered[i]) pass.failed += 1;
    }
    if (!postgres && !done.empty()) s.begin(); // SQLite: the two marking statements together
    repo_.markPublished(s, done, core::nowMs());
    if (s.isTransaction()) s.commit();
    pass.published = done.size();
  } catch (...) {
    if (s.isTransaction()) {
      try {
        s.rollback();
      } catch (...) {
      }
    }
    throw;
  }
  if (pass.published > 0) metrics_.increment("orders_outbox_published_total", {}, static_cast<double>(pass.published));
  return pass;
}

std::vector<storage::OutboxRow> OutboxRelay::holdBack(Poco::Data::Session &s, std::vector<storage::OutboxRow> rows,
                                                      RelayPass &pass) {
  std::vector<int64_t> ids;
  for (const auto &r : rows)
    ids.push_back(r.id);
  // For each order, the first unpublished event this relay does not hold:
  // its own events from there on must wait.
  std::map<std::string, int64_t> first_foreign;
  for (const auto &[id, aggregate] : repo_.heldElsewhere(s, ids))
    first_foreign.emplace(aggregate, id);
  std::vector<storage::OutboxRow> out;
  for (auto &r : rows) {
    auto it = first_foreign.find(r.aggregate_id);
    if (it != first_foreign.end() && it->second < r.id)
      pass.held_back += 1;
    else
      out.push_back(std::move(r));
  }
  return out;
}

bool OutboxRelay::produce(size_t slot, const std::string &topic, const storage::OutboxRow &row,
                          const EncodedEvent &event) {
  static const char kContentType[] = "application/json";
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(row.aggregate_id.data(), row.aggregate_id.size()),
        RD_KAFKA_V_VALUE(const_cast<char *>(event.value.data()), event.value.size()),
        RD_KAFKA_V_HEADER("event-id", row.event_id.data(), static_cast<ssize_t>(row.event_id.size())),
        RD_KAFKA_V_HEADER("event-type", event.type.data(), static_cast<ssize_t>(event.type.size())),
        RD_KAFKA_V_HEADER("content-type", kContentType, static_cast<ssize_t>(sizeof kContentType - 1)),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void *>(static_cast<uintptr_t>(slot + 1))), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      metrics_.increment("orders_outbox_delivery_errors_total", {{"topic", topic}, {"error", rd_kafka_err2name(err)}});
      log::warn("outbox relay: produce failed", {{"topic", topic}, {"error", rd_kafka_err2str(err)}});
      return false;
    }
    rd_kafka_poll(producer_.get(), 50); // local queue full: serve delivery reports, then try again
  }
}

std::vector<bool> OutboxRelay::deliver(const std::vector<storage::OutboxRow> &rows) {
  slots_.assign(rows.size(), Slot{});
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const PublishRoute &route : routes_) {
      if (!route.matches(rows[i].event_type)) continue;
      auto encoded = encodeEvent(route.format, rows[i].event_type, rows[i].payload);
      if (!encoded.ok()) {
        log::error(
            "outbox relay: cannot encode event",
            {{"eventId", rows[i].event_id}, {"format", formatName(route.format)}, {"error", encoded.error().message}});
        slots_[i].failed = true;
        continue;
      }
      if (!encoded.value()) continue; // this dialect has no such event
      if (produce(i, route.topic, rows[i], *encoded.value()))
        slots_[i].pending += 1;
      else
        slots_[i].failed = true;
    }
  }
  // message.timeout.ms bounds every message, so this returns with every
  // report served; anything left is purged (and so reported as failed).
  rd_kafka_flush(producer_.get(), options_.delivery_timeout_ms + 5000);
  if (rd_kafka_outq_len(producer_.get()) > 0) {
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(producer_.get(), 1000);
  }
  std::vector<bool> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    out[i] = !slots_[i].failed && slots_[i].pending == 0;
  slots_.clear();
  return out;
}

bool OutboxRelay::waitFor(int ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

void OutboxRelay::loop() {
  int backoff_ms = 0;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    RelayPass pass;
    bool ok = true;
    try {
      pass = runOnce();
    } catch (const std::exception &e) {
      ok = false;
      log::error("outbox relay pass failed", {{"error", e.what()}});
    }
    if (!ok || pass.failed > 0) {
      backoff_ms = std::min(backoff_ms == 0 ? 100 : backoff_ms * 2, options_.max_backoff_ms);
      if (pass.failed > 0)
        log::warn("outbox relay: deliveries failed, retrying",
                  {{"rows", std::to_string(pass.failed)}, {"backoffMs", std::to_string(backoff_ms)}});
      if (!waitFor(backoff_ms)) return;
      continue;
    }
    backoff_ms = 0;
    const bool full = pass.claimed >= static_cast<size_t>(options_.batch_size) && pass.held_back == 0;
    if (!full && !waitFor(options_.idle_poll_ms)) return;
  }
}

void OutboxRelay::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void OutboxRelay::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

} // namespace orders::host::events
