#include "kafka_support.hpp"

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#ifndef ORDERS_KAFKA_MOCK_BINARY
#error "ORDERS_KAFKA_MOCK_BINARY must name the kafka-mock helper"
#endif

extern char **environ;

namespace orders::testing {

namespace {

rd_kafka_t *client(rd_kafka_type_t type, const std::map<std::string, std::string> &settings) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char err[512];
  for (const auto &[k, v] : settings)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      throw std::runtime_error("kafka test client: " + k + ": " + err);
  rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) throw std::runtime_error(std::string("kafka test client: ") + err);
  return rk;
}

} // namespace

KafkaMock::KafkaMock(const std::vector<std::string> &topics) {
  char tmpl[] = "/tmp/orders-kafka-XXXXXX";
  dir_ = mkdtemp(tmpl);
  const std::string file = dir_ + "/bootstrap";
  std::vector<std::string> args{ORDERS_KAFKA_MOCK_BINARY, "--bootstrap-file", file};
  for (const auto &t : topics) {
    args.push_back("--topic");
    args.push_back(t);
  }
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = dir_ + "/kafka-mock.log";
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start kafka-mock");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream in(file);
    if (in && std::getline(in, bootstrap_) && !bootstrap_.empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("kafka-mock wrote no bootstrap address");
}

KafkaMock::~KafkaMock() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void KafkaMock::brokersDown() { kill(pid_, SIGUSR1); }
void KafkaMock::brokersUp() { kill(pid_, SIGUSR2); }

void produce(const std::string &bootstrap, const std::string &topic, const std::string &key, const std::string &value,
             const std::map<std::string, std::string> &headers) {
  rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}, {"message.timeout.ms", "10000"}});
  rd_kafka_headers_t *hs = rd_kafka_headers_new(headers.size() + 1);
  for (const auto &[k, v] : headers)
    rd_kafka_header_add(hs, k.c_str(), -1, v.data(), static_cast<ssize_t>(v.size()));
  rd_kafka_resp_err_t err = rd_kafka_producev(
      rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char *>(value.data()), value.size()),
      RD_KAFKA_V_HEADERS(hs), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_headers_destroy(hs);
  const rd_kafka_resp_err_t flushed = rd_kafka_flush(rk, 15000);
  const int left = rd_kafka_outq_len(rk);
  rd_kafka_destroy(rk);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || flushed != RD_KAFKA_RESP_ERR_NO_ERROR || left > 0)
    throw std::runtime_error("test produce to " + topic + " failed");
}

std::vector<KafkaMessage> readTopic(const std::string &bootstrap, const std::string &topic, size_t expected,
                                    int timeout_ms, int settle_ms) {
  rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                              {"group.id", "test-reader"},
                                              {"enable.auto.commit", "false"},
                                              {"enable.partition.eof", "false"}});
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t *md = nullptr;
  int partitions = 0;
  for (int attempt = 0; attempt < 50 && partitions == 0; ++attempt) {
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
        partitions = md->topics[0].partition_cnt;
      rd_kafka_metadata_destroy(md);
    }
    if (partitions == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  rd_kafka_topic_destroy(rkt);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);

  std::vector<KafkaMessage> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::optional<std::chrono::steady_clock::time_point> settle_until;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline || (settle_until && now >= *settle_until)) break;
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 50);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      KafkaMessage km;
      km.topic = topic;
      km.partition = m->partition;
      km.offset = m->offset;
      if (m->key != nullptr) km.key = std::string(static_cast<const char *>(m->key), m->key_len);
      km.value.assign(static_cast<const char *>(m->payload), m->len);
      rd_kafka_headers_t *hs = nullptr;
      if (rd_kafka_message_headers(m, &hs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char *name = nullptr;
        const void *val = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(hs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
          km.headers[name] = val != nullptr ? std::string(static_cast<const char *>(val), size) : "";
      }
      out.push_back(std::move(km));
      if (out.size() >= expected && !settle_until)
        settle_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(settle_ms);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

} // namespace orders::testing
