// Kafka in tests: the kafka-mock helper (librdkafka's mock cluster) as a
// child process, and a plain producer and reader to talk to it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orders::testing {

struct KafkaMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// kafka-mock with `topics` ("name" or "name:partitions"); killed on destruction.
class KafkaMock {
public:
  explicit KafkaMock(const std::vector<std::string> &topics);
  ~KafkaMock();
  KafkaMock(const KafkaMock &) = delete;
  KafkaMock &operator=(const KafkaMock &) = delete;
  const std::string &bootstrap() const { return bootstrap_; }
  void brokersDown(); // SIGUSR1
  void brokersUp();   // SIGUSR2

private:
  std::string dir_;
  std::string bootstrap_;
  int pid_ = -1;
};

// Produces one message and waits for its acknowledgement; throws on failure.
void produce(const std::string &bootstrap, const std::string &topic, const std::string &key, const std::string &value,
             const std::map<std::string, std::string> &headers = {});

// Reads every partition of `topic` from the beginning until `expected`
// messages arrived (then `settle_ms` more, to see duplicates) or `timeout_ms`.
std::vector<KafkaMessage> readTopic(const std::string &bootstrap, const std::string &topic, size_t expected,
                                    int timeout_ms = 15000, int settle_ms = 300);

} // namespace orders::testing
