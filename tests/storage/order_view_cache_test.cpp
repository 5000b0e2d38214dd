// Row signatures (storage::OrderViewQuery) and the rendered-view cache
// (core::OrderViewCache) on both engines: a view is re-rendered exactly when
// a row it shows was changed, also by another process (a second pool).
#include <Poco/Data/Session.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>

#include "core/order_view_cache.hpp"
#include "storage/order_repository.hpp"
#include "storage/order_view_query.hpp"
#include "storage/payment_repository.hpp"
#include "storage_fixture.hpp"

using namespace orders::host;
using namespace storage_test;

namespace {

core::Payment payment(const core::Order &o, int attempt) {
  core::Payment p;
  p.id = core::newId();
  p.order_id = o.id;
  p.attempt = attempt;
  p.provider = "manual";
  p.idempotency_key = "order:" + o.id + ":attempt:" + std::to_string(attempt);
  p.status = core::PaymentStatus::pending;
  p.amount_minor = o.total_minor;
  p.currency = o.currency;
  p.created_at_ms = p.updated_at_ms = 1790000000000 + attempt;
  return p;
}

core::Shipment shipment(const core::Order &o) {
  core::Shipment s;
  s.id = core::newId();
  s.order_id = o.id;
  s.seller_id = o.seller_id;
  s.provider = "manual";
  s.status = core::ShipmentStatus::draft;
  s.created_at_ms = s.updated_at_ms = 1790000000000;
  return s;
}

// "status/payment status/shipment status", counting renders.
struct Renderer {
  std::atomic<int> calls{0};
  core::OrderViewCache::Render fn() {
    return [this](const core::OrderView &v) {
      ++calls;
      return std::string(core::statusName(v.order.status)) + "/" +
             (v.payments.empty() ? "-" : core::statusName(v.payments.back().status)) + "/" +
             (v.shipments.empty() ? "-" : core::statusName(v.shipments.back().status));
    };
  }
};

} // namespace

class OrderViewCacheBase : public StorageFixture {
  CPPUNIT_TEST_SUITE(OrderViewCacheBase);
  CPPUNIT_TEST(signatureChangesWithEveryRowOfTheView);
  CPPUNIT_TEST(cacheRendersOncePerChangeAlsoByAnotherProcess);
  CPPUNIT_TEST(cacheKeepsTheMostRecentlyUsed);
  CPPUNIT_TEST(boundedStalenessStillSeesThisProcesssCommits);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

  core::Order o_;
  core::Payment pay_;
  core::Shipment ship_;

  void seed(storage::Database &db) {
    o_ = sampleOrder("u1", 1790000000000);
    pay_ = payment(o_, 1);
    ship_ = shipment(o_);
    db.transaction([&](Poco::Data::Session &s) {
      storage::OrderRepository(db).insert(s, o_, "user:u1");
      storage::PaymentRepository(db).insert(s, pay_);
      storage::ShipmentRepository(db).insert(s, ship_);
    });
  }

