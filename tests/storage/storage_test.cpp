// The repository layer against both engines: SQLite in a temp file and the
// throw-away PostgreSQL of packaging/test.sh (a fresh database per test).
#include <Poco/Data/Session.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/invoice_service.hpp"
#include "domain/order.hpp"
#include "orders/sdk/json.hpp"
#include "storage/database.hpp"
#include "storage/idempotency_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/order_repository.hpp"
#include "storage/order_view_query.hpp"
#include "storage/outbox_repository.hpp"
#include "storage/payment_repository.hpp"
#include "storage/replay_repository.hpp"
#include "storage/row_readers.hpp"
#include "storage_fixture.hpp"

using namespace orders::host;
using namespace Poco::Data::Keywords;
using namespace storage_test;

class StorageBase : public StorageFixture {
  CPPUNIT_TEST_SUITE(StorageBase);
  CPPUNIT_TEST(migrationsApplyOnceAndRecordVersions);
  CPPUNIT_TEST(failedMigrationLeavesDatabaseUnchanged);
  CPPUNIT_TEST(orderRoundTripsWithItemsAndSnapshots);
  CPPUNIT_TEST(itemsSnapshotMatchesTheRowsIsBackfilledAndFallsBack);
  CPPUNIT_TEST(numericIdsAreDrawnInOrderAndFindTheOrder);
  CPPUNIT_TEST(transitionWritesHistoryAndOutboxTogether);
  CPPUNIT_TEST(illegalTransitionWritesNothing);
  CPPUNIT_TEST(sideEffectMovesOutsideTheTableWriteNothing);
  CPPUNIT_TEST(staleVersionIsAConflictNotAnInternalError);
  CPPUNIT_TEST(rolledBackTransactionLeavesNoTrace);
  CPPUNIT_TEST(concurrentTransitionsLoseNoWrite);
  CPPUNIT_TEST(listPaginatesByCreatedThenId);
  CPPUNIT_TEST(idempotencyKeyHasOneOwner);
  CPPUNIT_TEST(idempotencyKeyIsTakenOverOnce);
  CPPUNIT_TEST(inboxRecordsEachEventOnce);
  CPPUNIT_TEST(invoiceNumbersAreAllocatedOncePerOrderInSequence);
  CPPUNIT_TEST(serviceAuthReplaysAreRefusedThroughTheDatabase);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
  void migrationsApplyOnceAndRecordVersions() {
    if (skip()) return;
    auto again = storage::migrate(*db_);
    CPPUNIT_ASSERT(again.ok());
    CPPUNIT_ASSERT(again->applied.empty());
    // 0001_orders, 0002_invoices, 0003_notifications, 0004_outbox_queue, 0005_side_effect_claims,
    // 0006_outbox_claims, 0007_service_auth_replays, 0008_order_seq, 0009_order_billing_metadata,
    // 0010_idempotency_resource, 0011_retention_indexes, 0012_checkout_step, 0013_order_items_snapshot,
    // 0014_outbox_trace_context
    CPPUNIT_ASSERT_EQUAL(14, again->current_version);
    CPPUNIT_ASSERT_EQUAL(int64_t(14), count("SELECT COUNT(*) FROM schema_migrations"));
  }

  void failedMigrationLeavesDatabaseUnchanged() {
    if (skip()) return;
    const char *engine = postgres() ? "postgres" : "sqlite";
    std::vector<storage::Migration> broken = {
        {engine, 99, "half_done", "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"}};
    auto r = storage::migrate(*db_, broken);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("migration failed") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM schema_migrations WHERE version = 99"));
    bool table_exists = true;
    try {
      count("SELECT COUNT(*) FROM half_done");
    } catch (const std::exception &) {
      table_exists = false;
    }
    CPPUNIT_ASSERT_MESSAGE("the failed migration's CREATE TABLE must be rolled back", !table_exists);
  }

