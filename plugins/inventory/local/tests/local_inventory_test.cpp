// inventory/local through its C ABI on a FakeHost: every case on a temporary
// SQLite file, and again on PostgreSQL when ORDERS_TEST_PG_URL names an empty
// throw-away database (packaging/test.sh provides one).
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/Binding.h>
#include <Poco/Data/Extraction.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

#include "db_url.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;
namespace kw = Poco::Data::Keywords;

namespace {

const int64_t kStartMs = 1'790'000'000'000; // FakeHost's clock: 2026-09-21T14:13:20Z

StockLine stockLine(const std::string &product, int64_t quantity, std::optional<std::string> variant = std::nullopt) {
  StockLine line;
  line.productId = product;
  line.variantId = std::move(variant);
  line.quantity = quantity;
  return line;
}

ReserveRequest request(const std::string &key, std::vector<StockLine> lines, const std::string &reference = "order-1",
                       int64_t ttl_seconds = 0) {
  ReserveRequest r;
  r.reference = reference;
  r.idempotencyKey = key;
  r.ttlSeconds = ttl_seconds;
  r.lines = std::move(lines);
  return r;
}

ReservationRef byId(const std::string &id) {
  ReservationRef ref;
  ref.reservationId = id;
  return ref;
}

ReservationRef byReference(const std::string &reference) {
  ReservationRef ref;
  ref.reference = reference;
  return ref;
}

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }
template <class T> std::string codeOf(const Result<T> &r) { return r.ok() ? "ok" : errorCodeName(r.error().code); }

void registerConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

} // namespace

