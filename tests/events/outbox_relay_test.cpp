// The outbox relay in-process against kafka-mock, on SQLite and PostgreSQL:
// every row reaches Kafka once and in order per order, nothing is marked
// published without Kafka's acknowledgement, routes and formats (checked
// against schemas/events/), and two relays on one PostgreSQL database.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <future>

#include <Poco/Data/Session.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "config/schema_validator.hpp"
#include "events/outbox_relay.hpp"
#include "eventually.hpp"
#include "kafka_support.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

using namespace orders::host;
using orders::testing::eventually;
using orders::testing::KafkaMessage;
using orders::testing::KafkaMock;
using orders::testing::readTopic;

namespace {

const char *kTypes[] = {"order.created", "order.status_changed", "order.paid", "order.shipped", "order.delivered"};
const char *kStatus[] = {"pending", "awaiting_payment", "paid", "shipped", "delivered"};

std::string envelope(const std::string &event_id, int round, const std::string &order_id) {
  Json::Value item(Json::objectValue);
  item["productId"] = "sku-mug";
  item["sellerId"] = "s1";
  item["title"] = "Mug";
  item["quantity"] = 2;
  item["unitPriceMinor"] = 1299;
  item["lineTotalMinor"] = 2598;
  item["currency"] = "USD";
  item["attributes"] = Json::Value(Json::objectValue);
  Json::Value d(Json::objectValue);
  d["id"] = order_id;
  d["orderNumber"] = "ORD-" + order_id;
  d["checkoutId"] = "c-" + order_id;
  d["userId"] = "u1";
  d["sellerId"] = "s1";
  d["status"] = kStatus[round % 5];
  d["currency"] = "USD";
  d["subtotalMinor"] = 2598;
  d["shippingMinor"] = 0;
  d["totalMinor"] = 2598;
  d["items"].append(item);
  d["customer"]["email"] = "cust@example.com";
  d["version"] = round + 1;
  d["createdAt"] = "2026-11-22T10:00:00.000Z";
  d["updatedAt"] = "2026-11-22T10:00:00.000Z";
  if (round > 0) {
    d["fromStatus"] = kStatus[(round - 1) % 5];
    d["toStatus"] = kStatus[round % 5];
    d["actor"] = "test";
    d["reason"] = "";
  }
  Json::Value e(Json::objectValue);
  e["id"] = event_id;
  e["type"] = kTypes[round % 5];
  e["version"] = 1;
  e["occurredAt"] = "2026-11-22T10:00:00.000Z";
  e["orderId"] = order_id;
  e["sequence"] = round + 1;
  e["data"] = d;
  return orders::sdk::writeJson(e);
}

Json::Value parse(const std::string &text) { return orders::sdk::parseJson(text); }

std::shared_ptr<const config::SchemaValidator> eventSchema(const std::string &name) {
  std::ifstream in(std::string(ORDERS_EVENT_SCHEMA_DIR) + "/" + name + ".schema.json");
  std::stringstream buf;
  buf << in.rdbuf();
  auto compiled = config::SchemaValidator::compile(parse(buf.str()));
  CPPUNIT_ASSERT_MESSAGE(name, compiled.ok());
  return compiled.value();
}

void assertValid(const std::string &schema, const std::string &value) {
  static std::map<std::string, std::shared_ptr<const config::SchemaValidator>> cache;
  if (!cache.count(schema)) cache[schema] = eventSchema(schema);
  const auto violations = cache[schema]->validate(parse(value));
  CPPUNIT_ASSERT_MESSAGE(config::formatViolations(schema + ": ", violations) + "\n" + value, violations.empty());
}

// Each event id once; per key, sequences strictly increase in read order
// (one key lives in one partition, read in offset order).
void assertOncePerEventInOrder(const std::vector<KafkaMessage> &messages, size_t expected) {
  std::set<std::string> ids;
  std::map<std::string, int64_t> last_sequence;
  std::map<std::string, int32_t> partition_of;
  for (const KafkaMessage &m : messages) {
    CPPUNIT_ASSERT(m.key.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), m.headers.at("content-type"));
    CPPUNIT_ASSERT_MESSAGE("duplicate " + m.headers.at("event-id"), ids.insert(m.headers.at("event-id")).second);
    const Json::Value v = parse(m.value);
    CPPUNIT_ASSERT_EQUAL(*m.key, v["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(m.headers.at("event-type"), v["type"].asString());
    const int64_t seq = v["sequence"].asInt64();
    CPPUNIT_ASSERT_MESSAGE("order " + *m.key + " out of order", seq > last_sequence[*m.key]);
    last_sequence[*m.key] = seq;
    auto [it, fresh] = partition_of.emplace(*m.key, m.partition);
    CPPUNIT_ASSERT(fresh || it->second == m.partition);
  }
  CPPUNIT_ASSERT_EQUAL(expected, messages.size());
}

} // namespace

class RelayBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RelayBase);
  CPPUNIT_TEST(everyRowOnceAndInOrderPerOrder);
  CPPUNIT_TEST(nothingMarkedPublishedWithoutAcknowledgement);
  CPPUNIT_TEST(routesAndFormatsFollowTheConfig);
  CPPUNIT_TEST(retentionDeletesOnlyOldPublishedRows);
  CPPUNIT_TEST(unencodableEventIsParkedWithoutSlowingTheRest);
  CPPUNIT_TEST(noTransactionOrRowLockIsHeldWhilePublishing);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual orders::e2e::Engine engine() const = 0;
  std::unique_ptr<orders::e2e::TestDatabase> test_db_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<KafkaMock> kafka_;
  int64_t next_event_ = 0;

  bool skip() const { return engine() == orders::e2e::Engine::postgres && orders::testing::needPostgres(); }

  std::unique_ptr<storage::Database> open() {
    auto opened = storage::Database::open(test_db_->ordersUrl(), 4);
    CPPUNIT_ASSERT_MESSAGE(opened.ok() ? "" : opened.error().message, opened.ok());
    return std::move(opened).value();
  }

  // `orders` orders x `rounds` events, interleaved (round-robin by order).
  void insertEvents(int orders, int rounds, const std::string &prefix = "o") {
    for (int r = 0; r < rounds; ++r) {
      db_->transaction([&](Poco::Data::Session &s) {
        for (int o = 0; o < orders; ++o) {
          const std::string order_id = prefix + std::to_string(o);
          const std::string event_id = "ev-" + prefix + "-" + std::to_string(next_event_++);
          db_->exec(s,
                    "INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    event_id, std::string(kTypes[r % 5]), order_id, envelope(event_id, r, order_id),
                    static_cast<int64_t>(1000));
        }
      });
    }
  }

  std::vector<int64_t> idsOf(const std::vector<std::string> &orders) {
    std::vector<int64_t> ids;
    for (const auto &order : orders)
      ids.push_back(test_db_->scalar("SELECT id FROM service_outbox WHERE aggregate_id = '" + order + "'"));
    return ids;
  }

  int64_t unpublished() { return test_db_->scalar("SELECT COUNT(*) FROM outbox_pending"); }

  // A route whose encoder (as a dialect's would) reads the envelope and
  // publishes its type: "not json" cannot be encoded.
  static events::PublishRoute typeEchoRoute(const std::string &topic) {
    events::PublishRoute route{topic, {"*"}, events::EventFormat::canonical};
    route.format_label = "test/type_echo";
    route.dialect_encoder = [](const std::string &type,
                               const std::string &payload) -> orders::sdk::Result<std::optional<events::EncodedEvent>> {
      Json::Value v;
      try {
        v = orders::sdk::parseJson(payload);
      } catch (const std::exception &e) {
        return orders::sdk::invalidArgument(std::string("outbox payload is not JSON: ") + e.what());
      }
      if (v["type"].asString() != type) return orders::sdk::invalidArgument("type mismatch");
      return std::optional<events::EncodedEvent>(events::EncodedEvent{"dialect:" + type, type});
    };
    return route;
  }

  std::unique_ptr<events::OutboxRelay> relay(metrics::MetricsRegistry &metrics, storage::Database &db,
                                             std::vector<events::PublishRoute> routes, int batch = 40,
                                             int delivery_timeout_ms = 10000) {
    events::RelayOptions options;
    options.batch_size = batch;
    options.idle_poll_ms = 20;
    options.delivery_timeout_ms = delivery_timeout_ms;
    options.max_backoff_ms = 500;
    auto created = events::OutboxRelay::create(
        db, metrics, {{"bootstrap.servers", kafka_->bootstrap()}, {"enable.idempotence", "true"}, {"linger.ms", "5"}},
        std::move(routes), options);
    CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
    return std::move(created).value();
  }

  static std::vector<events::PublishRoute> canonicalRoute() {
    return {events::PublishRoute{"order.events", {"*"}, events::EventFormat::canonical}};
  }

