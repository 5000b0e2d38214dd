// The outbox relay: moves committed service_outbox rows to Kafka.
//
// One pass: claim up to batch_size unpublished rows (PostgreSQL: inside a
// transaction, FOR UPDATE SKIP LOCKED, so relays of other replicas take other
// rows), hold back every row of an order whose earlier event another relay
// still holds (so one order's events reach Kafka in order even with many
// relays), produce each row to every route whose types match (keyed by order
// id, headers event-id / event-type / content-type, idempotent producer),
// wait for the delivery reports, and mark published only rows Kafka
// acknowledged on every route, per order only up to its first failure. The
// marks commit with the claim; a relay that dies before that commit leaves
// its rows unpublished (they are published again: at-least-once).
//
// Claims lock only the narrow outbox_pending rows; marking deletes them and
// records outbox_published (service_outbox rows are never rewritten).
//
// SQLite has no row locks: one relay per process reads without a
// transaction and marks in a short one (one process per SQLite file).
//
// Thread-safety: runOnce() is for one thread (the relay's own after start()).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  std::vector<bool> deliver(const std::vector<storage::OutboxRow> &rows);
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