// The cases, run by one suite per engine below.
class LocalInventoryTestBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LocalInventoryTestBase);
  CPPUNIT_TEST(reserveHoldsStockAndCommitConsumesIt);
  CPPUNIT_TEST(outOfStockIsAnOutcomeNamingTheProduct);
  CPPUNIT_TEST(duplicateLinesAreMergedPerProduct);
  CPPUNIT_TEST(sameIdempotencyKeyReturnsTheSameReservation);
  CPPUNIT_TEST(releaseReturnsStock);
  CPPUNIT_TEST(commitAfterReleaseIsConflict);
  CPPUNIT_TEST(releaseAfterCommitIsConflict);
  CPPUNIT_TEST(restockReturnsCommittedUnitsOnce);
  CPPUNIT_TEST(expiredReservationsAreReleasedOnNextReserve);
  CPPUNIT_TEST(overdueHoldsGoBackEvenWhenNotNeeded);
  CPPUNIT_TEST(aRefusalFirstGivesBackWhatExpired);
  CPPUNIT_TEST(seededStockIsNotOverwrittenOnRestart);
  CPPUNIT_TEST(concurrentReservationsNeverOversell);
  CPPUNIT_TEST(badQuantityIsInvalidArgument);
  CPPUNIT_TEST(unknownReservationIsNotFound);
  CPPUNIT_TEST(releaseByReferenceReleasesAllHeld);
  CPPUNIT_TEST(readyAnswersWhileTheDatabaseDoes);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
  void setUp() override {
    registerConnectors();
    url_ = databaseUrl();
    if (!url_.empty()) resetDatabase();
  }
  void tearDown() override {
    if (!url_.empty()) removeDatabase();
  }

  void reserveHoldsStockAndCommitConsumesIt() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    auto out = reserve(*h, request("k1", {stockLine("sku-mug", 3)}));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT(out->reserved);
    CPPUNIT_ASSERT(out->shortages.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-21T14:28:20Z"), out->expiresAt.value()); // now + 900 s
    assertStock("sku-mug", 10, 3);
    const std::string id = out->reservationId.value();
    auto committed = commit(*h, id);
    CPPUNIT_ASSERT_MESSAGE(why(committed), committed.ok());
    assertStock("sku-mug", 7, 0);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), codeOf(commit(*h, id))); // committing twice is fine
    assertStock("sku-mug", 7, 0);
    CPPUNIT_ASSERT_EQUAL(std::string("committed"), statusOf(id));
  }

  void outOfStockIsAnOutcomeNamingTheProduct() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":2,"sku-tee:red":5})");
    auto out = reserve(
        *h, request("k1", {stockLine("sku-mug", 3), stockLine("sku-tee", 1, "red"), stockLine("sku-ghost", 1)}));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT(!out->reserved);
    CPPUNIT_ASSERT(!out->reservationId.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t(2), out->shortages.size()); // by product key; sku-tee:red fits
    const Shortage &ghost = out->shortages[0];
    CPPUNIT_ASSERT_EQUAL(std::string("sku-ghost"), ghost.productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), ghost.requested);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), ghost.available);
    const Shortage &mug = out->shortages[1];
    CPPUNIT_ASSERT_EQUAL(std::string("sku-mug"), mug.productId);
    CPPUNIT_ASSERT(!mug.variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(int64_t(3), mug.requested);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), mug.available);
    assertStock("sku-mug", 2, 0); // all or nothing: the line that fitted is not held either
    assertStock("sku-tee:red", 5, 0);
  }

  void duplicateLinesAreMergedPerProduct() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":3})");
    auto out = reserve(*h, request("k1", {stockLine("sku-mug", 2), stockLine("sku-mug", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT(!out->reserved);
    CPPUNIT_ASSERT_EQUAL(size_t(1), out->shortages.size());
    CPPUNIT_ASSERT_EQUAL(int64_t(4), out->shortages[0].requested);
    CPPUNIT_ASSERT_EQUAL(int64_t(3), out->shortages[0].available);
    held(*h, request("k2", {stockLine("sku-mug", 1), stockLine("sku-mug", 2)}));
    assertStock("sku-mug", 3, 3);
  }

  void sameIdempotencyKeyReturnsTheSameReservation() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    auto first = reserve(*h, request("k1", {stockLine("sku-mug", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    h->host().setNowUnixMs(kStartMs + 60'000);
    auto again = reserve(*h, request("k1", {stockLine("sku-mug", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT(again->reserved);
    CPPUNIT_ASSERT_EQUAL(first->reservationId.value(), again->reservationId.value());
    CPPUNIT_ASSERT_EQUAL(first->expiresAt.value(), again->expiresAt.value());
    assertStock("sku-mug", 10, 2); // held once
    CPPUNIT_ASSERT(commit(*h, first->reservationId.value()).ok());
    auto replayed = reserve(*h, request("k1", {stockLine("sku-mug", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(replayed), replayed.ok());
    CPPUNIT_ASSERT(replayed->reserved); // no longer held, still the same answer
    CPPUNIT_ASSERT_EQUAL(first->reservationId.value(), replayed->reservationId.value());
    assertStock("sku-mug", 8, 0);
  }

  void releaseReturnsStock() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    const std::string id = held(*h, request("k1", {stockLine("sku-mug", 4)}));
    assertStock("sku-mug", 10, 4);
    auto released = release(*h, byId(id));
    CPPUNIT_ASSERT_MESSAGE(why(released), released.ok());
    assertStock("sku-mug", 10, 0);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), codeOf(release(*h, byId(id)))); // releasing twice is fine
    assertStock("sku-mug", 10, 0);
    CPPUNIT_ASSERT_EQUAL(std::string("released"), statusOf(id));
  }

  void commitAfterReleaseIsConflict() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    const std::string id = held(*h, request("k1", {stockLine("sku-mug", 4)}));
    CPPUNIT_ASSERT(release(*h, byId(id)).ok());
    auto late = commit(*h, id);
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), codeOf(late));
    CPPUNIT_ASSERT_EQUAL("reservation " + id + " is released; stock was returned", late.error().message);
    assertStock("sku-mug", 10, 0);
  }

  // ABI 1.3: a paid order cancelled or refunded puts its units back on sale,
  // once, however often the host asks.
  void restockReturnsCommittedUnitsOnce() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    CPPUNIT_ASSERT(h->table<orders_inventory_v1_t>()->capabilities & ORDERS_INVENTORY_CAN_RESTOCK);
    const std::string id = held(*h, request("k1", {stockLine("sku-mug", 4)}));
    RestockRequest req{id, "order-1", "restock:r-1", {stockLine("sku-mug", 4)}};
    auto early = h->call<Empty>(h->table<orders_inventory_v1_t>()->restock, req);
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), codeOf(early)); // held, not consumed: nothing to restock
    CPPUNIT_ASSERT(commit(*h, id).ok());
    assertStock("sku-mug", 6, 0);
    for (int i = 0; i < 2; ++i) {
      auto back = h->call<Empty>(h->table<orders_inventory_v1_t>()->restock, req);
      CPPUNIT_ASSERT_MESSAGE(why(back), back.ok());
      assertStock("sku-mug", 10, 0);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("restocked"), statusOf(id));
  }

  void releaseAfterCommitIsConflict() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    const std::string id = held(*h, request("k1", {stockLine("sku-mug", 4)}));
    CPPUNIT_ASSERT(commit(*h, id).ok());
    auto late = release(*h, byId(id));
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), codeOf(late));
    CPPUNIT_ASSERT_EQUAL("reservation " + id + " is committed; its stock was consumed", late.error().message);
    assertStock("sku-mug", 6, 0);
  }

  void expiredReservationsAreReleasedOnNextReserve() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":5})");
    const std::string first = held(*h, request("k1", {stockLine("sku-mug", 5)}, "order-1", 60));
    auto meanwhile = reserve(*h, request("k2", {stockLine("sku-mug", 1)}, "order-2"));
    CPPUNIT_ASSERT_MESSAGE(why(meanwhile), meanwhile.ok());
    CPPUNIT_ASSERT(!meanwhile->reserved);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), meanwhile->shortages.at(0).available);

    h->host().setNowUnixMs(kStartMs + 61'000); // past the 60 s TTL
    held(*h, request("k3", {stockLine("sku-mug", 5)}, "order-3"));
    assertStock("sku-mug", 5, 5);
    CPPUNIT_ASSERT_EQUAL(std::string("expired"), statusOf(first));
    auto late = commit(*h, first);
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), codeOf(late));
    CPPUNIT_ASSERT_EQUAL("reservation " + first + " is expired; stock was returned", late.error().message);
    assertStock("sku-mug", 5, 5);
  }

  // reserve() sweeps overdue holds at most once a second: a hold nobody
  // needs still goes back with the next reserve a second on.
  void overdueHoldsGoBackEvenWhenNotNeeded() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":5})");
    const std::string first = held(*h, request("k1", {stockLine("sku-mug", 2)}, "order-1", 60));
    h->host().setNowUnixMs(kStartMs + 61'000);
    held(*h, request("k2", {stockLine("sku-mug", 1)}, "order-2")); // needs none of first's units
    CPPUNIT_ASSERT_EQUAL(std::string("expired"), statusOf(first));
    assertStock("sku-mug", 5, 1);
  }

  // Between those sweeps, a reserve that would be refused first gives back
  // what is overdue, then tries again: no refusal for want of units that
  // only an expired hold keeps.
  void aRefusalFirstGivesBackWhatExpired() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":5})");
    held(*h, request("k0", {stockLine("sku-mug", 1)}, "order-0")); // the first reserve sweeps
    h->host().setNowUnixMs(kStartMs + 200);
    const std::string brief = held(*h, request("k1", {stockLine("sku-mug", 4)}, "order-1", 1)); // until +1.2 s
    h->host().setNowUnixMs(kStartMs + 1'100);                                                   // sweeps: none due
    auto refused = reserve(*h, request("k2", {stockLine("sku-mug", 1)}, "order-2"));
    CPPUNIT_ASSERT_MESSAGE(why(refused), refused.ok());
    CPPUNIT_ASSERT(!refused->reserved);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), refused->shortages.at(0).available);
    h->host().setNowUnixMs(kStartMs + 1'500); // k1 overdue; the last sweep was 0.4 s ago
    held(*h, request("k3", {stockLine("sku-mug", 4)}, "order-3"));
    CPPUNIT_ASSERT_EQUAL(std::string("expired"), statusOf(brief));
    assertStock("sku-mug", 5, 5);
  }

  void seededStockIsNotOverwrittenOnRestart() {
    if (skipped()) return;
    std::string still_held;
    {
      auto before = start(R"({"sku-mug":10})");
      CPPUNIT_ASSERT(commit(*before, held(*before, request("k1", {stockLine("sku-mug", 3)}))).ok());
      still_held = held(*before, request("k2", {stockLine("sku-mug", 2)}));
    }
    auto after = start(R"({"sku-mug":10,"sku-new":4})");
    assertStock("sku-mug", 7, 2); // the database wins over the config
    assertStock("sku-new", 4, 0); // new keys are seeded
    CPPUNIT_ASSERT(after->host().logs().at(0).message.find("seeded 1 of 2") != std::string::npos);
    CPPUNIT_ASSERT(commit(*after, still_held).ok()); // holds survive the restart too
    assertStock("sku-mug", 5, 0);
  }

  void concurrentReservationsNeverOversell() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    std::atomic<int> granted{0};
    std::atomic<int> refused{0};
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    std::vector<std::thread> callers;
    for (int i = 0; i < 40; ++i) {
      callers.emplace_back([&, i] {
        const std::string n = std::to_string(i);
        auto out = reserve(*h, request("k" + n, {stockLine("sku-mug", 1)}, "order-" + n));
        if (!out.ok()) {
          std::lock_guard lock(errors_mutex);
          errors.push_back(out.error().message);
        } else if (out->reserved) {
          ++granted;
        } else {
          ++refused;
        }
      });
    }
    for (std::thread &caller : callers)
      caller.join();
    CPPUNIT_ASSERT_MESSAGE(errors.empty() ? "" : errors.front(), errors.empty());
    CPPUNIT_ASSERT_EQUAL(10, granted.load());
    CPPUNIT_ASSERT_EQUAL(30, refused.load());
    assertStock("sku-mug", 10, 10); // on_hand - reserved == 0, nothing negative
    CPPUNIT_ASSERT_EQUAL(size_t(10), heldCount());
  }

  void badQuantityIsInvalidArgument() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    auto zero = reserve(*h, request("k1", {stockLine("sku-mug", 1), stockLine("sku-mug", 0)}));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(zero));
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/1/quantity: must be > 0"), zero.error().message);
    auto negative = reserve(*h, request("k2", {stockLine("sku-mug", -2)}));
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/0/quantity: must be > 0"), negative.error().message);
    assertStock("sku-mug", 10, 0);
  }

  void unknownReservationIsNotFound() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10})");
    CPPUNIT_ASSERT_EQUAL(std::string("not_found"), codeOf(commit(*h, "no-such-reservation")));
    CPPUNIT_ASSERT_EQUAL(std::string("not_found"), codeOf(release(*h, byId("no-such-reservation"))));
  }

  void releaseByReferenceReleasesAllHeld() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":10,"sku-tee":10})");
    const std::string a = held(*h, request("a", {stockLine("sku-mug", 2)}, "order-1"));
    const std::string b = held(*h, request("b", {stockLine("sku-tee", 3), stockLine("sku-mug", 1)}, "order-1"));
    const std::string c = held(*h, request("c", {stockLine("sku-mug", 4)}, "order-1"));
    const std::string d = held(*h, request("d", {stockLine("sku-mug", 1)}, "order-2"));
    CPPUNIT_ASSERT(commit(*h, c).ok());
    auto out = release(*h, byReference("order-1"));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("released"), statusOf(a));
    CPPUNIT_ASSERT_EQUAL(std::string("released"), statusOf(b));
    CPPUNIT_ASSERT_EQUAL(std::string("committed"), statusOf(c)); // only held ones
    CPPUNIT_ASSERT_EQUAL(std::string("held"), statusOf(d));      // other references untouched
    assertStock("sku-mug", 6, 1);
    assertStock("sku-tee", 10, 0);
  }

  void readyAnswersWhileTheDatabaseDoes() {
    if (skipped()) return;
    auto h = start("{}");
    SinkBuffer sink;
    const orders_status_t rc = orders_plugin_descriptor_v1()->ready(h->instance(), sink.sink());
    CPPUNIT_ASSERT_EQUAL(orders_status_t(ORDERS_OK), rc);
  }