public:
  void setUp() override {
    if (skip()) return;
    test_db_ = std::make_unique<orders::e2e::TestDatabase>(engine());
    db_ = open();
    auto migrated = storage::migrate(*db_);
    CPPUNIT_ASSERT_MESSAGE(migrated.ok() ? "" : migrated.error().message, migrated.ok());
    kafka_ = std::make_unique<KafkaMock>(
        std::vector<std::string>{"order.events:3", "legacy.orders:2", "order.lifecycle:2", "order.confirmed"});
  }

  void tearDown() override {
    kafka_.reset();
    db_.reset();
    test_db_.reset();
  }

  void everyRowOnceAndInOrderPerOrder() {
    if (skip()) return;
    insertEvents(30, 5);
    metrics::MetricsRegistry metrics;
    auto r = relay(metrics, *db_, canonicalRoute());
    r->start();
    CPPUNIT_ASSERT(eventually([&] { return unpublished() == 0; }));
    r->stop();
    const auto messages = readTopic(kafka_->bootstrap(), "order.events", 150);
    assertOncePerEventInOrder(messages, 150);
    for (const auto &m : messages)
      assertValid("canonical.v1", m.value);
    CPPUNIT_ASSERT_EQUAL(150.0, metrics.value("orders_outbox_published_total"));
  }

  void nothingMarkedPublishedWithoutAcknowledgement() {
    if (skip()) return;
    kafka_->brokersDown();
    insertEvents(5, 2);
    metrics::MetricsRegistry metrics;
    auto r = relay(metrics, *db_, canonicalRoute(), 40, 1000);
    const events::RelayPass failed = r->runOnce();
    CPPUNIT_ASSERT_EQUAL(size_t(10), failed.claimed);
    CPPUNIT_ASSERT_EQUAL(size_t(0), failed.published);
    CPPUNIT_ASSERT(failed.failed > 0);
    CPPUNIT_ASSERT_EQUAL(int64_t(10), unpublished());
    kafka_->brokersUp();
    size_t published = 0;
    CPPUNIT_ASSERT(eventually([&] {
      published += r->runOnce().published;
      return unpublished() == 0;
    }));
    CPPUNIT_ASSERT_EQUAL(size_t(10), published);
    assertOncePerEventInOrder(readTopic(kafka_->bootstrap(), "order.events", 10), 10);
  }

  void routesAndFormatsFollowTheConfig() {
    if (skip()) return;
    insertEvents(3, 3); // created, status_changed, paid for three orders
    metrics::MetricsRegistry metrics;
    auto r = relay(metrics, *db_,
                   {{"legacy.orders", {"order.created"}, events::EventFormat::canonical},
                    typeEchoRoute("order.lifecycle"),
                    {"order.all", {"order.paid"}, events::EventFormat::canonical}});
    CPPUNIT_ASSERT(eventually([&] {
      r->runOnce();
      return unpublished() == 0;
    }));
    const auto created = readTopic(kafka_->bootstrap(), "legacy.orders", 3);
    CPPUNIT_ASSERT_EQUAL(size_t(3), created.size());
    for (const auto &m : created) {
      assertValid("canonical.v1", m.value);
      const Json::Value v = parse(m.value);
      CPPUNIT_ASSERT_EQUAL(std::string("order.created"), m.headers.at("event-type"));
      CPPUNIT_ASSERT_EQUAL(*m.key, v["orderId"].asString());
      CPPUNIT_ASSERT_EQUAL(2598, v["data"]["totalMinor"].asInt());
      CPPUNIT_ASSERT_EQUAL(2, v["data"]["items"][0]["quantity"].asInt());
    }
    // A dialect's encoder (here a stand-in naming each event's type): its
    // event-type header and value, every type routed.
    const auto lifecycle = readTopic(kafka_->bootstrap(), "order.lifecycle", 9);
    CPPUNIT_ASSERT_EQUAL(size_t(9), lifecycle.size());
    std::multiset<std::string> types;
    for (const auto &m : lifecycle) {
      CPPUNIT_ASSERT_EQUAL("dialect:" + m.value, m.headers.at("event-type"));
      types.insert(m.value);
    }
    CPPUNIT_ASSERT_EQUAL(size_t(3), types.count("order.created"));
    CPPUNIT_ASSERT_EQUAL(size_t(3), types.count("order.status_changed"));
    CPPUNIT_ASSERT_EQUAL(size_t(3), types.count("order.paid"));
    const auto paid = readTopic(kafka_->bootstrap(), "order.all", 3);
    CPPUNIT_ASSERT_EQUAL(size_t(3), paid.size());
    for (const auto &m : paid) {
      assertValid("canonical.v1", m.value);
      CPPUNIT_ASSERT_EQUAL(std::string("order.paid"), m.headers.at("event-type"));
    }
  }

  // An event a route cannot encode is parked (with its error, visible in
  // the admin page) instead of failing every pass; the others are published
  // in the same pass and the relay does not back off.
  void unencodableEventIsParkedWithoutSlowingTheRest() {
    if (skip()) return;
    insertEvents(3, 1);
    db_->transaction([&](Poco::Data::Session &s) {
      db_->exec(s,
                "INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) "
                "VALUES ($1, $2, $3, $4, $5)",
                std::string("ev-poison"), std::string("order.created"), std::string("o1"), std::string("not json"),
                static_cast<int64_t>(1000));
    });
    metrics::MetricsRegistry metrics;
    auto r = relay(metrics, *db_, {typeEchoRoute("legacy.orders")});
    const events::RelayPass pass = r->runOnce();
    CPPUNIT_ASSERT_EQUAL(size_t(4), pass.claimed);
    CPPUNIT_ASSERT_EQUAL(size_t(3), pass.published);
    CPPUNIT_ASSERT_EQUAL(size_t(1), pass.parked);
    CPPUNIT_ASSERT_EQUAL(size_t(0), pass.failed); // nothing to back off for
    CPPUNIT_ASSERT_EQUAL(int64_t(0), unpublished());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), test_db_->scalar("SELECT COUNT(*) FROM outbox_parked"));
    CPPUNIT_ASSERT_EQUAL(1.0, metrics.value("orders_outbox_parked_total"));
    CPPUNIT_ASSERT_EQUAL(size_t(0), r->runOnce().claimed); // never tried again
    storage::OutboxRepository repo;
    auto lease = db_->lease();
    const auto page = repo.page(**lease, 0, 10, false, std::nullopt);
    size_t parked = 0;
    for (const auto &row : page)
      if (row.parked_error) {
        ++parked;
        CPPUNIT_ASSERT_EQUAL(std::string("ev-poison"), row.event_id);
        CPPUNIT_ASSERT(!row.published_at_ms);
      }
    CPPUNIT_ASSERT_EQUAL(size_t(1), parked);
  }

  // While the relay waits for Kafka (here: brokers down, so the whole
  // delivery timeout), its rows are leased, not locked, and no transaction
  // of it is open: another session can lock them at once.
  void noTransactionOrRowLockIsHeldWhilePublishing() {
    if (skip()) return;
    kafka_->brokersDown();
    insertEvents(2, 2);
    metrics::MetricsRegistry metrics;
    auto r = relay(metrics, *db_, canonicalRoute(), 40, 3000);
    auto pass = std::async(std::launch::async, [&] { return r->runOnce(); });
    // The claim committed: the rows carry a lease; the relay now publishes.
    CPPUNIT_ASSERT(eventually([&] {
      return test_db_->scalar("SELECT COUNT(*) FROM outbox_pending WHERE claimed_until_ms IS NOT NULL") == 4;
    }));
    CPPUNIT_ASSERT(pass.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready); // still publishing
    if (engine() == orders::e2e::Engine::postgres) {
      auto other = open();
      other->transaction([&](Poco::Data::Session &s) {
        // NOWAIT: fails at once if any row were locked by the relay.
        Poco::Data::Statement st(s);
        st << "SELECT id FROM outbox_pending FOR UPDATE NOWAIT";
        CPPUNIT_ASSERT_EQUAL(size_t(4), st.execute());
      });
      CPPUNIT_ASSERT_EQUAL(int64_t(0), test_db_->scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE state LIKE "
                                                        "'idle in transaction%' AND datname = current_database()"));
    }
    const events::RelayPass failed = pass.get();
    CPPUNIT_ASSERT_EQUAL(size_t(0), failed.published);
    CPPUNIT_ASSERT(failed.failed > 0);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), // freed for the next pass
                         test_db_->scalar("SELECT COUNT(*) FROM outbox_pending WHERE claimed_until_ms IS NOT NULL"));
    kafka_->brokersUp();
    CPPUNIT_ASSERT(eventually([&] {
      r->runOnce();
      return unpublished() == 0;
    }));
    assertOncePerEventInOrder(readTopic(kafka_->bootstrap(), "order.events", 4), 4);
  }

  void retentionDeletesOnlyOldPublishedRows() {
    if (skip()) return;
    insertEvents(4, 1); // 4 rows
    db_->transaction([&](Poco::Data::Session &s) {
      storage::OutboxRepository marks;
      marks.markPublished(s, idsOf({"o0", "o1"}), 1000);
      marks.markPublished(s, idsOf({"o2"}), 900000);
    });
    storage::OutboxRepository repo;
    auto lease = db_->lease();
    CPPUNIT_ASSERT_EQUAL(size_t(1), repo.purgePublished(**lease, 5000, 1)); // bounded batches
    CPPUNIT_ASSERT_EQUAL(size_t(1), repo.purgePublished(**lease, 5000, 1000));
    CPPUNIT_ASSERT_EQUAL(size_t(0), repo.purgePublished(**lease, 5000, 1000));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), test_db_->scalar("SELECT COUNT(*) FROM service_outbox"));
    const auto backlog = repo.backlog(**lease);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), backlog.rows); // o3, never published, is kept
    CPPUNIT_ASSERT_EQUAL(int64_t(1000), backlog.oldest_created_at_ms.value_or(0));
  }
};

