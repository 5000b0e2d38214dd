// kafka-mock: hosts librdkafka's mock cluster (a real Kafka protocol peer on
// 127.0.0.1) until SIGTERM/SIGINT, for tests and local demos.
//
//   kafka-mock [--brokers N] [--topic NAME[:PARTITIONS]]... [--bootstrap-file PATH]
//
// Prints the bootstrap address on stdout and writes it to PATH (atomically:
// the file appears complete). SIGUSR1 takes every broker down, SIGUSR2
// brings them back (outage drills).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace {

int usage(const char *why) {
  std::cerr << "kafka-mock: " << why
            << "\nusage: kafka-mock [--brokers N] [--topic NAME[:PARTITIONS]]... [--bootstrap-file PATH]\n";
  return 2;
}

void setBrokers(rd_kafka_mock_cluster_t *cluster, int brokers, bool up) {
  for (int id = 1; id <= brokers; ++id) {
    if (up)
      rd_kafka_mock_broker_set_up(cluster, id);
    else
      rd_kafka_mock_broker_set_down(cluster, id);
  }
  std::cerr << "kafka-mock: brokers " << (up ? "up" : "down") << std::endl;
}

} // namespace

int main(int argc, char **argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  std::string bootstrap_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--brokers") {
      brokers = std::atoi(value.c_str());
      if (brokers < 1 || brokers > 16) return usage("--brokers must be 1..16");
    } else if (arg == "--topic") {
      const auto colon = value.find(':');
      const int partitions = colon == std::string::npos ? 1 : std::atoi(value.c_str() + colon + 1);
      if (partitions < 1) return usage(("bad partition count in " + value).c_str());
      topics.emplace_back(value.substr(0, colon), partitions);
    } else if (arg == "--bootstrap-file") {
      bootstrap_file = value;
    } else {
      return usage(("unknown option " + arg).c_str());
    }
  }

  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2})
    sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // before librdkafka starts threads

  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::cerr << "kafka-mock: " << err << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == nullptr) {
    std::cerr << "kafka-mock: cannot start the mock cluster\n";
    rd_kafka_destroy(rk);
    return 1;
  }
  for (const auto &[name, partitions] : topics) {
    if (rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1)) {
      std::cerr << "kafka-mock: cannot create topic " << name << ": " << rd_kafka_err2str(e) << "\n";
      return 1;
    }
  }
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  if (!bootstrap_file.empty()) {
    const std::string tmp = bootstrap_file + ".tmp";
    std::ofstream(tmp) << bootstrap << "\n";
    if (std::rename(tmp.c_str(), bootstrap_file.c_str()) != 0) {
      std::cerr << "kafka-mock: cannot write " << bootstrap_file << ": " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  std::cout << bootstrap << std::endl;

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGUSR1) {
      setBrokers(cluster, brokers, false);
    } else if (sig == SIGUSR2) {
      setBrokers(cluster, brokers, true);
    } else {
      break;
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
