// The operator's command line against the real binary, on SQLite and
// PostgreSQL: --migrate --dry-run prints what --migrate would apply and
// changes nothing; --replay-outbox queues published and parked events of a
// range again; --check-config reaches the database and asks every plugin
// instance whether it is ready (exit 69 when one is not), --offline skips
// that.
#include <sys/wait.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server_process.hpp"
#include "test_skip.hpp"

using namespace orders::e2e;

namespace {

struct Run {
  int status = -1;
  std::string out; // stdout and stderr
};

Run run(const std::string &args) {
  const std::string cmd = std::string(ORDERS_SERVER_BINARY) + " " + args + " 2>&1";
  Run r;
  FILE *p = ::popen(cmd.c_str(), "r");
  CPPUNIT_ASSERT_MESSAGE(cmd, p != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0)
    r.out.append(buffer, n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

class OperationsBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OperationsBase);
  CPPUNIT_TEST(migrateDryRunPrintsThePendingSqlAndAppliesNothing);
  CPPUNIT_TEST(replayOutboxQueuesPublishedAndParkedEventsOfTheRange);
  CPPUNIT_TEST(checkConfigReachesTheDatabaseAndThePlugins);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;
  bool skip() const { return engine() == Engine::postgres && orders::testing::needPostgres(); }
  bool postgres() const { return engine() == Engine::postgres; }
  int64_t tables(const TestDatabase &db) const {
    return db.scalar(postgres() ? "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
                                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
  }

public:
  void migrateDryRunPrintsThePendingSqlAndAppliesNothing() {
    if (skip()) return;
    TestDatabase db(engine());
    const std::string config = writeServerConfig(db, ServerOptions{}, 1);
    const std::string sqlite_file = db.dir() + "/orders.db";

    Run dry = run("--migrate --dry-run --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(dry.out, 0, dry.status);
    CPPUNIT_ASSERT_MESSAGE(dry.out, contains(dry.out, "-- pending: 0001_orders"));
    CPPUNIT_ASSERT_MESSAGE(dry.out, contains(dry.out, "-- pending: 0014_outbox_trace_context"));
    CPPUNIT_ASSERT_MESSAGE(dry.out, contains(dry.out, "CREATE TABLE orders"));
    CPPUNIT_ASSERT_MESSAGE(dry.out, contains(dry.out, "14 migrations pending"));
    CPPUNIT_ASSERT_MESSAGE(dry.out, contains(dry.out, "; nothing applied (--dry-run)"));
    CPPUNIT_ASSERT_MESSAGE(dry.out, contains(dry.out, "schema at version 0 ("));
    if (postgres())
      CPPUNIT_ASSERT_EQUAL(int64_t(0), tables(db));
    else
      CPPUNIT_ASSERT_MESSAGE("the dry run created " + sqlite_file, !std::filesystem::exists(sqlite_file));

    Run applied = run("--migrate --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(applied.out, 0, applied.status);
    CPPUNIT_ASSERT_MESSAGE(applied.out, contains(applied.out, "applied 0014_outbox_trace_context"));
    const int64_t after = tables(db);
    CPPUNIT_ASSERT(after > 10);

    Run again = run("--migrate --dry-run --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.out, 0, again.status);
    CPPUNIT_ASSERT_MESSAGE(again.out, !contains(again.out, "-- pending"));
    CPPUNIT_ASSERT_MESSAGE(again.out, contains(again.out, "0 migrations pending"));
    CPPUNIT_ASSERT_MESSAGE(again.out, contains(again.out, "schema at version 14 ("));
    CPPUNIT_ASSERT_EQUAL(after, tables(db));

    Run misused = run("--dry-run --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(misused.out, 64, misused.status);
    CPPUNIT_ASSERT_MESSAGE(misused.out, contains(misused.out, "--dry-run goes with --migrate"));
  }

  void replayOutboxQueuesPublishedAndParkedEventsOfTheRange() {
    if (skip()) return;
    TestDatabase db(engine());
    std::string config;
    {
      ServerProcess server(db); // no Kafka: its events stay queued
      CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
      for (int i = 0; i < 3; ++i)
        CPPUNIT_ASSERT_EQUAL(201,
                             server.as("u-ops", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}})).status);
      config = server.configPath();
    }
    const int64_t events = db.scalar("SELECT COUNT(*) FROM service_outbox");
    CPPUNIT_ASSERT(events >= 3);
    const int64_t first = db.scalar("SELECT MIN(id) FROM service_outbox");
    const int64_t last = db.scalar("SELECT MAX(id) FROM service_outbox");
    // As a relay would leave them: all published but the last, parked.
    auto publishAll = [&] {
      db.exec("DELETE FROM outbox_pending");
      db.exec("DELETE FROM outbox_published");
      db.exec("DELETE FROM outbox_parked");
      db.exec("INSERT INTO outbox_published (id, published_at_ms) SELECT id, 1 FROM service_outbox WHERE id < " +
              std::to_string(last));
      db.exec("INSERT INTO outbox_parked (id, error, parked_at_ms) VALUES (" + std::to_string(last) +
              ", 'cannot encode', 1)");
    };
    publishAll();

    // A range of ids: the second event up to the last.
    Run ids = run("--replay-outbox " + std::to_string(first + 1) + ".." + std::to_string(last) + " --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ids.out, 0, ids.status);
    CPPUNIT_ASSERT_MESSAGE(ids.out, contains(ids.out, "queued " + std::to_string(events - 1) + " events of "));
    CPPUNIT_ASSERT_MESSAGE(ids.out, contains(ids.out, "(" + std::to_string(events - 2) + " published, 1 parked); 0 "));
    CPPUNIT_ASSERT_MESSAGE(ids.out, contains(ids.out, "kafka.bootstrap_servers is empty"));
    CPPUNIT_ASSERT_EQUAL(events - 1, db.scalar("SELECT COUNT(*) FROM outbox_pending"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0),
                         db.scalar("SELECT COUNT(*) FROM outbox_pending WHERE id = " + std::to_string(first)));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM outbox_published"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM outbox_parked"));
    // Each queued row names its event's order, as the insert trigger's do.
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM outbox_pending p JOIN service_outbox o ON "
                                               "o.id = p.id WHERE p.aggregate_id <> o.aggregate_id"));

    // Again: the rows still queued are left as they are.
    Run twice = run("--replay-outbox " + std::to_string(first) + ".." + std::to_string(last) + " --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(twice.out, 0, twice.status);
    CPPUNIT_ASSERT_MESSAGE(twice.out, contains(twice.out, "queued 1 events of "));
    CPPUNIT_ASSERT_MESSAGE(twice.out, contains(twice.out, "; " + std::to_string(events - 1) + " in the range were"));
    CPPUNIT_ASSERT_EQUAL(events, db.scalar("SELECT COUNT(*) FROM outbox_pending"));

    // A range of creation times: every event.
    publishAll();
    Run times = run("--replay-outbox 2000-01-01T00:00:00Z..2100-01-01T00:00:00.000Z --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(times.out, 0, times.status);
    CPPUNIT_ASSERT_MESSAGE(times.out, contains(times.out, "queued " + std::to_string(events) + " events of "));
    CPPUNIT_ASSERT_EQUAL(events, db.scalar("SELECT COUNT(*) FROM outbox_pending"));
    publishAll();
    Run past = run("--replay-outbox 2000-01-01T00:00:00Z..2000-01-02T00:00:00Z --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(past.out, 0, past.status);
    CPPUNIT_ASSERT_MESSAGE(past.out, contains(past.out, "queued 0 events of "));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM outbox_pending"));

    // Wrong ranges: refused, nothing queued.
    for (const char *bad : {"12", "40..12", "a..b", "2026-12-07..2026-12-08", "..5"}) {
      Run r = run(std::string("--replay-outbox ") + bad + " --config " + config);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad + std::string(": ") + r.out, 64, r.status);
      CPPUNIT_ASSERT_MESSAGE(r.out, contains(r.out, "--replay-outbox: "));
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db.scalar("SELECT COUNT(*) FROM outbox_pending"));
  }

  void checkConfigReachesTheDatabaseAndThePlugins() {
    if (skip()) return;
    TestDatabase db(engine());
    const std::string config = writeServerConfig(db, ServerOptions{}, 1);
    Run good = run("--check-config --config " + config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(good.out, 0, good.status);
    CPPUNIT_ASSERT_MESSAGE(
        good.out, contains(good.out, std::string("database (") + (postgres() ? "postgres" : "sqlite") + "): ok"));
    CPPUNIT_ASSERT_MESSAGE(good.out, contains(good.out, "plugin inventory/stock: ok"));
    CPPUNIT_ASSERT_MESSAGE(good.out, contains(good.out, "plugin catalog/catalog: ok"));

    // The orders database out of reach, and a Redis cart whose Redis is
    // not there (its create() connects to nothing; its ready() asks Redis).
    ServerOptions with_cart;
    with_cart.extra_yaml = "  cart:\n    - name: redis\n      id: basket\n"
                           "      config: { url: \"redis://127.0.0.1:9/0\", timeout_ms: 500 }\n";
    std::string text = slurp(writeServerConfig(db, with_cart, 2));
    const std::string orders_url = db.ordersUrl();
    const std::string gone_orders =
        postgres() ? "postgresql://orders:orders@127.0.0.1:9/nowhere" : "sqlite:///proc/no-such-dir/orders.db";
    text.replace(text.find("\"" + orders_url + "\""), orders_url.size() + 2, "\"" + gone_orders + "\"");
    const std::string broken = db.dir() + "/unreachable.yaml";
    std::ofstream(broken) << text;
    Run bad = run("--check-config --config " + broken);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.out, 69, bad.status);
    CPPUNIT_ASSERT_MESSAGE(bad.out, contains(bad.out, broken + ": OK ("));
    CPPUNIT_ASSERT_MESSAGE(
        bad.out, contains(bad.out, std::string("database (") + (postgres() ? "postgres" : "sqlite") + "): error: "));
    CPPUNIT_ASSERT_MESSAGE(bad.out, contains(bad.out, "plugin catalog/catalog: ok"));
    CPPUNIT_ASSERT_MESSAGE(bad.out, contains(bad.out, "plugin inventory/stock: ok"));
    CPPUNIT_ASSERT_MESSAGE(bad.out, contains(bad.out, "plugin cart/basket: error: "));
    CPPUNIT_ASSERT_MESSAGE(bad.out, contains(bad.out, broken + ": 2 of 6 dependencies not ready"));
    Run offline = run("--check-config --offline --config " + broken);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(offline.out, 0, offline.status);
    CPPUNIT_ASSERT_MESSAGE(offline.out, !contains(offline.out, "database ("));
    Run misused = run("--offline --config " + broken);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(misused.out, 64, misused.status);
  }
};

class SqliteOperationsTest : public OperationsBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteOperationsTest, OperationsBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::sqlite; }
};

class PostgresOperationsTest : public OperationsBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresOperationsTest, OperationsBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteOperationsTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresOperationsTest);