class SqliteRelayTest : public RelayBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteRelayTest, RelayBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  orders::e2e::Engine engine() const override { return orders::e2e::Engine::sqlite; }
};

class PostgresRelayTest : public RelayBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresRelayTest, RelayBase);
  CPPUNIT_TEST(twoRelaysOnOneDatabasePublishEachRowOnceInOrder);
  CPPUNIT_TEST_SUITE_END();

protected:
  orders::e2e::Engine engine() const override { return orders::e2e::Engine::postgres; }

public:
  // Two replicas' relays claim with SKIP LOCKED; holding back an order's
  // later events while the other relay holds an earlier one keeps the order.
  void twoRelaysOnOneDatabasePublishEachRowOnceInOrder() {
    if (skip()) return;
    insertEvents(60, 20);
    auto second_db = open();
    metrics::MetricsRegistry m1, m2;
    auto a = relay(m1, *db_, canonicalRoute(), 25);
    auto b = relay(m2, *second_db, canonicalRoute(), 25);
    a->start();
    b->start();
    CPPUNIT_ASSERT(eventually([&] { return unpublished() == 0; }, 60000));
    a->stop();
    b->stop();
    assertOncePerEventInOrder(readTopic(kafka_->bootstrap(), "order.events", 1200, 30000), 1200);
    const double pa = m1.value("orders_outbox_published_total");
    const double pb = m2.value("orders_outbox_published_total");
    std::cerr << " [relay A published " << pa << ", relay B " << pb << "]";
    CPPUNIT_ASSERT_EQUAL(1200.0, pa + pb);
    CPPUNIT_ASSERT(pa > 0 && pb > 0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteRelayTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresRelayTest);