  // The payment captured through another pool (another server process,
  // whose commits this process's cache does not hear of).
  std::unique_ptr<storage::Database> captureElsewhere() {
    auto other = storage::Database::open(url_, 1);
    CPPUNIT_ASSERT(other.ok());
    auto db2 = std::move(other).value();
    db2->transaction([&](Poco::Data::Session &s) {
      const auto was = pay_.status;
      pay_.status = core::PaymentStatus::captured;
      storage::PaymentRepository(*db2).update(s, pay_, was);
    });
    return db2;
  }

public:
  void signatureChangesWithEveryRowOfTheView() {
    if (skip()) return;
    storage::OrderViewQuery views(*db_);
    CPPUNIT_ASSERT_EQUAL(postgres(), views.hasSignatures());
    if (!postgres()) return;
    seed(*db_);
    auto lease = db_->lease();
    std::string before = views.signature(**lease, o_.id).value();
    CPPUNIT_ASSERT_EQUAL(before, views.load(**lease, o_.id)->signature); // same rows, same signature
    CPPUNIT_ASSERT_EQUAL(before, views.signature(**lease, o_.id).value());
    CPPUNIT_ASSERT(!views.signature(**lease, "no-such-order"));
    auto changed = [&](const char *what, const std::function<void(Poco::Data::Session &)> &write) {
      db_->transaction(write);
      const std::string after = views.signature(**lease, o_.id).value();
      CPPUNIT_ASSERT_MESSAGE(std::string(what) + " must change the signature", after != before);
      before = after;
    };
    changed("a payment update", [&](Poco::Data::Session &s) {
      const auto was = pay_.status;
      pay_.status = core::PaymentStatus::failed;
      storage::PaymentRepository(*db_).update(s, pay_, was);
    });
    changed("a new payment attempt",
            [&](Poco::Data::Session &s) { storage::PaymentRepository(*db_).insert(s, payment(o_, 2)); });
    changed("a shipment update", [&](Poco::Data::Session &s) {
      const auto was = ship_.status;
      ship_.status = core::ShipmentStatus::cancel_pending;
      storage::ShipmentRepository(*db_).update(s, ship_, was);
    });
    changed("a status transition", [&](Poco::Data::Session &s) {
      auto o = storage::OrderRepository(*db_).find(s, o_.id, true).value();
      storage::OrderRepository(*db_).transition(s, o, core::OrderStatus::awaiting_payment, "test", "");
    });
    // Items never change after checkout; their snapshot lives in the order
    // row (migration 0013), so any change to it is the row's own.
    changed("an items snapshot change",
            [&](Poco::Data::Session &s) { db_->exec(s, "UPDATE orders SET items_json = '[]' WHERE id = $1", o_.id); });
  }

  void cacheRendersOncePerChangeAlsoByAnotherProcess() {
    if (skip()) return;
    seed(*db_);
    core::OrderViewCache cache(*db_, 16);
    Renderer render;
    CPPUNIT_ASSERT_EQUAL(std::string("pending/pending/draft"), *cache.get(o_.id, render.fn())->body);
    CPPUNIT_ASSERT_EQUAL(std::string("pending/pending/draft"), *cache.get(o_.id, render.fn())->body);
    CPPUNIT_ASSERT_EQUAL(postgres() ? 1 : 2, render.calls.load()); // SQLite always renders
    CPPUNIT_ASSERT_EQUAL(std::string("u1"), cache.get(o_.id, render.fn())->user_id);
    CPPUNIT_ASSERT(!cache.get("no-such-order", render.fn()));

    // Another server process on the same database changes the payment.
    auto db2 = captureElsewhere();
    const int before = render.calls.load();
    CPPUNIT_ASSERT_EQUAL(std::string("pending/captured/draft"), *cache.get(o_.id, render.fn())->body);
    CPPUNIT_ASSERT_EQUAL(before + 1, render.calls.load());
    db2->transaction([&](Poco::Data::Session &s) {
      const auto was = ship_.status;
      ship_.status = core::ShipmentStatus::shipped;
      storage::ShipmentRepository(*db2).update(s, ship_, was);
    });
    CPPUNIT_ASSERT_EQUAL(std::string("pending/captured/shipped"), *cache.get(o_.id, render.fn())->body);
    if (postgres()) {
      CPPUNIT_ASSERT_EQUAL(size_t(2), cache.hits());
      CPPUNIT_ASSERT_EQUAL(size_t(3), cache.misses());
    }

    core::OrderViewCache off(*db_, 0); // capacity 0: every read renders
    Renderer counted;
    off.get(o_.id, counted.fn());
    off.get(o_.id, counted.fn());
    CPPUNIT_ASSERT_EQUAL(2, counted.calls.load());
    CPPUNIT_ASSERT_EQUAL(size_t(0), off.size());
  }

