// The one-round-trip order view (OrderViewQuery) and the 0004 outbox queue
// migration, on both engines.
#include <Poco/Data/Session.h>
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/json.hpp"
#include "storage/order_repository.hpp"
#include "storage/order_view_query.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/payment_repository.hpp"
#include "storage_fixture.hpp"

using namespace orders::host;
using namespace Poco::Data::Keywords;
using namespace storage_test;

namespace {

core::Payment payment(const std::string &order_id, int attempt, int64_t amount) {
  core::Payment p;
  p.id = core::newId();
  p.order_id = order_id;
  p.attempt = attempt;
  p.provider = "manual";
  p.idempotency_key = "order:" + order_id + ":attempt:" + std::to_string(attempt);
  p.status = attempt == 1 ? core::PaymentStatus::failed : core::PaymentStatus::pending;
  p.amount_minor = amount;
  p.currency = "IDR";
  if (attempt == 2) {
    p.reference = "pay-\"quoted\"-ref";
    p.redirect_url = "https://pay.example/checkout?a=1&b=ü";
  }
  p.created_at_ms = p.updated_at_ms = 1790000000000 + attempt;
  return p;
}

core::Shipment shipment(const std::string &order_id, const std::string &id, int64_t at) {
  core::Shipment s;
  s.id = id;
  s.order_id = order_id;
  s.seller_id = "s1";
  s.provider = "manual";
  s.status = core::ShipmentStatus::draft;
  if (id == "sh-b") {
    s.carrier = "JNE";
    s.tracking_number = "TRK 1";
  }
  s.created_at_ms = s.updated_at_ms = at;
  return s;
}

} // namespace

