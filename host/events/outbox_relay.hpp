// The outbox relay: moves committed service_outbox rows to Kafka.
//
// One pass, in three steps:
// 1. Claim (a short transaction): up to batch_size queue rows whose lease is
//    free (PostgreSQL: FOR UPDATE SKIP LOCKED while leasing, so relays of
//    other replicas take other rows); every row of an order whose earlier
//    event is still queued elsewhere is held back (one order's events reach
//    Kafka in order even with many relays); the rest are leased
//    (claimed_until_ms, 2 x delivery timeout + 10 s) and the transaction
//    commits.
// 2. Publish with no transaction open and no row locked: each row to every
//    route whose types match (keyed by order id, headers event-id /
//    event-type / content-type, idempotent producer), then wait for the
//    delivery reports.
// 3. Mark (a short transaction): rows Kafka acknowledged on every route are
//    dequeued and recorded in outbox_published, per order only up to its
//    first failure; the others are freed for the next pass. A row that cannot
//    be encoded is parked in outbox_parked with the error (counted in
//    orders_outbox_parked_total, shown by GET /api/admin/outbox) and does not
//    slow the relay down. A relay that dies keeps its rows leased until the
//    lease ends; then any relay publishes them again (at-least-once).
//
// Marking deletes the narrow queue rows; service_outbox rows are never
// rewritten. SQLite: one process per file, so one relay.
//
// Thread-safety: runOnce() is for one thread (the relay's own after start()).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <functional>

#include "events/event_formats.hpp"
#include "events/kafka_client.hpp"
#include "storage/outbox_repository.hpp"

struct rd_kafka_message_s;

namespace orders::host::metrics {
class MetricsRegistry;
}
namespace orders::host::storage {
class Database;
}

namespace orders::host::events {

struct PublishRoute {
  std::string topic;
  std::vector<std::string> types; // event types; "*" matches all
  EventFormat format = EventFormat::canonical;
  // A dialect's format ("<instance>/<format>"): encodes instead of `format`.
  std::function<sdk::Result<std::optional<EncodedEvent>>(const std::string &type, const std::string &payload)>
      dialect_encoder;
  std::string format_label = "canonical";
  bool matches(const std::string &type) const;
};

struct RelayOptions {
  int batch_size = 2000;           // per pass; a pass waits for all its delivery reports
  int idle_poll_ms = 100;          // wait when the outbox had less than a batch
  int delivery_timeout_ms = 10000; // message.timeout.ms: every message gets a verdict within it
  int max_backoff_ms = 10000;      // after failed deliveries, doubling from 100 ms
};

struct RelayPass {
  size_t claimed = 0;
  size_t published = 0; // rows marked published
  size_t failed = 0;    // rows with a failed delivery or encoding
  size_t held_back = 0; // rows waiting for an earlier event of their order
  size_t parked = 0;    // rows that cannot be encoded, moved out of the queue
};

class OutboxRelay {
public:
  // `settings`: the producer's librdkafka settings (see kafkaSettings()).
  static sdk::Result<std::unique_ptr<OutboxRelay>> create(storage::Database &db, metrics::MetricsRegistry &metrics,
                                                          KafkaSettings settings, std::vector<PublishRoute> routes,
                                                          RelayOptions options);
  ~OutboxRelay();

  // One claim/produce/mark pass. Throws on database errors.
  RelayPass runOnce();

  void start();
  void stop();

private:
  OutboxRelay(storage::Database &db, metrics::MetricsRegistry &metrics, std::vector<PublishRoute> routes,
              RelayOptions options);
  struct Slot {
    int pending = 0;
    bool failed = false;
  };
  static void onDelivery(rd_kafka_s *rk, const rd_kafka_message_s *message, void *opaque);
  std::vector<storage::OutboxRow> holdBack(Poco::Data::Session &s, std::vector<storage::OutboxRow> rows,
                                           RelayPass &pass);
  std::vector<bool> deliver(const std::vector<storage::OutboxRow> &rows, std::vector<std::string> &unencodable);
  bool produce(size_t slot, const std::string &topic, const storage::OutboxRow &row, const EncodedEvent &event);
  void loop();
  bool waitFor(int ms); // false when stopping

  storage::Database &db_;
  metrics::MetricsRegistry &metrics_;
  std::vector<PublishRoute> routes_;
  RelayOptions options_;
  storage::OutboxRepository repo_;
  KafkaHandle producer_;
  std::vector<Slot> slots_; // of the pass in flight; written by onDelivery on this thread

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

} // namespace orders::host::events
