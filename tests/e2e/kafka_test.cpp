// The Kafka bridge end to end: the real binary against kafka-mock, on SQLite
// and PostgreSQL. Broker outage during 100 checkouts (backlog grows, then
// drains with no loss and no duplicate), duplicated and poison payment
// messages, and a crash between the DB commit and the offset commit.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "eventually.hpp"
#include "kafka_support.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::KafkaMock;

namespace {

// A sample of GET /metrics: the value of the series starting with `series`
// (name plus optional labels), -1 when absent.
double metric(const ServerProcess &server, const std::string &series) {
  Reply r = server.request("GET", "/metrics");
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

std::string paymentMessage(const std::string &order_id, const std::string &event_id, int64_t amount) {
  Json::Value b(Json::objectValue);
  b["eventId"] = event_id;
  b["orderId"] = order_id;
  b["status"] = "paid";
  b["amountMinor"] = static_cast<Json::Int64>(amount);
  b["currency"] = "USD";
  return orders::sdk::writeJson(b);
}

} // namespace

class KafkaBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KafkaBase);
  CPPUNIT_TEST(brokerDownDuringCheckoutsThenBacklogDrainsWithoutLoss);
  CPPUNIT_TEST(duplicatedPaymentMessageChangesOrderOnce);
  CPPUNIT_TEST(poisonMessageGoesToDeadLetterTopicAndConsumerGoesOn);
  CPPUNIT_TEST(crashBetweenDbCommitAndOffsetCommitDoesNotApplyTwice);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;
  bool skip() const { return engine() == Engine::postgres && orders::testing::needPostgres(); }

  static ServerOptions kafkaOptions(const KafkaMock &kafka) {
    ServerOptions o;
    o.stock_mug = 200;
    o.extra_yaml = "kafka:\n"
                   "  bootstrap_servers: \"" +
                   kafka.bootstrap() +
                   "\"\n"
                   "  consumer_client: { session.timeout.ms: 6000, heartbeat.interval.ms: 1000 }\n"
                   "  relay: { idle_poll_ms: 20, delivery_timeout_ms: 2000, max_backoff_ms: 500 }\n"
                   "  consumer: { max_backoff_ms: 500 }\n"
                   "events:\n"
                   "  publish:\n"
                   "    - { topic: order.events, types: [\"*\"], format: canonical }\n"
                   "  consume:\n"
                   "    - { topic: payment.events, payment_instance: manual }\n";
    return o;
  }

  static std::pair<std::string, int64_t> checkout(const ServerProcess &server, const std::string &user) {
    Reply r = server.as(user, "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const Json::Value order = r.json()["orders"][0];
    return {order["id"].asString(), order["totalMinor"].asInt64()};
  }

public:
  void brokerDownDuringCheckoutsThenBacklogDrainsWithoutLoss() {
    if (skip()) return;
    TestDatabase db(engine());
    KafkaMock kafka({"order.events:3", "payment.events:2", "payment.events.dlq"});
    ServerProcess server(db, kafkaOptions(kafka));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    kafka.brokersDown();
    for (int i = 0; i < 50; ++i)
      checkout(server, "u" + std::to_string(i));
    const int64_t half = db.scalar("SELECT COUNT(*) FROM service_outbox");
    CPPUNIT_ASSERT(eventually([&] { return metric(server, "orders_outbox_backlog") == static_cast<double>(half); }));
    for (int i = 50; i < 100; ++i)
      checkout(server, "u" + std::to_string(i));
    const int64_t total = db.scalar("SELECT COUNT(*) FROM service_outbox");
    CPPUNIT_ASSERT(total > half);
    CPPUNIT_ASSERT(eventually([&] { return metric(server, "orders_outbox_backlog") == static_cast<double>(total); }));
    CPPUNIT_ASSERT_EQUAL(total, db.scalar("SELECT COUNT(*) FROM outbox_pending"));
    CPPUNIT_ASSERT(metric(server, "orders_outbox_oldest_unpublished_age_seconds") > 0);
    // Kafka did not acknowledge: each pass fails after delivery_timeout_ms and is counted.
    CPPUNIT_ASSERT(eventually([&] {
      return server.request("GET", "/metrics").body.find("orders_outbox_delivery_errors_total{") != std::string::npos;
    }));

    kafka.brokersUp();
    CPPUNIT_ASSERT_MESSAGE(server.log(),
                           eventually([&] { return db.scalar("SELECT COUNT(*) FROM outbox_pending") == 0; }));
    CPPUNIT_ASSERT(eventually([&] { return metric(server, "orders_outbox_backlog") == 0; }));
    const auto messages = orders::testing::readTopic(kafka.bootstrap(), "order.events", static_cast<size_t>(total));
    std::set<std::string> ids;
    for (const auto &m : messages)
      CPPUNIT_ASSERT_MESSAGE("duplicate " + m.headers.at("event-id"), ids.insert(m.headers.at("event-id")).second);
    CPPUNIT_ASSERT_EQUAL(static_cast<size_t>(total), messages.size());
    CPPUNIT_ASSERT_EQUAL(static_cast<double>(total), metric(server, "orders_outbox_published_total"));
  }

  void duplicatedPaymentMessageChangesOrderOnce() {
    if (skip()) return;
    TestDatabase db(engine());
    KafkaMock kafka({"order.events:3", "payment.events:2", "payment.events.dlq"});
    ServerProcess server(db, kafkaOptions(kafka));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const auto [id, total] = checkout(server, "u1");
    const std::string message = paymentMessage(id, "pay-1", total);
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, message);
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, message);
    const std::string applied = "orders_payment_events_total{topic=\"payment.events\",outcome=\"applied\"}";
    const std::string duplicate = "orders_payment_events_total{topic=\"payment.events\",outcome=\"duplicate\"}";
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return metric(server, duplicate) == 1; }));
    CPPUNIT_ASSERT_EQUAL(1.0, metric(server, applied));
    CPPUNIT_ASSERT_EQUAL(std::string("paid"),
                         server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM order_history WHERE order_id = '" + id +
                                               "' AND to_status = 'paid'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM processed_events"));
  }

  void poisonMessageGoesToDeadLetterTopicAndConsumerGoesOn() {
    if (skip()) return;
    TestDatabase db(engine());
    KafkaMock kafka({"order.events:3", "payment.events:1", "payment.events.dlq"});
    ServerProcess server(db, kafkaOptions(kafka));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const auto [id, total] = checkout(server, "u1");
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, "{not json", {{"trace", "t-1"}});
    orders::testing::produce(
        kafka.bootstrap(), "payment.events", id,
        "{\"eventId\":\"\",\"orderId\":\"x\",\"status\":\"paid\",\"amountMinor\":1,\"currency\":\"USD\"}");
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, paymentMessage(id, "pay-1", total));
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] {
                             return server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["status"].asString() ==
                                    "paid";
                           }));
    const auto dead = orders::testing::readTopic(kafka.bootstrap(), "payment.events.dlq", 2);
    CPPUNIT_ASSERT_EQUAL(size_t(2), dead.size());
    CPPUNIT_ASSERT_EQUAL(std::string("{not json"), dead[0].value);
    CPPUNIT_ASSERT(dead[0].headers.at("error").find("malformed JSON") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("payment.events"), dead[0].headers.at("source-topic"));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), dead[0].headers.at("source-offset"));
    CPPUNIT_ASSERT_EQUAL(std::string("t-1"), dead[0].headers.at("trace")); // original headers kept
    CPPUNIT_ASSERT_MESSAGE(dead[1].headers.at("error"),
                           dead[1].headers.at("error").find("/eventId") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(
        2.0, metric(server, "orders_payment_events_total{topic=\"payment.events\",outcome=\"dead_lettered\"}"));
  }

  void crashBetweenDbCommitAndOffsetCommitDoesNotApplyTwice() {
    if (skip()) return;
    TestDatabase db(engine());
    KafkaMock kafka({"order.events:3", "payment.events:1", "payment.events.dlq"});
    std::string id;
    {
      ServerOptions o = kafkaOptions(kafka);
      o.env["ORDERS_TEST_CRASH_AFTER"] = "kafka_applied";
      ServerProcess doomed(db, o);
      CPPUNIT_ASSERT_MESSAGE(doomed.log(), doomed.waitReady());
      int64_t total = 0;
      std::tie(id, total) = checkout(doomed, "u1");
      orders::testing::produce(kafka.bootstrap(), "payment.events", id, paymentMessage(id, "pay-1", total));
      CPPUNIT_ASSERT_MESSAGE(doomed.log(), doomed.waitExit(30000));
    }
    // Applied and committed in the DB, offset not committed.
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM processed_events"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM order_history WHERE order_id = '" + id +
                                               "' AND to_status = 'paid'"));
    ServerProcess revived(db, kafkaOptions(kafka));
    CPPUNIT_ASSERT_MESSAGE(revived.log(), revived.waitReady());
    const std::string duplicate = "orders_payment_events_total{topic=\"payment.events\",outcome=\"duplicate\"}";
    CPPUNIT_ASSERT_MESSAGE(revived.log(), eventually([&] { return metric(revived, duplicate) == 1; }, 45000));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM processed_events"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM order_history WHERE order_id = '" + id +
                                               "' AND to_status = 'paid'"));
  }
};

class SqliteKafkaTest : public KafkaBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteKafkaTest, KafkaBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::sqlite; }
};

class PostgresKafkaTest : public KafkaBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresKafkaTest, KafkaBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteKafkaTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresKafkaTest);