class OrderViewBase : public StorageFixture {
  CPPUNIT_TEST_SUITE(OrderViewBase);
  CPPUNIT_TEST(viewMatchesThePerTableReads);
  CPPUNIT_TEST(viewOfAnOrderWithoutChildrenAndOfNoOrder);
  CPPUNIT_TEST(outboxQueueMigrationKeepsPublicationState);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
  void viewMatchesThePerTableReads() {
    if (skip()) return;
    core::Order o = sampleOrder("u1", 1790000000123);
    o.seller_id.reset();
    o.shipping_address["line1"] = "Jl. \"Merdeka\" 1\n";
    o.customer["name"] = "Ana";
    o.total_minor = 9007199254740993; // above 2^53: must survive the JSON round trip exactly
    for (int line : {3, 2}) {
      core::OrderItem item = o.items[0];
      item.line_no = line;
      item.product_id = "p" + std::to_string(line);
      item.variant_id = "v-" + std::to_string(line);
      item.attributes["size"] = "L";
      item.image_url = "https://img.example/" + std::to_string(line) + ".png";
      o.items.push_back(item);
    }
    storage::OrderRepository orders(*db_);
    storage::PaymentRepository payments(*db_);
    storage::ShipmentRepository shipments(*db_);
    db_->transaction([&](Poco::Data::Session &s) {
      orders.insert(s, o, "user:u1");
      payments.insert(s, payment(o.id, 2, o.total_minor));
      payments.insert(s, payment(o.id, 1, o.total_minor));
      shipments.insert(s, shipment(o.id, "sh-c", 2000));
      shipments.insert(s, shipment(o.id, "sh-b", 1000));
      shipments.insert(s, shipment(o.id, "sh-a", 2000));
    });
    auto lease = db_->lease();
    auto view = storage::OrderViewQuery(*db_).load(**lease, o.id);
    CPPUNIT_ASSERT(view.has_value());
    auto order = orders.find(**lease, o.id);
    CPPUNIT_ASSERT_EQUAL(orders::sdk::writeJson(core::orderJson(*order)),
                         orders::sdk::writeJson(core::orderJson(view->order)));
    CPPUNIT_ASSERT_EQUAL(int64_t(9007199254740993), view->order.total_minor);
    CPPUNIT_ASSERT(!view->order.seller_id);
    CPPUNIT_ASSERT_EQUAL(std::string("Jl. \"Merdeka\" 1\n"), view->order.shipping_address["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(size_t(3), view->order.items.size());
    for (size_t i = 0; i < 3; ++i) {
      CPPUNIT_ASSERT_EQUAL(static_cast<int>(i + 1), view->order.items[i].line_no);
      CPPUNIT_ASSERT_EQUAL(order->items[i].product_id, view->order.items[i].product_id);
      CPPUNIT_ASSERT(order->items[i].variant_id == view->order.items[i].variant_id);
      CPPUNIT_ASSERT(order->items[i].image_url == view->order.items[i].image_url);
      CPPUNIT_ASSERT(order->items[i].attributes == view->order.items[i].attributes);
      CPPUNIT_ASSERT_EQUAL(std::string("Kopi — 250 g"), view->order.items[i].title);
    }

    const auto by_table = payments.forOrder(**lease, o.id);
    CPPUNIT_ASSERT_EQUAL(size_t(2), view->payments.size());
    for (size_t i = 0; i < 2; ++i) {
      const auto &a = by_table[i], &b = view->payments[i];
      CPPUNIT_ASSERT_EQUAL(static_cast<int>(i + 1), b.attempt);
      CPPUNIT_ASSERT_EQUAL(a.id, b.id);
      CPPUNIT_ASSERT_EQUAL(a.status, b.status);
      CPPUNIT_ASSERT_EQUAL(a.amount_minor, b.amount_minor);
      CPPUNIT_ASSERT(a.reference == b.reference);
      CPPUNIT_ASSERT(a.redirect_url == b.redirect_url);
      CPPUNIT_ASSERT_EQUAL(a.created_at_ms, b.created_at_ms);
    }
    const auto ships = shipments.forOrder(**lease, o.id);
    CPPUNIT_ASSERT_EQUAL(size_t(3), view->shipments.size());
    const char *expected[] = {"sh-b", "sh-a", "sh-c"}; // by creation, then id
    for (size_t i = 0; i < 3; ++i) {
      CPPUNIT_ASSERT_EQUAL(std::string(expected[i]), view->shipments[i].id);
      CPPUNIT_ASSERT_EQUAL(ships[i].id, view->shipments[i].id);
      CPPUNIT_ASSERT(ships[i].carrier == view->shipments[i].carrier);
      CPPUNIT_ASSERT(ships[i].tracking_number == view->shipments[i].tracking_number);
    }
  }

  void viewOfAnOrderWithoutChildrenAndOfNoOrder() {
    if (skip()) return;
    core::Order o = sampleOrder("u2", 1790000000999);
    o.items.clear();
    db_->transaction([&](Poco::Data::Session &s) { storage::OrderRepository(*db_).insert(s, o, "user:u2"); });
    auto lease = db_->lease();
    auto view = storage::OrderViewQuery(*db_).load(**lease, o.id);
    CPPUNIT_ASSERT(view.has_value());
    CPPUNIT_ASSERT_EQUAL(o.order_number, view->order.order_number);
    CPPUNIT_ASSERT(view->order.items.empty());
    CPPUNIT_ASSERT(view->payments.empty());
    CPPUNIT_ASSERT(view->shipments.empty());
    CPPUNIT_ASSERT(!storage::OrderViewQuery(*db_).load(**lease, "no-such-order").has_value());
  }

  // A database written before 0004 (published_at_ms on service_outbox)
  // keeps which events were published; new events are enqueued by trigger.
  void outboxQueueMigrationKeepsPublicationState() {
    if (skip()) return;
    std::string url = "sqlite://" + dir_ + "/upgrade.db";
    if (postgres()) {
      auto lease = db_->lease();
      **lease << "CREATE DATABASE " + pg_name_ + "_up", now;
      url = std::string(env("ORDERS_TEST_PG_URL"));
      url = url.substr(0, url.rfind('/') + 1) + pg_name_ + "_up";
    }
    {
      auto opened = storage::Database::open(url, 2);
      CPPUNIT_ASSERT(opened.ok());
      auto &db = *opened.value();
      std::vector<storage::Migration> before;
      for (const auto &m : storage::embeddedMigrations())
        if (m.version < 4) before.push_back(m);
      CPPUNIT_ASSERT(storage::migrate(db, before).ok());
      db.transaction([&](Poco::Data::Session &s) {
        for (int i = 1; i <= 3; ++i)
          db.exec(s,
                  "INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms, "
                  "published_at_ms) VALUES ($1, 'order.created', $2, '{}', $3, " +
                      std::string(i == 2 ? "NULL" : "5000") + ")",
                  "ev-" + std::to_string(i), "o" + std::to_string(i), int64_t(1000 * i));
      });
      auto upgraded = storage::migrate(db);
      CPPUNIT_ASSERT_MESSAGE(upgraded.ok() ? "" : upgraded.error().message, upgraded.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("0004_outbox_queue"), upgraded->applied.at(0));
      db.transaction([&](Poco::Data::Session &s) {
        db.exec(s, "INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) "
                   "VALUES ('ev-4', 'order.created', 'o4', '{}', 4000)");
      });
      storage::OutboxRepository repo;
      auto lease = db.lease();
      const auto rows = repo.page(**lease, 0, 10, false);
      CPPUNIT_ASSERT_EQUAL(size_t(4), rows.size());
      CPPUNIT_ASSERT_EQUAL(int64_t(5000), rows[0].published_at_ms.value_or(0));
      CPPUNIT_ASSERT(!rows[1].published_at_ms);
      CPPUNIT_ASSERT_EQUAL(int64_t(5000), rows[2].published_at_ms.value_or(0));
      CPPUNIT_ASSERT(!rows[3].published_at_ms);
      const auto pending = repo.page(**lease, 0, 10, true);
      CPPUNIT_ASSERT_EQUAL(size_t(2), pending.size());
      CPPUNIT_ASSERT_EQUAL(std::string("ev-2"), pending[0].event_id);
      CPPUNIT_ASSERT_EQUAL(std::string("ev-4"), pending[1].event_id);
      const auto backlog = repo.backlog(**lease);
      CPPUNIT_ASSERT_EQUAL(int64_t(2), backlog.rows);
      CPPUNIT_ASSERT_EQUAL(int64_t(2000), backlog.oldest_created_at_ms.value_or(0));
    }
    if (postgres()) {
      auto lease = db_->lease();
      **lease << "DROP DATABASE " + pg_name_ + "_up WITH (FORCE)", now;
    }
  }
};

class SqliteOrderViewTest : public OrderViewBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteOrderViewTest, OrderViewBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return false; }
};

class PostgresOrderViewTest : public OrderViewBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresOrderViewTest, OrderViewBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return true; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteOrderViewTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresOrderViewTest);
