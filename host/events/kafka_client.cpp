#include "events/kafka_client.hpp"

#include <librdkafka/rdkafka.h>

#include "log/logger.hpp"

namespace orders::host::events {

void KafkaHandleDeleter::operator()(rd_kafka_s *rk) const {
  if (rk != nullptr) rd_kafka_destroy(rk);
}

namespace {
void overlay(KafkaSettings &out, const Json::Value &map) {
  if (!map.isObject()) return;
  for (const std::string &key : map.getMemberNames()) {
    const Json::Value &v = map[key];
    out[key] = v.isBool() ? (v.asBool() ? "true" : "false") : v.asString();
  }
}
// librdkafka's own log lines (broker down, retries...) as our JSON log lines.
void logLine(const rd_kafka_t *rk, int level, const char *facility, const char *text) {
  const log::Fields fields{{"client", rd_kafka_name(rk)}, {"facility", facility}, {"detail", text}};
  if (level <= 3)
    log::error("kafka client", fields);
  else if (level <= 5)
    log::warn("kafka client", fields);
  else
    log::debug("kafka client", fields);
}

} // namespace

KafkaSettings kafkaSettings(const Json::Value &kafka, KafkaRole role, const KafkaSettings &defaults,
                            const KafkaSettings &fixed) {
  KafkaSettings out = defaults;
  out["bootstrap.servers"] = kafka["bootstrap_servers"].asString();
  overlay(out, kafka["client"]);
  overlay(out, kafka[role == KafkaRole::producer ? "producer_client" : "consumer_client"]);
  for (const auto &[k, v] : fixed)
    out[k] = v;
  return out;
}

sdk::Result<sdk::Empty> validateKafkaSettings(const KafkaSettings &settings) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char err[512];
  for (const auto &[key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return sdk::invalidArgument("kafka client setting " + key + ": " + err);
    }
  }
  rd_kafka_conf_destroy(conf);
  return sdk::Empty{};
}

sdk::Result<KafkaHandle> createKafkaClient(KafkaRole role, const KafkaSettings &settings,
                                           const std::function<void(rd_kafka_conf_s *)> &setup) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char err[512];
  for (const auto &[key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return sdk::invalidArgument("kafka client setting " + key + ": " + err);
    }
  }
  rd_kafka_conf_set_log_cb(conf, &logLine);
  if (setup) setup(conf);
  rd_kafka_t *rk =
      rd_kafka_new(role == KafkaRole::producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) { // on failure the conf is still ours
    rd_kafka_conf_destroy(conf);
    return sdk::invalidArgument(std::string("kafka client: ") + err);
  }
  return KafkaHandle(rk);
}

} // namespace orders::host::events