  void orderRoundTripsWithItemsAndSnapshots() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    core::Order o = sampleOrder("u1", 1790000000123);
    o.shipping_address["city"] = "Jakarta";
    o.customer["name"] = "Ana";
    db_->transaction([&](Poco::Data::Session &s) { repo.insert(s, o, "user:u1"); });
    auto lease = db_->lease();
    auto back = repo.find(**lease, o.id);
    CPPUNIT_ASSERT(back.has_value());
    CPPUNIT_ASSERT_EQUAL(o.order_number, back->order_number);
    CPPUNIT_ASSERT_EQUAL(int64_t(450000), back->total_minor);
    CPPUNIT_ASSERT_EQUAL(int64_t(1790000000123), back->created_at_ms);
    CPPUNIT_ASSERT_EQUAL(std::string("Kopi — 250 g"), back->items.at(0).title);
    CPPUNIT_ASSERT_EQUAL(std::string("Jakarta"), back->shipping_address["city"].asString());
    CPPUNIT_ASSERT(!back->items.at(0).variant_id.has_value());
    CPPUNIT_ASSERT_EQUAL(o.id, repo.idByNumber(**lease, o.order_number).value_or(""));
    CPPUNIT_ASSERT(!repo.idByNumber(**lease, "no-such-number").has_value());
    CPPUNIT_ASSERT(!repo.find(**lease, "nope").has_value());
  }

  // Migration 0013: the items snapshot in the order row says what the
  // order_items rows say, field for field; a row without one (written by an
  // earlier version) reads its items from order_items; the migration's
  // backfill writes the same snapshot the server does.
  void itemsSnapshotMatchesTheRowsIsBackfilledAndFallsBack() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    core::Order o = sampleOrder("u-snap", 1790000000123);
    core::OrderItem second;
    second.line_no = 2;
    second.product_id = "p2";
    second.variant_id = "p2-L";
    second.seller_id = "s1";
    second.title = "Tee \"L\" — \\ ✓";
    second.quantity = 1;
    second.unit_price_minor = second.line_total_minor = 99000;
    second.attributes["size"] = "L";
    second.attributes["tags"].append("cotton");
    second.image_url = "https://img.example/p2.png";
    o.items.push_back(second);
    db_->transaction([&](Poco::Data::Session &s) { repo.insert(s, o, "user:u-snap"); });
    const storage::Engine engine = postgres() ? storage::Engine::postgres : storage::Engine::sqlite;
    auto snapshot = [&] {
      auto lease = db_->lease();
      Poco::Nullable<std::string> json;
      std::string id = o.id;
      **lease << "SELECT items_json FROM orders WHERE id = $1", use(id), into(json), now;
      return json.isNull() ? std::optional<std::string>() : std::optional<std::string>(json.value());
    };
    auto rows = [&] {
      auto lease = db_->lease();
      Poco::Nullable<std::string> json;
      std::string id = o.id;
      **lease << "SELECT " + storage::childAggregateSql(engine, storage::kItemColumns, "order_items"), use(id),
          into(json), now;
      return storage::itemsFromJson(json.isNull() ? std::nullopt : std::optional<std::string>(json.value()));
    };
    auto same = [](const std::string &what, const std::vector<core::OrderItem> &a,
                   const std::vector<core::OrderItem> &b) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what, a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        const std::string at = what + " line " + std::to_string(i + 1);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, a[i].line_no, b[i].line_no);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, a[i].product_id, b[i].product_id);
        CPPUNIT_ASSERT_MESSAGE(at, a[i].variant_id == b[i].variant_id);
        CPPUNIT_ASSERT_MESSAGE(at, a[i].seller_id == b[i].seller_id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, a[i].title, b[i].title);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, a[i].quantity, b[i].quantity);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, a[i].unit_price_minor, b[i].unit_price_minor);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, a[i].line_total_minor, b[i].line_total_minor);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, orders::sdk::writeJson(a[i].attributes),
                                     orders::sdk::writeJson(b[i].attributes));
        CPPUNIT_ASSERT_MESSAGE(at, a[i].image_url == b[i].image_url);
      }
    };
    const auto written = snapshot();
    CPPUNIT_ASSERT(written.has_value());
    same("the snapshot against the given order", o.items, storage::itemsFromJson(written));
    same("the snapshot against order_items", rows(), storage::itemsFromJson(written));
    storage::OrderFilter f;
    f.user_id = "u-snap";
    auto readers = [&](const std::string &when) {
      auto lease = db_->lease();
      same(when + ": find", o.items, repo.find(**lease, o.id).value().items);
      same(when + ": list", o.items, repo.list(**lease, f).at(0).items);
      same(when + ": by checkout", o.items, repo.findByCheckout(**lease, o.checkout_id).at(0).items);
      same(when + ": view", o.items, storage::OrderViewQuery(*db_).load(**lease, o.id).value().order.items);
    };
    readers("from the snapshot");

    db_->transaction(
        [&](Poco::Data::Session &s) { db_->exec(s, "UPDATE orders SET items_json = NULL WHERE id = $1", o.id); });
    readers("without a snapshot");

    // The backfill statement of migration 0013, as shipped.
    std::string backfill;
    for (const auto &m : storage::embeddedMigrations())
      if (m.version == 13 && std::string(m.engine) == (postgres() ? "postgres" : "sqlite")) backfill = m.sql;
    backfill = backfill.substr(backfill.find("UPDATE orders SET items_json"));
    db_->transaction([&](Poco::Data::Session &s) { s << backfill, now; });
    const auto filled = snapshot();
    CPPUNIT_ASSERT(filled.has_value());
    same("the backfilled snapshot", o.items, storage::itemsFromJson(filled));
    readers("from the backfilled snapshot");
  }

  // Migration 0008/0009: each order gets the next numeric id (drawn ahead by
  // the checkout, or at insert), stored, found again, and in the event; the
  // billing address and metadata round trip.
  void numericIdsAreDrawnInOrderAndFindTheOrder() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    std::vector<int64_t> drawn;
    db_->transaction([&](Poco::Data::Session &s) { drawn = repo.drawSeqs(s, 3); });
    CPPUNIT_ASSERT_EQUAL(size_t(3), drawn.size());
    CPPUNIT_ASSERT(drawn[0] > 0 && drawn[1] == drawn[0] + 1 && drawn[2] == drawn[1] + 1);
    core::Order a = sampleOrder("u1", 1790000000123);
    a.seq = drawn[1];
    a.billing_address["line1"] = "9 Elm St";
    a.metadata["notes"] = "gift";
    core::Order b = sampleOrder("u1", 1790000000124); // seq 0: drawn at insert
    db_->transaction([&](Poco::Data::Session &s) {
      repo.insert(s, a, "user:u1");
      repo.insert(s, b, "user:u1");
    });
    auto lease = db_->lease();
    CPPUNIT_ASSERT_EQUAL(a.id, repo.idBySeq(**lease, drawn[1]).value());
    const auto back_b = repo.find(**lease, b.id);
    CPPUNIT_ASSERT(back_b->seq > drawn[2]);
    CPPUNIT_ASSERT_EQUAL(b.id, repo.idBySeq(**lease, back_b->seq).value());
    CPPUNIT_ASSERT(!repo.idBySeq(**lease, drawn[0]).has_value()); // drawn, never used: no order
    const auto back_a = repo.find(**lease, a.id);
    CPPUNIT_ASSERT_EQUAL(drawn[1], back_a->seq);
    CPPUNIT_ASSERT_EQUAL(std::string("9 Elm St"), back_a->billing_address["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("gift"), back_a->metadata["notes"].asString());
    CPPUNIT_ASSERT(back_b->billing_address.isNull() && back_b->metadata.isNull());
    const Json::Value json = core::orderJson(*back_a);
    CPPUNIT_ASSERT_EQUAL(Json::Int64(drawn[1]), json["numericId"].asInt64());
    CPPUNIT_ASSERT(!core::orderJson(*back_b).isMember("billingAddress"));
    const auto events = storage::OutboxRepository().page(**lease, 0, 10, true, b.id);
    CPPUNIT_ASSERT_EQUAL(Json::Int64(back_b->seq),
                         orders::sdk::parseJson(events.at(0).payload)["data"]["numericId"].asInt64());
  }

  void transitionWritesHistoryAndOutboxTogether() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    core::Order o = sampleOrder("u1", core::nowMs());
    db_->transaction([&](Poco::Data::Session &s) { repo.insert(s, o, "user:u1"); });
    db_->transaction([&](Poco::Data::Session &s) {
      auto locked = repo.find(s, o.id, true);
      repo.transition(s, *locked, core::OrderStatus::awaiting_payment, "test", "payment created");
    });
    auto lease = db_->lease();
    auto history = repo.history(**lease, o.id);
    CPPUNIT_ASSERT_EQUAL(size_t(2), history.size());
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), history[1].to_status);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), history[1].from_status.value());
    auto events = storage::OutboxRepository().page(**lease, 0, 10, true, o.id);
    CPPUNIT_ASSERT_EQUAL(size_t(2), events.size());
    CPPUNIT_ASSERT_EQUAL(std::string("order.created"), events[0].event_type);
    CPPUNIT_ASSERT_EQUAL(std::string("order.status_changed"), events[1].event_type);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), repo.find(**lease, o.id)->version);
  }

  void illegalTransitionWritesNothing() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    core::Order o = sampleOrder("u1", core::nowMs());
    db_->transaction([&](Poco::Data::Session &s) { repo.insert(s, o, "user:u1"); });
    try {
      db_->transaction([&](Poco::Data::Session &s) {
        auto locked = repo.find(s, o.id, true);
        repo.transition(s, *locked, core::OrderStatus::delivered, "test", "");
      });
      CPPUNIT_FAIL("expected a TransitionError");
    } catch (const storage::TransitionError &e) {
      CPPUNIT_ASSERT_EQUAL(std::string("cannot move an order from pending to delivered"), std::string(e.what()));
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM order_history"));
  }

  // Payments, shipments and reservations move only as the table in
  // domain/side_effect_status.hpp lists: a refunded payment is never
  // captured again, a committed reservation never released; nothing is
  // written and the row keeps its status.
  void sideEffectMovesOutsideTheTableWriteNothing() {
    if (skip()) return;
    storage::OrderRepository orders(*db_);
    storage::PaymentRepository payments(*db_);
    storage::ReservationRepository reservations(*db_);
    core::Order o = sampleOrder("u1", core::nowMs());
    core::Payment p;
    p.id = core::newId();
    p.order_id = o.id;
    p.provider = "manual";
    p.idempotency_key = "order:" + o.id + ":attempt:1";
    p.status = core::PaymentStatus::refunded;
    p.amount_minor = o.total_minor;
    p.currency = o.currency;
    core::Reservation r;
    r.id = core::newId();
    r.checkout_id = o.checkout_id;
    r.order_id = o.id;
    r.provider = "stock";
    r.idempotency_key = "k-" + r.id;
    r.status = core::ReservationStatus::reserving;
    db_->transaction([&](Poco::Data::Session &s) {
      orders.insert(s, o, "user:u1");
      payments.insert(s, p);
      reservations.insert(s, r);
      reservations.setStatus(s, r.id, core::ReservationStatus::reserving, core::ReservationStatus::released);
    });
    core::Payment again = p;
    again.status = core::PaymentStatus::captured;
    CPPUNIT_ASSERT_THROW(
        db_->transaction([&](Poco::Data::Session &s) { payments.update(s, again, core::PaymentStatus::refunded); }),
        core::SideEffectMoveError);
    CPPUNIT_ASSERT_THROW(
        db_->transaction([&](Poco::Data::Session &s) { payments.updateIf(s, again, core::PaymentStatus::refunded); }),
        core::SideEffectMoveError);
    try {
      db_->transaction([&](Poco::Data::Session &s) {
        reservations.setStatusIf(s, r.id, core::ReservationStatus::released, core::ReservationStatus::held);
      });
      CPPUNIT_FAIL("expected a SideEffectMoveError");
    } catch (const core::SideEffectMoveError &e) {
      CPPUNIT_ASSERT_EQUAL("cannot move reservation " + r.id + " from released to held", std::string(e.what()));
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM payments WHERE status = 'refunded'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM reservations WHERE status = 'released'"));
  }

  // An optimistic-lock miss (someone moved the order since it was read) is
  // a DomainError carrying `conflict` (409, retryable), not a bare error
  // that the API would answer 500.
  void staleVersionIsAConflictNotAnInternalError() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    core::Order o = sampleOrder("u1", core::nowMs());
    db_->transaction([&](Poco::Data::Session &s) { repo.insert(s, o, "user:u1"); });
    core::Order stale = o; // version 1, as read before the change below
    db_->transaction([&](Poco::Data::Session &s) {
      auto locked = repo.find(s, o.id, true);
      repo.transition(s, *locked, core::OrderStatus::awaiting_payment, "test", "");
    });
    try {
      db_->transaction(
          [&](Poco::Data::Session &s) { repo.transition(s, stale, core::OrderStatus::awaiting_payment, "test", ""); });
      CPPUNIT_FAIL("expected a ConcurrentChange");
    } catch (const core::ConcurrentChange &e) {
      CPPUNIT_ASSERT(e.error().code == orders::sdk::ErrorCode::conflict);
      CPPUNIT_ASSERT(e.error().retryable);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("changed concurrently") != std::string::npos);
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM order_history")); // created + one move
  }

  void rolledBackTransactionLeavesNoTrace() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    core::Order o = sampleOrder("u1", core::nowMs());
    CPPUNIT_ASSERT_THROW(db_->transaction([&](Poco::Data::Session &s) {
      repo.insert(s, o, "user:u1");
      throw std::runtime_error("crash after the insert");
    }),
                         std::runtime_error);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM orders"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM service_outbox"));
  }

  void concurrentTransitionsLoseNoWrite() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    // 8 orders; 8 threads each try to move every order pending -> awaiting_payment.
    std::vector<core::Order> orders;
    for (int i = 0; i < 8; ++i)
      orders.push_back(sampleOrder("u1", core::nowMs()));
    db_->transaction([&](Poco::Data::Session &s) {
      for (auto &o : orders)
        repo.insert(s, o, "user:u1");
    });
    std::atomic<int> moved{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (const auto &o : orders) {
          try {
            db_->transaction([&](Poco::Data::Session &s) {
              auto locked = repo.find(s, o.id, true);
              repo.transition(s, *locked, core::OrderStatus::awaiting_payment, "t", "");
            });
            ++moved;
          } catch (const storage::TransitionError &) {
            ++refused;
          }
        }
      });
    for (auto &t : threads)
      t.join();
    CPPUNIT_ASSERT_EQUAL(8, moved.load());
    CPPUNIT_ASSERT_EQUAL(56, refused.load());
    CPPUNIT_ASSERT_EQUAL(int64_t(16), count("SELECT COUNT(*) FROM order_history"));
  }

  void listPaginatesByCreatedThenId() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    std::map<std::string, int64_t> quantity_of; // each order's own item quantity
    db_->transaction([&](Poco::Data::Session &s) {
      for (int i = 0; i < 5; ++i) {
        auto o = sampleOrder("u1", 1000 + (i / 2)); // ties on time
        o.items[0].quantity = i + 1;
        quantity_of[o.id] = i + 1;
        repo.insert(s, o, "user:u1");
      }
      repo.insert(s, sampleOrder("u2", 5000), "user:u2");
    });
    std::set<std::string> seen;
    storage::OrderFilter f;
    f.user_id = "u1";
    f.limit = 2;
    auto lease = db_->lease();
    for (int page = 0; page < 5; ++page) {
      auto rows = repo.list(**lease, f);
      for (auto &r : rows) {
        CPPUNIT_ASSERT(seen.insert(r.id).second);
        // Each row's items come in the same statement (the row's own).
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Kopi — 250 g"), r.items[0].title);
        CPPUNIT_ASSERT_EQUAL(quantity_of.at(r.id), r.items[0].quantity);
      }
      if (rows.size() < 2) break;
      f.after = std::make_pair(rows.back().created_at_ms, rows.back().id);
    }
    CPPUNIT_ASSERT_EQUAL(size_t(5), seen.size());
    storage::OrderFilter window;
    window.created_from_ms = 1001;
    window.created_to_ms = 1002;
    CPPUNIT_ASSERT_EQUAL(size_t(2), repo.list(**lease, window).size());
  }

  void idempotencyKeyHasOneOwner() {
    if (skip()) return;
    storage::IdempotencyRepository repo(*db_);
    using Kind = storage::IdempotencyBegin::Kind;
    CPPUNIT_ASSERT(repo.begin("u1", "k", "h1", "r1").kind == Kind::owner);
    auto busy = repo.begin("u1", "k", "h1", "r2");
    CPPUNIT_ASSERT(busy.kind == Kind::in_progress);
    CPPUNIT_ASSERT_EQUAL(std::string("r1"), busy.resource_id); // what the owner is creating
    CPPUNIT_ASSERT(repo.begin("u1", "k", "h2", "r3").kind == Kind::mismatch);
    CPPUNIT_ASSERT(repo.begin("u2", "k", "h2", "r4").kind == Kind::owner);
    // Only the owner of the resource named by the key completes it.
    repo.complete("u1", "k", "r-other", storage::StoredResponse{201, "{\"ok\":0}", "application/json"});
    CPPUNIT_ASSERT(repo.begin("u1", "k", "h1", "r5").kind == Kind::in_progress);
    repo.complete("u1", "k", "r1", storage::StoredResponse{201, "{\"ok\":1}", "application/json"});
    auto replay = repo.begin("u1", "k", "h1", "r6");
    CPPUNIT_ASSERT(replay.kind == Kind::replay);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"ok\":1}"), replay.response->body);
    repo.abandon("u2", "k", "r4");
    CPPUNIT_ASSERT(repo.begin("u2", "k", "h3", "r7").kind == Kind::owner);
  }

  // A retry takes a key over from an owner that is gone, once; the late
  // owner can then neither abandon nor complete it.
  void idempotencyKeyIsTakenOverOnce() {
    if (skip()) return;
    storage::IdempotencyRepository repo(*db_);
    using Kind = storage::IdempotencyBegin::Kind;
    CPPUNIT_ASSERT(repo.begin("u1", "t", "h", "dead").kind == Kind::owner);
    CPPUNIT_ASSERT(repo.takeOver("u1", "t", "dead", "retry-1"));
    CPPUNIT_ASSERT(!repo.takeOver("u1", "t", "dead", "retry-2")); // the second retry lost the race
    repo.abandon("u1", "t", "dead");
    repo.complete("u1", "t", "dead", storage::StoredResponse{201, "late", "application/json"});
    auto busy = repo.begin("u1", "t", "h", "x");
    CPPUNIT_ASSERT(busy.kind == Kind::in_progress);
    CPPUNIT_ASSERT_EQUAL(std::string("retry-1"), busy.resource_id);
    repo.complete("u1", "t", "retry-1", storage::StoredResponse{201, "mine", "application/json"});
    CPPUNIT_ASSERT_EQUAL(std::string("mine"), repo.begin("u1", "t", "h", "y").response->body);
  }

  // First download allocates INV-<year>-<n>; re-downloads get the same;
  // 8 threads asking for 4 orders at once get 4 distinct, gapless numbers.
  void serviceAuthReplaysAreRefusedThroughTheDatabase();
  void invoiceNumbersAreAllocatedOncePerOrderInSequence() {
    if (skip()) return;
    storage::OrderRepository repo(*db_);
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
      core::Order o = sampleOrder("u-inv", core::nowMs());
      db_->transaction([&](Poco::Data::Session &s) { repo.insert(s, o, "test"); });
      ids.push_back(o.id);
    }
    core::CorePlugins none;
    core::InvoiceService invoices(*db_, none);
    const int64_t at = 1795000000000; // 2026-11-18
    std::mutex mutex;
    std::map<std::string, std::set<std::string>> seen;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        const std::string &id = ids[static_cast<size_t>(t % 4)];
        const auto issued = invoices.issue(id, at);
        std::lock_guard lock(mutex);
        seen[id].insert(issued.number);
      });
    for (auto &t : threads)
      t.join();
    std::set<std::string> all;
    for (const auto &[id, numbers] : seen) {
      CPPUNIT_ASSERT_EQUAL(size_t(1), numbers.size());
      all.insert(*numbers.begin());
      CPPUNIT_ASSERT_EQUAL(*numbers.begin(), invoices.issue(id, at + 86400000).number); // stable later
    }
    CPPUNIT_ASSERT(
        (std::set<std::string>{"INV-2026-000001", "INV-2026-000002", "INV-2026-000003", "INV-2026-000004"}) == all);
    CPPUNIT_ASSERT_EQUAL(int64_t(4), count("SELECT COUNT(*) FROM invoices"));
  }

  void inboxRecordsEachEventOnce() {
    if (skip()) return;
    storage::InboxRepository inbox;
    bool first = false, second = false, other = false;
    db_->transaction(
        [&](Poco::Data::Session &s) { first = inbox.record(s, "xendit", "e1", "o1", "paid", "applied", "{}"); });
    db_->transaction(
        [&](Poco::Data::Session &s) { second = inbox.record(s, "xendit", "e1", "o1", "paid", "applied", "{}"); });
    db_->transaction(
        [&](Poco::Data::Session &s) { other = inbox.record(s, "kafka", "e1", "o1", "paid", "applied", "{}"); });
    CPPUNIT_ASSERT(first);
    CPPUNIT_ASSERT(!second);
    CPPUNIT_ASSERT(other);
  }
};

