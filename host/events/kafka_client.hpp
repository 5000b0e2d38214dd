// librdkafka clients built from the server config, and the helpers the relay
// and the consumer share. librdkafka's C API is used directly (the mock
// cluster and headers need it); handles are owned by KafkaHandle.
//
// Settings are layered: our defaults, then `kafka.client`, then the role's
// own map (`kafka.producer_client` / `kafka.consumer_client`), then the few
// settings the code relies on (auto commit off, the delivery callback...),
// which a config cannot override.
#pragma once

#include <json/json.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "orders/sdk/result.hpp"
#include "orders/sdk/types.hpp"

struct rd_kafka_s;
struct rd_kafka_conf_s;

namespace orders::host::events {

struct KafkaHandleDeleter {
  void operator()(rd_kafka_s *rk) const;
};
using KafkaHandle = std::unique_ptr<rd_kafka_s, KafkaHandleDeleter>;

using KafkaSettings = std::map<std::string, std::string>;

enum class KafkaRole { producer, consumer };

// The layered settings for `role`, `defaults` first and `fixed` last.
KafkaSettings kafkaSettings(const Json::Value &kafka, KafkaRole role, const KafkaSettings &defaults,
                            const KafkaSettings &fixed);

// Checks every setting against librdkafka without creating a client.
sdk::Result<sdk::Empty> validateKafkaSettings(const KafkaSettings &settings);

// Creates a client. `setup` may install callbacks and an opaque on the conf.
// invalid_argument names the setting librdkafka rejected.
sdk::Result<KafkaHandle> createKafkaClient(KafkaRole role, const KafkaSettings &settings,
                                           const std::function<void(rd_kafka_conf_s *)> &setup = {});

} // namespace orders::host::events