protected:
  // The database under test, or "" when this engine is not available here.
  virtual std::string databaseUrl() = 0;
  // Leaves the database without the plugin's tables.
  virtual void resetDatabase() = 0;
  virtual void removeDatabase() {}

  Poco::Data::Session connect() {
    auto target = orders::dburl::parse(url_);
    CPPUNIT_ASSERT_MESSAGE(why(target), target.ok());
    return Poco::Data::Session(target->connector, target->connection);
  }

  bool skipped() { return url_.empty() && orders::testing::needPostgres(); }

  std::unique_ptr<PluginHarness> start(const std::string &stock_json) {
    auto harness = std::make_unique<PluginHarness>(orders_plugin_descriptor_v1());
    const Status created = harness->create(R"({"database_url":")" + url_ + R"(","stock":)" + stock_json +
                                           R"(,"reservation_ttl_seconds":900,"pool_size":8})");
    CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
    return harness;
  }

  static Result<ReserveOutcome> reserve(PluginHarness &h, const ReserveRequest &r) {
    return h.call<ReserveOutcome>(h.table<orders_inventory_v1_t>()->reserve, r);
  }
  static Result<Empty> commit(PluginHarness &h, const std::string &id) {
    return h.call<Empty>(h.table<orders_inventory_v1_t>()->commit, byId(id));
  }
  static Result<Empty> release(PluginHarness &h, const ReservationRef &ref) {
    return h.call<Empty>(h.table<orders_inventory_v1_t>()->release, ref);
  }

  // Reserves, asserts the hold was granted, answers its id.
  static std::string held(PluginHarness &h, const ReserveRequest &r) {
    auto out = reserve(h, r);
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT_MESSAGE("not reserved: " + r.idempotencyKey, out->reserved);
    return out->reservationId.value();
  }

  void assertStock(const std::string &key, int64_t on_hand, int64_t reserved) {
    Poco::Data::Session session = connect();
    std::vector<Poco::Int64> on_hand_rows, reserved_rows;
    Poco::Data::Statement query(session);
    query << "SELECT on_hand, reserved FROM inventory_stock WHERE product_key = $1", kw::into(on_hand_rows),
        kw::into(reserved_rows), kw::bind(key);
    query.execute();
    CPPUNIT_ASSERT_EQUAL_MESSAGE("rows for " + key, size_t(1), on_hand_rows.size());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(key + " on_hand", on_hand, on_hand_rows[0]);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(key + " reserved", reserved, reserved_rows[0]);
  }

  std::string statusOf(const std::string &id) {
    Poco::Data::Session session = connect();
    std::vector<std::string> statuses;
    Poco::Data::Statement query(session);
    query << "SELECT status FROM inventory_reservations WHERE id = $1", kw::into(statuses), kw::bind(id);
    query.execute();
    return statuses.empty() ? std::string("(no such reservation)") : statuses[0];
  }

  size_t heldCount() {
    Poco::Data::Session session = connect();
    std::vector<std::string> ids;
    session << "SELECT id FROM inventory_reservations WHERE status = 'held'", kw::into(ids), kw::now;
    return ids.size();
  }

  std::string url_;
};

