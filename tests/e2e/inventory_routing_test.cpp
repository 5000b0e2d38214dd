// Several inventory instances at once (checkout.inventory_routes), the real
// binary on SQLite and PostgreSQL: one order whose lines live in two
// providers reserves in both; a shortage in the second releases the first;
// cancel releases both.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "eventually.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using namespace Poco::Data::Keywords;
using orders::testing::eventually;

namespace {} // namespace

class RoutingBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RoutingBase);
  CPPUNIT_TEST(oneOrderReservesInBothProvidersAndReleasesBoth);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;

public:
  void oneOrderReservesInBothProvidersAndReleasesBoth() {
    if (engine() == Engine::postgres && orders::testing::needPostgres()) return;
    TestDatabase db(engine());
    const std::string merch_db = db.dir() + "/merch.db";
    ServerOptions o;
    o.split = "shipments_per_seller"; // one order for mug (seller s1) and tee (house brand)
    o.checkout_extra = ", inventory_routes: [ { inventory: merch, attribute: { name: type, value: merch } } ]";
    o.inventory_extra = "    - name: local\n      id: merch\n      config:\n        database_url: \"sqlite://" +
                        merch_db + "\"\n        stock: { sku-tee: 5 }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Poco::Data::SQLite::Connector::registerConnector();
    auto merchReserved = [&] {
      Poco::Data::Session s("SQLite", merch_db);
      Poco::Int64 n = -1;
      s << "SELECT reserved FROM inventory_stock WHERE product_key = 'sku-tee'", into(n), now;
      return n;
    };
    auto mugReserved = [&] {
      return db.scalar("SELECT reserved FROM inventory_stock WHERE product_key = 'sku-mug'", true);
    };

    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}, {"sku-tee", 2}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    CPPUNIT_ASSERT_EQUAL(1u, r.json()["orders"].size());
    const std::string id = r.json()["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_EQUAL(int64_t(1), mugReserved());
    CPPUNIT_ASSERT_EQUAL(int64_t(2), merchReserved());
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT reserved FROM inventory_stock WHERE product_key = 'sku-tee'",
                                               true)); // the default instance was not asked for the tee
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM reservations WHERE provider = 'merch' AND "
                                               "status = 'held' AND order_id = '" +
                                               id + "'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM reservations WHERE provider = 'stock' AND "
                                               "status = 'held' AND order_id = '" +
                                               id + "'"));

    // The second provider is short: the first one's hold is released.
    Reply short_reply =
        server.as("u2", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}, {"sku-tee", 10}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(short_reply.body, 409, short_reply.status);
    CPPUNIT_ASSERT_EQUAL(std::string("out_of_stock"), short_reply.json()["code"].asString());
    CPPUNIT_ASSERT(short_reply.body.find("sku-tee") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return mugReserved() == 1; }));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), merchReserved());

    // Cancel releases in both providers.
    Reply cancelled = server.as("u1", "buyer", "POST", "/api/orders/" + id + "/cancel", "{}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return mugReserved() == 0 && merchReserved() == 0; }));
  }
};

class SqliteRoutingTest : public RoutingBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteRoutingTest, RoutingBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::sqlite; }
};

class PostgresRoutingTest : public RoutingBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresRoutingTest, RoutingBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteRoutingTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresRoutingTest);
