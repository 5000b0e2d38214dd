// relay-bench: the outbox relay's throughput and lag against a Kafka
// (kafka-mock in bench/run). Not a test: prints figures for bench/run.
//
//   relay-bench DATABASE_URL BOOTSTRAP [ROWS] [BATCH] [RELAYS]
//
// 1. Inserts ROWS (default 100000) canonical events (~1 KB, 1000 orders),
//    starts one relay and times until the outbox is drained.
// 2. With the relay idle, inserts one event at a time and times until a
//    consumer sees it (20 samples): the end-to-end lag at rest.
#include <librdkafka/rdkafka.h>

#include <Poco/Data/Session.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "events/outbox_relay.hpp"
#include "metrics/metrics_registry.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

using namespace orders::host;
using Clock = std::chrono::steady_clock;

namespace {

std::string payload(const std::string &event_id, const std::string &order_id) {
  std::string items;
  for (int i = 0; i < 3; ++i)
    items += std::string(i ? "," : "") + "{\"productId\":\"sku-" + std::to_string(i) +
             "\",\"sellerId\":\"seller-1\",\"title\":\"A product title of ordinary length\",\"quantity\":2,"
             "\"unitPriceMinor\":1299,\"lineTotalMinor\":2598,\"currency\":\"USD\",\"attributes\":{}}";
  return "{\"id\":\"" + event_id +
         "\",\"type\":\"order.created\",\"version\":1,\"occurredAt\":\"2026-11-22T10:00:00Z\","
         "\"orderId\":\"" +
         order_id + "\",\"sequence\":1,\"data\":{\"id\":\"" + order_id +
         "\",\"orderNumber\":\"ORD-1\",\"userId\":\"u1\",\"sellerId\":\"seller-1\",\"status\":\"awaiting_payment\","
         "\"currency\":\"USD\",\"subtotalMinor\":7794,\"shippingMinor\":0,\"totalMinor\":7794,\"shippingAddress\":"
         "{\"line1\":\"1 Demo St\",\"city\":\"Dublin\",\"country\":\"IE\"},\"items\":[" +
         items + "]}}";
}

// Polled every 20 ms while the relay drains: one index probe, not a COUNT(*)
// (a parallel sequential scan that would take the cores from the relay).
bool drained(storage::Database &db) {
  auto lease = db.lease();
  Poco::Int64 n = 0;
  **lease << "SELECT COUNT(*) FROM (SELECT id FROM outbox_pending ORDER BY id LIMIT 1) AS head",
      Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
  return n == 0;
}

void insert(storage::Database &db, int64_t first, int64_t count) {
  constexpr int64_t kChunk = 1000;
  for (int64_t at = first; at < first + count; at += kChunk) {
    db.transaction([&](Poco::Data::Session &s) {
      for (int64_t i = at; i < std::min(at + kChunk, first + count); ++i) {
        const std::string id = "ev-" + std::to_string(i);
        const std::string order = "order-" + std::to_string(i % 1000);
        db.exec(s,
                "INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) "
                "VALUES ($1, $2, $3, $4, $5)",
                id, std::string("order.created"), order, payload(id, order), int64_t(1000));
      }
    });
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::cerr << "usage: relay-bench DATABASE_URL BOOTSTRAP [ROWS] [BATCH] [RELAYS]\n";
    return 2;
  }
  const std::string url = argv[1], bootstrap = argv[2];
  const int64_t rows = argc > 3 ? std::stoll(argv[3]) : 100000;
  const int batch = argc > 4 ? std::stoi(argv[4]) : 2000;
  const int relays = argc > 5 ? std::stoi(argv[5]) : 1;
  auto opened = storage::Database::open(url, 4);
  if (!opened.ok()) {
    std::cerr << opened.error().message << "\n";
    return 1;
  }
  auto db = std::move(opened).value();
  if (auto m = storage::migrate(*db); !m.ok()) {
    std::cerr << m.error().message << "\n";
    return 1;
  }
  insert(*db, 0, rows);
  std::cerr << "relay-bench: " << rows << " rows inserted, relaying" << std::endl;

  metrics::MetricsRegistry metrics;
  events::RelayOptions options;
  options.batch_size = batch;
  options.idle_poll_ms = 100;
  std::vector<std::unique_ptr<events::OutboxRelay>> running;
  for (int i = 0; i < relays; ++i) {
    auto relay = events::OutboxRelay::create(
        *db, metrics, {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}, {"linger.ms", "5"}},
        {events::PublishRoute{"order.events", {"*"}, events::EventFormat::canonical}}, options);
    if (!relay.ok()) {
      std::cerr << relay.error().message << "\n";
      return 1;
    }
    running.push_back(std::move(relay).value());
  }
  const auto start = Clock::now();
  for (auto &r : running)
    r->start();
  while (!drained(*db))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Lag at rest: a consumer at the end of the topic, one event at a time.
  char err[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "relay-bench", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", err, sizeof err);
  rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(3);
  for (int p = 0; p < 3; ++p)
    rd_kafka_topic_partition_list_add(list, "order.events", p)->offset = RD_KAFKA_OFFSET_END;
  rd_kafka_assign(consumer, list);
  rd_kafka_topic_partition_list_destroy(list);
  for (int i = 0; i < 20; ++i) // let the fetchers settle at the end offsets
    if (rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 50)) rd_kafka_message_destroy(m);
  std::vector<double> lags;
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(137)); // land anywhere in the idle poll
    const auto t0 = Clock::now();
    insert(*db, rows + i, 1);
    for (;;) {
      rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 1000);
      if (m == nullptr) continue;
      const bool got = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
      rd_kafka_message_destroy(m);
      if (got) break;
    }
    lags.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  for (auto &r : running)
    r->stop();
  std::sort(lags.begin(), lags.end());
  std::printf("%.0f %.1f %.1f %.1f\n", static_cast<double>(rows) / seconds, seconds, lags[lags.size() / 2],
              lags.back());
  return 0;
}
