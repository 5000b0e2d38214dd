// Database::pipelined() and write() on both engines: queued writes are seen
// by the next read of the same transaction, a failing queued write rolls the
// whole transaction back with the server's error, and statements prepared
// through the pipeline are reused (and re-prepared after a failure).
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <thread>

#include "storage/rows.hpp"
#include "storage_fixture.hpp"

using namespace orders::host;
using namespace storage_test;

namespace {
std::string textOf(const std::exception &e) {
  auto *poco = dynamic_cast<const Poco::Exception *>(&e);
  return poco != nullptr ? poco->displayText() : e.what();
}
} // namespace

class PipelineBase : public StorageFixture {
  CPPUNIT_TEST_SUITE(PipelineBase);
  CPPUNIT_TEST(queuedWritesAreSeenByTheNextReadAndCommitted);
  CPPUNIT_TEST(aFailingQueuedWriteRollsEverythingBack);
  CPPUNIT_TEST(execCountsItsOwnRowsAfterQueuedWrites);
  CPPUNIT_TEST(preparedStatementsSurviveFailuresAndAreReused);
  CPPUNIT_TEST(aConnectionTheServerDroppedIsReplaced);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

  const std::string insert_ =
      "INSERT INTO processed_events (source, event_id, outcome, processed_at_ms) VALUES ($1, $2, 'applied', $3)";

  int64_t events(const std::string &source) {
    return count("SELECT COUNT(*) FROM processed_events WHERE source = '" + source + "'");
  }

public:
  void queuedWritesAreSeenByTheNextReadAndCommitted() {
    if (skip()) return;
    std::string seen;
    db_->pipelined([&](Poco::Data::Session &s) {
      for (int i = 0; i < 3; ++i)
        db_->write(s, insert_, std::string("a"), "e" + std::to_string(i), int64_t(i));
      storage::Rows r(db_->query(s, "SELECT COUNT(*) AS n FROM processed_events WHERE source = $1", "a"));
      seen = r.str("n");
      db_->write(s, insert_, std::string("a"), std::string("e3"), int64_t(3));
    });
    CPPUNIT_ASSERT_EQUAL(std::string("3"), seen);
    CPPUNIT_ASSERT_EQUAL(int64_t(4), events("a"));
    db_->pipelined([](Poco::Data::Session &) {}); // nothing to send
  }

  void aFailingQueuedWriteRollsEverythingBack() {
    if (skip()) return;
    db_->pipelined([&](Poco::Data::Session &s) { db_->write(s, insert_, std::string("b"), std::string("x"), 1); });
    bool thrown = false;
    try {
      db_->pipelined([&](Poco::Data::Session &s) {
        db_->write(s, insert_, std::string("b"), std::string("y"), 2);
        db_->write(s, insert_, std::string("b"), std::string("x"), 3); // duplicate key
        db_->write(s, insert_, std::string("b"), std::string("z"), 4);
      });
    } catch (const std::exception &e) {
      thrown = true;
      CPPUNIT_ASSERT_MESSAGE(textOf(e), storage::Database::isUniqueViolation(e));
    }
    CPPUNIT_ASSERT(thrown);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), events("b")); // neither y nor z
    // The connection is usable again, inside and outside transactions.
    db_->pipelined([&](Poco::Data::Session &s) { db_->write(s, insert_, std::string("b"), std::string("y"), 2); });
    db_->autocommit([&](Poco::Data::Session &s) { db_->exec(s, insert_, std::string("b"), std::string("z"), 4); });
    CPPUNIT_ASSERT_EQUAL(int64_t(3), events("b"));
  }

  void execCountsItsOwnRowsAfterQueuedWrites() {
    if (skip()) return;
    size_t updated = 0;
    db_->pipelined([&](Poco::Data::Session &s) {
      for (int i = 0; i < 5; ++i)
        db_->write(s, insert_, std::string("c"), "e" + std::to_string(i), int64_t(i));
      updated =
          db_->exec(s, "UPDATE processed_events SET processed_at_ms = 99 WHERE source = $1 AND processed_at_ms < $2",
                    std::string("c"), int64_t(2));
    });
    CPPUNIT_ASSERT_EQUAL(size_t(2), updated);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM processed_events WHERE processed_at_ms = 99"));
  }

  void preparedStatementsSurviveFailuresAndAreReused() {
    if (skip()) return;
    bool thrown = false;
    try {
      db_->pipelined([&](Poco::Data::Session &s) {
        db_->write(s, insert_, std::string("d"), std::string("1"), 1);
        db_->write(s, "INSERT INTO no_such_table VALUES ($1)", std::string("x"));
        db_->write(s, "UPDATE processed_events SET processed_at_ms = $1 WHERE source = $2", int64_t(5),
                   std::string("d"));
      });
    } catch (const std::exception &e) {
      thrown = true;
      CPPUNIT_ASSERT_MESSAGE(textOf(e), textOf(e).find("no_such_table") != std::string::npos);
    }
    CPPUNIT_ASSERT(thrown);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), events("d"));
    // The same statements again on the one connection of a fresh pool: the
    // ones never prepared (skipped after the failure) are prepared now.
    auto single = storage::Database::open(url_, 1);
    CPPUNIT_ASSERT(single.ok());
    storage::Database &db = *single.value();
    for (int round = 0; round < 3; ++round)
      db.pipelined([&](Poco::Data::Session &s) {
        db.write(s, insert_, std::string("d"), std::to_string(round), int64_t(round));
        db.write(s, "UPDATE processed_events SET processed_at_ms = $1 WHERE source = $2", int64_t(7), std::string("d"));
      });
    CPPUNIT_ASSERT_EQUAL(int64_t(3), count("SELECT COUNT(*) FROM processed_events WHERE source = 'd' AND "
                                           "processed_at_ms = 7"));
  }

  // The server ends the pool's one session: the next transaction fails (it
  // was sent on a dead socket), the one after runs on a new session, its
  // statements prepared again.
  void aConnectionTheServerDroppedIsReplaced() {
    if (skip() || !postgres()) return;
    auto single = storage::Database::open(url_, 1);
    CPPUNIT_ASSERT(single.ok());
    storage::Database &db = *single.value();
    db.pipelined([&](Poco::Data::Session &s) { db.write(s, insert_, std::string("f"), std::string("1"), 1); });
    std::string pid;
    {
      auto lease = db.lease();
      storage::Rows r(db.query(**lease, "SELECT pg_backend_pid()::text AS pid WHERE $1 = $1", "x"));
      pid = r.str("pid");
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM (SELECT pg_terminate_backend(" + pid + ")) t"));
    for (int i = 0; i < 50 && count("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + pid) > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CPPUNIT_ASSERT_THROW(
        db.pipelined([&](Poco::Data::Session &s) { db.write(s, insert_, std::string("f"), std::string("2"), 2); }),
        std::exception);
    db.pipelined([&](Poco::Data::Session &s) { db.write(s, insert_, std::string("f"), std::string("3"), 3); });
    CPPUNIT_ASSERT_EQUAL(int64_t(2), events("f"));
  }
};

class SqlitePipelineTest : public PipelineBase {
  CPPUNIT_TEST_SUB_SUITE(SqlitePipelineTest, PipelineBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return false; }
};

class PostgresPipelineTest : public PipelineBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresPipelineTest, PipelineBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return true; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqlitePipelineTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresPipelineTest);
