#include "events/outbox_relay.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "domain/order.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
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
  metrics.describe("orders_outbox_parked_total", metrics::Type::counter,
                   "Events the relay cannot encode, parked in outbox_parked (never published; see /api/admin/outbox).");
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
  // 1. Claim: a short transaction leases free queue rows (FOR UPDATE SKIP
  //    LOCKED keeps two relays off the same rows while they lease them) and
  //    holds back events whose order has an earlier event still queued.
  std::vector<storage::OutboxRow> rows;
  const int64_t lease_ms = 2 * options_.delivery_timeout_ms + 10000; // outlives every flush
  db_.transaction([&](Poco::Data::Session &s) {
    pass = RelayPass{};
    rows = repo_.claimFree(s, options_.batch_size, db_.forUpdateSkipLocked(), core::nowMs());
    pass.claimed = rows.size();
    if (!rows.empty()) rows = holdBack(s, std::move(rows), pass);
    std::vector<int64_t> ids;
    for (const auto &r : rows)
      ids.push_back(r.id);
    repo_.lease(s, ids, core::nowMs() + lease_ms);
  });
  if (rows.empty()) return pass;

  // 2. Publish with no transaction and no row lock held.
  std::vector<std::string> unencodable;
  std::vector<bool> delivered = deliver(rows, unencodable);

  // 3. Mark. Per order, only the prefix up to the first failure: a later
  //    event must not count as published while an earlier one will be sent
  //    again. An event that cannot be encoded is parked, not retried.
  std::set<std::string> broken;
  std::vector<int64_t> done, retry;
  std::vector<size_t> parked;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!unencodable[i].empty()) {
      parked.push_back(i);
      continue;
    }
    if (broken.count(rows[i].aggregate_id) != 0) {
      retry.push_back(rows[i].id);
      continue;
    }
    if (delivered[i]) {
      done.push_back(rows[i].id);
    } else {
      broken.insert(rows[i].aggregate_id);
      retry.push_back(rows[i].id);
      pass.failed += 1;
    }
  }
  db_.transaction([&](Poco::Data::Session &s) {
    repo_.markPublished(s, done, core::nowMs());
    repo_.lease(s, retry, std::nullopt); // the next pass sends them again, in order
    for (size_t i : parked)
      repo_.park(s, rows[i].id, unencodable[i], core::nowMs());
  });
  pass.published = done.size();
  pass.parked = parked.size();
  if (pass.published > 0) metrics_.increment("orders_outbox_published_total", {}, static_cast<double>(pass.published));
  if (pass.parked > 0) metrics_.increment("orders_outbox_parked_total", {}, static_cast<double>(pass.parked));
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
  const std::string &key = event.key ? *event.key : row.aggregate_id; // a dialect's key is one per order too
  // An event written inside a trace is published inside it: a producer span
  // whose context the message carries as its traceparent header.
  std::optional<trace::Span> span;
  if (row.traceparent)
    if (auto parent = trace::parseTraceparent(*row.traceparent, row.tracestate.value_or("")))
      span.emplace("publish " + topic, trace::Kind::producer, parent);
  if (span) {
    span->set("messaging.system", "kafka");
    span->set("messaging.destination.name", topic);
    span->set("messaging.message.id", row.event_id);
    span->set("event.type", event.type);
  }
  const std::string traceparent = span ? span->context().traceparent() : std::string();
  const std::string tracestate = span ? span->context().tracestate : std::string();
  for (;;) {
    rd_kafka_headers_t *headers = rd_kafka_headers_new(5);
    rd_kafka_header_add(headers, "event-id", -1, row.event_id.data(), static_cast<ssize_t>(row.event_id.size()));
    rd_kafka_header_add(headers, "event-type", -1, event.type.data(), static_cast<ssize_t>(event.type.size()));
    rd_kafka_header_add(headers, "content-type", -1, kContentType, static_cast<ssize_t>(sizeof kContentType - 1));
    if (!traceparent.empty())
      rd_kafka_header_add(headers, "traceparent", -1, traceparent.data(), static_cast<ssize_t>(traceparent.size()));
    if (!tracestate.empty())
      rd_kafka_header_add(headers, "tracestate", -1, tracestate.data(), static_cast<ssize_t>(tracestate.size()));
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char *>(event.value.data()), event.value.size()), RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void *>(static_cast<uintptr_t>(slot + 1))), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true; // the message owns the headers now
    rd_kafka_headers_destroy(headers);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      metrics_.increment("orders_outbox_delivery_errors_total", {{"topic", topic}, {"error", rd_kafka_err2name(err)}});
      log::warn("outbox relay: produce failed", {{"topic", topic}, {"error", rd_kafka_err2str(err)}});
      if (span) span->fail(rd_kafka_err2str(err));
      return false;
    }
    rd_kafka_poll(producer_.get(), 50); // local queue full: serve delivery reports, then try again
  }
}

std::vector<bool> OutboxRelay::deliver(const std::vector<storage::OutboxRow> &rows,
                                       std::vector<std::string> &unencodable) {
  slots_.assign(rows.size(), Slot{});
  unencodable.assign(rows.size(), std::string());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const PublishRoute &route : routes_) {
      if (!route.matches(rows[i].event_type)) continue;
      auto encoded = route.dialect_encoder ? route.dialect_encoder(rows[i].event_type, rows[i].payload)
                                           : encodeEvent(route.format, rows[i].event_type, rows[i].payload);
      if (!encoded.ok()) {
        log::error("outbox relay: cannot encode event; parked",
                   {{"eventId", rows[i].event_id}, {"format", route.format_label}, {"error", encoded.error().message}});
        unencodable[i] = route.format_label + ": " + encoded.error().message;
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
