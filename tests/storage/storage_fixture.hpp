// The fixture of the storage tests: a migrated database per test, SQLite in
// a temp file or a fresh database on the throw-away PostgreSQL of
// packaging/test.sh (ORDERS_TEST_PG_URL), dropped afterwards.
#pragma once

#include "pg_admin.hpp"
#include "test_skip.hpp"
#include <Poco/Data/Session.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include "domain/order.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace storage_test {
using namespace orders::host;
using namespace Poco::Data::Keywords;

inline const char *env(const char *n) {
  const char *v = std::getenv(n);
  return v && *v ? v : nullptr;
}

inline core::Order sampleOrder(const std::string &user, int64_t created_ms) {
  core::Order o;
  o.id = core::newId();
  o.order_number = core::newOrderNumber(created_ms);
  o.checkout_id = "chk-" + o.id;
  o.user_id = user;
  o.seller_id = "s1";
  o.currency = "IDR";
  core::OrderItem item;
  item.line_no = 1;
  item.product_id = "p1";
  item.title = "Kopi — 250 g";
  item.quantity = 3;
  item.unit_price_minor = 150000;
  item.line_total_minor = 450000;
  o.items.push_back(item);
  o.subtotal_minor = o.total_minor = 450000;
  o.created_at_ms = o.updated_at_ms = created_ms;
  return o;
}

class StorageFixture : public CppUnit::TestFixture {
protected:
  virtual bool postgres() const = 0;
  std::unique_ptr<storage::Database> db_;
  std::string dir_, pg_name_, url_; // url_: the test database's

  bool skip() const { return postgres() && orders::testing::needPostgres(); }

public:
  void setUp() override {
    if (skip()) return;
    char tmpl[] = "/tmp/orders-storage-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::string url = "sqlite://" + dir_ + "/orders.db";
    if (postgres()) {
      static std::mt19937_64 rng{std::random_device{}()};
      pg_name_ = "st_" + std::to_string(rng() % 1000000000);
      orders::testing::pgAdmin("CREATE DATABASE " + pg_name_);
      url = std::string(env("ORDERS_TEST_PG_URL"));
      url = url.substr(0, url.rfind('/') + 1) + pg_name_;
    }
    url_ = url;
    auto opened = storage::Database::open(url, 8);
    CPPUNIT_ASSERT_MESSAGE(opened.ok() ? "" : opened.error().message, opened.ok());
    db_ = std::move(opened).value();
    auto migrated = storage::migrate(*db_);
    CPPUNIT_ASSERT_MESSAGE(migrated.ok() ? "" : migrated.error().message, migrated.ok());
  }

  void tearDown() override {
    db_.reset();
    if (!pg_name_.empty()) {
      orders::testing::pgAdmin("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  int64_t count(const std::string &sql) {
    auto lease = db_->lease();
    Poco::Int64 n = 0;
    **lease << sql, into(n), now;
    return n;
  }
};

} // namespace storage_test