// A fresh SQLite file per case, removed afterwards.
class LocalInventorySqliteTest : public LocalInventoryTestBase {
  CPPUNIT_TEST_SUB_SUITE(LocalInventorySqliteTest, LocalInventoryTestBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  std::string databaseUrl() override { return "sqlite://" + path_; }
  void resetDatabase() override { removeDatabase(); }
  void removeDatabase() override {
    for (const char *suffix : {"", "-wal", "-shm"})
      std::remove((path_ + suffix).c_str());
  }

private:
  static int nextFile() {
    static std::atomic<int> files{0};
    return ++files;
  }
  const std::string path_ =
      "/tmp/orders-inventory-local-test-" + std::to_string(::getpid()) + "-" + std::to_string(nextFile()) + ".db";
};

// The database named by ORDERS_TEST_PG_URL, emptied of the plugin's tables
// before each case; every case passes with a note when it is unset.
class LocalInventoryPostgresTest : public LocalInventoryTestBase {
  CPPUNIT_TEST_SUB_SUITE(LocalInventoryPostgresTest, LocalInventoryTestBase);
  CPPUNIT_TEST(sessionsTheServerDroppedAreReplacedWithoutAnError);
  CPPUNIT_TEST_SUITE_END();

public:
  // The server ends every session of the plugin's pool (a restart, an
  // administrator's pg_terminate_backend): the next calls are answered on
  // fresh sessions, not failed once per dead pooled one (which used to open
  // the host's circuit breaker for the plugin after a database blip).
  void sessionsTheServerDroppedAreReplacedWithoutAnError() {
    if (skipped()) return;
    auto h = start(R"({"sku-mug":100})");
    std::vector<std::thread> callers; // several sessions in the pool
    std::atomic<int> failed{0};
    for (int i = 0; i < 6; ++i)
      callers.emplace_back([&, i] {
        if (!reserve(*h, request("warm-" + std::to_string(i), {stockLine("sku-mug", 1)}, "w")).ok()) ++failed;
      });
    for (std::thread &caller : callers)
      caller.join();
    CPPUNIT_ASSERT_EQUAL(0, failed.load());

    Poco::Data::Session admin = connect();
    std::vector<Poco::Int64> ended;
    admin << "SELECT CAST(count(pg_terminate_backend(pid)) AS BIGINT) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        kw::into(ended), kw::now;
    CPPUNIT_ASSERT_MESSAGE("no plugin session to end", !ended.empty() && ended[0] >= 1);

    for (int i = 0; i < 6; ++i) {
      auto out = reserve(*h, request("after-" + std::to_string(i), {stockLine("sku-mug", 1)}, "a"));
      CPPUNIT_ASSERT_MESSAGE("call " + std::to_string(i) + " after the sessions ended: " + why(out), out.ok());
      CPPUNIT_ASSERT(out->reserved);
    }
    assertStock("sku-mug", 100, 12);
    SinkBuffer sink;
    CPPUNIT_ASSERT_EQUAL(orders_status_t(ORDERS_OK), orders_plugin_descriptor_v1()->ready(h->instance(), sink.sink()));
  }

protected:
  std::string databaseUrl() override {
    const char *url = std::getenv("ORDERS_TEST_PG_URL");
    return url == nullptr ? std::string() : std::string(url);
  }
  void resetDatabase() override {
    Poco::Data::Session session = connect();
    session << "SET client_min_messages TO WARNING", kw::now; // no "does not exist, skipping" notices
    for (const char *table : {"inventory_reservations", "inventory_stock", "inventory_schema"})
      session << "DROP TABLE IF EXISTS " + std::string(table), kw::now;
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LocalInventorySqliteTest);
CPPUNIT_TEST_SUITE_REGISTRATION(LocalInventoryPostgresTest);