// The replay cache every replica shares: a header one accepted is refused by
// the next one asking (another repository on the same database), and expired
// keys are deleted.
void StorageBase::serviceAuthReplaysAreRefusedThroughTheDatabase() {
  if (skip()) return;
  storage::ReplayRepository replica_a(*db_), replica_b(*db_);
  const int64_t now = 1700000000000;
  CPPUNIT_ASSERT(replica_a.remember("svc:1700000000:abc", now + 300000, now));
  CPPUNIT_ASSERT(!replica_b.remember("svc:1700000000:abc", now + 300000, now));
  CPPUNIT_ASSERT(!replica_a.remember("svc:1700000000:abc", now + 300000, now));
  CPPUNIT_ASSERT(replica_b.remember("svc:1700000001:def", now + 300000, now));
  CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM service_auth_replays"));
  for (int i = 0; i < 300; ++i) // every 256th call sweeps what expired
    replica_a.remember("k" + std::to_string(i), now + 1000, now + 600000);
  CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM service_auth_replays WHERE auth_key LIKE 'svc:%'"));
}

class SqliteStorageTest : public StorageBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteStorageTest, StorageBase);
  CPPUNIT_TEST_SUITE_END();
  bool postgres() const override { return false; }
};

class PostgresStorageTest : public StorageBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresStorageTest, StorageBase);
  CPPUNIT_TEST_SUITE_END();
  bool postgres() const override { return true; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteStorageTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresStorageTest);
