// The payment-event consumer: Kafka messages -> payment plugin parseEvent ->
// the core's inbox.
//
// One consumer in group `kafka.consumer_group_id` on the topics of
// `events.consume`, each naming the payment instance that parses it. For each
// message, in partition order:
//   - the plugin turns it into a PaymentEvent, or says it is not for us
//     (counted, skipped), or fails: a retryable failure (the plugin's peer is
//     down) is retried with backoff; any other failure means the message is
//     malformed and it goes to `<topic>.dlq` with the error in the `error`
//     header (and source-topic/-partition/-offset), counted, never dropped;
//   - the event is applied through PaymentReactor (dedupe on source + event id
//     in the same transaction as its effect); a database failure is retried;
//   - only then is the offset committed (synchronously). A crash between the
//     two redelivers the message, which the inbox turns into a no-op.
// Auto commit and auto offset store are off. On a rebalance nothing is
// pending: every message handed out was applied and committed first.
//
// Thread-safety: start()/stop() from one thread; the loop runs on its own.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "events/kafka_client.hpp"

struct rd_kafka_message_s;

namespace orders::host::metrics {
class MetricsRegistry;
}
namespace orders::host::plugins {
class PluginInstance;
}
namespace orders::host::core {
class PaymentReactor;
}

namespace orders::host::events {

// Who reads a topic's messages: a payment plugin instance, or a dialect
// (events.consume[].dialect: the replaced service's payment messages).
struct ConsumeRoute {
  std::string topic;
  plugins::PluginInstance *payment = nullptr;
  plugins::PluginInstance *dialect = nullptr;
  plugins::PluginInstance &reader() const { return dialect != nullptr ? *dialect : *payment; }
};

struct ConsumerOptions {
  int max_backoff_ms = 30000;
  int dlq_timeout_ms = 10000;
};

class PaymentConsumer {
public:
  static sdk::Result<std::unique_ptr<PaymentConsumer>>
  create(const KafkaSettings &consumer_settings, const KafkaSettings &producer_settings,
         std::vector<ConsumeRoute> routes, core::PaymentReactor &reactor, metrics::MetricsRegistry &metrics,
         ConsumerOptions options);
  ~PaymentConsumer();

  void start();
  void stop(); // leaves the group; what was not committed is redelivered

private:
  PaymentConsumer(std::vector<ConsumeRoute> routes, core::PaymentReactor &reactor, metrics::MetricsRegistry &metrics,
                  ConsumerOptions options);
  enum class Verdict { done, retry };
  Verdict handle(const rd_kafka_message_s &m);
  Verdict deadLetter(const rd_kafka_message_s &m, const std::string &topic, const std::string &error);
  void count(const std::string &topic, const std::string &outcome);
  void loop();
  bool waitFor(int ms);
  static void onDlqDelivery(rd_kafka_s *rk, const rd_kafka_message_s *message, void *opaque);

  std::vector<ConsumeRoute> routes_;
  core::PaymentReactor &reactor_;
  metrics::MetricsRegistry &metrics_;
  void reportLag();
  std::set<std::pair<std::string, int32_t>> lag_reported_; // the loop's thread only
  ConsumerOptions options_;
  KafkaHandle consumer_;
  KafkaHandle dlq_;
  int dlq_pending_ = 0;
  int dlq_error_ = 0;

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

} // namespace orders::host::events