  void cacheKeepsTheMostRecentlyUsed() {
    if (skip() || !postgres()) return;
    core::OrderViewCache cache(*db_, 2);
    Renderer render;
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      seed(*db_);
      ids.push_back(o_.id);
    }
    cache.get(ids[0], render.fn());
    cache.get(ids[1], render.fn());
    cache.get(ids[0], render.fn()); // hit: ids[0] is now the most recent
    cache.get(ids[2], render.fn()); // evicts ids[1]
    CPPUNIT_ASSERT_EQUAL(size_t(2), cache.size());
    CPPUNIT_ASSERT_EQUAL(3, render.calls.load());
    cache.get(ids[0], render.fn());
    CPPUNIT_ASSERT_EQUAL(3, render.calls.load());
    cache.get(ids[1], render.fn());
    CPPUNIT_ASSERT_EQUAL(4, render.calls.load());
  }

  // max_staleness_ms: another process's change may be missed within the
  // window; a change committed through this process's Database never is,
  // also when it commits while a view of the order is being read.
  void boundedStalenessStillSeesThisProcesssCommits() {
    if (skip() || !postgres()) return;
    seed(*db_);
    core::OrderViewCache cache(*db_, 16, 600000);
    Renderer render;
    CPPUNIT_ASSERT_EQUAL(std::string("pending/pending/draft"), *cache.get(o_.id, render.fn())->body);
    CPPUNIT_ASSERT_EQUAL(std::string("pending/pending/draft"), *cache.get(o_.id, render.fn())->body);
    CPPUNIT_ASSERT_EQUAL(size_t(1), cache.unchecked());

    captureElsewhere();
    CPPUNIT_ASSERT_EQUAL(std::string("pending/pending/draft"), *cache.get(o_.id, render.fn())->body); // in the window

    db_->pipelined([&](Poco::Data::Session &s) {
      const auto was = ship_.status;
      ship_.status = core::ShipmentStatus::shipped;
      storage::ShipmentRepository(*db_).update(s, ship_, was);
    });
    CPPUNIT_ASSERT_EQUAL(std::string("pending/captured/shipped"), *cache.get(o_.id, render.fn())->body);

    // A transaction that rolls back tells nobody: the view stays unchecked.
    const size_t unchecked = cache.unchecked();
    CPPUNIT_ASSERT_THROW(db_->transaction([&](Poco::Data::Session &s) {
      auto o = storage::OrderRepository(*db_).find(s, o_.id, true).value();
      storage::OrderRepository(*db_).transition(s, o, core::OrderStatus::awaiting_payment, "test", "");
      throw std::runtime_error("roll back");
    }),
                         std::runtime_error);
    CPPUNIT_ASSERT_EQUAL(std::string("pending/captured/shipped"), *cache.get(o_.id, render.fn())->body);
    CPPUNIT_ASSERT_EQUAL(unchecked + 1, cache.unchecked());

    // A local commit lands while the view is being rendered (after its
    // read): the view answers that read, but is checked before the next.
    db_->pipelined(
        [&](Poco::Data::Session &s) { storage::ShipmentRepository(*db_).update(s, ship_, ship_.status); }); // drop it
    bool raced = false;
    auto racing = [&](const core::OrderView &v) {
      if (!raced) {
        raced = true;
        db_->transaction([&](Poco::Data::Session &s) {
          const auto was = pay_.status;
          pay_.status = core::PaymentStatus::refunded;
          storage::PaymentRepository(*db_).update(s, pay_, was);
        });
      }
      return render.fn()(v);
    };
    CPPUNIT_ASSERT_EQUAL(std::string("pending/captured/shipped"), *cache.get(o_.id, racing)->body);
    CPPUNIT_ASSERT_EQUAL(std::string("pending/refunded/shipped"), *cache.get(o_.id, render.fn())->body);
  }
};

class SqliteOrderViewCacheTest : public OrderViewCacheBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteOrderViewCacheTest, OrderViewCacheBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return false; }
};

class PostgresOrderViewCacheTest : public OrderViewCacheBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresOrderViewCacheTest, OrderViewCacheBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return true; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteOrderViewCacheTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresOrderViewCacheTest);
